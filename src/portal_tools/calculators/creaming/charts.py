"""The creaming calculator's chart: the share of each segment served under each contract
compared (matplotlib is imported only when a chart is drawn, by
:func:`portal_tools.charts.new_figure`)."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import numpy as np

from portal_tools.charts import PALETTE, Chart, new_figure
from portal_tools.results import Result, format_value

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _served_chart(result: Result) -> Figure:
    comp = result.tables["comparison"]
    segs = result.tables["segments"]
    names = list(segs["segment"])
    referred = segs["referred"].to_numpy(dtype=float)
    fig = new_figure()
    ax = fig.add_subplot()
    x = np.arange(len(comp))
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        served = comp[f"served: {name}"].to_numpy(dtype=float)
        share = served / referred[i] if referred[i] > 0 else np.zeros_like(served)
        ax.bar(
            x + (i - (len(names) - 1) / 2) * width,
            share * 100,
            width=width,
            color=PALETTE[i % len(PALETTE)],
            label=name,
        )
    ax.set_xticks(x, [textwrap.fill(c, 22) for c in comp["contract"]], fontsize=8)
    ax.set_ylabel("Share of the segment served (%)")
    ax.set_ylim(0, 122)
    ax.set_yticks(range(0, 101, 20))
    ax.legend(loc="upper center", frameon=False, fontsize=9, ncols=min(5, len(names)))
    ax.set_title(f"Who is served under {len(comp)} contracts", fontsize=11)
    ax.grid(axis="y", alpha=0.3)
    return fig


def charts(result: Result) -> list[Chart]:
    """One grouped bar chart: the share of each segment served under each contract compared."""
    comp = result.tables["comparison"]
    hardest = result.summary["hardest_segment"]
    parts = [
        f"{row['contract']}: {format_value(row['hardest_served_share'], 'share')}"
        for _, row in comp.iterrows()
    ]
    return [
        Chart(
            _served_chart(result),
            f"Grouped bar chart of the share of each segment served under {len(comp)} "
            f"contracts; share of the hardest segment ({hardest}) served: "
            + "; ".join(parts)
            + ".",
        )
    ]
