"""Per-client fairness (issue 15, item 4): a request rate per client on every route (429 with
Retry-After), a per-client share of the SPARQL workers with free workers handed out in turn,
and clients told apart by address (through trusted proxies only) or by a pluggable key."""

from __future__ import annotations

import asyncio
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.clients import ClientRequest
from api.limits import TokenBuckets
from api.settings import Settings
from ingest.store.fairness import ClientBusy, FairGate
from tests.serving import PROTOCOL_DATA, SLOW_QUERY, load_store, running_server

JSON = {"Accept": "application/sparql-results+json"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_the_burst_then_the_rate() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate=2, burst=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a") == pytest.approx(0.5)  # one token every half second
    assert buckets.take("b") == 0, "another client has its own bucket"
    clock.now += 0.5
    assert buckets.take("a") == 0
    assert buckets.take("a") > 0
    clock.now += 100
    assert [buckets.take("a") for _ in range(4)][:3] == [0, 0, 0], "saved up to the burst, not more"


def test_token_buckets_stay_bounded() -> None:
    buckets = TokenBuckets(rate=1, burst=1, max_clients=10, clock=Clock())
    for i in range(1000):
        buckets.take(f"client-{i}")
    assert len(buckets.buckets) == 10


def test_gate_keeps_each_client_to_its_share_and_serves_waiting_clients_in_turn() -> None:
    async def scenario() -> list[str]:
        gate = FairGate(slots=2, per_client=1, waiting=3)
        order: list[str] = []
        await gate.acquire("flood", 1)
        # the flooder's next queries wait (its share is one running), however many workers are free
        waiting = [asyncio.create_task(gate.acquire("flood", 5)) for _ in range(3)]
        await asyncio.sleep(0)
        assert gate.free == 1 and gate.queued("flood") == 3
        with pytest.raises(ClientBusy):
            await gate.acquire("flood", 5)  # past running + waiting: refused at once
        # another client takes the free worker at once
        await asyncio.wait_for(gate.acquire("other", 5), 0.5)
        order.append("other")
        # a third client queues behind the flooder's first waiting query, not behind all three
        third = asyncio.create_task(gate.acquire("third", 5))
        await asyncio.sleep(0)
        gate.release("other")  # -> the flooder may not take it (it has one running): third gets it
        await asyncio.wait_for(third, 0.5)
        order.append("third")
        gate.release("flood")  # -> the flooder's next
        await asyncio.wait_for(asyncio.shield(waiting[0]), 0.5)
        order.append("flood")
        assert not waiting[1].done()
        for task in waiting[1:]:
            task.cancel()
        await asyncio.gather(*waiting[1:], return_exceptions=True)
        assert gate.queued("flood") == 0
        return order

    assert asyncio.run(scenario()) == ["other", "third", "flood"]


def test_gate_wait_times_out_and_forgets_the_waiter() -> None:
    async def scenario() -> None:
        gate = FairGate(slots=1, per_client=1, waiting=2)
        await gate.acquire("a", 1)
        with pytest.raises(TimeoutError):
            await gate.acquire("b", 0.05)
        assert gate.queued("b") == 0
        gate.release("a")
        assert gate.free == 1

    asyncio.run(scenario())


def test_429_with_retry_after_on_every_route(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "none", rate_limit=0.01, rate_burst=3)
    app = create_app(settings, client_key=lambda r: r.header("x-test-client") or r.address)
    with TestClient(app) as c:
        for path in ("/health", "/static/style.css", "/api/examples"):
            assert c.get(path).status_code != 429
        for path in ("/health", "/sparql", "/id/person/x", "/static/style.css", "/nowhere"):
            r = c.get(path)
            assert r.status_code == 429, path
            assert int(r.headers["retry-after"]) >= 1
            assert "too many requests" in r.text
        assert c.get("/api/examples", headers={"X-Test-Client": "someone else"}).status_code == 200


def test_no_rate_limit_when_turned_off(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(store=tmp_path / "none", rate_limit=0))) as c:
        assert all(c.get("/api/examples").status_code == 200 for _ in range(300))


def test_an_unknown_client_key_is_named() -> None:
    with pytest.raises(ValueError, match="'partner-token' is not a known client key"):
        create_app(Settings(client_key="partner-token"))


def test_a_pluggable_key_sees_the_bearer_token() -> None:
    r = ClientRequest("198.51.100.3", ((b"authorization", b"Bearer abc123"),))
    assert r.bearer_token() == "abc123"
    assert ClientRequest("198.51.100.3", ()).bearer_token() is None


def client_at(address: str, **kw: object) -> httpx.Client:
    """An HTTP client talking from its own loopback address: a different client to the server."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60, **kw)  # type: ignore[arg-type]


@pytest.mark.slow
def test_one_client_flooding_heavy_queries_cannot_starve_another(tmp_path: Path) -> None:
    store = load_store(tmp_path / "store", PROTOCOL_DATA)
    with (
        running_server(store, "--workers", "2", "--query-timeout", "8") as base,
        client_at("127.0.0.2") as flooder,
        client_at("127.0.0.3") as other,
        ThreadPoolExecutor(20) as pool,
    ):
        flood = [
            pool.submit(flooder.get, f"{base}/sparql", params={"query": SLOW_QUERY}, headers=JSON) for _ in range(20)
        ]
        # the flooder's share: one running, four waiting; the other fifteen are refused at once
        give_up = time.monotonic() + 6
        while sum(f.done() for f in flood) < 15 and time.monotonic() < give_up:
            time.sleep(0.05)
        refused = [f.result() for f in flood if f.done()]
        assert len(refused) == 15 and all(r.status_code == 429 for r in refused)
        assert all(int(r.headers["retry-after"]) >= 1 for r in refused)
        health = httpx.get(f"{base}/health").json()["query_workers"]
        while health["busy"] < 1 and time.monotonic() < give_up + 20:  # the pool starts on the first query
            time.sleep(0.05)
            health = httpx.get(f"{base}/health").json()["query_workers"]
        assert health["busy"] == 1 and health["waiting"] == 4
        # another client is answered while the flooder's queries still run
        ask = other.get(f"{base}/sparql", params={"query": "ASK {}"}, headers=JSON)
        assert ask.status_code == 200 and ask.json()["boolean"] is True
        assert sum(not f.done() for f in flood) == 5, "the other client was answered only after the flood"
        statuses = sorted(f.result().status_code for f in flood)
    assert statuses.count(429) == 15
    assert set(statuses) <= {429, 503}  # the heavy ones end at the deadline


@pytest.mark.slow
def test_a_client_sending_thousands_of_requests_is_limited(tmp_path: Path) -> None:
    store = load_store(tmp_path / "store", PROTOCOL_DATA)
    rate, burst = 50, 200  # the defaults
    with running_server(store) as base, client_at("127.0.0.4") as c:
        started = time.monotonic()
        statuses = [c.get(f"{base}/health").status_code for _ in range(2000)]
        elapsed = time.monotonic() - started
    ok = statuses.count(200)
    assert statuses.count(429) + ok == 2000
    assert ok <= burst + rate * elapsed + 1, (ok, elapsed)
    assert statuses.count(429) > 0


def test_forwarded_for_from_a_trusted_proxy_names_the_client(tmp_path: Path) -> None:
    env = {"CASEGRAPH_TRUSTED_PROXIES": "127.0.0.7", "CASEGRAPH_RATE_LIMIT": "0.01", "CASEGRAPH_RATE_BURST": "1"}
    store = load_store(tmp_path / "store", PROTOCOL_DATA)
    with running_server(store, env=env) as base, client_at("127.0.0.7") as proxy, client_at("127.0.0.8") as direct:
        # through the proxy: each forwarded address is its own client
        assert proxy.get(f"{base}/health", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 200
        assert proxy.get(f"{base}/health", headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 200
        assert proxy.get(f"{base}/health", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429
        # a client that is not a proxy cannot pose as another by writing the header itself
        assert direct.get(f"{base}/health", headers={"X-Forwarded-For": "198.51.100.3"}).status_code == 200
        assert direct.get(f"{base}/health", headers={"X-Forwarded-For": "198.51.100.4"}).status_code == 429


def test_a_long_query_runs_at_a_lower_cpu_priority_and_its_worker_comes_back_as_it_was(tmp_path: Path) -> None:
    """A query past pool.LONG_QUERY seconds gives way to the server and the short queries (its
    worker's nice value raised); afterwards the pool's workers run at the server's priority."""
    from ingest.store.embedded import pool as pools

    store = load_store(tmp_path / "store", PROTOCOL_DATA)
    job = {
        "query": SLOW_QUERY,
        "accept": "application/sparql-results+json",
        "media_type": None,
        "default_graphs": None,
        "named_graphs": None,
        "row_cap": 10,
        "byte_cap": 100_000,
        "max_depth": 40,
        "base_iri": None,
    }
    mine = os.getpriority(os.PRIO_PROCESS, 0)

    async def scenario() -> tuple[list[int], list[int], int]:
        queries = pools.QueryPool(store, 2)
        try:
            while queries.starting:  # both workers up, so the slow query cannot wait for one
                await asyncio.sleep(0.1)
            slow = asyncio.create_task(queries.run(job, pools.LONG_QUERY + 3, "slow"))  # type: ignore[arg-type]
            await asyncio.sleep(pools.LONG_QUERY + 1.5)
            during = sorted(os.getpriority(os.PRIO_PROCESS, w.process.pid) for w in queries.workers)
            with pytest.raises(pools.QueryTimeout):
                await slow
            while queries.starting or queries.idle.qsize() < 2:
                await asyncio.sleep(0.1)
            after = [os.getpriority(os.PRIO_PROCESS, w.process.pid) for w in queries.workers if w.alive()]
            return during, after, queries.killed
        finally:
            queries.close()

    during, after, killed = asyncio.run(scenario())
    assert during == sorted([mine, pools.DEMOTED_NICE]), "the slow query's worker gave way, the other did not"
    assert killed == 1 and after == [mine, mine]
