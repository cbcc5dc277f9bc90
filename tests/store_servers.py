"""SPARQL servers the test suite starts itself, each on a free loopback port in a temp dir, so the
remote backend is tested against the real thing (issue 11)."""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.serving import answers, free_port, stop_process, wait_until


def oxigraph_binary() -> str | None:
    """The `oxigraph` command of the PyPI package `oxigraph` (a dev dependency): beside this
    interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    return shutil.which("oxigraph")


OXIGRAPH_MISSING = "the oxigraph server binary is not installed (pip install oxigraph: a dev dependency)"


@contextmanager
def oxigraph_server(location: Path, *, timeout_s: int = 30) -> Iterator[str]:
    """`oxigraph serve --location DIR --bind 127.0.0.1:PORT`; yields its base URL once it answers."""
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError(OXIGRAPH_MISSING)
    port = free_port()
    log = location.with_name(location.name + ".log")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                binary,
                "serve",
                "--location",
                str(location),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout-s",
                str(timeout_s),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            answers(url + "/query", query="ASK {}"),
            "oxigraph serve answering /query",
            seconds=60,
            proc=proc,
            output=lambda: log.read_text(errors="replace")[-2000:],
        )
        yield url
    finally:
        stop_process(proc)


def wipe(url: str) -> None:
    """Empty an Oxigraph server between tests."""
    r = httpx.post(url + "/update", content=b"DROP SILENT ALL", headers={"Content-Type": "application/sparql-update"})
    r.raise_for_status()


# Virtuoso (Debian's virtuoso-opensource) -------------------------------------------------------
VIRTUOSO_MISSING = (
    "Virtuoso is not installed (apt-get install virtuoso-opensource: .ci/run installs it; "
    "virtuoso-t and isql-vt are looked for on PATH)"
)
# The account the tests write with: a user of its own with the SPARQL_UPDATE role (which opens
# /sparql-auth and /sparql-graph-crud-auth to it), as the README tells an operator to make.
VIRTUOSO_USER = "casegraph"


def virtuoso_binaries() -> tuple[str, str] | None:
    """(virtuoso-t, isql) from PATH; Debian names its isql `isql-vt` (plain `isql` is unixODBC's)."""
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql-v")
    return (server, isql) if server and isql else None


@dataclass(frozen=True)
class VirtuosoServer:
    url: str  # the HTTP base, e.g. http://127.0.0.1:PORT
    sql_port: int
    password: str  # of VIRTUOSO_USER (and of dba)
    system_graphs: frozenset[str]  # the graphs Virtuoso keeps for itself, there from the start

    @property
    def env(self) -> dict[str, str]:
        """The README's settings for a Virtuoso store, as the environment carries them."""
        return {
            "CASEGRAPH_STORE_SERVER": "virtuoso",
            "CASEGRAPH_STORE_USER": VIRTUOSO_USER,
            "CASEGRAPH_STORE_PASSWORD": self.password,
        }


VIRTUOSO_INI = """\
; A private Virtuoso for one test session: its own files and loopback ports.
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:{sql_port}
DisableUnixSocket    = 1
DisableTcpSocket     = 0
MaxClientConnections = 20
CheckpointInterval   = 60
CaseMode             = 2
DirsAllowed          = ., {dir}
NumberOfBuffers      = {buffers}
MaxDirtyBuffers      = {dirty}
ThreadsPerQuery      = 2
MaxQueryMem          = 1G
AsyncQueueMaxThreads = 4

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {dir}
MaxClientConnections = 20
ServerThreads        = 20
MaxKeepAlives        = 20
KeepAliveTimeout     = 10
EnabledDavVSP        = 0
Charset              = UTF-8

[SPARQL]
; The API reads whole graphs and exports through queries: no 10,000-row cap (the Debian default).
ResultSetMaxRows           = 10000000
MaxSortedTopRows           = 1000000
MaxQueryExecutionTime      = 120
MaxQueryCostEstimationTime = 0
"""

# Run once by isql as dba: a new dba password, and the user the store writes with.
VIRTUOSO_SETUP = """\
USER_SET_PASSWORD ('dba', '{password}');
DB.DBA.USER_CREATE ('{user}', '{password}');
GRANT SPARQL_UPDATE TO "{user}";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{user}', 7);
"""


def _listening(port: int) -> Callable[[], bool]:
    def check() -> bool:
        with socket.socket() as s:
            s.settimeout(1)
            return s.connect_ex(("127.0.0.1", port)) == 0

    return check


@contextmanager
def virtuoso_server(directory: Path, *, buffers: int = 20_000) -> Iterator[VirtuosoServer]:
    """`virtuoso-t +foreground +configfile DIR/virtuoso.ini` on two free loopback ports, its
    database files in DIR; the dba password set and the store's user made with isql; yields once
    /sparql answers. `buffers`: 8 KiB pages of cache (20,000: 160 MiB)."""
    found = virtuoso_binaries()
    if found is None:
        raise RuntimeError(VIRTUOSO_MISSING)
    server, isql = found
    directory.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            dir=directory, sql_port=sql_port, http_port=http_port, buffers=buffers, dirty=buffers * 3 // 4
        )
    )
    log = directory / "virtuoso.out"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [server, "+foreground", "+configfile", str(ini)],
            cwd=directory,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{http_port}"
    try:
        # a new database takes 15-30 s on a loaded machine
        give_up = time.monotonic() + 180

        def tail() -> str:
            return log.read_text(errors="replace")[-2000:]

        def wait(check: Callable[[], bool], what: str) -> None:
            wait_until(check, what, seconds=max(0.0, give_up - time.monotonic()), proc=proc, output=tail)

        wait(_listening(sql_port), f"virtuoso-t listening on its SQL port {sql_port}")
        wait(_listening(http_port), f"virtuoso-t listening on its HTTP port {http_port}")
        password = secrets.token_hex(12)
        setup = directory / "setup.sql"
        setup.write_text(VIRTUOSO_SETUP.format(password=password, user=VIRTUOSO_USER))
        done = subprocess.run(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba", str(setup)],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql could not set Virtuoso up: {done.stdout[-1500:]} {done.stderr[-500:]}")
        wait(answers(url + "/sparql", timeout=5, query="ASK {}"), "Virtuoso answering /sparql")
        r = httpx.get(
            url + "/sparql",
            params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        r.raise_for_status()
        system = frozenset(b["g"]["value"] for b in r.json()["results"]["bindings"])
        yield VirtuosoServer(url=url, sql_port=sql_port, password=password, system_graphs=system)
    finally:
        stop_process(proc, grace=30)  # Virtuoso checkpoints and exits on SIGTERM


def wipe_virtuoso(server: VirtuosoServer) -> None:
    """Drop every graph but Virtuoso's own (its schema graphs must stay, or it stops working)."""
    r = httpx.get(
        server.url + "/sparql",
        params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    r.raise_for_status()
    graphs = [b["g"]["value"] for b in r.json()["results"]["bindings"]]
    ours = [g for g in graphs if g not in server.system_graphs]
    if not ours:
        return
    update = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in ours)
    r = httpx.post(
        server.url + "/sparql-auth",
        content=update.encode(),
        headers={"Content-Type": "application/sparql-update"},
        auth=httpx.DigestAuth(VIRTUOSO_USER, server.password),
        timeout=120,
    )
    r.raise_for_status()
