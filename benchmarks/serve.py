"""Serving benchmark: a generated corpus shaped like the real one, at >= 1 million triples.

    .venv/bin/python benchmarks/serve.py [--triples 1000000] [--requests 200] [--concurrency 16]

1. Generates documents as records (people, organisations, events with evidence quotes and
   offsets into a generated text) and turns each into its named graph with
   ingest.rdf.facts_to_graph, the same mapping the real build uses. People, organisations,
   places and provisions recur across documents, as in real reports.
2. Writes them as one N-Quads file and loads it with `casegraph load`'s code; prints load time
   and store size.
3. Starts `casegraph serve` on a free loopback port and prints latency (p50/p95) and
   sequential throughput for: a person timeline, a name search, an event filter (a few
   filters asked again and again, then varied ones the server has not seen), a linked-data
   page, a simple and an aggregate SPARQL query; then requests/s of the simple SPARQL query
   under concurrent load beside the raw engine on the same store (benchmarks/sparql_rate.py:
   the same query each time, then a new query text each time).

Names are made from syllables, so nothing here comes from the sample corpus.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casegraph.commands.load import load_files  # noqa: E402
from ingest import ids, texts  # noqa: E402
from ingest.model import DocumentRecord, EventRecord, Evidence, Facts, OrganisationRecord, PersonRecord  # noqa: E402
from ingest.rdf import facts_to_graph  # noqa: E402
from ingest.store import connect  # noqa: E402

SYLLABLES = ("ka", "lo", "mi", "ren", "tas", "vel", "dor", "an", "is", "ur", "po", "shi", "ben", "ga", "tor", "el")
EVENT_TYPES = [
    "arrest",
    "charge",
    "pretrial-detention",
    "trial-start",
    "conviction",
    "sentence",
    "appeal-filed",
    "appeal-decision",
    "transfer",
    "release",
    "summons",
    "house-arrest",
]
CODES = ["Criminal Code", "Administrative Offences Code", "Code of Criminal Procedure"]


def name(rng: random.Random, parts: int) -> str:
    return " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() for _ in range(parts))


class Corpus:
    """Pools of recurring entities, and documents drawn from them."""

    def __init__(self, seed: int, people: int, organisations: int) -> None:
        self.rng = random.Random(seed)
        self.people = [name(self.rng, 2) for _ in range(people)]
        self.defenders = self.people[: people * 2 // 3]
        self.officials = self.people[people * 2 // 3 :]
        self.organisations = [
            f"{name(self.rng, 1)} {kind}"
            for kind in ("City Court", "Prosecutor's Office", "Detention Centre", "Foundation")
            for _ in range(organisations // 4)
        ]
        self.places = [name(self.rng, 1) for _ in range(200)]
        self.provisions = [f"{self.rng.choice(CODES)} {self.rng.randint(100, 450)}" for _ in range(60)]

    def document(self, n: int) -> Facts:
        rng = self.rng
        text: list[str] = []
        offset = 0

        def sentence(s: str) -> Evidence:
            nonlocal offset
            start = offset
            text.append(s)
            offset += len(s) + 1
            return Evidence(quote=s, start=start, end=start + len(s), method="rule", rule="benchmark")

        defenders = rng.sample(self.defenders, 4)
        officials = rng.sample(self.officials, 4)
        orgs = rng.sample(self.organisations, 10)
        people = [
            PersonRecord(
                p,
                kind="defender",
                roles=["human rights defender"],
                residence=rng.choice(self.places),
                evidence=[sentence(f"{p} is a human rights defender.")],
            )
            for p in defenders
        ] + [
            PersonRecord(
                p,
                kind="authority",
                roles=["judge"],
                organisation=orgs[0],
                evidence=[sentence(f"{p} is a judge of the {orgs[0]}.")],
            )
            for p in officials
        ]
        organisations = [
            OrganisationRecord(
                o,
                kind="court"
                if "Court" in o
                else "state-body"
                if "Office" in o
                else "detention-facility"
                if "Centre" in o
                else "ngo",
                place=rng.choice(self.places),
                evidence=[sentence(f"The {o} was named.")],
            )
            for o in orgs
        ]
        year = rng.randint(2010, 2024)
        events = []
        for i in range(14):
            kind = EVENT_TYPES[i % len(EVENT_TYPES)]
            who = rng.sample(defenders, rng.randint(1, 2))
            date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            quote = sentence(f"On {date} {' and '.join(who)} faced a {kind.replace('-', ' ')} (event {i}).")
            events.append(
                EventRecord(
                    type=kind,
                    people=who,
                    date=date,
                    place=rng.choice(self.places),
                    authority=orgs[0] if kind not in ("transfer",) else None,
                    judge=officials[0] if kind in ("conviction", "sentence", "appeal-decision") else None,
                    provisions=[rng.choice(self.provisions)] if kind == "charge" else [],
                    from_=orgs[2] if kind == "transfer" else None,
                    to=orgs[3] if kind == "transfer" else None,
                    outcome="upheld" if kind == "appeal-decision" else None,
                    penalty="five years in prison" if kind == "sentence" else None,
                    evidence=[quote],
                )
            )
        file = f"bench_{n:06d}.txt"
        doc = DocumentRecord(
            file=file,
            publishers=[orgs[-1]],
            published=f"{year}-12-01",
            reference=f"BN {n}",
            title=f"Report {n}",
            text="\n".join(text),
            content_hash=ids.content_hash("\n".join(text).encode()),
        )
        return Facts(document=doc, people=people, organisations=organisations, events=events)


def to_ox(term: Any) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(term)


def generate(path: Path, target: int, seed: int) -> tuple[int, int]:
    """Write documents as N-Quads to `path` until `target` quads; return (documents, quads)."""
    corpus = Corpus(seed, people=max(200, target // 400), organisations=max(40, target // 2500))
    total = docs = 0
    with path.open("wb") as out:
        while total < target:
            # as a build stores it: the document's graph and its text graph (ingest.texts)
            for graph in texts.split(facts_to_graph(corpus.document(docs))):
                g = ox.NamedNode(str(graph.identifier))
                quads = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in graph]
                ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)
                total += len(quads)
            docs += 1
    return docs, total


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(client: httpx.Client, url: str, **kwargs: Any) -> Any:
    r = client.get(url, **kwargs)
    if r.status_code != 200:
        raise SystemExit(f"{url} answered {r.status_code}: {r.text[:300]}")
    return r.json()


def measure(
    label: str, client: httpx.Client, make: Callable[[int], tuple[str, dict[str, Any]]], n: int, budget: float
) -> None:
    """n requests one after another, or as many as fit in `budget` seconds (at least 5)."""
    times: list[float] = []
    give_up = time.perf_counter() + budget
    for i in range(n):
        if len(times) >= 5 and time.perf_counter() > give_up:
            break
        url, kwargs = make(i)
        t = time.perf_counter()
        r = client.get(url, **kwargs)
        times.append((time.perf_counter() - t) * 1000)
        if r.status_code != 200:
            raise SystemExit(f"{label}: {url} answered {r.status_code}: {r.text[:200]}")
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(
        f"{label:<36} p50 {statistics.median(times):8.1f} ms   p95 {p95:8.1f} ms   "
        f"{1000 * len(times) / sum(times):7.1f} req/s sequential  (n={len(times)})",
        flush=True,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=200, help="requests per measured endpoint")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=10, help="duration of the concurrent load")
    ap.add_argument("--workers", type=int, default=None, help="SPARQL worker processes of the server")
    ap.add_argument("--workdir", type=Path, help="keep the corpus and store here (default: a temp dir, removed)")
    ap.add_argument("--budget", type=float, default=60, help="seconds at most per measured endpoint")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--reuse", action="store_true", help="reuse the corpus already in --workdir")
    a = ap.parse_args()
    # a plain `kill` must still stop the server this script started (the finally blocks below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = a.workdir or Path(tempfile.mkdtemp(prefix="casegraph-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    nq, store_path = work / "corpus.nq", work / "store"
    print(f"# CaseGraph serving benchmark, {a.triples:,} triples target, work dir {work}", flush=True)
    try:
        t = time.perf_counter()
        if a.reuse and nq.exists():
            docs, quads = -1, a.triples
        else:
            docs, quads = generate(nq, a.triples, a.seed)
        print(
            f"generated {docs:,} documents, {quads:,} quads in {time.perf_counter() - t:.1f} s "
            f"({nq.stat().st_size / 1e6:.0f} MB N-Quads)",
            flush=True,
        )
        if store_path.exists():
            shutil.rmtree(store_path)
        t = time.perf_counter()
        store = connect(store_path)
        problems = load_files(store, [nq])
        loaded = len(store)
        store.close()
        if problems:
            raise SystemExit("; ".join(problems))
        seconds = time.perf_counter() - t
        print(
            f"load: {loaded:,} quads in {seconds:.1f} s ({loaded / seconds:,.0f} quads/s); "
            f"store size {du(store_path) / 1e6:.0f} MB",
            flush=True,
        )
        serve(store_path, a)
        if shutil.which("wrk"):
            from sparql_rate import compare

            for fresh in (False, True):
                compare(store_path, connections=a.concurrency, seconds=a.seconds, workers=a.workers, fresh=fresh)
        else:
            print("concurrent load: wrk is not installed (apt-get install wrk), not measured", flush=True)
    finally:
        if not a.workdir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def serve(store_path: Path, a: argparse.Namespace) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable,
        "-m",
        "casegraph",
        "serve",
        "--store",
        str(store_path),
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--row-cap",
        "10000",
    ]
    if a.workers:
        cmd += ["--workers", str(a.workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=os.environ.copy())
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            t = time.perf_counter()
            while True:
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
                if proc.poll() is not None:
                    raise SystemExit("casegraph serve exited")
            print(f"server ready in {time.perf_counter() - t:.1f} s", flush=True)
            run_measurements(client, base, a)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def varied_filter(rng: random.Random) -> dict[str, str]:
    year = rng.randint(2010, 2024)
    first, span = rng.randint(1, 12), rng.randint(0, 11)
    last_year, last = year + (first + span - 1) // 12, (first + span - 1) % 12 + 1
    return {"type": rng.choice(EVENT_TYPES), "from": f"{year}-{first:02d}", "to": f"{last_year}-{last:02d}"}


def run_measurements(client: httpx.Client, base: str, a: argparse.Namespace) -> None:
    json_results = {"Accept": "application/sparql-results+json"}
    rows = get_json(
        client,
        "/sparql",
        headers=json_results,
        params={"query": ("SELECT ?p WHERE { ?p a <https://w3id.org/casegraph/ontology#Person> } LIMIT 500")},
    )
    people = [b["p"]["value"] for b in rows["results"]["bindings"]]
    rng = random.Random(1)
    ids_ = [p.split("/id/person/", 1)[1] for p in people]
    labels = get_json(
        client,
        "/sparql",
        headers=json_results,
        params={
            "query": (
                "SELECT ?l WHERE { ?p a <https://w3id.org/casegraph/ontology#Person> ; "
                "<http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 200"
            )
        },
    )
    names = [b["l"]["value"] for b in labels["results"]["bindings"]] or ["ka"]
    n = a.requests
    simple = (
        "SELECT ?s ?name WHERE { ?s a <https://w3id.org/casegraph/ontology#Person> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?name } LIMIT 10"
    )
    aggregate = "SELECT ?type (COUNT(?e) AS ?n) WHERE { GRAPH ?g { ?e a ?type } } GROUP BY ?type ORDER BY DESC(?n)"
    print(f"(sampled {len(ids_)} people)", flush=True)
    measure(
        "person timeline /api/.../timeline",
        client,
        lambda i: (f"/api/persons/{rng.choice(ids_)}/timeline", {}),
        n,
        a.budget,
    )
    measure(
        "name search /api/persons?q=",
        client,
        lambda i: ("/api/persons", {"params": {"q": rng.choice(names).split()[-1][:-1]}}),
        n,
        a.budget,
    )
    measure(
        "event filter /api/events?type=",
        client,
        lambda i: ("/api/events", {"params": {"type": rng.choice(EVENT_TYPES), "from": "2015", "to": "2018"}}),
        n,
        a.budget,
    )
    # The server keeps the matching list of recent filters: vary the month range so most
    # requests run their queries (nine types x some two thousand windows).
    measure(
        "event filter, varied /api/events?type=&from=&to=",
        client,
        lambda i: ("/api/events", {"params": varied_filter(rng)}),
        n,
        a.budget,
    )
    measure(
        "linked data /id/person/... (Turtle)",
        client,
        lambda i: (f"/id/person/{rng.choice(ids_)}", {"headers": {"Accept": "text/turtle"}}),
        n,
        a.budget,
    )
    measure(
        "linked data /id/person/... (HTML)",
        client,
        lambda i: (f"/id/person/{rng.choice(ids_)}", {"headers": {"Accept": "text/html"}}),
        n,
        a.budget,
    )
    measure(
        "SPARQL simple (LIMIT 10)",
        client,
        lambda i: ("/sparql", {"params": {"query": simple + f" OFFSET {i % 50}"}, "headers": json_results}),
        n,
        a.budget,
    )
    measure(
        "SPARQL aggregate (GROUP BY type)",
        client,
        lambda i: ("/sparql", {"params": {"query": aggregate}, "headers": json_results}),
        max(10, n // 10),
        a.budget,
    )
    # Requests/s under concurrent load: benchmarks/sparql_rate.py, after this server has
    # stopped (main), beside the raw engine on the same store, one client per connection.


if __name__ == "__main__":
    sys.exit(main())
