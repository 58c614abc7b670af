"""From a field to its control: :func:`build_control` (the mapping is in the docstring of
:mod:`portal_tools.ui.form`), the one loop that builds a control for each field of a model
(:func:`build_fields`) and the layout of a model's fields with their help (:func:`field_rows`).
The controls that hold other controls (tables, key/value tables, sub-forms) are in
:mod:`portal_tools.ui.form.nested`.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, get_args, get_origin

import ipywidgets as W
import yaml
from pydantic import BaseModel

from portal_tools.errors import InputError, Problem
from portal_tools.inputs import FieldMeta, field_meta, item_type, model_of, strip_optional
from portal_tools.reading import read_document
from portal_tools.ui.form.controls import (
    LABEL_WIDTH,
    WIDE,
    WIDER,
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


def _labelled(meta: FieldMeta, options: Sequence[Any]) -> list[tuple[str, Any]]:
    """``options`` as (label, code) pairs: the reader sees the field's label of each code
    (:attr:`FieldMeta.choices`), the form reads the code."""
    return [(meta.choice_label(o), o) for o in options]


def _choice(meta: FieldMeta, value: Any, options: Sequence[Any], compact: bool) -> Control:
    """A drop-down of ``options``, shown by their labels."""
    widget = W.Dropdown(
        options=_labelled(meta, options),
        value=value if value in options else options[0],
        description=label_text(meta),
        layout=W.Layout(width="11em" if compact else WIDE),
        **label_style(meta, compact),
    )
    return ValueControl(widget, lambda v: (v, []), lambda v: v)


def _choices(meta: FieldMeta, value: Any, options: Sequence[Any], compact: bool) -> Control:
    """A list box where the reader picks one or more of ``options`` (Ctrl/Shift-click), shown
    by their labels."""
    chosen = tuple(v for v in (value or ()) if v in options)
    widget = W.SelectMultiple(
        options=_labelled(meta, options),
        value=chosen,
        rows=len(options),
        description=label_text(meta),
        layout=W.Layout(width="11em" if compact else WIDE),
        **label_style(meta, compact),
    )
    return ValueControl(
        widget, lambda v: (list(v), []), lambda v: tuple(x for x in (v or ()) if x in options)
    )


def _text(meta: FieldMeta, value: Any, path: str, compact: bool) -> Control:
    widget = W.Text(
        value="" if value is None else str(value),
        continuous_update=True,
        description=label_text(meta),
        layout=W.Layout(width="12em" if compact else WIDE),
        **label_style(meta, compact),
    )
    return ValueControl(widget, lambda v: (v, []), lambda v: "" if v is None else str(v), path=path)


class YamlControl(ValueControl):
    """A YAML text area: the fallback for a field no other control can show."""


def _yaml(meta: FieldMeta, value: Any, path: str, compact: bool) -> Control:
    def show(v: Any) -> str:
        return "" if v is None else yaml.safe_dump(v, sort_keys=False, allow_unicode=True).strip()

    widget = W.Textarea(
        value=show(value),
        continuous_update=False,
        description=label_text(meta),
        layout=W.Layout(width=WIDER, height="7em"),
        **label_style(meta, compact),
    )
    control = YamlControl(widget, lambda _text: (None, []), show, path=path)

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
    nested = _nested(meta, bare, optional, value, path, numbers)
    if nested is not None:
        return nested
    if origin is list and get_origin(item_type(bare)) is Literal:
        return _path(_choices(meta, value, get_args(item_type(bare)), compact), path)
    if origin is Literal:
        return _path(_choice(meta, value, get_args(bare), compact), path)
    if bare is bool and not optional:
        widget = W.Checkbox(
            value=bool(value),
            description=label_text(meta),
            indent=False,
            layout=W.Layout(width="auto" if compact else WIDE),
            tooltip=label_text(meta),
        )
        return ValueControl(widget, lambda v: (v, []), bool, path=path)
    if bare in (int, float):
        return _number(meta, value, path, compact, bare is int, numbers, optional=optional)
    if bare is str:
        return _text(meta, value, path, compact)
    return _yaml(meta, value, path, compact)


def _nested(
    meta: FieldMeta, bare: Any, optional: bool, value: Any, path: str, numbers: NumberFormat
) -> Control | None:
    """The control that holds other controls, for a list of models, a dict of names to values
    or a nested model; ``None`` for any other type."""
    from portal_tools.ui.form.nested import DictControl, ListControl, ModelControl, dict_value

    origin = get_origin(bare)
    row_model = model_of(item_type(bare))
    if origin is list and row_model is not None:
        return ListControl(meta, row_model, value, path, numbers)
    if origin is dict and dict_value(bare) is not None:
        return DictControl(meta, value, path, numbers)
    sub = model_of(bare) if origin is None else None
    if sub is not None:
        return ModelControl(meta, sub, value, path, numbers, optional=optional)
    return None


def build_fields(
    model: type[BaseModel],
    data: Mapping[str, Any],
    path_of: Callable[[str], str],
    numbers: NumberFormat,
    compact: bool = False,
    names: Sequence[str] | None = None,
) -> dict[str, Control]:
    """A control for each field of ``model`` (those in ``names`` when given), showing
    ``data``'s value or the field's default, at the path ``path_of(name)``: the one loop behind
    the form, its sub-forms and the rows of its tables."""
    controls: dict[str, Control] = {}
    for name in model.model_fields if names is None else names:
        meta = field_meta(model, name)
        controls[name] = build_control(
            meta, data.get(name, meta.default), path_of(name), compact=compact, numbers=numbers
        )
    return controls


def help_html(text: str, extra_html: str = "") -> str:
    """A help line under a control, indented to the controls' column."""
    return (
        f"<div class='portal-help' style='margin:0 0 0.6em {LABEL_WIDTH};font-size:0.85em;"
        "line-height:1.4;color:var(--jp-ui-font-color2, #444)'>"
        f"{html.escape(text)}{extra_html}</div>"
    )


def field_help_html(meta: FieldMeta) -> str:
    """A field's help line, saying so when its default is an illustrative assumption."""
    tag = " <em>Default is an assumption for illustration.</em>" if meta.assumption else ""
    return help_html(meta.help, tag)


def field_rows(model: type[BaseModel], controls: Mapping[str, Control]) -> list[W.Widget]:
    """The controls laid out one under another, each with its help line; the fields of a group
    (advanced inputs) are folded away in a closed section per group, after the others."""
    rows: list[W.Widget] = []
    groups: dict[str, list[W.Widget]] = {}
    for name, control in controls.items():
        meta = field_meta(model, name)
        row = W.VBox([control.view, W.HTML(field_help_html(meta))])
        if meta.group is None:
            rows.append(row)
        else:
            groups.setdefault(meta.group, []).append(row)
    if groups:
        folded = W.Accordion(children=[W.VBox(g) for g in groups.values()])
        for i, title in enumerate(groups):
            folded.set_title(i, title)
        folded.selected_index = None
        folded.add_class("portal-advanced")
        rows.append(folded)
    return rows


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
