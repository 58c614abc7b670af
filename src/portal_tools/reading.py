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
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from portal_tools.errors import InputError, Key, Problem, escape_text, format_path

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

MAX_FILE_BYTES = 1_000_000
"""Largest scenario document read, in bytes of UTF-8 (the largest shipped preset is ~6 KB)."""
MAX_DEPTH = 20
"""Deepest nesting of mappings and lists (a scenario needs about 7)."""
MAX_VALUES = 100_000
"""Most values (scalars, mappings and lists, every alias use counted) in one document."""
MAX_NUMBER_CHARS = 40
"""Longest number, in characters (a float needs at most 24)."""

Format = Literal["yaml", "json"]

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CORE = "tag:yaml.org,2002:"
_NULL = re.compile(r"null|Null|NULL|~|")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_INT_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")
_NONZERO_MANTISSA = re.compile(r"[1-9]")


class NumberTextError(ValueError):
    """A number token that cannot be read faithfully; the message says what is allowed."""


def _count(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def float_from_decimal(text: str) -> float:
    """The float nearest to the ASCII decimal ``text`` (``[-+]digits[.digits][e[-+]digits]``).

    Raises :class:`NumberTextError` when ``text`` is longer than :data:`MAX_NUMBER_CHARS`,
    too large to store (it would become infinity) or a non-zero number too small to store (it
    would become 0).
    """
    if len(text) > MAX_NUMBER_CHARS:
        raise NumberTextError(
            f"a number of at most {MAX_NUMBER_CHARS} characters (this one has {_count(len(text))})"
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


def _int_from_decimal(text: str, base: int = 10) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise NumberTextError(
            f"a number of at most {MAX_NUMBER_CHARS} characters (this one has {_count(len(text))})"
        )
    return int(text[2:] if base != 10 else text, base)


def check_size(n_bytes: int, source: str) -> None:
    """Refuse a document of more than :data:`MAX_FILE_BYTES` bytes before reading it."""
    if n_bytes > MAX_FILE_BYTES:
        raise InputError.single(
            "(file)",
            source,
            f"a scenario file of at most {_count(MAX_FILE_BYTES)} bytes (this one has "
            f"{_count(n_bytes)} bytes or more)",
        )


def _utf8_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _structure_error(source: str, allowed: str, line: int | None = None) -> InputError:
    where = f" (line {line})" if line is not None else ""
    return InputError.single("(file)", source, allowed + where)


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
        return _read_json(text, source)
    builder = _YamlBuilder(text, source)
    return builder.build(), builder.problems


# ---------------------------------------------------------------------------- YAML


@dataclass
class _Frame:
    container: dict[Any, Any] | list[Any]
    parts: tuple[Any, ...]
    anchor: str | None
    start_values: int
    key_lines: dict[Any, int] = field(default_factory=dict)
    pending: Any = None
    has_key: bool = False
    depth: int = 0
    """Depth of the deepest node inside (for aliases to this node)."""


@dataclass(frozen=True)
class _Anchor:
    value: Any
    values: int
    depth: int


_OPEN = object()


class _YamlBuilder:
    """Builds Python data from the YAML parser's event stream (no recursion, so no nesting can
    exhaust the stack), applying the module's limits as it goes."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.stack: list[_Frame] = []
        self.anchors: dict[str, _Anchor | object] = {}
        self.values = 0
        self.problems: list[Problem] = []
        self.documents = 0
        self.root: Any = None

    def build(self) -> Any:
        try:
            for event in yaml.parse(self.text, Loader=_LOADER):
                self._event(event)
        except yaml.reader.ReaderError as exc:
            char = exc.character if isinstance(exc.character, str) else chr(exc.character)
            line = self.text.count("\n", 0, exc.position) + 1
            raise InputError.single(
                "(file)",
                self.source,
                f"valid YAML or JSON; YAML text may not hold the control character "
                f"{escape_text(char)} (line {line}); names may not hold control characters",
            ) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None)
            if problem and "maximum nesting depth" in str(problem):  # libyaml's own limit (1000)
                raise _structure_error(
                    self.source,
                    f"mappings and lists nested at most {MAX_DEPTH} levels deep",
                    mark.line + 1 if mark else None,
                ) from None
            reason = f": {problem}" if problem else ""
            raise InputError.single(
                "(file)", self.source, f"valid YAML or JSON; parse error{where}{reason}"
            ) from None
        return self.root

    # --- events
    def _event(self, event: Any) -> None:
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise _structure_error(
                    self.source, "one YAML document (this file has a second '---' document)", line
                )
        elif isinstance(event, yaml.ScalarEvent):
            self._count(1, line)
            value = self._scalar(event, line)
            self._record_anchor(event.anchor, _Anchor(value, 1, 0))
            self._add(value, line)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self._check_collection_tag(event, line)
            self._count(1, line)
            container: dict[Any, Any] | list[Any] = (
                {} if isinstance(event, yaml.MappingStartEvent) else []
            )
            parts = self._child_parts()
            if len(self.stack) + 1 > MAX_DEPTH:
                raise _structure_error(
                    self.source, f"mappings and lists nested at most {MAX_DEPTH} levels deep", line
                )
            if event.anchor is not None:
                self.anchors[event.anchor] = _OPEN
            self.stack.append(_Frame(container, parts, event.anchor, self.values))
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frame = self.stack.pop()
            if isinstance(frame.container, dict) and frame.has_key:  # pragma: no cover - parser
                raise _structure_error(self.source, "a value for every key", line)
            depth = frame.depth + 1
            if frame.anchor is not None:
                self.anchors[frame.anchor] = _Anchor(
                    frame.container, self.values - frame.start_values + 1, depth
                )
            if self.stack:
                self.stack[-1].depth = max(self.stack[-1].depth, depth)
            self._add(frame.container, line)
        elif isinstance(event, yaml.AliasEvent):
            anchor = self.anchors.get(event.anchor or "")
            if anchor is _OPEN:
                raise _structure_error(
                    self.source,
                    f"an alias outside the node it names (*{event.anchor} is used inside "
                    f"&{event.anchor}, which would make the document infinitely deep)",
                    line,
                )
            if not isinstance(anchor, _Anchor):
                raise _structure_error(
                    self.source, f"an alias to an anchor defined before it (*{event.anchor})", line
                )
            self._count(anchor.values, line)
            if len(self.stack) + anchor.depth > MAX_DEPTH:
                raise _structure_error(
                    self.source,
                    f"mappings and lists nested at most {MAX_DEPTH} levels deep, aliases expanded",
                    line,
                )
            if self.stack:
                self.stack[-1].depth = max(self.stack[-1].depth, anchor.depth)
            self._add(anchor.value, line)

    def _count(self, n: int, line: int | None) -> None:
        self.values += n
        if self.values > MAX_VALUES:
            raise _structure_error(
                self.source,
                f"at most {_count(MAX_VALUES)} values in one file, every use of an alias counted",
                line,
            )

    def _record_anchor(self, anchor: str | None, entry: _Anchor) -> None:
        if anchor is not None:
            self.anchors[anchor] = entry

    def _child_parts(self) -> tuple[Any, ...]:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            return (*frame.parts, len(frame.container))
        if frame.has_key:
            key = frame.pending
            return (*frame.parts, key if isinstance(key, str) else Key(key))
        return frame.parts

    def _scalar_path(self, text: str) -> str:
        """The path of a scalar being read; a key is named by its own text."""
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.container, dict) and not frame.has_key:
            return format_path((*frame.parts, text))
        return format_path(self._child_parts())

    def _add(self, value: Any, line: int | None) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            frame.container.append(value)
            return
        if not frame.has_key:
            if isinstance(value, dict | list):
                raise _structure_error(
                    self.source, "keys that are names or numbers, not mappings or lists", line
                )
            if value in frame.key_lines:
                key_part = value if isinstance(value, str) else Key(value)
                self.problems.append(
                    Problem(
                        format_path((*frame.parts, key_part)),
                        value,
                        f"each key once in a mapping (this key appears again at line {line}; "
                        f"first at line {frame.key_lines[value]})",
                    )
                )
            else:
                frame.key_lines[value] = line or 0
            frame.pending, frame.has_key = value, True
            return
        if frame.pending not in frame.container:  # a repeated key keeps its first value
            frame.container[frame.pending] = value
        frame.pending, frame.has_key = None, False

    # --- scalars
    def _check_collection_tag(self, event: Any, line: int | None) -> None:
        tag = event.tag
        allowed = {None, "!", _CORE + "map", _CORE + "seq"}
        if tag not in allowed:
            raise _structure_error(self.source, _tag_text(tag), line)

    def _scalar(self, event: Any, line: int | None) -> Any:
        tag, text = event.tag, event.value
        plain = event.style in (None, "") and tag is None and event.implicit[0]
        if tag is None and not plain:
            return text
        if tag == "!" or tag == _CORE + "str":
            return text
        kind = "auto" if plain else (tag or "").removeprefix(_CORE)
        if kind not in ("auto", "int", "float", "bool", "null"):
            raise _structure_error(self.source, _tag_text(tag), line)
        try:
            value = _resolve(text, kind)
        except NumberTextError as exc:
            self.problems.append(Problem(self._scalar_path(text), text, str(exc)))
            return text
        if value is _NOT_OF_KIND:
            self.problems.append(
                Problem(
                    self._scalar_path(text),
                    text,
                    f"a value the tag !!{kind} can hold (YAML 1.2 core schema)",
                )
            )
            return text
        return value


_NOT_OF_KIND = object()


def _tag_text(tag: str | None) -> str:
    shown = (tag or "").replace(_CORE, "!!")
    return (
        "only the YAML 1.2 core schema's tags (!!str, !!int, !!float, !!bool, !!null, !!map, "
        f"!!seq); this file uses {shown!r}"
    )


def _resolve(text: str, kind: str) -> Any:
    """A plain scalar by the YAML 1.2 core schema (``kind`` 'auto'), or by an explicit tag."""
    if kind in ("auto", "null") and _NULL.fullmatch(text):
        return None
    if kind in ("auto", "bool") and text in _BOOL:
        return _BOOL[text]
    if kind in ("auto", "int", "float"):
        if _INT_LEADING_ZERO.fullmatch(text):
            raise NumberTextError(
                "a number without leading zeros (YAML 1.1 reads 010 as 8, YAML 1.2 as 10); "
                "write 10, or quote it for text"
            )
        if _INT.fullmatch(text):
            number = _int_from_decimal(text)
            return float(number) if kind == "float" else number
        if _OCT.fullmatch(text) or _HEX.fullmatch(text):
            number = _int_from_decimal(text, 8 if text[1] == "o" else 16)
            return float(number) if kind == "float" else number
        if kind != "int":
            if _FLOAT.fullmatch(text):
                return float_from_decimal(text)
            if _INF.fullmatch(text):
                return -math.inf if text.startswith("-") else math.inf
            if _NAN.fullmatch(text):
                return math.nan
    if kind == "auto":
        return text
    return _NOT_OF_KIND


# ---------------------------------------------------------------------------- JSON

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
            return _int_from_decimal(text)
        return float_from_decimal(text)
    except NumberTextError as exc:
        return _Bad(text, str(exc))


def _json_constant(text: str) -> Any:
    return _Bad(text, "a number (JSON has no NaN or Infinity)")


def _read_json(text: str, source: str) -> tuple[Any, list[Problem]]:
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                raise _structure_error(
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
            raise _structure_error(source, f"at most {_count(MAX_VALUES)} values in one file")
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
