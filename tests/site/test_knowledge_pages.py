"""Browser checks of the knowledge-base chapters in the built book (headless Chromium).

Needs ``book/_build/html`` (build the book first) and Chromium (``$PORTAL_CHROMIUM`` or
``/usr/bin/chromium``). Serves the built site on a free local port for the module.
"""

from __future__ import annotations

import functools
import http.server
import itertools
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.book]

HTML_DIR = Path(__file__).resolve().parents[2] / "book" / "_build" / "html"
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
PAGES = {
    "chapters/basics.html": "What social investment programmes are",
    "chapters/danish-ecosystem.html": "The Danish ecosystem",
    "chapters/international-evidence.html": "International evidence",
    "chapters/baseline-2020.html": "The 2020 market baseline",
    "chapters/roadmaps.html": "From interest to action",
    "chapters/glossary.html": "Glossary",
    "chapters/references.html": "Sources and data",
}
CHART_PAGES = {"chapters/international-evidence.html": 2, "chapters/baseline-2020.html": 6}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture(scope="module")
def knowledge_site() -> Iterator[str]:
    if not (HTML_DIR / "chapters" / "baseline-2020.html").exists():
        pytest.fail("book/_build/html is missing: build the book before the browser tests")
    handler = functools.partial(_Quiet, directory=str(HTML_DIR))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def page(knowledge_site: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context()
        tab = context.new_page()
        tab.errors = []  # type: ignore[attr-defined]
        tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))  # type: ignore[attr-defined]
        yield tab
        browser.close()


@pytest.mark.parametrize(("path", "heading"), sorted(PAGES.items()))
def test_page_loads_with_its_heading_and_no_script_errors(
    page: object, knowledge_site: str, path: str, heading: str
) -> None:
    page.errors.clear()  # type: ignore[attr-defined]
    response = page.goto(knowledge_site + path)  # type: ignore[attr-defined]
    assert response is not None and response.status == 200
    h1 = page.locator("main h1").first.inner_text()  # type: ignore[attr-defined]
    assert heading in h1
    levels = page.eval_on_selector_all(  # type: ignore[attr-defined]
        "main h1, main h2, main h3, main h4", "els => els.map(e => Number(e.tagName[1]))"
    )
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    assert page.errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(("path", "count"), sorted(CHART_PAGES.items()))
def test_charts_render_with_alt_text_and_a_table(
    page: object, knowledge_site: str, path: str, count: int
) -> None:
    page.goto(knowledge_site + path)  # type: ignore[attr-defined]
    charts = page.locator("figure.portal-chart img")  # type: ignore[attr-defined]
    assert charts.count() == count
    for i in range(count):
        img = charts.nth(i)
        img.scroll_into_view_if_needed()
        assert img.evaluate("el => el.complete && el.naturalWidth > 100")
        assert len(img.get_attribute("alt") or "") > 40
    tables = page.locator("details.portal-chart-data table")  # type: ignore[attr-defined]
    assert tables.count() == count


def test_glossary_links_resolve(page: object, knowledge_site: str) -> None:
    page.goto(knowledge_site + "chapters/glossary.html")  # type: ignore[attr-defined]
    anchors = set(page.eval_on_selector_all("dt[id]", "els => els.map(e => e.id)"))  # type: ignore[attr-defined]
    assert "term-Creaming" in anchors and "term-Service-ceiling" in anchors
    seen = 0
    for path in PAGES:
        page.goto(knowledge_site + path)  # type: ignore[attr-defined]
        hrefs = page.eval_on_selector_all(  # type: ignore[attr-defined]
            "a[href*='glossary.html#']", "els => els.map(e => e.getAttribute('href'))"
        )
        for href in hrefs:
            assert href.split("#", 1)[1] in anchors, f"{path}: {href}"
        seen += len(hrefs)
    assert seen > 30


@pytest.mark.parametrize("word", ["creaming", "budgetloven", "resultatkontrakt"])
def test_search_finds_knowledge_pages(page: object, knowledge_site: str, word: str) -> None:
    page.goto(f"{knowledge_site}search.html?q={word}")  # type: ignore[attr-defined]
    page.wait_for_selector("#search-results ul.search li", timeout=15_000)  # type: ignore[attr-defined]
    links = page.eval_on_selector_all(  # type: ignore[attr-defined]
        "#search-results ul.search li a", "els => els.map(e => e.getAttribute('href'))"
    )
    mine = [h for h in links if any(p.split("/")[-1].split(".")[0] in h for p in PAGES)]
    assert mine, f"search for {word!r} found {links}"
