""":func:`parse`: validate raw data into an inputs model, or raise
:class:`~portal_tools.errors.InputError` naming every problem by its path, label and what is
allowed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from portal_tools.errors import InputError, Key, Problem, format_path
from portal_tools.inputs.model import FieldMeta, Inputs, field_meta, item_type, model_of
from portal_tools.inputs.words import allowed_text

M = TypeVar("M", bound="Inputs")


def _describe_location(model: type[BaseModel], loc: Sequence[str | int]) -> tuple[str, str]:
    """Return (label, allowed text) for the value at ``loc`` inside ``model``."""
    current_model: type[BaseModel] | None = model
    annotation: Any = None
    meta: FieldMeta | None = None
    for part in loc:
        if (
            isinstance(part, str)
            and current_model is not None
            and part in current_model.model_fields
        ):
            meta = field_meta(current_model, part)
            annotation = meta.annotation
            current_model = model_of(annotation)
        elif annotation is not None:
            item = item_type(annotation)
            if item is None:
                break
            annotation = item
            current_model = model_of(item)
            if meta is not None:
                meta = FieldMeta(
                    **{**meta.__dict__, "annotation": item, "min_length": None, "max_length": None}
                )
        else:
            break
    if meta is None:
        return "", "a valid value"
    return meta.label, allowed_text(meta)


def _located(data: Any, loc: Sequence[Any]) -> tuple[tuple[Any, ...], tuple[Any, ...], bool]:
    """Match an error location with the data: ``(path parts, model parts, is_key)``.

    Pydantic's locations mix the data's keys and indices with its own markers (union members,
    ``[key]`` for a mapping key); walking the data keeps exactly what the reader wrote, so a
    key such as ``"costs[0]"`` or ``5`` is named as given. ``is_key`` is true when the problem
    is the key itself rather than its value.
    """
    parts: list[Any] = []
    model_parts: list[Any] = []
    node: Any = data
    is_key = False
    for i, part in enumerate(loc):
        if isinstance(node, Mapping) and not isinstance(part, bool) and part in node:
            parts.append(part if isinstance(part, str) else Key(part))
            model_parts.append(part)
            node = node[part]
        elif isinstance(node, list | tuple) and isinstance(part, int) and 0 <= part < len(node):
            parts.append(part)
            model_parts.append(part)
            node = node[part]
        elif part == "[key]":
            is_key = True
        elif isinstance(node, Mapping) and i == len(loc) - 1 and isinstance(part, str):
            parts.append(part)  # a missing field: named, although not in the data
            model_parts.append(part)
            node = None
        else:
            continue  # a marker of pydantic's (e.g. a union member): not part of the path
    return tuple(parts), tuple(model_parts), is_key


_OWN_MESSAGE = ("value_error", "assertion_error", "unsafe_text")


def _problem_from_error(model: type[BaseModel], data: Any, err: Mapping[str, Any]) -> Problem:
    loc = tuple(err.get("loc", ()))
    parts, model_parts, is_key = _located(data, loc)
    path = format_path(parts)
    value = err.get("input")
    kind = err.get("type", "")
    label, allowed = _describe_location(model, [p for p in model_parts if isinstance(p, str | int)])
    if is_key:
        value = loc[-2] if len(loc) >= 2 else value
        allowed = "a name (text) as the key"
    elif kind == "missing":
        allowed = f"a value is required: {allowed}"
        value = None
    elif kind in ("extra_forbidden", "invalid_key"):
        parent = _model_of_location(
            model, [p for p in model_parts[:-1] if isinstance(p, str | int)]
        )
        names = ", ".join(parent.model_fields) if parent else ""
        allowed = f"no field of this name; known fields here: {names}"
        if kind == "invalid_key":
            allowed = "a field name (text); known fields here: " + names
        label = ""
    elif kind == "finite_number":
        allowed = f"a finite number, not NaN or infinity; {allowed}"
    elif kind in _OWN_MESSAGE:
        msg = str(err.get("msg", ""))
        allowed = msg.split(", ", 1)[1] if msg.startswith("Value error, ") else msg
    return Problem(path=path, value=value, allowed=allowed, label=label)


def _model_of_location(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    annotation: Any = None
    for part in loc:
        if isinstance(part, str) and current is not None and part in current.model_fields:
            annotation = current.model_fields[part].annotation
            current = model_of(annotation)
        elif annotation is not None:
            annotation = item_type(annotation)
            current = model_of(annotation)
    return current


def parse(model: type[M], data: Mapping[str, Any] | Inputs | None) -> M:
    """Validate ``data`` into ``model`` or raise :class:`InputError` listing every problem.

    A model instance is re-checked (cross-field rules included); ``None`` means all defaults.
    The rules that involve several fields (``cross_checks``) run once every field is valid.
    """
    if isinstance(data, model):
        data = data.model_dump()
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise InputError.single("inputs", data, "a mapping of field names to values")
    try:
        obj = model.model_validate(dict(data))
    except ValidationError as exc:
        raise InputError(_problem_from_error(model, data, e) for e in exc.errors()) from None
    problems = obj.cross_checks()
    if problems:
        raise InputError(problems)
    return obj
