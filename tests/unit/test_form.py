"""The generic form: controls from metadata, inline problems, recompute and scenario load."""

from __future__ import annotations

import pytest

from portal_tools.inputs import field_meta
from portal_tools.registry import get
from portal_tools.scenario import dump_scenario
from portal_tools.ui.form import CalculatorApp, ListControl, build_control, parse_amounts

from .test_inputs import Example


def test_parse_amounts() -> None:
    assert parse_amounts("1 000 000, 2_500; 3.5\n4", "x")[0] == [1e6, 2500, 3.5, 4]
    values, problems = parse_amounts("1, abc, 3", "costs", "Costs")
    assert values == [1, 3]
    assert problems[0].path == "costs[1]" and problems[0].value == "abc"


def test_app_shows_default_result_and_recomputes() -> None:
    app = CalculatorApp(get("present_value"))
    assert "Net present value" in app.output.value and "1 194 695 DKK" in app.output.value
    assert "<img" in app.output.value and "Download results as Excel" in app.output.value
    app.controls["costs"].widget.value = "100, 0"
    app.controls["savings"].widget.value = "0, 110"
    assert app.problems.value == ""
    assert app.result is not None and app.result.summary["total_costs"] == 100


def test_app_shows_problems_inline_and_keeps_last_result() -> None:
    app = CalculatorApp(get("present_value"))
    before = app.output.value
    app.controls["flat_rate"].widget.value = 5.0
    assert "flat_rate" in app.problems.value and "got 5.0" in app.problems.value
    assert "role='alert'" in app.problems.value
    assert app.output.value == before
    app.controls["flat_rate"].widget.value = 0.05
    assert app.problems.value == ""


def test_app_loads_scenario_text() -> None:
    app = CalculatorApp(get("present_value"))
    app.load_text(dump_scenario("present_value", {"costs": [5, 5, 5], "savings": [0, 0, 20]}))
    assert app.controls["costs"].widget.value == "5, 5, 5"
    assert app.result is not None and app.result.summary["years"] == 3
    app.load_text("calculator: present_value\ninputs: {costs: [1], savings: [1, 2]}\n")
    assert "inputs.savings" in app.problems.value


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
