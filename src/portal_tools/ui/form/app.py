"""The calculator app: the form's layout, with the number format setting and each field's
help, and its events: recompute on every change, problems inline, scenario save and load."""

from __future__ import annotations

import asyncio
import base64
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import ipywidgets as W

from portal_tools.calculator import AnyCalculator
from portal_tools.charts import Chart
from portal_tools.errors import InputError, Problem
from portal_tools.inputs import Inputs
from portal_tools.results import Result
from portal_tools.scenario import (
    decode_scenario_bytes,
    dump_scenario,
    format_of,
    parse_scenario_text,
)
from portal_tools.tables import table_html
from portal_tools.ui.form.build import build_fields, field_rows, help_html
from portal_tools.ui.form.controls import FULL, LABEL_WIDTH, WIDE, WIDER, Control, NumberFormat
from portal_tools.ui.numbers import CONVENTIONS, Convention
from portal_tools.ui.render import (
    charts_html,
    download_links,
    failure_html,
    problems_html,
    stale_html,
    summary_html,
)

Scheduler = Callable[[float, Callable[[], None]], Callable[[], None]]
"""Runs a callback after a delay in seconds and returns what cancels it."""

DEBOUNCE = 0.25
"""Seconds of quiet typing after which a text box's value is recomputed."""


def loop_scheduler(delay: float, callback: Callable[[], None]) -> Callable[[], None]:
    """Run ``callback`` after ``delay`` seconds on the running event loop (a Jupyter kernel's),
    or at once where no loop runs (a script, the tests, the book build)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        callback()
        return _nothing
    return loop.call_later(delay, callback).cancel


def _nothing() -> None:
    """Cancel a callback that has already run."""


def summary_part(result: Result) -> str:
    """What a reader sees first of a result: its notes and summary (as :func:`result_html`)."""
    notes = "".join(
        f"<p class='portal-note' role='note'><strong>Note:</strong> {html.escape(n)}</p>\n"
        for n in result.notes
    )
    return notes + summary_html(result)


def tables_part(result: Result) -> str:
    """The result's tables (as :func:`result_html` shows them)."""
    return "\n".join(
        table_html(table, f"Table: {name.replace('_', ' ')}")
        for name, table in result.tables.items()
    )


@dataclass
class _Pending:
    """The charts of result ``key`` being drawn, and the indices of those not drawn yet."""

    key: str
    figures: list[Chart]
    left: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.left = list(range(len(self.figures)))


class ResultArea:
    """Where a result is shown, in parts redrawn separately: the summary (with the notes and
    the problems' *out of date* mark), the charts, the tables and the downloads, which are built
    when the reader asks for them (*Prepare downloads*). ``value`` is all of it as HTML.

    The charts are shown one at a time, chosen in a *Chart* list (hidden for a single chart), so
    that a change redraws the chart on screen first and the others after it; each drawn chart is
    kept (``drawn``) until its new version replaces it."""

    def __init__(self) -> None:
        self.summary = W.HTML("")
        self.chart_choice = W.Dropdown(
            options=[],
            description="Chart",
            tooltip="Which chart to show",
            layout=W.Layout(width=WIDER, display="none"),
            style={"description_width": "auto"},
        )
        self.chart = W.HTML("", layout=W.Layout(width=FULL))
        self.figures = W.VBox([self.chart_choice, self.chart], layout=W.Layout(width="100%"))
        self.drawn: list[str] = []
        self.chart_choice.observe(lambda _c: self._show_choice(), names="value")
        self.tables = W.HTML("")
        self.downloads = W.HTML("")
        self.prepare = W.Button(
            description="Prepare downloads",
            icon="download",
            tooltip="Build the results as CSV, Excel and JSON files to download",
            layout=W.Layout(width="auto", display="none"),
        )
        self.widget = W.VBox(
            [self.summary, self.figures, self.tables, self.prepare, self.downloads],
            layout=W.Layout(width="100%"),
        )

    @property
    def charts(self) -> str:
        """The chart on screen, as HTML."""
        return str(self.chart.value)

    @property
    def selected(self) -> int:
        """The index of the chart on screen (0 when there is none)."""
        return int(self.chart_choice.value or 0)

    @property
    def value(self) -> str:
        """Everything shown, as one HTML text."""
        parts = (self.summary.value, self.charts, self.tables.value, self.downloads.value)
        return "\n".join(p for p in parts if p)

    def set_titles(self, titles: Sequence[str]) -> None:
        """Offer the charts ``titles`` in the *Chart* list (numbered), keeping the chart on
        screen where it still exists; drawn charts after the last are dropped."""
        keep = min(self.selected, len(titles) - 1) if titles else 0
        del self.drawn[len(titles) :]
        options = [(f"{i + 1} of {len(titles)}: {t or 'Chart'}", i) for i, t in enumerate(titles)]
        if list(self.chart_choice.options) != options:
            self.chart_choice.options = options
            self.chart_choice.value = keep if options else None
        self.chart_choice.layout.display = None if len(titles) > 1 else "none"
        self._show_choice()

    def show_chart(self, index: int, rendered: str) -> None:
        """Keep ``rendered`` as chart ``index`` and show it if it is the one chosen."""
        self.drawn += [""] * (index + 1 - len(self.drawn))
        self.drawn[index] = rendered
        if index == self.selected:
            self.chart.value = rendered

    def clear_charts(self) -> None:
        """Drop every chart (they were folded into the out-of-date summary)."""
        self.drawn = []
        self.chart.value = ""
        self.chart_choice.layout.display = "none"

    def _show_choice(self) -> None:
        index = self.selected
        self.chart.value = self.drawn[index] if index < len(self.drawn) else ""


class CalculatorApp:
    """A complete calculator: form, inline problems, scenario save/load and results.

    ``charts`` draws the figures for a result. The app recomputes on every change: at once for
    a choice, a check box, a button or Enter, and once the reader pauses typing in a text box
    for :data:`DEBOUNCE` seconds (``scheduler`` runs those delayed calls; by default the
    kernel's event loop). The summary is redrawn first, the charts after it (and only when the
    result changed); the downloads are built when the reader asks. Bad input shows the problems
    inline; a failure of the calculation itself (a defect, not bad input) is shown inline too.
    Either way the last result stays on screen, marked as out of date.
    """

    def __init__(
        self,
        calculator: AnyCalculator,
        initial: Inputs | Mapping[str, Any] | None = None,
        charts: Callable[[Result], Sequence[Chart]] | None = None,
        fields: Sequence[str] | None = None,
        stem: str | None = None,
        convention: Convention = "da",
        scheduler: Scheduler | None = None,
    ) -> None:
        self.calculator = calculator
        self.charts = charts or calculator.charts
        self.stem = stem or calculator.name
        self.scheduler: Scheduler = scheduler or loop_scheduler
        start = calculator.parse(initial)
        self.inputs: Inputs = start
        data = start.model_dump()
        model = calculator.inputs
        self.numbers = NumberFormat(convention)
        self.hidden = {
            n: data[n] for n in model.model_fields if fields is not None and n not in fields
        }
        names = [n for n in model.model_fields if fields is None or n in fields]
        self.number_format = W.Dropdown(
            options=[(text, key) for key, text in CONVENTIONS.items()],
            value=convention,
            description="Number format",
            tooltip="How you type numbers: decides what 1.500 or 1,500 means",
            layout=W.Layout(width=WIDE),
            style={"description_width": LABEL_WIDTH},
        )
        self.number_format.observe(self._on_number_format, names="value")
        self.controls: dict[str, Control] = build_fields(
            model, data, lambda n: n, self.numbers, names=names
        )
        intro = W.VBox(
            [
                self.number_format,
                W.HTML(
                    help_html(
                        "Numbers are read in this format; the value read is shown beside "
                        "each box. Spaces may separate thousands in both formats; separate "
                        "several amounts with ';' or new lines."
                    )
                ),
            ]
        )
        self.problems = W.HTML("")
        self.output = ResultArea()
        self.output.prepare.on_click(lambda _b: self.prepare_downloads())
        self.save_link = W.HTML("")
        self.upload = W.FileUpload(
            accept=".yaml,.yml,.json",
            multiple=False,
            description="Load scenario",
            tooltip="Load a scenario file",
        )
        self.upload.observe(self._on_upload, names="value")
        scenario_bar = W.HBox(
            [self.save_link, self.upload],
            layout=W.Layout(align_items="center", justify_content="flex-start"),
        )
        self.result: Result | None = None
        self.stale = False
        self._chart_key: str | None = None
        self._pending: _Pending | None = None
        self.output.chart_choice.observe(self._on_chart_choice, names="value")
        self._cancel: Callable[[], None] = _nothing
        self.progress = W.FloatProgress(
            value=0.0,
            min=0.0,
            max=1.0,
            description="Computing",
            layout=W.Layout(display="none", width=WIDE),
        )
        self.widget = W.VBox(
            [
                W.HTML("<strong>Inputs</strong>"),
                intro,
                *field_rows(model, self.controls),
                scenario_bar,
                self.problems,
                self.progress,
                self.output.widget,
            ],
            layout=W.Layout(width="100%"),
        )
        self.widget.add_class("portal-calculator")
        for control in self.controls.values():
            control.observe(self.update, self.update_soon)
        self.update(charts_later=False)
        # The first result's downloads are in the page, which works with no kernel.
        self.prepare_downloads()

    def raw_inputs(self) -> tuple[dict[str, Any], list[Problem]]:
        """Current form values and problems found while reading them."""
        data = dict(self.hidden)
        problems: list[Problem] = []
        for name, control in self.controls.items():
            value, found = control.read()
            data[name] = value
            problems += found
        return data, problems

    def _on_number_format(self, change: dict[str, Any]) -> None:
        self.numbers.change(change["new"])
        self.update()

    def _mark_stale(self, message_html: str) -> None:
        """Show ``message_html`` (problems or a failure) and mark the last result out of date:
        the whole of it, dimmed, in the summary's place."""
        self.problems.value = message_html
        out = self.output
        if out.value and not self.stale:
            out.summary.value = stale_html(out.value)
            out.tables.value = out.downloads.value = ""
            out.clear_charts()
            self._pending = None
            out.prepare.layout.display = "none"
        self.stale = True

    def update_soon(self) -> None:
        """Recompute once the reader has stopped typing for :data:`DEBOUNCE` seconds (each call
        starts the wait again)."""
        self._cancel()
        self._cancel = self.scheduler(DEBOUNCE, self.update)

    def update(self, charts_later: bool = True) -> None:
        """Re-read the form, validate, recompute and redraw, or show what went wrong: the
        summary at once, the charts after it (through the scheduler when ``charts_later``)."""
        self._cancel()
        self._cancel = _nothing
        data, problems = self.raw_inputs()
        inputs: Inputs | None = None
        if not problems:
            try:
                inputs = self.calculator.parse(data)
            except InputError as err:
                problems = err.problems
        if problems or inputs is None:
            self._mark_stale(problems_html(problems))
            return
        try:
            result = self._compute(inputs)
            summary = summary_part(result)
            tables = tables_part(result)
        except InputError as err:
            self._mark_stale(problems_html(err.problems))
            return
        except Exception as exc:  # a defect of the calculator: shown, never raised at the reader
            self.inputs = inputs
            self.save_link.value = self._save_html()
            self._mark_stale(failure_html(exc))
            return
        self._show(inputs, result, summary, tables)
        self._then(charts_later, lambda: self._draw_charts(result, charts_later))

    def _show(self, inputs: Inputs, result: Result, summary: str, tables: str) -> None:
        """Show a new result's summary and tables; the charts stay until they are redrawn, and
        the downloads wait to be asked for."""
        out = self.output
        was_stale = self.stale
        self.inputs, self.result, self.stale = inputs, result, False
        self.problems.value = ""
        out.summary.value = summary
        out.tables.value = tables
        out.downloads.value = ""
        out.prepare.layout.display = None
        if was_stale:
            self._chart_key = None  # the charts were folded into the out-of-date summary
        self.save_link.value = self._save_html()

    def _then(self, later: bool, step: Callable[[], None]) -> None:
        """Run the next step of a redraw: through the scheduler (so that the reader's next
        change can cancel it) when ``later``, else at once."""
        if later:
            self._cancel = self.scheduler(0.0, step)
        else:
            step()

    def _draw_charts(self, result: Result, later: bool) -> None:
        """Draw the charts of ``result`` one by one, the chart on screen first, unless they are
        those already shown (same result). Each step is the only call waiting in the scheduler,
        so any change (which cancels it) stops the drawing."""
        key = result.to_json()
        if key == self._chart_key:
            return
        try:
            figures = list(self.charts(result))
        except Exception as exc:  # a defect of the charts: shown, never raised at the reader
            self._mark_stale(failure_html(exc))
            return
        self._chart_key = None  # until every chart of this result is shown
        self._pending = _Pending(key, figures)
        self.output.set_titles([chart.title for chart in figures])
        self._draw_next(later)

    def _draw_one(self, index: int) -> bool:
        """Draw chart ``index`` of the pending result and show it; False if drawing failed
        (the failure is then shown)."""
        pending = self._pending
        assert pending is not None
        try:
            rendered = charts_html([pending.figures[index]])
        except Exception as exc:  # a defect of the charts: shown, never raised at the reader
            self._mark_stale(failure_html(exc))
            return False
        pending.left.remove(index)
        self.output.show_chart(index, rendered)
        return True

    def _draw_next(self, later: bool) -> None:
        """Draw the next chart of the pending result (the one on screen if it is not drawn yet,
        else the first not drawn) and go on, or note that every chart is shown."""
        pending = self._pending
        if pending is None:
            return
        if not pending.left:
            self._chart_key, self._pending = pending.key, None
            return
        chosen = self.output.selected
        if self._draw_one(chosen if chosen in pending.left else pending.left[0]):
            self._then(later, lambda: self._draw_next(later))

    def _on_chart_choice(self, _change: dict[str, Any]) -> None:
        """A chart chosen while the charts are being drawn is drawn at once."""
        pending = self._pending
        if pending is not None and self.output.selected in pending.left:
            self._draw_one(self.output.selected)

    def prepare_downloads(self) -> None:
        """Build the current result's downloads (CSV, Excel, JSON) and show their links."""
        if self.result is None or self.stale:
            return
        self.output.downloads.value = download_links(self.result, self.stem)
        self.output.prepare.layout.display = "none"

    def _compute(self, inputs: Inputs | None = None) -> Result:
        """Run the calculator; a slow run (as the calculator declares) shows a progress bar."""
        inputs = self.inputs if inputs is None else inputs
        calc = self.calculator
        if not calc.is_slow(inputs):
            return calc.compute_valid(inputs)
        self.progress.value = 0.0
        self.progress.layout.display = None

        def report(fraction: float) -> None:
            self.progress.value = fraction

        try:
            return calc.compute_valid(inputs, report)
        finally:
            self.progress.layout.display = "none"

    def _save_html(self) -> str:
        text = dump_scenario(self.calculator.name, self.inputs)
        uri = "data:application/x-yaml;base64," + base64.b64encode(text.encode()).decode()
        return f"<a download='{self.stem}-scenario.yaml' href='{uri}'>Save scenario (YAML)</a>"

    def load_text(self, text: str, fmt: Literal["yaml", "json"] = "yaml") -> None:
        """Load a scenario document into the form (problems shown inline)."""
        try:
            scenario = parse_scenario_text(text, "uploaded file", fmt)
        except InputError as err:
            self.problems.value = problems_html(err.problems, heading=_LOAD_HEADING)
            return
        if scenario.calculator.name != self.calculator.name:
            self.problems.value = problems_html(
                [
                    Problem(
                        "calculator",
                        scenario.calculator.name,
                        f"'{self.calculator.name}' for this page",
                    )
                ],
                heading=_LOAD_HEADING,
            )
            return
        data = scenario.inputs.model_dump()
        for name, control in self.controls.items():
            control.set(data[name])
        self.hidden = {n: data[n] for n in self.hidden}
        self.update()

    def load_bytes(self, content: bytes, name: str) -> None:
        """Load an uploaded scenario file's bytes (``.json`` read as JSON, others as YAML)."""
        try:
            text = decode_scenario_bytes(bytes(content), name or "uploaded file")
        except InputError as err:
            self.problems.value = problems_html(err.problems, heading=_LOAD_HEADING)
            return
        self.load_text(text, format_of(name))

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change.get("new") or ()
        if not files:
            return
        upload = files[0]
        self.load_bytes(upload["content"], str(upload.get("name", "")))
        # Forget the upload, so that choosing the same file again loads it again.
        self.upload.value = ()

    def _ipython_display_(self) -> None:  # pragma: no cover - exercised in notebooks
        from IPython.display import display

        display(self.widget)  # type: ignore[no-untyped-call]


_LOAD_HEADING = "The scenario file was not loaded; the form keeps its inputs."
