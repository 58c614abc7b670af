"""HTML for results and problems (pure functions; used in widgets and on static pages)."""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from typing import Any

from portal_tools.charts import Chart, png_bytes
from portal_tools.errors import MAX_SHOWN_PROBLEMS, Problem, escape_text, more_text
from portal_tools.inputs.listing import code_labels
from portal_tools.notebook import building
from portal_tools.results import Result, format_value
from portal_tools.tables import table_html

__all__ = [
    "Chart",
    "download_links",
    "failure_html",
    "problems_html",
    "result_codes",
    "result_html",
    "stale_html",
    "summary_html",
    "summary_text",
]


def _data_uri(payload: bytes, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(payload).decode("ascii")


def result_codes(result: Result) -> dict[str, str]:
    """The labels of the codes the result's inputs declare (empty when it does not know its
    inputs), for summaries and tables that name codes."""
    return {} if result.source is None else code_labels(type(result.source))


def _labelled(value: Any, codes: Mapping[str, str]) -> Any:
    if isinstance(value, Mapping):
        return {codes.get(k, k): v for k, v in value.items()}
    if isinstance(value, list):
        return [codes.get(v, v) if isinstance(v, str) else v for v in value]
    return codes.get(value, value) if isinstance(value, str) else value


def summary_text(result: Result, key: str, codes: Mapping[str, str] | None = None) -> str:
    """The summary value ``key`` as a reader sees it: formatted by its metric's kind, codes the
    inputs label (a route such as ``sib``) by their labels (``codes``, default
    :func:`result_codes`)."""
    metric = result.metrics.get(key)
    kind = metric.kind if metric else "number"
    codes = result_codes(result) if codes is None else codes
    return format_value(_labelled(result.summary[key], codes), kind, result.currency)


def summary_html(result: Result) -> str:
    """The summary as a two-column table of labelled values (:func:`summary_text`), without the
    rows of terms the contract does not use (:attr:`Metric.hide_zero`)."""
    codes = result_codes(result)
    rows = []
    for key, value in result.summary.items():
        metric = result.metrics.get(key)
        if metric is not None and metric.hide_zero and value == 0:
            continue
        label = metric.label if metric else key.replace("_", " ")
        title = f' title="{html.escape(metric.help)}"' if metric and metric.help else ""
        rows.append(
            f"<tr><th scope='row'{title}>{html.escape(label)}</th>"
            f"<td>{html.escape(summary_text(result, key, codes))}</td></tr>"
        )
    return (
        "<table class='portal-summary'><caption>Summary</caption>"
        "<thead><tr><th scope='col'>Measure</th><th scope='col'>Value</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def download_links(result: Result, stem: str) -> str:
    """Links that download the result as an Excel workbook, a zip of CSV files for Danish Excel
    and JSON (data URIs: they work with no kernel)."""
    links = [
        (
            f"{stem}.xlsx",
            _data_uri(
                result.to_xlsx(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            "Excel workbook",
        ),
        (
            f"{stem}-csv.zip",
            _data_uri(result.to_csv_zip(), "application/zip"),
            "CSV (zip, Danish Excel)",
        ),
        (f"{stem}.json", _data_uri(result.to_json().encode(), "application/json"), "JSON"),
    ]
    items = " · ".join(
        f"<a download='{name}' href='{uri}'>Download results as {label}</a>"
        for name, uri, label in links
    )
    return f"<p class='portal-downloads'>{items}</p>"


_PROBLEMS_HEADING = "Please fix these inputs; the results below are for the last valid inputs."


def _alert(heading: str, body: str) -> str:
    return (
        "<div class='portal-problems' role='alert' style='border:2px solid #b00020;"
        "padding:0.5em 1em;background:#fff4f4;color:#5a0010'>"
        f"<strong>{html.escape(heading)}</strong>{body}</div>"
    )


def problems_html(
    problems: Sequence[Problem],
    heading: str = _PROBLEMS_HEADING,
    limit: int = MAX_SHOWN_PROBLEMS,
) -> str:
    """An alert box listing the input problems (at most ``limit``, then how many more)."""
    if not problems:
        return ""
    items = "".join(
        f"<li><code>{html.escape(escape_text(p.path, 200))}</code>"
        f"{' (' + html.escape(escape_text(p.label, 80)) + ')' if p.label else ''}: "
        f"{html.escape(p.detail())}</li>"
        for p in problems[:limit]
    )
    if len(problems) > limit:
        items += f"<li>{html.escape(more_text(len(problems) - limit))}</li>"
    return _alert(heading, f"<ul>{items}</ul>")


def failure_html(exc: BaseException) -> str:
    """An alert box for a calculation that failed on valid inputs (a defect, not bad input)."""
    kind = html.escape(exc.__class__.__name__)
    detail = html.escape(escape_text(str(exc), 200))
    return _alert(
        "The calculation failed on these inputs; the results below are for the last inputs "
        "that worked.",
        f"<p>{kind}: {detail}. The inputs are valid, so this is a defect of the calculator: "
        "please report it with the scenario (<em>Save scenario</em> saves these inputs).</p>",
    )


def stale_html(rendered: str) -> str:
    """A previous result marked as out of date (dimmed, with a note that says so)."""
    return (
        "<p class='portal-stale-note' role='status'><strong>Out of date:</strong> these results "
        "are for the last inputs that worked, not for the inputs above.</p>"
        f"<div class='portal-stale' style='opacity:0.55'>{rendered}</div>"
    )


def charts_html(charts: Sequence[Chart], palette: bool | None = None) -> str:
    """Each chart as an embedded PNG figure with its alternative text; as palette PNGs (a third
    of the bytes, :func:`~portal_tools.charts.png_bytes`) on the static site, where a page
    embeds them all, full colour and quickly compressed in a live form, where each redraw
    counts (``palette`` ``None``: decided by :func:`portal_tools.notebook.building`)."""
    reduced = building() if palette is None else palette
    parts = []
    for chart in charts:
        uri = _data_uri(png_bytes(chart.figure, palette=reduced, quick=not reduced), "image/png")
        parts.append(
            f"<figure><img src='{uri}' alt='{html.escape(chart.alt)}' "
            "style='max-width:100%;height:auto'/></figure>"
        )
    return "\n".join(parts)


def result_html(
    result: Result, charts: Sequence[Chart] = (), stem: str = "results", table: str | None = None
) -> str:
    """Everything a reader sees of a result: notes, summary, charts, the yearly table, downloads."""
    parts = []
    for note in result.notes:
        parts.append(
            f"<p class='portal-note' role='note'><strong>Note:</strong> {html.escape(note)}</p>"
        )
    parts.append(summary_html(result))
    parts.append(charts_html(charts))
    names = [table] if table else list(result.tables)
    codes = result_codes(result)
    for name in names:
        caption = f"Table: {name.replace('_', ' ')}"
        parts.append(table_html(result.tables[name], caption, codes=codes))
    parts.append(download_links(result, stem))
    return "\n".join(parts)
