"""The limits every document is read within, and number tokens read faithfully.

Shared by the YAML and JSON readers and by the forms' number parser
(:mod:`portal_tools.ui.numbers`): sizes, nesting and value counts, and numbers that are too long,
too large or too small to store, each refused with a message saying what is allowed.
"""

from __future__ import annotations

import math
import re

from portal_tools.errors import InputError
from portal_tools.formatting import thousands

MAX_FILE_BYTES = 1_000_000
"""Largest scenario document read, in bytes of UTF-8 (the largest shipped preset is ~6 KB)."""
MAX_DEPTH = 20
"""Deepest nesting of mappings and lists (a scenario needs about 7)."""
MAX_VALUES = 100_000
"""Most values (scalars, mappings and lists, every alias use counted) in one document."""
MAX_NUMBER_CHARS = 40
"""Longest number, in characters (a float needs at most 24)."""

_NONZERO_MANTISSA = re.compile(r"[1-9]")


class NumberTextError(ValueError):
    """A number token that cannot be read faithfully; the message says what is allowed."""


def spaced(n: int) -> str:
    """``n`` as the messages write a count: thousands separated by spaces (``1 000 000``)."""
    return thousands(n)


def float_from_decimal(text: str) -> float:
    """The float nearest to the ASCII decimal ``text`` (``[-+]digits[.digits][e[-+]digits]``).

    Raises :class:`NumberTextError` when ``text`` is longer than :data:`MAX_NUMBER_CHARS`,
    too large to store (it would become infinity) or a non-zero number too small to store (it
    would become 0).
    """
    if len(text) > MAX_NUMBER_CHARS:
        raise NumberTextError(
            f"a number of at most {MAX_NUMBER_CHARS} characters (this one has {spaced(len(text))})"
        )
    value = float(text)
    if math.isinf(value):
        raise NumberTextError("a number below 1.8e308 in size (this one is too large to store)")
    mantissa = re.split("[eE]", text, maxsplit=1)[0]
    if value == 0 and _NONZERO_MANTISSA.search(mantissa):
        raise NumberTextError(
            "0, or a number of at least 2.2e-308 in size (this one is too small to store and "
            "would be read as 0)"
        )
    return value


def int_from_decimal(text: str, base: int = 10) -> int:
    """The whole number ``text`` in ``base`` (``0o``/``0x`` prefix dropped for 8 and 16), at most
    :data:`MAX_NUMBER_CHARS` characters long."""
    if len(text) > MAX_NUMBER_CHARS:
        raise NumberTextError(
            f"a number of at most {MAX_NUMBER_CHARS} characters (this one has {spaced(len(text))})"
        )
    return int(text[2:] if base != 10 else text, base)


def check_size(n_bytes: int, source: str) -> None:
    """Refuse a document of more than :data:`MAX_FILE_BYTES` bytes before reading it."""
    if n_bytes > MAX_FILE_BYTES:
        raise InputError.single(
            "(file)",
            source,
            f"a scenario file of at most {spaced(MAX_FILE_BYTES)} bytes (this one has "
            f"{spaced(n_bytes)} bytes or more)",
        )


def structure_error(source: str, allowed: str, line: int | None = None) -> InputError:
    """A problem with the document as a whole, at ``(file)``, naming its line when known."""
    where = f" (line {line})" if line is not None else ""
    return InputError.single("(file)", source, allowed + where)
