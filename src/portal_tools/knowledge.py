"""Data behind the knowledge-base chapters: survey figures, Danish cases, funds and market counts.

The numbers live as CSV files in ``portal_tools/data`` (one row per fact, each with a ``source``
column naming a bibtex key and the section, figure or table it comes from). Every file has a
schema below; :func:`load` reads a file, checks every cell against its schema and raises
:class:`~portal_tools.errors.InputError` listing every bad cell as ``FILE row N, column C`` (row
numbers count the header as row 1, as a spreadsheet shows them). Charts and page text are drawn
from the validated tables only, so a page cannot state a number the data does not hold.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from portal_tools.errors import InputError, Problem

__all__ = [
    "DATA_FILES",
    "DESCRIPTIONS",
    "Column",
    "data_dir",
    "fmt_date",
    "fmt_number",
    "load",
    "load_all",
    "parse_source",
    "schema_table",
    "survey_fact",
]

Kind = str  # one of: text, int, number, percent, probability, year, date, source

KEY_RE = re.compile(r"[a-z][a-z0-9_]*(?:\d|_)[a-z0-9_]*")
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Column:
    """One column of a data file: its kind, whether a value is required, and its limits.

    ``kind`` is ``text``, ``int``, ``number``, ``percent`` (0-100), ``probability`` (0-1),
    ``year`` (1990-2100), ``date`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``: only as precise as
    the source is) or ``source`` (one or more
    ``bibkey locator`` parts separated by ``;``). ``choices`` restricts a text column.
    """

    name: str
    kind: Kind = "text"
    required: bool = True
    ge: float | None = None
    le: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""


def _src(
    help_: str = "bibtex key, then section/figure/table; several sources separated by ';'",
) -> Column:
    return Column("source", "source", help=help_)


# The schema of every data file. Column order is the file's column order.
DATA_FILES: dict[str, tuple[Column, ...]] = {
    "survey_figures.csv": (
        Column("id", help="stable identifier used by pages and tests"),
        Column(
            "topic",
            choices=(
                "interest",
                "knowledge",
                "action",
                "interest_by_actor",
                "municipalities",
                "barriers",
                "readiness",
                "legal",
                "transaction_costs",
            ),
        ),
        Column("group", choices=("all", "authorities", "municipalities", "providers", "investors")),
        Column("statement", help="what respondents were asked about, in English"),
        Column("answer", help="the answer category the percentage counts"),
        Column(
            "percent", "percent", help="share of respondents, 0-100, as the report's text states it"
        ),
        Column("stated_as", help="how the Danish text states the figure"),
        _src(),
    ),
    "survey_questions.csv": (
        Column("figure", help="the report's figure number"),
        Column("question"),
        Column(
            "n",
            "int",
            required=False,
            ge=1,
            help="respondents to the question, where the report gives it",
        ),
        Column("p_value", "probability", required=False, help="chi-square p-value, where given"),
        _src(),
    ),
    "survey_facts.csv": (
        Column("key"),
        Column("value", help="typed by the unit column"),
        Column(
            "unit",
            choices=(
                "actors",
                "responses",
                "municipalities",
                "interviews",
                "percent",
                "date",
                "p-value",
            ),
        ),
        Column("description"),
        _src(),
    ),
    "danish_cases.csv": (
        Column("id"),
        Column("name"),
        Column("name_da"),
        Column(
            "model",
            choices=(
                "social impact bond",
                "development partnership",
                "investment project",
                "programme in preparation",
            ),
        ),
        Column(
            "stage_development",
            choices=("Implementation", "Complete", "In development"),
            help="INDIGO values, plus 'In development' for projects not yet contracted",
        ),
        Column("jurisdiction", choices=("DK",), help="ISO 3166 alpha-2, as INDIGO"),
        Column("delivery_location"),
        Column(
            "policy_sector",
            choices=(
                "Employment and training",
                "Health",
                "Homelessness",
                "Child and family welfare",
                "Education",
            ),
        ),
        Column("target_population"),
        Column("targeted_service_users", "int", required=False, ge=1),
        Column("outcome_payer", required=False),
        Column("service_provider", required=False),
        Column("investors", required=False),
        Column("other_partners", required=False),
        Column("start_year", "year", required=False),
        Column("duration_years", "number", required=False, ge=0.5, le=30),
        Column("status_as_of", "date"),
        _src(),
    ),
    "municipal_funds.csv": (
        Column("id"),
        Column("municipality"),
        Column("instrument"),
        Column("year", "year", required=False),
        Column("year_meaning", required=False),
        Column("amount_mdkk", "number", required=False, ge=0, le=10_000),
        Column("amount_basis", choices=("total", "per year", "not stated")),
        Column("governance"),
        Column("status_as_of", "date"),
        _src(),
    ),
    "market_counts.csv": (
        Column("date", "date"),
        Column("count", "int", ge=0, le=100_000),
        Column("measure"),
        Column("publisher", choices=("Brookings", "GO Lab")),
        _src(),
    ),
    "repayment_2020.csv": (
        Column("outcome"),
        Column("count", "int", ge=0, le=1_000),
        Column("investor_repaid", choices=("yes", "partly", "no", "unknown")),
        _src(),
    ),
    "dsi_timeline.csv": (
        Column("date", "date"),
        Column("event"),
        Column("amount_mdkk", "number", required=False, ge=0, le=100_000),
        Column("count", "int", required=False, ge=0),
        _src(),
    ),
}


# What each file holds, for the "Sources and data" chapter.
DESCRIPTIONS: dict[str, str] = {
    "survey_figures.csv": "Percentages from the 2020 baseline survey that the report's text states",
    "survey_questions.csv": "The survey's questions with respondents (N) and p-values where given",
    "survey_facts.csv": "Method facts of the 2020 survey: invitations, responses, dates",
    "danish_cases.csv": "Danish programmes as of June 2020 (INDIGO field names where they overlap)",
    "municipal_funds.csv": "Municipal social investment funds and pools as of May 2020",
    "market_counts.csv": "Counts of impact bonds worldwide by date (Brookings, GO Lab)",
    "repayment_2020.csv": "Outcomes for investors in the 47 completed impact bonds, 1 January 2020",
    "dsi_timeline.csv": "Dated facts about Den Sociale Investeringsfond, 2018 onwards",
}


def schema_table() -> pd.DataFrame:
    """One row per column of every data file: file, column, kind, required, limits, meaning."""
    rows = []
    for name, schema in DATA_FILES.items():
        for col in schema:
            limits = ""
            if col.kind == "percent":
                limits = "0-100"
            elif col.kind == "probability":
                limits = "0-1"
            elif col.kind == "year":
                limits = "1990-2100"
            elif col.ge is not None or col.le is not None:
                lo = "" if col.ge is None else f"{col.ge:g}"
                hi = "" if col.le is None else f"{col.le:g}"
                limits = f"{lo}-{hi}" if hi else f">= {lo}"
            elif col.choices:
                limits = " | ".join(col.choices)
            rows.append(
                {
                    "file": name,
                    "column": col.name,
                    "kind": col.kind,
                    "required": "yes" if col.required else "no",
                    "allowed": limits,
                    "meaning": col.help,
                }
            )
    return pd.DataFrame(rows)


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
UNIQUE: dict[str, str] = {
    "survey_figures.csv": "id",
    "survey_questions.csv": "figure",
    "survey_facts.csv": "key",
    "danish_cases.csv": "id",
    "municipal_funds.csv": "id",
    "market_counts.csv": "date",
    "repayment_2020.csv": "outcome",
}


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


def fmt_number(value: float) -> str:
    """A number as page text shows it: whole numbers without decimals, others with their
    significant digits (``0.069``).

    Whole numbers of five or more digits get a space as the thousands separator (``63 000``);
    numbers of up to four digits get none (``1325``, and years such as ``2018``), following the SI
    convention of writing four-digit whole numbers closed up. So no year is printed as ``2 018``."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"cannot show {value!r} as a number")
    if number.is_integer():
        if abs(number) < 10_000:
            return f"{number:.0f}"
        return f"{number:,.0f}".replace(",", " ")
    return f"{number:g}"


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def fmt_date(iso: str) -> str:
    """An ISO date as page text shows it: ``2020-04-17`` gives ``17 April 2020``, ``2022-12``
    gives ``December 2022`` and ``2018`` gives ``2018``. Raises ``ValueError`` for anything
    else."""
    if not DATE_RE.match(iso):
        raise ValueError(f"{iso!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, *rest = (int(x) for x in iso.split("-"))
    month, day = [*rest, 1, 1][:2]
    date(year, month, day)  # raises for an impossible date
    if not rest:
        return str(year)
    text = f"{_MONTHS[month - 1]} {year}"
    return f"{day} {text}" if len(rest) == 2 else text
