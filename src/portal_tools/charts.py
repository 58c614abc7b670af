"""Charts drawn from results (matplotlib, object-oriented API only: no pyplot state).

Figures are returned as :class:`matplotlib.figure.Figure` and turned into PNG bytes without
timestamps by :func:`png_bytes`, so built pages are reproducible. matplotlib is imported only
when a chart is drawn (inside the functions below), so running a calculator, the catalogue and
the CLI never load it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "PALETTE",
    "Chart",
    "cashflow_chart",
    "money_axis",
    "new_figure",
    "png_bytes",
    "year_axes",
]

# Colour-blind-safe palette (Okabe-Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


@dataclass(frozen=True)
class Chart:
    """A figure with its alternative text (what the chart shows, for screen readers)."""

    figure: Figure
    alt: str

    @property
    def title(self) -> str:
        """The chart's title: its figure's overall title, else its first axes' title."""
        overall = self.figure.get_suptitle()
        if overall:
            return overall
        return next((t for ax in self.figure.axes if (t := ax.get_title())), "")


def money_axis(ax: Axes, currency: str = "DKK", axis: str = "y") -> None:
    """Format the y (or x) axis in thousands or millions of the currency."""
    from matplotlib.ticker import FuncFormatter

    def fmt(value: float, _pos: int) -> str:
        if abs(value) >= 1e6:
            return f"{value / 1e6:.1f}m"
        if abs(value) >= 1e3:
            return f"{value / 1e3:.0f}k"
        return f"{value:.0f}"

    if axis == "x":
        ax.xaxis.set_major_formatter(FuncFormatter(fmt))
        ax.set_xlabel(currency)
        return
    ax.yaxis.set_major_formatter(FuncFormatter(fmt))
    ax.set_ylabel(currency)


def new_figure(width: float = 8, height: float = 4.2) -> Figure:
    """A new empty figure of ``width`` x ``height`` inches at 100 dpi with constrained layout:
    the one way every chart of the portal starts (add axes with ``fig.add_subplot()``)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def year_axes(
    ax: Axes,
    years: np.ndarray,
    currency: str,
    title: str,
    legend_size: int = 8,
    legend: bool = True,
    zero_line: bool = True,
) -> None:
    """Finish a chart over contract years: zero line, year ticks (at most about ten labels),
    money y axis, legend top left, title and light horizontal grid."""
    if zero_line:
        ax.axhline(0, color="#444444", linewidth=0.8)
    ax.set_xlabel("Contract year")
    ticks = years if years.size <= 20 else years[:: max(1, years.size // 10)]
    ax.set_xticks(ticks)
    money_axis(ax, currency)
    if legend:
        ax.legend(loc="upper left", frameon=False, fontsize=legend_size)
    ax.set_title(title, fontsize=11)
    ax.grid(axis="y", alpha=0.3)


def cashflow_chart(table: pd.DataFrame, currency: str = "DKK", title: str = "") -> Figure:
    """Bars of yearly costs (down) and savings (up) with the cumulative present value as a line.

    ``table`` needs the columns ``year``, ``cost``, ``saving`` and ``cumulative_pv_net``.
    """
    fig = new_figure()
    ax = fig.add_subplot()
    years = table["year"].to_numpy()
    ax.bar(years, table["saving"], color=PALETTE[2], label="Savings")
    ax.bar(years, -table["cost"], color=PALETTE[3], label="Costs")
    ax.plot(
        years,
        table["cumulative_pv_net"],
        color=PALETTE[0],
        marker="o",
        linewidth=2,
        label="Cumulative present value",
    )
    cumulative_pv = table["cumulative_pv_net"].to_numpy()
    if cumulative_pv[-1] >= 0:
        neg = np.flatnonzero(cumulative_pv < 0)
        first = int(neg[-1] + 1) if neg.size else 0
        ax.axvline(years[first], color=PALETTE[0], linestyle=":", linewidth=1)
        ax.annotate(
            "discounted payback",
            (years[first], 0),
            xytext=(4, 8),
            textcoords="offset points",
            fontsize=9,
            color=PALETTE[0],
        )
    year_axes(
        ax,
        years,
        currency,
        title or "Yearly costs, savings and cumulative present value",
        legend_size=9,
    )
    return fig


PALETTE_COLOURS = 128
"""Colours of a palette PNG (:func:`png_bytes` with ``palette=True``): enough for the charts'
few colours and their anti-aliased edges."""


def png_bytes(fig: Figure, palette: bool = False, quick: bool = False) -> bytes:
    """PNG of ``fig`` with no software or date metadata (reproducible bytes). With ``palette``
    the image is reduced to :data:`PALETTE_COLOURS` colours (median cut, no dithering) and
    compressed harder: about a third of the bytes, for pages that embed many charts, at about
    30 ms more per chart. With ``quick`` (full colour only) it is compressed at zlib level 1
    instead of 6: about 10 % more bytes, a third of the time (for a live form's redraws).

    The figure is drawn once (``FigureCanvasAgg.draw``, in which the constrained layout runs)
    and its pixels encoded by Pillow: the same pixels as ``savefig``, which draws the figure
    twice (a layout pass, then the picture)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    width, height = canvas.get_width_height()
    pixels = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    image = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)
    out = io.BytesIO()
    if not palette:
        image.save(out, format="png", dpi=(fig.dpi, fig.dpi), compress_level=1 if quick else 6)
        return out.getvalue()
    reduced = image.convert("RGB").quantize(
        colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    reduced.save(out, format="png", optimize=True)
    return out.getvalue()
