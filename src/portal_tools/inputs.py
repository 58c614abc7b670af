"""Validated calculator inputs.

Every calculator declares its inputs as a subclass of :class:`Inputs`, with each field made by
:func:`field`. The field metadata (label, unit, bounds, help text, widget hint) is the single
source for three things: the error messages of :func:`parse`, the generated widgets in
:mod:`portal_tools.ui.form` and the published scenario schema.

Validation lives in one place: the field constraints plus the model's ``cross_checks`` method for
rules that involve several fields. :func:`parse` runs both and raises
:class:`~portal_tools.errors.InputError` listing every problem.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin, overload

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from portal_tools.errors import InputError, Key, Problem, escape_text, format_path

__all__ = [
    "MIN_AMOUNT",
    "MIN_SHARE",
    "FieldMeta",
    "Inputs",
    "NotIn",
    "Smallest",
    "allowed_text",
    "field",
    "field_bounds",
    "field_meta",
    "item_type",
    "model_of",
    "parse",
    "strip_optional",
    "text_problem",
    "unsafe_characters",
]

M = TypeVar("M", bound="Inputs")
T = TypeVar("T")


def unsafe_characters(text: str) -> list[str]:
    """The characters of ``text`` that a name or label may not hold, escaped: control
    characters (line breaks, tabs, NUL...), line and paragraph separators, bidirectional
    overrides and unpaired surrogates. They cannot be stored in Excel or UTF-8, break CSV rows
    or disguise what a text says."""
    found: list[str] = []
    for char in text:
        if escape_text(char) != char and char not in found:
            found.append(char)
    return [escape_text(c) for c in found]


_MAYBE_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
"""A quick test for the characters :func:`unsafe_characters` names (most texts have none)."""


def text_problem(text: str) -> str | None:
    if not _MAYBE_UNSAFE.search(text):
        return None
    bad = unsafe_characters(text)
    if not bad:
        return None
    return "text without control characters, line breaks or unpaired surrogates (found " + (
        ", ".join(bad[:5]) + ")"
    )


class Smallest:
    """Field metadata: a non-zero value must be at least ``smallest`` in size.

    A value between 0 and ``smallest`` carries no meaning for the field (a fraction of an øre,
    a success rate of one in a billion) and only invites overflow in the model, so it is
    refused: the field takes 0 (where its range includes 0) or a value of at least
    ``smallest``.
    """

    def __init__(self, smallest: float) -> None:
        self.smallest = smallest

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        smallest = self.smallest

        def check(value: Any) -> Any:
            if isinstance(value, int | float) and value != 0 and abs(value) < smallest:
                raise PydanticCustomError(
                    "smallest",
                    "0, or a value of at least {smallest} in size",
                    {"smallest": smallest},
                )
            return value

        return core_schema.no_info_after_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        out = handler(schema)
        m = self.smallest
        out["not"] = {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": m},
                {"type": "number", "exclusiveMinimum": -m, "exclusiveMaximum": 0},
            ]
        }
        return out


class NotIn:
    """Field metadata: text that may not equal one of ``reserved`` (e.g. a name that becomes a
    table column next to the column ``year``)."""

    def __init__(self, reserved: Sequence[str]) -> None:
        self.reserved = tuple(reserved)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        reserved = self.reserved

        def check(value: Any) -> Any:
            if isinstance(value, str) and value in reserved:
                raise PydanticCustomError(
                    "reserved",
                    "a name other than {names} (a column of the table the names become columns of)",
                    {"names": " or ".join(repr(r) for r in reserved)},
                )
            return value

        return core_schema.no_info_after_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        out = handler(schema)
        out["not"] = {"enum": list(self.reserved)}
        return out


MIN_AMOUNT = 0.01
"""Smallest meaningful non-zero amount of money: one øre (0.01 of a krone or any currency)."""
MIN_SHARE = 1e-6
"""Smallest meaningful non-zero share or rate: one in a million (0.0001 percentage points)."""


_WHOLE = 2.0**53
"""Integral floats up to this size are read as whole numbers (``120.0`` is 120)."""


@functools.cache
def _int_fields(model: type[BaseModel]) -> tuple[str, ...]:
    names = []
    for name, info in model.model_fields.items():
        bare, _ = strip_optional(info.annotation)
        if bare is int:
            names.append(name)
    return tuple(names)


class Inputs(BaseModel):
    """Base class for calculator inputs.

    Validation is strict: a value must have its field's type, so ``true`` is never a number,
    ``1`` is never ``true`` and the text ``"12"`` is never a number (a form parses typed text
    first). A whole number may be written ``120.0``. Unknown fields, NaN and infinity are
    refused; text may not hold control characters (see :func:`unsafe_characters`).
    """

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        validate_default=True,
        frozen=True,
        populate_by_name=True,
        strict=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _whole_numbers(cls, data: Any) -> Any:
        """Integral floats (``120.0``, JSON ``1e3``) for whole-number fields become ints."""
        if not isinstance(data, Mapping):
            return data
        fix = [
            name
            for name in _int_fields(cls)
            if type(data.get(name)) is float
            and data[name].is_integer()
            and abs(data[name]) <= _WHOLE
        ]
        if not fix:
            return data
        out = dict(data)
        for name in fix:
            out[name] = int(out[name])
        return out

    @field_validator("*", mode="after")
    @classmethod
    def _safe_text(cls, value: Any) -> Any:
        """Names and labels hold no control characters (they could not be exported)."""
        if value is None or type(value) in (int, float, bool):  # most fields: nothing to check
            return value
        texts: list[str] = []
        if isinstance(value, str):
            texts = [value]
        elif isinstance(value, list | tuple):
            texts = [v for v in value if isinstance(v, str)]
        elif isinstance(value, Mapping):
            texts = [k for k in value if isinstance(k, str)]
            texts += [v for v in value.values() if isinstance(v, str)]
        for text in texts:
            problem = text_problem(text)
            if problem:
                raise PydanticCustomError("unsafe_text", problem)
        return value

    def cross_checks(self) -> list[Problem]:
        """Rules that involve several fields; each problem names the field to fix."""
        return []


@overload
def field(
    default: T,
    *,
    label: str,
    help: str,
    unit: str = "",
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    widget: str | None = None,
    step: float | None = None,
    assumption: bool = False,
    default_factory: None = None,
    smallest: float | None = None,
    reserved: Sequence[str] = (),
) -> T: ...


@overload
def field(
    *,
    label: str,
    help: str,
    unit: str = "",
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    widget: str | None = None,
    step: float | None = None,
    assumption: bool = False,
    default_factory: Callable[[], T],
    smallest: float | None = None,
    reserved: Sequence[str] = (),
) -> T: ...


@overload
def field(
    *,
    label: str,
    help: str,
    unit: str = "",
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    widget: str | None = None,
    step: float | None = None,
    assumption: bool = False,
    smallest: float | None = None,
    reserved: Sequence[str] = (),
) -> Any: ...


def field(
    default: Any = ...,
    *,
    label: str,
    help: str,
    unit: str = "",
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    widget: str | None = None,
    step: float | None = None,
    assumption: bool = False,
    default_factory: Callable[[], Any] | None = None,
    smallest: float | None = None,
    reserved: Sequence[str] = (),
) -> Any:
    """Declare an input field with its label, unit, bounds and help text.

    Typed as its default (or its ``default_factory``'s result), so mypy checks each default
    against the field's annotation (a required field, with neither, is unchecked); pydantic
    still receives the full :class:`FieldInfo`.

    ``assumption=True`` marks a default that is an illustrative assumption, not a sourced fact;
    forms and the schema page show it as such. ``widget`` chooses a form control where the type
    alone does not decide it (``"amounts"`` for one number per year, ``"percent"`` for a share
    shown as a percentage). ``smallest`` is the smallest meaningful non-zero size of a number
    (see :class:`Smallest`); ``reserved`` lists texts a name may not be (see :class:`NotIn`).
    """
    extra: dict[str, Any] = {"unit": unit}
    if widget:
        extra["widget"] = widget
    if step is not None:
        extra["step"] = step
    if assumption:
        extra["assumption"] = True
    kwargs: dict[str, Any] = {
        "title": label,
        "description": help,
        "json_schema_extra": extra,
        "ge": ge,
        "le": le,
        "gt": gt,
        "lt": lt,
        "min_length": min_length,
        "max_length": max_length,
    }
    info: FieldInfo = (
        Field(default_factory=default_factory, **kwargs)
        if default_factory is not None
        else Field(default, **kwargs)
    )
    if smallest is not None:
        info.metadata.append(Smallest(smallest))
    if reserved:
        info.metadata.append(NotIn(reserved))
    return info


@dataclass(frozen=True)
class FieldMeta:
    """What a form or an error message needs to know about one field."""

    name: str
    label: str
    help: str
    unit: str
    widget: str | None
    step: float | None
    assumption: bool
    ge: float | None
    le: float | None
    gt: float | None
    lt: float | None
    min_length: int | None
    max_length: int | None
    annotation: Any
    required: bool
    default: Any
    smallest: float | None = None
    reserved: tuple[str, ...] = ()


def field_bounds(metadata: Sequence[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, FieldInfo):
            out.update(field_bounds(item.metadata))
            continue
        for key in ("ge", "le", "gt", "lt", "min_length", "max_length", "smallest", "reserved"):
            value = getattr(item, key, None)
            if value is not None:
                out[key] = value
    return out


def field_meta(model: type[BaseModel], name: str) -> FieldMeta:
    """Collect the metadata of field ``name`` of ``model``."""
    info: FieldInfo = model.model_fields[name]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    b = field_bounds(info.metadata)
    default = None if info.is_required() else info.get_default(call_default_factory=True)
    step = extra.get("step")
    return FieldMeta(
        name=name,
        label=info.title or name,
        help=info.description or "",
        unit=str(extra.get("unit", "")),
        widget=typing.cast(str | None, extra.get("widget")),
        step=float(step) if isinstance(step, int | float) else None,
        assumption=bool(extra.get("assumption", False)),
        ge=b.get("ge"),
        le=b.get("le"),
        gt=b.get("gt"),
        lt=b.get("lt"),
        min_length=b.get("min_length"),
        max_length=b.get("max_length"),
        annotation=info.annotation,
        required=info.is_required(),
        default=default,
        smallest=b.get("smallest"),
        reserved=tuple(b.get("reserved", ())),
    )


def _fmt(x: float) -> str:
    """A bound in words: whole numbers with spaces (``1 000 000``), others in full
    (``0.000001``, not ``1e-06``)."""
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) < 1e15):
        return f"{int(x):,}".replace(",", " ")
    if 1e-9 <= abs(x) < 1e15:
        return format(Decimal(repr(float(x))), "f")
    return f"{x:g}"


def _range_text(ge: Any, le: Any, gt: Any, lt: Any) -> str:
    low = (
        f"at least {_fmt(ge)}"
        if ge is not None
        else (f"above {_fmt(gt)}" if gt is not None else "")
    )
    high = (
        f"at most {_fmt(le)}" if le is not None else (f"below {_fmt(lt)}" if lt is not None else "")
    )
    if ge is not None and le is not None:
        return f"from {_fmt(ge)} to {_fmt(le)}"
    return " and ".join(p for p in (low, high) if p)


def _joined(rng: str) -> str:
    """' of at least 1' / ' from 0 to 1' / ' above 0': how a range follows 'a number'."""
    if not rng:
        return ""
    return f" of {rng}" if rng.startswith("at ") else f" {rng}"


def strip_optional(annotation: Any) -> tuple[Any, bool]:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(get_args(annotation)) == 2:
            return args[0], True
    return annotation, False


def _type_text(annotation: Any, bounds: Mapping[str, Any]) -> str:
    """Describe an annotation and its bounds in words, e.g. 'a number from 0 to 1'."""
    annotation, optional = strip_optional(annotation)
    extra_bounds: dict[str, Any] = dict(bounds)
    if get_origin(annotation) is Annotated:
        base, *meta = get_args(annotation)
        extra_bounds.update(field_bounds(meta))
        annotation = base
    origin = get_origin(annotation)
    if annotation is bool:
        text = "true or false"
    elif annotation is int:
        rng = _range_text(*(extra_bounds.get(k) for k in ("ge", "le", "gt", "lt")))
        text = "a whole number" + _joined(rng)
    elif annotation is float:
        smallest = extra_bounds.get("smallest")
        ge, le, gt, lt = (extra_bounds.get(k) for k in ("ge", "le", "gt", "lt"))
        if smallest is not None and ge == 0 and gt is None:
            rng = _range_text(smallest, le, None, lt)
            text = "0, or a number" + _joined(rng)
        else:
            text = "a number" + _joined(_range_text(ge, le, gt, lt))
            if smallest is not None:
                text += f", and 0 or at least {_fmt(smallest)} in size"
    elif annotation is str:
        text = "text" + _length_text(
            extra_bounds.get("min_length"), extra_bounds.get("max_length"), "characters"
        )
        reserved = extra_bounds.get("reserved") or ()
        if reserved:
            text += ", other than " + " or ".join(repr(r) for r in reserved)
    elif origin is Literal:
        text = "one of " + ", ".join(repr(a) for a in get_args(annotation))
    elif origin in (list, tuple, Sequence):
        (item,) = get_args(annotation)[:1] or (Any,)
        count = _length_text(
            extra_bounds.get("min_length"), extra_bounds.get("max_length"), "entries"
        )
        text = f"a list{count}, each {_type_text(item, {})}"
    elif origin is dict:
        key, val = get_args(annotation)
        text = f"a mapping of {_type_text(key, {})} to {_type_text(val, {})}"
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        names = ", ".join(annotation.model_fields)
        text = f"an entry with the fields {names}"
    else:
        text = "a valid value"
    if optional:
        text += ", or empty (none)"
    return text


def _length_text(n_min: int | None, n_max: int | None, plural: str) -> str:
    """' of 1 to 8 characters' / ' of at least 1 entries' (``plural`` is the counted noun)."""
    if n_min is not None and n_max is not None:
        return f" of {n_min} to {n_max} {plural}"
    if n_min is not None:
        return f" of at least {n_min} {plural}"
    if n_max is not None:
        return f" of at most {n_max} {plural}"
    return ""


def allowed_text(meta: FieldMeta) -> str:
    """What field ``meta`` allows, in words, including its unit."""
    bounds = {
        k: v
        for k, v in {
            "ge": meta.ge,
            "le": meta.le,
            "gt": meta.gt,
            "lt": meta.lt,
            "min_length": meta.min_length,
            "max_length": meta.max_length,
            "smallest": meta.smallest,
            "reserved": meta.reserved or None,
        }.items()
        if v is not None
    }
    text = _type_text(meta.annotation, bounds)
    if meta.unit:
        text += f" ({meta.unit})"
    return text


def item_type(annotation: Any) -> Any:
    annotation, _ = strip_optional(annotation)
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    args = get_args(annotation)
    origin = get_origin(annotation)
    if origin in (list, tuple, Sequence) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def model_of(annotation: Any) -> type[BaseModel] | None:
    annotation, _ = strip_optional(annotation)
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


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
