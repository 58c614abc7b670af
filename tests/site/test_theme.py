"""Theme and presentation (issue 13): menus at every width, one search field, contrast in light
and dark mode at 1280 and 390 px (axe), table padding and numbers, MathJax only with maths,
print, and the local extension's HTML helpers (book/_ext).

Every page is loaded once per colour mode and width, in the session's one browser (each load in a
context of its own); the axe, search-field and table checks all run on that one load, which
the read-only tests of other modules share (``shown``, conftest.py). The menu, sidebar and search
tests click and navigate, so each takes a page of its own (``fresh``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .conftest import AXE, BOOK, Shown, View, toc_docnames

sys.path.insert(0, str(BOOK / "_ext"))
from portal_ext import without_search_scripts
from portal_html import CURRENCIES, NUM_CLASS, STICKY_CLASS, UNITS, is_number, mark_tables

PAGES = [*toc_docnames(), "search"]
MODES = ("light", "dark")
WIDTHS = (1280, 390)
# The minimum cell padding chosen in book/_ext/static/portal/portal.css (0.3rem 0.6rem at the
# 16 px root size): numbers in adjacent cells stand at least 19 px apart.
MIN_PAD_X = 0.6 * 16
MIN_PAD_Y = 0.3 * 16
ALLOWED_CONSOLE_ERRORS = {
    # sphinx-book-theme 1.3 on a first visit; its default_mode option is rejected under -W.
    "Got invalid theme mode: . Resetting to auto.",
}
# A4 less the print stylesheet's 12 mm side margins, in CSS pixels (96 per inch).
A4_CONTENT_PX = round((210 - 2 * 12) / 25.4 * 96)
# Pages printed in the tests, with the least number of tables each shows on paper.
PRINT_PAGES = {
    "tools/present-value": 3,
    "tools/payment": 3,
    "chapters/baseline-2020": 7,
    "chapters/glossary": 0,
    "intro": 0,
}
# The calculator pages print as result sheets on at most this many A4 pages (measured on the
# default examples; stated in book/chapters/how-calculators-work.md): a longer print means a
# table or chart no longer fits or something that should not print does.
PRINT_A4_PAGES = {"tools/present-value": 3, "tools/payment": 16}

VISIBLE_SEARCH_FIELDS = """() => [...document.querySelectorAll(
    '.search-button-field, .search-button, form.bd-search')]
  .filter(e => !e.closest('dialog:not([open])') && e.getClientRects().length > 0
               && getComputedStyle(e).visibility !== 'hidden')
  .map(e => e.className)"""

THIN_CELLS = """([minX, minY]) => [...document.querySelectorAll(
    'article.bd-article table:not(.highlighttable):not(.field-list) :is(th, td)')]
  .map(c => [c, getComputedStyle(c)])
  .filter(([c, s]) => parseFloat(s.paddingLeft) < minX - 0.01
      || parseFloat(s.paddingRight) < minX - 0.01
      || parseFloat(s.paddingTop) < minY - 0.01 || parseFloat(s.paddingBottom) < minY - 0.01)
  .slice(0, 5)
  .map(([c, s]) => `${c.textContent.trim().slice(0, 30)}: ${s.padding}`)"""

# Text cells of a table classified at build time that are right-aligned or cannot wrap.
BAD_TEXT_CELLS = """() => [...document.querySelectorAll(
    'article.bd-article table.portal-marked > tbody > tr > td:not(.portal-num)')]
  .map(c => [c, getComputedStyle(c)])
  .filter(([c, s]) => s.textAlign === 'right' || s.whiteSpace === 'nowrap')
  .slice(0, 5).map(([c, s]) => `${c.textContent.trim()}: ${s.textAlign} ${s.whiteSpace}`)"""
# The logo images the reader sees.
VISIBLE_LOGOS = """() => [...document.querySelectorAll('img.logo__image')]
  .filter(e => getComputedStyle(e).display !== 'none').map(e => e.getAttribute('src'))"""

# Numbers in table columns are right-aligned and do not wrap; a cell that the stylesheet stacks
# on a phone (an inputs table shown as one block per row) is no column and is left out.
BAD_NUMBER_CELLS = """() => [...document.querySelectorAll('article.bd-article tbody td.portal-num')]
  .map(c => [c, getComputedStyle(c)])
  .filter(([c, s]) => s.display === 'table-cell')
  .filter(([c, s]) => s.textAlign !== 'right' || s.whiteSpace !== 'nowrap')
  .slice(0, 5).map(([c, s]) => `${c.textContent.trim()}: ${s.textAlign} ${s.whiteSpace}`)"""


def serious_axe_findings(page: Any) -> list[dict[str, Any]]:
    """Every serious or critical axe violation on the page (no exemptions: the one upstream
    finding, the colour-mode button's name, is fixed by book/_ext/templates)."""
    report = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "nodes": [(n["target"], n.get("failureSummary", "")[-120:]) for n in v["nodes"][:4]],
        }
        for v in report["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# Every visible Font Awesome icon is drawn by the stylesheet from the solid web font (no page
# loads the theme's Font Awesome script): an <i> with a glyph, the font loaded, some width.
BLANK_ICONS = """async () => {
  await document.fonts.load('900 16px "Font Awesome 6 Free"');
  const fontReady = document.fonts.check('900 16px "Font Awesome 6 Free"');
  return [...document.querySelectorAll('i[class*="fa-"]')]
    .filter((i) => i.checkVisibility())
    .filter((i) => {
      const glyph = getComputedStyle(i, '::before').content;
      return !fontReady || !glyph || glyph === 'none' || glyph === 'normal'
             || i.getBoundingClientRect().width < 4;
    })
    .map((i) => i.className).slice(0, 5);
}"""

# Every page in each colour mode and width; the order of the tests' ids is page, mode, width.
PAGE_VIEWS = [
    pytest.param(View(f"{name}.html", mode, width), id=f"{name}-{mode}-{width}")
    for name in PAGES
    for mode in MODES
    for width in WIDTHS
]
Fresh = Callable[[View], Shown]


@pytest.mark.parametrize("shown", PAGE_VIEWS, indirect=True)
def test_page_in_mode_and_width(shown: Shown) -> None:
    """The page loads with a heading, no console error, no failed or external request; axe
    finds no serious or critical violation; exactly one search field shows; every table cell
    has at least the chosen padding, numbers are right-aligned and unbroken, text is not
    right-aligned; every icon is drawn without the Font Awesome script; the logo shown suits
    the mode."""
    page, mode = shown.page, shown.view.mode
    assert page.evaluate("document.documentElement.dataset.theme") == mode
    heading = page.locator("article.bd-article h1, .bd-search-container h1").first
    assert heading.is_visible() and heading.inner_text().strip()
    assert not shown.failed, shown.failed
    assert not [e for e in shown.errors if e not in ALLOWED_CONSOLE_ERRORS], shown.errors
    assert not shown.external, shown.external
    fields = page.evaluate(VISIBLE_SEARCH_FIELDS)
    assert len(fields) == 1, fields
    assert not page.evaluate(THIN_CELLS, [MIN_PAD_X, MIN_PAD_Y])
    assert not page.evaluate(BAD_NUMBER_CELLS)
    assert not page.evaluate(BAD_TEXT_CELLS)
    assert page.locator("script[src*='fontawesome']").count() == 0
    assert not page.evaluate(BLANK_ICONS)
    logos = page.evaluate(VISIBLE_LOGOS)
    assert len(logos) == 1 and logos[0].endswith("logo-dark.svg") == (mode == "dark"), logos
    findings = serious_axe_findings(page)
    assert not findings, json.dumps(findings, indent=1)


@pytest.mark.parametrize("width", [390, 900])
def test_site_menu_opens_and_navigates_on_narrow_screens(fresh: Fresh, width: int) -> None:
    page = fresh(View("tools/payment.html", "light", width)).page
    toggle = page.locator("button.primary-toggle:visible")
    assert toggle.count() == 1
    toggle.click()
    menu = page.locator("dialog#pst-primary-sidebar-modal[open]")
    menu.wait_for(state="visible", timeout=5000)
    link = menu.get_by_role("link", name="Glossary")
    assert link.is_visible()
    link.click()
    page.wait_for_url("**/chapters/glossary.html")
    assert page.locator("article.bd-article h1").first.inner_text().startswith("Glossary")


@pytest.mark.parametrize("width", [390, 900, 1100])
def test_on_this_page_menu_opens_below_1200(fresh: Fresh, width: int) -> None:
    page = fresh(View("tools/payment.html", "light", width)).page
    toggle = page.locator("button.secondary-toggle:visible")
    assert toggle.count() == 1
    toggle.click()
    contents = page.locator("dialog#pst-secondary-sidebar-modal[open]")
    contents.wait_for(state="visible", timeout=5000)
    link = contents.get_by_role("link", name="A progression staircase")
    assert link.is_visible()
    link.click()
    page.wait_for_url("**/tools/payment.html#a-progression-staircase")


def test_sidebar_toggle_collapses_and_restores_on_wide_screens(fresh: Fresh) -> None:
    page = fresh(View("tools/payment.html", "light", 1280)).page
    sidebar = page.locator("#pst-primary-sidebar")
    assert sidebar.is_visible()
    toggle = page.locator("button.primary-toggle:visible")
    assert toggle.count() == 1
    toggle.click()
    page.wait_for_function(
        "() => document.querySelector('#pst-primary-sidebar')"
        ".classList.contains('pst-sidebar-hidden')"
    )
    toggle.click()
    page.wait_for_function(
        "() => !document.querySelector('#pst-primary-sidebar')"
        ".classList.contains('pst-sidebar-hidden')"
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_search_dialog_on_a_guide_finds_the_calculator(fresh: Fresh, width: int) -> None:
    """Guides no longer load the search index; their search field (the sidebar's field on a
    wide screen, the header's search button on a phone) still searches."""
    page = fresh(View("chapters/ethics.html", "light", width)).page
    button = page.locator(".search-button-field:visible, button.search-button:visible")
    assert button.count() == 1
    button.click()
    field = page.locator("dialog#pst-search-dialog[open] input[name=q]")
    field.fill("payback")
    field.press("Enter")
    page.wait_for_url("**/search.html?q=payback*")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=15000)
    hrefs = results.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any("tools/present-value.html" in (h or "") for h in hrefs), hrefs


def _pdf_pages(pdf: bytes) -> list[bytes]:
    return re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)


@pytest.mark.parametrize("name", PRINT_PAGES)
def test_page_prints_every_table_column(browser: Any, base_url: str, name: str) -> None:
    """In print layout at A4 width every table cell is inside the page and no container clips
    it; tables in disclosures print open; links are underlined; no button, sidebar or download
    link prints; the PDF is A4."""
    context = browser.new_context(viewport={"width": A4_CONTENT_PX, "height": 1100})
    try:
        page = context.new_page()
        page.goto(f"{base_url}/{name}.html", wait_until="load")
        page.wait_for_load_state("networkidle")
        if name.startswith("tools/"):
            page.locator(".portal-calculator").first.wait_for(state="visible", timeout=20000)
        page.emulate_media(media="print")
        tables = page.evaluate(
            "() => [...document.querySelectorAll('article.bd-article table')]"
            ".filter(t => t.checkVisibility()).length"
        )
        assert tables >= PRINT_PAGES[name]
        plain_links = page.evaluate(
            """() => [...document.querySelectorAll('article.bd-article a[href]')]
                 .filter(a => a.checkVisibility()
                         && !getComputedStyle(a).textDecorationLine.includes('underline'))
                 .map(a => a.textContent.trim()).slice(0, 5)"""
        )
        assert not plain_links, plain_links
        clipped = page.evaluate(
            """(limit) => {
              const out = [];
              for (const cell of document.querySelectorAll('article.bd-article :is(th, td)')) {
                if (!cell.checkVisibility()) continue;  // not printed
                const r = cell.getBoundingClientRect();
                if (r.right > limit + 1) out.push(['page', cell.textContent.trim()]);
                for (let a = cell.parentElement; a && a !== document.body; a = a.parentElement) {
                  const s = getComputedStyle(a);
                  if (s.overflowX !== 'visible' && r.right > a.getBoundingClientRect().right + 1)
                    out.push([a.className, cell.textContent.trim()]);
                }
              }
              return out.slice(0, 8);
            }""",
            A4_CONTENT_PX,
        )
        assert not clipped, clipped
        shown = page.evaluate(
            """() => [...document.querySelectorAll(
                 'button, a[download], .bd-sidebar-primary, .bd-sidebar-secondary, '
                 + '.bd-header-article, .prev-next-footer')]
               .filter(e => e.getClientRects().length > 0).map(e => e.className || e.tagName)"""
        )
        assert not shown, shown
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
    finally:
        context.close()
    boxes = _pdf_pages(pdf)
    assert len(boxes) <= PRINT_A4_PAGES.get(name, len(boxes)), (name, len(boxes))
    assert boxes and all(b.split()[2:] == boxes[0].split()[2:] for b in boxes)
    width, height = (float(v) for v in boxes[0].split()[2:])
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4 in points


# ---- Built HTML (no browser) ----------------------------------------------------------------


def _html(site: Path, name: str) -> str:
    return (site / f"{name}.html").read_text(encoding="utf-8")


def test_maths_is_mathml_and_no_page_loads_mathjax(site: Path) -> None:
    """Formulas are MathML written at build time: every math element of a page is a ``<math>``
    element, and no page loads MathJax or its configuration."""
    with_maths = []
    for name in PAGES:
        text = _html(site, name)
        assert "mathjax/" not in text and "window.MathJax" not in text, name
        spans = re.findall(r'class="math notranslate[^"]*">(.{0,60})', text)
        assert all(s.startswith("<math") for s in spans), (name, spans[:3])
        with_maths += [name] if spans else []
    assert "tools/present-value" in with_maths and "intro" not in with_maths
    pv = _html(site, "tools/present-value")
    assert "<munderover><mo>&#x02211;</mo>" in pv  # the NPV's sum with its limits


def test_search_index_loads_on_the_search_page_only(site: Path) -> None:
    for name in PAGES:
        loads = "searchindex.js" in _html(site, name)
        assert loads == (name == "search"), name


def test_axe_is_vendored_for_the_tests_only(site: Path) -> None:
    """axe-core comes from npm into book/_vendor (make env); no page loads it."""
    assert AXE.exists(), "run `make env` (npm ci, then scripts/vendor_assets.py)"
    for name in PAGES:
        sources = re.findall(r'src="([^"]*)"', _html(site, name))
        assert not [src for src in sources if "axe" in src], name


def test_navbar_is_empty_and_each_sidebar_has_one_toggle(site: Path) -> None:
    """The root cause of the dead menus: hidden toggles in the persistent navbar."""
    for name in PAGES:
        text = _html(site, name)
        header = re.search(r'<header id="pst-header"[^>]*>(.*?)</header>', text, re.DOTALL)
        assert header is not None and not header.group(1).strip(), name
        assert len(re.findall(r'class="[^"]*\bprimary-toggle\b', text)) == 1, name
        assert len(re.findall(r'class="[^"]*\bsecondary-toggle\b', text)) <= 1, name


def test_tables_are_marked_and_keyboard_scrollable(site: Path) -> None:
    numeric = 0
    for name in PAGES:
        body = _html(site, name).split("<article", 1)[-1].split("</article>", 1)[0]
        body = re.sub(r"<script\b.*?</script>", "", body, flags=re.DOTALL)
        numeric += body.count(NUM_CLASS)
        for table in re.finditer(r"(<div\b[^>]*>)\s*<table\b", body):
            opening = table.group(1)
            if "portal-records" in opening:
                continue
            assert "tabindex" in opening and "region" in opening, (name, opening)
    assert numeric > 100


# ---- The extension's helpers ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "0",
        "2018",
        "12 000 000",
        "-3 048 000",
        "1 194 695 DKK",
        "4.0 %",
        "-0,6",
        "0.44x",
        "1.500.000,50",
        "(2 000)",
        "\u22123",
        "DKK 5",
        "1\u00a0400 GBP",
        " 7 years ",
    ],
)
def test_numbers_are_recognised(text: str) -> None:
    assert is_number(text)


@pytest.mark.parametrize(
    "text", ["", "x", "%", "1 500 GBP each", "5-7 years", "True", "year 1", "2 0000", "n/a"]
)
def test_text_is_not_a_number(text: str) -> None:
    assert not is_number(text)


@given(
    st.integers(-(10**15), 10**15),
    st.sampled_from(["", *UNITS]),
    st.sampled_from(["", *CURRENCIES]),
)
def test_any_grouped_integer_with_a_unit_is_a_number(n: int, unit: str, currency: str) -> None:
    grouped = f"{n:,}".replace(",", " ")
    assert is_number(f"{grouped} {unit}".strip())
    assert is_number(f"{grouped}{unit}")
    assert is_number(f"{currency} {grouped}".strip())


@given(st.text(alphabet="abcdefghijklmnopqrstuvwz", min_size=1, max_size=12), st.integers(0, 999))
def test_a_word_that_is_no_unit_makes_text(word: str, n: int) -> None:
    if word.lower() in {u.lower() for u in UNITS}:
        return
    assert not is_number(word)
    assert not is_number(f"{word} {n}") and not is_number(f"{n} {word}")


def _cells(html: str) -> list[tuple[str, str]]:
    """(text, class attribute) of every th/td, in order."""
    cells = []
    for m in re.finditer(r"<(?:th|td)\b([^>]*)>([^<]*)<", html):
        cls = re.search(r'class="([^"]*)"', m.group(1))
        cells.append((m.group(2), cls.group(1) if cls else ""))
    return cells


def test_numeric_columns_are_marked_header_included() -> None:
    html = mark_tables(
        "<table><thead><tr><th>Outcome</th><th>Paid</th><th>Note</th></tr></thead><tbody>"
        "<tr><td>Job</td><td>1 000</td><td>first</td></tr>"
        "<tr><td>Home</td><td>2 500 DKK</td><td>12</td></tr>"
        "<tr><td>School</td><td>\u2013</td><td>later</td></tr></tbody></table>"
    )
    cells = dict(_cells(html))
    assert NUM_CLASS in cells["Paid"] and NUM_CLASS in cells["1 000"]
    assert NUM_CLASS in cells["2 500 DKK"]
    assert NUM_CLASS in cells["\u2013"]  # an empty cell aligns with the numbers
    assert NUM_CLASS not in cells["Note"] and NUM_CLASS not in cells["12"]  # text column
    assert NUM_CLASS not in cells["Outcome"] and NUM_CLASS not in cells["Job"]
    assert STICKY_CLASS in html  # label column first, numbers after it
    assert html.startswith(
        '<div class="portal-scroll" role="region" tabindex="0" '
        'aria-label="Table: Outcome, Paid, Note">'
    )


def test_a_text_cell_in_a_numeric_column_is_left_alone() -> None:
    html = mark_tables(
        "<table><tr><th scope='row'>Total</th><td>900 000 GBP</td></tr>"
        "<tr><th scope='row'>Rate</th><td>4.0 %</td></tr>"
        "<tr><th scope='row'>By outcome</th><td>Job: 1 000; Home: 2 000</td></tr></table>"
    )
    cells = dict(_cells(html))
    assert NUM_CLASS in cells["900 000 GBP"] and NUM_CLASS in cells["4.0 %"]
    assert NUM_CLASS not in cells["Job: 1 000; Home: 2 000"]
    assert NUM_CLASS not in cells["Total"]  # row headers label their row


def test_colspans_shift_columns() -> None:
    html = mark_tables(
        "<table><tr><th colspan='2'>Group</th><th>Sum</th></tr>"
        "<tr><td>a</td><td>b</td><td>10</td></tr><tr><td>c</td><td>d</td><td>20</td></tr></table>"
    )
    cells = dict(_cells(html))
    assert NUM_CLASS in cells["Sum"] and NUM_CLASS in cells["10"] and NUM_CLASS in cells["20"]
    assert NUM_CLASS not in cells["b"] and NUM_CLASS not in cells["Group"]


def test_wrappers_scripts_and_nested_tables() -> None:
    own = "<div class='portal-table-wrap' role='region'><table><tr><td>1</td></tr></table></div>"
    assert mark_tables(own).startswith(
        "<div class='portal-table-wrap' role='region'><table class=\"portal-marked\">"
    )
    assert mark_tables(own).count("portal-scroll") == 0
    theme = (
        '<div class="pst-scrollable-table-container"><table><caption>Prices</caption>'
        "<tr><td>1</td></tr></table></div>"
    )
    assert mark_tables(theme).startswith(
        '<div class="pst-scrollable-table-container" role="region" tabindex="0" '
        'aria-label="Prices"><table class="portal-marked">'
    )
    script = "<script>var s = '<table><tr><td class=x>1</td></tr></table>';</script>"
    assert mark_tables(script) == script
    nested = "<table><tr><td><table><tr><td>1</td></tr></table></td></tr></table>"
    assert NUM_CLASS not in mark_tables(nested)
    assert mark_tables("<p>no table, 1 000</p>") == "<p>no table, 1 000</p>"


def test_without_search_scripts_keeps_everything_else() -> None:
    head = (
        '<meta name="x"/>\n    <script src="../_static/searchtools.js"></script>\n'
        '    <script src="../_static/language_data.js"></script>\n'
        '    <script src="../searchindex.js"></script>\n<script src="../_static/other.js"></script>'
    )
    assert without_search_scripts(head) == (
        '<meta name="x"/>\n<script src="../_static/other.js"></script>'
    )
