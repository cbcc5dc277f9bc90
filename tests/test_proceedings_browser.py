"""The proceeding page in headless Chromium: the timeline draws one mark per dated step and a
range for each disputed date; a screenshot is kept in test-artifacts/ for people to look at."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from api.app import create_app
from api.settings import Settings
from tests.fusion_gold import build_gold_store

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("gold") / "store"
    build_gold_store(path)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(Settings(store=path)), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_proceeding_page_timeline_in_chromium(base_url: str) -> None:
    import httpx
    from playwright.sync_api import sync_playwright

    items = httpx.get(f"{base_url}/api/proceedings").json()["items"]
    biggest = max(items, key=lambda p: p["steps"])
    twin = httpx.get(f"{base_url}/api/proceedings/{biggest['id']}/timeline").json()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            refused: list[str] = []  # inline style or script the CSP (api/security.py) blocked
            page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
            page.goto(f"{base_url}/proceedings/{biggest['id']}")
            svg = page.locator(".cg-timeline svg")
            assert svg.is_visible()
            assert page.locator(".cg-timeline g.event").count() == len(twin["items"])
            disputed = page.locator(".cg-timeline g.event.disputed")
            assert disputed.count() == sum(1 for i in twin["items"] if i["disputed"]) >= 1
            assert disputed.first.locator("rect.span").count() == 1  # a range, not a point
            box = svg.bounding_box()
            assert box is not None and box["width"] > 600 and box["height"] > 100
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "proceeding-timeline.png"), full_page=True)
            assert not refused, f"the page broke its Content-Security-Policy: {refused}"
            # the styles came from the static files: the timeline's marks are coloured
            fill = page.locator(".cg-timeline circle.mark").first.evaluate("e => getComputedStyle(e).fill")
            assert fill == "rgb(47, 95, 179)"
        finally:
            browser.close()
    assert (ARTIFACTS / "proceeding-timeline.png").stat().st_size > 10_000
