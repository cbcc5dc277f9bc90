"""A query worker: a separate process that opens the store read-only, then answers jobs sent
over a pipe until the pipe closes. Running queries here is what makes the deadline real:
pyoxigraph cannot interrupt a query, but the server can kill this process and start another.

Before it opens the store, a worker puts itself off the network (ingest.store.public.sandbox), so no
query text, however it slips past the guard, can make the engine call another host.

A job is a dict (see `Job`); the answer is an `Outcome` dict with the HTTP status, media type
and the serialised body, already cut at the row cap and the byte cap.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from ingest.store import rdf
from ingest.store.base import Job, Outcome

# The public query policy (what is refused, the result formats, the sandbox) is the API's; a
# backend applies it where the query runs.
from ingest.store.embedded import ox_dataset
from ingest.store.public import formats, results, sandbox
from ingest.store.public.dataset import public_dataset
from ingest.store.public.guard import QueryRefused, inspect
from ingest.store.terms import Literal, Triple

ENGINE_STACK_BYTES = 512 * 1024 * 1024


def execute(store: ox.Store, job: Job) -> Outcome:
    try:
        inspection = inspect(job["query"], job["max_depth"])
    except QueryRefused as exc:
        return formats.error_outcome(exc.status, str(exc))
    form = inspection.form
    media_type = formats.choose_format(job, form)
    if media_type is None:
        return formats.not_acceptable(form)

    again: Any = {"repeatable": inspection.repeatable}  # Outcome.repeatable
    options: dict[str, Any] = {"base_iri": job["base_iri"]}
    restricted = public_dataset(job, inspection)
    if restricted is not None:  # a view's visible graphs only (ingest.store.view)
        options.update(ox_dataset(restricted))
    elif job["default_graphs"] is None and job["named_graphs"] is None:
        # The union of all graphs is the default graph, unless the query says FROM.
        options["use_default_graph_as_union"] = not inspection.has_dataset
    else:  # the protocol dataset replaces the query's own (SPARQL 1.1 Protocol 2.1.4)
        options["default_graph"] = [ox.NamedNode(g) for g in job["default_graphs"] or []]
        options["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"] or []]
    try:
        answer = store.query(job["query"], **options)
        if isinstance(answer, ox.QueryBoolean):
            body = results.ASK_WRITERS[formats.ASK_TYPES[media_type]](bool(answer))
            return {"status": 200, "media_type": media_type, "body": body, "truncated": False, "rows": 1, **again}
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            solutions = ([rdf.from_ox(solution[i]) for i in range(len(variables))] for solution in answer)
            rows, truncated = _take(solutions, job)
            write = results.SELECT_WRITERS[formats.SELECT_TYPES[media_type]]
            body, rows, truncated = _fit(lambda kept, cut: write(variables, kept, cut), rows, truncated, job)
            return {
                "status": 200,
                "media_type": media_type,
                "body": body,
                "truncated": truncated,
                "rows": len(rows),
                **again,
            }
        triples, truncated = _take(iter(answer), job)
        graph_format = rdf.ox_format(formats.GRAPH_TYPES[media_type])
        body, triples, truncated = _fit(
            lambda kept, _cut: ox.serialize(kept, format=graph_format) or b"", triples, truncated, job
        )
        return {
            "status": 200,
            "media_type": media_type,
            "body": body,
            "truncated": truncated,
            "rows": len(triples),
            **again,
        }
    except SyntaxError as exc:
        return formats.error_outcome(400, f"query syntax error: {exc}")
    except (ValueError, TypeError) as exc:
        return formats.error_outcome(400, f"query cannot be evaluated: {exc}")
    except OSError as exc:
        return formats.error_outcome(500, f"store error: {exc}")


# The job's graph lists, which a worker keeps by Job.graphs_key: the pool leaves them out of a
# job for a worker that has them already (GRAPHS_KEPT says so), and the worker puts them back.
GRAPH_LISTS = ("visible_graphs", "visible_default")
GRAPHS_KEPT = "graphs_kept"


def without_kept_graphs(job: Job, worker_key: str | None) -> Job:
    """`job` as sent to a worker that keeps the lists of `worker_key`: without them when its
    key is that one."""
    if worker_key is None or job.get("graphs_key") != worker_key:
        return job
    lean: dict[str, Any] = {k: v for k, v in job.items() if k not in GRAPH_LISTS}
    lean[GRAPHS_KEPT] = True
    return lean  # type: ignore[return-value]


class KeptGraphs:
    """The worker's side: the lists of the last key it was sent."""

    def __init__(self) -> None:
        self.key: str | None = None
        self.lists: dict[str, Any] = {}

    def complete(self, job: dict[str, Any]) -> Job | None:
        """The whole job; None when it leaves out lists this worker does not have (the pool
        and the worker disagree: the job is refused, never run with no view)."""
        if job.pop(GRAPHS_KEPT, False):
            if job.get("graphs_key") != self.key or self.key is None:
                return None
            job.update(self.lists)
        elif job.get("graphs_key") is not None:
            self.key = job["graphs_key"]
            self.lists = {k: job.get(k) for k in GRAPH_LISTS}
        return job  # type: ignore[return-value]


def _size(term: Any) -> int:
    """An upper bound on the bytes one term adds to any result format (escaping can double a
    character, markup adds a constant)."""
    if term is None:
        return 4
    if isinstance(term, Triple | ox.Triple):
        return _size(term.subject) + _size(term.predicate) + _size(term.object)
    size = 2 * len(term.value.encode("utf-8")) + 64
    if isinstance(term, Literal):
        size += len(term.datatype) + len(term.language or "")
    elif isinstance(term, ox.Literal):
        size += len(term.datatype.value) + len(term.language or "")
    return size


def _take(items: Iterator[Any], job: Job) -> tuple[list[Any], bool]:
    """Rows (or triples) up to the row cap and, by the size bound, the byte cap; True when some
    were left out. Reading stops there, so a huge result is never held whole."""
    kept: list[Any] = []
    budget = job["byte_cap"]
    for item in items:
        if len(kept) == job["row_cap"]:
            return kept, True
        budget -= sum(_size(t) for t in item) if isinstance(item, list) else _size(item)
        if budget < 0:
            return kept, True
        kept.append(item)
    return kept, False


def _fit(
    write: Callable[[list[Any], bool], bytes], items: list[Any], truncated: bool, job: Job
) -> tuple[bytes, list[Any], bool]:
    """Serialise, halving the rows until the body is under the byte cap (the size bound makes
    this rare; it only guards against a format that writes more than the bound)."""
    body = write(items, truncated)
    while len(body) > job["byte_cap"] and items:
        items, truncated = items[: len(items) // 2], True
        body = write(items, truncated)
    return body, items, truncated


def main(store_path: str, conn: Connection, sandbox_mode: str = "required") -> None:
    """Process entry point. `sandbox_mode` "required" (the default) means: no network barrier,
    no queries; "off" lets an operator run without one (documented as unsafe)."""
    failure = ""
    if sandbox_mode != "off":
        try:
            sandbox.deny_network()
        except sandbox.SandboxUnavailable as exc:
            failure = (
                f"query sandbox unavailable ({exc}); public queries are refused until the server runs where "
                "seccomp or network namespaces work (or CASEGRAPH_QUERY_SANDBOX=off is set, which is unsafe)"
            )
    from ingest.store.base import StoreError
    from ingest.store.embedded import EmbeddedStore

    store: ox.Store | None = None
    if not failure:
        try:
            store = EmbeddedStore(store_path, read_only=True).store
        except StoreError as exc:
            failure = f"store unavailable: {exc}"
    inspect("ASK {}")  # load the SPARQL grammar now, not during the first request
    conn.send({"ready": True, "error": failure or None})  # start-up must not count against a deadline

    kept = KeptGraphs()

    def serve() -> None:
        while True:
            try:
                job = kept.complete(conn.recv())
            except (EOFError, OSError, KeyboardInterrupt):
                return
            if job is None:
                outcome = formats.error_outcome(503, "the query worker lost the view's graph list; try again")
            elif store is None:
                outcome = formats.error_outcome(503, failure)
            else:
                outcome = execute(store, job)
            try:
                conn.send(outcome)
            except (BrokenPipeError, OSError):
                return

    # The engine evaluates long operator chains (`1+1+...`, `{} UNION {} ...`) recursively on the
    # stack of the calling thread: on the main thread's 8 MB a few thousand links overflow it and
    # the process dies. A thread with a large stack moves that point far past what the query
    # length limit lets through.
    threading.stack_size(ENGINE_STACK_BYTES)
    runner = threading.Thread(target=serve, name="sparql-jobs")
    runner.start()
    runner.join()


if __name__ == "__main__":
    main(sys.argv[1], Connection(int(sys.argv[2])), *sys.argv[3:4])
