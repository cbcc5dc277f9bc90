"""A query worker: a separate process that opens the store read-only, then answers jobs sent
over a pipe until the pipe closes. Running queries here is what makes the deadline real:
pyoxigraph cannot interrupt a query, but the server can kill this process and start another.

A job is a dict (see `Job`); the answer is an `Outcome` dict with the HTTP status, media type
and the serialised body, already cut at the row cap.
"""

from __future__ import annotations

import sys
from itertools import islice
from multiprocessing.connection import Connection
from typing import Any, TypedDict

import pyoxigraph as ox

from api import formats
from api.sparql import results
from api.sparql.guard import QueryRefused, inspect


class Job(TypedDict):
    query: str
    accept: str | None
    media_type: str | None  # a `format=` override, already resolved to a media type
    default_graphs: list[str] | None  # default-graph-uri values (None: the union of all graphs)
    named_graphs: list[str] | None  # named-graph-uri values
    row_cap: int
    base_iri: str | None  # relative IRIs in the query resolve against the endpoint's URL


class Outcome(TypedDict):
    status: int
    media_type: str
    body: bytes
    truncated: bool
    rows: int


def _error(status: int, message: str) -> Outcome:
    return {
        "status": status,
        "media_type": "text/plain",
        "body": message.encode("utf-8"),
        "truncated": False,
        "rows": 0,
    }


def _choose(job: Job, offers: dict[str, Any], aliases: dict[str, str]) -> str | None:
    if job["media_type"]:
        wanted = aliases.get(job["media_type"], job["media_type"])
        return wanted if wanted in offers else None
    return formats.negotiate(job["accept"], list(offers), aliases)


def execute(store: ox.Store, job: Job) -> Outcome:
    try:
        inspection = inspect(job["query"])
    except QueryRefused as exc:
        return _error(exc.status, str(exc))
    form = inspection.form
    graph_result = form in ("CONSTRUCT", "DESCRIBE")
    offers: dict[str, Any]
    if graph_result:
        offers, aliases = formats.GRAPH_TYPES, formats.GRAPH_ALIASES
    else:
        offers = formats.SELECT_TYPES if form == "SELECT" else formats.ASK_TYPES
        aliases = formats.ALIASES
    media_type = _choose(job, offers, aliases)
    if media_type is None:
        return _error(406, f"no acceptable format for a {form} result; this endpoint offers: " + ", ".join(offers))

    options: dict[str, Any] = {"base_iri": job["base_iri"]}
    if job["default_graphs"] is None and job["named_graphs"] is None:
        # The union of all graphs is the default graph, unless the query says FROM.
        options["use_default_graph_as_union"] = not inspection.has_dataset
    else:  # the protocol dataset replaces the query's own (SPARQL 1.1 Protocol 2.1.4)
        options["default_graph"] = [ox.NamedNode(g) for g in job["default_graphs"] or []]
        options["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"] or []]
    cap = job["row_cap"]
    try:
        answer = store.query(job["query"], **options)
        if isinstance(answer, ox.QueryBoolean):
            body = results.ASK_WRITERS[formats.ASK_TYPES[media_type]](bool(answer))
            return {"status": 200, "media_type": media_type, "body": body, "truncated": False, "rows": 1}
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            rows: list[results.Row] = [
                [solution[i] for i in range(len(variables))] for solution in islice(answer, cap + 1)
            ]
            truncated = len(rows) > cap
            rows = rows[:cap]
            body = results.SELECT_WRITERS[formats.SELECT_TYPES[media_type]](variables, rows, truncated)
            return {"status": 200, "media_type": media_type, "body": body, "truncated": truncated, "rows": len(rows)}
        triples = list(islice(answer, cap + 1))
        truncated = len(triples) > cap
        triples = triples[:cap]
        body = ox.serialize(triples, format=formats.GRAPH_TYPES[media_type]) or b""
        return {"status": 200, "media_type": media_type, "body": body, "truncated": truncated, "rows": len(triples)}
    except SyntaxError as exc:
        return _error(400, f"query syntax error: {exc}")
    except (ValueError, TypeError) as exc:
        return _error(400, f"query cannot be evaluated: {exc}")
    except OSError as exc:
        return _error(500, f"store error: {exc}")


def main(store_path: str, conn: Connection) -> None:
    """Process entry point (multiprocessing target)."""
    # rdflib's parser recurses once per nesting level; the server bounds nesting depth
    # before a query gets here, so this limit only has to cover that bound.
    sys.setrecursionlimit(20_000)
    from ingest.store import QuadStore, StoreError

    store: ox.Store | None = None
    failure = ""
    try:
        store = QuadStore(store_path, read_only=True).store
    except StoreError as exc:
        failure = str(exc)
    inspect("ASK {}")  # load the SPARQL grammar now, not during the first request
    conn.send({"ready": True, "error": failure or None})  # start-up must not count against a deadline
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        outcome = execute(store, job) if store is not None else _error(503, f"store unavailable: {failure}")
        try:
            conn.send(outcome)
        except (BrokenPipeError, OSError):
            return


if __name__ == "__main__":
    main(sys.argv[1], Connection(int(sys.argv[2])))
