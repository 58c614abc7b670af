"""Generic forms: one control per input field, built from the field metadata.

:func:`build_control` maps a field to a control by its type and widget hint:

========================  ===========================================================
field                     control
========================  ===========================================================
``float`` / ``int``       number box with label, unit and help text
``Literal[...]``          drop-down
``list[Literal[...]]``    multiple-choice list (choose one or more)
``bool``                  check box
``str``                   text box
``float | None``          text box; empty means none
``list[float]`` amounts   text box of comma-separated amounts, year 1 first
``list[Model]``           table of rows with *Add row* and *Remove* buttons
anything else             YAML text area
========================  ===========================================================

:class:`CalculatorApp` puts the controls, an inline problem box, scenario save/load and the
rendered result together. Every control's ``read()`` returns the raw value and any parse
problems; validation itself is :func:`portal_tools.inputs.parse`.
"""

from __future__ import annotations

import base64
import html
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, Literal, get_args, get_origin

import ipywidgets as W
import yaml
from pydantic import BaseModel

from portal_tools.charts import Chart
from portal_tools.errors import InputError, Problem, format_path
from portal_tools.inputs import (
    FieldMeta,
    Inputs,
    _item_type,
    _model_of,
    _strip_optional,
    field_meta,
)
from portal_tools.registry import Calculator
from portal_tools.results import Result
from portal_tools.scenario import dump_scenario, parse_scenario_text
from portal_tools.ui.render import problems_html, result_html

__all__ = ["CalculatorApp", "Control", "build_control", "parse_amounts"]

LABEL_WIDTH = "15em"
_SPLIT = re.compile(r"[,;\n\t]+")


def parse_amounts(text: str, path: str, label: str = "") -> tuple[list[float], list[Problem]]:
    """Parse '1 000 000, 250000; 0' into floats: items split on commas, semicolons or new lines;
    spaces and underscores inside an item are thousands separators; '.' is the decimal point."""
    values: list[float] = []
    problems: list[Problem] = []
    tokens = [t for t in _SPLIT.split(text.strip()) if t.strip()] if text.strip() else []
    for i, token in enumerate(tokens):
        cleaned = token.strip().replace(" ", "").replace("_", "").replace("\u00a0", "")
        try:
            number = float(cleaned)
        except ValueError:
            problems.append(
                Problem(
                    f"{path}[{i}]",
                    token.strip(),
                    "a number such as 250000 or 1 250 000.50 ('.' is the decimal point)",
                    label,
                )
            )
            continue
        values.append(number)
    return values, problems


def _fmt_amount(x: float) -> str:
    return f"{x:,.0f}".replace(",", " ") if float(x).is_integer() else f"{x:,}".replace(",", " ")


class Control(ABC):
    """A form control for one field: ``widget`` to lay out, ``read`` and ``set`` the value."""

    widget: W.Widget

    @abstractmethod
    def read(self) -> tuple[Any, list[Problem]]:
        """The raw value and any problems found while parsing it."""

    @abstractmethod
    def set(self, value: Any) -> None:
        """Show ``value`` in the control."""

    @abstractmethod
    def observe(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever the reader changes the value."""


def _style(compact: bool) -> dict[str, Any]:
    """Label width: the form's label column, or zero in table rows, whose column headers show
    the labels; the zero-width label still names the control for screen readers."""
    return {"style": {"description_width": "0px" if compact else LABEL_WIDTH}}


class _ValueControl(Control):
    """A control backed by one ipywidget with a ``value`` trait."""

    def __init__(
        self,
        widget: W.ValueWidget,
        to_value: Callable[[Any], tuple[Any, list[Problem]]],
        from_value: Callable[[Any], Any],
    ) -> None:
        self.widget = widget
        self._input = widget
        self._to = to_value
        self._from = from_value

    def read(self) -> tuple[Any, list[Problem]]:
        return self._to(self._input.value)

    def set(self, value: Any) -> None:
        self._input.value = self._from(value)

    def observe(self, callback: Callable[[], None]) -> None:
        self._input.observe(lambda _change: callback(), names="value")


def _description(meta: FieldMeta) -> str:
    return f"{meta.label} ({meta.unit})" if meta.unit else meta.label


def _number(meta: FieldMeta, value: Any, path: str, compact: bool, integer: bool) -> Control:
    cls = W.IntText if integer else W.FloatText
    kwargs: dict[str, Any] = {
        "value": value if value is not None else 0,
        "description": _description(meta),
        "layout": W.Layout(width="9em" if compact else "30em"),
    }
    if compact:
        kwargs["description_allow_html"] = False
    if meta.step is not None and not integer:
        kwargs["step"] = meta.step
    widget = cls(**kwargs, **_style(compact))
    widget.add_class("portal-input")
    return _ValueControl(widget, lambda v: (v, []), lambda v: v)


def _optional_number(meta: FieldMeta, value: Any, path: str, compact: bool) -> Control:
    widget = W.Text(
        value="" if value is None else f"{value:g}",
        placeholder="none",
        description=_description(meta),
        continuous_update=False,
        layout=W.Layout(width="9em" if compact else "30em"),
        **_style(compact),
    )

    def to_value(text: str) -> tuple[Any, list[Problem]]:
        text = text.strip().replace(" ", "")
        if not text or text.lower() == "none":
            return None, []
        try:
            return float(text), []
        except ValueError:
            return text, [Problem(path, text, "a number, or empty for none", meta.label)]

    return _ValueControl(widget, to_value, lambda v: "" if v is None else f"{v:g}")


def _amounts(meta: FieldMeta, value: Any, path: str, compact: bool) -> Control:
    def show(values: Any) -> str:
        return ", ".join(_fmt_amount(float(v)) for v in (values or []))

    widget = W.Text(
        value=show(value),
        description=_description(meta),
        continuous_update=False,
        placeholder="e.g. 1 000 000, 500 000, 0",
        layout=W.Layout(width="12em" if compact else "min(100%, 60em)"),
        **_style(compact),
    )
    return _ValueControl(widget, lambda text: parse_amounts(text, path, meta.label), show)


def _choice(meta: FieldMeta, value: Any, options: Sequence[Any], compact: bool) -> Control:
    widget = W.Dropdown(
        options=list(options),
        value=value if value in options else options[0],
        description=_description(meta),
        layout=W.Layout(width="11em" if compact else "30em"),
        **_style(compact),
    )
    return _ValueControl(widget, lambda v: (v, []), lambda v: v)


def _choices(meta: FieldMeta, value: Any, options: Sequence[Any], compact: bool) -> Control:
    """A list box where the reader picks one or more of ``options`` (Ctrl/Shift-click)."""
    chosen = tuple(v for v in (value or ()) if v in options)
    widget = W.SelectMultiple(
        options=list(options),
        value=chosen,
        rows=len(options),
        description=_description(meta),
        layout=W.Layout(width="11em" if compact else "30em"),
        **_style(compact),
    )
    return _ValueControl(
        widget, lambda v: (list(v), []), lambda v: tuple(x for x in (v or ()) if x in options)
    )


def _text(meta: FieldMeta, value: Any, compact: bool) -> Control:
    widget = W.Text(
        value="" if value is None else str(value),
        continuous_update=False,
        description=_description(meta),
        layout=W.Layout(width="12em" if compact else "30em"),
        **_style(compact),
    )
    return _ValueControl(widget, lambda v: (v, []), lambda v: "" if v is None else str(v))


def _yaml(meta: FieldMeta, value: Any, path: str, compact: bool) -> Control:
    def show(v: Any) -> str:
        return "" if v is None else yaml.safe_dump(v, sort_keys=False, allow_unicode=True).strip()

    widget = W.Textarea(
        value=show(value),
        continuous_update=False,
        description=_description(meta),
        layout=W.Layout(width="min(100%, 60em)", height="7em"),
        **_style(compact),
    )

    def to_value(text: str) -> tuple[Any, list[Problem]]:
        if not text.strip():
            return None, []
        try:
            return yaml.safe_load(text), []
        except yaml.YAMLError:
            return text, [Problem(path, text, "valid YAML, e.g. 'name: value' lines", meta.label)]

    return _ValueControl(widget, to_value, show)


class ListControl(Control):
    """Rows of sub-forms for a ``list[Model]`` field, with Add and Remove buttons."""

    def __init__(self, meta: FieldMeta, model: type[BaseModel], value: Any, path: str) -> None:
        self.meta = meta
        self.model = model
        self.path = path
        self._callbacks: list[Callable[[], None]] = []
        self._rows: list[dict[str, Control]] = []
        self._row_box = W.VBox()
        names = list(model.model_fields)
        header = W.HBox(
            [
                W.HTML(
                    f"<strong>{html.escape(_description(field_meta(model, n)))}</strong>",
                    layout=W.Layout(width=_col_width(model, n)),
                )
                for n in names
            ]
            + [W.HTML("", layout=W.Layout(width="6em"))]
        )
        self._add = W.Button(
            description="Add row", icon="plus", tooltip=f"Add a row to {meta.label}"
        )
        self._add.on_click(lambda _b: self._add_row(None, notify=True))
        title = W.HTML(f"<strong>{html.escape(_description(meta))}</strong>")
        self.widget = W.VBox(
            [title, header, self._row_box, self._add], layout=W.Layout(overflow="auto")
        )
        for row in value or []:
            self._add_row(row, notify=False)

    def _add_row(self, value: Any, notify: bool) -> None:
        data = value.model_dump() if isinstance(value, BaseModel) else (value or {})
        controls: dict[str, Control] = {}
        index = len(self._rows)
        for name in self.model.model_fields:
            sub = field_meta(self.model, name)
            raw = data.get(name, sub.default)
            controls[name] = build_control(sub, raw, f"{self.path}[{index}].{name}", compact=True)
            controls[name].widget.layout.width = _col_width(self.model, name)
            for cb in self._callbacks:
                controls[name].observe(cb)
        remove = W.Button(
            description="Remove", tooltip="Remove this row", layout=W.Layout(width="6em")
        )
        remove.on_click(lambda _b, c=controls: self._remove(c))
        self._rows.append(controls)
        self._row_widgets().append(W.HBox([c.widget for c in controls.values()] + [remove]))
        self._refresh(notify)

    def _row_widgets(self) -> list[W.Widget]:
        if not hasattr(self, "_row_list"):
            self._row_list: list[W.Widget] = []
        return self._row_list

    def _remove(self, controls: dict[str, Control]) -> None:
        i = self._rows.index(controls)
        del self._rows[i]
        del self._row_widgets()[i]
        self._reindex()
        self._refresh(True)

    def _reindex(self) -> None:
        rows = [{n: c.read()[0] for n, c in r.items()} for r in self._rows]
        self._rows = []
        self._row_widgets().clear()
        for row in rows:
            self._add_row(row, notify=False)

    def _refresh(self, notify: bool) -> None:
        self._row_box.children = tuple(self._row_widgets())
        if notify:
            for cb in self._callbacks:
                cb()

    def read(self) -> tuple[Any, list[Problem]]:
        rows: list[dict[str, Any]] = []
        problems: list[Problem] = []
        for controls in self._rows:
            row: dict[str, Any] = {}
            for name, control in controls.items():
                value, found = control.read()
                problems += found
                if value is not None:
                    row[name] = value
            rows.append(row)
        return rows, problems

    def set(self, value: Any) -> None:
        self._rows = []
        self._row_widgets().clear()
        for row in value or []:
            self._add_row(row, notify=False)
        self._refresh(False)

    def observe(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)
        for controls in self._rows:
            for control in controls.values():
                control.observe(callback)


def _col_width(model: type[BaseModel], name: str) -> str:
    meta = field_meta(model, name)
    bare, _ = _strip_optional(meta.annotation)
    if meta.widget == "amounts" or get_origin(bare) in (list, dict):
        return "14em"
    if bare is str:
        return "13em"
    return "10em"


def build_control(
    meta: FieldMeta, value: Any, path: str | None = None, compact: bool = False
) -> Control:
    """The control for one field (see the module docstring for the mapping)."""
    path = path or meta.name
    bare, optional = _strip_optional(meta.annotation)
    origin = get_origin(bare)
    if meta.widget == "amounts" or (origin is list and _item_is_number(bare)):
        return _amounts(meta, value, path, compact)
    if origin is list and _model_of(_item_type(bare)) is not None:
        model = _model_of(_item_type(bare))
        assert model is not None
        return ListControl(meta, model, value, path)
    if origin is list and get_origin(_item_type(bare)) is Literal:
        return _choices(meta, value, get_args(_item_type(bare)), compact)
    if origin is Literal:
        return _choice(meta, value, get_args(bare), compact)
    if bare is bool and not optional:
        widget = W.Checkbox(value=bool(value), description=_description(meta), indent=False)
        return _ValueControl(widget, lambda v: (v, []), bool)
    if bare in (int, float) and optional:
        return _optional_number(meta, value, path, compact)
    if bare in (int, float):
        return _number(meta, value, path, compact, integer=bare is int)
    if bare is str:
        return _text(meta, value, compact)
    return _yaml(meta, value, path, compact)


def _item_is_number(annotation: Any) -> bool:
    item = _item_type(annotation)
    if item is None:
        return False
    base, _ = _strip_optional(item)
    if get_args(base) and get_origin(base) is not None and get_origin(base) is not list:
        base = get_args(base)[0]
    return base in (int, float)


def _help_html(meta: FieldMeta) -> str:
    tag = " <em>Default is an assumption for illustration.</em>" if meta.assumption else ""
    return (
        f"<div class='portal-help' style='margin:0 0 0.6em {LABEL_WIDTH};font-size:0.85em;"
        f"color:#444'>{html.escape(meta.help)}{tag}</div>"
    )


class CalculatorApp:
    """A complete calculator: form, inline problems, scenario save/load and results.

    ``charts`` draws the figures for a result. The app recomputes on every change; bad input
    shows the problems inline and keeps the last valid result, marked as such.
    """

    def __init__(
        self,
        calculator: Calculator[Any],
        initial: Inputs | dict[str, Any] | None = None,
        charts: Callable[[Result], Sequence[Chart]] | None = None,
        fields: Sequence[str] | None = None,
        stem: str | None = None,
    ) -> None:
        self.calculator = calculator
        self.charts = charts or calculator.charts
        self.stem = stem or calculator.name
        start = calculator.parse(initial)
        self.inputs: Inputs = start
        data = start.model_dump()
        model = calculator.inputs
        self.hidden = {
            n: data[n] for n in model.model_fields if fields is not None and n not in fields
        }
        names = [n for n in model.model_fields if fields is None or n in fields]
        self.controls: dict[str, Control] = {}
        rows: list[W.Widget] = []
        for name in names:
            meta = field_meta(model, name)
            control = build_control(meta, data[name])
            self.controls[name] = control
            rows.append(W.VBox([control.widget, W.HTML(_help_html(meta))]))
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

    def update(self) -> None:
        """Re-read the form, validate, recompute and redraw (or show the problems)."""
        data, problems = self.raw_inputs()
        if not problems:
            try:
                self.inputs = self.calculator.parse(data)
            except InputError as err:
                problems = err.problems
        self.problems.value = problems_html(problems)
        if problems:
            return
        self.result = self._compute()
        figures = list(self.charts(self.result))
        self.output.value = result_html(self.result, figures, stem=self.stem)
        self.save_link.value = self._save_html()

    def _compute(self) -> Result:
        """Run the calculator; a slow run (as the calculator declares) shows a progress bar."""
        calc = self.calculator
        if calc.compute_with_progress is None or not calc.slow(self.inputs):
            return calc.compute(self.inputs)
        self.progress.value = 0.0
        self.progress.layout.display = None

        def report(fraction: float) -> None:
            self.progress.value = fraction

        try:
            return calc.compute_with_progress(self.inputs, report)
        finally:
            self.progress.layout.display = "none"

    def _save_html(self) -> str:
        text = dump_scenario(self.calculator.name, self.inputs)
        uri = "data:application/x-yaml;base64," + base64.b64encode(text.encode()).decode()
        return f"<a download='{self.stem}-scenario.yaml' href='{uri}'>Save scenario (YAML)</a>"

    def load_text(self, text: str) -> None:
        """Load a scenario document into the form (problems shown inline)."""
        try:
            scenario = parse_scenario_text(text, "uploaded file")
        except InputError as err:
            self.problems.value = problems_html(err.problems)
            return
        if scenario.calculator.name != self.calculator.name:
            self.problems.value = problems_html(
                [
                    Problem(
                        "calculator",
                        scenario.calculator.name,
                        f"'{self.calculator.name}' for this page",
                    )
                ]
            )
            return
        data = scenario.inputs.model_dump()
        for name, control in self.controls.items():
            control.set(data[name])
        self.hidden = {n: data[n] for n in self.hidden}
        self.update()

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change.get("new") or ()
        if not files:
            return
        content = files[0]["content"]
        try:
            text = bytes(content).decode("utf-8")
        except UnicodeDecodeError:
            self.problems.value = problems_html(
                [Problem("(file)", files[0].get("name", ""), "a UTF-8 YAML or JSON file")]
            )
            return
        self.load_text(text)

    def _ipython_display_(self) -> None:  # pragma: no cover - exercised in notebooks
        from IPython.display import display

        display(self.widget)  # type: ignore[no-untyped-call]


def path_for(*parts: str | int) -> str:
    """Field path helper re-exported for pages and tests."""
    return format_path(parts)
