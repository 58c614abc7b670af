"""Labels and number formats of the spreadsheet exports (see :mod:`portal_tools.exports`): the
declared labels of the inputs' codes, readable headers, and the Excel number format of a value by
its kind."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from portal_tools.inputs.model import field_meta, item_type, model_of, strip_optional

__all__ = [
    "INPUT_SHARE_FORMAT",
    "KIND_FORMATS",
    "CodeLabels",
    "code_labels",
    "column_format",
    "column_kind",
    "header_text",
    "is_number",
    "kind_format",
    "labelled_codes",
    "plain_format",
    "words",
]

KIND_FORMATS: dict[str, str] = {
    "money": "#,##0",
    "rate": "0.0%",
    "share": "0.0%",
    "ratio": '0.00"x"',
    "year": '"year "0',
    "count": "#,##0.0",
    "text": "0",
}
"""Excel number format of a summary value by its metric's kind (``text``: an identifier such as
a seed, no separator). A whole-number ``count`` shows no decimal (``#,##0``); a ``number`` is
shown by its size (:func:`plain_format`)."""

INPUT_SHARE_FORMAT = "0.0##%"
"""An input share or rate: as typed, up to three decimals of a percent (``3.25 %``)."""

_SHARE_WORDS = {"share", "rate", "irr", "mirr", "prob", "probability", "spread"}
_RATIO_WORDS = {"moic", "multiple", "ratio"}
_COUNT_WORDS = {
    "participants",
    "achievements",
    "successes",
    "served",
    "referred",
    "outcomes",
    "effect",
    "cohort",
    "paths",
}
_CAPITALS = {"pv": "PV", "irr": "IRR", "mirr": "MIRR", "moic": "MOIC", "npv": "NPV"}


# ------------------------------------------------------------------ labels


def _sub_models(annotation: Any) -> list[type[BaseModel]]:
    """The input models inside a field's annotation (a model, a list or mapping of models)."""
    bare, _ = strip_optional(annotation)
    direct = model_of(bare)
    if direct is not None:
        return [direct]
    origin = get_origin(bare)
    if origin is list:
        found = model_of(item_type(bare))
        return [found] if found is not None else []
    if origin is dict and len(get_args(bare)) == 2:
        found = model_of(get_args(bare)[1])
        return [found] if found is not None else []
    return []


@dataclass(frozen=True)
class CodeLabels:
    """The declared labels of the inputs' codes: by field name, and all codes together (a code
    declared with two different labels is left out of ``codes``)."""

    by_field: Mapping[str, Mapping[str, str]]
    codes: Mapping[str, str]

    def field_choices(self, column: str) -> Mapping[str, str] | None:
        """The choices of the field called ``column`` or its plural (``route``: ``routes``)."""
        return self.by_field.get(column) or self.by_field.get(f"{column}s")

    def code(self, text: str) -> str | None:
        """The label of a code that is not a number (``sib``; ``12`` stays ``12``)."""
        if text.isdigit():
            return None
        return self.codes.get(text)


def code_labels(source: BaseModel | None) -> CodeLabels:
    """Every ``choices`` mapping declared by the fields of ``source``'s model and its sub-models."""
    by_field: dict[str, dict[str, str]] = {}
    codes: dict[str, str] = {}
    clashes: set[str] = set()
    seen: set[type[BaseModel]] = set()
    todo = [type(source)] if source is not None else []
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name in model.model_fields:
            meta = field_meta(model, name)
            todo += _sub_models(meta.annotation)
            for code, label in (meta.choices or {}).items():
                by_field.setdefault(name, {})[code] = label
                if codes.get(code, label) != label:
                    clashes.add(code)
                codes[code] = label
    return CodeLabels(by_field, {k: v for k, v in codes.items() if k not in clashes})


def words(name: str) -> str:
    """A name with underscores as spaces, first letter capital, known abbreviations in capitals."""
    parts = [_CAPITALS.get(p.lower(), p) for p in name.replace("_", " ").split(" ")]
    text = " ".join(parts)
    return text[:1].upper() + text[1:]


def header_text(column: str, labels: CodeLabels) -> str:
    """A readable header: a declared code as its label; a name ending in ``_CODE`` as ``Words:
    Label`` (the longest such code); otherwise the words of the name (:func:`_words`)."""
    whole = labels.code(column)
    if whole is not None:
        return whole
    ends = [c for c in labels.codes if column.endswith(f"_{c}") and len(column) > len(c) + 1]
    if ends:
        code = max(ends, key=len)
        return f"{words(column[: -len(code) - 1])}: {labels.codes[code]}"
    return words(column)


def labelled_codes(values: Sequence[Any], choices: Mapping[str, str] | None) -> list[Any] | None:
    """The values of a column of codes as their labels (a text list ``a, b`` item by item, joined
    by ``; ``), or ``None`` when some value is not a declared code."""
    if not choices:
        return None
    out: list[Any] = []
    for value in values:
        if value is None:
            out.append(None)
            continue
        if not isinstance(value, str):
            return None
        parts = value.split(", ")
        if not all(p in choices for p in parts):
            return None
        out.append("; ".join(choices[p] for p in parts))
    return out


# ------------------------------------------------------------------ number formats


def plain_format(value: float) -> str:
    """Format of a number without a kind: whole units with thousands from 10 on, else 4
    decimals (the rule of the on-screen tables; a table column takes the format of its largest
    number)."""
    return "#,##0" if abs(value) >= 10 else "0.0000"


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def kind_format(kind: str, value: Any) -> str | None:
    """The number format of ``value`` shown as ``kind`` (:data:`KIND_FORMATS`); ``None`` for
    anything that is not a number."""
    if not is_number(value):
        return None
    if kind == "count" and isinstance(value, int):
        return "#,##0"
    if kind in KIND_FORMATS:
        return KIND_FORMATS[kind]
    return plain_format(float(value))


def column_kind(name: str, values: Sequence[Any], metrics: Mapping[str, Any]) -> str:
    """The kind of a table column of numbers: its metric's kind where a summary metric has the
    column's name; ``year`` for ``year``; ``share`` when a word of the name is a share word
    (share, rate, irr, probability, spread; ``expected_rates`` is not); ``ratio`` for moic,
    multiple, ratio; ``count`` for participants, achievements, successes, served and similar
    words, or for a column of whole numbers; otherwise ``number`` (shown by its size)."""
    if name in metrics:
        return str(metrics[name].kind)
    words = set(re.split(r"[^a-z0-9]+", name.lower()))
    if name == "year":
        return "year_column"
    if words & _SHARE_WORDS:
        return "share"
    if words & _RATIO_WORDS:
        return "ratio"
    numbers = [v for v in values if v is not None]
    if words & _COUNT_WORDS or all(isinstance(v, int) for v in numbers):
        return "count"
    return "number"


def column_format(kind: str, value: Any) -> str | None:
    if kind == "year_column":
        return "0" if isinstance(value, int) and not isinstance(value, bool) else None
    return kind_format(kind, value)
