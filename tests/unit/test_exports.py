"""Exports (issue 16 item 8, issue 17 item 10): every export parses back to the same values, and
names are data: a name that starts with = + - @ is never a formula in CSV or Excel."""

from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal_tools.registry import get
from portal_tools.results import Result, csv_text_value

from .fuzzing import check_exports, csv_sections

FORMULAS = ['=HYPERLINK("http://x","y")', "+45 1234", "-2+3", "@SUM(A1)", "'quoted", "=1+1"]


def _result(names: list[str]) -> Result:
    table = pd.DataFrame({"outcome": names, "paid": [float(i) for i in range(len(names))]})
    return Result("x", {"first": names[0], "n": len(names)}, {"outcomes": table})


def test_formula_like_names_are_text_in_csv() -> None:
    sections = csv_sections(_result(FORMULAS).to_csv())
    cells = [row[0] for row in sections["outcomes"][1:]]
    # Written with a leading apostrophe (the spreadsheet convention for text) ...
    assert cells == ["'" + name for name in FORMULAS]
    # ... and read back exactly by dropping one.
    assert [csv_text_value(c) for c in cells] == FORMULAS
    assert sections["summary"][1] == ["first", "'" + FORMULAS[0]]


def test_plain_numbers_and_number_lists_are_not_marked() -> None:
    result = Result("x", {"rates": [-5.0, 3.0], "neg": -2.5}, {})
    rows = csv_sections(result.to_csv())["summary"][1:]
    assert rows == [["rates", "-5.0, 3.0"], ["neg", "-2.5"]]


def test_formula_like_names_are_text_in_excel() -> None:
    book = openpyxl.load_workbook(io.BytesIO(_result(FORMULAS).to_xlsx()))
    cells = [row[0] for row in book["outcomes"].iter_rows(min_row=2)]
    assert [c.value for c in cells] == FORMULAS
    assert all(c.data_type == "s" for c in cells)
    raw = openpyxl.load_workbook(io.BytesIO(_result(FORMULAS).to_xlsx()), data_only=False)
    assert all(c.data_type != "f" for row in raw["summary"].iter_rows() for c in row)


@pytest.mark.parametrize(
    "text", ["a\rb", "a\n\nb", "# summary", 'q"t', "a,b", "", "  padded  ", "\u00e6\u00f8\u00e5"]
)
def test_awkward_text_parses_back_from_csv(text: str) -> None:
    # Names from inputs cannot hold control characters, but the CSV writer is safe anyway: a
    # carriage return or a blank line inside a text is quoted and stays part of it.
    result = Result("x", {"name": text}, {"t": pd.DataFrame({"a": [text], "b": [1.0]})})
    check_exports_csv_only(result)


def check_exports_csv_only(result: Result) -> None:
    sections = csv_sections(result.to_csv())
    assert sections["summary"][1][1].removeprefix("'") == result.summary["name"]
    assert sections["t"][1][0].removeprefix("'") == result.tables["t"]["a"][0]


def test_none_in_a_summary_is_empty_not_nan() -> None:
    result = Result("x", {"p": {"5": None, "50": 0.1}}, {})
    assert csv_sections(result.to_csv())["summary"][1:] == [["p.5", ""], ["p.50", "0.1"]]
    book = openpyxl.load_workbook(io.BytesIO(result.to_xlsx()))
    assert [c.value for c in book["summary"]["B"]][1:] == [None, 0.1]


def test_nan_in_a_mixed_table_column_is_refused() -> None:
    table = pd.DataFrame({"v": pd.Series([None, float("nan")], dtype=object)})
    with pytest.raises(ValueError, match="holds nan in column 'v'"):
        Result("x", {}, {"t": table})


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
@pytest.mark.parametrize(
    "extra",
    [{}, {"name": ["a", "b"]}, {"flag": [True, False]}, {"n": pd.array([1, 2], dtype="Int64")}],
    ids=["numbers only", "with text", "with booleans", "with nullable integers"],
)
def test_nan_or_infinity_in_a_number_column_is_refused(bad: float, extra: dict[str, Any]) -> None:
    # every other column is harmless; the float column holds the bad value
    table = pd.DataFrame({"year": [1, 2], "v": [1.0, bad], **extra})
    with pytest.raises(ValueError, match="table 't' holds NaN or infinity"):
        Result("x", {}, {"t": table})
    Result("x", {}, {"t": table.assign(v=[1.0, 2.0]).drop(columns=list(extra))})


@given(
    st.lists(
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8)
        | st.sampled_from(FORMULAS),
        min_size=1,
        max_size=5,
    ),
    st.lists(st.floats(-1e300, 1e300), min_size=5, max_size=5),
)
def test_any_names_and_numbers_round_trip(names: list[str], values: list[float]) -> None:
    table = pd.DataFrame({"name": names, "value": values[: len(names)]})
    check_exports(Result("x", {"names": names, "total": sum(values)}, {"t": table}))


@pytest.mark.parametrize("name", ["payment", "creaming", "transaction_costs", "effect_chain"])
def test_defaults_round_trip_with_formula_names(name: str) -> None:
    calc = get(name)
    data = calc.parse(None).model_dump()
    for key, rows in data.items():  # every row name of the defaults becomes formula-like
        if isinstance(rows, list) and rows and isinstance(rows[0], dict):
            renamed: dict[str, str] = {}
            for i, row in enumerate(rows):
                for field in ("name", "label"):
                    if field in row:
                        renamed[row[field]] = row[field] = f"=CMD({i})"
            for row in rows:  # a nested outcome names its parent by the new name too
                if row.get("requires") is not None:
                    row["requires"] = renamed[row["requires"]]
            data[key] = rows
    if name == "creaming":
        data.pop("segment_prices", None)
    result = calc.run(data)
    check_exports(result)
    assert "'=CMD(0)" in result.to_csv()
    assert json.loads(result.to_json())["calculator"] == name
