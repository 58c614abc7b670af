"""The package's one input error: every bad value is reported with its field path,
the value given and what is allowed.

Everything a problem shows comes from the reader's file, so it is treated as data: control
characters and line breaks are escaped (a problem is always one line, and no text in a file can
forge another line), long values are shortened, and the number of problems printed is capped with
a count of the rest.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from portal_tools.formatting import thousands

__all__ = [
    "MAX_SHOWN_PROBLEMS",
    "InputError",
    "Problem",
    "escape_text",
    "format_path",
    "show_value",
    "split_path",
]

MAX_SHOWN_PROBLEMS = 20
"""Problems printed (command line) or shown (forms); the rest are counted as 'and N more'."""
VALUE_CHARS = 60
"""Longest shown value; longer values are cut with '...'."""

_PLAIN_KEY = re.compile(r"[^.\[\]\"\\]+")


def _escape_char(char: str) -> str:
    code = ord(char)
    if char == "\n":
        return "\\n"
    if char == "\r":
        return "\\r"
    if char == "\t":
        return "\\t"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _unsafe(char: str) -> bool:
    """Characters that could break a line, hide text or not be encodable: control characters,
    line and paragraph separators, bidirectional overrides and unpaired surrogates."""
    category = unicodedata.category(char)
    return category in ("Cc", "Zl", "Zp", "Cs") or (
        category == "Cf" and ("\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069")
    )


def escape_text(text: str, limit: int | None = None) -> str:
    """``text`` with unsafe characters escaped as ``\\n``, ``\\x07``, ``\\u2028``..., cut to
    ``limit`` characters (with '...') when given."""
    out = "".join(_escape_char(c) if _unsafe(c) else c for c in text)
    if limit is not None and len(out) > limit:
        out = out[: max(0, limit - 3)] + "..."
    return out


def _short_repr(value: Any, budget: int) -> str:
    """A repr of ``value`` that stops early once ``budget`` characters are produced, so a huge
    list or mapping costs no more than a short one."""
    if isinstance(value, str):
        return "'" + escape_text(value[: budget + 1]).replace("'", "\\'") + "'"
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        digits = len(str(value)) if value.bit_length() < 4000 else None
        if digits is None or digits > budget:
            return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Mapping):
        opener, closer, items = "{", "}", list(_take(value.items(), budget))
        parts: list[str] = []
        for k, v in items:
            parts.append(_short_repr(k, budget) + ": " + _short_repr(v, budget))
            if sum(map(len, parts)) > budget:
                break
        return opener + ", ".join(parts) + ("..." if len(value) > len(parts) else "") + closer
    if isinstance(value, list | tuple):
        opener, closer = ("[", "]") if isinstance(value, list) else ("(", ")")
        parts = []
        for item in _take(value, budget):
            parts.append(_short_repr(item, budget))
            if sum(map(len, parts)) > budget:
                break
        return opener + ", ".join(parts) + ("..." if len(value) > len(parts) else "") + closer
    return escape_text(repr(value)[: budget + 1])


def _take(items: Iterable[Any], n: int) -> Iterable[Any]:
    for i, item in enumerate(items):
        if i >= n:
            return
        yield item


def show_value(value: Any, limit: int = VALUE_CHARS) -> str:
    """A value as a problem shows it: a Python-style repr with unsafe characters escaped,
    shortened to ``limit`` characters."""
    text = _short_repr(value, limit)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _key_text(key: Any) -> str:
    """How a mapping key appears in a path: ``.name`` for ordinary names, ``["..."]`` (JSON
    quoting) for names holding '.', '[', ']', quotes, backslashes or surrounding spaces, and
    non-text keys as they are written (``.5``, ``.true``, ``.null``)."""
    if isinstance(key, str):
        if key and _PLAIN_KEY.fullmatch(key) and key == key.strip():
            return "." + key
        return "[" + json.dumps(key, ensure_ascii=False) + "]"
    if isinstance(key, bool):
        return ".true" if key else ".false"
    if key is None:
        return ".null"
    return "." + repr(key)


def format_path(parts: Iterable[str | int | Any]) -> str:
    """Join location parts into a field path such as ``outcomes[1].rate``.

    Integers become list indices; strings are mapping keys (quoted as ``["a.b"]`` where a
    plain ``.a.b`` would be ambiguous). A key that is not text is wrapped as :class:`Key`.
    """
    out = ""
    for part in parts:
        if isinstance(part, Key):
            text = _key_text(part.key)
        elif isinstance(part, int) and not isinstance(part, bool):
            text = f"[{part}]"
        else:
            text = _key_text(part)
        out += text
    if not out:
        return "(input)"
    return out[1:] if out.startswith(".") else out


@dataclass(frozen=True)
class Key:
    """A mapping key that is not text (YAML allows ``5: x``), kept apart from list indices."""

    key: Any


_TOKEN = re.compile(r'\.([^.\[\]"\\]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def split_path(path: str) -> list[str | int]:
    """Inverse of :func:`format_path` for text keys: ``'a["b.c"][2].d'`` -> ``['a', 'b.c', 2,
    'd']``. Raises ``ValueError`` for a string that is not a path."""
    text = path if path.startswith("[") else "." + path
    parts: list[str | int] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ValueError(f"not a field path: {path!r}")
        name, index, quoted = match.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append(int(index))
        else:
            parts.append(json.loads(quoted))
        pos = match.end()
    return parts


@dataclass(frozen=True)
class Problem:
    """One bad input: where (``path``), what was given (``value``) and what is allowed."""

    path: str
    value: Any
    allowed: str
    label: str = ""

    def detail(self) -> str:
        """What was given and what is allowed, without the location (one line)."""
        return f"got {show_value(self.value)}; allowed: {escape_text(self.allowed, 400)}"

    def where(self) -> str:
        """The path and the field's label (escaped, one line)."""
        path = escape_text(self.path, 200)
        return f"{path} ({escape_text(self.label, 80)})" if self.label else path

    def __str__(self) -> str:
        return f"{self.where()}: {self.detail()}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form of the problem."""
        return {"path": self.path, "value": show_value(self.value), "allowed": self.allowed}


def more_text(n: int) -> str:
    """'and 3 more problems' (the count that was not shown)."""
    return f"and {thousands(n)} more problem{'s' if n != 1 else ''}"


class InputError(ValueError):
    """Raised for any invalid calculator input.

    ``problems`` lists every problem found (not only the first), each naming
    the field path, the value given and what is allowed. Its text shows at most
    :data:`MAX_SHOWN_PROBLEMS` of them, one per line, and counts the rest.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        super().__init__("\n".join(self.lines()))

    def lines(self, limit: int = MAX_SHOWN_PROBLEMS) -> list[str]:
        """One line per problem, at most ``limit`` of them, then 'and N more problems'."""
        shown = [str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            shown.append(more_text(len(self.problems) - limit))
        return shown

    @classmethod
    def single(cls, path: str, value: Any, allowed: str, label: str = "") -> InputError:
        """An error with one problem."""
        return cls([Problem(path, value, allowed, label)])


def merge(errors: Sequence[InputError | None]) -> InputError | None:
    """All problems of several errors as one error (``None`` when there are none)."""
    problems = [p for e in errors if e is not None for p in e.problems]
    return InputError(problems) if problems else None
