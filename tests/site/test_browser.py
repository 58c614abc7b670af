"""The built site in headless Chromium, served on 127.0.0.1 with every other host cut off.

Every page's clean load and its axe check, in light and dark mode at 1280 and 390 px, are in
test_theme.py. Every test here shares its load (``shown``, conftest.py) with every other test of
the same page, mode and width."""

from __future__ import annotations

from typing import Any

import pytest

from portal_tools.registry import CATALOGUE
from portal_tools.ui.render import summary_text

from .conftest import Shown, View, on


@on(View("search.html?q=payback"))
def test_search_finds_the_calculator(shown: Shown) -> None:
    results = shown.page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=15000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("tools/present-value.html" in (h or "") for h in hrefs), hrefs


@on(View("tools/present-value.html"))
def test_static_calculator_shows_inputs_and_default_result_offline(shown: Shown) -> None:
    page = shown.page
    calculator = page.locator(".portal-calculator")
    assert calculator.is_visible()
    notice = calculator.locator(".portal-static-notice")
    assert "This is the default example" in notice.inner_text()
    scenario = notice.locator("a[download]")
    assert scenario.get_attribute("download") == "present_value-default-scenario.yaml"
    assert (scenario.get_attribute("href") or "").startswith("data:application/x-yaml;base64,")
    rows = page.evaluate(
        """() => [...document.querySelectorAll('.portal-calculator table.portal-inputs tr')]
            .map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent.trim()))"""
    )
    assert [
        "Costs per year",
        "2 000 000; 1 500 000; 500 000; 0; 0; 0; 0; 0; 0; 0",
        "DKK per year",
        "Assumption for illustration",
    ] in rows
    assert ["Discount rate", "Public rate (Finance Ministry)", "", ""] in rows
    summary = page.locator("table.portal-summary")
    assert "1 194 695 DKK" in summary.inner_text()
    image = page.locator(".portal-calculator figure img").first
    assert image.is_visible()
    assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) > 300
    assert "Bar chart over 10 contract years" in (image.get_attribute("alt") or "")
    assert not shown.external


CALCULATOR_PAGES = list(dict.fromkeys(c.page for c in CATALOGUE))


@on(*(View(f"{p}.html") for p in CALCULATOR_PAGES))
def test_static_calculator_pages_have_no_form_control(shown: Shown) -> None:
    """Nothing on a static calculator page looks editable: no input, drop-down or text area in
    the article and no button in a calculator (code blocks keep the theme's copy button)."""
    controls = shown.page.evaluate(
        """() => [...document.querySelectorAll(
               'article.bd-article :is(input, select, textarea, [contenteditable]), '
               + '.portal-calculator button')]
             .map((e) => e.outerHTML.slice(0, 80))"""
    )
    assert not controls, controls
    assert shown.page.locator(".portal-static-notice").count() >= 1


@pytest.mark.parametrize("docname", CALCULATOR_PAGES)
def test_calculator_results_need_no_javascript(browser: Any, base_url: str, docname: str) -> None:
    """With JavaScript switched off each calculator's inputs, default headline and charts are
    on the page."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/{docname}.html", wait_until="load")
        text = page.locator("article.bd-article").inner_text()
        for calc in (c for c in CATALOGUE if c.page == docname):
            result = calc.run()
            metric = result.metrics[calc.headline]
            value = summary_text(result, calc.headline)
            assert f"{metric.label}\t{value}" in text, (calc.name, metric.label, value)
        assert page.locator(".portal-calculator table.portal-inputs").count() >= 1
        assert page.locator(".portal-calculator figure img").count() >= 1
    finally:
        context.close()


# One case per calculator page of the catalogue (tests/unit/test_calculator_contract.py checks
# this form), on the page shared with every other test of it; a page with the forms of several
# calculators (budget's is on the programme page) checks each of them.
@on(*dict.fromkeys(View(f"{c.page}.html") for c in CATALOGUE))
def test_calculator_page_shows_the_default_headline(shown: Shown) -> None:
    """Each calculator's page shows its default result's headline value, as the
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
        value = summary_text(result, calc.headline)
        assert [metric.label, value] in rows, (
            f"{calc.name}: no row {metric.label!r} = {value!r} on {calc.page}"
        )
