"""The knowledge-base data: validation fails loudly, and the data equal the report's figures."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal_tools import knowledge
from portal_tools.errors import InputError
from portal_tools.knowledge import DATA_FILES, load, load_all, parse_source, survey_fact

ROOT = Path(__file__).resolve().parents[2]
BIB = ROOT / "book" / "references.bib"


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged data files."""
    for name in DATA_FILES:
        shutil.copy(knowledge.data_dir() / name, tmp_path / name)
    return tmp_path


def _replace_cell(directory: Path, name: str, row: int, column: str, value: str) -> None:
    """Set one cell (row counted as a spreadsheet shows it: header = row 1)."""
    import csv

    path = directory / name
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _only_problem(directory: Path, name: str) -> str:
    with pytest.raises(InputError) as info:
        load(name, directory)
    assert len(info.value.problems) == 1, info.value.problems
    return str(info.value.problems[0])


def test_every_packaged_file_is_valid() -> None:
    tables = load_all()
    assert set(tables) == set(DATA_FILES)
    for name, table in tables.items():
        assert len(table) > 0, name
        assert list(table.columns) == [c.name for c in DATA_FILES[name]]


# ---- corrupted rows fail with file, row and column ----------------------------------------


@pytest.mark.parametrize(
    ("name", "row", "column", "value", "fragment"),
    [
        ("survey_figures.csv", 3, "percent", "120", "from 0 to 100"),
        ("survey_figures.csv", 4, "percent", "-1", "from 0 to 100"),
        ("survey_figures.csv", 5, "percent", "lots", "a number"),
        ("survey_figures.csv", 6, "percent", "nan", "a number"),
        ("survey_figures.csv", 2, "source", "", "required"),
        ("survey_figures.csv", 2, "source", "Oxford Research 2020", "bibtex key"),
        ("survey_figures.csv", 2, "source", "oxfordresearch2020", "section, figure"),
        ("survey_figures.csv", 7, "group", "everyone", "one of"),
        ("survey_questions.csv", 5, "p_value", "1.5", "from 0 to 1"),
        ("survey_questions.csv", 4, "n", "11.5", "whole number"),
        ("survey_facts.csv", 5, "value", "136", "from 0 to 100"),
        ("survey_facts.csv", 15, "value", "2020-13-01", "calendar date"),
        ("danish_cases.csv", 2, "targeted_service_users", "0", ">= 1"),
        ("danish_cases.csv", 3, "start_year", "18", "from 1990 to 2100"),
        ("danish_cases.csv", 2, "stage_development", "Running", "one of"),
        ("municipal_funds.csv", 2, "amount_mdkk", "inf", "a number"),
        ("market_counts.csv", 3, "date", "January 2020", "YYYY-MM"),
        ("repayment_2020.csv", 2, "count", "-24", "from 0 to 1000"),
        ("dsi_timeline.csv", 2, "source", "; dsi_law2018", "empty source part"),
    ],
)
def test_corrupted_cell_names_file_row_and_column(
    data_copy: Path, name: str, row: int, column: str, value: str, fragment: str
) -> None:
    _replace_cell(data_copy, name, row, column, value)
    message = _only_problem(data_copy, name)
    assert message.startswith(f"{name} row {row}, column {column}:"), message
    assert fragment in message, message


def test_short_row_and_bad_header_and_duplicate_id(data_copy: Path) -> None:
    path = data_copy / "market_counts.csv"
    path.write_text(path.read_text(encoding="utf-8") + "2025-01,300\n", encoding="utf-8")
    assert _only_problem(data_copy, "market_counts.csv").startswith("market_counts.csv row 7:")

    text = (data_copy / "repayment_2020.csv").read_text(encoding="utf-8")
    (data_copy / "repayment_2020.csv").write_text(
        text.replace("count", "number", 1), encoding="utf-8"
    )
    assert "row 1 (header)" in _only_problem(data_copy, "repayment_2020.csv")

    _replace_cell(data_copy, "danish_cases.csv", 3, "id", "ballerup_autism_jobs")
    message = _only_problem(data_copy, "danish_cases.csv")
    assert message.startswith("danish_cases.csv row 3, column id:") and "row 2" in message


def test_every_problem_is_reported_not_only_the_first(data_copy: Path) -> None:
    _replace_cell(data_copy, "survey_figures.csv", 2, "percent", "101")
    _replace_cell(data_copy, "survey_figures.csv", 9, "source", "")
    with pytest.raises(InputError) as info:
        load("survey_figures.csv", data_copy)
    paths = [p.path for p in info.value.problems]
    assert paths == [
        "survey_figures.csv row 2, column percent",
        "survey_figures.csv row 9, column source",
    ]


def test_parse_source_inherits_key_for_extra_locators() -> None:
    assert parse_source("oxfordresearch2020 §1.3; §6.2; brookings2020") == [
        ("oxfordresearch2020", "§1.3"),
        ("oxfordresearch2020", "§6.2"),
        ("brookings2020", ""),
    ]
    with pytest.raises(ValueError, match="bibtex key"):
        parse_source("§6.2")


def test_every_source_key_is_in_the_bibliography() -> None:
    keys = set(re.findall(r"^@\w+\{([^,]+),", BIB.read_text(encoding="utf-8"), flags=re.M))
    for name, table in load_all().items():
        for cell in table["source"]:
            for key, _ in parse_source(cell):
                assert key in keys, f"{name}: {key} is not in book/references.bib"


# ---- the data equal the report (figures checked by hand against the Danish text) ----------

# (id, percent, where in oxfordresearch2020). Written by hand from the Danish report, not from
# the CSV file: a changed number in the data makes this test fail.
REPORT_PERCENTAGES = [
    ("interest_at_least_some", 75, "Executive summary: '75 pct.'; §3.2 'omkring 3 ud af 4'"),
    ("interest_very_high", 20, "Executive summary: '20 pct.'; §3.2 'en femtedel'"),
    ("knowledge_some", 38, "§3.1: 'i nogen grad' (38 pct.)"),
    ("action_none", 23, "§3.2.1 / Figure 3.3"),
    ("action_implementing", 14, "§3.2.1 / Figure 3.3"),
    ("action_sought_information", 51, "§3.2.1 / Figure 3.3"),
    ("action_discussed_management", 39, "§3.2.1 / Figure 3.3"),
    ("action_dialogue_partners", 35, "§3.2.1 / Figure 3.3"),
    ("interest_very_high_providers", 31, "§3.2.1 / Figure 3.4"),
    ("interest_very_high_investors", 11, "§3.2.1 / Figure 3.4"),
    ("interest_not_at_all_investors", 15, "§3.2.1 / Figure 3.4"),
    ("municipal_interest_very_high", 13, "§3.2.1 municipalities"),
    ("municipal_interest_high", 30, "§3.2.1 municipalities"),
    ("municipal_interest_some", 37, "§3.2.1 municipalities"),
    ("municipal_interest_not_at_all", 0, "§3.2.1 'ingen kommuner'"),
    ("municipal_dialogue_partners", 43, "§3.2.1 / Figure 3.5"),
    ("investors_poor_case_supply", 80, "§4.1.3 '8 ud af 10' / Figure 4.4"),
    ("investors_methods_dont_know", 15, "§4.1.3 / Figure 4.5"),
    ("investors_methods_not_at_all", 10, "§4.1.3 / Figure 4.5"),
    ("authorities_ready_small", 29, "§4.3 / Figure 4.7"),
    ("authorities_ready_not_at_all", 5, "§4.3 / Figure 4.7"),
    ("leadership_support", 69, "§4.3 footnote 19"),
    ("legal_clarity_low", 37, "§4.4.1 / Figure 4.8"),
    ("laws_appropriate_dont_know", 37, "§4.4.1 / Figure 4.8"),
    ("transaction_costs_too_high", 35, "§4.4.3"),
]

REPORT_N_AND_P = {  # figure: (N, p-value or None)
    "Figure 3.3": (112, None),
    "Figure 3.4": (131, 0.069),
    "Figure 3.5": (112, 0.7),
    "Figure 3.6": (112, None),
    "Figure 4.1": (107, None),
    "Figure 4.2": (114, 0.430),
    "Figure 4.3": (114, 0.616),
    "Figure 4.4": (113, 0.267),
    "Figure 4.5": (113, 0.187),
    "Figure 4.7": (114, 0.468),
    "Figure 4.8": (113, None),
}

REPORT_SURVEY_FACTS = {  # §6.3 unless noted
    "invited": 374,
    "responses": 135,
    "partial_responses": 23,
    "response_rate": 36,
    "responses_authorities": 45,
    "responses_providers": 60,
    "responses_investors": 30,
    "municipalities_responding": 31,
    "municipalities_total": 98,
    "municipal_response_rate": 32,
    "regional_respondents": 4,
    "interviews": 41,  # §6.2, §1.3
    "survey_open_from": "2020-04-17",
    "survey_open_to": "2020-05-11",
}


def test_survey_percentages_equal_the_report() -> None:
    figures = load("survey_figures.csv").set_index("id")["percent"].to_dict()
    assert set(figures) == {i for i, _, _ in REPORT_PERCENTAGES}, "a figure is not hand-checked"
    for figure_id, percent, where in REPORT_PERCENTAGES:
        assert figures[figure_id] == percent, (
            f"{figure_id}: data {figures[figure_id]}, report {percent} ({where})"
        )


def test_n_and_p_values_equal_the_report() -> None:
    questions = load("survey_questions.csv").set_index("figure")
    for figure, (n, p) in REPORT_N_AND_P.items():
        assert questions.loc[figure, "n"] == n, figure
        got = questions.loc[figure, "p_value"]
        assert (got is None and p is None) or got == pytest.approx(p), figure


def test_survey_facts_equal_the_report_and_add_up() -> None:
    for key, value in REPORT_SURVEY_FACTS.items():
        assert survey_fact(key) == value, key
    by_type = sum(
        survey_fact(k)
        for k in ("responses_authorities", "responses_providers", "responses_investors")
    )
    assert by_type == survey_fact("responses") == 135
    assert round(100 * 135 / 374) == survey_fact("response_rate")
    assert round(100 * 31 / 98) == survey_fact("municipal_response_rate")
    municipal = load("survey_figures.csv").set_index("id")["percent"]
    # §3.2.1: '4 ud af 5' municipalities interested = 13 + 30 + 37
    assert (
        municipal[
            ["municipal_interest_very_high", "municipal_interest_high", "municipal_interest_some"]
        ].sum()
        == 80
    )


def test_brookings_record_equals_the_report() -> None:
    record = load("repayment_2020.csv").set_index("outcome")["count"].to_dict()
    # §2.1: 24 with return, 1 without, 5 in part (30 in all), 2 not repaid, 10 unpublished,
    # 5 under evaluation, of 47 completed.
    assert record == {
        "Repaid with a return": 24,
        "Repaid without a return": 1,
        "Repaid in part": 5,
        "Not repaid": 2,
        "Results not published": 10,
        "Evaluation under way": 5,
    }
    assert sum(record.values()) == 47
    counts = load("market_counts.csv").set_index("date")["count"].to_dict()
    assert counts["2020-01-01"] == 176  # §2.1, also domain-facts §3.6
    assert counts == {
        "2019-01-01": 134,
        "2020-01-01": 176,
        "2022-01-01": 221,
        "2022-12": 269,
        "2024-04": 292,
    }  # domain-facts §3.6 [V]


def test_cases_and_funds_equal_the_report() -> None:
    cases = load("danish_cases.csv").set_index("id")
    assert cases.loc["ballerup_autism_jobs", "targeted_service_users"] == 10  # §2.2.1
    assert cases.loc["aalborg_vulnerable_jobs", "targeted_service_users"] == 120  # §2.2.1
    assert set(cases.loc[["ballerup_autism_jobs", "aalborg_vulnerable_jobs"], "start_year"]) == {
        2018
    }
    assert set(cases.loc[cases["model"] == "social impact bond"].index) == {
        "ballerup_autism_jobs",
        "aalborg_vulnerable_jobs",
    }  # 'to reelle sociale effektinvesteringer'
    funds = load("municipal_funds.csv").set_index("id")
    assert funds.loc["aarhus", "amount_mdkk"] == 40  # §2.2.3
    assert (funds.loc["ringsted", "amount_mdkk"], funds.loc["ringsted", "amount_basis"]) == (
        4,
        "per year",
    )
    assert (funds.loc["copenhagen", "amount_mdkk"], funds.loc["copenhagen", "year"]) == (500, 2015)
    assert funds.loc["hedensted", "amount_mdkk"] is None  # no amount in the report
    timeline = load("dsi_timeline.csv")
    amounts = dict(zip(timeline["event"], timeline["amount_mdkk"], strict=True))
    assert amounts["Start capital: development fund"] == 28  # domain-facts §2.2 [V]
    assert amounts["Start capital: investment fund"] == 50


def test_fmt_number() -> None:
    assert knowledge.fmt_number(1325) == "1325"
    assert knowledge.fmt_number(2018) == "2018"  # a year, never "2 018"
    assert knowledge.fmt_number(2018.0) == "2018"
    assert knowledge.fmt_number(9999) == "9999"
    assert knowledge.fmt_number(10_000) == "10 000"
    assert knowledge.fmt_number(-63_000) == "-63 000"
    assert knowledge.fmt_number(1_234_567) == "1 234 567"
    assert knowledge.fmt_number(40.0) == "40"
    assert knowledge.fmt_number(0.069) == "0.069"
    with pytest.raises(ValueError, match="cannot show"):
        knowledge.fmt_number(float("nan"))


def _grouped_by_hand(n: int) -> str:
    """Reference for whole numbers: peel off groups of three digits from the right with a loop,
    but only for numbers of five or more digits (the SI convention for four-digit numbers)."""
    digits = str(abs(n))
    if len(digits) > 4:
        groups: list[str] = []
        while digits:
            groups.insert(0, digits[-3:])
            digits = digits[:-3]
        digits = " ".join(groups)
    return ("-" if n < 0 else "") + digits


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_fmt_number_whole_numbers_match_hand_grouping(n: int) -> None:
    assert knowledge.fmt_number(n) == _grouped_by_hand(n)
    assert knowledge.fmt_number(float(n)) == _grouped_by_hand(n)


@given(st.integers(min_value=1990, max_value=2100))
def test_fmt_number_never_splits_a_year(year: int) -> None:
    assert knowledge.fmt_number(year) == str(year)


def test_every_file_is_described_and_schema_table_covers_all_columns() -> None:
    assert set(knowledge.DESCRIPTIONS) == set(DATA_FILES)
    table = knowledge.schema_table()
    assert len(table) == sum(len(s) for s in DATA_FILES.values())
    percent = table[(table["file"] == "survey_figures.csv") & (table["column"] == "percent")]
    assert percent["allowed"].tolist() == ["0-100"]


def test_text_table_html_has_caption_scoped_headers_and_dash_for_empty() -> None:
    from portal_tools.knowledge_charts import text_table_html

    table = load("municipal_funds.csv")[["municipality", "amount_mdkk"]]
    out = text_table_html(table, "Funds & pools")
    assert "<caption>Funds &amp; pools</caption>" in out
    assert "<th scope='col'>municipality</th>" in out
    assert "<td>\N{EN DASH}</td>" in out  # Hedensted has no amount
    assert "nan" not in out.lower() and "None" not in out


def test_charts_state_every_value_in_alt_text_and_table() -> None:
    from portal_tools.knowledge_charts import figure_html, market_growth_chart, survey_chart

    figures = load("survey_figures.csv")
    chart, table = survey_chart(figures, ["action_none", "action_implementing"], "Action")
    assert "23 %" in chart.alt and "14 %" in chart.alt
    assert table["Percent"].tolist() == [23, 14]
    with pytest.raises(KeyError, match="no_such_id"):
        survey_chart(figures, ["no_such_id"], "x")
    chart, table = market_growth_chart(load("market_counts.csv"))
    assert "April 2024: 292 (GO Lab)" in chart.alt
    html_out = figure_html(chart, table, "Growth")
    assert "alt='Bar chart of impact bonds" in html_out and "<details" in html_out


def test_fmt_date() -> None:
    assert knowledge.fmt_date("2020-04-17") == "17 April 2020"
    assert knowledge.fmt_date("2022-12") == "December 2022"
    assert knowledge.fmt_date("2018") == "2018"  # a source that gives only the year
    for bad in ("2022-13", "17/04/2020", "2021-02-30", "18", "2018-1"):
        with pytest.raises(ValueError):
            knowledge.fmt_date(bad)


def test_record_tables_html_one_table_per_row_without_empty_fields() -> None:
    from portal_tools.knowledge_charts import record_tables_html

    funds = load("municipal_funds.csv")[["municipality", "amount_mdkk", "amount_basis"]]
    out = record_tables_html(funds, "municipality", "Funds")
    assert out.count("<table") == len(funds) == 4
    assert "<caption>Hedensted Kommune</caption>" in out
    hedensted = out.split("<caption>Hedensted Kommune</caption>")[1].split("</table>")[0]
    assert "amount_mdkk" not in hedensted and "not stated" in hedensted
    assert "<td>40</td>" in out and "40.0" not in out
