"""Reading the data files: every cell checked against its column, sources parsed, identifiers
unique.

:func:`load` raises :class:`~portal_tools.errors.InputError` listing every bad cell as
``FILE row N, column C`` (row numbers count the header as row 1, as a spreadsheet shows them).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from portal_tools.errors import InputError, Problem
from portal_tools.knowledge.schema import DATA_FILES, DATE_RE, UNIQUE, Column

KEY_RE = re.compile(r"[a-z][a-z0-9_]*(?:\d|_)[a-z0-9_]*")


def data_dir() -> Path:
    """The folder of the packaged data files."""
    return Path(str(resources.files("portal_tools") / "data"))


def parse_source(text: str) -> list[tuple[str, str]]:
    """Split a source cell into ``(bibkey, locator)`` pairs.

    Parts are separated by ``;``. A part whose first word looks like a bibtex key (lower case,
    containing a digit or an underscore, e.g. ``oxfordresearch2020``, ``sm_dsi``) starts a new
    citation; any other part is a further locator of the key before it. So
    ``"oxfordresearch2020 §1.3; §6.2; brookings2020"`` gives
    ``[("oxfordresearch2020", "§1.3"), ("oxfordresearch2020", "§6.2"), ("brookings2020", "")]``.
    Raises ``ValueError`` for an empty part or a first part that is not a key.
    """
    out: list[tuple[str, str]] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            raise ValueError("empty source part")
        first, _, rest = part.partition(" ")
        if KEY_RE.fullmatch(first):
            out.append((first, rest.strip()))
        elif out:
            out.append((out[-1][0], part))
        else:
            raise ValueError(f"{part!r} does not start with a bibtex key")
    return out


def _check_source(value: str) -> str | None:
    try:
        pairs = parse_source(value)
    except ValueError as exc:
        return str(exc)
    if not any(key == "oxfordresearch2020" for key, _ in pairs):
        return None
    from portal_tools.claims import parse_locator

    for key, locator in pairs:
        if key == "oxfordresearch2020" and not locator:
            return "a citation of the report must name its section, figure, box or table"
        if key == "oxfordresearch2020":
            try:
                parse_locator(locator)
            except ValueError as exc:
                return str(exc)
    return None


def _number(raw: str) -> float:
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError("not finite")
    return value


def _convert(col: Column, raw: str) -> tuple[Any, str | None]:
    """Convert one cell; return ``(value, error)`` where error says what is allowed."""
    kind = col.kind
    if kind == "text":
        if col.choices and raw not in col.choices:
            return raw, "one of " + ", ".join(repr(c) for c in col.choices)
        return raw, None
    if kind == "source":
        problem = _check_source(raw)
        return raw, (f"'bibkey locator' parts separated by ';' ({problem})" if problem else None)
    if kind == "date":
        if not DATE_RE.match(raw):
            return raw, "a date as YYYY, YYYY-MM or YYYY-MM-DD"
        try:
            year, *rest = (int(x) for x in raw.split("-"))
            date(year, rest[0] if rest else 1, rest[1] if len(rest) > 1 else 1)
        except ValueError:
            return raw, "a real calendar date as YYYY, YYYY-MM or YYYY-MM-DD"
        return raw, None
    try:
        if kind in ("int", "year"):
            if not re.fullmatch(r"-?\d+", raw):
                raise ValueError("not an integer")
            value: float = int(raw)
        else:
            value = _number(raw)
    except ValueError:
        what = {"int": "a whole number", "year": "a year such as 2018"}.get(kind, "a number")
        return raw, what
    lo, hi = col.ge, col.le
    if kind == "percent":
        lo, hi = 0.0, 100.0
    elif kind == "probability":
        lo, hi = 0.0, 1.0
    elif kind == "year":
        lo, hi = 1990.0, 2100.0
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        unit = {"percent": " (a percentage)", "probability": " (a p-value)"}.get(kind, "")
        return value, f"a value from {lo:g} to {hi:g}{unit}" if hi is not None else f">= {lo:g}"
    return value, None


def _survey_fact_value(unit: str, raw: str) -> tuple[Any, str | None]:
    if unit == "date":
        return _convert(Column("value", "date"), raw)
    if unit == "percent":
        return _convert(Column("value", "percent"), raw)
    if unit == "p-value":
        return _convert(Column("value", "probability"), raw)
    return _convert(Column("value", "int", ge=0), raw)


RowCheck = Callable[[dict[str, Any]], list[tuple[str, Any, str]]]


def _check_survey_fact(row: dict[str, Any]) -> list[tuple[str, Any, str]]:
    value, problem = _survey_fact_value(str(row["unit"]), str(row["value"]))
    if problem:
        return [("value", row["value"], f"{problem} (unit {row['unit']!r})")]
    row["value"] = value
    return []


ROW_CHECKS: dict[str, RowCheck] = {"survey_facts.csv": _check_survey_fact}


def load(name: str, directory: Path | None = None) -> pd.DataFrame:
    """Read and validate one data file; raise :class:`InputError` naming file, row and column.

    Checks: the header equals the schema's columns in order; every row has as many cells as the
    header; required cells are not empty; numbers are finite and within their limits
    (percentages 0-100, p-values 0-1); text values are among their allowed choices; every
    ``source`` starts with a bibtex key and a citation of the report names its section or figure;
    identifiers are unique. Empty optional cells become ``None`` (never NaN).
    """
    if name not in DATA_FILES:
        raise InputError.single("file", name, "one of " + ", ".join(sorted(DATA_FILES)))
    schema = DATA_FILES[name]
    path = (directory or data_dir()) / name
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    expected = [c.name for c in schema]
    if not rows or rows[0] != expected:
        got = rows[0] if rows else []
        raise InputError.single(f"{name} row 1 (header)", got, "the columns " + ", ".join(expected))
    problems: list[Problem] = []
    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(expected):
            problems.append(
                Problem(
                    f"{name} row {number}",
                    f"{len(cells)} cells",
                    f"{len(expected)} cells, one per column",
                )
            )
            continue
        record: dict[str, Any] = {}
        for col, cell in zip(schema, cells, strict=True):
            raw = cell.strip()
            where = f"{name} row {number}, column {col.name}"
            if not raw:
                if col.required:
                    problems.append(Problem(where, cell, "a value (this column is required)"))
                record[col.name] = None
                continue
            value, problem = _convert(col, raw)
            if problem:
                problems.append(Problem(where, raw, problem))
            record[col.name] = value
        check = ROW_CHECKS.get(name)
        if check and record.get("value") is not None:
            for column, value, allowed in check(record):
                problems.append(Problem(f"{name} row {number}, column {column}", value, allowed))
        key_col = UNIQUE.get(name)
        if key_col and record.get(key_col) is not None:
            key = str(record[key_col])
            if key in seen:
                problems.append(
                    Problem(
                        f"{name} row {number}, column {key_col}",
                        key,
                        f"a unique value (row {seen[key]} has it already)",
                    )
                )
            seen[key] = number
        records.append(record)
    if problems:
        raise InputError(problems)
    columns: dict[str, pd.Series] = {}
    for column in expected:
        values = [record[column] for record in records]
        # Keep empty optional cells as None (object column) rather than NaN.
        columns[column] = pd.Series(values, dtype=object if None in values else None)
    return pd.DataFrame(columns, columns=expected)


def load_all(directory: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every data file, validated (the first invalid file raises)."""
    return {name: load(name, directory) for name in DATA_FILES}


def survey_fact(key: str, directory: Path | None = None) -> Any:
    """One typed value of ``survey_facts.csv`` (int, float or ISO date string) by its key."""
    table = load("survey_facts.csv", directory)
    match = table.loc[table["key"] == key, "value"]
    if match.empty:
        raise InputError.single("survey_facts.csv key", key, "a key present in the file")
    return match.iloc[0]
