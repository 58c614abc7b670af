"""The payment calculator's charts: payments by outcome and year, the investor's yearly flows
and cumulative position, and the commissioner's payments against value (matplotlib is imported
only when a chart is drawn, by :func:`portal_tools.charts.new_figure`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from portal_tools.charts import PALETTE, Chart, new_figure, year_axes
from portal_tools.formatting import money
from portal_tools.results import Result

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _payments_chart(result: Result) -> Figure:
    table = result.tables["payments_by_outcome"]
    fig = new_figure()
    ax = fig.add_subplot()
    years = table["year"].to_numpy()
    bottom = np.zeros(years.size)
    for i, name in enumerate(c for c in table.columns if c != "year"):
        values = table[name].to_numpy(dtype=float)
        ax.bar(years, values, bottom=bottom, color=PALETTE[i % len(PALETTE)], label=name)
        bottom += values
    year_axes(
        ax,
        years,
        result.currency,
        "Outcome payments by outcome and year",
        legend=table.shape[1] <= 9,
    )
    return fig


def _investor_chart(result: Result) -> Figure:
    table = result.tables["yearly"]
    fig = new_figure()
    ax = fig.add_subplot()
    years = table["year"].to_numpy()
    ax.bar(years, -table["delivery_cost"], color=PALETTE[3], label="Delivery cost (paid)")
    ax.bar(years, table["outcome_payments"], color=PALETTE[2], label="Outcome payments (received)")
    ax.plot(
        years,
        table["investor_cumulative"],
        color=PALETTE[0],
        marker="o",
        linewidth=2,
        label="Cumulative position",
    )
    year_axes(
        ax, years, result.currency, "Investor's yearly flows and cumulative position", legend=True
    )
    return fig


def _commissioner_chart(result: Result) -> Figure:
    table = result.tables["yearly"]
    fig = new_figure()
    ax = fig.add_subplot()
    years = table["year"].to_numpy()
    ax.plot(
        years,
        np.cumsum(table["pv_outcome_payments"]),
        color=PALETTE[3],
        marker="o",
        linewidth=2,
        label="Payments (cumulative, present value)",
    )
    ax.plot(
        years,
        np.cumsum(table["pv_commissioner_value"]),
        color=PALETTE[2],
        marker="s",
        linewidth=2,
        label="Value of achievements (cumulative, present value)",
    )
    year_axes(ax, years, result.currency, "Commissioner: payments against value", legend=True)
    return fig


def _money(x: float | None, currency: str) -> str:
    return "none" if x is None else money(x, currency)


def charts(result: Result) -> list[Chart]:
    """Three figures: payments by outcome and year, the investor's cumulative position, and the
    commissioner's payments against value (the last only when outcomes have values)."""
    s, cur = result.summary, result.currency
    table = result.tables["yearly"]
    n_years = len(table)
    peak_year = int(table["year"].iloc[int(np.argmin(table["investor_cumulative"]))])
    out = [
        Chart(
            _payments_chart(result),
            f"Stacked bar chart of outcome payments in each of {n_years} contract years, one "
            f"colour per outcome; {_money(s['total_outcome_payments'], cur)} in total.",
        ),
        Chart(
            _investor_chart(result),
            f"Bar chart of the investor's yearly delivery costs (below zero) and outcome "
            f"payments (above zero) with a line for the cumulative position, lowest at "
            f"{_money(-s['peak_investor_exposure'], cur)} in year {peak_year} and ending at "
            f"{_money(s['investor_net'], cur)}.",
        ),
    ]
    if s["commissioner_value_pv"] is not None:
        out.append(
            Chart(
                _commissioner_chart(result),
                f"Line chart of the commissioner's cumulative payments and cumulative value of "
                f"achievements, both in present value: payments reach "
                f"{_money(s['total_outcome_payments_pv'], cur)} and value reaches "
                f"{_money(s['commissioner_value_pv'], cur)}.",
            )
        )
    return out
