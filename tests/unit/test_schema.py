"""The generated scenario schema: every field of every calculator, nested rows included."""

from __future__ import annotations

import json

import pytest
import yaml

from portal_tools.calculator import Calculator
from portal_tools.calculators.payment import CALCULATOR as PAYMENT
from portal_tools.inputs import Inputs, field
from portal_tools.registry import all_calculators
from portal_tools.results import Result
from portal_tools.scenario import parse_scenario_text
from portal_tools.schema import (
    example_scenario,
    format_default,
    json_schema,
    schema_fields,
    schema_frame,
    schema_html,
    schema_paths,
)


class Leaf(Inputs):
    share: float = field(
        0.25, label="Share", help="A share.", unit="share", ge=0, le=1, assumption=True
    )


class Row(Inputs):
    name: str = field("r", label="Name", help="Row name.")
    leaf: Leaf = field(label="Leaf", help="A nested entry.", default_factory=Leaf)


class Model(Inputs):
    count: int = field(label="Count", help="Required count.", unit="people", ge=1)
    rows: list[Row] = field(
        label="Rows",
        help="Table.",
        min_length=1,
        max_length=4,
        default_factory=lambda: [Row(), Row()],
    )
    cap: float | None = field(None, label="Cap", help="Optional.", ge=0)


def test_nested_rows_and_entries_are_listed_depth_first() -> None:
    fields = schema_fields(Model)
    assert [(f.path, f.depth) for f in fields] == [
        ("count", 0),
        ("rows", 0),
        ("rows[i].name", 1),
        ("rows[i].leaf", 1),
        ("rows[i].leaf.share", 2),
        ("cap", 0),
    ]
    by_path = {f.path: f for f in fields}
    assert by_path["count"].default == "required"
    assert by_path["count"].allowed == "a whole number of at least 1"
    assert by_path["count"].unit == "people"
    assert by_path["rows"].allowed == "a table (list) of 1 to 4 rows with the fields below"
    assert by_path["rows"].default == "2 rows"
    assert by_path["rows[i].leaf.share"].assumption is True
    assert by_path["rows[i].leaf.share"].default == "0.25"
    assert by_path["cap"].allowed == "a number of at least 0, or empty (none)"
    assert by_path["cap"].default == "empty"


def test_format_default() -> None:
    assert format_default(None, True) == "required"
    assert format_default(None, False) == "empty"
    assert format_default(2.0, False) == "2"
    assert format_default([1.0, 0.5], False) == "[1, 0.5]"
    assert format_default(True, False) == "true"
    assert format_default([Leaf()], False) == "1 row"
    assert format_default(Leaf(), False) == "as listed below"
    assert format_default({"a": Leaf(), "b": Leaf()}, False) == "2 entries: a, b"
    assert format_default({"Easy": 80000.0, "Hard": 0.5}, False) == "{Easy: 80000, Hard: 0.5}"


class Named(Inputs):
    spreads: dict[str, Leaf] = field(
        label="Spreads", help="By name.", default_factory=lambda: {"Job": Leaf()}
    )
    prices: dict[str, float] | None = field(None, label="Prices", help="By name.")


def test_named_entries_are_listed_under_a_name_not_as_table_rows() -> None:
    by_path = {f.path: f for f in schema_fields(Named)}
    assert list(by_path) == ["spreads", "spreads.<name>.share", "prices"]
    assert by_path["spreads"].allowed == "named entries: each a name, then the fields below"
    assert by_path["spreads"].default == "1 entry: Job"
    assert by_path["spreads.<name>.share"].depth == 1


def test_no_shipped_default_is_shown_as_python() -> None:
    """Defaults on the schema page are scenario-file notation: no model ``repr`` such as
    ``SpreadInputs(spread=0.1)`` and no quoted dict keys."""
    for calc in all_calculators().values():
        for f in schema_fields(calc.inputs):
            assert "Inputs(" not in f.default and "'" not in f.default, (f.path, f.default)


def test_every_registered_calculator_has_a_schema_covering_all_its_fields() -> None:
    calculators = all_calculators()
    assert "payment" in calculators and "present_value" in calculators
    for calc in calculators.values():
        paths = schema_paths(calc)
        assert set(calc.inputs.model_fields) <= set(paths)
        assert len(schema_frame(calc)) == len(paths)
        html = schema_html(calc)
        assert html.count("<tr>") == len(paths) + 1
        # The example scenario is a valid scenario file of the calculator.
        scenario = parse_scenario_text(example_scenario(calc))
        assert scenario.calculator is calc
        assert scenario.inputs == calc.parse(None)
        assert json.loads(json.dumps(json_schema(calc)))["properties"]["calculator"] == {
            "const": calc.name
        }


def test_payment_schema_shows_rate_card_rows() -> None:
    paths = schema_paths(PAYMENT)
    for name in (
        "name",
        "price",
        "rate",
        "payment_year",
        "payment_profile",
        "cap",
        "threshold",
        "value",
    ):
        assert f"outcomes[i].{name}" in paths
    html = schema_html(PAYMENT)
    assert "<code>outcomes[i].threshold</code>" in html
    assert "(assumption)" in html
    assert "Trigger rate" in html


def test_html_escapes_text() -> None:
    class Odd(Inputs):
        x: int = field(1, label="<b>", help="a & b")

    calc = Calculator("odd", "Odd", "", Odd, lambda _i: Result("odd", {}))
    html = schema_html(calc)
    assert "&lt;b&gt;" in html and "a &amp; b" in html and "<b>" not in html


def test_json_schema_rejects_what_the_model_rejects() -> None:
    schema = json_schema(PAYMENT)
    inputs = schema["properties"]["inputs"]
    assert inputs["additionalProperties"] is False
    assert inputs["properties"]["years"]["maximum"] == 30
    doc = yaml.safe_load(example_scenario(PAYMENT))
    assert set(doc) <= set(schema["properties"])


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_example_scenario_formats(fmt: str) -> None:
    text = example_scenario(PAYMENT, fmt)
    assert parse_scenario_text(text).inputs == PAYMENT.parse(None)
