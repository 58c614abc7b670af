"""The schema of every data file: its columns with their kinds and limits, what each file
holds, and each file's identifier column.

:data:`DATA_FILES` is the single source of the columns :func:`~portal_tools.knowledge.load`
checks and of :func:`schema_table`, the table the "Sources and data" chapter shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

Kind = str  # one of: text, int, number, percent, probability, year, date, source

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


UNIQUE: dict[str, str] = {
    "survey_figures.csv": "id",
    "survey_questions.csv": "figure",
    "survey_facts.csv": "key",
    "danish_cases.csv": "id",
    "municipal_funds.csv": "id",
    "market_counts.csv": "date",
    "repayment_2020.csv": "outcome",
}
