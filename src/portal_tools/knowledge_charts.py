"""Charts of the knowledge-base data (object-oriented matplotlib, colour-blind-safe palette).

Every function takes validated tables from :mod:`portal_tools.knowledge` and returns a
:class:`~portal_tools.charts.Chart` (figure plus alt text stating every value shown) and the
table the chart is drawn from, so a page can show both: the chart for sighted readers and the
table as the accessible alternative. :func:`figure_html` puts the two together.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence

import pandas as pd

from portal_tools.charts import PALETTE, Chart, new_figure, png_bytes
from portal_tools.knowledge import fmt_date, fmt_number
from portal_tools.tables import table_html

__all__ = [
    "figure_html",
    "market_growth_chart",
    "record_tables_html",
    "repayment_chart",
    "survey_chart",
    "survey_table",
    "text_table_html",
]

_REPAID_COLOURS = {"yes": PALETTE[2], "partly": PALETTE[1], "no": PALETTE[3], "unknown": "#888888"}
_PUBLISHER_COLOURS = {"Brookings": PALETTE[0], "GO Lab": PALETTE[1]}


def _fmt_pct(value: float) -> str:
    return f"{value:g} %"


def survey_table(figures: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    """The rows of ``survey_figures.csv`` with the given ids, in that order, for display.

    Raises ``KeyError`` naming any id that is not in the data.
    """
    indexed = figures.set_index("id")
    missing = [i for i in ids if i not in indexed.index]
    if missing:
        raise KeyError(f"survey_figures.csv has no id {missing}")
    rows = indexed.loc[list(ids)]
    return pd.DataFrame(
        {
            "Respondents": rows["group"].to_numpy(),
            "Statement": rows["statement"].to_numpy(),
            "Answer": rows["answer"].to_numpy(),
            "Percent": rows["percent"].astype(float).to_numpy(),
            "Source": rows["source"].str.replace("oxfordresearch2020 ", "", regex=False).to_numpy(),
        }
    )


def survey_chart(
    figures: pd.DataFrame, ids: Sequence[str], title: str, labels: Sequence[str] | None = None
) -> tuple[Chart, pd.DataFrame]:
    """Horizontal bars (0-100 %) of the survey figures ``ids``, first id at the top.

    ``labels`` overrides the bar labels (default: statement and answer). The alt text lists
    every bar with its percentage; the x axis always runs from 0 to 100 so bars are comparable
    across charts.
    """
    table = survey_table(figures, ids)
    bar_labels = (
        list(labels)
        if labels is not None
        else [f"{s} ({a})" for s, a in zip(table["Statement"], table["Answer"], strict=True)]
    )
    if len(bar_labels) != len(table):
        raise ValueError(f"{len(bar_labels)} labels for {len(table)} bars")
    values = table["Percent"].to_list()
    height = 0.55 * len(values) + 1.2
    fig = new_figure(height=height)
    ax = fig.add_subplot()
    positions = list(range(len(values)))[::-1]
    ax.barh(positions, values, color=PALETTE[0], height=0.6)
    for pos, value in zip(positions, values, strict=True):
        ax.annotate(
            _fmt_pct(value),
            (value, pos),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    ax.set_yticks(positions, bar_labels, fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of respondents (%)")
    ax.set_title(title, fontsize=11)
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    alt = (
        f"Bar chart: {title}. "
        + "; ".join(f"{label}: {_fmt_pct(v)}" for label, v in zip(bar_labels, values, strict=True))
        + "."
    )
    return Chart(fig, alt), table


def market_growth_chart(counts: pd.DataFrame) -> tuple[Chart, pd.DataFrame]:
    """Bars of impact bonds counted worldwide at each date, coloured by who counted them."""
    table = pd.DataFrame(
        {
            "Date": counts["date"].to_numpy(),
            "Impact bonds": counts["count"].astype(int).to_numpy(),
            "Counted by": counts["publisher"].to_numpy(),
            "Measure": counts["measure"].to_numpy(),
        }
    )
    fig = new_figure(height=3.8)
    ax = fig.add_subplot()
    xs = list(range(len(table)))
    colours = [_PUBLISHER_COLOURS[p] for p in table["Counted by"]]
    ax.bar(xs, table["Impact bonds"], color=colours)
    for x, value in zip(xs, table["Impact bonds"], strict=True):
        ax.annotate(
            str(value),
            (x, value),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=9,
        )
    ax.set_xticks(xs, [fmt_date(d) for d in table["Date"]], fontsize=9)
    ax.set_ylabel("Impact bonds")
    ax.set_title("Impact bonds worldwide, as counted at each date", fontsize=11)
    from matplotlib.patches import Patch

    handles = [Patch(color=c, label=p) for p, c in _PUBLISHER_COLOURS.items()]
    ax.legend(handles=handles, frameon=False, fontsize=9, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    alt = (
        "Bar chart of impact bonds counted worldwide: "
        + "; ".join(
            f"{fmt_date(d)}: {n} ({p})"
            for d, n, p in zip(
                table["Date"], table["Impact bonds"], table["Counted by"], strict=True
            )
        )
        + "."
    )
    return Chart(fig, alt), table


def repayment_chart(record: pd.DataFrame) -> tuple[Chart, pd.DataFrame]:
    """Horizontal bars of what happened to investors in the completed impact bonds."""
    table = pd.DataFrame(
        {
            "Outcome for investors": record["outcome"].to_numpy(),
            "Impact bonds": record["count"].astype(int).to_numpy(),
            "Investor repaid": record["investor_repaid"].to_numpy(),
        }
    )
    total = int(table["Impact bonds"].sum())
    fig = new_figure(height=3.6)
    ax = fig.add_subplot()
    positions = list(range(len(table)))[::-1]
    ax.barh(
        positions,
        table["Impact bonds"],
        color=[_REPAID_COLOURS[r] for r in table["Investor repaid"]],
        height=0.6,
    )
    for pos, value in zip(positions, table["Impact bonds"], strict=True):
        ax.annotate(
            str(value),
            (value, pos),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    ax.set_yticks(positions, table["Outcome for investors"], fontsize=9)
    ax.set_xlabel("Completed impact bonds")
    ax.set_title(f"The {total} completed impact bonds (Brookings, 1 January 2020)", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    alt = (
        f"Bar chart of the {total} completed impact bonds by outcome for investors: "
        + "; ".join(
            f"{o}: {n}"
            for o, n in zip(table["Outcome for investors"], table["Impact bonds"], strict=True)
        )
        + "."
    )
    return Chart(fig, alt), table


def figure_html(chart: Chart, table: pd.DataFrame, caption: str) -> str:
    """HTML of a chart with its alt text and caption, followed by the data as a table.

    The table sits in a ``<details>`` element ("Show the data as a table") so a screen-reader or
    keyboard user gets every number without the image.
    """
    uri = "data:image/png;base64," + base64.b64encode(png_bytes(chart.figure)).decode("ascii")
    return (
        "<figure class='portal-chart'>"
        f"<img src='{uri}' alt='{html.escape(chart.alt, quote=True)}' style='max-width:100%'>"
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        "<details class='portal-chart-data'><summary>Show the data as a table</summary>"
        f"{table_html(table, caption)}</details>"
    )


def text_table_html(table: pd.DataFrame, caption: str) -> str:
    """A table of mostly text cells (cases, dated facts), with column headers scoped for
    screen readers and empty cells shown as a dash; wraps in a scrollable, labelled region."""
    shown = table.astype(object).where(table.notna(), "\N{EN DASH}")
    body = shown.to_html(index=False, border=0, classes="portal-table")
    head, _, rest = body.partition(">")
    body = f"{head}><caption>{html.escape(caption)}</caption>{rest}"
    body = body.replace("<th>", "<th scope='col'>")
    label = html.escape(caption, quote=True)
    return (
        f"<div class='portal-table-wrap' role='region' tabindex='0' aria-label='{label}'>"
        f"{body}</div>"
    )


def _cell_text(value: object) -> str:
    """A cell as text: numbers through :func:`fmt_number` (``3.0`` shows as ``3``)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt_number(value)
    return str(value)


def record_tables_html(table: pd.DataFrame, title_column: str, label: str) -> str:
    """One small two-column table (field, value) per row of ``table``, captioned with the row's
    ``title_column``: readable on a narrow screen where a wide table with many text columns is
    not. Empty cells are left out; ``label`` names the whole group for screen readers."""
    parts = []
    for _, row in table.iterrows():
        cells = "".join(
            f"<tr><th scope='row'>{html.escape(str(col))}</th>"
            f"<td>{html.escape(_cell_text(value))}</td></tr>"
            for col, value in row.items()
            if col != title_column and value is not None and not pd.isna(value)
        )
        parts.append(
            f"<table class='portal-table portal-record'><caption>"
            f"{html.escape(str(row[title_column]))}</caption><tbody>{cells}</tbody></table>"
        )
    return (
        f"<div class='portal-records' role='group' aria-label='{html.escape(label, quote=True)}'>"
        f"{''.join(parts)}</div>"
    )
