"""The transaction-costs calculator's charts: the costs of each route by phase and by side, and
each route's share of delivery as the programme grows (matplotlib is imported only when a chart
is drawn, by :func:`portal_tools.charts.new_figure`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from portal_tools.calculators.transaction_costs.engine import share_at_size
from portal_tools.calculators.transaction_costs.inputs import (
    PHASE_LABELS,
    PHASES,
    ROUTE_LABELS,
    ROUTES,
    SIDE_LABELS,
    SIDES,
)
from portal_tools.calculators.transaction_costs.report import money_text, share_text
from portal_tools.charts import PALETTE, Chart, money_axis, new_figure
from portal_tools.formatting import percent
from portal_tools.results import Result

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CHART_LABELS: dict[str, str] = {
    "sib": "Social\nimpact bond",
    "pbr": "Payment by results\n(no investor)",
    "fee_for_service": "Fee for\nservice",
    "in_house_fund": "Own\nfunding",
}


def _phase_side_chart(result: Result) -> Figure:
    s = result.summary
    routes = list(s["total_by_route"])
    fig = new_figure(width=9, height=4.2)
    axes = fig.subplots(1, 2, sharey=True)
    x = np.arange(len(routes))
    for ax, key, keys, labels, title in (
        (axes[0], "by_phase_by_route", PHASES, PHASE_LABELS, "By phase"),
        (axes[1], "by_side_by_route", SIDES, SIDE_LABELS, "Borne by"),
    ):
        bottom = np.zeros(len(routes))
        for i, part in enumerate(keys):
            values = np.array([s[key][r][part] for r in routes], dtype=float)
            ax.bar(x, values, bottom=bottom, color=PALETTE[i], label=labels[part], width=0.65)
            bottom += values
        for xi, total in zip(x, bottom, strict=True):
            ax.annotate(
                f"{total / 1e6:.2f}m",
                (xi, total),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
        ax.set_xticks(x, [CHART_LABELS[r] for r in routes], fontsize=8)
        ax.set_title(title, fontsize=11)
        ax.legend(loc="upper right", frameon=False, fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    money_axis(axes[0], result.currency)
    fig.suptitle("Transaction costs per route over the contract", fontsize=12)
    return fig


def _scaling_chart(result: Result) -> tuple[Figure, float]:
    s = result.summary
    d = float(s["delivery_cost"])
    theta = float(s["threshold_share"])
    routes = list(s["total_by_route"])
    finite = [float(v) for v in s["delivery_cost_at_threshold_by_route"].values() if v is not None]
    top = min(max(4 * d, 1.3 * max(finite, default=0.0)), 100 * d)
    grid = np.geomspace(d / 4, top, 200)
    fig = new_figure(height=4.4)
    ax = fig.add_subplot()
    for r in routes:
        color = PALETTE[ROUTES.index(r)]
        share = share_at_size(
            grid, float(s["fixed_by_route"][r]), float(s["variable_share_by_route"][r])
        )
        ax.plot(grid, np.asarray(share) * 100, color=color, linewidth=2, label=ROUTE_LABELS[r])
        be = s["delivery_cost_at_threshold_by_route"][r]
        if be is not None and d / 4 <= be <= top:
            ax.plot([be], [theta * 100], marker="o", color=color, markersize=7)
    ax.axhline(theta * 100, color="#444444", linestyle="--", linewidth=1)
    ax.annotate(
        f"threshold {percent(theta, 0, minus_zero=True)}",
        (grid[0], theta * 100),
        xytext=(2, 4),
        textcoords="offset points",
        fontsize=8,
        color="#444444",
    )
    ax.axvline(d, color="#444444", linestyle=":", linewidth=1)
    ax.annotate(
        "this programme",
        (d, 1),
        xycoords=("data", "axes fraction"),
        xytext=(3, -12),
        textcoords="offset points",
        fontsize=8,
        color="#444444",
    )
    ax.set_xscale("log")
    from matplotlib.ticker import FuncFormatter

    millions = FuncFormatter(lambda v, _p: f"{v / 1e6:g}m")
    ax.xaxis.set_major_formatter(millions)
    ax.xaxis.set_minor_formatter(millions)
    ax.tick_params(axis="x", which="both", labelsize=8)
    ax.set_xlabel(
        f"Delivery cost over the contract ({result.currency}, log scale); "
        "cost per participant held constant"
    )
    ax.set_ylabel("Transaction costs, % of delivery")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right", frameon=False, fontsize=8)
    ax.grid(alpha=0.3)
    ax.set_title(
        "Transaction-cost share as the programme grows (dots: size at the threshold)", fontsize=11
    )
    return fig, top


def charts(result: Result) -> list[Chart]:
    """Stacked bars by phase and side per route, and the share curve against programme size."""
    s = result.summary
    parts = [f"{ROUTE_LABELS[r]} {money_text(float(v))}" for r, v in s["total_by_route"].items()]
    bars_alt = (
        "Two stacked bar charts of transaction costs per route, split by phase (left) "
        "and by who bears them (right). Totals: " + "; ".join(parts) + "."
    )
    figure, top = _scaling_chart(result)
    lines = []
    for r, be in s["delivery_cost_at_threshold_by_route"].items():
        if s["threshold_status_by_route"][r] == "beyond_limit":
            lines.append(f"{ROUTE_LABELS[r]} reaches it only beyond any realistic size")
        elif be is None:
            lines.append(f"{ROUTE_LABELS[r]} never reaches the threshold")
        elif be > top:
            lines.append(
                f"{ROUTE_LABELS[r]} reaches it at {money_text(float(be))}, beyond the chart"
            )
        else:
            lines.append(f"{ROUTE_LABELS[r]} reaches it at {money_text(float(be))}")
    curve_alt = (
        f"Line chart of each route's transaction costs as a share of delivery cost, for "
        f"programmes from a quarter of this size upwards. A dashed line marks the threshold of "
        f"{share_text(float(s['threshold_share']))}: " + "; ".join(lines) + "."
    )
    return [Chart(_phase_side_chart(result), bars_alt), Chart(figure, curve_alt)]
