"""The payment calculator, the contract guide and the schema page in headless Chromium: the
default results are visible without a kernel, and the generated schema lists every field."""

from __future__ import annotations

from .conftest import Shown, View, on


@on(View("tools/payment.html"))
def test_payment_calculator_shows_default_result_offline(shown: Shown) -> None:
    page = shown.page
    inputs = page.locator(".portal-calculator table.portal-inputs").first.inner_text()
    assert "Cohort size\t120\tparticipants" in inputs
    summary = page.locator(".portal-calculator table.portal-summary").first
    text = summary.inner_text()
    assert "5 880 000 DKK" in text and "1 698 000 DKK" in text and "9.8 %" in text
    images = page.locator(".portal-calculator figure img")
    assert images.count() == 5
    assert "Stacked bar chart of outcome payments" in (images.first.get_attribute("alt") or "")
    assert "Tornado chart of the investor's IRR" in (images.nth(3).get_attribute("alt") or "")
    # The advanced inputs are listed with the others, codes as words.
    assert "Periods per year\tBy year\tperiods" in inputs
    # The what-if table and the staircase example are static results on the page.
    body = page.locator("article.bd-article").inner_text()
    assert "Investor results when results fall short" in body
    assert "900 000 GBP" in body
    # The sensitivity section: its tornado charts and the break-even factor in the prose.
    assert "One input at a time 10 % or 25 % lower or higher" in body
    assert "break-even factor is\n92 %" in body or "break-even factor is 92 %" in body
    assert not shown.external


@on(View("chapters/contract-design.html"))
def test_contract_guide_worked_example(shown: Shown) -> None:
    page = shown.page
    body = page.locator("article.bd-article").inner_text()
    assert "One design change at a time" in body
    assert "D. As C, with a trigger at 40 %" in body
    assert page.locator("a[href$='tools/payment.html']").count() >= 1
    assert not shown.external


@on(View("chapters/scenario-files.html"))
def test_schema_page_lists_every_field(shown: Shown) -> None:
    page = shown.page
    schema = page.locator("table.portal-schema")
    assert schema.count() >= 2  # one per registered calculator
    text = page.locator("article.bd-article").inner_text()
    for path in (
        "outcomes[i].threshold",
        "outcomes[i].payment_profile",
        "outcomes[i].baseline_rate",
        "return_cap",
        "periods_per_year",
        "capital.capital_protection",
        "cohort_spread",
        "flat_rate",
    ):
        assert path in text
    assert not shown.external
