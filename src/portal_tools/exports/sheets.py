"""The sheets of a result's spreadsheet exports (see :mod:`portal_tools.exports`): Summary, Inputs,
one per table and Notes, as cells with their number formats, shared by the Excel and CSV
writers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel

from portal_tools.errors import format_path, split_path
from portal_tools.exports.labels import (
    INPUT_SHARE_FORMAT,
    CodeLabels,
    code_labels,
    column_format,
    column_kind,
    header_text,
    is_number,
    kind_format,
    labelled_codes,
    plain_format,
    words,
)
from portal_tools.inputs.model import field_meta

if TYPE_CHECKING:
    import pandas as pd

    from portal_tools.results import Result

__all__ = [
    "Cell",
    "Sheet",
    "inputs_sheet",
    "notes_sheet",
    "plain_value",
    "result_sheets",
    "summary_sheet",
    "table_sheet",
]


@dataclass(frozen=True)
class Cell:
    """One cell: a value (text, number, boolean or ``None``) and the Excel number format that
    shows it (``None``: General)."""

    value: Any
    number_format: str | None = None


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook and one file of the CSV zip."""

    title: str
    """The Excel sheet name (at most 31 characters)."""
    stem: str
    """The CSV file name without ``.csv``."""
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def plain_value(value: Any) -> Any:
    """A numpy scalar as the Python value it holds."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _summary_entries(
    value: Any, key: str, item: str, labels: CodeLabels
) -> Iterator[tuple[str, str, Any]]:
    """``(item, key, value)`` for each scalar inside a summary value (see the module docstring)."""
    if isinstance(value, Mapping):
        for sub, inner in value.items():
            name = labels.code(str(sub)) or str(sub)
            yield from _summary_entries(inner, f"{key}.{sub}", f"{item}{name}: ", labels)
    elif isinstance(value, list | tuple):
        yearly = key.rsplit(".", 1)[-1].endswith("_by_year")
        for i, inner in enumerate(value):
            name = f"year {i + 1}" if yearly else str(i + 1)
            yield from _summary_entries(inner, f"{key}[{i}]", f"{item}{name}: ", labels)
    else:
        yield item.removesuffix(": "), key, value


def summary_sheet(result: Result, labels: CodeLabels) -> Sheet:
    """The *Summary* sheet (see the module docstring)."""
    rows: list[tuple[Cell, ...]] = []
    for key, value in result.summary.items():
        metric = result.metrics.get(key)
        label = metric.label if metric is not None else words(key)
        kind = metric.kind if metric is not None else "number"
        for item, where, scalar in _summary_entries(value, key, "", labels):
            shown = labels.code(scalar) if isinstance(scalar, str) else None
            cell = Cell(shown or scalar, kind_format(kind, scalar))
            rows.append((Cell(label), Cell(item or None), cell, Cell(where)))
    return Sheet("Summary", "summary", ("Measure", "Item", "Value", "Key"), tuple(rows))


def _input_value(value: Any, choices: Mapping[str, str] | None, share: bool) -> Cell:
    """One input value as a cell: a number with its format, a code as its label, a switch as
    yes/no."""
    value = plain_value(value)
    if isinstance(value, bool):
        return Cell("yes" if value else "no")
    if isinstance(value, str):
        return Cell((choices or {}).get(value, value))
    if isinstance(value, int | float):
        if share:
            return Cell(value, INPUT_SHARE_FORMAT)
        whole = isinstance(value, int) or float(value).is_integer()
        return Cell(value, "#,##0" if whole else "#,##0.00##")
    return Cell(None if value is None else str(value))


def inputs_sheet(result: Result, labels: CodeLabels) -> Sheet:
    """The *Inputs* sheet: one row per input value (see the module docstring)."""
    rows: list[tuple[Cell, ...]] = []
    identifiers = _identifier_fields(result.source)
    for row in result.input_rows():
        parts = split_path(row.path)
        name = str(parts[-1])
        choices = labels.by_field.get(name)
        entries: list[tuple[str | None, str, Cell]]
        if isinstance(row.value, list | tuple) and row.value:
            yearly = "per year" in row.unit
            entries = [
                (f"year {i + 1}" if yearly else str(i + 1), format_path([*parts, i]), cell)
                for i, cell in enumerate(_input_value(v, choices, row.share) for v in row.value)
            ]
        elif isinstance(row.value, Mapping) and row.value:
            entries = [
                (str(k), format_path([*parts, k]), _input_value(v, choices, row.share))
                for k, v in row.value.items()
            ]
        elif row.value is None or isinstance(row.value, list | tuple | Mapping):
            entries = [(None, row.path, Cell(row.text))]
        elif name in identifiers:
            entries = [(None, row.path, Cell(plain_value(row.value), "0"))]
        else:
            entries = [(None, row.path, _input_value(row.value, choices, row.share))]
        for entry, path, cell in entries:
            rows.append(
                (
                    Cell(row.label),
                    Cell(entry),
                    cell,
                    Cell(row.unit or None),
                    Cell("yes" if row.assumption else "no"),
                    Cell(row.note or None),
                    Cell(path),
                )
            )
    headers = ("Input", "Entry", "Value", "Unit", "Assumption", "Note", "Path")
    return Sheet("Inputs", "inputs", headers, tuple(rows))


def _identifier_fields(source: BaseModel | None) -> set[str]:
    """Names of the fields shown as identifiers (a seed): numbers without a separator."""
    if source is None:
        return set()
    cls = type(source)
    found = {n for n in cls.model_fields if field_meta(cls, n).widget == "identifier"}
    for name in cls.model_fields:
        inner = getattr(source, name)
        if isinstance(inner, BaseModel):
            found |= _identifier_fields(inner)
    return found


def table_sheet(
    name: str, table: pd.DataFrame, result: Result, labels: CodeLabels, title: str
) -> Sheet:
    """A table's sheet: readable headers, codes as labels, numbers formatted by column kind."""
    columns: list[list[Cell]] = []
    for column in table.columns:
        values = [plain_value(v) for v in table[column].tolist()]
        coded = labelled_codes(values, labels.field_choices(str(column)))
        if coded is not None:
            columns.append([Cell(v) for v in coded])
            continue
        kind = column_kind(str(column), values, result.metrics)
        if kind == "number":  # one format for the column, by its largest number
            numbers = [abs(float(v)) for v in values if is_number(v)]
            shown = plain_format(max(numbers, default=0.0))
            columns.append([Cell(v, shown if is_number(v) else None) for v in values])
        else:
            columns.append([Cell(v, column_format(kind, v)) for v in values])
    headers = tuple(header_text(str(c), labels) for c in table.columns)
    rows = tuple(zip(*columns, strict=True)) if columns else ()
    return Sheet(title, name, headers, rows)


def _version() -> str:
    try:
        return metadata.version("portal-tools")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"


def notes_sheet(result: Result) -> Sheet:
    """The *Notes* sheet: what computed the result, its notes and the assumptions among the
    inputs (no date: the file is the same whenever it is made)."""
    from portal_tools.registry import all_calculators

    calculator = all_calculators().get(result.calculator)
    rows: list[tuple[str, str]] = [
        ("Calculator", result.calculator),
        ("Title", calculator.title if calculator is not None else ""),
        ("Computed by", f"portal_tools {_version()}"),
        ("Numbers", "stored unrounded; the number formats only round what is shown"),
    ]
    rows += [("Note", note) for note in result.notes]
    for row in result.input_rows():
        if row.assumption:
            text = f"{row.label}: {row.text}" + (f" ({row.note})" if row.note else "")
            rows.append(("Assumption", text))
    cells = tuple((Cell(a), Cell(b)) for a, b in rows)
    return Sheet("Notes", "notes", ("Item", "Text"), cells)


def _unique(names: Iterable[str], taken: set[str], limit: int) -> list[str]:
    """``names`` cut to ``limit`` characters and made unique (case-insensitively) against
    ``taken`` and each other by a number suffix."""
    out: list[str] = []
    for name in names:
        base, candidate, n = name[:limit], name[:limit], 2
        while candidate.lower() in taken:
            suffix = f" {n}"
            candidate, n = base[: limit - len(suffix)] + suffix, n + 1
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def result_sheets(result: Result) -> list[Sheet]:
    """Every sheet of ``result``: Summary, Inputs, one per table, Notes."""
    labels = code_labels(result.source)
    names = list(result.tables)
    titles = _unique(
        (re.sub(r"[\[\]:*?/\\]", " ", words(n)) for n in names),
        {"summary", "inputs", "notes"},
        31,
    )
    stems = _unique(names, {"summary", "inputs", "notes"}, 100)
    tables = [
        table_sheet(stem, result.tables[name], result, labels, title)
        for name, title, stem in zip(names, titles, stems, strict=True)
    ]
    return [
        summary_sheet(result, labels),
        inputs_sheet(result, labels),
        *tables,
        notes_sheet(result),
    ]
