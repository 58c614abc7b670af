"""The static calculator view (issue 13): the inputs as labelled rows, the values in words, and the
page view that shows results without a form in the book build and the live form in a notebook."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Literal, get_args, get_origin

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from portal_tools.formatting import plain, plain_percent
from portal_tools.inputs import field_meta, strip_optional
from portal_tools.inputs.listing import input_rows
from portal_tools.notebook import SERVER_SESSION_VARIABLE
from portal_tools.registry import CATALOGUE, get
from portal_tools.scenario import load_preset, preset_data
from portal_tools.ui import CalculatorApp, StaticCalculator, calculator_view
from portal_tools.ui.static import inputs_html

# -- the formats -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0, "0"),
        (1500000, "1 500 000"),
        (1500000.5, "1 500 000.5"),
        (0.125, "0.125"),
        (1 / 12, "0.0833"),
        (2.0, "2"),
        (-0.00001, "0"),
        (-1234.5, "-1234.5"),  # four digits closed up (SI), like years
        (2000, "2000"),
        (12345.25, "12 345.25"),
        (1e20, "100 000 000 000 000 000 000"),
        (0.00005, "0.0001"),  # 5e-05 is a little above the half as a binary number
    ],
)
def test_plain(x: float, expected: str) -> None:
    assert plain(x) == expected


@pytest.mark.parametrize(
    ("share", "expected"),
    [(0.6, "60 %"), (0.035, "3.5 %"), (1 / 12, "8.33 %"), (0, "0 %"), (1, "100 %")],
)
def test_plain_percent(share: float, expected: str) -> None:
    assert plain_percent(share) == expected


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_plain_reads_back_to_four_decimals_without_an_exponent(x: float) -> None:
    text = plain(x)
    assert "e" not in text and "E" not in text
    assert re.fullmatch(r"-?(\d{1,4}|\d{2,3}( \d{3})+|\d( \d{3}){2,})(\.\d{1,4})?", text), text
    # the reference rounds the exact decimal value of the float, half to even
    expected = Decimal(x).quantize(Decimal("0.0001"))
    assert Decimal(text.replace(" ", "")) == expected or (expected == 0 and text == "0")


# -- the rows --------------------------------------------------------------------------------


def _walk(data: dict[str, Any], model: type[BaseModel], path: str = "") -> list[str]:
    """Reference: one path per field value, lists and mappings of sub-inputs opened per item."""
    out: list[str] = []
    for name in model.model_fields:
        where = f"{path}.{name}" if path else name
        bare, _ = strip_optional(field_meta(model, name).annotation)
        value = data[name]
        args = get_args(bare)
        last = args[-1] if args else None
        sub = last if isinstance(last, type) and issubclass(last, BaseModel) else None
        if isinstance(value, dict) and sub is not None and get_origin(bare) is dict and value:
            for key, item in value.items():
                out += _walk(item, sub, f"{where}.{key}")
            continue
        if isinstance(bare, type) and issubclass(bare, BaseModel) and value is not None:
            out += _walk(value, bare, where)
            continue
        if get_origin(bare) is list and sub is not None:
            for i, item in enumerate(value):
                out += _walk(item, sub, f"{where}[{i}]")
            if value:
                continue
        out.append(where)
    return out


@pytest.mark.parametrize("calculator", CATALOGUE, ids=lambda c: c.name)
def test_every_input_value_has_one_labelled_row(calculator: Any) -> None:
    inputs = calculator.parse(None)
    rows = input_rows(inputs)
    assert [r.path for r in rows] == _walk(inputs.model_dump(), calculator.inputs)
    for row in rows:
        assert row.label.endswith(row.field_label) and row.text
        assert not re.search(r"\bnan\b|\binf\b|\de[-+]\d", row.text.lower()), row.text


def test_rows_of_the_payment_default_in_words() -> None:
    rows = {r.path: r for r in input_rows(get("payment").parse(None))}
    price = rows["outcomes[1].price"]
    assert (price.label, price.text, price.unit) == (
        "Rate card 2 (Lasting job or education): Price",
        "80 000",
        "per achievement",
    )
    assert (price.group, price.item, price.assumption) == (
        "Rate card",
        "2",
        True,
    )
    assert rows["outcomes[1].rate"].text == "83.33 %"  # 100 of 120 started
    assert rows["outcomes[0].payment_profile"].text == "25 %; 40 %; 35 %"
    assert rows["delivery_costs"].text == "1 800 000; 1 800 000; 1 800 000"
    assert rows["periods_per_year"].text == "By year"
    assert rows["per_person_cap_basis"].text == "Cohort average (cap times cohort size)"
    assert rows["capital"].text == "not used"
    assert rows["total_cap"].text == "none"


def test_rows_of_the_risk_default_open_the_nested_scenario_and_mapping() -> None:
    rows = {r.path: r for r in input_rows(get("risk").parse(None))}
    assert rows["payment.cohort_size"].label == "Payment scenario: Cohort size"
    spread = rows["uncertainty.Lasting job or education.spread"]
    assert (spread.text, spread.group, spread.item) == (
        "9.5 %",
        "Uncertainty by outcome",
        "Lasting job or education",
    )
    assert rows["seed"].text == "2026"  # an identifier, no thousands separator
    assert rows["cohort_noise"].text == "yes"


def test_a_preset_note_is_attached_to_its_value() -> None:
    notes = preset_data("payment_aalborg_employment")["assumptions"]
    rows = {r.path: r for r in input_rows(load_preset("payment_aalborg_employment").inputs, notes)}
    assert rows["cohort_size"].note == " ".join(notes["cohort_size"].split())
    assert rows["outcomes[0].price"].note == " ".join(notes["outcomes[0].price"].split())
    assert rows["currency"].note == ""


def _literal_options(model: type[BaseModel]) -> list[tuple[str, str, Any]]:
    out = []
    for name in model.model_fields:
        meta = field_meta(model, name)
        bare, _ = strip_optional(meta.annotation)
        for candidate in (bare, *get_args(bare)):
            if get_origin(candidate) is Literal:
                out += [(model.__name__, name, o) for o in get_args(candidate)]
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                out += _literal_options(candidate)
    return out


@pytest.mark.parametrize("calculator", CATALOGUE, ids=lambda c: c.name)
def test_every_code_a_reader_can_meet_has_a_label(calculator: Any) -> None:
    missing = [
        f"{model}.{name}: {option!r}"
        for model, name, option in _literal_options(calculator.inputs)
        if str(option) not in (field_meta(_model(calculator.inputs, model), name).choices or {})
    ]
    assert not missing, missing


def _model(root: type[BaseModel], name: str) -> type[BaseModel]:
    if root.__name__ == name:
        return root
    for field_name in root.model_fields:
        bare, _ = strip_optional(field_meta(root, field_name).annotation)
        for candidate in (bare, *get_args(bare)):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                try:
                    return _model(candidate, name)
                except LookupError:
                    pass
    raise LookupError(name)


# -- the static view -------------------------------------------------------------------------

FORM_TAGS = re.compile(r"<(input|select|textarea|button)\b", re.I)


@pytest.mark.parametrize("calculator", CATALOGUE, ids=lambda c: c.name)
def test_static_view_shows_inputs_and_results_and_no_form(calculator: Any) -> None:
    view = StaticCalculator(calculator)
    text = view.html()
    assert not FORM_TAGS.search(text)
    assert "This is the default example" in text
    assert f"download='{calculator.name}-default-scenario.yaml'" in text
    for row in view.rows:
        assert row.field_label.replace("&", "&amp;").replace("'", "&#x27;") in text
    assert view.result.summary == calculator.run(None).summary
    assert "<caption>Summary</caption>" in text


def _table_of(text: str, caption: str) -> list[list[str]]:
    table = text[text.index(f"<caption>{caption}") :]
    table = table[: table.index("</table>")]
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr) for tr in table.split("<tr>")[1:]]


def test_a_list_of_many_fields_and_few_items_has_a_column_per_item() -> None:
    rows = input_rows(get("payment").parse(None))
    table = _table_of(inputs_html(rows), "Rate card")
    n_fields = len({r.field_label for r in rows if r.group == "Rate card"})
    assert len(table) == n_fields + 1  # header and one row per field
    assert table[0] == ["Input", "1 (Started job or education)", "2 (Lasting job or education)"]
    assert ["Price (per achievement) *", "15 000", "80 000"] in table
    assert ["Builds on", "none", "Started job or education"] in table


def test_a_list_of_many_items_has_a_row_per_item() -> None:
    rows = input_rows(get("transaction_costs").parse(None))
    group = [r for r in rows if r.group == "Cost items"]
    table = _table_of(inputs_html(rows), "Cost items")
    n_items = len({r.item for r in group})
    n_fields = len({r.field_label for r in group})
    assert n_items > n_fields and len(table) == n_items + 1
    assert all(len(r) == n_fields + 1 for r in table)
    assert table[1][:2] == ["1", "Needs analysis and business case"]


def test_notes_on_items_and_blocks_are_listed_under_the_tables() -> None:
    notes = preset_data("creaming_three_segments")["assumptions"]
    inputs = load_preset("creaming_three_segments").inputs
    text = inputs_html(input_rows(inputs, notes), notes)
    assert "Notes on the inputs" in text
    assert "<strong>Segments 1 (Easiest)</strong>" in text


def test_page_view_is_static_in_the_build_and_the_form_in_a_notebook(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(SERVER_SESSION_VARIABLE, raising=False)
    assert isinstance(calculator_view(get("present_value")), StaticCalculator)
    monkeypatch.setenv(SERVER_SESSION_VARIABLE, "tools/present-value.md")
    live = calculator_view(get("present_value"))
    assert isinstance(live, CalculatorApp)
    assert live.result is not None
    assert live.result.summary == StaticCalculator(get("present_value")).result.summary


def test_palette_charts_are_smaller_deterministic_and_keep_their_size() -> None:
    import io

    from PIL import Image

    from portal_tools.charts import PALETTE_COLOURS, png_bytes

    result = get("payment").run(None)
    figure = get("payment").charts(result)[0].figure
    full, reduced = png_bytes(figure), png_bytes(figure, palette=True)
    assert reduced == png_bytes(figure, palette=True)  # reproducible bytes
    assert len(reduced) < 0.6 * len(full)
    with Image.open(io.BytesIO(full)) as a, Image.open(io.BytesIO(reduced)) as b:
        assert a.size == b.size and b.mode == "P"
        assert len(b.getcolors(maxcolors=256) or []) <= PALETTE_COLOURS


@pytest.mark.parametrize("name", ["payment", "transaction_costs", "risk"])
def test_chart_pixels_are_those_matplotlib_saves(name: str) -> None:
    """png_bytes draws each figure once; its pixels are those of matplotlib's own savefig (which
    draws twice), for every chart of the default example."""
    import io

    import numpy as np
    from PIL import Image

    from portal_tools.charts import png_bytes

    calc = get(name)
    result = calc.run(None)
    for mine, theirs in zip(calc.charts(result), calc.charts(result), strict=True):
        saved = io.BytesIO()
        theirs.figure.savefig(saved, format="png")  # a figure of its own: no layout shared
        for quick in (False, True):
            with (
                Image.open(saved) as a,
                Image.open(io.BytesIO(png_bytes(mine.figure, quick=quick))) as b,
            ):
                assert a.size == b.size
                assert np.array_equal(np.asarray(a.convert("RGBA")), np.asarray(b.convert("RGBA")))
