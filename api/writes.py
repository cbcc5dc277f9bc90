"""The server's one writer: ingest jobs and curated facts, when the server runs `--writable`.

How the server writes (the store has one writer at a time):

- Embedded store: the server process opens the store read-write and holds its lock, so
  `casegraph build`/`load` on the same store stop with "in use" while it runs (as they did
  against a read-only server). The API's own queries read that same handle. The public SPARQL
  workers, which are separate processes, never open a store another process writes (undefined
  for the engine): they read a snapshot (`<store>.snapshots/N`, the engine's checkpoint: hard
  links, taken in milliseconds). After each write the server takes a new snapshot, starts a new
  pool of workers on it, switches to it once they are ready and stops the old pool when its
  queries have had their deadline (the snapshot goes with it).
- Store on a SPARQL server: writes go to the server as `casegraph build` sends them; the public
  queries see them at once.

Jobs run one at a time, in the order they came, in a thread of the server; each is
`ingest.pipeline.build` of one inbox file with one worker process (the same reading, extraction,
SHACL validation, all-or-nothing storage, stamps and guards as `casegraph build`). Curated
facts are validated in the request, then stored under the same lock, as is a change of a
document's publication state (a withhold also holds public queries until the workers read a
snapshot taken after it). Every write is audited (ingest.audit) under the token's name.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ingest import audit, publication
from ingest.errors import InputError
from ingest.jobs import Job, JobTable, inbox_beside, jobs_path_for
from ingest.local_files import beside_store
from ingest.passages import PassageIndex, PassageIndexError, index_path_for, sync
from ingest.pipeline import Failure, Outcome, build, summary_line
from ingest.readers import SIDECAR_FIELDS, SIDECAR_SUFFIX
from ingest.store import Store, StoreError, is_remote

logger = logging.getLogger("casegraph.api")

SNAPSHOTS_SUFFIX = ".snapshots"
POOL_READY_WAIT = 120.0  # seconds a new query pool may take to start before the switch gives up
# Where api.deps keeps the passage indexes it opened (per view, once publication states exist).
PASSAGE_INDEXES = ("passages", "public_passages")


class HeldQueries:
    """The public query service while a write that hides something is under way (Writer.hiding):
    queries wait until the pool over the new snapshot is ready, then run there."""

    def __init__(self, old: Any) -> None:
        self.old = old
        self.target: Any = None
        self.ready = asyncio.Event()

    def release(self, target: Any) -> None:
        self.target = target
        self.ready.set()

    async def run(self, job: Any, timeout: float, client: str = "") -> Any:
        from ingest.store import PoolBusy

        try:
            await asyncio.wait_for(self.ready.wait(), POOL_READY_WAIT)
        except TimeoutError:
            raise PoolBusy from None
        return await self.target.run(job, timeout, client)

    def health(self) -> dict[str, int]:
        health: dict[str, int] = self.old.health() if self.old is not None else {}
        return health

    def close(self) -> None:
        if self.old is not None:
            self.old.close()


class WritesOff(Exception):
    """The server was started without --writable."""


def publication_field() -> bool:
    """Whether sidecars know `publication:` (the publication states of ingest.publication)."""
    return "publication" in SIDECAR_FIELDS


class Writer:
    def __init__(self, state: Any, store: Store) -> None:
        self.state = state
        self.settings = state.settings
        self.location = self.settings.store
        self.store = store
        jobs = self.settings.jobs or jobs_path_for(self.location)
        self.jobs = JobTable(jobs, inbox_beside(jobs))
        self.inbox = self.jobs.inbox
        self.passages_path = self.settings.passages or index_path_for(self.location)
        self.audit_path = self.settings.audit or audit.audit_path_for(self.location)
        self.lock = threading.Lock()  # one write at a time: a job or a curation
        self.wake = threading.Event()
        self.stopping = False
        self.thread: threading.Thread | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.snapshots = None if is_remote(self.location) else beside_store(self.location, SNAPSHOTS_SUFFIX)
        self._snapshot_seq = 0

    # --- start and stop ------------------------------------------------------------------
    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Bring the passage index in step, take the first snapshot for the query workers,
        recover the jobs a previous run left, and start the job thread."""
        self.loop = loop
        try:
            index = PassageIndex(self.passages_path)
            try:
                sync(index, self.store)
            finally:
                index.close()
        except PassageIndexError as exc:
            logger.warning("passage index %s: %s", self.passages_path, exc)
        if self.snapshots is not None:
            shutil.rmtree(self.snapshots, ignore_errors=True)  # a previous run's
            self.state.query_location = self.take_snapshot()
        for job_id in self.jobs.recover():
            logger.warning("ingest job %s: left unfinished by a previous run; recovered", job_id)
        self.thread = threading.Thread(target=self._run, name="ingest-jobs", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping = True
        self.wake.set()

    # --- snapshots for the public query workers -----------------------------------------
    def take_snapshot(self) -> Path:
        assert self.snapshots is not None
        self.snapshots.mkdir(parents=True, exist_ok=True)
        self._snapshot_seq += 1
        target = self.snapshots / f"{int(time.time())}-{self._snapshot_seq}"
        self.store.flush()
        self.store.backup(target)
        return target

    def _after_write(self) -> None:
        """Make what was just written visible: the passage indexes the routes search are opened
        again on their next use (one built in memory holds the texts of its time), and, on an
        embedded store, the public query workers move to a new snapshot."""
        self._reopen_passages()
        if self.snapshots is None or self.loop is None or self.stopping:
            return
        try:
            snapshot = self.take_snapshot()
        except (StoreError, OSError) as exc:
            logger.warning("could not take a snapshot for the query workers: %s", exc)
            return
        future = asyncio.run_coroutine_threadsafe(self._switch(snapshot), self.loop)
        with contextlib.suppress(Exception):
            future.result(timeout=POOL_READY_WAIT + 10)

    def _reopen_passages(self) -> None:
        old = []
        for name in PASSAGE_INDEXES:
            index = getattr(self.state, name, None)
            if index is not None:
                setattr(self.state, name, None)
                old.append(index)
        if old and self.loop is not None and not self.loop.is_closed():
            # A search may still be reading one: closed once it has had its time.
            def close() -> None:
                for index in old:
                    with contextlib.suppress(Exception):
                        index.close()

            self.loop.call_soon_threadsafe(self.loop.call_later, self.settings.query_timeout + 2, close)

    async def _switch(self, snapshot: Path) -> None:
        from api.routers.sparql import new_query_pool

        pool = new_query_pool(self.state, snapshot)
        deadline = time.monotonic() + POOL_READY_WAIT
        while getattr(pool, "starting", 0) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        old, old_location = self.state.query_pool, getattr(self.state, "query_location", None)
        if isinstance(old, HeldQueries):  # a write that hides something: release the waiting queries
            old.release(pool)
            old = old.old
        self.state.query_pool, self.state.query_location = pool, snapshot

        def retire() -> None:
            if old is not None:
                old.close()
            if old_location is not None and old_location != snapshot and self.snapshots in old_location.parents:
                shutil.rmtree(old_location, ignore_errors=True)
                shutil.rmtree(old_location.with_name(old_location.name + ".lock"), ignore_errors=True)
                with contextlib.suppress(OSError):
                    old_location.with_name(old_location.name + ".lock").unlink()

        # Queries the old pool is answering have at most their deadline left.
        asyncio.get_running_loop().call_later(self.settings.query_timeout + 2, retire)

    def hiding(self, write: Callable[[], Any]) -> Any:
        """Run `write`, which hides something from the public (a document withheld), so that
        no public query answers from a snapshot taken before it: from the moment it starts,
        new public queries wait (HeldQueries) until the workers over the snapshot taken after
        it are ready. Queries already running finish on the old snapshot: they began before."""
        held: HeldQueries | None = None
        if self.snapshots is not None and self.loop is not None:
            held = asyncio.run_coroutine_threadsafe(self._hold(), self.loop).result(timeout=30)
        try:
            with self.lock:
                result = write()
        except BaseException:
            if held is not None:
                self.loop.call_soon_threadsafe(held.release, held.old)  # type: ignore[union-attr]
            raise
        self._after_write()
        if held is not None and not held.ready.is_set():  # the switch failed: keep serving, but say so
            logger.error("no new snapshot after a withhold; public queries stay held")
        return result

    async def _hold(self) -> HeldQueries:
        current = self.state.query_pool
        held = current if isinstance(current, HeldQueries) else HeldQueries(current)
        self.state.query_pool = held
        return held

    # --- ingest jobs -----------------------------------------------------------------------
    def submit(self, who: str, data: bytes, suffix: str, meta: dict[str, Any], content_hash: str) -> Job:
        """Keep the upload in the inbox (named by its content hash) and queue a job for it."""
        name = inbox_name(content_hash, suffix)
        path = self.inbox / name
        if not path.is_file():
            self.jobs.keep(data, name)
        job = self.jobs.add("ingest", who, name, meta, content_hash, document_iri_of(name))
        self.wake.set()
        return job

    def _run(self) -> None:
        while not self.stopping:
            try:
                job = self.jobs.next_queued()
            except Exception as exc:  # the job table is unreadable: say so, try again later
                logger.error("ingest jobs: %s", exc)
                job = None
            if job is None:
                self.wake.wait(timeout=2.0)
                self.wake.clear()
                continue
            try:
                self._execute(job)
            except Exception as exc:  # never lose the thread: the job is failed with the reason
                if self.stopping:  # the store closed under it: left running, recovered on restart
                    return
                logger.exception("ingest job %s", job.id)
                with contextlib.suppress(Exception):
                    self.jobs.finish(job.id, "failed", [*job.lines, f"FAILED {job.file}: {type(exc).__name__}: {exc}"])

    def _write_sidecar(self, path: Path, meta: dict[str, Any]) -> None:
        sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
        if meta:
            sidecar.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=True), encoding="utf-8")
        else:
            sidecar.unlink(missing_ok=True)

    def _execute(self, job: Job) -> None:
        path = self.inbox / job.file
        lines = list(job.lines)
        stored: list[Outcome] = []

        def on_progress(_path: Path, failure: Failure | None) -> None:
            if failure is not None:
                lines.append(f"FAILED {self._shown(str(failure))}")

        with self.lock:
            self._write_sidecar(path, job.meta)
            index = self._passages(lines)
            try:
                summary = build([path], self.store, on_progress, workers=1, passages=index, on_stored=stored.append)
            except StoreError as exc:
                self.jobs.finish(job.id, "failed", [*lines, f"FAILED {job.file}: {exc}"])
                return
            finally:
                if index is not None:
                    index.close()
            for outcome in stored:
                self._audit(job.who, "ingest", outcome, job)
        lines += [f"stored {self._shown(o.path)} as {o.document} ({o.triples} triples)" for o in stored]
        # Only what is about this file: the fused view's totals and the passage index's counts
        # span the whole store, withheld documents included, which the uploader may not see.
        lines += [f"note: {self._shown(note)}" for note in summary.notes if note.startswith(str(path))]
        if summary.unchanged:
            lines.append(f"{job.file}: unchanged (the same bytes and metadata are stored already)")
        lines.append(summary_line(summary))
        if stored:  # before the job says done: a client that then queries finds the document
            self._after_write()
        self.jobs.finish(job.id, "failed" if summary.failures else "done", lines)

    def _passages(self, lines: list[str]) -> PassageIndex | None:
        try:
            return PassageIndex(self.passages_path)
        except PassageIndexError as exc:
            lines.append(f"note: {exc}; stored without passage search (rebuild it later)")
            return None

    def _shown(self, text: str) -> str:
        """A line as the client may see it: inbox paths become the inbox file's name."""
        return text.replace(str(self.inbox) + "/", "")

    def _audit(self, who: str, what: str, outcome: Outcome, job: Job | None = None) -> None:
        detail: dict[str, Any] = {"graph": outcome.graph}
        if job is not None:
            detail |= {"job": job.id, "file": job.file, "upload_hash": job.content_hash}
        try:
            audit.record(
                self.location,
                what,
                who=f"token:{who}",
                document=outcome.document,
                content_hash=outcome.content_hash,
                detail=detail,
                path=self.audit_path,
            )
        except OSError as exc:
            logger.error("the audit trail %s could not be written: %s", self.audit_path, exc)

    # --- curated facts ---------------------------------------------------------------------
    def curate(self, who: str, document_id: str, data: bytes, content_hash: str) -> list[str]:
        """Validate `data` as the curated facts of `document_id` and store them in its graph.
        InputError (nothing changed) when the file is refused; the outcome lines otherwise."""
        from ingest.facts_yaml import read_facts
        from ingest.ids import document_id as id_of
        from ingest.pipeline import checked_facts_graph

        name = f"facts-{document_id}-{content_hash.split(':', 1)[-1][:16]}.yaml"
        path = self.jobs.keep(data, name)
        shown = "facts.yaml"
        try:
            try:
                facts = read_facts(path)
                if id_of(facts.document.file) != document_id:
                    raise InputError(
                        str(path),
                        f"document.file: {facts.document.file!r} is document {id_of(facts.document.file)!r}, "
                        f"not {document_id!r} (the document in the URL)",
                    )
                checked_facts_graph(facts, str(path))
            except InputError as exc:
                raise InputError(shown, exc.problem.replace(str(path), shown)) from None
            stored: list[Outcome] = []
            lines: list[str] = []
            with self.lock:
                index = self._passages(lines)
                try:
                    summary = build(
                        [path],
                        self.store,
                        lambda _p, f: lines.append(f"FAILED {shown}: {f.problem}") if f else None,
                        workers=0,
                        passages=index,
                        on_stored=stored.append,
                        force=True,
                    )
                finally:
                    if index is not None:
                        index.close()
                for outcome in stored:
                    self._audit(who, "curate", outcome)
            if summary.failures:
                raise InputError(shown, "; ".join(f.problem for f in summary.failures))
            lines += [f"stored {shown} as the curated facts of {o.document} ({o.triples} triples)" for o in stored]
            lines += [f"note: {note.replace(str(path), shown)}" for note in summary.notes if note.startswith(str(path))]
            lines.append(summary_line(summary))
            if stored:
                self._after_write()
            return lines
        finally:
            path.unlink(missing_ok=True)

    # --- publication states ----------------------------------------------------------------
    def set_publication(self, who: str, document_id: str, state: str) -> tuple[str, bool]:
        """Give the document `document_id` the publication `state` (ingest.publication) and
        rebuild the fused views; (the state before, whether it changed). A withhold runs
        through `hiding`, so no public query answers from a snapshot taken before it."""
        from ingest.ids import document_iri, graph_iri
        from ingest.pipeline import refresh_fused_views

        graph = str(graph_iri(document_id))

        def write() -> tuple[str, bool]:
            before = publication.state_of(self.store, graph)
            changed = publication.set_state(self.store, graph, state)
            if changed:
                refresh_fused_views(self.store)
                self.store.flush()
                try:
                    audit.record(
                        self.location,
                        "publish" if state == publication.PUBLIC else "withhold",
                        who=f"token:{who}",
                        document=str(document_iri(document_id)),
                        detail={"graph": graph, "before": before},
                        path=self.audit_path,
                    )
                except OSError as exc:
                    logger.error("the audit trail %s could not be written: %s", self.audit_path, exc)
            return before, changed

        if state == publication.WITHHELD:
            return self.hiding(write)  # type: ignore[no-any-return]
        with self.lock:
            result = write()
        self._after_write()
        return result


def inbox_name(content_hash: str, suffix: str) -> str:
    """An upload's name in the inbox, and so its document id: made from its content hash only."""
    return "upload-" + content_hash.split(":", 1)[-1][:24] + suffix


_INBOX_NAME = re.compile(r"^[a-z0-9-]+\.[a-z]+$")


def document_iri_of(inbox_name: str) -> str:
    from ingest.ids import document_iri

    assert _INBOX_NAME.match(inbox_name)
    return str(document_iri(inbox_name))


def writer_of(state: Any) -> Writer:
    writer: Writer | None = getattr(state, "writer", None)
    if writer is None:
        raise WritesOff
    return writer
