"""The payment calculator, the contract guide and the schema page in headless Chromium: the
default results are visible without a kernel, and the generated schema lists every field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def open_page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    external: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith((base_url, "data:", "blob:")):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    context.route("**/*", route)

    def go(path: str) -> Any:
        page = context.new_page()
        page.goto(f"{base_url}/{path}", wait_until="load")
        page.wait_for_load_state("networkidle")
        return page

    yield go
    context.close()
    assert not external, external


def test_payment_calculator_shows_default_result_offline(open_page: Any) -> None:
    page = open_page("tools/payment.html")
    page.locator(".portal-calculator").first.wait_for(state="visible", timeout=20000)
    assert page.get_by_label("Cohort size (participants)").input_value() == "120"
    summary = page.locator(".portal-calculator table.portal-summary").first
    text = summary.inner_text()
    assert "5 880 000 DKK" in text and "1 698 000 DKK" in text and "9.8 %" in text
    images = page.locator(".portal-calculator figure img")
    assert images.count() == 3
    assert "Stacked bar chart of outcome payments" in (images.first.get_attribute("alt") or "")
    # The what-if table and the staircase example are static results on the page.
    body = page.locator("article.bd-article").inner_text()
    assert "Investor results when results fall short" in body
    assert "900 000 GBP" in body


def test_contract_guide_worked_example(open_page: Any) -> None:
    page = open_page("chapters/contract-design.html")
    body = page.locator("article.bd-article").inner_text()
    assert "One design change at a time" in body
    assert "D. As C, with a trigger at 40 %" in body
    assert page.locator("a[href$='tools/payment.html']").count() >= 1


def test_schema_page_lists_every_field(open_page: Any) -> None:
    page = open_page("chapters/scenario-files.html")
    schema = page.locator("table.portal-schema")
    assert schema.count() >= 2  # one per registered calculator
    text = page.locator("article.bd-article").inner_text()
    for path in ("outcomes[i].threshold", "outcomes[i].payment_profile", "return_cap", "flat_rate"):
        assert path in text
