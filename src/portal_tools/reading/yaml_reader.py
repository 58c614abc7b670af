"""The YAML 1.2 reader: builds data from the YAML parser's events, without recursion, within
the limits of :mod:`portal_tools.reading.limits` (see :mod:`portal_tools.reading` for the rules).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from portal_tools.errors import InputError, Key, Problem, escape_text, format_path
from portal_tools.reading.limits import (
    MAX_DEPTH,
    MAX_VALUES,
    NumberTextError,
    float_from_decimal,
    int_from_decimal,
    spaced,
    structure_error,
)

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


class YamlBuilder:
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
                raise structure_error(
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
                raise structure_error(
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
                raise structure_error(
                    self.source, f"mappings and lists nested at most {MAX_DEPTH} levels deep", line
                )
            if event.anchor is not None:
                self.anchors[event.anchor] = _OPEN
            self.stack.append(_Frame(container, parts, event.anchor, self.values))
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frame = self.stack.pop()
            if isinstance(frame.container, dict) and frame.has_key:  # pragma: no cover - parser
                raise structure_error(self.source, "a value for every key", line)
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
                raise structure_error(
                    self.source,
                    f"an alias outside the node it names (*{event.anchor} is used inside "
                    f"&{event.anchor}, which would make the document infinitely deep)",
                    line,
                )
            if not isinstance(anchor, _Anchor):
                raise structure_error(
                    self.source, f"an alias to an anchor defined before it (*{event.anchor})", line
                )
            self._count(anchor.values, line)
            if len(self.stack) + anchor.depth > MAX_DEPTH:
                raise structure_error(
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
            raise structure_error(
                self.source,
                f"at most {spaced(MAX_VALUES)} values in one file, every use of an alias counted",
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
                raise structure_error(
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
            raise structure_error(self.source, _tag_text(tag), line)

    def _scalar(self, event: Any, line: int | None) -> Any:
        tag, text = event.tag, event.value
        plain = event.style in (None, "") and tag is None and event.implicit[0]
        if tag is None and not plain:
            return text
        if tag == "!" or tag == _CORE + "str":
            return text
        kind = "auto" if plain else (tag or "").removeprefix(_CORE)
        if kind not in ("auto", "int", "float", "bool", "null"):
            raise structure_error(self.source, _tag_text(tag), line)
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
            number = int_from_decimal(text)
            return float(number) if kind == "float" else number
        if _OCT.fullmatch(text) or _HEX.fullmatch(text):
            number = int_from_decimal(text, 8 if text[1] == "o" else 16)
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
