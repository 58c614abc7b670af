"""The built site in headless Chromium, served on 127.0.0.1 with every other host cut off.

Every page's clean load and its axe check, in light and dark mode at 1280 and 390 px, are in
test_theme.py. Every test here shares its load (``shown``, conftest.py) with every other test of
the same page, mode and width."""

from __future__ import annotations

from portal_tools.registry import CATALOGUE
from portal_tools.results import format_value

from .conftest import Shown, View, on


@on(View("search.html?q=payback"))
def test_search_finds_the_calculator(shown: Shown) -> None:
    results = shown.page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=15000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("tools/present-value.html" in (h or "") for h in hrefs), hrefs


@on(View("tools/present-value.html"))
def test_calculator_shows_widget_and_default_result_offline(shown: Shown) -> None:
    page = shown.page
    form = page.locator(".portal-calculator")
    form.wait_for(state="visible", timeout=20000)
    costs = page.get_by_label("Costs per year (DKK per year)")
    assert costs.input_value().startswith("2 000 000; 1 500 000")  # amounts separated by ";"
    summary = page.locator("table.portal-summary")
    assert summary.is_visible()
    assert "1 194 695 DKK" in summary.inner_text()
    image = page.locator(".portal-calculator figure img").first
    assert image.is_visible()
    assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) > 300
    assert "Bar chart over 10 contract years" in (image.get_attribute("alt") or "")
    assert not shown.external


# One case per calculator page of the catalogue (tests/unit/test_calculator_contract.py checks
# this form), on the page shared with every other test of it; a page with the forms of several
# calculators (budget's is on the programme page) checks each of them.
@on(*dict.fromkeys(View(f"{c.page}.html") for c in CATALOGUE))
def test_calculator_page_shows_the_default_headline(shown: Shown) -> None:
    """Each calculator's page shows its form with the default result's headline value, as the
    summary formats it (label and value in one row)."""
    here = [c for c in CATALOGUE if f"{c.page}.html" == shown.view.path]
    shown.page.locator(".portal-calculator table.portal-summary").first.wait_for(timeout=20000)
    rows = shown.page.evaluate(
        """() => [...document.querySelectorAll('.portal-calculator table.portal-summary tr')]
            .map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent.trim()))"""
    )
    for calc in here:
        result = calc.run()
        metric = result.metrics[calc.headline]
        value = format_value(result.summary[calc.headline], metric.kind, result.currency)
        assert [metric.label, value] in rows, (
            f"{calc.name}: no row {metric.label!r} = {value!r} on {calc.page}"
        )
