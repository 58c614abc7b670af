"""Validated inputs as a reader's list: one labelled row per value, with its unit, its value in
words and whether it is an illustrative assumption.

The static calculator pages show this list as their table of inputs, and the Excel export writes
it as its *Inputs* sheet; both read the same rows. Nested inputs are flattened: a list of
sub-inputs (a rate card, cost items) gives one group of rows per item, labelled by the item's
position and name (``Outcomes 2 (Job): Price``); an optional block that is switched off gives a
single row that says so.

How a value is written (:func:`value_text`):

- a share or rate (a number whose allowed range lies within -1 to 1) as a percentage with at most
  two decimals (``0.035`` -> ``3.5 %``);
- any other number with thousands spaced, no exponent and at most four decimals;
- a code as its declared label (``sib`` -> ``Social impact bond``);
- yes/no for a switch, ``none`` for an empty optional value, items of a list separated by ``; ``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from portal_tools import formatting
from portal_tools.errors import format_path
from portal_tools.inputs.model import (
    FieldMeta,
    field_bounds,
    field_meta,
    item_type,
    model_of,
    strip_optional,
)

__all__ = ["InputRow", "code_labels", "input_rows", "is_share", "value_text"]


@dataclass(frozen=True)
class InputRow:
    """One input value as a reader sees it."""

    path: str
    """Where the value sits in a scenario file (``outcomes[1].price``)."""
    label: str
    """The field's label, prefixed by its block and row for nested inputs."""
    field_label: str
    """The field's own label (``Price``), without the prefix."""
    value: Any
    """The value itself (a number, text, code, list or ``None``), for exports."""
    text: str
    """The value in words (:func:`value_text`)."""
    unit: str
    assumption: bool
    """The field's default is an illustrative assumption, not a sourced figure."""
    share: bool
    """The value is a share or rate (shown as a percentage; exports format it as one)."""
    note: str = ""
    """The scenario's own note on this value (its ``assumptions`` entry), where it has one."""
    group: str = ""
    """For an item of a list or mapping of sub-inputs: the list's label (``Rate card``)."""
    item: str = ""
    """For such an item: its number in the list (``1``), or its key in the mapping."""


def is_share(meta: FieldMeta, annotation: Any = None) -> bool:
    """Whether a number field holds a share or rate: its whole allowed range lies within -1 to 1
    (the field's bounds, or for a list the bounds of its items given in ``annotation``)."""
    bounds: dict[str, Any] = {
        k: getattr(meta, k) for k in ("ge", "le", "gt", "lt") if getattr(meta, k) is not None
    }
    if annotation is not None and get_origin(annotation) is not None:
        bounds.update(field_bounds(get_args(annotation)[1:]))
    low = bounds.get("ge", bounds.get("gt"))
    high = bounds.get("le", bounds.get("lt"))
    return low is not None and high is not None and low >= -1 and high <= 1


def _scalar_text(value: Any, meta: FieldMeta, share: bool) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if meta.widget == "identifier":
        return str(value)  # a seed or a code number: no thousands separator
    if meta.choices:
        return meta.choice_label(value)
    if isinstance(value, int | float):
        return formatting.plain_percent(value) if share else formatting.plain(value)
    return str(value)


def value_text(value: Any, meta: FieldMeta, share: bool = False) -> str:
    """``value`` of field ``meta`` in words (see the module docstring)."""
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_scalar_text(v, meta, share)}" for k, v in value.items()) or "none"
    if isinstance(value, list | tuple):
        return "; ".join(_scalar_text(v, meta, share) for v in value) or "none"
    return _scalar_text(value, meta, share)


def _item_share(meta: FieldMeta) -> bool:
    bare, _ = strip_optional(meta.annotation)
    origin = get_origin(bare)
    if origin is list:
        return is_share(meta, item_type(bare))
    if origin is dict:
        args = get_args(bare)
        return len(args) == 2 and is_share(meta, args[1])
    if origin is Literal:
        return False
    return is_share(meta)


def _items(value: Any) -> list[tuple[str | int, str, str, BaseModel]]:
    """The items of a list or mapping of sub-inputs as (path part, label suffix, item heading,
    item): ``(0, " 1 (Job)", "1", item)`` for a list, ``(key, " (key)", key, item)`` for a
    mapping."""
    if isinstance(value, Mapping):
        return [(key, f" ({key})", str(key), item) for key, item in value.items()]
    out: list[tuple[str | int, str, str, BaseModel]] = []
    for i, item in enumerate(value):
        named = getattr(item, "name", None)
        suffix = f" {i + 1}" + (f" ({named})" if isinstance(named, str) else "")
        out.append((i, suffix, str(i + 1), item))
    return out


def _sub_model(bare: Any) -> type[BaseModel] | None:
    """The model of the items of a ``list[Model]`` or ``dict[str, Model]`` annotation."""
    origin = get_origin(bare)
    if origin is list:
        return model_of(item_type(bare))
    if origin is dict and len(get_args(bare)) == 2:
        return model_of(get_args(bare)[1])
    return None


@dataclass(frozen=True)
class _Place:
    parts: tuple[str | int, ...] = ()
    prefix: str = ""
    group: str = ""
    item: str = ""


def _rows(model: BaseModel, place: _Place, notes: Mapping[str, Any]) -> list[InputRow]:
    rows: list[InputRow] = []
    cls = type(model)
    for name in cls.model_fields:
        meta = field_meta(cls, name)
        value = getattr(model, name)
        parts = (*place.parts, name)
        where = format_path(parts)
        label = f"{place.prefix}{meta.label}"
        note = notes.get(where)
        note_text = " ".join(str(note).split()) if isinstance(note, str | int | float) else ""
        bare, _ = strip_optional(meta.annotation)
        if isinstance(value, BaseModel):
            rows += _rows(value, _Place(parts, f"{label}: ", place.group, place.item), notes)
            continue
        if _sub_model(bare) is not None and isinstance(value, list | Mapping) and value:
            for part, suffix, head, item in _items(value):
                inner = _Place((*parts, part), f"{label}{suffix}: ", label, head)
                rows += _rows(item, inner, notes)
            continue
        share = _item_share(meta)
        if value is None and model_of(bare) is not None:
            text = "not used"
        else:
            text = value_text(value, meta, share)
        rows.append(
            InputRow(
                path=where,
                label=label,
                field_label=meta.label,
                value=value,
                text=text,
                unit=meta.unit,
                assumption=meta.assumption,
                share=share,
                note=note_text,
                group=place.group,
                item=place.item,
            )
        )
    return rows


def input_rows(inputs: BaseModel, notes: Mapping[str, Any] | None = None) -> list[InputRow]:
    """Every value of validated ``inputs`` as a labelled row (see the module docstring);
    ``notes`` are a scenario's ``assumptions`` notes by field path (``outcomes[0].price``)."""
    return _rows(inputs, _Place(), notes or {})


def code_labels(model: type[BaseModel]) -> dict[str, str]:
    """Every code the fields of ``model`` (and of its sub-inputs) declare a label for, code ->
    label: what results that name codes (a route, a phase) show instead of the code. Number
    codes (periods per year) are left out: a result's numbers are never codes."""
    labels: dict[str, str] = {}
    for name in model.model_fields:
        meta = field_meta(model, name)
        labels.update(meta.choices or {})
        bare, _ = strip_optional(meta.annotation)
        for candidate in (bare, *get_args(bare)):
            sub = model_of(candidate)
            if sub is not None and sub is not model:
                labels.update(code_labels(sub))
    return {code: label for code, label in labels.items() if not code.isdigit()}
