"""Tables as HTML, shared by the calculators' results and the knowledge pages (no UI code)."""

from __future__ import annotations

import html
from collections.abc import Mapping

import numpy as np
import pandas as pd

from portal_tools.formatting import significant, whole

__all__ = ["scroll_box", "table_html"]


def table_html(
    table: pd.DataFrame,
    caption: str,
    max_rows: int = 80,
    codes: Mapping[str, str] | None = None,
) -> str:
    """A table as HTML: whole numbers as integers, floats of 10 or more rounded to whole units
    (:func:`~portal_tools.formatting.whole`: thousands spaced from five digits on), smaller
    floats and every factor column (a name ending in ``_factor``, a multiplier such as a
    discount factor) to 4 significant digits, never with an exponent
    (:func:`~portal_tools.formatting.significant`); ``True``/``False`` as yes/no, and a text
    cell that is one of ``codes`` as its label (``sib`` -> ``Social impact bond``)."""
    codes = codes or {}
    shown = table.head(max_rows)
    head = "".join(
        f"<th scope='col' style='text-align:right'>{html.escape(str(c).replace('_', ' '))}</th>"
        for c in shown
    )
    body = []
    for _, row in shown.iterrows():
        cells = []
        for col, value in row.items():
            if isinstance(value, float) and not str(col).endswith("_factor") and abs(value) >= 10:
                text = whole(value)
            elif isinstance(value, float):
                text = significant(value)
            elif value is None:
                text = ""
            elif isinstance(value, bool | np.bool_):
                text = "yes" if value else "no"
            elif isinstance(value, str):
                text = codes.get(value, value)
            else:
                text = str(value)
            cells.append(
                f"<td style='white-space:nowrap;text-align:right'>{html.escape(text)}</td>"
            )
        body.append(f"<tr>{''.join(cells)}</tr>")
    more = (
        f"<p>Showing {max_rows} of {len(table)} rows; download for all.</p>"
        if len(table) > max_rows
        else ""
    )
    markup = (
        f"<table class='portal-table'><caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    return scroll_box(markup, caption) + more


def scroll_box(table: str, label: str) -> str:
    """``table`` (HTML) in a box that scrolls sideways, reachable and named for the keyboard
    (``label``, plain text). Width 0 with min-width 100 %: a wide table scrolls inside its box
    instead of widening the whole result (and clipping the text beside it)."""
    return (
        f"<div class='portal-table-wrap' role='region' aria-label='{html.escape(label)}' "
        f"tabindex='0' style='overflow-x:auto;width:0;min-width:100%'>{table}</div>"
    )
