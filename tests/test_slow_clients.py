"""Slow and oversized requests against a real `casegraph serve`, over real sockets (issue 15,
item 6): the request head has a deadline (api.serving), the body a deadline and a size cap
checked before and while it is read (api.bodies)."""

from __future__ import annotations

import selectors
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.serving import PROTOCOL_DATA, load_store, running_server

HEAD_TIMEOUT = 2
BODY_TIMEOUT = 3
MAX_BODY = 1024 * 1024
QUERY_HEAD = "POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    store = load_store(tmp_path_factory.mktemp("slow") / "store", PROTOCOL_DATA)
    env = {
        "CASEGRAPH_HEAD_TIMEOUT": str(HEAD_TIMEOUT),
        "CASEGRAPH_BODY_TIMEOUT": str(BODY_TIMEOUT),
        "CASEGRAPH_MAX_BODY": str(MAX_BODY),
    }
    with running_server(store, "--workers", "1", env=env) as base:
        yield base, int(base.rsplit(":", 1)[1])


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=30)


def read_all(s: socket.socket) -> bytes:
    chunks = []
    while chunk := s.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def read_response(s: socket.socket) -> bytes:
    """One whole response with a Content-Length body (the head and body may come in several
    packets)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0
    )
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def test_connections_that_send_their_head_slowly_are_closed(server: tuple[str, int]) -> None:
    base, port = server
    head = b"GET /health HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n"
    sockets = [connect(port) for _ in range(200)]
    sel = selectors.DefaultSelector()
    for s in sockets:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    answers: dict[socket.socket, bytes] = {s: b"" for s in sockets}
    closed: set[socket.socket] = set()
    started = time.monotonic()
    give_up = started + HEAD_TIMEOUT * 4 + 10  # a bound for the test, not a speed figure
    sent = 0
    try:
        while len(closed) < len(sockets) and time.monotonic() < give_up:
            for s in sockets:  # one byte a second from every connection (never the whole head)
                if s not in closed and sent < len(head) - 1:
                    try:
                        s.send(head[sent : sent + 1])
                    except OSError:
                        closed.add(s)
            sent += 1
            tick = time.monotonic() + 1
            while (left := tick - time.monotonic()) > 0:
                for key, _ in sel.select(left):
                    s = key.fileobj  # type: ignore[assignment]
                    try:
                        data = s.recv(4096)
                    except OSError:
                        data = b""
                    if data:
                        answers[s] += data
                    else:
                        closed.add(s)
                        sel.unregister(s)
        assert len(closed) == len(sockets), f"{len(sockets) - len(closed)} slow connections still open"
        assert all(answers[s].startswith(b"HTTP/1.1 408") for s in sockets)
        assert sent < len(head) - 1, "closed before a complete head was ever sent"
    finally:
        for s in sockets:
            s.close()
    # and the server goes on serving
    assert httpx.get(f"{base}/health", timeout=10).status_code == 200


def test_an_idle_connection_that_sends_nothing_is_closed(server: tuple[str, int]) -> None:
    _, port = server
    with connect(port) as s:
        s.settimeout(HEAD_TIMEOUT * 4 + 10)
        assert read_all(s).startswith(b"HTTP/1.1 408")


def test_a_declared_10_gb_body_is_refused_before_it_is_sent(server: tuple[str, int]) -> None:
    _, port = server
    with connect(port) as s:
        s.sendall(f"{QUERY_HEAD}Content-Length: {10 * 1024**3}\r\n\r\n".encode())
        answer = read_all(s)  # the server answers and closes without waiting for the body
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"connection: close" in answer.lower()
    assert f"({MAX_BODY} bytes)".encode() in answer


def test_a_100_mb_body_without_a_length_is_cut_off_not_read(server: tuple[str, int]) -> None:
    _, port = server
    chunk = b"%x\r\n" % 65536 + b"a" * 65536 + b"\r\n"
    sent = 0
    with connect(port) as s:
        s.sendall(f"{QUERY_HEAD}Transfer-Encoding: chunked\r\n\r\n".encode())
        try:
            while sent < 100 * 1024 * 1024:
                s.sendall(chunk)
                sent += 65536
        except OSError:  # the server closed the connection: what it did not read, it refused
            pass
        answer = read_all(s) if sent < 100 * 1024 * 1024 else b""
    assert sent < 100 * 1024 * 1024, "the server took the whole 100 MB"
    # all it took is the cap plus what the sockets' buffers hold on the way
    assert sent < MAX_BODY + 32 * 1024 * 1024
    assert answer.startswith(b"HTTP/1.1 413")


def test_a_body_sent_slowly_times_out(server: tuple[str, int]) -> None:
    _, port = server
    with connect(port) as s:
        s.sendall(f"{QUERY_HEAD}Content-Length: 100\r\n\r\n".encode())
        s.settimeout(0.5)
        answer = b""
        give_up = time.monotonic() + BODY_TIMEOUT * 4 + 10
        while not answer and time.monotonic() < give_up:
            try:
                s.send(b"a")
                answer = s.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                break
    assert answer.startswith(b"HTTP/1.1 408"), answer[:100]


def test_a_body_within_the_limits_is_answered(server: tuple[str, int]) -> None:
    base, _ = server
    query = "ASK { }" + " " * 10_000
    r = httpx.post(
        f"{base}/sparql",
        content=query,
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_kept_alive_connections_get_a_new_head_deadline(server: tuple[str, int]) -> None:
    _, port = server
    with connect(port) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        first = read_response(s)  # whole, or its body would be read as the next answer
        assert first.startswith(b"HTTP/1.1 200")
        s.sendall(b"GET /health HTTP/1.1\r\n")  # half a head, then nothing
        s.settimeout(HEAD_TIMEOUT * 4 + 10)
        rest = read_all(s)
    assert rest.startswith(b"HTTP/1.1 408") or rest == b""  # uvicorn's keep-alive timer may close first


def test_settings_for_the_limits_are_checked() -> None:
    from api.settings import Settings

    with pytest.raises(ValueError, match="head_timeout must be positive"):
        Settings(head_timeout=0)
    with pytest.raises(ValueError, match="max_body must be at least 1"):
        Settings(max_body=0)
