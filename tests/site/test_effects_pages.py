"""The effect-chain and programme calculator pages and the two guides in headless Chromium:
default results and charts render without a kernel, the Budget Act chart marks the burdened
years, and the guides' headings and glossary links work."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from .conftest import Shown, View, on


def _charts(tab: Any, count: int) -> list[str]:
    images = tab.locator(".portal-calculator figure img")
    images.first.wait_for(state="visible", timeout=20000)
    assert images.count() == count
    alts = []
    for i in range(count):
        img = images.nth(i)
        img.scroll_into_view_if_needed()
        assert img.evaluate("el => el.complete && el.naturalWidth > 300")
        alts.append(img.get_attribute("alt") or "")
    return alts


@on(View("tools/effect-chain.html"))
def test_effect_chain_page_shows_default_result_and_charts(shown: Shown) -> None:
    tab = shown.page
    assert shown.status == 200
    tab.locator(".portal-calculator").wait_for(state="visible", timeout=20000)
    summary = tab.locator("table.portal-summary").first.inner_text()
    assert "Additional successes" in summary and "11.8" in summary
    assert "4 360 296 DKK" in summary  # municipality's nominal savings, checked in the notebook
    alts = _charts(tab, 2)
    assert alts[0].startswith("Funnel chart of the effect chain. Referred: 40.0")
    assert "municipality 4 360 296 DKK" in alts[1]
    article = tab.locator("article.bd-article").inner_text()
    assert "harvests 77 % of the gain" in article  # glued from the result


@on(View("tools/programme.html"))
def test_programme_page_marks_the_years_that_burden_the_ceiling(shown: Shown) -> None:
    tab = shown.page
    assert shown.status == 200
    forms = tab.locator(".portal-calculator")
    forms.first.wait_for(state="visible", timeout=20000)
    assert forms.count() == 2  # programme and the Budget Act view
    alts = _charts(tab, 3)
    assert "Years that burden the ceiling (hatched bars): 1, 2, 3, 4." in alts[0]
    assert alts[1].startswith("Line chart of the cumulative nominal net position")
    assert "Years that burden the ceiling (hatched bars): 3, 4, 5." in alts[2]
    links = tab.locator(".portal-calculator a[download]")
    names = {links.nth(i).get_attribute("download") for i in range(links.count())}
    assert {"programme-default-scenario.yaml", "budget-default-scenario.yaml"} <= names
    assert any(n and n.startswith("programme") and n.endswith(".xlsx") for n in names), names


GUIDES = {
    "chapters/effect-chains.html": "Effect chains",
    "chapters/money-flows-budget-law.html": "Money flows and budget law",
}


@pytest.mark.parametrize(
    ("shown", "heading"),
    [pytest.param(View(path), heading, id=f"{path}-{heading}") for path, heading in GUIDES.items()],
    indirect=["shown"],
    scope="session",  # as `shown`: pytest then runs the tests of one View one after another
)
def test_guides_headings_and_glossary_links(shown: Shown, heading: str) -> None:
    tab = shown.page
    assert shown.status == 200
    assert heading in tab.locator("article.bd-article h1").first.inner_text()
    levels = tab.eval_on_selector_all(
        "article.bd-article :is(h1, h2, h3, h4)", "els => els.map(e => Number(e.tagName[1]))"
    )
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    terms = tab.locator("article.bd-article a[href*='glossary.html#term-']")
    assert terms.count() >= 5
    citations = tab.locator("article.bd-article a[href*='references']")
    assert citations.count() >= 5
