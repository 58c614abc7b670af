"""Rules a field can carry beyond its type and bounds: safe text, a smallest meaningful size
(:class:`Smallest`) and reserved names (:class:`NotIn`), with the sizes the calculators use
(:data:`MIN_AMOUNT`, :data:`MIN_SHARE`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from portal_tools.errors import escape_text


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
