"""The payment calculator's charts: payments by outcome and year, the investor's yearly flows
and cumulative position, and the commissioner's payments against value (matplotlib is imported
only when a chart is drawn, by :func:`portal_tools.charts.new_figure`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from portal_tools.calculators.payment.inputs import F64
from portal_tools.charts import PALETTE, Chart, money_axis, new_figure, year_axes
from portal_tools.formatting import money, percent
from portal_tools.results import Result

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _time(table: pd.DataFrame) -> tuple[F64, float, F64]:
    """Bar positions, bar width and year ticks of a yearly or per-period table: a year's
    periods share the space of its year, ``x = year - 1/2 + (j + 1/2) / P`` for its ``j``-th
    period (the year itself with one period a year)."""
    years = table["year"].to_numpy()
    if "period" not in table:
        return years.astype(float), 0.8, years
    per = int(np.max(np.bincount(years)))
    j = (table["period"].to_numpy() - 1) % per
    return years - 0.5 + (j + 0.5) / per, 0.9 / per, np.unique(years)


def _payments_chart(result: Result) -> Figure:
    table = result.tables["payments_by_outcome"]
    fig = new_figure()
    ax = fig.add_subplot()
    x, width, ticks = _time(table)
    bottom = np.zeros(x.size)
    names = [c for c in table.columns if c not in ("year", "period")]
    for i, name in enumerate(names):
        values = table[name].to_numpy(dtype=float)
        ax.bar(x, values, width, bottom=bottom, color=PALETTE[i % len(PALETTE)], label=name)
        bottom += values
    year_axes(
        ax,
        ticks,
        result.currency,
        "Outcome payments by outcome and " + ("period" if "period" in table else "year"),
        legend=len(names) <= 8,
    )
    return fig


def _investor_chart(result: Result) -> Figure:
    table = result.tables["yearly"]
    fig = new_figure()
    ax = fig.add_subplot()
    x, width, ticks = _time(table)
    outlay = table["delivery_cost"].to_numpy(dtype=float)
    fees = "management_fee" in table
    if fees:
        outlay = outlay + table["management_fee"].to_numpy(dtype=float)
    label = "Delivery cost and fee (paid)" if fees else "Delivery cost (paid)"
    ax.bar(x, -outlay, width, color=PALETTE[3], label=label)
    ax.bar(
        x, table["outcome_payments"], width, color=PALETTE[2], label="Outcome payments (received)"
    )
    if "guarantor_payment" in table and table["guarantor_payment"].any():
        ax.bar(
            x,
            table["guarantor_payment"],
            width,
            bottom=table["outcome_payments"],
            color=PALETTE[5],
            label="Guarantor (received)",
        )
    ax.plot(
        x,
        table["investor_cumulative"],
        color=PALETTE[0],
        marker="o" if x.size <= 40 else None,
        linewidth=2,
        label="Cumulative position",
    )
    year_axes(ax, ticks, result.currency, "Investor's flows and cumulative position", legend=True)
    return fig


def _commissioner_chart(result: Result) -> Figure:
    table = result.tables["yearly"]
    fig = new_figure()
    ax = fig.add_subplot()
    x, _, ticks = _time(table)
    paid = table["pv_outcome_payments"].to_numpy(dtype=float)
    if "provider_bonus" in table:
        paid = paid + (table["provider_bonus"] * table["discount_factor"]).to_numpy(dtype=float)
    few = x.size <= 40
    ax.plot(
        x,
        np.cumsum(paid),
        color=PALETTE[3],
        marker="o" if few else None,
        linewidth=2,
        label="Payments (cumulative, present value)",
    )
    ax.plot(
        x,
        np.cumsum(table["pv_commissioner_value"]),
        color=PALETTE[2],
        marker="s" if few else None,
        linewidth=2,
        label="Value of achievements (cumulative, present value)",
    )
    year_axes(ax, ticks, result.currency, "Commissioner: payments against value", legend=True)
    return fig


TORNADO_ROWS = 10
"""Parameters shown in a tornado chart (those that move the measure most)."""


def tornado_rows(result: Result, column: str) -> pd.DataFrame:
    """The sensitivity table's ``column`` at -25 % and +25 % of each parameter, with the base
    value, for the :data:`TORNADO_ROWS` parameters whose two values lie furthest apart
    (parameters where either value is none are left out). Columns: ``label``, ``low``
    (the measure at -25 %), ``high`` (at +25 %), ``base``."""
    table = result.tables["sensitivity"]
    base = table[column].iloc[0]
    rows = []
    if base is None:
        return pd.DataFrame(columns=["label", "low", "high", "base"])
    keyed = table.iloc[1:]
    for (kind, name), part in keyed.groupby(["parameter", "outcome"], sort=False, dropna=False):
        by_change = dict(zip(part["change"], part[column], strict=True))
        low, high = by_change.get(-0.25), by_change.get(0.25)
        if low is None or high is None:
            continue
        what = {"rate": "rate", "price": "price", "delivery_costs": "delivery costs"}[str(kind)]
        label = what if name is None or name != name else f"{what}: {name}"
        rows.append((label, float(low), float(high), float(base)))
    out = pd.DataFrame(rows, columns=["label", "low", "high", "base"])
    spread = (out["high"] - out["low"]).abs()
    return out.loc[spread.sort_values(ascending=False, kind="stable").index].head(TORNADO_ROWS)


def _tornado_chart(rows: pd.DataFrame, title: str, xlabel: str, rate: bool) -> Figure:
    """Horizontal bars from the base value to the value at -25 % and at +25 % of each input,
    the input that moves the measure most at the top."""
    fig = new_figure(8, 0.9 + 0.38 * max(len(rows), 2))
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    base = float(rows["base"].iloc[0])
    scale = 100.0 if rate else 1.0
    ax.barh(y, (rows["low"] - base) * scale, left=base * scale, color=PALETTE[3], label="-25 %")
    ax.barh(y, (rows["high"] - base) * scale, left=base * scale, color=PALETTE[0], label="+25 %")
    ax.axvline(base * scale, color="#444444", linewidth=0.8)
    ax.set_yticks(y, list(rows["label"]), fontsize=8)
    if rate:
        ax.set_xlabel(xlabel)
    else:
        money_axis(ax, xlabel, axis="x")
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    ax.set_title(title, fontsize=11)
    ax.grid(axis="x", alpha=0.3)
    return fig


def _money(x: float | None, currency: str) -> str:
    return "none" if x is None else money(x, currency)


def charts(result: Result) -> list[Chart]:
    """Payments by outcome and year (or period), the investor's cumulative position, the
    commissioner's payments against value (only when outcomes have values) and the tornado
    charts of :func:`tornado_charts`."""
    s, cur = result.summary, result.currency
    table = result.tables["yearly"]
    n_rows = len(table)
    unit = "periods" if "period" in table else "contract years"
    peak_year = int(table["year"].iloc[int(np.argmin(table["investor_cumulative"]))])
    out = [
        Chart(
            _payments_chart(result),
            f"Stacked bar chart of outcome payments in each of {n_rows} {unit}, one "
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
    return out + tornado_charts(result)


def tornado_charts(result: Result) -> list[Chart]:
    """Tornado charts of the sensitivity table: the investor's IRR, and the commissioner's net
    present value where outcomes have values, when each parameter is 25 % lower or higher."""
    out = []
    irr = tornado_rows(result, "investor_irr")
    if len(irr):
        top = irr.iloc[0]
        out.append(
            Chart(
                _tornado_chart(
                    irr,
                    "Investor IRR when one input is 25 % lower or higher",
                    "Investor IRR (% a year)",
                    rate=True,
                ),
                f"Tornado chart of the investor's IRR (base {percent(top['base'])}) with each of "
                f"{len(irr)} inputs 25 % lower or higher; it moves most with {top['label']}: "
                f"{percent(top['low'])} at -25 % and {percent(top['high'])} at +25 %.",
            )
        )
    npv = tornado_rows(result, "commissioner_net_value_pv")
    if len(npv):
        top, cur = npv.iloc[0], result.currency
        out.append(
            Chart(
                _tornado_chart(
                    npv,
                    "Commissioner's net present value when one input is 25 % lower or higher",
                    cur,
                    rate=False,
                ),
                f"Tornado chart of the commissioner's net present value (base "
                f"{_money(top['base'], cur)}) with each of {len(npv)} inputs 25 % lower or "
                f"higher; it moves most with {top['label']}: {_money(top['low'], cur)} at -25 % "
                f"and {_money(top['high'], cur)} at +25 %.",
            )
        )
    return out
