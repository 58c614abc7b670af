"""Exports (issue 16 item 8, issue 17 item 10, issue 13): every export parses back to the same
values, names are data (a name that starts with = + - @ is never a formula in CSV or Excel), and
the spreadsheets are laid out for a reader: labelled Summary, Inputs (one row per value), each
table with readable headers and code labels, Notes; CSV files for Danish Excel in a zip."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal_tools.exports import csv_text_value
from portal_tools.registry import get
from portal_tools.results import Metric, Result
from portal_tools.ui.render import download_links

from .fuzzing import check_exports, danish_number, flat_summary, read_csv_zip

FORMULAS = ['=HYPERLINK("http://x","y")', "+45 1234", "-2+3", "@SUM(A1)", "'quoted", "=1+1"]


def _result(names: list[str]) -> Result:
    table = pd.DataFrame({"outcome": names, "paid": [float(i) for i in range(len(names))]})
    return Result("x", {"first": names[0], "n": len(names)}, {"outcomes": table})


def _book(result: Result) -> Any:
    return openpyxl.load_workbook(io.BytesIO(result.to_xlsx()))


def test_formula_like_names_are_text_in_csv() -> None:
    files = read_csv_zip(_result(FORMULAS).to_csv_zip())
    cells = [row[0] for row in files["outcomes"][1:]]
    # Written with a leading apostrophe (the spreadsheet convention for text) ...
    assert cells == ["'" + name for name in FORMULAS]
    # ... and read back exactly by dropping one.
    assert [csv_text_value(c) for c in cells] == FORMULAS
    assert files["summary"][1] == ["First", "", "'" + FORMULAS[0], "first"]


def test_numbers_are_never_marked_and_negative_numbers_stay_numbers() -> None:
    result = Result("x", {"rates": [-5.0, 3.0], "neg": -2.5}, {})
    rows = read_csv_zip(result.to_csv_zip())["summary"][1:]
    assert [row[2:] for row in rows] == [["-5,0", "rates[0]"], ["3,0", "rates[1]"], ["-2,5", "neg"]]
    assert [c.value for c in _book(result)["Summary"]["C"]][1:] == [-5.0, 3.0, -2.5]


def test_formula_like_names_are_text_in_excel() -> None:
    book = _book(_result(FORMULAS))
    cells = [row[0] for row in book["Outcomes"].iter_rows(min_row=2)]
    assert [c.value for c in cells] == FORMULAS
    assert all(c.data_type == "s" for c in cells)
    assert book["Summary"]["C2"].value == FORMULAS[0]
    assert all(c.data_type != "f" for ws in book for row in ws.iter_rows() for c in row)


@pytest.mark.parametrize(
    "text",
    ["a\rb", "a\n\nb", "# summary", 'q"t', "a;b", "a,b", "", "  padded  ", "\u00e6\u00f8\u00e5"],
)
def test_awkward_text_parses_back_from_csv(text: str) -> None:
    # Names from inputs cannot hold control characters, but the CSV writer is safe anyway: a
    # separator, a carriage return or a blank line inside a text is quoted and stays part of it.
    result = Result("x", {"name": text}, {"t": pd.DataFrame({"a": [text], "b": [1.0]})})
    files = read_csv_zip(result.to_csv_zip())
    assert csv_text_value(files["summary"][1][2]) == text
    assert csv_text_value(files["t"][1][0]) == text and files["t"][1][1] == "1,0"


def test_none_in_a_summary_is_empty_not_nan() -> None:
    result = Result("x", {"p": {"5": None, "50": 0.1}}, {})
    rows = read_csv_zip(result.to_csv_zip())["summary"][1:]
    assert rows == [["P", "5", "", "p.5"], ["P", "50", "0,1", "p.50"]]
    assert [c.value for c in _book(result)["Summary"]["C"]][1:] == [None, 0.1]


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
    files = read_csv_zip(result.to_csv_zip())
    assert any("'=CMD(0)" in row for rows in files.values() for row in rows)
    assert json.loads(result.to_json())["calculator"] == name


# ------------------------------------------------------------------ layout (issue 13)


@pytest.mark.parametrize("name", ["payment", "transaction_costs", "present_value", "risk"])
def test_every_number_reads_back_exactly(name: str) -> None:
    result = get(name).run()
    check_exports(result)  # summary, inputs and every table, CSV and Excel
    summary = flat_summary(result.summary)
    book = _book(result)
    read = {row[3]: row[2] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    numbers = {k: v for k, v in summary.items() if isinstance(v, int | float)}
    # a workbook's cell holds 16 significant digits (openpyxl writes '%.16g'); the CSV is exact
    assert numbers and all(read[k] == float(f"{v:.16g}") for k, v in numbers.items())
    files = read_csv_zip(result.to_csv_zip())
    written = {row[3]: row[2] for row in files["summary"][1:]}
    assert all(written[k] == danish_number(v) for k, v in numbers.items())


SUMMARY = {
    "npv": 1234567.5,
    "irr": 0.0875,
    "share": 0.5,
    "moic": 1.25,
    "payback": 4,
    "people": 17.85,
    "years": 10,
    "seed": 2026,
    "status": "defined",
    "plain": 0.12345,
    "big": 12345.0,
}
KINDS: dict[str, Any] = {
    "npv": "money",
    "irr": "rate",
    "share": "share",
    "moic": "ratio",
    "payback": "year",
    "people": "count",
    "years": "count",
    "seed": "text",
    "status": "text",
    "plain": "number",
    "big": "number",
}
FORMATS = {
    "npv": "#,##0",
    "irr": "0.0%",
    "share": "0.0%",
    "moic": '0.00"x"',
    "payback": '"year "0',
    "people": "#,##0.0",
    "years": "#,##0",
    "seed": "0",
    "status": "General",
    "plain": "0.0000",
    "big": "#,##0",
}


def test_summary_has_labels_and_number_formats_by_kind() -> None:
    metrics = {k: Metric(f"Label of {k}", kind) for k, kind in KINDS.items()}
    book = _book(Result("x", SUMMARY, metrics=metrics))
    sheet = book["Summary"]
    assert [c.value for c in sheet[1]] == ["Measure", "Item", "Value", "Key"]
    for row in sheet.iter_rows(min_row=2):
        label, _, value, key = row
        assert label.value == f"Label of {key.value}"
        assert value.value == SUMMARY[key.value]
        assert value.number_format == FORMATS[key.value], key.value


def test_summary_lists_and_mappings_are_one_row_per_entry() -> None:
    summary = {"effect_by_year": [1.0, -2.0], "years": [2, 3], "by": {"a": {"b": 1.5}}}
    metrics = {"effect_by_year": Metric("Effect", "money"), "years": Metric("Years", "year")}
    rows = list(_book(Result("x", summary, metrics=metrics))["Summary"].values)[1:]
    assert rows == [
        ("Effect", "year 1", 1.0, "effect_by_year[0]"),
        ("Effect", "year 2", -2.0, "effect_by_year[1]"),
        ("Years", "1", 2, "years[0]"),
        ("Years", "2", 3, "years[1]"),
        ("By", "a: b", 1.5, "by.a.b"),
    ]


def test_inputs_sheet_has_one_row_per_input_value() -> None:
    result = get("present_value").run()
    rows = result.input_rows()
    sheet = _book(result)["Inputs"]
    assert [c.value for c in sheet[1]] == [
        "Input",
        "Entry",
        "Value",
        "Unit",
        "Assumption",
        "Note",
        "Path",
    ]
    body = list(sheet.iter_rows(min_row=2))
    expected = sum(len(r.value) if isinstance(r.value, list) else 1 for r in rows)
    assert len(body) == expected
    costs = [r for r in body if r[0].value == "Costs per year"]
    assert [r[1].value for r in costs] == [f"year {i}" for i in range(1, 11)]
    assert [r[2].value for r in costs] == rows[0].value
    assert all(r[2].number_format == "#,##0" and r[3].value == "DKK per year" for r in costs)
    assert [r[6].value for r in costs][:2] == ["costs[0]", "costs[1]"]
    flat = next(r for r in body if r[0].value == "Flat rate")
    assert flat[2].value == 0.04 and flat[2].number_format == "0.0##%"
    assumed = {r.label: "yes" if r.assumption else "no" for r in rows}
    assert [r[4].value for r in body] == [assumed[r[0].value] for r in body]
    assert {"yes", "no"} <= set(assumed.values())
    rate = next(r for r in body if r[0].value == "Discount rate")
    assert rate[2].value == "Public rate (Finance Ministry)"  # the code's label, not 'public'


def test_tables_have_readable_headers_code_labels_and_formats() -> None:
    book = _book(get("transaction_costs").run())
    routes = book["Routes"]
    head = [c.value for c in routes[1]]
    assert head[:3] == ["Route", "Total", "Development and design"]
    assert "Extra over: Fee for service" in head and "Share of delivery cost" in head
    assert [c.value for c in routes["A"]][1:3] == [
        "Social impact bond",
        "Payment by results, no investor",
    ]
    row = {h: c for h, c in zip(head, routes[2], strict=True)}
    assert row["Total"].number_format == "#,##0" and row["Total"].value == 3152000
    assert row["Share of delivery cost"].number_format == "0.0%"
    assert row["Investor"].number_format == "#,##0"
    scaling = [c.value for c in book["Scaling"][1]]
    assert scaling[3] == "Share: Social impact bond"
    items = book["Items"]
    assert items["B2"].value == "Development and design" and items["C2"].value == "Commissioner"
    assert items["J2"].value.startswith("Social impact bond; Payment by results")
    yearly = _book(get("payment").run())["Yearly"]
    assert [c.value for c in yearly[1]][:2] == ["Year", "Delivery cost"]
    assert yearly["A2"].value == 1 and yearly["A2"].number_format == "0"
    assert [c.value for c in yearly[1]][7] == "PV outcome payments"


def test_sheets_have_a_frozen_bold_header_and_sized_columns() -> None:
    book = _book(get("transaction_costs").run())
    assert book.sheetnames == ["Summary", "Inputs", "Routes", "Items", "Scaling", "Notes"]
    for sheet in book:
        assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
        widths = [sheet.column_dimensions[c].width for c in "AB"]
        assert all(8 <= w <= 60 for w in widths), (sheet.title, widths)
    assert book["Inputs"].column_dimensions["A"].width > 40  # long input labels fit


def test_notes_name_the_calculator_version_and_assumptions_without_a_date() -> None:
    result = get("risk").run()
    rows = list(_book(result)["Notes"].values)
    assert rows[0] == ("Item", "Text")
    assert rows[1:4] == [
        ("Calculator", "risk"),
        ("Title", get("risk").title),
        ("Computed by", "portal_tools 0.1.0"),
    ]
    assert [t for k, t in rows if k == "Note"] == result.notes
    assumed = [t for k, t in rows if k == "Assumption"]
    assert len(assumed) == sum(r.assumption for r in result.input_rows()) > 0
    assert not any(re.search(r"20\d\d-\d\d-\d\d|\d\d:\d\d", str(t)) for _, t in rows)


def test_csv_zip_is_in_the_danish_excel_dialect() -> None:
    result = get("transaction_costs").run()
    data = result.to_csv_zip()
    assert data == get("transaction_costs").run().to_csv_zip()  # deterministic
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = ["summary", "inputs", "routes", "items", "scaling", "notes"]
    assert archive.namelist() == [f"{n}.csv" for n in names]
    assert {i.date_time for i in archive.infolist()} == {(2020, 1, 1, 0, 0, 0)}
    raw = archive.read("routes.csv")
    assert raw.startswith("\ufeffRoute;Total;Development and design;".encode())
    assert raw.count(b"\r\n") == len(result.tables["routes"]) + 1 and b"\n" not in raw.replace(
        b"\r\n", b""
    )
    first = raw.decode("utf-8-sig").split("\r\n")[1].split(";")
    assert first[:2] == ["Social impact bond", "3152000,0"] and first[9] == "0,3152"
    assert not any(re.fullmatch(r"\d{1,3}([. ]\d{3})+(,\d+)?", cell) for cell in first)


def test_download_links_offer_workbook_csv_zip_and_json() -> None:
    html = download_links(get("present_value").run(), "pv")
    found = re.findall(r"<a download='([^']+)' href='data:([^;]+);base64,[^']*'>([^<]+)</a>", html)
    assert found == [
        (
            "pv.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Download results as Excel workbook",
        ),
        ("pv-csv.zip", "application/zip", "Download results as CSV (zip, Danish Excel)"),
        ("pv.json", "application/json", "Download results as JSON"),
    ]
