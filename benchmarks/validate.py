"""Print how long SHACL validation takes per document graph, and how long `casegraph
validate` takes to refuse a billion-laughs RDF/XML file.

    .venv/bin/python benchmarks/validate.py [--repeat N]

Compares: the build's path (ingest.validate.validate_graph: ontology mixed in for
subclass-aware targeting, SPARQL queries parsed once per process); the same without the
ontology (no subclass closure: what targeting costs); and plain pyshacl.validate with
ont_graph (parses every SPARQL constraint again for every focus node).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyshacl
from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casegraph.commands import validate as validate_command  # noqa: E402
from ingest.facts_yaml import read_facts  # noqa: E402
from ingest.rdf import facts_to_graph  # noqa: E402
from ingest.safe_rdf import UnusableInput, read_rdf  # noqa: E402
from ingest.validate import ontology_graph, shapes_graph, validate_graph, validate_with  # noqa: E402

GOLD = ROOT / "tests" / "fixtures" / "gold"
DOCS = ROOT / "data" / "documents"
LAUGHS = "\n".join(
    [
        '<?xml version="1.0"?>',
        "<!DOCTYPE lolz [",
        '  <!ENTITY lol "lol">',
        *(f'  <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 2 else "") + ";") * 10}">' for i in range(2, 10)),
        "]>",
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">',
        '  <rdf:Description rdf:about="https://example.org/x"><rdfs:label>&lol9;</rdfs:label></rdf:Description>',
        "</rdf:RDF>",
    ]
)


def ms(fn: Callable[[], object], repeat: int, clock: Callable[[], float] = time.perf_counter) -> float:
    """Median milliseconds; pass clock=time.process_time for CPU time, which a busy machine
    (other processes on the same cores) inflates far less than wall time."""
    times = []
    for _ in range(repeat):
        started = clock()
        fn()
        times.append((clock() - started) * 1000)
    return statistics.median(times)


def plain_pyshacl(g: Graph) -> object:
    return pyshacl.validate(
        g, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), advanced=True, allow_warnings=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--extracted", action="store_true", help="also extracted graphs of data/documents")
    args = parser.parse_args()
    graphs = [("g" + p.stem[:3], facts_to_graph(read_facts(p))) for p in sorted(GOLD.glob("*.yaml"))]
    if args.extracted:  # the same documents through extraction: bigger graphs, with evidence
        from ingest.pipeline import facts_for

        graphs += [("x" + p.stem[:3], facts_to_graph(facts_for(p))) for p in sorted(DOCS.glob("*.txt"))]
    validate_graph(graphs[0][1])  # parse shapes, ontology and queries once, as a build does
    no_ontology = Graph()
    cpu = time.process_time
    print("CPU ms per document graph (median); wall ms in the last column")
    print(f"{'graph':<6}{'triples':>8}{'build path':>12}{'no ontology':>13}{'plain pyshacl':>15}{'build wall':>12}")
    rows = []
    for name, g in graphs:
        row = (
            ms(lambda g=g: validate_graph(g), args.repeat, cpu),
            ms(lambda g=g: validate_with(g, shapes_graph(), no_ontology), args.repeat, cpu),
            ms(lambda g=g: plain_pyshacl(g), max(1, args.repeat // 2), cpu),
            ms(lambda g=g: validate_graph(g), args.repeat),
        )
        rows.append(row)
        print(f"{name:<6}{len(g):>8}{row[0]:>12.1f}{row[1]:>13.1f}{row[2]:>15.1f}{row[3]:>12.1f}")
    means = [statistics.mean(col) for col in zip(*rows, strict=True)]
    print(f"{'mean':<6}{'':>8}{means[0]:>12.1f}{means[1]:>13.1f}{means[2]:>15.1f}{means[3]:>12.1f}")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lol.rdf"
        path.write_text(LAUGHS, encoding="utf-8")

        def refuse() -> None:
            try:
                read_rdf(path)
            except UnusableInput:
                return
            raise AssertionError("billion laughs was not refused")

        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "casegraph", "validate", str(path)], capture_output=True)
        cold = (time.perf_counter() - started) * 1000
        parser = argparse.ArgumentParser()
        validate_command.register(parser.add_subparsers())
        parsed = parser.parse_args(["validate", "--format", "json", str(path)])
        code = parsed.func(parsed)
    print(f"billion laughs: refused by the reader in {ms(refuse, 20):.3f} ms; in-process CLI exit {code}")
    print(f"billion laughs: fresh `casegraph validate` process exit {done.returncode} in {cold:.0f} ms (imports)")


if __name__ == "__main__":
    main()
