"""Tables as HTML, shared by the calculators' results and the knowledge pages (no UI code)."""

from __future__ import annotations

import html

import pandas as pd

from portal_tools.formatting import thousands

__all__ = ["table_html"]


def table_html(table: pd.DataFrame, caption: str, max_rows: int = 80) -> str:
    """A table as HTML: whole numbers as integers, floats of 10 or more rounded to whole units
    with thousands separators, smaller floats and every factor column (a name ending in
    ``_factor``, a multiplier such as a discount factor) to 4 significant digits."""
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
                text = thousands(value)
            elif isinstance(value, float):
                text = f"{value:.4g}"
            elif value is None:
                text = ""
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
    return (
        # width 0 with min-width 100 %: a wide table scrolls inside its box instead of
        # widening the whole result (and clipping the text beside it).
        f"<div class='portal-table-wrap' role='region' aria-label='{html.escape(caption)}' "
        "tabindex='0' style='overflow-x:auto;width:0;min-width:100%'>"
        f"<table class='portal-table'><caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>{more}"
    )
