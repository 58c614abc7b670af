"""The knowledge-base chapters in headless Chromium: heading order, charts with alt text and a
table, glossary links that resolve, and search for the report's key Danish terms.

Page loading, console errors and axe checks for every page are in ``test_theme.py``. The tests
that read one page share its load (``shown``, conftest.py); the glossary check walks every
chapter in a tab of its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import Shown, View

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
SEARCH_WORDS = ["creaming", "budgetloven", "resultatkontrakt"]


@pytest.fixture(scope="module")
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize(
    ("shown", "heading"),
    [
        pytest.param(View(path), heading, id=f"{path}-{heading}")
        for path, heading in sorted(PAGES.items())
    ],
    indirect=["shown"],
    scope="session",  # as `shown`: pytest then runs the tests of one View one after another
)
def test_heading_and_heading_order(shown: Shown, heading: str) -> None:
    tab = shown.page
    assert shown.status == 200
    assert heading in tab.locator("article.bd-article h1").first.inner_text()
    levels = tab.eval_on_selector_all(
        "article.bd-article :is(h1, h2, h3, h4)", "els => els.map(e => Number(e.tagName[1]))"
    )
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels


@pytest.mark.parametrize(
    ("shown", "count"),
    [
        pytest.param(View(path), count, id=f"{path}-{count}")
        for path, count in sorted(CHART_PAGES.items())
    ],
    indirect=["shown"],
    scope="session",  # as `shown`: pytest then runs the tests of one View one after another
)
def test_charts_render_with_alt_text_and_a_table(shown: Shown, count: int) -> None:
    tab = shown.page
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


@pytest.mark.parametrize(
    ("shown", "word"),
    [pytest.param(View(f"search.html?q={word}"), word, id=word) for word in SEARCH_WORDS],
    indirect=["shown"],
    scope="session",  # as `shown`: pytest then runs the tests of one View one after another
)
def test_search_finds_knowledge_pages(shown: Shown, word: str) -> None:
    tab = shown.page
    tab.wait_for_selector("#search-results ul.search li", timeout=15_000)
    links = tab.eval_on_selector_all(
        "#search-results ul.search li a", "els => els.map(e => e.getAttribute('href'))"
    )
    stems = [p.rsplit("/", 1)[-1].removesuffix(".html") for p in PAGES]
    mine = [h for h in links if any(stem in h for stem in stems)]
    assert mine, f"search for {word!r} found {links}"
