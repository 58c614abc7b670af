"""Generic forms: one control per input field, built from the field metadata.

:func:`build_control` maps a field to a control by its type and widget hint:

========================  ===========================================================
field                     control
========================  ===========================================================
``float`` / ``int``       number box with label, unit, help text and the value read
``Literal[...]``          drop-down
``list[Literal[...]]``    multiple-choice list (choose one or more)
``bool``                  check box
``str``                   text box
``float | None``          number box; empty means none
``list[float]`` amounts   text box of amounts separated by ';' (or line breaks), year 1
                          first, with the amounts read
``list[Model]``           table of rows with *Add row* and *Remove* buttons
anything else             YAML text area (read like a scenario file)
========================  ===========================================================

:class:`CalculatorApp` puts the controls, a *number format* setting (Danish by default, see
:mod:`portal_tools.ui.numbers`), an inline problem box, scenario save/load and the rendered result
together. Every control's ``read()`` returns the raw value and any parse problems; validation
itself is :func:`portal_tools.inputs.parse`. Typed numbers, uploaded files and YAML text areas are
read by the same rules and limits as scenario files.
"""

from __future__ import annotations

import base64
import html
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin

import ipywidgets as W
import yaml
from pydantic import BaseModel

from portal_tools.calculator import AnyCalculator
from portal_tools.charts import Chart
from portal_tools.errors import InputError, Problem
from portal_tools.inputs import (
    FieldMeta,
    Inputs,
    field_meta,
    item_type,
    model_of,
    strip_optional,
)
from portal_tools.reading import read_document
from portal_tools.results import Result
from portal_tools.scenario import (
    decode_scenario_bytes,
    dump_scenario,
    format_of,
    parse_scenario_text,
)
from portal_tools.ui.numbers import (
    CONVENTIONS,
    Convention,
    echo_amounts,
    echo_number,
    format_amounts,
    format_number,
    parse_amounts,
    parse_number,
)
from portal_tools.ui.render import failure_html, problems_html, result_html, stale_html

__all__ = ["CalculatorApp", "Control", "NumberFormat", "build_control"]

LABEL_WIDTH = "15em"


@dataclass
class NumberFormat:
    """The number format every number box of one form reads and writes (``"da"`` or
    ``"en"``), shared by the form's controls so that one setting changes them all."""

    convention: Convention = "da"
    listeners: list[Callable[[Convention, Convention], None]] = field(default_factory=list)

    def change(self, convention: Convention) -> None:
        """Switch format; every number box rewrites the value it holds in the new format."""
        old, self.convention = self.convention, convention
        if old != convention:
            for listener in list(self.listeners):
                listener(old, convention)


class Control(ABC):
    """A form control for one field: ``widget`` to lay out, ``read`` and ``set`` the value.

    ``path`` is the field's path in the inputs (e.g. ``outcomes[1].rate``); a table renumbers
    its rows' paths when a row is removed, so problems always name the row as shown.
    """

    widget: W.Widget
    """The widget that holds the value (for a number box: its text box)."""
    path: str = ""

    @property
    def view(self) -> W.Widget:
        """What the form lays out: the widget, or the widget with what belongs beside it."""
        return self.widget

    @abstractmethod
    def read(self) -> tuple[Any, list[Problem]]:
        """The raw value and any problems found while parsing it."""

    @abstractmethod
    def set(self, value: Any) -> None:
        """Show ``value`` in the control."""

    @abstractmethod
    def observe(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever the reader changes the value."""

    def set_path(self, path: str) -> None:
        """Move the control to ``path`` (after rows above it were removed)."""
        self.path = path


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
        path: str = "",
    ) -> None:
        self.widget = widget
        self._input = widget
        self._to = to_value
        self._from = from_value
        self.path = path

    def read(self) -> tuple[Any, list[Problem]]:
        return self._to(self._input.value)

    def set(self, value: Any) -> None:
        self._input.value = self._from(value)

    def observe(self, callback: Callable[[], None]) -> None:
        self._input.observe(lambda _change: callback(), names="value")


def _description(meta: FieldMeta) -> str:
    return f"{meta.label} ({meta.unit})" if meta.unit else meta.label


def _allows_percent(meta: FieldMeta, annotation: Any = None) -> bool:
    """A share or rate (its whole range lies within -1 to 1) may be typed as '60 %'."""
    from portal_tools.inputs import field_bounds

    bounds: dict[str, Any] = {
        k: getattr(meta, k) for k in ("ge", "le", "gt", "lt") if getattr(meta, k) is not None
    }
    if annotation is not None and get_origin(annotation) is not None:
        bounds.update(field_bounds(get_args(annotation)[1:]))
    low = bounds.get("ge", bounds.get("gt"))
    high = bounds.get("le", bounds.get("lt"))
    return low is not None and high is not None and low >= -1 and high <= 1


class _TextNumberControl(Control):
    """A text box read by :mod:`portal_tools.ui.numbers`, with the value read shown beside
    it (or below it in a table row), in the form's number format."""

    def __init__(
        self,
        meta: FieldMeta,
        value: Any,
        path: str,
        compact: bool,
        numbers: NumberFormat,
        kind: Literal["number", "integer", "optional", "amounts"],
        percent: bool,
    ) -> None:
        self.meta, self.path, self.kind, self.numbers, self.percent = (
            meta,
            path,
            kind,
            numbers,
            percent,
        )
        placeholder = {
            "optional": "none",
            "amounts": "e.g. 1 000 000; 500 000; 0",
        }.get(kind, "")
        width = (
            ("12em" if kind == "amounts" else "9em")
            if compact
            else ("min(100%, 60em)" if kind == "amounts" else "30em")
        )
        self._input = W.Text(
            value=self._show(value),
            description=_description(meta),
            placeholder=placeholder,
            continuous_update=False,
            layout=W.Layout(width=width),
            **_style(compact),
        )
        self._input.add_class("portal-input")
        self._echo = W.HTML("", layout=W.Layout(margin="0 0 0 0.5em"))
        self._echo.add_class("portal-echo")
        box = W.VBox if compact else W.HBox
        self.widget = self._input
        self._view = box([self._input, self._echo], layout=W.Layout(align_items="baseline"))
        self._input.observe(lambda _change: self._update_echo(), names="value")
        numbers.listeners.append(self._reformat)
        self._update_echo()

    @property
    def view(self) -> W.Widget:
        return self._view

    def _show(self, value: Any) -> str:
        convention = self.numbers.convention
        if value is None or (isinstance(value, str) and not value):
            return ""
        if isinstance(value, str):
            return value
        if self.kind == "amounts":
            return format_amounts([float(v) for v in value], convention)
        return format_number(float(value), convention)

    def _parse(self, text: str, convention: Convention) -> Any:
        label = self.meta.label
        if self.kind == "amounts":
            return parse_amounts(
                text, convention, path=self.path, label=label, percent=self.percent
            )
        if self.kind == "optional" and (not text.strip() or text.strip().lower() == "none"):
            return None
        number = parse_number(text, convention, path=self.path, label=label, percent=self.percent)
        if self.kind == "integer":
            if not number.is_integer():
                raise InputError.single(
                    self.path, text, f"a whole number (this text reads as {number!r})", label
                )
            return int(number)
        return number

    def read(self) -> tuple[Any, list[Problem]]:
        text = self._input.value
        try:
            return self._parse(text, self.numbers.convention), []
        except InputError as err:
            return text, err.problems

    def set(self, value: Any) -> None:
        self._input.value = self._show(value)
        self._update_echo()

    def observe(self, callback: Callable[[], None]) -> None:
        self._input.observe(lambda _change: callback(), names="value")

    def _update_echo(self) -> None:
        value, problems = self.read()
        convention = self.numbers.convention
        if problems:
            text = "not read: see the message below"
        elif self.kind == "amounts":
            text = "read as " + echo_amounts(value, convention)
        else:
            text = "read as " + echo_number(value, convention).removeprefix("= ")
        self._echo.value = (
            f"<span class='portal-echo-text' style='font-size:0.85em'>{html.escape(text)}</span>"
        )

    def _reformat(self, old: Convention, new: Convention) -> None:
        """Keep the value when the number format changes: text that was read in the old format
        is rewritten in the new one; text that could not be read stays as typed."""
        try:
            value = self._parse(self._input.value, old)
        except InputError:
            self._update_echo()
            return
        self._input.value = self._show(value) if value is not None else self._input.value
        self._update_echo()


def _number(
    meta: FieldMeta,
    value: Any,
    path: str,
    compact: bool,
    integer: bool,
    numbers: NumberFormat,
    optional: bool = False,
) -> Control:
    kind: Literal["number", "integer", "optional"] = (
        "optional" if optional else ("integer" if integer else "number")
    )
    return _TextNumberControl(
        meta, value, path, compact, numbers, kind, percent=not integer and _allows_percent(meta)
    )


def _amounts(
    meta: FieldMeta, value: Any, path: str, compact: bool, numbers: NumberFormat
) -> Control:
    item = item_type(strip_optional(meta.annotation)[0])
    return _TextNumberControl(
        meta,
        value,
        path,
        compact,
        numbers,
        "amounts",
        percent=_allows_percent(
            FieldMeta(**{**meta.__dict__, "ge": None, "le": None, "gt": None, "lt": None}), item
        ),
    )


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


def _text(meta: FieldMeta, value: Any, path: str, compact: bool) -> Control:
    widget = W.Text(
        value="" if value is None else str(value),
        continuous_update=False,
        description=_description(meta),
        layout=W.Layout(width="12em" if compact else "30em"),
        **_style(compact),
    )
    return _ValueControl(
        widget, lambda v: (v, []), lambda v: "" if v is None else str(v), path=path
    )


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
    control = _ValueControl(widget, lambda _text: (None, []), show, path=path)

    def to_value(text: str) -> tuple[Any, list[Problem]]:
        """Read like a scenario file (YAML 1.2, same limits); problems name the field."""
        if not text.strip():
            return None, []
        try:
            return read_document(text, "yaml", meta.label), []
        except InputError as err:
            return text, [
                Problem(
                    control.path if p.path == "(file)" else f"{control.path}.{p.path}",
                    text if p.path == "(file)" else p.value,
                    p.allowed,
                    meta.label,
                )
                for p in err.problems
            ]

    control._to = to_value
    return control


class ListControl(Control):
    """Rows of sub-forms for a ``list[Model]`` field, with Add and Remove buttons.

    Each row keeps its own controls, and so exactly what the reader typed, when another row is
    added or removed; only the rows' paths are renumbered."""

    def __init__(
        self,
        meta: FieldMeta,
        model: type[BaseModel],
        value: Any,
        path: str,
        numbers: NumberFormat | None = None,
    ) -> None:
        self.meta = meta
        self.model = model
        self.path = path
        self.numbers = numbers or NumberFormat()
        self._callbacks: list[Callable[[], None]] = []
        self._rows: list[dict[str, Control]] = []
        self._row_list: list[W.Widget] = []
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

    def _row_path(self, index: int, name: str) -> str:
        return f"{self.path}[{index}].{name}"

    def _add_row(self, value: Any, notify: bool) -> None:
        data = value.model_dump() if isinstance(value, BaseModel) else (value or {})
        controls: dict[str, Control] = {}
        index = len(self._rows)
        for name in self.model.model_fields:
            sub = field_meta(self.model, name)
            raw = data.get(name, sub.default)
            control = build_control(
                sub, raw, self._row_path(index, name), compact=True, numbers=self.numbers
            )
            control.widget.layout.width = _col_width(self.model, name)
            control.view.layout.width = _col_width(self.model, name)
            for cb in self._callbacks:
                control.observe(cb)
            controls[name] = control
        remove = W.Button(
            description="Remove", tooltip="Remove this row", layout=W.Layout(width="6em")
        )
        remove.on_click(lambda _b, c=controls: self._remove(c))
        self._rows.append(controls)
        self._row_list.append(W.HBox([c.view for c in controls.values()] + [remove]))
        self._refresh(notify)

    def _remove(self, controls: dict[str, Control]) -> None:
        i = self._rows.index(controls)
        del self._rows[i]
        del self._row_list[i]
        self._renumber()
        self._refresh(True)

    def _renumber(self) -> None:
        for index, controls in enumerate(self._rows):
            for name, control in controls.items():
                control.set_path(self._row_path(index, name))

    def set_path(self, path: str) -> None:
        self.path = path
        self._renumber()

    def _refresh(self, notify: bool) -> None:
        self._row_box.children = tuple(self._row_list)
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
        self._row_list.clear()
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
    bare, _ = strip_optional(meta.annotation)
    if meta.widget == "amounts" or get_origin(bare) in (list, dict):
        return "14em"
    if bare is str:
        return "13em"
    return "10em"


def build_control(
    meta: FieldMeta,
    value: Any,
    path: str | None = None,
    compact: bool = False,
    numbers: NumberFormat | None = None,
) -> Control:
    """The control for one field (see the module docstring for the mapping); number boxes read
    and write ``numbers``' format (Danish unless given)."""
    path = path or meta.name
    numbers = numbers or NumberFormat()
    bare, optional = strip_optional(meta.annotation)
    origin = get_origin(bare)
    if meta.widget == "amounts" or (origin is list and _item_is_number(bare)):
        return _amounts(meta, value, path, compact, numbers)
    if origin is list and model_of(item_type(bare)) is not None:
        model = model_of(item_type(bare))
        assert model is not None
        return ListControl(meta, model, value, path, numbers)
    if origin is list and get_origin(item_type(bare)) is Literal:
        return _path(_choices(meta, value, get_args(item_type(bare)), compact), path)
    if origin is Literal:
        return _path(_choice(meta, value, get_args(bare), compact), path)
    if bare is bool and not optional:
        widget = W.Checkbox(value=bool(value), description=_description(meta), indent=False)
        return _ValueControl(widget, lambda v: (v, []), bool, path=path)
    if bare in (int, float):
        return _number(meta, value, path, compact, bare is int, numbers, optional=optional)
    if bare is str:
        return _text(meta, value, path, compact)
    return _yaml(meta, value, path, compact)


def _path(control: Control, path: str) -> Control:
    control.path = path
    return control


def _item_is_number(annotation: Any) -> bool:
    item = item_type(annotation)
    if item is None:
        return False
    base, _ = strip_optional(item)
    if get_args(base) and get_origin(base) is not None and get_origin(base) is not list:
        base = get_args(base)[0]
    return base in (int, float)


def _help_html(meta: FieldMeta) -> str:
    tag = " <em>Default is an assumption for illustration.</em>" if meta.assumption else ""
    return _help_html_text(meta.help, tag)


def _help_html_text(text: str, extra_html: str = "") -> str:
    return (
        f"<div class='portal-help' style='margin:0 0 0.6em {LABEL_WIDTH};font-size:0.85em;"
        f"color:#444'>{html.escape(text)}{extra_html}</div>"
    )


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
        self.controls: dict[str, Control] = {}
        rows: list[W.Widget] = [
            W.VBox(
                [
                    self.number_format,
                    W.HTML(
                        _help_html_text(
                            "Numbers are read in this format; the value read is shown beside "
                            "each box. Spaces may separate thousands in both formats; separate "
                            "several amounts with ';' or new lines."
                        )
                    ),
                ]
            )
        ]
        for name in names:
            meta = field_meta(model, name)
            control = build_control(meta, data[name], numbers=self.numbers)
            self.controls[name] = control
            rows.append(W.VBox([control.view, W.HTML(_help_html(meta))]))
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
