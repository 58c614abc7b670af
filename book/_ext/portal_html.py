"""Pure HTML helpers of the local Sphinx extension (no Sphinx import; tested on their own).

``mark_tables`` classifies the columns of every table in a page body at build time, so the
stylesheet can right-align numbers, keep a number on one line and pin the label column of
wide numeric tables, without JavaScript and on paper too:

- a body cell is *numeric* when its whole text is one number, optionally signed, with space,
  no-break space, thin space, point or comma group separators and a point or comma decimal
  mark, and optionally a currency from :data:`CURRENCIES` before it or one unit from
  :data:`UNITS` after it ("1 194 695 DKK", "DKK 5", "-0,6", "4.0 %", "1 400 GBP", "(2 000)");
- a column is numeric when more than half of its non-empty body cells are numeric; its
  numeric and empty body cells (empty, a hyphen or dash, "n/a") and its header cells get the class
  ``portal-num`` (a text cell in a numeric column, such as a list of payments in a summary,
  stays as it is);
- a table with a numeric column whose first column is not numeric gets ``portal-sticky``
  (its first column stays in view while the table scrolls sideways);
- every classified table gets ``portal-marked``: its cells not marked numeric are text.

Every table also sits in a container that scrolls sideways and can be reached by keyboard
(``role="region"``, ``tabindex="0"``, named after the caption or the column headers): the
portal's own ``portal-table-wrap``/``portal-records``, pydata-sphinx-theme's
``pst-scrollable-table-container`` (given those attributes), or a new ``portal-scroll``.
Tables inside ``<script>`` elements (HTML in JSON strings) are never touched.

``keep_numbers_together`` wraps every number with space-separated thousands in a page's text in
``<span class="portal-n">`` with the currency or per cent sign after it (kept on one line by the
stylesheet, so "4 800 000 DKK" never breaks into "4 800" and "000 DKK" on a phone), outside
tags, scripts, styles and code; the text itself is unchanged.
"""

from __future__ import annotations

import re
from html import escape

from bs4 import BeautifulSoup, Tag

NUM_CLASS = "portal-num"
MARKED_CLASS = "portal-marked"
STICKY_CLASS = "portal-sticky"
# Currencies that may stand before a number, and units that may follow one, in a table cell.
CURRENCIES = ("DKK", "kr.", "kr", "EUR", "€", "GBP", "£", "USD", "$")
UNITS = (*CURRENCIES, "%", "‰", "pp", "p.p.", "mio.", "mia.", "x", "×", "years", "year", "yrs")  # noqa: RUF001


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_GROUP_SEP = "[ \u00a0\u202f\u2009.,']"
_NUMBER = (
    r"[-+\u2212\u2013]?\(?"
    rf"(?:\d{{1,3}}(?:{_GROUP_SEP}\d{{3}})+|\d+)"
    r"(?:[.,]\d+)?\)?"
)
_NUMERIC_CELL = re.compile(
    rf"^(?:(?:{_alternatives(CURRENCIES)})\s?)?{_NUMBER}(?:\s?(?:{_alternatives(UNITS)}))?$",
    re.IGNORECASE,
)
_TABLE = re.compile(
    r"(?P<open><div\b[^>]*>\s*)?(?P<table><table\b.*?</table>)", re.DOTALL | re.IGNORECASE
)
_SCRIPT = re.compile(r"(<script\b.*?</script>)", re.DOTALL | re.IGNORECASE)
_OWN_WRAPPERS = ("portal-table-wrap", "portal-records", "portal-scroll")
_THEME_WRAPPER = "pst-scrollable-table-container"
_EMPTY = {"", "-", "\u2013", "\u2014", "n/a"}


def is_number(text: str) -> bool:
    """True when ``text`` (trimmed) is a single number with an optional unit."""
    cleaned = " ".join(text.split())
    return bool(cleaned) and bool(_NUMERIC_CELL.match(cleaned))


def _rows(table: Tag) -> list[list[Tag]]:
    """The rows of ``table`` (not of tables nested in it) as lists of th/td cells."""
    rows = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is table:
            rows.append([c for c in tr.find_all(["th", "td"], recursive=False)])
    return rows


def _grid(rows: list[list[Tag]]) -> list[list[tuple[int, Tag]]]:
    """Each row's cells with the column index they start in (colspans counted, rowspans not)."""
    grid = []
    for cells in rows:
        column, placed = 0, []
        for cell in cells:
            placed.append((column, cell))
            try:
                column += max(1, int(str(cell.get("colspan", 1))))
            except ValueError:
                column += 1
        grid.append(placed)
    return grid


def _is_header_row(cells: list[Tag]) -> bool:
    return all(c.name == "th" for c in cells) or any(
        c.find_parent("thead") is not None for c in cells
    )


def _add_class(tag: Tag, name: str) -> None:
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = classes.split()
    if name not in classes:
        tag["class"] = [*classes, name]


def classify_table(table: Tag) -> bool:
    """Mark the numeric columns of one parsed table; True when any column is numeric.

    The table gets :data:`MARKED_CLASS` either way: its cells without :data:`NUM_CLASS` are
    text (the stylesheet aligns them left)."""
    _add_class(table, MARKED_CLASS)
    grid = _grid(_rows(table))
    body = [row for row in grid if row and not _is_header_row([c for _, c in row])]
    counts: dict[int, list[int]] = {}
    for row in body:
        for column, cell in row:
            if cell.name == "th" and column == 0:
                continue  # a row header labels the row
            text = " ".join(cell.get_text(" ").split())
            if text.lower() in _EMPTY:
                continue
            numeric, total = counts.setdefault(column, [0, 0])
            counts[column] = [numeric + is_number(text), total + 1]
    numeric_columns = {c for c, (n, t) in counts.items() if 2 * n > t}
    if not numeric_columns:
        return False
    body_cells = {id(cell) for row in body for _, cell in row}
    for row in grid:
        for column, cell in row:
            if column not in numeric_columns:
                continue
            text = " ".join(cell.get_text(" ").split())
            if id(cell) not in body_cells or is_number(text) or text.lower() in _EMPTY:
                _add_class(cell, NUM_CLASS)
    if 0 not in numeric_columns:
        _add_class(table, STICKY_CLASS)
    return True


def region_name(table: Tag) -> str:
    """A name for the scrolling region around ``table``: its caption, else its first row."""
    caption = table.find("caption")
    if isinstance(caption, Tag):
        text = " ".join(caption.get_text(" ").split())
        if text:
            return text
    rows = _rows(table)
    heads = [" ".join(c.get_text(" ").split()) for c in (rows[0] if rows else [])]
    heads = [h for h in heads if h]
    return "Table: " + ", ".join(heads[:4]) if heads else "Table"


def _region_attrs(name: str) -> str:
    return f'role="region" tabindex="0" aria-label="{escape(name, quote=True)}"'


def _mark_span(match: re.Match[str]) -> str:
    opening, html = match.group("open") or "", match.group("table")
    if html.lower().count("<table") != 1:
        return match.group(0)
    soup = BeautifulSoup(html, "html.parser")
    table = soup.find("table")
    if not isinstance(table, Tag):
        return match.group(0)
    classify_table(table)
    marked = str(soup)
    if any(name in opening for name in _OWN_WRAPPERS):
        return opening + marked
    attrs = _region_attrs(region_name(table))
    if _THEME_WRAPPER in opening and "tabindex" not in opening:
        return (
            opening.replace(f'class="{_THEME_WRAPPER}"', f'class="{_THEME_WRAPPER}" {attrs}', 1)
            + marked
        )
    if _THEME_WRAPPER in opening:
        return opening + marked
    return f'{opening}<div class="portal-scroll" {attrs}>{marked}</div>'


def mark_tables(body: str) -> str:
    """``body`` with the numeric columns of its tables marked and every table in a
    keyboard-scrollable container (see the module docstring).

    Only the ``<table>…</table>`` spans (and a ``<div>`` opening just before one) are parsed;
    a span holding a nested table is left as it is, and so is everything inside ``<script>``.
    Markup elsewhere is returned byte for byte.
    """
    if "<table" not in body:
        return body
    parts = _SCRIPT.split(body)
    # Odd indices are <script> elements (the pattern has one capturing group).
    return "".join(part if i % 2 else _TABLE.sub(_mark_span, part) for i, part in enumerate(parts))


_SKIP = re.compile(
    r"(<(script|style|pre|code|textarea)\b.*?</\2>|<[^>]*>)", re.DOTALL | re.IGNORECASE
)
_GROUPED = re.compile(
    r"(?<![\d.,])-?\d{1,3}(?: \d{3})+(?:[.,]\d+)?(?!\d)(?: (?:DKK|GBP|EUR|USD|kr\.|%)(?!\w))?"
)
NUMBER_SPAN = "portal-n"


def keep_numbers_together(body: str) -> str:
    """``body`` with each number whose thousands are separated by spaces (``1 500 000``,
    ``-4 800.5``) wrapped in ``<span class="portal-n">``, in text only: markup, ``<script>``,
    ``<style>``, ``<pre>``, ``<code>`` and ``<textarea>`` are returned byte for byte."""
    parts = _SKIP.split(body)
    out = []
    i = 0
    while i < len(parts):
        out.append(_GROUPED.sub(lambda m: f'<span class="{NUMBER_SPAN}">{m[0]}</span>', parts[i]))
        if i + 1 < len(parts):
            out.append(parts[i + 1])  # the skipped markup (the next item is its tag name)
        i += 3
    return "".join(out)
