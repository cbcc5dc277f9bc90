"""Ingest jobs that outlive the server: a table of jobs in SQLite beside the store
(`<store>.jobs.sqlite`, mode 0600) and the uploaded files in an inbox folder beside it
(`<store>.inbox/`, each under a name made from its content hash, never the name the client
sent).

A job is queued with its file already complete in the inbox (written under a temporary name,
fsync'd, then renamed), so a job in the table always has its file. The server runs one job at a
time; it marks a job running before it starts and done or failed, with the outcome lines, when
it ends. A server killed mid-job leaves that job `running`: on restart `recover()` queues it
again, with a line saying so, and the build it re-runs is idempotent (ingest.stamps: what was
stored whole is skipped, a graph is never half-stored). A job whose file has gone is failed.

States: queued -> running -> done | failed.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.audit import now_utc
from ingest.local_files import beside_store, private_file

SUFFIX = ".jobs.sqlite"
INBOX_SUFFIX = ".inbox"
STATES = ("queued", "running", "done", "failed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    who TEXT NOT NULL,
    file TEXT NOT NULL,
    meta TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    document TEXT,
    status TEXT NOT NULL,
    lines TEXT NOT NULL,
    created TEXT NOT NULL,
    started TEXT,
    finished TEXT,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, seq);
"""


@dataclass(frozen=True)
class Job:
    id: str
    kind: str  # "ingest"
    who: str  # the token's name
    file: str  # the file's name in the inbox
    meta: dict[str, Any]  # sidecar metadata to write beside it when the job runs
    content_hash: str
    document: str | None
    status: str
    lines: list[str]
    created: str
    started: str | None
    finished: str | None
    attempts: int

    def public(self) -> dict[str, Any]:
        """What GET /api/jobs/{id} answers (not who sent it, nor where the file lies)."""
        return {
            "job": self.id,
            "status": self.status,
            "lines": self.lines,
            "document": self.document,
            "content_hash": self.content_hash,
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
        }


def jobs_path_for(location: Path | str) -> Path:
    return beside_store(location, SUFFIX)


def inbox_beside(jobs: Path) -> Path:
    """The inbox that goes with a job table: `<x>.jobs.sqlite` -> `<x>.inbox`."""
    return jobs.with_name(jobs.name.removesuffix(SUFFIX).removesuffix(".sqlite") + INBOX_SUFFIX)


class JobTable:
    def __init__(self, path: Path, inbox: Path) -> None:
        self.path, self.inbox = Path(path), Path(inbox)
        private_file(self.path)
        self.inbox.mkdir(parents=True, exist_ok=True)
        os.chmod(self.inbox, 0o700)
        self._lock = threading.Lock()
        with self._db() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            with db:
                yield db
        finally:
            db.close()

    def keep(self, data: bytes, name: str) -> Path:
        """`data` in the inbox as `name`, whole or not at all (temporary file, fsync, rename)."""
        target = self.inbox / name
        if target.parent != self.inbox or name.startswith("."):
            raise ValueError(f"not an inbox file name: {name!r}")
        tmp = self.inbox / f".{name}.{secrets.token_hex(4)}.part"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        dir_fd = os.open(self.inbox, os.O_RDONLY)
        try:
            os.fsync(dir_fd)  # the rename itself survives a crash
        finally:
            os.close(dir_fd)
        return target

    def add(self, kind: str, who: str, file: str, meta: dict[str, Any], content_hash: str, document: str) -> Job:
        job_id = secrets.token_hex(8)
        with self._lock, self._db() as db:
            seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM jobs").fetchone()[0]
            db.execute(
                "INSERT INTO jobs (id, seq, kind, who, file, meta, content_hash, document, status, lines, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', '[]', ?)",
                (job_id, seq, kind, who, file, json.dumps(meta), content_hash, document, now_utc()),
            )
        job = self.get(job_id)
        assert job is not None
        return job

    def get(self, job_id: str) -> Job | None:
        with self._db() as db:
            row = db.execute(
                "SELECT id, kind, who, file, meta, content_hash, document, status, lines, created, started, finished,"
                " attempts FROM jobs WHERE id = ?",
                (job_id,),
            ).fetchone()
        if row is None:
            return None
        return Job(
            id=row[0],
            kind=row[1],
            who=row[2],
            file=row[3],
            meta=json.loads(row[4]),
            content_hash=row[5],
            document=row[6],
            status=row[7],
            lines=json.loads(row[8]),
            created=row[9],
            started=row[10],
            finished=row[11],
            attempts=row[12],
        )

    def next_queued(self) -> Job | None:
        """The oldest queued job, now marked running (attempts + 1)."""
        with self._lock, self._db() as db:
            db.execute("BEGIN IMMEDIATE")  # the pick and the claim are one write transaction
            row = db.execute("SELECT id FROM jobs WHERE status = 'queued' ORDER BY seq LIMIT 1").fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE jobs SET status = 'running', started = ?, attempts = attempts + 1"
                " WHERE id = ? AND status = 'queued'",
                (now_utc(), row[0]),
            )
        return self.get(row[0])

    def finish(self, job_id: str, status: str, lines: list[str], document: str | None = None) -> None:
        assert status in ("done", "failed")
        with self._lock, self._db() as db:
            db.execute(
                "UPDATE jobs SET status = ?, lines = ?, finished = ?, document = COALESCE(?, document) WHERE id = ?",
                (status, json.dumps(lines), now_utc(), document, job_id),
            )

    def recover(self, max_attempts: int = 3) -> list[str]:
        """After a restart: jobs left running are queued again (or failed once they have been
        tried `max_attempts` times: a document that kills the server must not do it forever);
        queued jobs whose file is gone are failed. The ids touched."""
        touched: list[str] = []
        with self._lock, self._db() as db:
            rows = db.execute(
                "SELECT id, file, lines, attempts, status FROM jobs WHERE status IN ('running', 'queued')"
            )
            for job_id, file, lines_text, attempts, status in rows.fetchall():
                lines = json.loads(lines_text)
                if not (self.inbox / file).is_file():
                    lines.append(f"FAILED {file}: the uploaded file is gone from the inbox")
                    db.execute(
                        "UPDATE jobs SET status = 'failed', lines = ?, finished = ? WHERE id = ?",
                        (json.dumps(lines), now_utc(), job_id),
                    )
                elif status == "running" and attempts >= max_attempts:
                    lines.append(f"FAILED {file}: the server stopped during this job {attempts} times; not tried again")
                    db.execute(
                        "UPDATE jobs SET status = 'failed', lines = ?, finished = ? WHERE id = ?",
                        (json.dumps(lines), now_utc(), job_id),
                    )
                elif status == "running":
                    lines.append("note: the server stopped during this job; it was run again after the restart")
                    db.execute("UPDATE jobs SET status = 'queued', lines = ? WHERE id = ?", (json.dumps(lines), job_id))
                else:
                    continue
                touched.append(job_id)
        return touched

    def counts(self) -> dict[str, int]:
        with self._db() as db:
            rows = db.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall()
        return {status: 0 for status in STATES} | {str(s): int(n) for s, n in rows}
