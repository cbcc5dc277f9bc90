"""Build: files -> facts -> one named graph each -> SHACL -> store.

The work per document (read, extract, map to RDF, validate) runs in a pool of worker
processes, each loading the NLP pipeline and the shapes once; the parent only writes the
store, so there is one writer and no locking between workers. A worker sends back its graph
as N-Triples text and the parent replaces the document's named graph, and its text graph
(ingest.texts), in one transaction: a document lands whole or not at all.

Nothing one document does stops the batch: a reader or validation failure comes back as a
problem line; a worker that dies (a crash in native code, the OOM killer) breaks the pool,
and the documents it took down with it are retried, those unfinished twice run alone, so
the one that kills its worker is found, reported and skipped. A document that runs for more
than DOCUMENT_TIMEOUT seconds (a hang) is reported, its pool stopped and the rest retried.

When two files give the same named graph in one batch (`report.txt` and its curated
`report.yaml`), curated facts win over extraction, then the later file in path order; the
outcome does not depend on which worker finished first.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest import publication, texts
from ingest.changes import ChangeLog, log_for
from ingest.changes import sync as sync_changes
from ingest.errors import InputError
from ingest.fusion import rebuild_fused_graph
from ingest.ids import document_id
from ingest.passages import PassageIndex, StoredText, sync
from ingest.readers import DOCUMENT_SUFFIXES, SIDECAR_SUFFIX
from ingest.stamps import STAMP_TRIPLES, extractor_version, group_hash, input_hash, stamp_ntriples, stored_stamps
from ingest.storage_errors import StoreUnwritable, unwritable_reason
from ingest.store import Store

if TYPE_CHECKING:
    from rdflib import Graph

    from ingest.model import Facts
    from ingest.validate import ValidationResult

FACTS_SUFFIXES = (".yaml", ".yml")
DEFAULT_WORKERS = max(1, min(2, os.cpu_count() or 1))
MAX_ATTEMPTS_IN_POOL = 2  # in progress at this many pool crashes -> run alone to find the culprit
# Seconds one document may run before it counts as hung (a 2 kB report takes well under a
# second; a 1M-character one some tens of seconds).
DOCUMENT_TIMEOUT = float(os.environ.get("CASEGRAPH_DOCUMENT_TIMEOUT", "300"))


@dataclass
class Failure:
    path: str
    problem: str

    def __str__(self) -> str:
        # One line per failure, whatever the problem text holds.
        return f"{self.path}: {' '.join(self.problem.split())}"


@dataclass
class BuildSummary:
    documents: int = 0
    triples: int = 0
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # not failures: e.g. a graph another file superseded
    seconds: float = 0.0
    unchanged: int = 0  # files skipped: their graph was built from the same bytes by the same extractor
    fused: str = ""  # what the cross-source fusion made of the store, e.g. "fused 48 claims into 24 events"
    withheld: int = 0  # documents this build registered as withheld (ingest.publication)


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back for one file: its graph as N-Triples, or the problem."""

    path: str
    graph: str | None = None
    ntriples: str = field(default="", repr=False)
    triples: int = 0
    curated: bool = False
    problem: str | None = None
    source: str | None = None  # the file the problem is about (a sidecar, say), if not `path`
    note: str | None = None  # stored, but with a remark (e.g. extracted events withheld)
    # The document the graph describes and its stored text (schema:text), for the passage
    # index; None when the graph holds no text (curated facts without one).
    document: str | None = None
    text: str | None = field(default=None, repr=False)
    # The document's text graph (ingest.texts) as N-Triples, stored with the graph; empty when
    # the document has no text (its text graph, if any, is dropped).
    text_ntriples: str = field(default="", repr=False)
    text_public: bool = False  # its metadata says the full text may be published (`text: public`)
    content_hash: str | None = None
    publication: str | None = None  # what the metadata asks for (ingest.publication), if it does


ProcessFn = Callable[[str], Outcome]
ProgressFn = Callable[[Path, Failure | None], None]
StoredFn = Callable[[Outcome], None]  # called after each graph is stored (the audit trail's hook)


def summary_line(summary: BuildSummary) -> str:
    """The line a build ends with (`casegraph build` and an ingest job's outcome say the same)."""
    rate = summary.documents / summary.seconds if summary.seconds else 0.0
    unchanged = f", {summary.unchanged} unchanged (skipped)" if summary.unchanged else ""
    if summary.withheld:  # registered withheld by this build (ingest.publication)
        unchanged += f", {summary.withheld} withheld"
    return (
        f"{summary.documents} documents stored{unchanged}, {summary.triples} triples, "
        f"{len(summary.failures)} failed, {summary.seconds:.1f} s ({rate:.1f} documents/s)"
    )


# --- finding the inputs --------------------------------------------------------------------


def discover(paths: Iterable[Path]) -> list[Path]:
    """Documents and facts files under `paths`, in a stable order, each once (sidecars and
    hidden files excluded; a file named explicitly is taken whatever its suffix)."""
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for p in candidates:
            name = p.name.lower()
            if name.endswith(SIDECAR_SUFFIX) or name.startswith("."):
                continue
            if path.is_dir() and not name.endswith(DOCUMENT_SUFFIXES + FACTS_SUFFIXES):
                continue
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                found.append(p)
    return found


# --- one document (runs in a worker) -------------------------------------------------------


def facts_for(path: Path) -> Facts:
    # Imported here: the parent process never needs the extractor (nor spaCy's memory).
    from ingest.extract import extract_facts
    from ingest.facts_yaml import read_facts
    from ingest.readers import read_document

    if path.suffix.lower() in FACTS_SUFFIXES:
        return read_facts(path)
    return extract_facts(read_document(path))


def graph_for(path: Path) -> Graph:
    """The validated named graph for one file, or InputError naming the problem."""
    return checked_graph(path)[0]


def checked_graph(path: Path) -> tuple[Graph, str | None]:
    """The validated named graph for one file and, when extracted events had to be withheld
    because they failed the shapes, a note saying which and why; InputError otherwise.

    Curated facts are a researcher's word: any violation rejects the file. Extraction is a
    machine's reading: one misread event (an appeal ruling whose court it missed, say) must
    not cost the document all its other facts, so events named by a violation are withheld
    and the rest is validated again. Anything still failing rejects the document whole.
    """
    return checked_facts_graph(facts_for(path), str(path))


def checked_facts_graph(facts: Facts, source: str) -> tuple[Graph, str | None]:
    """`checked_graph` for records already read or extracted from `source`."""
    from rdflib import URIRef

    from ingest.rdf import event_iris, facts_to_graph
    from ingest.validate import validate_graph
    from ingest.vocab import OA

    graph = facts_to_graph(facts)
    result = validate_graph(graph)
    note = None
    if not result.conforms and not facts.document.curated:
        failing = {str(r.get("focus")) for r in result.violations}
        # A violation on an event's evidence (its annotation, target or selector) is the event's.
        for focus in list(failing):
            annotation = URIRef(focus.split("#", 1)[0])
            failing.update(str(body) for body in graph.objects(annotation, OA.hasBody))
        kept = [e for e, iri in zip(facts.events, event_iris(facts), strict=True) if str(iri) not in failing]
        withheld = len(facts.events) - len(kept)
        if withheld:
            note = f"{withheld} extracted event(s) withheld, they failed the shapes: {violations_line(result)}"
            facts.events = kept
            graph = facts_to_graph(facts)
            result = validate_graph(graph)
    if not result.conforms:
        raise InputError(source, "does not conform to the shapes: " + violations_line(result))
    return graph, note


def violations_line(result: ValidationResult, shown: int = 3) -> str:
    """A failed validation as one line: how many violations, and the first distinct ones
    (message and focus node), so the build's report stays one line per file."""
    found = [r for r in result.results if r.get("severity") in (None, "Violation")]
    if not found:  # a result without parsed rows: fall back to the report's text
        return " ".join(result.report_text.split())[:500]
    described = [f"{r.get('message') or 'violation'} (at {r.get('focus')})" for r in found]
    distinct = list(dict.fromkeys(described))
    more = f" (+{len(distinct) - shown} more)" if len(distinct) > shown else ""
    return f"{len(found)} violation(s): " + "; ".join(distinct[:shown]) + more


def document_text(graph: Graph) -> tuple[str | None, str | None, str | None]:
    """(document IRI, its stored text, its content hash) of a document graph."""
    from ingest.vocab import CG, RDF, SCHEMA

    doc = next(iter(graph.subjects(RDF.type, CG.Document)), None)
    if doc is None:
        return None, None, None
    text = graph.value(doc, SCHEMA.text)
    digest = graph.value(doc, CG.contentHash)
    return str(doc), None if text is None else str(text), None if digest is None else str(digest)


def process(path: str) -> Outcome:
    """Read, extract, map and validate one file. Never raises: a problem is an Outcome."""
    try:
        facts = facts_for(Path(path))
        publication = facts.document.publication
        graph, note = checked_facts_graph(facts, path)
        curated = path.lower().endswith(FACTS_SUFFIXES)
        document, text, digest = document_text(graph)
        # Validated whole; stored as two graphs, the text apart (ingest.texts: its licence decides).
        described, text_graph = texts.split(graph)
        return Outcome(
            path,
            str(graph.identifier),
            texts.ntriples(described),
            len(graph),
            curated,
            note=note,
            document=document,
            text=text,
            text_ntriples=texts.ntriples(text_graph),
            text_public=facts.document.text_public,
            content_hash=digest,
            publication=publication,
        )
    except InputError as exc:
        return Outcome(path, problem=exc.problem, source=exc.source)
    except RecursionError:
        return Outcome(path, problem="too deeply nested to process")
    except Exception as exc:  # one bad document must never stop the batch
        return Outcome(path, problem=f"unexpected error: {type(exc).__name__}: {exc}")


def warm_up() -> None:
    """Worker initializer: load the NLP pipeline and the shapes once per worker, not per document."""
    try:
        from rdflib import Graph

        from ingest import extract, validate

        for module in (extract, validate):
            hook = getattr(module, "warm_up", None)
            if callable(hook):
                hook()
        validate.validate_graph(Graph())
    except Exception:  # a broken setup shows up, per document, in process()
        pass


# --- the batch -----------------------------------------------------------------------------


class _Writer:
    """The parent's side: stores outcomes, keeping the precedence rule for shared graphs, and
    keeps the passage index (if any) in step with each graph stored."""

    def __init__(
        self,
        store: Store,
        summary: BuildSummary,
        on_progress: ProgressFn | None,
        passages: PassageIndex | None = None,
        changes: ChangeLog | None = None,
        on_stored: StoredFn | None = None,
    ) -> None:
        self.store = store
        self.on_stored = on_stored
        self.changes = changes or log_for(store)
        self.summary = summary
        self.on_progress = on_progress
        self.passages = passages
        self.index_failed = False
        self.claimed: dict[str, tuple[bool, int, str]] = {}
        self.sizes: dict[str, int] = {}
        # Graph IRI -> the input hash its stamp records (ingest.stamps); a graph not foreseen
        # (a facts file naming another document than expected) is stamped with its file's hash.
        self.stamps: dict[str, str] = {}
        self.file_hashes: dict[str, str] = {}
        self.version = extractor_version()
        # Graph IRI -> its registered publication state, read once (ingest.publication).
        try:
            self.states = publication.states(store)
        except Exception:  # a store that cannot say: every state is looked up when set
            self.states = {}
        # Document graphs whose text is public now (ingest.texts), so the public union, which
        # holds those texts, is rebuilt at once when a rebuild closes one (not at the end).
        self.open_texts: set[str] | None
        try:
            self.open_texts = texts.public_text_documents(store)
        except Exception:  # a store that cannot say: the union is rebuilt after each such document
            self.open_texts = None

    def fail(self, path: Path, failure: Failure) -> None:
        self.summary.failures.append(failure)
        if self.on_progress:
            self.on_progress(path, failure)

    def take(self, index: int, path: Path, outcome: Outcome) -> None:
        if outcome.problem is not None or outcome.graph is None:
            self.fail(path, Failure(outcome.source or outcome.path, outcome.problem or "no graph produced"))
            return
        rank = (outcome.curated, index, outcome.path)
        previous = self.claimed.get(outcome.graph)
        if previous is not None and previous > rank:
            self.summary.notes.append(f"{outcome.path}: not stored; {previous[2]} gives the same document graph")
        else:
            stamp = self.stamps.get(outcome.graph) or self.file_hashes.get(outcome.path)
            body = outcome.ntriples
            if stamp:
                body += "\n" + stamp_ntriples(outcome.graph, stamp, self.version)
            state = publication.build_state(self.states.get(outcome.graph), outcome.publication)
            try:
                if state == publication.WITHHELD:  # registered first: never readable unregistered
                    self._set_state(outcome.graph, state)
                # The document graph and its text graph in one replace (an empty text drops it).
                text_graph = texts.text_graph_iri(outcome.graph)
                self.store.replace_graphs({outcome.graph: body, text_graph: outcome.text_ntriples})
                if state == publication.PUBLIC:
                    self._set_state(outcome.graph, state)
                self._close_text(outcome)
            except Exception as exc:  # a store error on one graph fails that document only...
                reason = unwritable_reason(exc)
                if reason:  # ...unless no document could be stored: then the build stops here
                    raise StoreUnwritable(
                        f"{reason}: stopped before storing {outcome.path} ({type(exc).__name__}: {exc}); "
                        f"the {self.summary.documents} documents stored before it are kept whole, "
                        "and the same build run again resumes after them"
                    ) from exc
                self.fail(path, Failure(outcome.path, f"could not be stored: {type(exc).__name__}: {exc}"))
                return
            self._index(outcome)
            self._record(outcome)
            if self.on_stored:
                self.on_stored(outcome)
            if previous is not None:
                self.summary.notes.append(f"{previous[2]}: replaced by {outcome.path} (same document graph)")
            else:
                self.summary.documents += 1
            self.claimed[outcome.graph] = rank
            if outcome.note:
                self.summary.notes.append(f"{outcome.path}: {outcome.note}")
            stored = outcome.triples + (STAMP_TRIPLES if stamp else 0)
            self.summary.triples += stored - self.sizes.get(outcome.graph, 0)
            self.sizes[outcome.graph] = stored
        if self.on_progress:
            self.on_progress(path, None)

    def _close_text(self, outcome: Outcome) -> None:
        """A stored document whose text was public and no longer is: the public union loses
        that text now, not at the end of the build."""
        graph = outcome.graph or ""
        was_open = self.open_texts is None or graph in self.open_texts
        if outcome.text_public:
            if self.open_texts is not None:
                self.open_texts.add(graph)
        elif was_open:
            publication.refresh_union(self.store)
            if self.open_texts is not None:
                self.open_texts.discard(graph)

    def _record(self, outcome: Outcome) -> None:
        """The stored graph goes into the changes log (ingest.changes): added, replaced, or
        nothing when its content is what it was. A log that cannot be written is reported;
        the next build's sync records what it missed."""
        if outcome.graph is None:
            return
        try:
            self.changes.stored(outcome.graph, outcome.document)
            self.changes.stored(texts.text_graph_iri(outcome.graph), outcome.document)
        except Exception as exc:  # the graph is stored; the log catches up on the next build
            self.summary.notes.append(f"the changes log could not record {outcome.graph}: {exc}")

    def _set_state(self, graph: str, state: str) -> None:
        if self.states.get(graph) != state:
            publication.set_state(self.store, graph, state)
            self.states[graph] = state
            if state == publication.WITHHELD:
                self.summary.withheld += 1

    def _index(self, outcome: Outcome) -> None:
        """The stored graph's text replaces its passages. The graph is the record: an index
        that cannot be written is reported (and can be rebuilt), never a failed document."""
        if self.passages is None or outcome.graph is None:
            return
        try:
            if outcome.document and outcome.text is not None:
                self.passages.replace(StoredText(outcome.document, outcome.graph, outcome.text, outcome.content_hash))
            else:
                self.passages.remove_graph(outcome.graph)
        except Exception as exc:  # PassageIndexError, or anything else: the graph is stored
            if not self.index_failed:
                self.summary.notes.append(
                    f"the passage index could not be updated ({exc}); run `casegraph passages --rebuild`"
                )
            self.index_failed = True


def _graph_of(path: Path) -> str | None:
    """The graph a file will be stored in: its document's, named by the file (a facts file
    names its document in `document.file`); None if that cannot be told before reading it."""
    from ingest.ids import graph_iri

    if path.suffix.lower() not in FACTS_SUFFIXES:
        return str(graph_iri(path.name))
    try:
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return str(graph_iri(str(data["document"]["file"])))
    except Exception:  # unreadable or malformed: processing reports it
        return None


def _skip_unchanged(
    items: list[tuple[int, Path]], writer: _Writer, store: Store, force: bool
) -> list[tuple[int, Path]]:
    """The files still to build: those whose graph's stamp differs from the one they would
    get now (ingest.stamps). The files that share one graph are skipped or built together."""
    groups: dict[str, list[tuple[int, Path]]] = {}
    todo: list[tuple[int, Path]] = []
    for index, path in items:
        try:
            writer.file_hashes[str(path)] = input_hash(path)
        except OSError:  # vanished or unreadable: processing reports it
            todo.append((index, path))
            continue
        graph = _graph_of(path)
        if graph is None:
            todo.append((index, path))
        else:
            groups.setdefault(graph, []).append((index, path))
    try:
        stored = {} if force else stored_stamps(store)
    except Exception:  # a store that cannot say: build everything
        stored = {}
    for graph, members in groups.items():
        stamp = group_hash(writer.file_hashes[str(p)] for _, p in members)
        writer.stamps[graph] = stamp
        if stored.get(graph) == (stamp, writer.version):
            writer.summary.unchanged += len(members)
            _apply_asked_state(writer, graph, [p for _, p in members])
            for _, path in members:
                if writer.on_progress:
                    writer.on_progress(path, None)
        else:
            todo.extend(members)
    return sorted(todo)


def publication_asked(path: Path) -> str | None:
    """The publication state a file's metadata asks for (its sidecar, or a facts file's
    `document.publication`), read without building it; None when it asks for none or cannot
    be read (building it reports that)."""
    try:
        if path.suffix.lower() in FACTS_SUFFIXES:
            import yaml

            document = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("document") or {}
            value = document.get("publication") if isinstance(document, dict) else None
        else:
            from ingest.readers import read_sidecar

            value = read_sidecar(path).get("publication")
    except Exception:
        return None
    return value if value in (publication.PUBLIC, publication.WITHHELD) else None


def _apply_asked_state(writer: _Writer, graph: str, paths: list[Path]) -> None:
    """A file skipped as unchanged still gets the state its metadata asks for now (the stamp
    leaves `publication:` out): the last file's word, as when they are built."""
    asked = [a for a in map(publication_asked, paths) if a is not None]
    if asked:
        state = publication.build_state(writer.states.get(graph), asked[-1])
        writer._set_state(graph, state)


def _unique_documents(items: list[tuple[int, Path]], writer: _Writer) -> list[tuple[int, Path]]:
    """A document's IRI and graph come from its file name, so two documents with one name (in
    different folders) would overwrite each other: the first in path order is kept, the
    others fail. (A curated facts file naming a document replaces it on purpose.)"""
    kept: list[tuple[int, Path]] = []
    seen: dict[str, Path] = {}
    for index, path in items:
        if path.suffix.lower() not in FACTS_SUFFIXES:
            key = document_id(path.name)
            if key in seen:
                problem = f"same document name as {seen[key]}; document file names must be unique (rename one)"
                writer.fail(path, Failure(str(path), problem))
                continue
            seen[key] = path
        kept.append((index, path))
    return kept


# Each worker announces the document it starts (path, monotonic time) on a queue the parent
# reads: the parent then knows which documents were in progress when a worker died, and how
# long each has run, so a hang is timed from its own start, not from the workers' start-up.
_started: Any = None


def _init_worker(started: Any, initializer: Callable[[], None] | None) -> None:
    global _started
    _started = started
    if initializer is not None:
        initializer()


def _task(process_fn: ProcessFn, path: str) -> Outcome:
    _started.put((path, time.monotonic()))  # SimpleQueue: written before the work starts, no feeder thread
    return process_fn(path)


@dataclass
class _PoolResult:
    crashed: list[tuple[int, Path]] = field(default_factory=list)  # in progress when a worker died
    not_started: list[tuple[int, Path]] = field(default_factory=list)  # never began: blameless
    settled: int = 0  # documents stored or failed in this round


class _PoolRound:
    """One pool of workers over a list of documents. A document running longer than `timeout`
    is reported and the pool stopped; what a dead or stopped pool left undone is returned
    (as crashed or not started) for another round."""

    def __init__(
        self,
        items: list[tuple[int, Path]],
        workers: int,
        process_fn: ProcessFn,
        writer: _Writer,
        timeout: float,
        initializer: Callable[[], None] | None,
    ) -> None:
        self.items, self.workers, self.process_fn = items, workers, process_fn
        self.writer, self.timeout, self.initializer = writer, timeout, initializer
        self.result = _PoolResult()
        self.running: dict[str, float] = {}  # path -> monotonic start, for documents started and not finished
        self.hung: set[str] = set()

    def run(self) -> _PoolResult:
        context = multiprocessing.get_context("spawn")  # no fork: the parent may run threads (progress bar)
        started = context.SimpleQueue()
        with ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(started, self.initializer),
        ) as pool:
            futures = {pool.submit(_task, self.process_fn, str(p)): (i, p) for i, p in self.items}
            try:
                self._collect(futures, started, pool)
            except BaseException:
                # Interrupted (Ctrl-C, SIGTERM): stop the workers now rather than leave them
                # finishing their documents as orphans.
                _kill_workers(pool)
                raise
        started.close()
        self.result.settled += len(self.hung)
        return self.result

    def _collect(
        self, futures: dict[Future[Outcome], tuple[int, Path]], started: Any, pool: ProcessPoolExecutor
    ) -> None:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=min(1.0, self.timeout), return_when=FIRST_COMPLETED)
            while not started.empty():
                path_text, at = started.get()
                self.running[path_text] = at
            now = time.monotonic()
            overdue = {path for path, at in self.running.items() if now - at > self.timeout} - self.hung
            if overdue:
                # Killing the workers breaks the pool: the futures still pending fail with
                # BrokenProcessPool and are sorted in _settle into hung / blameless.
                self.hung |= overdue
                _kill_workers(pool)
            for future in done:
                self._settle(future, *futures.pop(future))  # popped: the result may be large

    def _settle(self, future: Future[Outcome], index: int, path: Path) -> None:
        was_running = self.running.pop(str(path), None) is not None
        try:
            outcome = future.result()
        except BrokenProcessPool:
            if str(path) in self.hung:
                self.writer.fail(path, Failure(str(path), f"stopped after running {self.timeout:g} s (a hang?)"))
            elif self.hung or not was_running:
                self.result.not_started.append((index, path))  # killed by us, or never began
            else:
                self.result.crashed.append((index, path))
            return
        except Exception as exc:  # e.g. an unpicklable result
            self.writer.fail(path, Failure(str(path), f"worker error: {type(exc).__name__}: {exc}"))
        else:
            self.writer.take(index, path, outcome)
        self.result.settled += 1


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    for worker in list(getattr(pool, "_processes", {}).values()):
        worker.kill()


def build(
    paths: Iterable[Path],
    store: Store,
    on_progress: ProgressFn | None = None,
    *,
    workers: int = DEFAULT_WORKERS,
    process_fn: ProcessFn = process,
    timeout: float = DOCUMENT_TIMEOUT,
    initializer: Callable[[], None] | None = warm_up,
    fuse: bool = True,
    passages: PassageIndex | None = None,
    force: bool = False,
    on_stored: StoredFn | None = None,
) -> BuildSummary:
    """Build every document and facts file under `paths` into `store`.

    `workers=0` runs everything in this process (no isolation from crashes or hangs; for tests
    and tiny inputs); otherwise a pool of that many worker processes does the work, and a
    document that runs for more than `timeout` seconds is stopped and reported.
    `initializer` runs once in each worker (default: load the NLP pipeline and the shapes).
    With `fuse` (the default) the fused cross-source view is rebuilt at the end. With
    `passages`, the passage index follows every graph stored (and is first brought in step
    with the store if it was not: a new index, or one a `load` left behind).
    Each graph is stored as soon as it is validated, stamped with its input hash and the
    extractor version (ingest.stamps); a file whose graph already carries the stamp it would
    get is skipped (`summary.unchanged`) unless `force`. `on_stored` is called with each
    outcome once its graph is stored (the audit trail). A store that can take no more writes
    (disk full, read-only) raises StoreUnwritable: the graphs stored before it stay.
    """
    summary = BuildSummary()
    started = time.perf_counter()
    if texts.migrate(store):  # a store made before texts had graphs of their own
        summary.notes.append("moved the documents' texts out of their document graphs into text graphs")
    if passages is not None:
        _sync_passages(passages, store, summary)
    changes = log_for(store)
    changes.refresh()
    _sync_changes(changes, store, summary)
    writer = _Writer(store, summary, on_progress, passages, changes, on_stored)
    items = _unique_documents(list(enumerate(discover(paths))), writer)
    items = _skip_unchanged(items, writer, store, force)
    if workers <= 0:
        for index, path in items:
            writer.take(index, path, process_fn(str(path)))
    else:
        crashes: Counter[int] = Counter()
        todo = items
        idle_rounds = 0
        while todo:
            if idle_rounds >= MAX_ATTEMPTS_IN_POOL:
                # Workers die before starting any document: the setup is broken, not a document.
                for _, path in todo:
                    writer.fail(path, Failure(str(path), "worker processes die on start-up (see the errors above)"))
                break
            # A document in progress when a worker died twice runs alone: if its worker dies
            # then too, it is the one that kills it.
            shared = [item for item in todo if crashes[item[0]] < MAX_ATTEMPTS_IN_POOL]
            alone = [item for item in todo if crashes[item[0]] >= MAX_ATTEMPTS_IN_POOL]
            todo = []
            progress = False
            if shared:
                outcome = _PoolRound(shared, min(workers, len(shared)), process_fn, writer, timeout, initializer).run()
                for item in outcome.crashed:
                    crashes[item[0]] += 1
                todo += sorted(outcome.crashed + outcome.not_started)
                progress = bool(outcome.settled or outcome.crashed)
            for item in alone:
                outcome = _PoolRound([item], 1, process_fn, writer, timeout, initializer).run()
                if outcome.crashed:
                    writer.fail(item[1], Failure(str(item[1]), "the worker processing it crashed (killed or aborted)"))
                todo += outcome.not_started
                progress = progress or bool(outcome.settled or outcome.crashed)
            idle_rounds = 0 if progress else idle_rounds + 1
    store.flush()
    try:  # graphs this build replaced, public ones among them, are what the public union holds
        publication.refresh_union(store)
    except Exception as exc:
        summary.notes.append(f"the public union could not be rebuilt: {type(exc).__name__}: {exc}")
    if fuse:
        _refresh_fused_view(store, summary, changes)
    # The union and the fused view are written after the documents: flushed too, or they stay
    # in the write-ahead log that every read-only open (a server, each query worker) replays.
    store.flush()
    summary.seconds = time.perf_counter() - started
    return summary


def _sync_passages(index: PassageIndex, store: Store, summary: BuildSummary) -> None:
    try:
        rebuilt = sync(index, store)
    except Exception as exc:  # the index is derived: it never stops a build
        summary.notes.append(f"the passage index could not be brought in step with the store: {exc}")
        return
    if rebuilt is not None and rebuilt[0]:
        summary.notes.append(f"passage index rebuilt from the store: {rebuilt[0]} documents, {rebuilt[1]} passages")


def _sync_changes(changes: ChangeLog, store: Store, summary: BuildSummary) -> None:
    """The changes log first catches up with writes it missed (a load, a failed entry)."""
    try:
        sync_changes(store, changes)
    except Exception as exc:  # the log never stops a build
        summary.notes.append(f"the changes log could not be brought in step with the store: {exc}")


def _refresh_fused_view(store: Store, summary: BuildSummary, changes: ChangeLog | None = None) -> None:
    """The fused view spans every document graph, so it is rebuilt after each build (and
    logged as replaced when it changed, so mirrors refresh it). A failure here is reported but
    never undoes the documents just stored."""
    from ingest.ids import fused_graph_iri

    try:
        summary.fused = refresh_fused_views(store)
    except Exception as exc:
        summary.notes.append(f"the fused view could not be rebuilt: {type(exc).__name__}: {exc}")
        return
    try:
        (changes or log_for(store)).stored(str(fused_graph_iri()))
    except Exception as exc:
        summary.notes.append(f"the changes log could not record the fused view: {exc}")


def refresh_fused_views(store: Store) -> str:
    """The public fused graph from the public documents only (majorities, conflicts and the
    readable slugs of people never draw on a withheld one) and, while any document is withheld,
    the full fused graph over all of them for token holders (ingest.publication); what the
    public one made of the store."""
    from ingest.store.view import StoreView

    made = str(rebuild_fused_graph(StoreView(store)))
    if publication.withheld_graphs(store):
        rebuild_fused_graph(StoreView(store, full=True), into=publication.FULL_FUSED_GRAPH)
    elif publication.FULL_FUSED_GRAPH in store.named_graphs():
        store.drop_graph(publication.FULL_FUSED_GRAPH)
    return made
