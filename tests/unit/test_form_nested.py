"""Tables and sub-forms of the generic form: a table is one grid of header and row cells, a
nested model is a sub-form, a dict is a table of names and values, and every problem keeps the
full path of the box it comes from. No field of a shipped calculator falls back to YAML."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W
import pytest

from portal_tools.inputs import Inputs, field, field_meta
from portal_tools.registry import CATALOGUE, get
from portal_tools.ui.form import CalculatorApp, Control, DictControl, ListControl, ModelControl
from portal_tools.ui.form.build import YamlControl, build_control
from portal_tools.ui.form.nested import KEY, RowsControl


def shown(app: CalculatorApp) -> str:
    """The problem box as the reader sees it (HTML entities decoded)."""
    return html.unescape(app.problems.value)


def cells(table: RowsControl) -> list[W.Widget]:
    """The grid's cells, as laid out (header first, then row by row)."""
    return list(table.grid.children)


def expected_cells(table: RowsControl) -> list[W.Widget]:
    """The cells a grid should hold: its header, then each row's views and Remove button."""
    out = list(table._header)
    for controls, remove in zip(table._rows, table._removes, strict=True):
        out += [c.view for c in controls.values()] + [remove]
    return out


def test_a_table_is_one_grid_of_its_header_and_rows() -> None:
    app = CalculatorApp(get("payment"))
    card = app.controls["outcomes"]
    assert isinstance(card, ListControl) and isinstance(card.grid, W.GridBox)
    columns = len(card.model.model_fields) + 1  # every field, then the Remove buttons
    template = card.grid.layout.grid_template_columns.split()
    assert len(template) == columns == len(card._header)
    assert len(cells(card)) == columns * (1 + len(card._rows))
    assert cells(card) == expected_cells(card)
    # Row 2's price box sits in the price column, under the price header.
    price = list(card.model.model_fields).index("price")
    assert cells(card)[2 * columns + price] is card._rows[1]["price"].view
    assert "Price" in cells(card)[price].value
    # The grid is as wide as its box and scrolls sideways as one unit.
    assert card.widget.children[1] is card.grid
    assert card.grid.layout.overflow == "auto" and card.grid.layout.width == "100%"


def test_adding_and_removing_rows_keeps_the_grid_aligned_and_renumbers_paths() -> None:
    app = CalculatorApp(get("payment"))
    card = app.controls["outcomes"]
    assert isinstance(card, ListControl)
    columns = len(card.columns) + 1
    card._add.click()
    assert len(card._rows) == 3 and cells(card) == expected_cells(card)
    assert len(cells(card)) == 4 * columns
    last = card._rows[2]
    card._rows[1]["price"].widget.value = "abc"
    card._removes[0].click()
    assert len(cells(card)) == 3 * columns and cells(card) == expected_cells(card)
    assert card._rows[1] is last and cells(card)[2 * columns] is last["name"].view
    assert [c.path for c in last.values()] == [f"outcomes[1].{n}" for n in card.model.model_fields]
    assert "outcomes[0].price" in shown(app) and "outcomes[1].price" not in shown(app)


def test_a_column_header_shows_the_whole_label_and_the_help_as_tooltip() -> None:
    card = CalculatorApp(get("transaction_costs")).controls["cost_items"]
    assert isinstance(card, ListControl)
    meta = field_meta(card.model, "hourly_rate")
    header = card._header[list(card.model.model_fields).index("hourly_rate")]
    assert header.tooltip == f"Hourly rate ({meta.unit}): {meta.help}"
    assert f"title='{html.escape(header.tooltip)}'" in header.value
    assert "white-space:normal" in header.value  # wraps, never cut


def test_the_risk_payment_scenario_is_a_sub_form_with_full_paths() -> None:
    app = CalculatorApp(get("risk"))
    block = app.controls["payment"]
    assert isinstance(block, ModelControl) and not block.optional
    assert block.widget.children[0] is not block._on  # no check box: the block is required
    card = block.controls["outcomes"]
    assert isinstance(card, ListControl)
    card._rows[0]["price"].widget.value = "abc"
    assert "payment.outcomes[0].price" in shown(app) and app.stale
    card._rows[0]["price"].widget.value = "30.000"
    assert app.problems.value == "" and app.result is not None
    assert app.raw_inputs()[0]["payment"]["outcomes"][0]["price"] == 30_000
    capital = block.controls["capital"]
    assert isinstance(capital, ModelControl) and capital.optional
    capital._on.value = True
    capital.controls["capital_protection"].widget.value = "2"
    assert "payment.capital.capital_protection" in shown(app)


def test_the_risk_uncertainty_is_a_table_of_names_and_spreads() -> None:
    app = CalculatorApp(get("risk"))
    table = app.controls["uncertainty"]
    assert isinstance(table, DictControl)
    assert [r[KEY].read()[0] for r in table._rows] == [
        "Started job or education",
        "Lasting job or education",
    ]
    assert len(cells(table)) == 3 * 3  # header + 2 rows of name, spread, Remove
    first = table._rows[0]
    first["spread"].widget.value = "abc"
    assert "uncertainty.Started job or education.spread" in shown(app)
    first[KEY].widget.value = "Started"  # renaming the row moves its paths
    assert first["spread"].path == "uncertainty.Started.spread"
    assert "uncertainty.Started.spread" in shown(app)
    first["spread"].widget.value = "0,2"
    assert "uncertainty.Started" in shown(app) and "an outcome name of the rate card" in shown(app)
    first[KEY].widget.value = "Lasting job or education"  # the second row has it too
    assert "uncertainty[1]" in shown(app) and "a name no other row has" in shown(app)
    first[KEY].widget.value = ""
    assert "uncertainty[0]" in shown(app) and "a name for this row" in shown(app)
    table._removes[0].click()
    assert app.problems.value == "" and app.raw_inputs()[0]["uncertainty"] == {
        "Lasting job or education": {"spread": 0.095}
    }


def test_creaming_segment_prices_are_a_table_read_as_none_when_empty() -> None:
    app = CalculatorApp(get("creaming"))
    prices = app.controls["segment_prices"]
    assert isinstance(prices, DictControl)
    assert prices.read() == (None, []) and len(cells(prices)) == 3
    for name, price in [("Easiest", "80.000"), ("Middle", "150.000"), ("Hardest", "400.000")]:
        prices._add.click()
        prices._rows[-1][KEY].widget.value = name
        prices._rows[-1]["value"].widget.value = price
    assert "either a flat price or segment prices" in shown(app)
    app.controls["price"].widget.value = ""
    assert app.problems.value == "" and app.result is not None
    assert app.inputs.model_dump()["segment_prices"] == {
        "Easiest": 80_000,
        "Middle": 150_000,
        "Hardest": 400_000,
    }
    prices._rows[2]["value"].widget.value = "x"
    assert "segment_prices.Hardest" in shown(app)


def walk(control: Control) -> list[Control]:
    """``control`` and every control inside it."""
    inner: list[Control] = []
    if isinstance(control, ModelControl):
        inner = list(control.controls.values())
    elif isinstance(control, RowsControl):
        inner = [c for row in control._rows for c in row.values()]
    return [control] + [c for i in inner for c in walk(i)]


@pytest.mark.parametrize("calc", CATALOGUE, ids=[c.name for c in CATALOGUE])
def test_no_field_of_a_shipped_calculator_falls_back_to_yaml(calc: Any) -> None:
    app = CalculatorApp(calc)
    yaml_boxes = [
        c.path for top in app.controls.values() for c in walk(top) if isinstance(c, YamlControl)
    ]
    assert not yaml_boxes


class Odd(Inputs):
    """A field no sub-form can show (a dict of lists)."""

    table: dict[str, list[int]] = field(
        default_factory=lambda: {"a": [1, 2]}, label="Table", help="A dict of lists."
    )


def test_a_type_with_no_sub_form_falls_back_to_yaml() -> None:
    meta = field_meta(Odd, "table")
    control = build_control(meta, {"a": [1, 2]})
    assert isinstance(control, YamlControl)
    control.widget.value = "b: [3]"
    assert control.read() == ({"b": [3]}, [])
