"""From a field to its control: :func:`build_control` (the mapping is in the docstring of
:mod:`portal_tools.ui.form`) and the table of rows for a list of entries (:class:`ListControl`).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any, Literal, get_args, get_origin

import ipywidgets as W
import yaml
from pydantic import BaseModel

from portal_tools.errors import InputError, Problem
from portal_tools.inputs import FieldMeta, field_meta, item_type, model_of, strip_optional
from portal_tools.reading import read_document
from portal_tools.ui.form.controls import (
    Control,
    NumberFormat,
    TextNumberControl,
    ValueControl,
    allows_percent,
    label_style,
    label_text,
)


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
    return TextNumberControl(
        meta, value, path, compact, numbers, kind, percent=not integer and allows_percent(meta)
    )


def _amounts(
    meta: FieldMeta, value: Any, path: str, compact: bool, numbers: NumberFormat
) -> Control:
    item = item_type(strip_optional(meta.annotation)[0])
    return TextNumberControl(
        meta,
        value,
        path,
        compact,
        numbers,
        "amounts",
        percent=allows_percent(
            FieldMeta(**{**meta.__dict__, "ge": None, "le": None, "gt": None, "lt": None}), item
        ),
    )


def _choice(meta: FieldMeta, value: Any, options: Sequence[Any], compact: bool) -> Control:
    widget = W.Dropdown(
        options=list(options),
        value=value if value in options else options[0],
        description=label_text(meta),
        layout=W.Layout(width="11em" if compact else "30em"),
        **label_style(compact),
    )
    return ValueControl(widget, lambda v: (v, []), lambda v: v)


def _choices(meta: FieldMeta, value: Any, options: Sequence[Any], compact: bool) -> Control:
    """A list box where the reader picks one or more of ``options`` (Ctrl/Shift-click)."""
    chosen = tuple(v for v in (value or ()) if v in options)
    widget = W.SelectMultiple(
        options=list(options),
        value=chosen,
        rows=len(options),
        description=label_text(meta),
        layout=W.Layout(width="11em" if compact else "30em"),
        **label_style(compact),
    )
    return ValueControl(
        widget, lambda v: (list(v), []), lambda v: tuple(x for x in (v or ()) if x in options)
    )


def _text(meta: FieldMeta, value: Any, path: str, compact: bool) -> Control:
    widget = W.Text(
        value="" if value is None else str(value),
        continuous_update=False,
        description=label_text(meta),
        layout=W.Layout(width="12em" if compact else "30em"),
        **label_style(compact),
    )
    return ValueControl(widget, lambda v: (v, []), lambda v: "" if v is None else str(v), path=path)


def _yaml(meta: FieldMeta, value: Any, path: str, compact: bool) -> Control:
    def show(v: Any) -> str:
        return "" if v is None else yaml.safe_dump(v, sort_keys=False, allow_unicode=True).strip()

    widget = W.Textarea(
        value=show(value),
        continuous_update=False,
        description=label_text(meta),
        layout=W.Layout(width="min(100%, 60em)", height="7em"),
        **label_style(compact),
    )
    control = ValueControl(widget, lambda _text: (None, []), show, path=path)

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
                    f"<strong>{html.escape(label_text(field_meta(model, n)))}</strong>",
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
        title = W.HTML(f"<strong>{html.escape(label_text(meta))}</strong>")
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


class ModelControl(Control):
    """A sub-form for an optional nested model (``Model | None``): a check box that switches
    the block on, and one control per field of the model, shown only while it is on. Off reads
    as ``None`` (the block is absent); on reads as the fields' values, each checked under the
    block's path (``capital.capital_protection``)."""

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
        data = value.model_dump() if isinstance(value, BaseModel) else (value or {})
        self.controls: dict[str, Control] = {}
        rows: list[W.Widget] = []
        for name in model.model_fields:
            sub = field_meta(model, name)
            control = build_control(
                sub, data.get(name, sub.default), f"{path}.{name}", numbers=numbers
            )
            self.controls[name] = control
            rows.append(control.view)
        self._on = W.Checkbox(
            value=value is not None, description=f"Use: {meta.label}", indent=False
        )
        self._fields = W.VBox(rows, layout=W.Layout(margin="0 0 0 1.5em"))
        self._on.observe(lambda _c: self._show(), names="value")
        self.widget = W.VBox([self._on, self._fields])
        self._show()

    def _show(self) -> None:
        self._fields.layout.display = None if self._on.value else "none"

    def read(self) -> tuple[Any, list[Problem]]:
        if not self._on.value:
            return None, []
        out: dict[str, Any] = {}
        problems: list[Problem] = []
        for name, control in self.controls.items():
            value, found = control.read()
            problems += found
            if value is not None:
                out[name] = value
        return out, problems

    def set(self, value: Any) -> None:
        data = value.model_dump() if isinstance(value, BaseModel) else (value or {})
        for name, control in self.controls.items():
            control.set(data.get(name, field_meta(self.model, name).default))
        self._on.value = value is not None
        self._show()

    def observe(self, callback: Callable[[], None]) -> None:
        self._on.observe(lambda _c: callback(), names="value")
        for control in self.controls.values():
            control.observe(callback)

    def set_path(self, path: str) -> None:
        self.path = path
        for name, control in self.controls.items():
            control.set_path(f"{path}.{name}")


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
    if optional and origin is None and model_of(bare) is not None:
        sub = model_of(bare)
        assert sub is not None
        return ModelControl(meta, sub, value, path, numbers)
    if origin is list and get_origin(item_type(bare)) is Literal:
        return _path(_choices(meta, value, get_args(item_type(bare)), compact), path)
    if origin is Literal:
        return _path(_choice(meta, value, get_args(bare), compact), path)
    if bare is bool and not optional:
        widget = W.Checkbox(value=bool(value), description=label_text(meta), indent=False)
        return ValueControl(widget, lambda v: (v, []), bool, path=path)
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
