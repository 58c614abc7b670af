"""The published scenario-file schema, generated from the calculators' input models.

Nothing here is written by hand per calculator: :func:`schema_fields` walks an input model (and
the row models of its tables) and describes every field from its metadata, so a new calculator
appears on the schema page as soon as it is registered. Three views are offered:

- :func:`schema_fields` / :func:`schema_frame`: one row per field path, e.g.
  ``outcomes[i].price``, with label, what is allowed, unit, default, whether the default is an
  illustrative assumption, and the help text;
- :func:`schema_html`: the same as an accessible HTML table for the book;
- :func:`json_schema`: a JSON Schema (draft 2020-12) of a whole scenario file for the calculator,
  for editors and validators;
- :func:`example_scenario`: a complete scenario file with the calculator's defaults.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, get_origin

import pandas as pd
from pydantic import BaseModel

from portal_tools.calculator import AnyCalculator
from portal_tools.inputs import allowed_text, field_meta, item_type, model_of, strip_optional
from portal_tools.scenario import dump_scenario

__all__ = [
    "SchemaField",
    "example_scenario",
    "format_default",
    "json_schema",
    "schema_fields",
    "schema_frame",
    "schema_html",
]


@dataclass(frozen=True)
class SchemaField:
    """One field of a scenario's ``inputs``, described for readers."""

    path: str
    """Where the value goes under ``inputs``, e.g. ``outcomes[i].price`` (``i`` = row, from 0)."""
    label: str
    allowed: str
    unit: str
    default: str
    assumption: bool
    help: str
    depth: int
    """0 for a top-level field, 1 for a field of a table row, and so on."""


def format_default(value: Any, required: bool) -> str:
    """A default value in scenario-file notation: ``required``, ``empty`` (None), numbers
    without trailing ``.0``, lists in brackets, tables as a row count, named entries as their
    names, a mapping of values as ``{name: value, ...}`` and a nested entry as the defaults of
    its fields (listed below it). Never a Python ``repr``."""
    if required:
        return "required"
    if value is None:
        return "empty"
    if isinstance(value, BaseModel):
        return "as listed below"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, list):
        if value and all(isinstance(v, BaseModel | dict) for v in value):
            return f"{len(value)} row{'s' if len(value) != 1 else ''}"
        return "[" + ", ".join(format_default(v, False) for v in value) + "]"
    if isinstance(value, dict):
        if value and all(isinstance(v, BaseModel | dict) for v in value.values()):
            names = ", ".join(map(str, value))
            return f"{len(value)} entr{'ies' if len(value) != 1 else 'y'}: {names}"
        return "{" + ", ".join(f"{k}: {format_default(v, False)}" for k, v in value.items()) + "}"
    return str(value)


def schema_fields(model: type[BaseModel], prefix: str = "", depth: int = 0) -> list[SchemaField]:
    """Every field of ``model``, depth first: a table field (``list[Row]``) is followed by the
    fields of its row model under ``name[i].``, named entries (``dict[str, Entry]``) by the
    fields of an entry under ``name.<name>.``, a nested model by ``name.``."""
    rows: list[SchemaField] = []
    for name in model.model_fields:
        meta = field_meta(model, name)
        path = f"{prefix}{name}"
        allowed = allowed_text(replace(meta, unit=""))  # the unit has its own column
        row_model = model_of(item_type(meta.annotation))
        nested = model_of(meta.annotation)
        named = get_origin(strip_optional(meta.annotation)[0]) is dict
        if row_model is not None:
            allowed = (
                "named entries: each a name, then the fields below"
                if named
                else _table_text(meta.min_length, meta.max_length)
            )
        elif nested is not None:
            allowed = "an entry with the fields below"
        rows.append(
            SchemaField(
                path=path,
                label=meta.label,
                allowed=allowed,
                unit=meta.unit,
                default=format_default(meta.default, meta.required),
                assumption=meta.assumption,
                help=meta.help,
                depth=depth,
            )
        )
        if row_model is not None:
            below = f"{path}.<name>." if named else f"{path}[i]."
            rows += schema_fields(row_model, below, depth + 1)
        elif nested is not None:
            rows += schema_fields(nested, f"{path}.", depth + 1)
    return rows


def _table_text(n_min: int | None, n_max: int | None) -> str:
    if n_min is not None and n_max is not None:
        return f"a table (list) of {n_min} to {n_max} rows with the fields below"
    if n_min is not None:
        return f"a table (list) of at least {n_min} rows with the fields below"
    if n_max is not None:
        return f"a table (list) of at most {n_max} rows with the fields below"
    return "a table (list) of rows with the fields below"


def schema_frame(calculator: AnyCalculator) -> pd.DataFrame:
    """The schema of ``calculator``'s inputs as a table (one row per field path)."""
    fields = schema_fields(calculator.inputs)
    return pd.DataFrame(
        {
            "path": [f.path for f in fields],
            "label": [f.label for f in fields],
            "allowed": [f.allowed for f in fields],
            "unit": [f.unit for f in fields],
            "default": [f.default for f in fields],
            "assumption": [f.assumption for f in fields],
            "help": [f.help for f in fields],
        }
    )


def schema_html(calculator: AnyCalculator) -> str:
    """An HTML table of the schema in three columns (field, what is allowed with its unit and
    default, meaning), with a caption, column headers and the field paths as row headers.

    Row-model fields are indented under their table; a default that is an illustrative
    assumption is marked *(assumption)*.
    """
    esc = html.escape
    head = "".join(
        f"<th scope='col'>{h}</th>"
        for h in ("Field (under inputs)", "Allowed, unit and default", "Meaning")
    )
    body: list[str] = []
    for f in schema_fields(calculator.inputs):
        default = esc(f.default) + (" <em>(assumption)</em>" if f.assumption else "")
        unit = f"<br/>Unit: {esc(f.unit)}" if f.unit else ""
        pad = f"padding-left:{0.5 + 1.5 * f.depth}em;" if f.depth else ""
        body.append(
            f"<tr><th scope='row' style='{pad}text-align:left;font-weight:normal'>"
            f"<code>{esc(f.path)}</code><br/><strong>{esc(f.label)}</strong></th>"
            f"<td style='min-width:12em'>{esc(f.allowed)}{unit}<br/>Default: {default}</td>"
            f"<td style='min-width:14em'>{esc(f.help)}</td></tr>"
        )
    caption = f"Inputs of the calculator {calculator.name!r} ({calculator.title})"
    return (
        f"<div class='portal-table-wrap' role='region' aria-label='{esc(caption)}' tabindex='0'>"
        f"<table class='portal-table portal-schema'><caption>{esc(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def json_schema(calculator: AnyCalculator) -> dict[str, Any]:
    """JSON Schema of a whole scenario file for ``calculator`` (``inputs`` from the model)."""
    inputs = calculator.inputs.model_json_schema(mode="validation")
    defs = inputs.pop("$defs", {})
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Scenario file for the calculator {calculator.name!r}",
        "type": "object",
        "additionalProperties": False,
        "required": ["calculator"],
        "properties": {
            "calculator": {"const": calculator.name},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "assumptions": {
                "type": "object",
                "description": "Notes that label assumed numbers (free text, not read).",
            },
            "inputs": inputs,
        },
    }
    if defs:
        schema["$defs"] = defs
    return schema


def json_schema_text(calculator: AnyCalculator) -> str:
    """:func:`json_schema` as indented JSON text."""
    return json.dumps(json_schema(calculator), indent=2, ensure_ascii=False) + "\n"


def example_scenario(calculator: AnyCalculator, fmt: str = "yaml") -> str:
    """A complete scenario file holding ``calculator``'s default inputs."""
    return dump_scenario(
        calculator.name, calculator.parse(None), fmt, title=f"{calculator.title} (defaults)"
    )


def schema_paths(calculator: AnyCalculator) -> Sequence[str]:
    """Just the field paths (handy in tests and for completion)."""
    return [f.path for f in schema_fields(calculator.inputs)]
