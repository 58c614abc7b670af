"""The calculator app: the form's layout, with the number format setting and each field's
help, and its events: recompute on every change, problems inline, scenario save and load."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
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
from portal_tools.ui.form.build import build_fields, field_rows, help_html
from portal_tools.ui.form.controls import LABEL_WIDTH, Control, NumberFormat
from portal_tools.ui.numbers import CONVENTIONS, Convention
from portal_tools.ui.render import failure_html, problems_html, result_html, stale_html


class CalculatorApp:
    """A complete calculator: form, inline problems, scenario save/load and results.

    ``charts`` draws the figures for a result. The app recomputes on every change. Bad input
    shows the problems inline; a failure of the calculation itself (a defect, not bad input) is
    shown inline too. Either way the last result stays on screen, marked as out of date.
    """

    def __init__(
        self,
        calculator: AnyCalculator,
        initial: Inputs | dict[str, Any] | None = None,
        charts: Callable[[Result], Sequence[Chart]] | None = None,
        fields: Sequence[str] | None = None,
        stem: str | None = None,
        convention: Convention = "da",
    ) -> None:
        self.calculator = calculator
        self.charts = charts or calculator.charts
        self.stem = stem or calculator.name
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
            layout=W.Layout(width="30em"),
            style={"description_width": LABEL_WIDTH},
        )
        self.number_format.observe(self._on_number_format, names="value")
        self.controls: dict[str, Control] = build_fields(
            model, data, lambda n: n, self.numbers, names=names
        )
        rows: list[W.Widget] = [
            W.VBox(
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
        ]
        rows += field_rows(model, self.controls)
        self.problems = W.HTML("")
        self.output = W.HTML("")
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
        self._rendered = ""
        self.progress = W.FloatProgress(
            value=0.0,
            min=0.0,
            max=1.0,
            description="Computing",
            layout=W.Layout(display="none", width="30em"),
        )
        self.widget = W.VBox(
            [
                W.HTML("<strong>Inputs</strong>"),
                *rows,
                scenario_bar,
                self.problems,
                self.progress,
                self.output,
            ],
            layout=W.Layout(width="100%"),
        )
        self.widget.add_class("portal-calculator")
        for control in self.controls.values():
            control.observe(self.update)
        self.update()

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
        """Show ``message_html`` (problems or a failure) and mark the last result out of date."""
        self.problems.value = message_html
        self.stale = True
        if self._rendered:
            self.output.value = stale_html(self._rendered)

    def update(self) -> None:
        """Re-read the form, validate, recompute and redraw, or show what went wrong."""
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
            figures = list(self.charts(result))
            rendered = result_html(result, figures, stem=self.stem)
        except InputError as err:
            self._mark_stale(problems_html(err.problems))
            return
        except Exception as exc:  # a defect of the calculator: shown, never raised at the reader
            self.inputs = inputs
            self.save_link.value = self._save_html()
            self._mark_stale(failure_html(exc))
            return
        self.inputs = inputs
        self.result = result
        self._rendered = rendered
        self.stale = False
        self.problems.value = ""
        self.output.value = rendered
        self.save_link.value = self._save_html()

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
