"""The knowledge-base chapters in headless Chromium: heading order, charts with alt text and a
table, glossary links that resolve, and search for the report's key Danish terms.

Page loading, console errors and axe checks for every page are in ``test_browser.py``; this
module uses the shared ``browser`` and ``base_url`` fixtures of ``conftest.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

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


@pytest.fixture(scope="module")
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize(("path", "heading"), sorted(PAGES.items()))
def test_heading_and_heading_order(tab: Any, base_url: str, path: str, heading: str) -> None:
    response = tab.goto(f"{base_url}/{path}")
    assert response is not None and response.status == 200
    assert heading in tab.locator("article.bd-article h1").first.inner_text()
    levels = tab.eval_on_selector_all(
        "article.bd-article :is(h1, h2, h3, h4)", "els => els.map(e => Number(e.tagName[1]))"
    )
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels


@pytest.mark.parametrize(("path", "count"), sorted(CHART_PAGES.items()))
def test_charts_render_with_alt_text_and_a_table(
    tab: Any, base_url: str, path: str, count: int
) -> None:
    tab.goto(f"{base_url}/{path}")
    charts = tab.locator("figure.portal-chart img")
    assert charts.count() == count
    for i in range(count):
        img = charts.nth(i)
        img.scroll_into_view_if_needed()
        assert img.evaluate("el => el.complete && el.naturalWidth > 100")
        assert len(img.get_attribute("alt") or "") > 40
    assert tab.locator("details.portal-chart-data table").count() == count


def test_glossary_links_resolve(tab: Any, base_url: str) -> None:
    tab.goto(f"{base_url}/chapters/glossary.html")
    anchors = set(tab.eval_on_selector_all("dt[id]", "els => els.map(e => e.id)"))
    assert {"term-Creaming", "term-Outcomes-contract", "term-Service-ceiling"} <= anchors
    seen = 0
    for path in PAGES:
        tab.goto(f"{base_url}/{path}")
        hrefs = tab.eval_on_selector_all(
            "a[href*='glossary.html#']", "els => els.map(e => e.getAttribute('href'))"
        )
        for href in hrefs:
            assert href.split("#", 1)[1] in anchors, f"{path}: {href}"
        seen += len(hrefs)
    assert seen > 30


@pytest.mark.parametrize("word", ["creaming", "budgetloven", "resultatkontrakt"])
def test_search_finds_knowledge_pages(tab: Any, base_url: str, word: str) -> None:
    tab.goto(f"{base_url}/search.html?q={word}")
    tab.wait_for_selector("#search-results ul.search li", timeout=15_000)
    links = tab.eval_on_selector_all(
        "#search-results ul.search li a", "els => els.map(e => e.getAttribute('href'))"
    )
    stems = [p.rsplit("/", 1)[-1].removesuffix(".html") for p in PAGES]
    mine = [h for h in links if any(stem in h for stem in stems)]
    assert mine, f"search for {word!r} found {links}"
