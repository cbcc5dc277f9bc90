"""casegraph validate: SHACL-validate RDF files against CaseGraph's shapes (and your own).

Exit codes: 0 every file conforms (warnings allowed), 1 at least one violation, 2 at least
one file (or --shapes file) could not be used: unreadable, unparsable, unknown format, or
refused as unsafe (RDF/XML with a DOCTYPE, JSON-LD with a remote @context). Nothing is ever
fetched from the network.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, SH

from ingest.safe_rdf import FORMAT_NAMES, NetworkRefused, UnusableInput, offline, read_rdf

if TYPE_CHECKING:
    from ingest.validate import ValidationResult

EPILOG = """\
exit codes: 0 = conforms (warnings do not fail), 1 = violations, 2 = unusable input.
formats by suffix: .ttl .trig .nq .nt .jsonld/.json .rdf/.owl/.xml (or --input-format).
Never fetches anything: no owl:imports, no remote JSON-LD contexts, no XML entities.
errors: one line each on stderr, `FILE:LINE:COLUMN: problem` (line and column from 1, when the
parser gives them); --format json carries reason, line and column per unusable file.
size: files over --max-mb megabytes or --max-triples triples are refused (exit 2): SHACL takes
about a second per 10,000 triples. Files over 5 MB or 20,000 triples report progress on stderr."""

PROGRESS_BYTES = 5 * 1024 * 1024
PROGRESS_TRIPLES = 20_000


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "validate",
        help="SHACL-validate RDF files: exit 0 conforms, 1 violations, 2 unusable input",
        description="Validate RDF files against the CaseGraph shapes (shapes/*.ttl) with the ontology "
        "mixed in, so classes are matched through rdfs:subClassOf. Each file is validated on its own; "
        "for TriG and N-Quads, the union of its graphs.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="RDF files to validate")
    p.add_argument(
        "--shapes",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="extra SHACL shapes to apply on top of CaseGraph's (repeatable; any RDF format)",
    )
    p.add_argument(
        "--format",
        choices=("text", "json", "turtle"),
        default="text",
        help="report format on stdout (default: %(default)s); turtle is the SHACL validation report graph",
    )
    p.add_argument(
        "--input-format",
        choices=FORMAT_NAMES,
        default=None,
        help="parse every FILE as this format instead of guessing from the suffix",
    )
    p.add_argument(
        "--max-triples",
        type=int,
        default=250_000,
        metavar="N",
        help="refuse a file with more triples than this (default: %(default)s)",
    )
    p.add_argument(
        "--max-mb",
        type=int,
        default=64,
        metavar="MB",
        help="refuse a file larger than this many megabytes before parsing it (default: %(default)s)",
    )
    p.set_defaults(func=run)


@dataclass
class Outcome:
    file: str
    result: ValidationResult | None = None
    error: UnusableInput | None = None


def _progress(message: str) -> None:
    print(f"casegraph validate: {message}", file=sys.stderr, flush=True)


def _read(path: Path, args: argparse.Namespace) -> Graph:
    """The file's triples, within the size limits, reporting progress on big files."""
    max_bytes = args.max_mb * 1024 * 1024
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_rdf reports the unreadable file
    if size > max_bytes:
        raise UnusableInput(
            path,
            f"file is {size / 1048576:.1f} MB, more than the {args.max_mb} MB limit (raise it with --max-mb)",
            reason="file too large",
        )
    if size > PROGRESS_BYTES:
        _progress(f"{path}: reading {size / 1048576:.1f} MB")
    data = read_rdf(path, args.input_format)
    if len(data) > args.max_triples:
        raise UnusableInput(
            path,
            f"{len(data)} triples, more than the {args.max_triples} limit (raise it with --max-triples; "
            "SHACL takes about a second per 10,000 triples)",
            reason="too many triples",
        )
    if len(data) > PROGRESS_TRIPLES:
        _progress(f"{path}: validating {len(data)} triples")
    return data


def _load_shapes(extra: list[Path]) -> Graph:
    from ingest.validate import shapes_graph  # pyshacl is slow to import: only when needed

    shapes = Graph()
    shapes += shapes_graph()
    for path in extra:
        shapes += read_rdf(path)
    return shapes


def run(args: argparse.Namespace) -> int:
    with offline():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    shapes: Graph | None = None  # loaded on first use, so refusing a bad file stays instant
    outcomes: list[Outcome] = []
    for path in args.files:
        try:
            data = _read(path, args)
        except UnusableInput as exc:
            print(f"casegraph validate: {exc}", file=sys.stderr)
            outcomes.append(Outcome(str(path), error=exc))
            continue
        if shapes is None:
            try:
                shapes = _load_shapes(args.shapes)
            except UnusableInput as exc:
                print(f"casegraph validate: --shapes {exc}", file=sys.stderr)
                return 2
        from ingest.validate import ShapesError, validate_with

        try:
            outcomes.append(Outcome(str(path), result=validate_with(data, shapes)))
        except (ShapesError, NetworkRefused) as exc:
            unusable = UnusableInput(path, f"validation could not run: {exc}", reason=str(exc))
            print(f"casegraph validate: {unusable}", file=sys.stderr)
            outcomes.append(Outcome(str(path), error=unusable))
    write = {"text": _write_text, "json": _write_json, "turtle": _write_turtle}[args.format]
    write(outcomes, sys.stdout)
    if any(o.error is not None for o in outcomes):
        return 2
    return 1 if any(o.result and not o.result.conforms for o in outcomes) else 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _write_text(outcomes: list[Outcome], out: TextIO) -> None:
    for o in outcomes:
        if o.error is not None:
            continue  # already said once, on stderr
        assert o.result is not None
        violations, warnings = len(o.result.violations), len(o.result.warnings)
        verdict = "conforms" if o.result.conforms else "does not conform"
        out.write(f"{o.file}: {verdict} ({_plural(violations, 'violation')}, {_plural(warnings, 'warning')})\n")
        for r in o.result.results:
            out.write(f"  {r['severity']}: {r['message']}\n")
            out.write(f"    focus: {r['focus']}\n")
            if r["path"]:
                out.write(f"    path:  {r['path']}\n")
            if r["value"]:
                out.write(f"    value: {r['value']}\n")
            out.write(f"    shape: {r['shape']} ({(r['component'] or '').rsplit('#', 1)[-1]})\n")
    failed = sum(1 for o in outcomes if o.result is not None and not o.result.conforms)
    unusable = sum(1 for o in outcomes if o.error is not None)
    out.write(
        f"{_plural(len(outcomes), 'file')}: {failed} with violations, {unusable} unusable "
        "(warnings do not make a file fail)\n"
    )


def _write_json(outcomes: list[Outcome], out: TextIO) -> None:
    files = []
    for o in outcomes:
        if o.error is not None:
            files.append(
                {
                    "file": o.file,
                    "usable": False,
                    "error": o.error.problem,
                    "reason": o.error.reason,
                    "line": o.error.line,
                    "column": o.error.column,
                }
            )
            continue
        assert o.result is not None
        files.append(
            {
                "file": o.file,
                "usable": True,
                "conforms": o.result.conforms,
                "violations": len(o.result.violations),
                "warnings": len(o.result.warnings),
                "results": o.result.results,
            }
        )
    conforms = all(f.get("conforms") for f in files)
    json.dump({"conforms": conforms, "files": files}, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _write_turtle(outcomes: list[Outcome], out: TextIO) -> None:
    """The SHACL validation reports, one per usable file, each tagged with dct:source."""
    merged = Graph()
    merged.bind("sh", SH)
    merged.bind("dct", DCTERMS)
    for o in outcomes:
        if o.result is None or o.result.report_graph is None:
            continue
        report = o.result.report_graph
        for prefix, namespace in report.namespaces():
            merged.bind(prefix, namespace, override=False)
        merged += report
        for node in report.subjects(RDF.type, SH.ValidationReport):
            merged.add((node, DCTERMS.source, Literal(o.file)))
    out.write(merged.serialize(format="turtle"))
