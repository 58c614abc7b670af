"""The :class:`Inputs` base class, :func:`field` and the field metadata (:class:`FieldMeta`,
:func:`field_meta`), with helpers that look inside a field's annotation."""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin, overload

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from portal_tools.errors import Problem
from portal_tools.inputs.rules import NotIn, Smallest, text_problem

T = TypeVar("T")


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
    group: str | None = None,
    choices: Mapping[str, str] | None = None,
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
    group: str | None = None,
    choices: Mapping[str, str] | None = None,
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
    group: str | None = None,
    choices: Mapping[str, str] | None = None,
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
    group: str | None = None,
    choices: Mapping[str, str] | None = None,
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
    ``group`` folds the field into a named section of a form that opens on demand (for advanced
    inputs a first reading can leave at their defaults). ``choices`` gives each allowed code of
    a ``Literal`` field (or of its list items) the label a reader sees instead of the code.
    """
    extra: dict[str, Any] = {"unit": unit}
    if choices:
        extra["choices"] = dict(choices)
    if group:
        extra["group"] = group
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
    group: str | None = None
    choices: Mapping[str, str] | None = None
    """The label of each allowed code (``{"sib": "Social impact bond"}``), where declared."""

    def choice_label(self, code: Any) -> str:
        """The reader's label of ``code`` (the code itself where none is declared)."""
        return (self.choices or {}).get(str(code), str(code))


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


@functools.cache
def field_meta(model: type[BaseModel], name: str) -> FieldMeta:
    """Collect the metadata of field ``name`` of ``model`` (cached: models do not change once
    defined)."""
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
        group=typing.cast(str | None, extra.get("group")),
        choices=typing.cast(Mapping[str, str] | None, extra.get("choices")),
    )


def strip_optional(annotation: Any) -> tuple[Any, bool]:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(get_args(annotation)) == 2:
            return args[0], True
    return annotation, False


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
