"""The generic form: controls from metadata, inline problems, recompute and scenario load.

Number boxes are text boxes read by :mod:`portal_tools.ui.numbers` (Danish by default), so the
tests type text as a reader would.
"""

from __future__ import annotations

import dataclasses
import html

import ipywidgets as W
import pytest

from portal_tools.calculators import present_value
from portal_tools.inputs import field_meta
from portal_tools.registry import get
from portal_tools.results import Result
from portal_tools.scenario import dump_scenario
from portal_tools.ui.form import CalculatorApp, ListControl, build_control

from .test_inputs import Example


def shown(app: CalculatorApp) -> str:
    """The problem box as the reader sees it (HTML entities decoded)."""
    return html.unescape(app.problems.value)


def test_app_shows_default_result_and_recomputes() -> None:
    app = CalculatorApp(get("present_value"))
    assert "Net present value" in app.output.value and "1 194 695 DKK" in app.output.value
    assert "<img" in app.output.value and "Download results as Excel" in app.output.value
    app.controls["costs"].widget.value = "100; 0"
    app.controls["savings"].widget.value = "0; 110"
    assert app.problems.value == ""
    assert app.result is not None and app.result.summary["total_costs"] == 100
    assert not app.stale


def test_app_shows_problems_inline_and_marks_the_last_result_stale() -> None:
    app = CalculatorApp(get("present_value"))
    before = app.output.value
    app.controls["flat_rate"].widget.value = "5"
    assert "flat_rate" in app.problems.value and "got 5.0" in app.problems.value
    assert "role='alert'" in app.problems.value
    assert app.stale and before in app.output.value and "Out of date" in app.output.value
    app.controls["flat_rate"].widget.value = "0,05"
    assert app.problems.value == "" and not app.stale
    assert "Out of date" not in app.output.value


def test_a_danish_comma_list_is_an_inline_error_not_two_numbers() -> None:
    # "100, 0" in the Danish format: ',' is the decimal mark, so this is not one amount and
    # not silently two: the reader is told to separate amounts with ';'.
    app = CalculatorApp(get("present_value"))
    app.controls["costs"].widget.value = "100, 0"
    assert "costs[0]" in app.problems.value and "separate amounts with" in app.problems.value


def test_the_number_format_setting_decides_ambiguous_text() -> None:
    app = CalculatorApp(get("present_value"))
    costs = app.controls["costs"]
    costs.widget.value = "1.500; 2.000"
    app.controls["savings"].widget.value = "0; 4.000"
    assert app.result is not None and app.result.summary["total_costs"] == 3_500
    app.number_format.value = "en"  # the box is rewritten in the new format, value kept
    assert app.result.summary["total_costs"] == 3_500
    costs.widget.value = "1.5; 2"
    assert app.result.summary["total_costs"] == 3.5


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        # Arabic-Indic digits: refused, as in scenario files
        ("\u0661\u0662", "found '\u0661', '\u0662'"),
        ("1e-400", "too small to store"),  # never read as 0
        ("1e400", "too large to store"),
        ("12abc", "found 'a', 'b', 'c'"),
        ("nan", "found 'n', 'a'"),
    ],
)
def test_form_reads_numbers_by_the_scenario_rules(text: str, allowed: str) -> None:
    app = CalculatorApp(get("present_value"))
    app.controls["flat_rate"].widget.value = text
    assert "flat_rate" in shown(app) and f"got '{text}'" in shown(app) and allowed in shown(app)
    assert app.stale


def test_removing_a_row_keeps_the_other_rows_bad_text_and_renumbers_it() -> None:
    app = CalculatorApp(get("payment"))
    card = app.controls["outcomes"]
    assert isinstance(card, ListControl) and len(card._rows) == 2
    card._rows[1]["price"].widget.value = "abc"
    assert "outcomes[1].price" in app.problems.value
    card._removes[0].click()  # Remove the first row
    rows, problems = card.read()
    # One row is shown and read; its bad text is neither dropped nor zeroed, and is now row 0.
    columns = len(card.columns) + 1
    assert len(rows) == 1 and len(card.grid.children) == 2 * columns
    assert [p.path for p in problems] == ["outcomes[0].price"] and problems[0].value == "abc"
    assert "outcomes[0].price" in app.problems.value and app.stale


def test_a_failed_calculation_is_shown_inline_and_the_old_result_marked() -> None:
    calc = present_value.CALCULATOR

    def compute(inputs: present_value.PresentValueInputs) -> Result:
        if getattr(inputs, "flat_rate", 0) == 0.5:
            raise RuntimeError("boom\nerror: forged")
        return calc.compute(inputs)

    app = CalculatorApp(dataclasses.replace(calc, compute=compute))
    before = app.output.value
    app.controls["flat_rate"].widget.value = "0,5"
    assert "The calculation failed" in app.problems.value and "RuntimeError" in app.problems.value
    assert "boom\\nerror: forged" in app.problems.value  # escaped: one line, nothing forged
    assert app.stale and before in app.output.value
    app.controls["flat_rate"].widget.value = "0,04"
    assert app.problems.value == "" and not app.stale


def test_app_loads_scenario_text_and_files() -> None:
    app = CalculatorApp(get("present_value"))
    app.load_text(dump_scenario("present_value", {"costs": [5, 5, 5], "savings": [0, 0, 20]}))
    assert app.controls["costs"].widget.value == "5; 5; 5"
    assert app.result is not None and app.result.summary["years"] == 3
    app.load_text("calculator: present_value\ninputs: {costs: [1], savings: [1, 2]}\n")
    assert "inputs.savings" in app.problems.value and "was not loaded" in app.problems.value
    app.load_bytes(
        b'{"calculator": "present_value", "inputs": {"costs": [1e3], "savings": [0]}}', "s.json"
    )
    assert app.controls["costs"].widget.value == "1 000"
    app.load_bytes(b"\xff\xfe", "s.yaml")
    assert "UTF-8" in app.problems.value


def test_loading_the_same_file_twice_loads_it_twice() -> None:
    app = CalculatorApp(get("present_value"))
    text = dump_scenario("present_value", {"costs": [7], "savings": [9]}).encode()
    upload = {"name": "s.yaml", "content": text}
    app._on_upload({"new": (upload,)})
    assert app.controls["costs"].widget.value == "7"
    app.controls["costs"].widget.value = "8"
    app._on_upload({"new": (upload,)})
    assert app.controls["costs"].widget.value == "7"


def test_list_control_rows() -> None:
    meta = field_meta(Example, "rows")
    control = build_control(meta, [{"name": "x", "rate": 0.1}])
    assert isinstance(control, ListControl)
    calls: list[int] = []
    control.observe(lambda: calls.append(1))
    control._add.click()
    rows, problems = control.read()
    assert rows == [{"name": "x", "rate": 0.1}, {"name": "a", "rate": 0.5}]
    assert not problems and calls
    control.set([])
    assert control.read()[0] == []


@pytest.mark.parametrize("name", ["count", "mode", "cap"])
def test_controls_round_trip(name: str) -> None:
    meta = field_meta(Example, name)
    value = {"count": 4, "mode": "b", "cap": 12.5}[name]
    control = build_control(meta, meta.default)
    control.set(value)
    assert control.read() == (value, [])


def test_optional_block_is_a_sub_form_folded_with_its_group() -> None:
    """The payment calculator's capital block is a sub-form: off reads as no block, on reads
    each field (typed the Danish way), a bad value is named by its path inside the block, and
    the advanced inputs sit in closed sections of their own."""
    app = CalculatorApp(get("payment"))
    block = app.controls["capital"]
    assert app.raw_inputs()[0]["capital"] is None
    block._on.value = True  # type: ignore[attr-defined]
    block.controls["capital_protection"].widget.value = "0,6"  # type: ignore[attr-defined]
    block.controls["management_fee_rate"].widget.value = "0,05"  # type: ignore[attr-defined]
    assert app.raw_inputs()[0]["capital"]["capital_protection"] == 0.6
    # 5 % fee on 5 400 000 of costs: outlay 5 670 000; payments 5 880 000 exceed 60 % of it
    assert app.result is not None
    assert app.result.summary["management_fees"] == pytest.approx(270_000)
    assert app.result.summary["guarantor_payment"] == 0
    block.controls["capital_protection"].widget.value = "1,5"  # type: ignore[attr-defined]
    assert "capital.capital_protection" in app.problems.value
    block._on.value = False  # type: ignore[attr-defined]
    assert app.problems.value == "" and app.raw_inputs()[0]["capital"] is None
    folded = [w for w in app.widget.children[1:] if isinstance(w, W.Accordion)]
    assert len(folded) == 1 and folded[0].selected_index is None
    assert [folded[0].get_title(i) for i in range(2)] == [
        "Capital structure and caps per person",
        "Timing and indexation",
    ]


def test_drop_downs_show_labels_and_read_codes() -> None:
    from portal_tools.calculators.payment.inputs import PaymentInputs
    from portal_tools.calculators.transaction_costs.inputs import CostItem
    from portal_tools.inputs import field_meta
    from portal_tools.ui.form import build_control

    phase = build_control(field_meta(CostItem, "phase"), "operations")
    assert phase.widget.options[0] == ("Development and design", "development_design")
    assert phase.read() == ("operations", [])
    phase.widget.value = "contract_setup"
    assert phase.read() == ("contract_setup", [])
    periods = build_control(field_meta(PaymentInputs, "periods_per_year"), 4)
    assert [label for label, _ in periods.widget.options] == ["By year", "By quarter", "By month"]
    assert periods.read() == (4, [])
    routes = build_control(field_meta(CostItem, "routes"), ["sib"])
    assert ("Social impact bond", "sib") in routes.widget.options
    assert routes.read() == (["sib"], [])
