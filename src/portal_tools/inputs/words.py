"""What a field allows, in words (:func:`allowed_text`): the texts of the error messages, the
forms' help and the schema page, e.g. "a number from 0 to 1 (share)"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel

from portal_tools.formatting import thousands
from portal_tools.inputs.model import FieldMeta, field_bounds, strip_optional


def _fmt(x: float) -> str:
    """A bound in words: whole numbers with spaces (``1 000 000``), others in full
    (``0.000001``, not ``1e-06``)."""
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) < 1e15):
        return thousands(int(x))
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
