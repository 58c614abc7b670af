"""The budget calculator's chart: the yearly effect on the service ceiling (matplotlib is
imported only when a chart is drawn, by :func:`portal_tools.charts.new_figure`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from portal_tools.calculators.budget.engine import burden_years
from portal_tools.charts import PALETTE, Chart, new_figure, year_axes
from portal_tools.results import Result, format_value

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def ceiling_chart(table: pd.DataFrame, currency: str = "DKK", title: str = "") -> Figure:
    """Bars of the yearly service-ceiling effect (years that burden the ceiling hatched in
    orange-red and labelled) with the yearly total budget effect (transfers included) as a
    line; nothing is cumulated, because the ceiling binds year by year."""
    fig = new_figure()
    ax = fig.add_subplot()
    years = table["year"].to_numpy()
    service = table["service_ceiling_effect"].to_numpy(dtype=float)
    burden = table["burdens_service_ceiling"].to_numpy(dtype=bool)
    ax.bar(years[~burden], service[~burden], color=PALETTE[2], label="Frees room (or neutral)")
    ax.bar(
        years[burden],
        service[burden],
        color=PALETTE[3],
        hatch="//",
        edgecolor="white",
        label="Burdens the service ceiling",
    )
    ax.plot(
        years,
        table["total_budget_effect"],
        color=PALETTE[0],
        marker="o",
        linewidth=2,
        label="Whole budget, transfers included",
    )
    for y, v in zip(years[burden], service[burden], strict=True):
        ax.annotate(
            "burden",
            (y, v),
            xytext=(0, -12),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            color=PALETTE[3],
        )
    year_axes(ax, years, currency, title or "Effect on the municipality's service ceiling")
    return fig


def ceiling_alt(table: pd.DataFrame, currency: str) -> str:
    """Alternative text for :func:`ceiling_chart`."""
    years = burden_years(table)
    burden = (
        "Years that burden the ceiling (hatched bars): " + ", ".join(map(str, years)) + "."
        if years
        else "No year burdens the ceiling."
    )
    total = format_value(float(table["service_ceiling_burden"].sum()), "money", currency)
    return (
        f"Bar chart of the municipality's service-ceiling effect in each of {len(table)} years, "
        f"with a line for the whole budget's effect in each year, transfers included. {burden} "
        f"Burden in those years together: {total}."
    )


def charts(result: Result) -> list[Chart]:
    """The service-ceiling chart."""
    table = result.tables["yearly"]
    return [Chart(ceiling_chart(table, result.currency), ceiling_alt(table, result.currency))]
