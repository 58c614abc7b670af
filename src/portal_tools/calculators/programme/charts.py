"""The programme calculator's charts: the municipality's service-ceiling chart and the
cumulative net position by budget holder and investor (matplotlib is imported only when a chart
is drawn, by :func:`portal_tools.charts.new_figure`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_tools.calculators.budget.charts import ceiling_alt, ceiling_chart
from portal_tools.calculators.effect_chain.inputs import HOLDER_NAMES, HOLDERS
from portal_tools.charts import PALETTE, Chart, new_figure, year_axes
from portal_tools.results import Result, format_value

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _holders_chart(result: Result) -> Figure:
    table = result.tables["yearly"]
    fig = new_figure()
    ax = fig.add_subplot()
    years = table["year"].to_numpy()
    markers = ["o", "s", "^"]
    for i, h in enumerate(HOLDERS):
        ax.plot(
            years,
            table[f"cumulative_net_{h}"],
            color=PALETTE[i],
            marker=markers[i],
            linewidth=2,
            label=HOLDER_NAMES[h],
        )
    ax.plot(
        years,
        table["investor_cumulative"],
        color=PALETTE[7],
        linestyle="--",
        marker="D",
        linewidth=1.5,
        label="Investor",
    )
    year_axes(
        ax,
        years,
        result.currency,
        "Cumulative net position by budget holder and investor (nominal)",
    )
    return fig


def charts(result: Result) -> list[Chart]:
    """The municipality's service-ceiling chart and the cumulative net position by holder."""
    table = result.tables["yearly"]
    ends = "; ".join(
        f"{HOLDER_NAMES[h].lower()} {format_value(last, 'money', result.currency)}"
        for h, last in ((h, float(table[f"cumulative_net_{h}"].iloc[-1])) for h in HOLDERS)
    )
    investor = format_value(float(table["investor_cumulative"].iloc[-1]), "money", result.currency)
    budget = result.tables["budget"]
    return [
        Chart(ceiling_chart(budget, result.currency), ceiling_alt(budget, result.currency)),
        Chart(
            _holders_chart(result),
            f"Line chart of the cumulative nominal net position over {len(table)} years for "
            f"each public budget and the investor. At the end: {ends}; investor {investor}.",
        ),
    ]
