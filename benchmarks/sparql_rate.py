"""Simple SPARQL through the full safe stack, beside the raw engine, in one run.

    .venv/bin/python benchmarks/sparql_rate.py --store DIR [--connections 16] [--seconds 10]
        [--rounds 2] [--query TEXT] [--fresh]

Starts, on the same store and the same machine, `oxigraph serve-read-only` (the engine's own
server: the ceiling) and `casegraph serve` (every middleware, the query guard, the worker pool
behind the network barrier, the row and byte caps), then loads each in turn with wrk (a load
generator in C, so the client takes little of the CPU the servers need) and prints requests/s,
latency and non-200 answers side by side, with the ratio of the stack to the raw server. Each
server is measured `--rounds` times, alternating, and the best round of each is compared (the
machine may be shared: alternating keeps a busy moment from falling on one side only).

By default every request sends the same query, as a client polling an endpoint does (casegraph
serve answers a repeatable query again from memory: api.routers.sparql.answer_key). With
--fresh, each request's text is new (a comment with a counter), so every one is checked,
parsed and evaluated by a worker: the cost of a query never seen before.

Each of wrk's connections speaks for a client of its own (X-Forwarded-For from a trusted
proxy, 127.0.0.1: as behind a reverse proxy), so the per-client limits act as they would on the
internet: every client's share of the query workers holds. The per-client request rate
(CASEGRAPH_RATE_LIMIT, 50/s by default) is raised for the run, or it alone would cap the figure
at connections x 50/s; the limiter still runs on every request. Everything else is the default
a public deployment runs with.

Needs `wrk` (Debian: apt-get install wrk) and the `oxigraph` binary (the PyPI package
`oxigraph`, a test dependency).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from serve import free_port  # noqa: E402

SIMPLE = (
    "SELECT ?s ?name WHERE { ?s a <https://w3id.org/casegraph/ontology#Person> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?name } LIMIT 10"
)
ACCEPT = "application/sparql-results+json"

# One connection per wrk thread, each thread its own client address (wrk keeps a Lua state
# per thread): set in setup(), sent on every request of that thread's connection.
WRK_SCRIPT = """
local n = 0
function setup(thread)
  n = n + 1
  thread:set("client", "10.77." .. math.floor(n / 250) .. "." .. (n % 250 + 1))
end
function init(args)
  req = wrk.format("GET", wrk.path, {["Accept"] = "@ACCEPT@", ["X-Forwarded-For"] = client})
end
function request()
  return req
end
"""
# The same, but every request's query text is new (a comment with a counter at its end), so no
# answer or parse kept from an earlier request can serve it: the cost of a query never seen.
WRK_FRESH = """
local n = 0
function setup(thread)
  n = n + 1
  thread:set("client", "10.77." .. math.floor(n / 250) .. "." .. (n % 250 + 1))
  thread:set("id", n)
end
function init(args)
  count = 0
end
function request()
  count = count + 1
  local path = wrk.path .. "%0A%23" .. id .. "-" .. count
  return wrk.format("GET", path, {["Accept"] = "@ACCEPT@", ["X-Forwarded-For"] = client})
end
"""


def wait_until_up(url: str, proc: subprocess.Popen[bytes], seconds: float = 180) -> None:
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        if proc.poll() is not None:
            raise SystemExit(f"{url}: the server exited")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds:g} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def start_raw(store: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    port = free_port()
    proc = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(f"{base}/query?" + urlencode({"query": "ASK {}"}), proc)
    return proc, f"{base}/query"


def start_stack(store: Path, workers: int | None) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "CASEGRAPH_TRUSTED_PROXIES": "127.0.0.1",
        "CASEGRAPH_RATE_LIMIT": "1000000",
        "CASEGRAPH_RATE_BURST": "1000000",
    }
    cmd = [sys.executable, "-m", "casegraph", "serve", "--store", str(store), "--port", str(port)]
    cmd += ["--log-level", "warning", *(["--workers", str(workers)] if workers else [])]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(f"{base}/health", proc)
    # the first query waits for the workers to start; the figures must not
    for _ in range(3):
        httpx.get(f"{base}/sparql", params={"query": SIMPLE}, headers={"Accept": ACCEPT}, timeout=120)
    return proc, f"{base}/sparql"


def wrk(url: str, query: str, connections: int, seconds: float, script: Path) -> dict[str, float]:
    target = url + "?" + urlencode({"query": query})
    out = subprocess.run(
        ["wrk", f"-t{connections}", f"-c{connections}", f"-d{seconds:g}s", "--latency", "-s", str(script), target],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rate": float(rate.group(1)) if rate else float("nan"),
        "p50": ms("50%"),
        "p99": ms("99%"),
        "non200": float(bad.group(1)) if bad else 0.0,
        "socket_errors": float(sum(int(g) for g in errors.groups())) if errors else 0.0,
    }


def compare(
    store: Path,
    *,
    connections: int = 16,
    seconds: float = 10,
    rounds: int = 2,
    workers: int | None = None,
    query: str = SIMPLE,
    fresh: bool = False,
) -> None:
    """Measure both servers on `store` and print the table (benchmarks/serve.py calls this)."""
    with tempfile.TemporaryDirectory(prefix="casegraph-rate-") as tmp:
        script = Path(tmp) / "clients.lua"
        script.write_text((WRK_FRESH if fresh else WRK_SCRIPT).replace("@ACCEPT@", ACCEPT), encoding="utf-8")
        raw, raw_url = start_raw(store)
        try:
            stack, stack_url = start_stack(store, workers)
            try:
                results: dict[str, list[dict[str, float]]] = {"raw": [], "stack": []}
                for _ in range(rounds):
                    results["raw"].append(wrk(raw_url, query, connections, seconds, script))
                    results["stack"].append(wrk(stack_url, query, connections, seconds, script))
            finally:
                stop(stack)
        finally:
            stop(raw)
    best = {side: max(runs, key=lambda r: r["rate"]) for side, runs in results.items()}
    print(f"\n## simple SPARQL, {connections} connections (one client each), {seconds:g} s x {rounds} rounds")
    print(f"query: {query}" + ("  (+ a comment with a counter: every text new)" if fresh else "") + "\n")
    print("| server | req/s (best) | all rounds | p50 ms | p99 ms | non-200 | socket errors |")
    print("|---|---|---|---|---|---|---|")
    for side, label in (("raw", "oxigraph serve-read-only (raw engine)"), ("stack", "casegraph serve (full stack)")):
        b = best[side]
        all_rounds = ", ".join(f"{r['rate']:,.0f}" for r in results[side])
        print(
            f"| {label} | {b['rate']:,.0f} | {all_rounds} | {b['p50']:.2f} | {b['p99']:.2f} | "
            f"{b['non200']:.0f} | {b['socket_errors']:.0f} |"
        )
    print(f"\nratio stack / raw: {best['stack']['rate'] / best['raw']['rate']:.3f}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=Path, required=True, help="a store directory (benchmarks/serve.py --workdir)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=2, help="measurements of each server, alternating")
    ap.add_argument("--workers", type=int, help="SPARQL workers of casegraph serve (default: its own)")
    ap.add_argument("--query", default=SIMPLE)
    ap.add_argument("--fresh", action="store_true", help="a new query text for every request (nothing kept)")
    a = ap.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk): nothing measured", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    compare(
        a.store,
        connections=a.connections,
        seconds=a.seconds,
        rounds=a.rounds,
        workers=a.workers,
        query=a.query,
        fresh=a.fresh,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
