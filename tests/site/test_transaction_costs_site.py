"""The transaction-cost calculator page and guide in the built site and in Chromium."""

from __future__ import annotations

from pathlib import Path

from .conftest import Shown, View, on

PAGE = "tools/transaction-costs"
GUIDE = "chapters/transaction-costs"
# The page as every read-only test sees it (served locally, other hosts cut off), loaded once.
CALCULATOR = View(f"{PAGE}.html")


def test_static_page_carries_the_default_result(site: Path) -> None:
    text = (site / f"{PAGE}.html").read_text(encoding="utf-8")
    # Glued prose and the static result both hold the hand-checked SIB total.
    assert "3 152 000" in text
    assert "43 040 000 DKK" in text
    guide = (site / f"{GUIDE}.html").read_text(encoding="utf-8")
    assert "1 200 500" in guide  # saving from reuse in the worked example
    assert "17.5 mio. kr." in guide  # break-even of the second SIB


@on(CALCULATOR)
def test_calculator_renders_table_result_and_charts_offline(shown: Shown) -> None:
    page = shown.page
    items = page.locator(".portal-calculator table.portal-inputs", has_text="Cost items")
    names = items.first.inner_text()
    assert "Needs analysis and business case" in names
    assert "Independent evaluation" in names
    summary = page.locator("table.portal-summary")
    assert "Social impact bond: 3 152 000 DKK" in summary.inner_text()
    images = page.locator(".portal-calculator figure img")
    assert images.count() == 2
    alts = [images.nth(i).get_attribute("alt") or "" for i in range(2)]
    assert alts[0].startswith("Two stacked bar charts")
    assert "Social impact bond reaches it at 43 040 000 DKK" in alts[1]
    for i in range(2):
        assert page.evaluate("(img) => img.naturalWidth", images.nth(i).element_handle()) > 300
    links = page.locator("a.portal-downloads, .portal-downloads a")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert len(hrefs) == 3 and all(h.startswith("data:") for h in hrefs)
    assert not shown.external


@on(CALCULATOR)
def test_wide_cost_table_does_not_widen_the_result(shown: Shown) -> None:
    page = shown.page
    page.locator("table.portal-summary").wait_for(state="visible", timeout=20000)
    # The calculator keeps the page's width: wide tables scroll inside their own boxes
    # (role=region), so the notes and charts beside them are not cut off.
    widths = page.evaluate(
        """() => [...document.querySelectorAll(
                   '.portal-calculator, .portal-calculator > :not([role=region])')]
                 .map(e => [e.className, e.clientWidth, e.scrollWidth])"""
    )
    assert widths and all(scroll <= client + 1 for _, client, scroll in widths), widths
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.portal-calculator > [role=region]')]
                 .map(e => [e.clientWidth, e.parentElement.clientWidth])"""
    )
    assert boxes and all(box <= outer + 1 for box, outer in boxes), boxes
