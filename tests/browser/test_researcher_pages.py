"""Issue 14's pages in Debian chromium against a real `casegraph serve`: passage search from
the box on every page, the SPARQL editor (type, run, share, download), a list filter with facet
counts and its CSV, the person page's fused story, the phone width (390 px: no sideways
scroll, a readable timeline), the favicon, one menu on every page, and every page working
under a Content-Security-Policy without inline scripts or styles. Screenshots go to
test-artifacts/browser/researcher-*.png."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from ingest.passages import PassageIndex, index_path_for, rebuild_from
from ingest.store.embedded import EmbeddedStore
from tests.api_support import fill
from tests.browser.test_pages_in_chromium import ARGS, ARTIFACTS, CHROMIUM, type_query
from tests.serving import running_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install -y chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed in .venv")

# What the hardening work puts on every page: no inline script, no inline style.
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; object-src 'none'"
PAGES = ["/", "/persons", "/organisations", "/authorities", "/events", "/documents", "/query", "/search?q=arrested"]
MENU = ["People", "Organisations", "Authorities", "Events", "Documents", "Query", "API"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("researcher") / "store"
    store = fill(EmbeddedStore(path))
    store.flush()
    index = PassageIndex(index_path_for(path))
    rebuild_from(index, store)
    index.close()
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


def _page(browser: Any, width: int, height: int, **options: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"error: {exc}"))
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    closing: list[bool] = []

    def with_csp(route: Any) -> None:
        try:
            response = route.fetch()
            headers = {**response.headers, "content-security-policy": CSP}
            route.fulfill(response=response, headers=headers)
        except sync_api.Error:
            # A request still in flight when the test closes its page ("Fetch response has
            # been disposed") belongs to no test any more; while the page is open it is a failure.
            if not closing:
                raise

    pg.route(re.compile(r".*"), with_csp)  # every response under the strict policy
    pg.problems = problems
    yield pg
    closing.append(True)
    context.close()
    assert not problems, f"errors or CSP violations on the page: {problems}"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    yield from _page(browser, 1280, 900, accept_downloads=True)


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    yield from _page(browser, 390, 844, is_mobile=True, has_touch=True, device_scale_factor=2)


def shot(page: Any, name: str, full: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"researcher-{name}.png"), full_page=full)


def test_search_from_the_box_on_any_page(server: str, page: Any) -> None:
    page.goto(server + "/documents")
    page.fill("form.site-search input[name=q]", '"Penal Code"')
    page.click("form.site-search button")
    page.wait_for_url(re.compile(r".*/search\?q="))
    assert page.inner_text("#passage-total").startswith("1 passage matches")
    hit = page.query_selector("li.hit")
    assert [m.inner_text() for m in hit.query_selector_all("mark")] == ["Penal", "Code"]
    events = [a.inner_text() for a in hit.query_selector_all(".hit-events a")]
    assert any(e.startswith("charge") for e in events), events
    shot(page, "search")
    hit.query_selector(".hit-source a").click()
    assert "/id/document/" in page.url


def test_editor_types_runs_shares_and_downloads(server: str, page: Any, tmp_path: Path) -> None:
    page.goto(server + "/query")
    query = (
        "PREFIX cg: <https://w3id.org/casegraph/ontology#> "
        "SELECT ?person (COUNT(?event) AS ?events) WHERE { ?event a cg:Arrest ; cg:subject ?person } "
        "GROUP BY ?person ORDER BY DESC(?events)"
    )
    type_query(page, query)
    assert page.query_selector(".cm-content .cm-line"), "the code editor, not a plain text box"
    assert page.query_selector_all(".cm-content span[class]"), "the query is highlighted"
    page.click("#run")
    page.wait_for_selector("table.results tbody tr")
    first = page.query_selector("table.results tbody tr td a")
    assert first.get_attribute("href").startswith("/id/person/")
    assert not first.inner_text().startswith("http"), "a label beside the IRI, not the IRI alone"
    assert first.evaluate("a => a.nextElementSibling.textContent").startswith("https://")
    page.click("#view-chart")
    assert page.query_selector("svg.bar-chart rect.bar")
    shot(page, "editor-chart")
    # Share: the address holds the query; opening it opens the editor with that query.
    page.click("#share")
    shared = page.input_value("#share-url")
    assert parse_qs(urlparse(shared).query)["query"] == [query]
    other = page.context.new_page()
    other.goto(shared)
    other.wait_for_selector("body.editor-ready")
    assert other.input_value("#query") == query
    assert other.locator(".cm-content").inner_text().replace("\u00a0", " ").strip() == query
    other.close()
    # Downloads in three formats.
    for kind, check in (
        ("csv", lambda text: next(csv.reader(io.StringIO(text))) == ["person", "events"]),
        ("tsv", lambda text: text.splitlines()[0] == "?person\t?events"),
        ("json", lambda text: '"vars"' in text and '"person"' in text),
    ):
        with page.expect_download() as info:
            page.click(f"button[data-download={kind}]")
        target = tmp_path / f"results.{kind}"
        info.value.save_as(target)
        assert info.value.suggested_filename == f"casegraph-results.{kind}"
        assert check(target.read_text(encoding="utf-8")), kind


def test_editor_completes_prefixes(server: str, page: Any) -> None:
    page.goto(server + "/query")
    type_query(page, "SELECT * WHERE { ?e a cg:Trans")
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".cm-tooltip-autocomplete li")
    options = [li.inner_text() for li in page.query_selector_all(".cm-tooltip-autocomplete li")]
    assert any(o.startswith("Transfer") for o in options), options
    # CodeMirror ignores Enter for `interactionDelay` (75 ms) after the list shows, so that a
    # key already on its way does not pick an option; a slow machine can press within it.
    page.wait_for_selector(".cm-tooltip-autocomplete li[aria-selected=true]")
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    text = page.locator(".cm-content").inner_text()
    assert "PREFIX cg: <https://w3id.org/casegraph/ontology#>" in text, "the prefix is declared for you"
    assert "cg:Transfer" in text


def test_a_date_column_gives_a_timeline_view(server: str, page: Any) -> None:
    page.goto(server + "/query?example=04-transfers")
    page.wait_for_selector("body.editor-ready")
    page.click("#run")
    page.wait_for_selector("table.results tbody tr")
    assert page.is_disabled("#view-chart"), "no numeric column, no bar chart"
    dated = [td for td in page.query_selector_all("table.results tbody tr td:nth-child(4)") if td.inner_text()]
    page.click("#view-timeline")
    assert len(page.query_selector_all("svg.timeline-chart circle.mark")) == len(dated) >= 5
    shot(page, "editor-timeline")


def test_events_filter_with_facet_counts_and_csv(server: str, page: Any) -> None:
    page.goto(server + "/events")
    options = {o.get_attribute("value"): o.inner_text() for o in page.query_selector_all("select[name=type] option")}
    total = int(page.inner_text("p.total").split()[0])
    counts = {v: int(re.search(r"\((\d+)\)", t).group(1)) for v, t in options.items() if v}
    assert sum(counts.values()) == total, "the type counts add up to the events listed"
    page.select_option("select[name=type]", "transfer")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r".*type=transfer"))
    assert int(page.inner_text("p.total").split()[0]) == counts["transfer"]
    assert {td.inner_text() for td in page.query_selector_all("table.list td[data-label=Type]")} == {"transfer"}
    shot(page, "events-filtered")
    href = page.get_attribute("a.download", "href")
    body = page.request.get(server + href)
    assert body.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body.text())))
    assert len(rows) == counts["transfer"] and {r["type"] for r in rows} == {"transfer"}


def test_person_page_tells_the_fused_story_with_claims_behind_a_toggle(server: str, page: Any) -> None:
    page.goto(server + "/id/person/jovan-markovich")
    story = page.query_selector_all("#story article.event")
    assert story and all(e.query_selector(".source a") for e in story), "every fused event names its sources"
    assert "claims" in page.inner_text("#counts-note")
    assert not page.is_visible("#timeline"), "per-document claims start folded"
    page.click("details#claims summary")
    assert page.is_visible("#timeline")
    shot(page, "person-story")


def test_every_page_has_the_menu_the_search_box_and_the_favicon(server: str, page: Any) -> None:
    proceeding = page.request.get(server + "/api/proceedings").json()["items"][0]["page"]
    for path in [*PAGES, proceeding, "/id/person/jovan-markovich"]:
        page.goto(server + path)
        assert [a.inner_text() for a in page.query_selector_all("header.site nav a")] == MENU, path
        assert page.query_selector("form.site-search input[name=q]"), path
        assert page.get_attribute("link[rel=icon]", "href") == "/static/favicon.svg", path
    icon = page.request.get(server + "/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_phone_width_never_scrolls_sideways(server: str, phone: Any) -> None:
    proceeding = phone.request.get(server + "/api/proceedings").json()["items"][0]["page"]
    for path in [*PAGES, proceeding, "/id/person/maks-bokaev", "/id/document/900-synthetic-a"]:
        phone.goto(server + path)
        phone.wait_for_load_state("networkidle")
        wide = phone.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390, f"{path} is {wide} px wide at 390 px"
    phone.goto(server + "/id/person/maks-bokaev")
    # The timeline as a list on a phone: every mark readable, none shrunk into the axis.
    assert not phone.is_visible("figure.cg-timeline svg")
    items = phone.query_selector_all("ol.cg-timeline-list li")
    assert items and all(i.is_visible() for i in items)
    size = phone.evaluate("parseFloat(getComputedStyle(document.querySelector('ol.cg-timeline-list li')).fontSize)")
    assert size >= 14
    shot(phone, "phone-person")
    phone.goto(server + "/events")
    shot(phone, "phone-events")
    phone.goto(server + proceeding)
    shot(phone, "phone-proceeding")
