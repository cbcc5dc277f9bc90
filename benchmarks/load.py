"""Mixed-load benchmark: many clients over the endpoints people use, with and without one client
flooding the SPARQL endpoint with heavy queries.

    .venv/bin/python benchmarks/load.py [--triples 1000000] [--clients 16] [--seconds 60]
        [--workdir DIR [--reuse]] [--flood 20] [--phases mixed,flood]

1. Builds a store of generated documents (benchmarks/serve.py's corpus: people, organisations
   and events with quotes, recurring across documents), or reuses the one in --workdir.
2. Starts `casegraph serve` on a free loopback port with the default settings (the limits a
   public deployment would run with), and prints the server's memory (the server process and
   its query workers, RSS) at start and after each phase.
3. Phase "mixed": --clients clients for --seconds seconds, each a closed loop (the next request
   when the previous answer has arrived) over a mix of endpoints: a person's timeline, a name
   search, an event filter, a simple SPARQL query, a person's linked-data page in HTML and in
   Turtle. Prints requests/s, p50/p95/p99 per endpoint and errors (any answer but 200, and
   any connection failure, counts as an error).
4. Phase "flood": the same clients again while one more client keeps --flood heavy SPARQL
   queries in flight (each would run until the query deadline); prints the other clients'
   p95 beside their figure from the mixed phase, and what the flooding client got (200,
   429 for its excess, 503 at the deadline).

Every client talks from its own loopback address (127.0.0.10, .11, ...; the flooder from
127.0.0.250), so the server sees them as the different clients they are, as it would on the
internet. The client is a small HTTP/1.1 keep-alive client on asyncio streams in a process of
its own, cheap enough that it takes little of the CPU the server needs (both share the
machine). Only loopback addresses are ever contacted; every loop stops at its deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import serve as corpus  # noqa: E402  (benchmarks/serve.py: the generated corpus)

CG = "https://w3id.org/casegraph/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SPARQL_JSON = {"Accept": "application/sparql-results+json"}
SIMPLE = f"SELECT ?s ?name WHERE {{ ?s a <{CG}Person> ; <{RDFS_LABEL}> ?name }} LIMIT 10"
# A join over every statement: runs until the query deadline on any store of real size.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?b ?q ?c . ?c ?r ?d }"
FLOOD_ADDRESS = "127.0.0.250"
MAX_REQUESTS_PER_CLIENT = 1_000_000  # a bound on every loop, besides its deadline


# --- a small HTTP/1.1 client -------------------------------------------------------------------


class Connection:
    """One keep-alive connection from a chosen local address."""

    def __init__(self, host: str, port: int, local: str) -> None:
        self.host, self.port, self.local = host, port, local
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, local_addr=(self.local, 0))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def get(self, target: str, headers: dict[str, str]) -> int:
        """GET `target`; the status (the body is read and dropped)."""
        if self.writer is None:
            await self._open()
        assert self.reader is not None and self.writer is not None
        lines = [f"GET {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed by the server")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value:
                chunked = True
            elif name == b"connection" and value == b"close":
                close = True
        if chunked:
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length:
            await self.reader.readexactly(length)
        if close:
            self.close()
        return status


# --- what the clients ask for -----------------------------------------------------------------


Request = tuple[str, str, dict[str, str]]  # (endpoint label, target, headers)


def mix(people: list[str], names: list[str], rng: random.Random) -> Callable[[], Request]:
    """The mixed workload: one request drawn from six kinds, in equal shares."""

    def timeline() -> Request:
        return "timeline", f"/api/persons/{rng.choice(people)}/timeline", {}

    def search() -> Request:
        return "search", "/api/persons?" + urlencode({"q": rng.choice(names).split()[-1][:-1]}), {}

    def events() -> Request:
        return "events", "/api/events?" + urlencode(corpus.varied_filter(rng)), {}

    def sparql() -> Request:
        query = SIMPLE + f" OFFSET {rng.randrange(200)}"
        return "sparql", "/sparql?" + urlencode({"query": query}), SPARQL_JSON

    def ld_html() -> Request:
        return "linked data HTML", f"/id/person/{rng.choice(people)}", {"Accept": "text/html"}

    def ld_turtle() -> Request:
        return "linked data Turtle", f"/id/person/{rng.choice(people)}", {"Accept": "text/turtle"}

    kinds = [timeline, search, events, sparql, ld_html, ld_turtle]
    return lambda: rng.choice(kinds)()


def heavy() -> Request:
    return "heavy sparql", "/sparql?" + urlencode({"query": HEAVY}), SPARQL_JSON


# --- running clients --------------------------------------------------------------------------


Samples = dict[str, list[float]]  # endpoint -> latencies in ms (of answers with status 200)


async def closed_loop(
    port: int, local: str, next_request: Callable[[], Request], stop: float, tally: dict[str, Any]
) -> None:
    """One client: requests one after another until `stop`."""
    conn = Connection("127.0.0.1", port, local)
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= stop:
            break
        label, target, headers = next_request()
        t = time.perf_counter()
        try:
            status = await conn.get(target, headers)
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
            conn.close()
            tally["errors"][label][type(exc).__name__] += 1
            await asyncio.sleep(0.05)
            continue
        ms = (time.perf_counter() - t) * 1000
        tally["statuses"][label][status] += 1
        if status == 200:
            tally["samples"][label].append(ms)
        else:
            tally["errors"][label][str(status)] += 1
    conn.close()


def new_tally() -> dict[str, Any]:
    return {
        "samples": defaultdict(list),
        "statuses": defaultdict(lambda: defaultdict(int)),
        "errors": defaultdict(lambda: defaultdict(int)),
    }


def plain(tally: dict[str, Any]) -> dict[str, Any]:
    return {
        k: {label: dict(v) if isinstance(v, defaultdict) else v for label, v in d.items()} for k, d in tally.items()
    }


def client_process(args: tuple[int, int, float, list[str], list[str], int, int, int]) -> dict[str, Any]:
    """Run in a child process: `clients` mixed clients (and `flood` heavy queries in flight
    from the flooding address) for `seconds`; return the tallies."""
    port, clients, seconds, people, names, flood, seed, first_address = args

    async def main() -> dict[str, Any]:
        stop = time.monotonic() + seconds
        others, flooder = new_tally(), new_tally()
        tasks = [
            closed_loop(port, f"127.0.0.{first_address + i}", mix(people, names, random.Random(seed + i)), stop, others)
            for i in range(clients)
        ]
        tasks += [closed_loop(port, FLOOD_ADDRESS, heavy, stop, flooder) for _ in range(flood)]
        await asyncio.gather(*tasks)
        return {"others": plain(others), "flooder": plain(flooder)}

    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    return asyncio.run(main())


def run_phase(
    port: int, clients: int, seconds: float, people: list[str], names: list[str], flood: int
) -> dict[str, Any]:
    """The clients in two processes (so the client side never limits the rate on 2 cores),
    each taking half of them; their tallies merged."""
    halves = [clients - clients // 2, clients // 2]
    jobs = []
    first = 10
    for i, n in enumerate(halves):
        jobs.append((port, n, seconds, people, names, flood if i == 0 else 0, 1000 * i, first))
        first += n
    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        parts = pool.map(client_process, jobs)
    merged: dict[str, Any] = {"others": new_tally(), "flooder": new_tally()}
    for part in parts:
        for who in ("others", "flooder"):
            for label, values in part[who]["samples"].items():
                merged[who]["samples"][label].extend(values)
            for kind in ("statuses", "errors"):
                for label, counts in part[who][kind].items():
                    for key, n in counts.items():
                        merged[who][kind][label][key] += n
    return merged


# --- figures ----------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def print_table(title: str, tally: dict[str, Any], seconds: float, baseline: dict[str, float] | None = None) -> None:
    samples: Samples = tally["samples"]
    errors = tally["errors"]
    labels = sorted(set(samples) | set(errors))
    total_ok = sum(len(v) for v in samples.values())
    total_err = sum(sum(v.values()) for v in errors.values())
    everything = [ms for v in samples.values() for ms in v]
    print(f"\n## {title}", flush=True)
    head = "| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors |"
    if baseline:
        head += " unloaded p95 ms | ratio |"
    print(head)
    print("|---" * (head.count("|") - 1) + "|")

    def row(label: str, values: list[float], errs: int, err_text: str) -> None:
        line = (
            f"| {label} | {len(values) + errs} | {(len(values) + errs) / seconds:.1f} | {pct(values, 0.5):.1f} | "
            f"{pct(values, 0.95):.1f} | {pct(values, 0.99):.1f} | {errs}{err_text} |"
        )
        if baseline:
            base = baseline.get(label, float("nan"))
            line += f" {base:.1f} | {pct(values, 0.95) / base:.2f} |"
        print(line)

    for label in labels:
        errs = errors.get(label, {})
        detail = ", ".join(f"{k}: {n}" for k, n in sorted(errs.items()))
        row(label, samples.get(label, []), sum(errs.values()), f" ({detail})" if detail else "")
    row("**all**", everything, total_err, "")
    print(
        f"\n{total_ok + total_err} requests in {seconds:g} s: {(total_ok + total_err) / seconds:.1f} req/s, "
        f"{total_err} errors",
        flush=True,
    )


def p95s(tally: dict[str, Any]) -> dict[str, float]:
    out = {label: pct(v, 0.95) for label, v in tally["samples"].items()}
    out["**all**"] = pct([ms for v in tally["samples"].values() for ms in v], 0.95)
    return out


# --- the server -------------------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` and all its descendants (the query workers), in MB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, StopIteration):
            continue
    return total / 1024


def start_server(store: Path, extra: list[str]) -> tuple[subprocess.Popen[bytes], int]:
    import httpx

    port = corpus.free_port()
    cmd = [sys.executable, "-m", "casegraph", "serve", "--store", str(store), "--port", str(port)]
    proc = subprocess.Popen([*cmd, "--log-level", "warning", *extra], cwd=ROOT)
    give_up = time.monotonic() + 120
    while time.monotonic() < give_up:
        if proc.poll() is not None:
            raise SystemExit("casegraph serve exited")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                return proc, port
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("casegraph serve did not answer /health within 120 s")


def sample_people(port: int) -> tuple[list[str], list[str]]:
    import httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60, headers=SPARQL_JSON) as client:
        q = f"SELECT DISTINCT ?p ?l WHERE {{ ?p a <{CG}Person> ; <{RDFS_LABEL}> ?l }} LIMIT 500"
        rows = client.get("/sparql", params={"query": q}).json()["results"]["bindings"]
    people = sorted({b["p"]["value"].split("/id/person/", 1)[1] for b in rows})
    names = sorted({b["l"]["value"] for b in rows}) or ["ka"]
    return people, names


def prepare_store(a: argparse.Namespace, work: Path) -> Path:
    nq, store_path = work / "corpus.nq", work / "store"
    if a.reuse and store_path.exists():
        print(f"reusing the store in {store_path}", flush=True)
        return store_path
    from casegraph.commands.load import load_files
    from ingest.store import connect

    t = time.perf_counter()
    docs, quads = corpus.generate(nq, a.triples, a.seed)
    print(f"generated {docs:,} documents, {quads:,} quads in {time.perf_counter() - t:.1f} s", flush=True)
    if store_path.exists():
        shutil.rmtree(store_path)
    store = connect(store_path)
    problems = load_files(store, [nq])
    store.close()
    if problems:
        raise SystemExit("; ".join(problems))
    print(f"loaded in {time.perf_counter() - t:.1f} s", flush=True)
    return store_path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", type=int, default=1_000_000, help="size of the generated store")
    ap.add_argument("--clients", type=int, default=16, help="clients of the mixed load")
    ap.add_argument("--seconds", type=float, default=60, help="length of each phase")
    ap.add_argument("--flood", type=int, default=20, help="heavy queries the flooding client keeps in flight")
    ap.add_argument("--phases", default="mixed,flood", help="which phases to run, in order (mixed, flood)")
    ap.add_argument("--warmup", type=float, default=5, help="seconds of load before the first phase, not counted")
    ap.add_argument("--workdir", type=Path, help="keep the corpus and store here (default: a temp dir, removed)")
    ap.add_argument("--reuse", action="store_true", help="reuse the store already in --workdir")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--serve-arg", action="append", default=[], help="extra argument for casegraph serve")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = a.workdir or Path(tempfile.mkdtemp(prefix="casegraph-load-"))
    work.mkdir(parents=True, exist_ok=True)
    phases = [p.strip() for p in a.phases.split(",") if p.strip()]
    print(f"# CaseGraph mixed load: {a.clients} clients, {a.seconds:g} s per phase, {os.cpu_count()} CPUs", flush=True)
    try:
        store = prepare_store(a, work)
        proc, port = start_server(store, a.serve_arg)
        try:
            people, names = sample_people(port)
            print(f"server pid {proc.pid}, port {port}; {len(people)} people sampled", flush=True)
            if a.warmup:
                run_phase(port, a.clients, a.warmup, people, names, 0)
            print(f"memory at start: {rss_mb(proc.pid):.0f} MB (server and query workers, RSS)", flush=True)
            unloaded: dict[str, float] | None = None
            for phase in phases:
                flood = a.flood if phase == "flood" else 0
                result = run_phase(port, a.clients, a.seconds, people, names, flood)
                if phase == "mixed":
                    print_table(f"mixed load, {a.clients} clients", result["others"], a.seconds)
                    unloaded = p95s(result["others"])
                else:
                    print_table(
                        f"the same {a.clients} clients while one more keeps {flood} heavy SPARQL queries in flight",
                        result["others"],
                        a.seconds,
                        unloaded,
                    )
                    statuses = result["flooder"]["statuses"].get("heavy sparql", {})
                    errors = result["flooder"]["errors"].get("heavy sparql", {})
                    print(
                        "flooding client got: "
                        + ", ".join(f"{k}: {n}" for k, n in sorted(statuses.items(), key=lambda kv: str(kv[0])))
                        + (f"; failures {dict(errors)}" if any(not k.isdigit() for k in errors) else ""),
                        flush=True,
                    )
                print(f"memory after {phase}: {rss_mb(proc.pid):.0f} MB", flush=True)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    finally:
        if not a.workdir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
