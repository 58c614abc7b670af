"""The calculator as the static site shows it: the default example's inputs and results as plain
HTML, with no form and no widget.

The book build runs each calculator page without a Jupyter server (:func:`portal_tools.notebook.
building`). There no Python answers a changed box, so a form would only look editable; instead
:func:`calculator_view` returns a :class:`StaticCalculator` that shows

1. a box that says this is the default example and how to use one's own numbers (open the page
   live, or download its scenario file and run it, or download the Excel workbook);
2. the inputs as labelled tables with units, marking the values that are assumptions for
   illustration;
3. the same results, charts, tables and downloads a live form shows (:func:`result_html`).

In a reader's notebook (Binder, ``make lab``) :func:`calculator_view` returns the live
:class:`~portal_tools.ui.form.CalculatorApp` instead; both compute the result the same way and
expose it as ``.result`` and the inputs as ``.inputs``.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from portal_tools.calculator import AnyCalculator
from portal_tools.charts import Chart
from portal_tools.inputs import Inputs
from portal_tools.inputs.listing import InputRow, input_rows
from portal_tools.notebook import building
from portal_tools.results import Result
from portal_tools.scenario import dump_scenario
from portal_tools.tables import scroll_box
from portal_tools.ui.form import CalculatorApp
from portal_tools.ui.render import result_html

__all__ = ["StaticCalculator", "calculator_view", "inputs_html", "static_notice_html"]

HOW_TO_PAGE = "../chapters/how-calculators-work.html"
"""Where the static notice sends readers who want to run a calculator (from ``tools/``)."""


def _note_cell(row: InputRow) -> str:
    if row.note:
        return html.escape(row.note)
    return "Assumption for illustration" if row.assumption else ""


def _grouped(rows: Sequence[InputRow]) -> tuple[list[InputRow], dict[str, list[InputRow]]]:
    """Single values, and the rows of each list of sub-inputs (by the list's label)."""
    single: list[InputRow] = []
    groups: dict[str, list[InputRow]] = {}
    for row in rows:
        if row.group:
            groups.setdefault(row.group, []).append(row)
        else:
            single.append(row)
    return single, groups


def _table(caption: str, head: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    """An inputs table (cells already HTML); the first cell of each row heads it. Each data
    cell carries its column's heading (``data-label``), which narrow screens show beside the
    value when the stylesheet stacks the rows."""
    ths = "".join(f"<th scope='col'>{h}</th>" for h in head)
    labels = [html.escape(html.unescape(re.sub(r"<[^>]+>", "", h)), quote=True) for h in head]

    def row(cells: Sequence[str]) -> str:
        pairs = zip(labels[1:], cells[1:], strict=True)
        tds = "".join(f"<td data-label='{label}'>{c}</td>" for label, c in pairs)
        return f"<tr><th scope='row'>{cells[0]}</th>{tds}</tr>"

    trs = "".join(row(cells) for cells in body)
    return scroll_box(
        f"<table class='portal-table portal-inputs'><caption>{caption}</caption>"
        f"<thead><tr>{ths}</tr></thead><tbody>{trs}</tbody></table>",
        html.unescape(caption),
    )


TRANSPOSE_FIELDS = 6
"""A list of sub-inputs with more fields than this and no more items than fields is shown with
one column per item (a two-outcome rate card of ten fields fits a page that way)."""


def _group_table(label: str, rows: Sequence[InputRow]) -> str:
    """One list of sub-inputs as a table: a row per item and a column per field, or, when the
    items have many fields and are few (:data:`TRANSPOSE_FIELDS`), a row per field and a column
    per item. Columns or rows of fields whose defaults are assumptions are starred."""
    fields: dict[str, InputRow] = {}
    items: dict[str, dict[str, InputRow]] = {}
    headings: dict[str, str] = {}
    for row in rows:
        fields.setdefault(row.field_label, row)
        items.setdefault(row.item, {})[row.field_label] = row
        # the item's heading with its name: "Rate card 2 (Job): Price" -> "2 (Job)"
        headings.setdefault(row.item, row.label.rsplit(": ", 1)[0][len(label) :].strip())

    def field_head(r: InputRow) -> str:
        unit = f" ({html.escape(r.unit)})" if r.unit else ""
        return html.escape(r.field_label) + unit + (" *" if r.assumption else "")

    def cell(item: str, name: str) -> str:
        found = items[item].get(name)
        return "" if found is None else html.escape(found.text)

    marked = any(r.assumption for r in fields.values())
    caption = html.escape(label) + (" (* default values are assumptions)" if marked else "")
    if len(fields) > TRANSPOSE_FIELDS and len(items) <= len(fields):
        head = ["Input"] + [html.escape(headings[i]) for i in items]
        body = [[field_head(r)] + [cell(i, name) for i in items] for name, r in fields.items()]
        return _table(caption, head, body)
    head = ["Row"] + [field_head(r) for r in fields.values()]
    body = [[html.escape(i)] + [cell(i, name) for name in fields] for i in items]
    return _table(caption, head, body)


def _notes_html(rows: Sequence[InputRow], notes: Mapping[str, Any]) -> str:
    """The scenario's notes on values shown in the grouped tables, and on whole blocks."""
    shown = {r.path for r in rows if not r.group}
    items = []
    for key, note in notes.items():
        if key in shown or not isinstance(note, str | int | float):
            continue
        match = next((r for r in rows if r.path == key or r.path.startswith(key)), None)
        if match is None:
            label = key
        elif match.path == key:
            label = match.label
        elif match.group and key.endswith("]"):
            label = match.label.rsplit(": ", 1)[0]  # the item's heading, name included
        else:
            label = match.group or match.label
        text = " ".join(str(note).split())
        items.append(f"<li><strong>{html.escape(label)}</strong>: {html.escape(text)}</li>")
    if not items:
        return ""
    return (
        "<div class='portal-input-notes'><p><strong>Notes on the inputs</strong></p>"
        f"<ul>{''.join(items)}</ul></div>"
    )


def inputs_html(rows: Sequence[InputRow], notes: Mapping[str, Any] | None = None) -> str:
    """The inputs as tables: one of single values (input, value, unit, source or note), then one
    per list of sub-inputs (a row per item, a column per field; assumption columns starred),
    then the scenario's ``notes`` that belong to no single value."""
    single, groups = _grouped(rows)
    parts = []
    if single:
        body = [
            [html.escape(r.label), html.escape(r.text), html.escape(r.unit), _note_cell(r)]
            for r in single
        ]
        parts.append(_table("Inputs", ["Input", "Value", "Unit", "Source or note"], body))
    parts += [_group_table(label, g) for label, g in groups.items()]
    parts.append(_notes_html(rows, notes or {}))
    return "\n".join(p for p in parts if p)


def _scenario_link(calculator: str, inputs: Inputs, filename: str, title: str) -> str:
    text = dump_scenario(calculator, inputs, title=title)
    uri = "data:application/x-yaml;base64," + base64.b64encode(text.encode()).decode("ascii")
    return f"<a download='{filename}' href='{uri}'>the scenario file (YAML)</a>"


def static_notice_html(scenario_link: str, filename: str) -> str:
    """The box at the top of a static calculator: what is shown and how to use one's own
    numbers (live in Binder, the scenario file ``filename`` with the command line, or the
    workbook)."""
    return (
        "<div class='portal-static-notice' role='note'>"
        "<p><strong>This is the default example, computed when the site was built.</strong> "
        "The page cannot recompute: nothing below is a form.</p>"
        "<div class='portal-static-howto'><p>To use your own numbers:</p><ul>"
        "<li>open this page live with the launch button (the rocket) at the top and choose "
        "<em>Binder</em>: the same calculator appears as a form;</li>"
        f"<li>or download {scenario_link}, edit it and run "
        f"<code>portal-tools run {html.escape(filename)}</code> "
        "on your own machine;</li>"
        "<li>or download the results as an Excel workbook below and work from there.</li></ul>"
        f"<p><a href='{HOW_TO_PAGE}'>How to run the calculators</a></p></div></div>"
    )


class StaticCalculator:
    """A calculator's default example as static HTML (see the module docstring)."""

    def __init__(
        self,
        calculator: AnyCalculator,
        initial: Inputs | Mapping[str, Any] | None = None,
        charts: Callable[[Result], Sequence[Chart]] | None = None,
        stem: str | None = None,
        notes: Mapping[str, Any] | None = None,
        title: str = "",
    ) -> None:
        self.calculator = calculator
        self.inputs: Inputs = calculator.parse(initial)
        self.result: Result = calculator.compute_valid(self.inputs)
        self.charts = charts or calculator.charts
        self.stem = f"{stem or calculator.name}-default"
        self.notes = dict(notes or {})
        self.rows = input_rows(self.inputs, self.notes)
        self.title = title

    def html(self) -> str:
        """The whole static calculator: notice, inputs, then the result."""
        filename = f"{self.stem}-scenario.yaml"
        link = _scenario_link(self.calculator.name, self.inputs, filename, self.title)
        return (
            "<div class='portal-calculator portal-static'>"
            + static_notice_html(link, filename)
            + "<h3 class='portal-static-heading'>Inputs of the default example</h3>"
            + inputs_html(self.rows, self.notes)
            + "<h3 class='portal-static-heading'>Results</h3>"
            + result_html(self.result, list(self.charts(self.result)), stem=self.stem)
            + "</div>"
        )

    def _repr_html_(self) -> str:
        return self.html()


def calculator_view(
    calculator: AnyCalculator,
    initial: Inputs | Mapping[str, Any] | None = None,
    *,
    charts: Callable[[Result], Sequence[Chart]] | None = None,
    stem: str | None = None,
    notes: Mapping[str, Any] | None = None,
    title: str = "",
) -> StaticCalculator | CalculatorApp:
    """The calculator for a page: :class:`StaticCalculator` in the book build, the live form
    :class:`~portal_tools.ui.form.CalculatorApp` in a reader's notebook. ``notes`` (a preset's
    ``assumptions``) and ``title`` are shown on the static view and written into its scenario
    file."""
    if building():
        return StaticCalculator(calculator, initial, charts, stem, notes, title)
    return CalculatorApp(calculator, initial=initial, charts=charts, stem=stem)
