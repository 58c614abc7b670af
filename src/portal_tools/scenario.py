"""Scenario files: ``{calculator: NAME, inputs: {...}}`` in YAML or JSON.

Loading never raises anything but :class:`~portal_tools.errors.InputError`, whose problems name
the field path (e.g. ``inputs.outcomes[1].rate``), the value and what is allowed. Files are read
by :mod:`portal_tools.reading`: ``.json`` as JSON, anything else as YAML 1.2, within its size,
nesting, value and number limits. Every problem of the file is reported together.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from portal_tools.calculator import AnyCalculator
from portal_tools.errors import InputError, Problem, format_path, split_path
from portal_tools.inputs import Inputs, text_problem
from portal_tools.reading import (
    MAX_FILE_BYTES,
    Format,
    check_size,
    read_document,
    read_document_problems,
)
from portal_tools.registry import all_calculators

__all__ = [
    "Scenario",
    "dump_scenario",
    "format_of",
    "list_presets",
    "load_preset",
    "load_scenario",
    "parse_scenario_text",
    "scenario_from_mapping",
]

SCENARIO_KEYS = ("calculator", "inputs", "title", "description", "assumptions")


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: the calculator and its parsed inputs."""

    calculator: AnyCalculator
    inputs: Inputs
    title: str = ""
    description: str = ""


def _joined_path(prefix: str, path: str) -> str:
    """``inputs`` + ``costs[0]`` -> ``inputs.costs[0]``; + ``["a.b"]`` -> ``inputs["a.b"]``."""
    if path == "(input)":
        return prefix
    return prefix + path if path.startswith("[") else f"{prefix}.{path}"


def _unset_field(data: Any, path: str, names: dict[int, dict[str, Any]]) -> str | None:
    """The first field of ``path`` (under ``inputs``) that ``data`` does not set, when the
    value at ``path`` comes from the defaults; ``None`` when ``data`` holds it. ``names``
    caches, per mapping, its keys that are not text by their text."""
    try:
        parts = split_path(path)
    except ValueError:
        return None
    node: Any = data
    for i, part in enumerate(parts):
        if isinstance(node, Mapping) and isinstance(part, str):
            # A key that is not text (YAML's 5: x) is named by its text in a path.
            if part in node:
                key: Any = part
            else:
                if id(node) not in names:
                    names[id(node)] = {str(k): k for k in node if not isinstance(k, str)}
                key = names[id(node)].get(part)
            if key is None:
                return format_path(parts[: i + 1])
            node = node[key]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return None


def _with_default_note(
    problem: Problem, raw: Mapping[str, Any], names: dict[int, dict[str, Any]]
) -> Problem:
    """A problem about a default value (a rule between fields) says which field to set."""
    unset = _unset_field({"inputs": raw}, problem.path, names)
    if unset is None or problem.allowed.startswith("a value is required"):
        return problem
    note = f" (this is the default value: the file does not set {unset})"
    return Problem(problem.path, problem.value, problem.allowed + note, problem.label)


def _prefixed(err: InputError, prefix: str) -> InputError:
    return InputError(
        Problem(_joined_path(prefix, p.path), p.value, p.allowed, p.label) for p in err.problems
    )


def _text_field(data: Mapping[str, Any], key: str, one_line: bool) -> tuple[str, list[Problem]]:
    """A title (one line) or description (line breaks allowed) as text, or its problem."""
    value = data.get(key, "")
    if not isinstance(value, str):
        return "", [Problem(key, value, "text")]
    checked = value if one_line else value.replace("\n", " ").replace("\t", " ")
    problem = text_problem(checked)
    return value, ([Problem(key, value, problem)] if problem else [])


def _assumption_problems(value: Any) -> list[Problem]:
    """``assumptions`` is free-form notes (not read), but must be a mapping."""
    if value is None or isinstance(value, Mapping):
        return []
    return [Problem("assumptions", value, "a mapping of field names to notes")]


def scenario_from_mapping(data: Any, read_problems: Sequence[Problem] = ()) -> Scenario:
    """Validate a loaded scenario document, reporting every problem together.

    ``read_problems`` are the problems found while reading the document (see
    :func:`~portal_tools.reading.read_document_problems`); they are reported with the others,
    and a value they name (kept as its text) is not reported a second time.
    """
    if not isinstance(data, Mapping):
        raise InputError(
            [
                *read_problems,
                Problem("(file)", data, "a mapping with the keys 'calculator' and 'inputs'"),
            ]
        )
    problems: list[Problem] = list(read_problems)
    problems += [
        Problem(
            k if isinstance(k, str) else repr(k),
            data[k],
            "no key of this name; known keys here: " + ", ".join(SCENARIO_KEYS),
        )
        for k in data
        if k not in SCENARIO_KEYS
    ]
    title, found = _text_field(data, "title", one_line=True)
    problems += found
    description, found = _text_field(data, "description", one_line=False)
    problems += found
    problems += _assumption_problems(data.get("assumptions"))
    calculator: AnyCalculator | None = None
    calculators = all_calculators()
    name = data.get("calculator")
    if "calculator" not in data:
        problems.append(Problem("calculator", None, "a calculator name is required"))
    elif not isinstance(name, str) or name not in calculators:
        problems.append(Problem("calculator", name, "one of " + ", ".join(map(repr, calculators))))
    else:
        calculator = calculators[name]
    raw = data.get("inputs", {})
    inputs: Inputs | None = None
    if not isinstance(raw, Mapping):
        problems.append(
            Problem(
                "inputs",
                raw,
                "a mapping of field names to values (leave 'inputs' out, or write {}, for the "
                "defaults)",
            )
        )
    elif calculator is not None:
        try:
            inputs = calculator.parse(raw)
        except InputError as err:
            named = {p.path for p in read_problems}
            names: dict[int, dict[str, Any]] = {}
            problems += [
                _with_default_note(p, raw, names)
                for p in _prefixed(err, "inputs").problems
                if p.path not in named
            ]
    if problems:
        raise InputError(problems)
    assert calculator is not None and inputs is not None
    return Scenario(calculator, inputs, title, description)


def format_of(name: str | Path) -> Format:
    """How a file is read: ``.json`` as JSON, anything else as YAML."""
    return "json" if str(name).lower().endswith(".json") else "yaml"


def parse_scenario_text(text: str, source: str = "scenario", fmt: Format = "yaml") -> Scenario:
    """Parse YAML 1.2 (``fmt="yaml"``) or JSON text into a validated scenario."""
    return scenario_from_mapping(*read_document_problems(text, fmt, source))


def decode_scenario_bytes(data: bytes, source: str) -> str:
    """UTF-8 text of a scenario file's bytes (a leading byte-order mark is dropped), after the
    size check; an :class:`InputError` otherwise."""
    check_size(len(data), source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.single(
            "(file)",
            source,
            f"a UTF-8 text file (byte {exc.start + 1} is not UTF-8: this looks like a binary "
            "file or another encoding)",
        ) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (``.json`` as JSON, others such as ``.yaml`` as YAML).

    The file's size is checked before it is read; at most :data:`MAX_FILE_BYTES` + 1 bytes are
    ever read, whatever the file claims to be.
    """
    if str(path) == "":
        raise InputError.single("(file)", "", "the path of a scenario file, or preset:NAME")
    p = Path(path)
    try:
        with p.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise InputError.single(
            "(file)", str(p), f"a readable UTF-8 text file ({exc.__class__.__name__}: {reason})"
        ) from None
    text = decode_scenario_bytes(data, str(p))
    return parse_scenario_text(text, str(p), format_of(p))


def dump_scenario(
    calculator: str, inputs: Inputs | Mapping[str, Any], fmt: str = "yaml", title: str = ""
) -> str:
    """Serialise inputs as a scenario document (``yaml`` or ``json``)."""
    data = inputs.model_dump(mode="json") if isinstance(inputs, Inputs) else dict(inputs)
    doc: dict[str, Any] = {"calculator": calculator}
    if title:
        doc["title"] = title
    doc["inputs"] = data
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def list_presets() -> list[str]:
    """Names of the shipped preset scenarios (files under ``portal_tools/presets``)."""
    folder = resources.files("portal_tools") / "presets"
    return sorted(
        p.name.rsplit(".", 1)[0] for p in folder.iterdir() if p.name.endswith((".yaml", ".yml"))
    )


def _preset_text(name: str) -> str:
    presets = list_presets()
    if name not in presets:
        raise InputError.single("preset", name, "one of " + ", ".join(map(repr, presets)))
    return (resources.files("portal_tools") / "presets" / f"{name}.yaml").read_text("utf-8")


def load_preset(name: str) -> Scenario:
    """Load a shipped preset by name (see :func:`list_presets`)."""
    return parse_scenario_text(_preset_text(name), f"preset {name}")


def preset_data(name: str) -> dict[str, Any]:
    """The raw mapping of a preset (with its ``assumptions`` notes), validated first."""
    load_preset(name)
    data = read_document(_preset_text(name), "yaml", f"preset {name}")
    assert isinstance(data, dict)
    return data
