"""Controls that hold other controls: a table of rows for a list of models
(:class:`ListControl`), a table of names and values for a dict (:class:`DictControl`), both laid
out as one grid (:class:`RowsControl`), and a sub-form for a nested model (:class:`ModelControl`).

Every inner control keeps its full path (``payment.outcomes[0].price``,
``uncertainty.Started job.spread``), so a problem names the box it comes from.
"""

from __future__ import annotations

import dataclasses
import html
from abc import abstractmethod
from collections.abc import Sequence
from typing import Any, Literal, get_args, get_origin

import ipywidgets as W
from pydantic import BaseModel

from portal_tools.errors import Problem
from portal_tools.inputs import FieldMeta, field_meta, model_of, strip_optional
from portal_tools.ui.form.build import build_control, build_fields, field_rows
from portal_tools.ui.form.controls import WIDE, Callback, Control, NumberFormat, label_text

REMOVE_WIDTH = "6.5em"
KEY = "(name)"
"""The key column's name in a row of a :class:`DictControl` (never a field name)."""


def _data(value: Any) -> dict[str, Any]:
    """A model or a mapping (or nothing) as a plain dict of field values."""
    if isinstance(value, BaseModel):
        return value.model_dump()
    return dict(value or {})


def column_width(meta: FieldMeta) -> str:
    """The width of a table column for ``meta``: wider for text and lists of amounts."""
    bare, _ = strip_optional(meta.annotation)
    if meta.widget == "amounts" or get_origin(bare) in (list, dict):
        return "14em"
    if bare is str:
        return "13em"
    return "10em"


def header_cell(meta: FieldMeta) -> W.HTML:
    """A column header: the label (with its unit), wrapped rather than cut, and the label with
    the field's help as its tooltip."""
    label = label_text(meta)
    tip = f"{label}: {meta.help}" if meta.help else label
    cell = W.HTML(
        f"<strong title='{html.escape(tip)}' style='white-space:normal;"
        f"overflow-wrap:anywhere'>{html.escape(label)}</strong>",
        tooltip=tip,
        layout=W.Layout(width="100%"),
    )
    cell.add_class("portal-grid-header")
    return cell


class RowsControl(Control):
    """Rows of controls with Add and Remove, laid out as one grid: the header cells and every
    row's cells are children of the same ``GridBox``, so each header stays above its column,
    and the grid, as wide as its container, scrolls sideways as one unit when its columns are
    wider.

    Each row keeps its own controls, and so exactly what the reader typed, when another row is
    added or removed; only the rows' paths are renumbered."""

    def __init__(
        self,
        meta: FieldMeta,
        columns: Sequence[FieldMeta],
        value: Any,
        path: str,
        numbers: NumberFormat | None = None,
    ) -> None:
        self.meta = meta
        self.path = path
        self.numbers = numbers or NumberFormat()
        self.columns = list(columns)
        self._callbacks: list[tuple[Callback, Callback | None]] = []
        self._rows: list[dict[str, Control]] = []
        self._removes: list[W.Button] = []
        self._header: list[W.Widget] = [header_cell(c) for c in self.columns]
        self._header.append(W.HTML("", layout=W.Layout(width=REMOVE_WIDTH)))
        template = " ".join([column_width(c) for c in self.columns] + [REMOVE_WIDTH])
        self.grid = W.GridBox(
            self._header,
            layout=W.Layout(
                grid_template_columns=template,
                grid_gap="0.3em 0.6em",
                align_items="flex-start",
                width="100%",
                overflow="auto",
            ),
        )
        self.grid.add_class("portal-grid")
        self._add = W.Button(
            description="Add row", icon="plus", tooltip=f"Add a row to {meta.label}"
        )
        self._add.on_click(lambda _b: self._add_row(None, notify=True))
        title = W.HTML(f"<strong>{html.escape(label_text(meta))}</strong>")
        self.widget = W.VBox([title, self.grid, self._add], layout=W.Layout(width="100%"))
        for item in self._items(value):
            self._add_row(item, notify=False)
        self._refresh(False)

    @abstractmethod
    def _items(self, value: Any) -> list[Any]:
        """The rows of ``value``, one item each."""

    @abstractmethod
    def _make_row(self, item: Any, index: int) -> dict[str, Control]:
        """The controls of a new row at ``index`` showing ``item`` (``None``: the defaults)."""

    @abstractmethod
    def _place(self, index: int, controls: dict[str, Control]) -> None:
        """Give the controls of the row at ``index`` their paths."""

    def _add_row(self, item: Any, notify: bool) -> None:
        controls = self._make_row(item, len(self._rows))
        for control in controls.values():
            control.widget.layout.width = "100%"
            control.view.layout.width = "100%"
            for callback, typing in self._callbacks:
                control.observe(callback, typing)
        remove = W.Button(
            description="Remove",
            tooltip=f"Remove this row of {self.meta.label}",
            layout=W.Layout(width=REMOVE_WIDTH),
        )
        remove.on_click(lambda _b, c=controls: self._remove(c))
        self._rows.append(controls)
        self._removes.append(remove)
        if notify:
            self._refresh(True)

    def _remove(self, controls: dict[str, Control]) -> None:
        i = self._rows.index(controls)
        del self._rows[i]
        del self._removes[i]
        self._renumber()
        self._refresh(True)

    def _renumber(self) -> None:
        for index, controls in enumerate(self._rows):
            self._place(index, controls)

    def set_path(self, path: str) -> None:
        self.path = path
        self._renumber()

    def _refresh(self, notify: bool) -> None:
        cells: list[W.Widget] = list(self._header)
        for controls, remove in zip(self._rows, self._removes, strict=True):
            cells += [c.view for c in controls.values()] + [remove]
        self.grid.children = tuple(cells)
        if notify:
            for callback, _typing in self._callbacks:
                callback()

    def set(self, value: Any) -> None:
        self._rows = []
        self._removes = []
        for item in self._items(value):
            self._add_row(item, notify=False)
        self._refresh(False)

    def observe(self, callback: Callback, typing: Callback | None = None) -> None:
        self._callbacks.append((callback, typing))
        for controls in self._rows:
            for control in controls.values():
                control.observe(callback, typing)


def _read_fields(controls: dict[str, Control]) -> tuple[dict[str, Any], list[Problem]]:
    """The values of a row's or sub-form's controls (``None`` left out) and their problems."""
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, control in controls.items():
        value, found = control.read()
        problems += found
        if value is not None:
            out[name] = value
    return out, problems


class ListControl(RowsControl):
    """A table for a ``list[Model]`` field: one column per field of the model, one row per
    entry (paths ``outcomes[1].rate``)."""

    def __init__(
        self,
        meta: FieldMeta,
        model: type[BaseModel],
        value: Any,
        path: str,
        numbers: NumberFormat | None = None,
    ) -> None:
        self.model = model
        columns = [field_meta(model, n) for n in model.model_fields]
        super().__init__(meta, columns, value, path, numbers)

    def _items(self, value: Any) -> list[Any]:
        return list(value or [])

    def _make_row(self, item: Any, index: int) -> dict[str, Control]:
        return build_fields(
            self.model, _data(item), lambda n: f"{self.path}[{index}].{n}", self.numbers, True
        )

    def _place(self, index: int, controls: dict[str, Control]) -> None:
        for name, control in controls.items():
            control.set_path(f"{self.path}[{index}].{name}")

    def read(self) -> tuple[Any, list[Problem]]:
        rows: list[dict[str, Any]] = []
        problems: list[Problem] = []
        for controls in self._rows:
            row, found = _read_fields(controls)
            rows.append(row)
            problems += found
        return rows, problems


def dict_value(annotation: Any) -> Any:
    """The value type of a ``dict[str, V]`` a :class:`DictControl` can show (a model, a number,
    a text or a choice), else ``None``."""
    args = get_args(annotation)
    if get_origin(annotation) is not dict or len(args) != 2 or args[0] is not str:
        return None
    value = args[1]
    bare, _ = strip_optional(value)
    if model_of(bare) is not None or bare in (int, float, str) or get_origin(bare) is Literal:
        return value
    return None


class DictControl(RowsControl):
    """A table of names and values for a ``dict[str, V]`` field: a *Name* column, then one
    column per field when ``V`` is a model, else one column for the value (paths
    ``segment_prices.Easiest``, ``uncertainty.Started job.spread``). An optional dict reads as
    ``None`` when the table has no rows."""

    def __init__(
        self, meta: FieldMeta, value: Any, path: str, numbers: NumberFormat | None = None
    ) -> None:
        bare, self.optional = strip_optional(meta.annotation)
        value_type = dict_value(bare)
        self.model = model_of(value_type)
        self.key_meta = dataclasses.replace(
            meta,
            name="name",
            label="Name",
            help=f"The name of each entry of {meta.label} (each name once).",
            unit="",
            annotation=str,
            default="",
            group=None,
        )
        self.value_meta = dataclasses.replace(
            meta, name="value", annotation=value_type, default=None, group=None
        )
        values = (
            [field_meta(self.model, n) for n in self.model.model_fields]
            if self.model is not None
            else [self.value_meta]
        )
        super().__init__(meta, [self.key_meta, *values], value, path, numbers)

    def _items(self, value: Any) -> list[Any]:
        return list(dict(value or {}).items())

    def _value_path(self, key: str, name: str) -> str:
        return f"{self.path}.{key}" if self.model is None else f"{self.path}.{key}.{name}"

    def _make_row(self, item: Any, index: int) -> dict[str, Control]:
        key, value = item if item is not None else ("", None)
        name = build_control(self.key_meta, key, f"{self.path}[{index}]", True, self.numbers)
        if self.model is not None:
            values = build_fields(
                self.model, _data(value), lambda n: self._value_path(key, n), self.numbers, True
            )
        else:
            values = {
                "value": build_control(
                    self.value_meta, value, self._value_path(key, ""), True, self.numbers
                )
            }
        controls = {KEY: name, **values}
        name.observe(self._renumber)  # a new name moves its row's paths
        return controls

    def _place(self, index: int, controls: dict[str, Control]) -> None:
        key = str(controls[KEY].read()[0])
        for name, control in controls.items():
            control.set_path(
                f"{self.path}[{index}]" if name == KEY else self._value_path(key, name)
            )

    def read(self) -> tuple[Any, list[Problem]]:
        out: dict[str, Any] = {}
        problems: list[Problem] = []
        for index, controls in enumerate(self._rows):
            key, _ = controls[KEY].read()
            values = {n: c for n, c in controls.items() if n != KEY}
            if self.model is not None:
                value, found = _read_fields(values)
            else:
                value, found = values["value"].read()
            problems += found
            if not key:
                problems.append(
                    Problem(f"{self.path}[{index}]", key, "a name for this row", self.meta.label)
                )
            elif key in out:
                problems.append(
                    Problem(
                        f"{self.path}[{index}]", key, "a name no other row has", self.meta.label
                    )
                )
            else:
                out[key] = value
        if self.optional and not self._rows:
            return None, problems
        return out, problems


class ModelControl(Control):
    """A sub-form for a nested model: one control per field of the model, each checked under
    the block's path (``capital.capital_protection``). An optional block (``Model | None``)
    has a check box that switches it on, and its fields show only while it is on; off reads as
    ``None`` (the block is absent)."""

    def __init__(
        self,
        meta: FieldMeta,
        model: type[BaseModel],
        value: Any,
        path: str,
        numbers: NumberFormat | None = None,
        optional: bool = True,
    ) -> None:
        self.meta = meta
        self.model = model
        self.path = path
        self.optional = optional
        self.controls = build_fields(
            model, _data(value), lambda n: f"{path}.{n}", numbers or NumberFormat()
        )
        self._on = W.Checkbox(
            value=value is not None or not optional,
            description=f"Use: {meta.label}",
            indent=False,
            layout=W.Layout(width=WIDE),
        )
        self._fields = W.VBox(
            field_rows(model, self.controls),
            layout=W.Layout(margin="0 0 0 1.5em", width="calc(100% - 1.5em)"),
        )
        self._on.observe(lambda _c: self._show(), names="value")
        head = self._on if optional else W.HTML(f"<strong>{html.escape(meta.label)}</strong>")
        self.widget = W.VBox([head, self._fields], layout=W.Layout(width="100%"))
        self.widget.add_class("portal-subform")
        self._show()

    def _show(self) -> None:
        self._fields.layout.display = None if self._on.value else "none"

    def read(self) -> tuple[Any, list[Problem]]:
        if not self._on.value:
            return None, []
        return _read_fields(self.controls)

    def set(self, value: Any) -> None:
        data = _data(value)
        for name, control in self.controls.items():
            control.set(data.get(name, field_meta(self.model, name).default))
        self._on.value = value is not None or not self.optional
        self._show()

    def observe(self, callback: Callback, typing: Callback | None = None) -> None:
        self._on.observe(lambda _c: callback(), names="value")
        for control in self.controls.values():
            control.observe(callback, typing)

    def set_path(self, path: str) -> None:
        self.path = path
        for name, control in self.controls.items():
            control.set_path(f"{path}.{name}")
