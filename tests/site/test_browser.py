"""The built site in headless Chromium, served on 127.0.0.1 with every other host cut off.

Every page's clean load and its axe check, in light and dark mode at 1280 and 390 px, are in
test_theme.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from portal_tools.registry import CATALOGUE, get
from portal_tools.results import format_value


@dataclass
class Visit:
    page: Any
    console_errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@pytest.fixture
def visit(browser: Any, base_url: str) -> Iterator[Any]:
    contexts = []

    def open_page(path: str) -> Visit:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        seen = Visit(page)

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith((base_url, "data:", "blob:")):
                r.continue_()
            else:
                seen.external.append(url)
                r.abort()

        page.route("**/*", route)
        page.on(
            "console", lambda m: seen.console_errors.append(m.text) if m.type == "error" else None
        )
        page.on("pageerror", lambda e: seen.console_errors.append(f"pageerror: {e}"))
        page.on("response", lambda r: seen.failed.append(r.url) if r.status >= 400 else None)
        page.goto(f"{base_url}/{path}", wait_until="load")
        page.wait_for_load_state("networkidle")
        return seen

    yield open_page
    for context in contexts:
        context.close()


def test_search_finds_the_calculator(visit: Any) -> None:
    seen = visit("search.html?q=payback")
    results = seen.page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=15000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("tools/present-value.html" in (h or "") for h in hrefs), hrefs


def test_calculator_shows_widget_and_default_result_offline(visit: Any) -> None:
    seen = visit("tools/present-value.html")
    page = seen.page
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
    assert not seen.external


@pytest.mark.parametrize("name", [c.name for c in CATALOGUE])
def test_calculator_page_shows_the_default_headline(visit: Any, name: str) -> None:
    """Each calculator's page shows its form with the default result's headline value, as the
    summary formats it (label and value in one row)."""
    calc = get(name)
    result = calc.run()
    metric = result.metrics[calc.headline]
    value = format_value(result.summary[calc.headline], metric.kind, result.currency)
    seen = visit(f"{calc.page}.html")
    seen.page.locator(".portal-calculator table.portal-summary").first.wait_for(timeout=20000)
    rows = seen.page.evaluate(
        """() => [...document.querySelectorAll('.portal-calculator table.portal-summary tr')]
            .map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent.trim()))"""
    )
    assert [metric.label, value] in rows, (
        f"{name}: no row {metric.label!r} = {value!r} on {calc.page}"
    )
