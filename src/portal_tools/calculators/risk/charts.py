"""The risk calculator's charts: a fan chart of the investor's cumulative position and a
histogram of its IRR across the simulated worlds (matplotlib is imported only when a chart is
drawn, by :func:`portal_tools.charts.new_figure`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_tools.charts import PALETTE, Chart, new_figure, year_axes
from portal_tools.formatting import percent
from portal_tools.results import Result, format_value

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _fan_chart(result: Result) -> Figure:
    fan = result.tables["fan"]
    fig = new_figure()
    ax = fig.add_subplot()
    years = fan["year"].to_numpy()
    ax.fill_between(years, fan["p5"], fan["p95"], color=PALETTE[5], alpha=0.35, label="5-95 %")
    ax.fill_between(years, fan["p25"], fan["p75"], color=PALETTE[0], alpha=0.45, label="25-75 %")
    ax.plot(years, fan["p50"], color=PALETTE[0], linewidth=2, label="Median world")
    ax.plot(
        years,
        fan["expected_rates"],
        color=PALETTE[1],
        linestyle="--",
        linewidth=1.5,
        label="At the expected rates",
    )
    year_axes(
        ax,
        years,
        result.currency,
        "Investor's cumulative position across simulated worlds",
        legend_size=9,
    )
    return fig


def _irr_chart(result: Result) -> Figure:
    hist = result.tables["irr_histogram"]
    fig = new_figure()
    ax = fig.add_subplot()
    if len(hist):
        start = hist["bin_start"].to_numpy() * 100
        width = (hist["bin_end"] - hist["bin_start"]).to_numpy() * 100
        colours = [PALETTE[3] if loss else PALETTE[0] for loss in hist["loss_region"]]
        ax.bar(start, hist["share"] * 100, width=width, align="edge", color=colours)
        if start[0] < 0:
            ax.axvspan(start[0], min(0.0, start[-1] + width[-1]), color=PALETTE[3], alpha=0.08)
            ax.axvline(0, color=PALETTE[3], linewidth=1)
            ax.annotate(
                "loss region (IRR below 0)",
                (start[0], ax.get_ylim()[1] * 0.92),
                fontsize=9,
                color=PALETTE[3],
            )
    ax.set_xlabel("Investor IRR (% a year)")
    ax.set_ylabel("Share of worlds (%)")
    ax.set_title("Distribution of the investor's IRR", fontsize=11)
    ax.grid(axis="y", alpha=0.3)
    return fig


def charts(result: Result) -> list[Chart]:
    """A fan chart of the investor's cumulative position and a histogram of its IRR."""
    s, cur = result.summary, result.currency
    fan = result.tables["fan"]
    last = fan.iloc[-1]
    irr = s["investor_irr_percentiles"]
    mid = "none" if irr["50"] is None else percent(irr["50"], minus_zero=True)
    return [
        Chart(
            _fan_chart(result),
            f"Fan chart of the investor's cumulative position over {len(fan)} contract years "
            f"across {s['paths']:,} simulated worlds: in the final year the middle half lies "
            f"between {format_value(last['p25'], 'money', cur)} and "
            f"{format_value(last['p75'], 'money', cur)}, and nine in ten worlds between "
            f"{format_value(last['p5'], 'money', cur)} and "
            f"{format_value(last['p95'], 'money', cur)}.",
        ),
        Chart(
            _irr_chart(result),
            f"Histogram of the investor's IRR across the simulated worlds (the end bars include "
            f"the tails), with IRRs below zero (a loss) in a different colour; the median IRR "
            f"is {mid} and the investor loses money in "
            f"{percent(s['prob_investor_loss'], minus_zero=True)} of the worlds.",
        ),
    ]
