"""The remote backend: any SPARQL 1.1 server, over the SPARQL 1.1 Query, Update and Graph Store
HTTP protocols (httpx).

`connect("http://127.0.0.1:7878")` works as it is for `oxigraph serve` (its /query, /update and
/store endpoints). Another server names its endpoints and credentials in the environment, never
on the command line (ServerSettings). A document graph is replaced in one update request (DROP +
INSERT DATA + its modification time), which the server applies as one transaction: a reader
never sees half a document.

When each graph was last written lives in the store itself, in the graph META_GRAPH, so every
process serving the store (replicas) sees the same times; that graph is left out of the graph
list, the counts and the exports.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from rdflib import Graph

from ingest.store import rdf
from ingest.store.base import (
    INTERNAL_PREFIX,
    STORE_OWN_GRAPHS,
    Dataset,
    GraphInfo,
    PublicQueries,
    QueryOptions,
    Row,
    StoreError,
    is_store_own_graph,
    parse_time,
)
from ingest.store.rdf import Format
from ingest.store.remote import virtuoso
from ingest.store.sparql_text import bind
from ingest.store.terms import IRI, Quad, Term, Triple

META_GRAPH = INTERNAL_PREFIX + "graph-times"
# The store's logs (graph times, the changes log), left out of counts.
_LOGS = ", ".join(f"<{g}>" for g in sorted(STORE_OWN_GRAPHS))
# Virtuoso has no default graph of its own (its default graph is the union of all graphs): what
# the protocol calls the store's default graph lives there in this named graph instead.
DEFAULT_GRAPH = "urn:x-casegraph:store:default-graph"
EMPTY_GRAPH = INTERNAL_PREFIX + "empty"  # never written: an empty default graph
# A private predicate: no document graph can say it of itself.
MODIFIED = "urn:x-casegraph:store:modified"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
RESULTS_JSON = "application/sparql-results+json"
RESULTS_XML = "application/sparql-results+xml"
# Virtuoso's Graph Store endpoint guesses a body's syntax from its first bytes whatever its
# Content-Type says, and takes a long N-Triples line (a document's text) for plain text: a Turtle
# directive first settles it (N-Triples is Turtle).
TURTLE_LEAD = b"@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"

# Endpoint paths per server kind (CASEGRAPH_STORE_SERVER); each can be overridden on its own.
SERVERS: dict[str, dict[str, str]] = {
    "oxigraph": {"query": "/query", "update": "/update", "graph": "/store"},
    "virtuoso": {"query": "/sparql", "update": "/sparql-auth", "graph": "/sparql-graph-crud-auth"},
    "generic": {"query": "/sparql", "update": "/sparql", "graph": "/rdf-graph-store"},
}


def is_url(location: object) -> bool:
    return isinstance(location, str) and location.startswith(("http://", "https://"))


@dataclass(frozen=True)
class ServerSettings:
    """Where a server answers and how to reach it. From the environment:

    CASEGRAPH_STORE_SERVER         oxigraph (default), virtuoso or generic: the endpoint layout
    CASEGRAPH_STORE_QUERY_PATH     the SPARQL 1.1 Query endpoint (oxigraph /query, virtuoso /sparql)
    CASEGRAPH_STORE_UPDATE_PATH    the SPARQL 1.1 Update endpoint (oxigraph /update, virtuoso /sparql-auth)
    CASEGRAPH_STORE_GRAPH_PATH     the Graph Store Protocol endpoint (oxigraph /store,
                                   virtuoso /sparql-graph-crud-auth)
    CASEGRAPH_STORE_USER           user for updates and graph writes (digest auth), if the server wants one
    CASEGRAPH_STORE_PASSWORD       its password
    CASEGRAPH_STORE_TIMEOUT        seconds one store request may take (default 120)
    """

    base: str
    kind: str = "oxigraph"
    query: str = "/query"
    update: str = "/update"
    graph: str = "/store"
    user: str | None = None
    password: str | None = None
    timeout: float = 120.0

    @classmethod
    def from_env(cls, base: str, environ: Mapping[str, str] | None = None) -> ServerSettings:
        env = os.environ if environ is None else environ
        kind = env.get("CASEGRAPH_STORE_SERVER", "oxigraph").lower()
        if kind not in SERVERS:
            raise StoreError(f"CASEGRAPH_STORE_SERVER must be one of {', '.join(SERVERS)}, not {kind!r}")
        paths = SERVERS[kind]
        try:
            timeout = float(env.get("CASEGRAPH_STORE_TIMEOUT", "120"))
        except ValueError:
            raise StoreError("CASEGRAPH_STORE_TIMEOUT must be a number of seconds") from None
        return cls(
            base=base.rstrip("/"),
            kind=kind,
            query=env.get("CASEGRAPH_STORE_QUERY_PATH", paths["query"]),
            update=env.get("CASEGRAPH_STORE_UPDATE_PATH", paths["update"]),
            graph=env.get("CASEGRAPH_STORE_GRAPH_PATH", paths["graph"]),
            user=env.get("CASEGRAPH_STORE_USER") or None,
            password=env.get("CASEGRAPH_STORE_PASSWORD") or None,
            timeout=timeout,
        )

    def url(self, path: str) -> str:
        return path if is_url(path) else self.base + path

    def auth(self) -> httpx.Auth | None:
        if self.user is None:
            return None
        return httpx.DigestAuth(self.user, self.password or "")

    def union_params(self, union: bool) -> dict[str, str]:
        """Query parameters that make the default graph the union of all graphs. Oxigraph takes
        `union-default-graph`; Virtuoso's default graph is the union already (so there `union`
        False still sees every graph: the project's queries that ask for it name their graphs)."""
        return {"union-default-graph": ""} if union and self.kind == "oxigraph" else {}

    @property
    def virtuoso(self) -> bool:
        return self.kind == "virtuoso"

    @property
    def results_type(self) -> str:
        """The SELECT result syntax to ask for: Virtuoso writes xsd:boolean values as 1 and 0 in
        JSON (and IRIs as strings in TSV); its XML is right."""
        return RESULTS_XML if self.virtuoso else RESULTS_JSON


# The slowest load rate a server is waited for (bytes of the file a second): 250 kB/s.
LOAD_BYTES_PER_SECOND = 250_000


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class RemoteStore:
    """The `Store` protocol (ingest.store.base) over a SPARQL 1.1 server."""

    path: Path | None = None

    def __init__(self, url: str, *, read_only: bool = False, settings: ServerSettings | None = None) -> None:
        self.settings = settings or ServerSettings.from_env(url)
        self.location = self.settings.base
        self.dialect = "oxigraph" if self.settings.kind == "oxigraph" else "sparql11"
        self.read_only = read_only
        self.client = httpx.Client(timeout=self.settings.timeout, auth=None)
        try:
            self._get(self.settings.query, {"query": "ASK {}"}, RESULTS_JSON)
        except StoreError:
            self.client.close()
            raise

    def close(self) -> None:
        self.client.close()

    # transport ----------------------------------------------------------------------------
    def _fail(self, what: str, exc: Exception | httpx.Response) -> StoreError:
        if isinstance(exc, httpx.Response):
            detail = f"HTTP {exc.status_code}: {exc.text.strip()[:500]}"
        else:
            detail = str(exc) or type(exc).__name__
        return StoreError(f"{self.location}: {what} failed: {detail}")

    def _get(self, path: str, params: dict[str, str], accept: str) -> bytes:
        try:
            r = self.client.get(self.settings.url(path), params=params, headers={"Accept": accept})
        except httpx.HTTPError as exc:
            raise self._fail("a query", exc) from exc
        if r.status_code != 200:
            raise self._fail("a query", r)
        return r.content

    def _query(self, query: str, accept: str, union: bool, dataset: Dataset | None = None) -> bytes:
        # A dataset goes in the form body (default-graph-uri / named-graph-uri, SPARQL 1.1
        # Protocol 2.1.3), where a list of thousands of graphs fits; it replaces the query's own.
        params = self.settings.union_params(union) if dataset is None else {}
        form = as_form([("query", query), *(protocol_dataset(dataset, self.settings) if dataset is not None else [])])
        try:
            r = self.client.post(
                self.settings.url(self.settings.query),
                params=params,
                data=form,
                headers={"Accept": accept},
            )
        except httpx.HTTPError as exc:
            raise self._fail("a query", exc) from exc
        if r.status_code != 200:
            raise self._fail("a query", r)
        return r.content

    def _update(self, update: str) -> None:
        self._writable()
        try:
            r = self.client.post(
                self.settings.url(self.settings.update),
                content=update.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update"},
                auth=self.settings.auth() or httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.HTTPError as exc:
            raise self._fail("an update", exc) from exc
        if r.status_code not in (200, 201, 204):
            raise self._fail("an update", r)

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.location}: opened read-only")

    def _graph_get(self, graph: str | None, accept: str = "application/n-triples") -> bytes:
        if graph is None and self.settings.virtuoso:
            graph = DEFAULT_GRAPH
        params = {"default": ""} if graph is None else {"graph": graph}
        try:
            r = self.client.get(
                self.settings.url(self.settings.graph),
                params=params,
                headers={"Accept": accept},
                auth=self.settings.auth() or httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.HTTPError as exc:
            raise self._fail("reading a graph", exc) from exc
        if r.status_code == 404:
            return b""
        if r.status_code != 200:
            raise self._fail("reading a graph", r)
        if self.settings.virtuoso and accept == "application/n-triples":
            # Virtuoso writes a graph's statements in an order of its own, another on another
            # instance holding the same graph: sorted, a dump or a graph page is the same for
            # the same statements (an N-Triples line is one statement).
            return b"".join(line + b"\n" for line in sorted(r.content.splitlines()) if line.strip())
        return r.content

    # writing ------------------------------------------------------------------------------
    def _stamp(self, names: list[str]) -> str:
        """Update text that sets the modification time of `names` to now."""
        if not names:
            return ""
        now = f'"{_now()}"^^<{XSD_DATETIME}>'
        values = " ".join(str(IRI(n)) for n in names)
        return (
            f"DELETE {{ GRAPH <{META_GRAPH}> {{ ?g <{MODIFIED}> ?t }} }} "
            f"WHERE {{ VALUES ?g {{ {values} }} GRAPH <{META_GRAPH}> {{ ?g <{MODIFIED}> ?t }} }} ;\n"
            f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ "
            + " ".join(f"{IRI(n)!s} <{MODIFIED}> {now} ." for n in names)
            + " } }"
        )

    def replace_graph(self, graph: Graph) -> int:
        body = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
        self.replace_graph_ntriples(str(graph.identifier), body)
        return len(graph)

    def replace_graph_ntriples(self, name: str, body: str) -> None:
        iri = IRI(name)
        if self.settings.virtuoso:
            # Virtuoso's SPARQL compiler takes no INSERT DATA past ~5,000 statements, no blank
            # node in one, and no literal past ~10 MB; its Graph Store PUT takes them all. (It is
            # one request, complete when it answers, but Virtuoso does not isolate it from
            # readers: README "Running on a database server".)
            self._graph_send("PUT", name, rdf.as_stored(body.encode("utf-8")), f"storing {name}")
            self._update(self._stamp([name]))
            return
        self._update(
            f"DROP SILENT GRAPH {iri} ;\nINSERT DATA {{ GRAPH {iri} {{\n{body}\n}} }} ;\n" + self._stamp([name])
        )

    def replace_graphs(self, graphs: Mapping[str, str]) -> None:
        """One update request (applied as one transaction) for all of `graphs`, their times
        with them. On Virtuoso, one request per graph in the order given (a Graph Store PUT,
        or a DROP for an empty one), then the times: its SPARQL compiler cannot take a
        document in one INSERT DATA (replace_graph_ntriples), and it does not isolate one
        request from readers anyway. A reader may then see the first graph new and the next
        still old: callers give a document's graph before its text graph, and the public
        view reads a text's licence from the document graph (ingest.texts)."""
        self._writable()
        written = [name for name, body in graphs.items() if body.strip()]
        dropped = [name for name in graphs if name not in written]
        if self.settings.virtuoso:
            for name, body in graphs.items():
                if name in written:
                    self._graph_send("PUT", name, rdf.as_stored(body.encode("utf-8")), f"storing {name}")
                else:
                    self._update(self._unstamp(name))
            if written:
                self._update(self._stamp(written))
            return
        parts: list[str] = []
        for name, body in graphs.items():
            iri = IRI(name)
            parts.append(f"DROP SILENT GRAPH {iri}")
            if name in written:
                parts.append(f"INSERT DATA {{ GRAPH {iri} {{\n{body}\n}} }}")
        parts += [self._unstamp(name) for name in dropped]
        if written:
            parts.append(self._stamp(written))
        if parts:
            self._update(" ;\n".join(parts))

    def _unstamp(self, name: str) -> str:
        """Update text that drops the graph `name` and its modification time."""
        iri = IRI(name)
        return f"DROP SILENT GRAPH {iri} ;\nDELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {iri} <{MODIFIED}> ?t }} }}"

    def append_ntriples(self, name: str, body: str) -> None:
        if self.settings.virtuoso:
            body = rdf.as_stored(body.encode("utf-8")).decode("utf-8")
        self._update(f"INSERT DATA {{ GRAPH {IRI(name)} {{\n{body}\n}} }} ;\n" + self._stamp([name]))

    def drop_graph(self, name: str) -> None:
        self._update(self._unstamp(name))

    def update(self, request: str, touched: Sequence[str] = ()) -> None:
        stamp = self._stamp(list(touched))
        self._update(request + (" ;\n" + stamp if stamp else ""))

    def load_file(self, path: Path, fmt: Format) -> None:
        """One request per graph of the file (Graph Store POST), or, on Oxigraph, the whole file
        in one request to its dataset endpoint."""
        self._writable()
        if self.settings.virtuoso:
            # Virtuoso lists only the graphs stamped in META_GRAPH (it keeps graphs of its own):
            # stamp exactly those the file wrote.
            written = self._post_by_graph(path, fmt)
            names = [DEFAULT_GRAPH if g is None else g for g in written]
            for start in range(0, len(names), 500):
                self._update(self._stamp(names[start : start + 500]))
            return
        if self.settings.kind == "oxigraph" or not fmt.supports_datasets:
            self._post_file(path, fmt)
        else:
            self._post_by_graph(path, fmt)
        self._stamp_all()

    def _graph_send(self, method: str, graph: str, ntriples: bytes, what: str) -> None:
        """A Graph Store PUT or POST of N-Triples into the named graph `graph`."""
        body, media_type = ntriples, Format.NTRIPLES.media_type
        if self.settings.virtuoso:
            body, media_type = TURTLE_LEAD + ntriples, Format.TURTLE.media_type
        try:
            r = self.client.request(
                method,
                self.settings.url(self.settings.graph),
                params={"graph": graph},
                content=body,
                headers={"Content-Type": media_type},
                auth=self.settings.auth() or httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.HTTPError as exc:
            raise self._fail(what, exc) from exc
        if r.status_code not in (200, 201, 204):
            raise self._fail(what, r)

    def bulk_load_file(self, path: Path, fmt: Format) -> None:
        self.load_file(path, fmt)

    def _post_file(self, path: Path, fmt: Format) -> None:
        params = {} if fmt.supports_datasets and self.settings.kind == "oxigraph" else {"default": ""}
        # The server answers once it has loaded the whole file: a large file may take longer than
        # one request's CASEGRAPH_STORE_TIMEOUT (a million quads: two minutes on a loaded
        # machine), so the wait for the answer grows with the file (LOAD_BYTES_PER_SECOND).
        wait = max(self.settings.timeout, path.stat().st_size / LOAD_BYTES_PER_SECOND)
        try:
            with path.open("rb") as f:
                r = self.client.post(
                    self.settings.url(self.settings.graph),
                    params=params,
                    content=f,
                    headers={"Content-Type": fmt.media_type},
                    auth=self.settings.auth() or httpx.USE_CLIENT_DEFAULT,
                    timeout=httpx.Timeout(self.settings.timeout, read=wait),
                )
        except httpx.HTTPError as exc:
            raise self._fail(f"loading {path}", exc) from exc
        if r.status_code not in (200, 201, 204):
            raise self._fail(f"loading {path}", r)

    def _post_by_graph(self, path: Path, fmt: Format) -> list[str | None]:
        """The file's statements, one Graph Store POST per graph; the graphs written (None: the
        default graph)."""
        by_graph: dict[str | None, list[Triple]] = {}
        for quad in rdf.parse(fmt=fmt, path=path):
            by_graph.setdefault(None if quad.graph is None else quad.graph.value, []).append(quad.triple)
        for graph, triples in by_graph.items():
            if self.settings.virtuoso:
                data = rdf.as_stored(rdf.serialize(triples, Format.NTRIPLES))
                self._graph_send("POST", DEFAULT_GRAPH if graph is None else graph, data, f"loading {path}")
                continue
            params = {"default": ""} if graph is None else {"graph": graph}
            try:
                r = self.client.post(
                    self.settings.url(self.settings.graph),
                    params=params,
                    content=rdf.serialize(triples, Format.NTRIPLES),
                    headers={"Content-Type": Format.NTRIPLES.media_type},
                    auth=self.settings.auth() or httpx.USE_CLIENT_DEFAULT,
                )
            except httpx.HTTPError as exc:
                raise self._fail(f"loading {path}", exc) from exc
            if r.status_code not in (200, 201, 204):
                raise self._fail(f"loading {path}", r)
        return list(by_graph)

    def _stamp_all(self) -> None:
        # A loaded file may add to any graph: all count as changed (a time too new costs a cache
        # entry, a time too old would serve stale pages).
        names = self.named_graphs()
        for start in range(0, len(names), 500):
            self._update(self._stamp(names[start : start + 500]))

    def flush(self) -> None:
        """Every request is committed by the server when it answers."""

    def backup(self, target: Path) -> None:
        """A database server is backed up with its own tools (its dump or checkpoint), which
        know its files; over the protocol only an export (`casegraph export`) is possible."""
        raise StoreError(f"{self.location}: a store on a server is backed up with the server's own tools")

    # reading ------------------------------------------------------------------------------
    def _text(self, query: str, bindings: Mapping[str, Any] | None) -> str:
        """The query as sent: in the server's dialect, with the bindings as VALUES blocks."""
        if self.settings.virtuoso:
            return virtuoso.adapt(query, bindings)
        return bind(query, bindings)

    def select(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        union: bool = True,
        dataset: Dataset | None = None,
    ) -> list[Row]:
        accept = self.settings.results_type
        return rdf.result_values(self._query(self._text(query, bindings), accept, union, dataset), accept)

    def select_terms(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        union: bool = True,
        dataset: Dataset | None = None,
    ) -> Iterator[dict[str, Term | None]]:
        accept = self.settings.results_type
        answer = rdf.parse_results(self._query(self._text(query, bindings), accept, union, dataset), accept)
        if isinstance(answer, bool):
            raise StoreError("an ASK answer where rows were expected")
        names, rows = answer
        for row in rows:
            yield dict(zip(names, row, strict=True))

    def statements(
        self, query: str, bindings: Mapping[str, Any] | None = None, *, dataset: Dataset | None = None
    ) -> Iterator[Quad]:
        for row in self.select_terms(query, bindings, dataset=dataset):
            graph = row.get("g")
            if isinstance(graph, IRI) and graph.value == DEFAULT_GRAPH:
                graph = None
            yield Quad(row["s"], row["p"], row["o"], graph if isinstance(graph, IRI) else None)  # type: ignore[arg-type]

    def construct(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        union: bool = True,
        dataset: Dataset | None = None,
    ) -> Iterator[Triple]:
        data = self._query(self._text(query, bindings), Format.NTRIPLES.media_type, union, dataset)
        for quad in rdf.parse(data, Format.NTRIPLES):
            yield quad.triple

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        names: list[str | None] = [None, *self.named_graphs()] if graph is None else [graph]
        for name in names:
            data = self._graph_get(name)
            iri = None if name is None else IRI(name)
            for quad in rdf.parse(data, Format.NTRIPLES):
                yield Quad(quad.subject, quad.predicate, quad.object, iri)

    def export(
        self, fmt: Format, graphs: list[str] | None = None, prefixes: Mapping[str, str] | None = None
    ) -> Iterator[bytes]:
        """One Graph Store request per graph, each rewritten into `fmt` (with its graph name in a
        dataset syntax): the store is never held whole. Chunks after the first carry no prefixes,
        so they concatenate to one document."""
        names: list[str | None] = [None, *self.named_graphs()] if graphs is None else list(graphs)
        first = True
        for name in names:
            data = self._graph_get(name)
            if not data.strip():
                continue
            yield rdf.reserialize(data, Format.NTRIPLES, fmt, name, prefixes if first else None)
            first = False
        if first and fmt in (Format.JSONLD, Format.RDFXML):
            yield rdf.serialize([], fmt)

    def named_graphs(self) -> list[str]:
        if self.settings.virtuoso:
            # Virtuoso keeps graphs of its own (its schema, its endpoint's description) and may
            # hold other data: the store is the graphs this backend wrote, each stamped in
            # META_GRAPH, that hold anything.
            rows = self.select(
                f"SELECT DISTINCT ?g WHERE {{ GRAPH <{META_GRAPH}> {{ ?g <{MODIFIED}> ?t }} "
                "FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }"
            )
            return sorted(
                g for r in rows if (g := r["g"]) is not None and g != DEFAULT_GRAPH and not is_store_own_graph(g)
            )
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union=False)
        return sorted(g for r in rows if (g := r["g"]) is not None and not is_store_own_graph(g))

    def graphs(self) -> list[GraphInfo]:
        times = self._times()
        return [GraphInfo(name, times.get(name)) for name in self.named_graphs()]

    def _times(self) -> dict[str, datetime | None]:
        rows = self.select(f"SELECT ?g ?t WHERE {{ GRAPH <{META_GRAPH}> {{ ?g <{MODIFIED}> ?t }} }}", union=False)
        return {r["g"] or "": parse_time(r["t"]) for r in rows}

    def last_modified(self) -> datetime | None:
        rows = self.select(f"SELECT (MAX(?t) AS ?last) WHERE {{ GRAPH <{META_GRAPH}> {{ ?g <{MODIFIED}> ?t }} }}")
        return parse_time(rows[0]["last"]) if rows else None

    def __len__(self) -> int:
        if self.settings.virtuoso:  # the stamped graphs (the default graph's stand-in among them)
            rows = self.select(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT DISTINCT ?g WHERE {{ GRAPH <{META_GRAPH}> "
                f"{{ ?g <{MODIFIED}> ?t }} FILTER(?g NOT IN ({_LOGS})) }} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            )
            return int(rows[0]["n"] or 0)
        rows = self.select(
            "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(?g NOT IN ({_LOGS})) }} }}",
            union=False,
        )
        default_and_named = int(rows[0]["n"] or 0)
        if self.settings.kind != "oxigraph":
            # Where the default graph is the union already, the first branch counted every graph.
            rows = self.select(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({_LOGS})) }}"
            )
            return int(rows[0]["n"] or 0)
        return default_and_named

    def public_queries(self, options: QueryOptions) -> PublicQueries:
        return public_queries(self.settings, options)


def as_form(pairs: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    """Form fields for httpx, which takes a repeated field as a list."""
    form: dict[str, list[str]] = {}
    for key, value in pairs:
        form.setdefault(key, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in form.items()}


def protocol_dataset(dataset: Dataset, settings: ServerSettings) -> list[tuple[str, str]]:
    """`dataset` as SPARQL Protocol parameters. The store's own default graph has no IRI in the
    protocol: on Virtuoso it lives in a named graph of its own (DEFAULT_GRAPH), which is then
    named; elsewhere it is left out (the project keeps nothing there: document graphs are named).
    With neither list a server would read its whole store: an empty default graph (a graph
    nobody writes) then names the dataset, which has no named graphs. Virtuoso is sent both
    lists always (an empty one as that graph)."""
    default = list(dataset.default)
    named = list(dataset.named)
    if dataset.store_default and settings.virtuoso:
        default.append(DEFAULT_GRAPH)
    if not default and not named:
        default = [EMPTY_GRAPH]
    if settings.virtuoso:
        # Virtuoso reads every graph for the list a request leaves out: GRAPH ?g ranged over
        # all of them (withheld documents, its own schema) when only default graphs were sent.
        default = default or [EMPTY_GRAPH]
        named = named or [EMPTY_GRAPH]
    return [("default-graph-uri", g) for g in default] + [("named-graph-uri", g) for g in named]


def public_queries(settings: ServerSettings, options: QueryOptions) -> PublicQueries:
    from ingest.store.remote.queries import RemoteQueries

    return RemoteQueries(settings, options)
