"""The JSON reader: RFC 8259 JSON within the limits of :mod:`portal_tools.reading.limits`,
with numbers that cannot be stored and repeated keys reported by their path."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from portal_tools.errors import InputError, Problem, format_path
from portal_tools.reading.limits import (
    MAX_DEPTH,
    MAX_VALUES,
    NumberTextError,
    float_from_decimal,
    int_from_decimal,
    spaced,
    structure_error,
)

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


@dataclass(frozen=True)
class _Bad:
    """A JSON value that cannot be read faithfully (reported with its path after loading)."""

    text: str
    allowed: str


class _Pairs(dict[str, Any]):
    """A JSON object that remembers keys given more than once."""

    repeated: list[str]


def _pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
    out = _Pairs()
    out.repeated = []
    for key, value in items:
        if key in out:
            out.repeated.append(key)
            continue  # a repeated key keeps its first value (and is reported)
        out[key] = value
    return out


def _json_number(text: str) -> Any:
    try:
        if re.fullmatch(r"-?[0-9]+", text):
            return int_from_decimal(text)
        return float_from_decimal(text)
    except NumberTextError as exc:
        return _Bad(text, str(exc))


def _json_constant(text: str) -> Any:
    return _Bad(text, "a number (JSON has no NaN or Infinity)")


def read_json(text: str, source: str) -> tuple[Any, list[Problem]]:
    """The JSON document ``text`` and its value problems (see
    :func:`~portal_tools.reading.read_document_problems`)."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                raise structure_error(
                    source, f"objects and arrays nested at most {MAX_DEPTH} levels deep", line
                )
        elif token in "]}":
            depth -= 1
    try:
        data = json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_int=_json_number,
            parse_float=_json_number,
            parse_constant=_json_constant,
        )
    except json.JSONDecodeError as exc:
        raise InputError.single(
            "(file)",
            source,
            f"valid JSON; parse error at line {exc.lineno}, column {exc.colno}: {exc.msg}",
        ) from None
    problems: list[Problem] = []
    for values, (parts, node) in enumerate(_walk(data), start=1):
        if values > MAX_VALUES:
            raise structure_error(source, f"at most {spaced(MAX_VALUES)} values in one file")
        if isinstance(node, _Bad):
            problems.append(Problem(format_path(parts), node.text, node.allowed))
        elif isinstance(node, _Pairs):
            for key in node.repeated:
                problems.append(
                    Problem(
                        format_path((*parts, key)),
                        key,
                        "each key once in an object (this key appears more than once)",
                    )
                )
    return _plain(data), problems


def _walk(node: Any, parts: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every node with its location, depth first (depth is bounded by the pre-scan)."""
    yield parts, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*parts, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*parts, i))


def _plain(node: Any) -> Any:
    if isinstance(node, _Bad):
        return node.text
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node
