"""Scenario files: ``{calculator: NAME, inputs: {...}}`` in YAML or JSON.

Loading never raises anything but :class:`~portal_tools.errors.InputError`, whose problems name
the field path (e.g. ``inputs.outcomes[1].rate``), the value and what is allowed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from portal_tools.errors import InputError, Problem
from portal_tools.inputs import Inputs
from portal_tools.registry import Calculator, get

__all__ = [
    "Scenario",
    "dump_scenario",
    "list_presets",
    "load_preset",
    "load_scenario",
    "parse_scenario_text",
    "scenario_from_mapping",
]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: the calculator and its parsed inputs."""

    calculator: Calculator[Any]
    inputs: Inputs
    title: str = ""
    description: str = ""


def _prefixed(err: InputError, prefix: str) -> InputError:
    return InputError(
        Problem(
            f"{prefix}.{p.path}" if p.path != "(input)" else prefix, p.value, p.allowed, p.label
        )
        for p in err.problems
    )


def scenario_from_mapping(data: Any) -> Scenario:
    """Validate a loaded scenario document."""
    if not isinstance(data, Mapping):
        raise InputError.single("(file)", data, "a mapping with the keys 'calculator' and 'inputs'")
    unknown = sorted(set(data) - {"calculator", "inputs", "title", "description", "assumptions"})
    if unknown:
        raise InputError(
            Problem(
                k,
                data[k],
                "no such key; allowed: calculator, inputs, title, description, assumptions",
            )
            for k in unknown
        )
    if "calculator" not in data:
        raise InputError.single("calculator", None, "a calculator name is required")
    calculator = get(str(data["calculator"]))
    raw = data.get("inputs") or {}
    if not isinstance(raw, Mapping):
        raise InputError.single("inputs", raw, "a mapping of field names to values")
    try:
        inputs = calculator.parse(raw)
    except InputError as err:
        raise _prefixed(err, "inputs") from None
    return Scenario(
        calculator, inputs, str(data.get("title", "")), str(data.get("description", ""))
    )


def parse_scenario_text(text: str, source: str = "scenario") -> Scenario:
    """Parse YAML (a superset of JSON) text into a validated scenario."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError.single(
            "(file)", source, f"valid YAML or JSON; parse error{where}"
        ) from None
    return scenario_from_mapping(data)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (``.yaml``, ``.yml`` or ``.json``)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.single(
            "(file)", str(p), f"a readable UTF-8 text file ({exc.__class__.__name__})"
        ) from None
    return parse_scenario_text(text, str(p))


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


def load_preset(name: str) -> Scenario:
    """Load a shipped preset by name (see :func:`list_presets`)."""
    presets = list_presets()
    if name not in presets:
        raise InputError.single("preset", name, "one of " + ", ".join(map(repr, presets)))
    text = (resources.files("portal_tools") / "presets" / f"{name}.yaml").read_text("utf-8")
    return parse_scenario_text(text, f"preset {name}")


def preset_data(name: str) -> dict[str, Any]:
    """The raw mapping of a preset (with its ``assumptions`` notes), validated first."""
    load_preset(name)
    text = (resources.files("portal_tools") / "presets" / f"{name}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data
