"""The effect-chain calculator's charts: the funnel of the chain and the yearly savings by
budget holder (matplotlib is imported only when a chart is drawn, by
:func:`portal_tools.charts.new_figure`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from portal_tools.calculators.effect_chain.inputs import HOLDER_NAMES, HOLDERS
from portal_tools.charts import PALETTE, Chart, new_figure, year_axes
from portal_tools.formatting import thousands
from portal_tools.results import Result, format_value

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _funnel_chart(result: Result) -> Figure:
    table = result.tables["chain"]
    fig = new_figure(height=0.55 * len(table) + 1.4)
    ax = fig.add_subplot()
    values = table["participants"].to_numpy(dtype=float)
    labels = table["stage"].tolist()
    n_chain = len(table) - 2
    colours = [PALETTE[0]] * n_chain + [PALETTE[7], PALETTE[2]]
    y = np.arange(len(table))[::-1]
    ax.barh(y, values, left=-values / 2, color=colours, height=0.7)
    for yi, v in zip(y, values, strict=True):
        ax.annotate(
            thousands(v, 1),
            (abs(v) / 2, yi),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    ax.set_yticks(y, labels)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title("The effect chain: participants at each step", fontsize=11)
    return fig


def _holders_chart(result: Result) -> Figure:
    table = result.tables["yearly"]
    fig = new_figure()
    ax = fig.add_subplot()
    years = table["year"].to_numpy()
    pos = np.zeros(years.size)
    neg = np.zeros(years.size)
    for i, h in enumerate(HOLDERS):
        values = table[f"saving_{h}"].to_numpy(dtype=float)
        if not np.any(values):
            continue
        base = np.where(values >= 0, pos, neg)
        ax.bar(years, values, bottom=base, color=PALETTE[i], label=f"Savings: {HOLDER_NAMES[h]}")
        pos += np.maximum(values, 0)
        neg += np.minimum(values, 0)
    costs = sum(table[f"cost_{h}"].to_numpy(dtype=float) for h in HOLDERS)
    ax.bar(years, -np.asarray(costs), bottom=neg, color=PALETTE[3], label="Programme costs")
    ax.plot(
        years,
        table["cumulative_net_total"],
        color=PALETTE[7],
        marker="o",
        linewidth=2,
        label="Cumulative net, all budgets",
    )
    year_axes(
        ax, years, result.currency, "Savings by budget holder, costs and cumulative net result"
    )
    return fig


def charts(result: Result) -> list[Chart]:
    """The funnel of the chain and the yearly savings by budget holder."""
    s, cur = result.summary, result.currency
    chain = result.tables["chain"]
    steps = "; ".join(
        # A comma in a stage name shows as a space, as before the shared formatting module
        # (kept byte-identical; probably accidental, see issue 11).
        f"{str(stage).replace(',', ' ')}: {thousands(n, 1)}"
        for stage, n in zip(chain["stage"], chain["participants"], strict=True)
    )
    n_years = len(result.tables["yearly"])
    by_holder = ", ".join(
        f"{HOLDER_NAMES[h].lower()} {format_value(s['savings_by_holder'][h], 'money', cur)}"
        for h in HOLDERS
    )
    return [
        Chart(_funnel_chart(result), f"Funnel chart of the effect chain. {steps}."),
        Chart(
            _holders_chart(result),
            f"Stacked bar chart of yearly savings by budget holder over {n_years} years, with "
            "programme costs below zero and a line for the cumulative net result of "
            f"all public budgets, ending at {format_value(s['net_result'], 'money', cur)}. "
            f"Savings in total: {by_holder}.",
        ),
    ]
