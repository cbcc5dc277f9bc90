"""Public SPARQL queries on a remote server, under the same policy as the embedded workers.

The query text is checked here first (ingest.store.public.guard: one query, no update, no SERVICE), then
sent to the server with the deadline as the client's timeout (and, where the server takes one,
as its own limit: Virtuoso's `timeout` parameter; `oxigraph serve --timeout-s` is set when the
server starts). The answer is read in a line-based syntax (TSV for SELECT, N-Triples for graphs)
only up to the row and byte caps, so a huge result is never read whole, then written in the
format the client asked for, exactly as the embedded workers write it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from ingest.store import rdf
from ingest.store.base import Dataset, Job, Outcome, PoolBusy, QueryOptions, QueryTimeout
from ingest.store.fairness import FairGate
from ingest.store.public import formats, results
from ingest.store.public.dataset import public_dataset
from ingest.store.public.guard import QueryRefused, inspect
from ingest.store.rdf import Format
from ingest.store.remote import ServerSettings, as_form, protocol_dataset
from ingest.store.sparql_text import without_dataset_clauses

TSV = "text/tab-separated-values"
NTRIPLES = "application/n-triples"
# Virtuoso's TSV writes IRIs as quoted strings: its XML is read instead, cut after a whole
# <result> element and closed again.
XML_RESULT_END = b"</result>"
XML_CLOSE = b"\n </results>\n</sparql>\n"


class RemoteQueries:
    """`PublicQueries` over a SPARQL 1.1 server: at most `workers` requests at once, each
    client a fair share (ingest.store.fairness)."""

    def __init__(self, settings: ServerSettings, options: QueryOptions) -> None:
        self.settings = settings
        self.size = options.workers
        self.client = httpx.AsyncClient()
        self.gate = FairGate(
            options.workers, options.per_client or max(1, options.workers - 1), options.waiting_per_client
        )
        self.running = 0
        self.killed = 0  # queries stopped at the deadline

    def health(self) -> dict[str, int]:
        return {
            "alive": self.size,
            "busy": self.running,
            "waiting": sum(len(q) for q in self.gate.queues.values()),
            "killed_at_deadline": self.killed,
        }

    def close(self) -> None:
        client = self.client
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None and loop.is_running():
            loop.create_task(client.aclose())

    async def run(self, job: Job, timeout: float, client: str = "") -> Outcome:
        deadline = time.monotonic() + timeout
        try:
            await self.gate.acquire(client, timeout)
        except TimeoutError:
            raise PoolBusy from None
        self.running += 1
        try:
            return await self._run(job, deadline)
        finally:
            self.running -= 1
            self.gate.release(client)

    async def _run(self, job: Job, deadline: float) -> Outcome:
        try:
            inspection = inspect(job["query"], job["max_depth"])
        except QueryRefused as exc:
            return formats.error_outcome(exc.status, str(exc))
        form = inspection.form
        graph_result = form in ("CONSTRUCT", "DESCRIBE")
        media_type = formats.choose_format(job, form)
        if media_type is None:
            return formats.not_acceptable(form)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise QueryTimeout
        params: list[tuple[str, Any]] = []
        restricted = public_dataset(job, inspection)
        in_body: list[tuple[str, str]] = []
        if restricted is not None:  # a view's visible graphs only (ingest.store.view), in the body
            in_body = protocol_dataset(restricted, self.settings)
        elif job["default_graphs"] is None and job["named_graphs"] is None:
            if not inspection.has_dataset:
                params += list(self.settings.union_params(True).items())
        else:  # the protocol dataset replaces the query's own (SPARQL 1.1 Protocol 2.1.4)
            asked = Dataset(tuple(job["default_graphs"] or ()), tuple(job["named_graphs"] or ()))
            in_body = protocol_dataset(asked, self.settings)
        if self.settings.virtuoso:
            params.append(("timeout", str(max(1, int(remaining * 1000)))))
        query = job["query"]
        if inspection.has_dataset and in_body:  # the dataset sent replaces the query's own
            query = without_dataset_clauses(query)
        select_type = formats.RESULTS_XML if self.settings.virtuoso else TSV
        accept = NTRIPLES if graph_result else (select_type if form == "SELECT" else formats.RESULTS_JSON)
        try:
            body, cut = await self._fetch(query, job, params, accept, remaining, in_body)
        except _ServerStopped:
            self.killed += 1
            raise QueryTimeout from None
        except (httpx.TimeoutException, TimeoutError):
            self.killed += 1
            raise QueryTimeout from None
        except httpx.HTTPError as exc:
            return formats.error_outcome(502, f"the store did not answer: {exc}")
        except _ServerRefused as exc:
            return formats.error_outcome(exc.status, exc.message)
        try:
            if graph_result:
                return self._graph(body, cut, media_type, job)
            answer = rdf.parse_results(body, accept)
        except SyntaxError as exc:
            return formats.error_outcome(502, f"the store's answer could not be read: {exc}")
        if isinstance(answer, bool):
            body = results.ASK_WRITERS[formats.ASK_TYPES[media_type]](answer)
            return {"status": 200, "media_type": media_type, "body": body, "truncated": False, "rows": 1}
        variables, rows_iter = answer
        rows: list[Any] = list(rows_iter)
        truncated = cut
        if len(rows) > job["row_cap"]:
            rows, truncated = rows[: job["row_cap"]], True
        write = results.SELECT_WRITERS[formats.SELECT_TYPES[media_type]]
        out = write(variables, rows, truncated)
        while len(out) > job["byte_cap"] and rows:
            rows, truncated = rows[: len(rows) // 2], True
            out = write(variables, rows, truncated)
        return {"status": 200, "media_type": media_type, "body": out, "truncated": truncated, "rows": len(rows)}

    def _graph(self, body: bytes, cut: bool, media_type: str, job: Job) -> Outcome:
        triples = [q.triple for q in rdf.parse(body, Format.NTRIPLES)]
        truncated = cut
        if len(triples) > job["row_cap"]:
            triples, truncated = triples[: job["row_cap"]], True
        fmt = formats.GRAPH_TYPES[media_type]
        out = rdf.serialize(triples, fmt)
        while len(out) > job["byte_cap"] and triples:
            triples, truncated = triples[: len(triples) // 2], True
            out = rdf.serialize(triples, fmt)
        return {"status": 200, "media_type": media_type, "body": out, "truncated": truncated, "rows": len(triples)}

    async def _fetch(
        self,
        query: str,
        job: Job,
        params: list[tuple[str, Any]],
        accept: str,
        timeout: float,
        form: list[tuple[str, str]],
    ) -> tuple[bytes, bool]:
        """The answer's first lines: up to the row cap (plus the header) and twice the byte cap
        (the line syntax is wordier than most result formats); True when lines were left. An XML
        result is counted and cut by its <result> elements instead."""
        xml = accept == formats.RESULTS_XML
        unit = XML_RESULT_END if xml else b"\n"
        limit_lines = job["row_cap"] + (0 if xml else 2)
        limit_bytes = 2 * job["byte_cap"]
        kept = bytearray()
        cut = False
        request = self.client.stream(
            "POST",
            self.settings.url(self.settings.query),
            params=params,
            data=as_form([("query", query), *form]),
            headers={"Accept": accept},
            timeout=httpx.Timeout(timeout),
        )
        async with asyncio.timeout(timeout):
            async with request as response:
                if response.status_code != 200:
                    text = (await response.aread()).decode("utf-8", "replace").strip()
                    status = 400 if response.status_code == 400 else 502
                    raise _ServerRefused(status, f"the store refused the query: {text[:1000]}")
                if response.headers.get("x-sql-state") == "S1TAT":
                    # Virtuoso's "anytime" answer: at its `timeout` it sends what it has found so
                    # far with status 200 and this state. A partial answer is no answer.
                    raise _ServerStopped
                async for chunk in response.aiter_bytes():
                    kept += chunk
                    if kept.count(unit) > limit_lines or len(kept) > limit_bytes:
                        cut = True
                        break
        if cut and xml:
            data = bytes(kept)
            end, count = data.find(b"<results"), 0
            while end >= 0 and count < limit_lines:
                found = data.find(XML_RESULT_END, end + 1)
                if found < 0:
                    break
                end, count = found, count + 1
            if count == 0:
                end = data.find(b">", data.find(b"<results")) + 1 - len(XML_RESULT_END)
            return data[: end + len(XML_RESULT_END)] + XML_CLOSE, True
        if cut:  # keep whole lines only: each is a row (TSV) or a triple (N-Triples)
            lines = bytes(kept).split(b"\n")
            whole = lines[: min(len(lines) - 1, limit_lines)]
            return b"\n".join(whole) + b"\n", True
        return bytes(kept), False


class _ServerStopped(Exception):
    """The server stopped the query at its own time limit."""


class _ServerRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
