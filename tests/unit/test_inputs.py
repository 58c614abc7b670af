"""The input layer: every bad input names its field path, the value and what is allowed."""

from __future__ import annotations

from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal_tools.errors import InputError, Problem
from portal_tools.inputs import Inputs, allowed_text, field, field_meta, parse


class Row(Inputs):
    name: str = field("a", label="Name", help="Row name.")
    rate: float = field(0.5, label="Rate", help="A share.", unit="share", ge=0, le=1)


class Example(Inputs):
    count: int = field(3, label="Count", help="How many.", ge=1, le=10)
    mode: Literal["a", "b"] = field("a", label="Mode", help="Choice.")
    rows: list[Row] = field(label="Rows", help="Rows.", default_factory=lambda: [Row()])
    cap: float | None = field(None, label="Cap", help="Optional cap.", unit="DKK", ge=0)

    def cross_checks(self) -> list[Problem]:
        if self.count < len(self.rows):
            return [Problem("count", self.count, "at least the number of rows", "Count")]
        return []


def problems_of(data: dict[str, object]) -> list[Problem]:
    with pytest.raises(InputError) as err:
        parse(Example, data)
    return err.value.problems


def test_defaults_parse() -> None:
    assert parse(Example, None).count == 3


def test_range_error_names_field_value_and_range() -> None:
    (p,) = problems_of({"count": 11})
    assert (p.path, p.value, p.label) == ("count", 11, "Count")
    assert p.allowed == "a whole number from 1 to 10"
    assert str(p) == "count (Count): got 11; allowed: a whole number from 1 to 10"


def test_nested_error_path() -> None:
    (p,) = problems_of({"rows": [{"rate": 0.2}, {"rate": 1.5}]})
    assert p.path == "rows[1].rate"
    assert p.value == 1.5
    assert p.allowed == "a number from 0 to 1 (share)"


def test_all_problems_are_reported() -> None:
    problems = problems_of({"count": 0, "mode": "c", "cap": -1, "unknown": 2})
    paths = {p.path for p in problems}
    assert paths == {"count", "mode", "cap", "unknown"}
    mode = next(p for p in problems if p.path == "mode")
    assert mode.allowed == "one of 'a', 'b'"
    unknown = next(p for p in problems if p.path == "unknown")
    assert "count, mode, rows, cap" in unknown.allowed


def test_nan_and_infinity_are_refused() -> None:
    (p,) = problems_of({"rows": [{"rate": float("nan")}]})
    assert p.path == "rows[0].rate" and "finite" in p.allowed
    (p,) = problems_of({"cap": float("inf")})
    assert p.path == "cap"


def test_cross_checks_run_after_field_checks() -> None:
    (p,) = problems_of({"count": 1, "rows": [{}, {}]})
    assert p.path == "count" and p.allowed == "at least the number of rows"


def test_not_a_mapping() -> None:
    with pytest.raises(InputError) as err:
        parse(Example, [1, 2])  # type: ignore[arg-type]
    assert err.value.problems[0].path == "inputs"


def test_allowed_text_from_metadata() -> None:
    assert allowed_text(field_meta(Example, "cap")) == "a number of at least 0, or empty (none) (DKK)"
    assert field_meta(Example, "rows").default == [Row()]


@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not 0 <= x <= 1))
def test_any_out_of_range_rate_is_refused(rate: float) -> None:
    (p,) = problems_of({"rows": [{"rate": rate}]})
    assert p.path == "rows[0].rate" and p.value == rate
