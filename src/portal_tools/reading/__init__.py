"""Reading untrusted text: scenario documents (YAML 1.2 or JSON) and number tokens.

Scenario files, uploaded files and the forms' text areas all come through here, so they obey one
set of rules and limits, checked while the text is read (before any value is built):

- **Size**: at most :data:`MAX_FILE_BYTES` bytes of UTF-8.
- **Nesting**: mappings and lists at most :data:`MAX_DEPTH` levels deep.
- **Values**: at most :data:`MAX_VALUES` values in all, counting every use of a YAML alias (so
  an alias "bomb" is refused after reading at most that many); an alias inside the node it names
  (``&x {self: *x}``) is refused.
- **Numbers**: at most :data:`MAX_NUMBER_CHARS` characters; a number too large to store (it
  would become infinity) or too small (a non-zero number that would become 0) is refused, never
  rounded to infinity or zero.
- **Keys**: a key may appear once per mapping; a repeated key is refused, never "last one wins".

YAML is read with the YAML 1.2 core schema: ``true``/``false`` (any case form of those two
words) are booleans and ``yes``, ``no``, ``on``, ``off`` are text; ``1e3`` is a number and
``1:30``, ``1_000`` and ``0b101`` are text. ``010``, which YAML 1.1 reads as 8 and YAML 1.2 as 10,
is refused as ambiguous. Only the core schema's tags are allowed (``!!str``, ``!!int``,
``!!float``, ``!!bool``, ``!!null``, ``!!map``, ``!!seq``); no tag can build an object. JSON is read
as JSON (RFC 8259: no ``NaN`` or ``Infinity``).

The parts: :mod:`~portal_tools.reading.limits` (the limits and number tokens),
:mod:`~portal_tools.reading.yaml_reader` and :mod:`~portal_tools.reading.json_reader`. Import
from ``portal_tools.reading``.
"""

from __future__ import annotations

from typing import Any, Literal

from portal_tools.errors import InputError, Problem
from portal_tools.reading.json_reader import read_json
from portal_tools.reading.limits import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NUMBER_CHARS,
    MAX_VALUES,
    NumberTextError,
    check_size,
    float_from_decimal,
)
from portal_tools.reading.yaml_reader import YamlBuilder

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NUMBER_CHARS",
    "MAX_VALUES",
    "Format",
    "NumberTextError",
    "check_size",
    "float_from_decimal",
    "read_document",
    "read_document_problems",
]

Format = Literal["yaml", "json"]


def _utf8_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def read_document(text: str, fmt: Format = "yaml", source: str = "scenario") -> Any:
    """Read one YAML 1.2 or JSON document from ``text`` within the limits of this module.

    Raises :class:`InputError`: structure problems (size, syntax, nesting, values, aliases,
    tags) stop the reading with one problem at ``(file)``; value problems (numbers, repeated
    keys) are all collected and name the path of the value, e.g. ``inputs.cohort_size``.
    """
    data, problems = read_document_problems(text, fmt, source)
    if problems:
        raise InputError(problems)
    return data


def read_document_problems(
    text: str, fmt: Format = "yaml", source: str = "scenario"
) -> tuple[Any, list[Problem]]:
    """Like :func:`read_document`, but value problems (numbers that cannot be read, repeated
    keys) are returned with the data instead of raised, so that a caller can report them
    together with the problems it finds itself. A value that could not be read is kept as its
    text (a repeated key keeps its first value). Structure problems still raise."""
    check_size(len(text) if len(text) > MAX_FILE_BYTES else _utf8_length(text), source)
    if fmt == "json":
        return read_json(text, source)
    builder = YamlBuilder(text, source)
    return builder.build(), builder.problems
