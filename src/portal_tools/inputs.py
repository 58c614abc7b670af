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

import math
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo

from portal_tools.errors import InputError, Problem, format_path

__all__ = [
    "FieldMeta",
    "Inputs",
    "allowed_text",
    "field",
    "field_meta",
    "parse",
]

M = TypeVar("M", bound="Inputs")


class Inputs(BaseModel):
    """Base class for calculator inputs: unknown fields, NaN and infinity are refused."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        validate_default=True,
        frozen=True,
        populate_by_name=True,
    )

    def cross_checks(self) -> list[Problem]:
        """Rules that involve several fields; each problem names the field to fix."""
        return []


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
) -> Any:
    """Declare an input field with its label, unit, bounds and help text.

    ``assumption=True`` marks a default that is an illustrative assumption, not a sourced fact;
    forms and the schema page show it as such. ``widget`` chooses a form control where the type
    alone does not decide it (``"amounts"`` for one number per year, ``"percent"`` for a share
    shown as a percentage).
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
    if default_factory is not None:
        return Field(default_factory=default_factory, **kwargs)
    return Field(default, **kwargs)


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


def _bounds(metadata: Sequence[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, FieldInfo):
            out.update(_bounds(item.metadata))
            continue
        for key in ("ge", "le", "gt", "lt", "min_length", "max_length"):
            value = getattr(item, key, None)
            if value is not None:
                out[key] = value
    return out


def field_meta(model: type[BaseModel], name: str) -> FieldMeta:
    """Collect the metadata of field ``name`` of ``model``."""
    info: FieldInfo = model.model_fields[name]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    b = _bounds(info.metadata)
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
    )


def _fmt(x: float) -> str:
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) < 1e15):
        return f"{int(x):,}".replace(",", " ")
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


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(get_args(annotation)) == 2:
            return args[0], True
    return annotation, False


def _type_text(annotation: Any, bounds: Mapping[str, Any]) -> str:
    """Describe an annotation and its bounds in words, e.g. 'a number from 0 to 1'."""
    annotation, optional = _strip_optional(annotation)
    extra_bounds: dict[str, Any] = dict(bounds)
    if get_origin(annotation) is Annotated:
        base, *meta = get_args(annotation)
        extra_bounds.update(_bounds(meta))
        annotation = base
    origin = get_origin(annotation)
    if annotation is bool:
        text = "true or false"
    elif annotation is int:
        rng = _range_text(*(extra_bounds.get(k) for k in ("ge", "le", "gt", "lt")))
        text = "a whole number" + _joined(rng)
    elif annotation is float:
        rng = _range_text(*(extra_bounds.get(k) for k in ("ge", "le", "gt", "lt")))
        text = "a number" + _joined(rng)
    elif annotation is str:
        text = "text"
    elif origin is Literal:
        text = "one of " + ", ".join(repr(a) for a in get_args(annotation))
    elif origin in (list, tuple, Sequence):
        (item,) = get_args(annotation)[:1] or (Any,)
        n_min, n_max = extra_bounds.get("min_length"), extra_bounds.get("max_length")
        count = ""
        if n_min is not None and n_max is not None:
            count = f" of {n_min} to {n_max} entries"
        elif n_min is not None:
            count = f" of at least {n_min} entries"
        elif n_max is not None:
            count = f" of at most {n_max} entries"
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
        }.items()
        if v is not None
    }
    text = _type_text(meta.annotation, bounds)
    if meta.unit:
        text += f" ({meta.unit})"
    return text


def _item_type(annotation: Any) -> Any:
    annotation, _ = _strip_optional(annotation)
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    args = get_args(annotation)
    origin = get_origin(annotation)
    if origin in (list, tuple, Sequence) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    annotation, _ = _strip_optional(annotation)
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
            current_model = _model_of(annotation)
        elif annotation is not None:
            item = _item_type(annotation)
            if item is None:
                break
            annotation = item
            current_model = _model_of(item)
            if meta is not None:
                meta = FieldMeta(
                    **{**meta.__dict__, "annotation": item, "min_length": None, "max_length": None}
                )
        else:
            break
    if meta is None:
        return "", "a valid value"
    return meta.label, allowed_text(meta)


def _problem_from_error(model: type[BaseModel], err: Mapping[str, Any]) -> Problem:
    loc: tuple[str | int, ...] = tuple(
        p
        for p in err.get("loc", ())
        if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))
    )
    path = format_path(loc)
    value = err.get("input")
    kind = err.get("type", "")
    label, allowed = _describe_location(model, loc)
    if kind == "missing":
        allowed = f"a value is required: {allowed}"
        value = None
    elif kind == "extra_forbidden":
        parent = _model_of_location(model, loc[:-1])
        names = ", ".join(parent.model_fields) if parent else ""
        allowed = f"no field of this name; known fields here: {names}"
        label = ""
    elif kind in ("value_error", "assertion_error"):
        msg = str(err.get("msg", ""))
        allowed = msg.split(", ", 1)[1] if msg.startswith("Value error, ") else msg
    return Problem(path=path, value=value, allowed=allowed, label=label)


def _model_of_location(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    annotation: Any = None
    for part in loc:
        if isinstance(part, str) and current is not None and part in current.model_fields:
            annotation = current.model_fields[part].annotation
            current = _model_of(annotation)
        elif annotation is not None:
            annotation = _item_type(annotation)
            current = _model_of(annotation)
    return current


def _finite_problems(
    model: type[BaseModel], data: Any, loc: tuple[str | int, ...] = ()
) -> list[Problem]:
    """Pydantic lets NaN through some paths (e.g. inside plain dicts): check every float."""
    found: list[Problem] = []
    if isinstance(data, float) and not math.isfinite(data):
        label, allowed = _describe_location(model, loc)
        found.append(
            Problem(
                format_path(loc), data, f"a finite number, not NaN or infinity; {allowed}", label
            )
        )
    elif isinstance(data, Mapping):
        for k, v in data.items():
            found += _finite_problems(model, v, (*loc, str(k)))
    elif isinstance(data, list | tuple):
        for i, v in enumerate(data):
            found += _finite_problems(model, v, (*loc, i))
    return found


def parse(model: type[M], data: Mapping[str, Any] | M | None) -> M:
    """Validate ``data`` into ``model`` or raise :class:`InputError` listing every problem.

    A model instance is re-checked (cross-field rules included); ``None`` means all defaults.
    """
    if isinstance(data, model):
        data = data.model_dump()
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise InputError.single("inputs", data, "a mapping of field names to values")
    nan_problems = _finite_problems(model, data)
    if nan_problems:
        raise InputError(nan_problems)
    try:
        obj = model.model_validate(dict(data))
    except ValidationError as exc:
        raise InputError(_problem_from_error(model, e) for e in exc.errors()) from None
    problems = obj.cross_checks()
    if problems:
        raise InputError(problems)
    return obj
