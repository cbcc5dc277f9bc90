"""The pages end to end in a real browser: Debian's chromium driven by Playwright, against a
real `casegraph serve` on a free port over a store built from the gold facts and the synthetic
documents. Screenshots are kept in test-artifacts/browser/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.store.embedded import EmbeddedStore
from tests.api_support import fill
from tests.serving import ROOT, running_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "browser"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install -y chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed in .venv")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("browser") / "store"
    store = fill(EmbeddedStore(path))
    store.flush()
    store.close()
    with running_server(path, "--workers", "1") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    # The Content-Security-Policy (api/security.py) allows no inline script or style: anything
    # a page still has inline is refused, and Chromium says so on the console.
    refused: list[str] = []
    pg.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    yield pg
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not refused, f"the page broke its Content-Security-Policy: {refused}"


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_home_page_shows_the_counts(server: str, page: Any) -> None:
    page.goto(server + "/")
    counts = {
        el.get_attribute("data-what"): int(el.query_selector(".n").inner_text())
        for el in page.query_selector_all(".count")
    }
    stats = page.request.get(server + "/api/stats").json()["counts"]
    assert counts["documents"] == stats["documents"] == 7
    assert counts["events"] == stats["events"] > 0
    assert counts["persons"] == stats["persons"] > 0
    shot(page, "home")


def test_person_page_shows_the_timeline_with_quotes(server: str, page: Any) -> None:
    page.goto(server + "/persons")
    page.fill("form.filters input[name=q]", "Markovic")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r".*/persons\?q=Markovic"))
    page.click("table.list a[href='/id/person/jovan-markovich']")
    page.wait_for_url(re.compile(r".*/id/person/jovan-markovich$"))
    # The fused story first; each document's claims behind a toggle (issue 14).
    assert page.query_selector_all("#story article.event")
    assert not page.query_selector("#timeline blockquote.quote").is_visible()
    page.click("details#claims summary")
    events = page.query_selector_all("#timeline article.event")
    assert [e.get_attribute("data-type") for e in events] == ["arrest", "charge", "pretrial-detention", "transfer"]
    quotes = [q.inner_text() for q in page.query_selector_all("#timeline blockquote.quote")]
    assert any(q.startswith("Police arrested Jovan Markovich") for q in quotes)
    assert page.query_selector("#timeline blockquote.quote").is_visible()
    shot(page, "person-timeline")


def test_markup_in_a_name_stays_text(server: str, page: Any) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(server + "/persons?q=Dara%20Vell")
    page.click("table.list td a")
    assert "<script>alert('x')</script> Dara Vell" in page.inner_text("h1")
    assert not dialogs, "a name must never run as script"
    shot(page, "escaped-name")


def test_query_page_runs_an_example_and_shows_rows(server: str, page: Any) -> None:
    page.goto(server + "/query")
    assert len(page.query_selector_all("button.example")) >= 12
    page.wait_for_selector("body.editor-ready")  # the editor's script takes over the text box
    page.click("button[data-example='04-transfers']")
    # The example is fetched, then put in the editor: wait for it rather than read at once.
    page.wait_for_function("document.querySelector('#query').value.includes('cg:Transfer')")
    page.click("#run")
    page.wait_for_selector("table.results tbody tr")
    headers = [th.inner_text() for th in page.query_selector_all("table.results thead th")]
    assert headers == ["subjectName", "fromName", "toName", "date", "status", "document"]
    rows = page.query_selector_all("table.results tbody tr")
    assert len(rows) == 17  # 16 from the gold facts, 1 from the synthetic documents
    assert re.match(r"17 rows in [0-9.]+ s", page.inner_text("#status"))
    texts = [r.inner_text() for r in rows]
    assert any("Lakeside Remand Centre" in t and "Eastfield Colony" in t for t in texts)
    # Minted IRIs open as pages of this server.
    link = page.query_selector("table.results tbody a").get_attribute("href")
    assert link.startswith("/id/document/")
    shot(page, "query-transfers")


def type_query(page: Any, text: str) -> None:
    """Replace the editor's text by typing, as a person does (the editor closes brackets and
    steps over the closing one typed after)."""
    page.wait_for_selector("body.editor-ready .cm-content")
    page.click(".cm-content")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)
    page.keyboard.press("Escape")  # close a completion list, if one is open


def test_query_page_shows_errors(server: str, page: Any) -> None:
    page.goto(server + "/query")
    type_query(page, "SELECT * WHERE { ?s ?p }")
    page.click("#run")
    sync_api.expect(page.locator("#status")).to_have_text(re.compile(r"^Error"))
    assert "400" in page.inner_text("#status")
    type_query(page, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    page.click("#run")
    sync_api.expect(page.locator("#status")).to_have_text(re.compile(r"^Error"))
    shot(page, "query-error")


def test_person_page_shows_where_sources_disagree(server: str, page: Any) -> None:
    page.goto(server + "/id/person/maks-bokaev")
    assert page.query_selector("figure.cg-timeline svg").is_visible(), "the fused visual timeline"
    page.click("details#claims summary")
    disputed = [c.inner_text() for c in page.query_selector_all("#timeline .conflicts")]
    assert any("this source says 2017-01-28, others say 2017-01-27" in text for text in disputed)
    shot(page, "person-disagreements")
