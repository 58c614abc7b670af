"""The transaction-cost calculator: worked examples by hand, properties, bad input, charts,
presets and the form."""

from __future__ import annotations

import io
import json
import re
import zipfile
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import openpyxl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from portal_tools.calculators import transaction_costs as tc
from portal_tools.errors import InputError
from portal_tools.registry import get
from portal_tools.scenario import load_preset, preset_data

from .helpers import all_finite, exports_parse_back

ROOT = Path(__file__).resolve().parents[2]
CALC = get("transaction_costs")


def run(data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The summary of a run."""
    return CALC.run(data).summary


def item(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "x",
        "phase": "operations",
        "side": "commissioner",
        "basis": "fixed",
        "amount": 0.0,
        "routes": ["sib"],
    }
    base.update(kw)
    return base


def problems(data: dict[str, Any]) -> dict[str, str]:
    """Path -> message of every problem ``data`` raises."""
    with pytest.raises(InputError) as info:
        CALC.run(data)
    return {p.path: str(p) for p in info.value.problems}


# --- worked examples, arithmetic by hand -------------------------------------------------


def test_default_example_by_hand() -> None:
    s = run()
    # SIB fixed part: 250 h x 550 = 137 500; 150 000 + 150 h x 550 = 232 500; 200 000;
    # 120 000; 120 h x 550 = 66 000; 40 000; 250 000; 200 000; 80 000;
    # 80 h x 550 x 4 years = 176 000; 100 000 x 4 years = 400 000; 250 000  -> 2 152 000.
    # SIB variable: 2 000 x 100 = 200 000; 3 % and 5 % of 10 000 000 = 300 000 + 500 000
    # -> 1 000 000 = 10 % of delivery. Total 3 152 000.
    assert s["fixed_by_route"]["sib"] == pytest.approx(2_152_000)
    assert s["variable_share_by_route"]["sib"] == pytest.approx(0.10)
    assert s["total_by_route"] == pytest.approx(
        {"sib": 3_152_000, "pbr": 2_172_000, "fee_for_service": 419_500, "in_house_fund": 996_000}
    )
    # Fee for service: 137 500 + 66 000 + 40 000 + 176 000 = 419 500.
    assert s["extra_over_fee_for_service_by_route"]["sib"] == pytest.approx(2_732_500)
    assert s["share_of_delivery_by_route"]["sib"] == pytest.approx(0.3152)
    assert s["per_participant_by_route"]["sib"] == pytest.approx(31_520)
    # Size at the threshold: 2 152 000 / (0.15 - 0.10) = 43 040 000 DKK, i.e. 430.4 participants.
    assert s["delivery_cost_at_threshold_by_route"]["sib"] == pytest.approx(43_040_000)
    assert s["participants_at_threshold_by_route"]["sib"] == pytest.approx(430.4)
    # PbR: fixed 1 472 000, variable 7 % -> 1 472 000 / 0.08 = 18 400 000.
    assert s["delivery_cost_at_threshold_by_route"]["pbr"] == pytest.approx(18_400_000)
    # In-house: fixed 137 500 + 232 500 + 176 000 + 250 000 = 796 000, variable 2 %.
    assert s["delivery_cost_at_threshold_by_route"]["in_house_fund"] == pytest.approx(
        796_000 / 0.13
    )
    assert s["by_phase_by_route"]["sib"] == pytest.approx(
        {"development_design": 690_000, "contract_setup": 636_000, "operations": 1_826_000}
    )
    assert s["by_side_by_route"]["sib"] == pytest.approx(
        {
            "commissioner": 1_312_000,
            "provider": 460_000,
            "investor": 580_000,
            "intermediary": 800_000,
        }
    )


SMALL = {
    "cohort_size": 50,
    "delivery_cost": 1_000_000,
    "years": 3,
    "threshold_share": 0.2,
    "routes": ["sib"],
}
"""A small programme for worked examples: 50 participants, 1 000 000 DKK, 3 years, 20 %."""


def test_each_basis_and_staff_time_by_hand() -> None:
    data = {
        **SMALL,
        "cost_items": [
            item(basis="fixed", amount=100_000),
            item(basis="per_year", hours=10, hourly_rate=500),  # 5 000 x 3 = 15 000
            item(basis="per_participant", amount=600, hours=1, hourly_rate=400),  # 1 000 x 50
            item(basis="share_of_delivery", amount=0.1),  # 100 000
        ],
    }
    s = run(data)
    assert s["total_by_route"]["sib"] == pytest.approx(265_000)
    assert s["fixed_by_route"]["sib"] == pytest.approx(115_000)
    assert s["variable_share_by_route"]["sib"] == pytest.approx(0.15)
    # 115 000 / (0.20 - 0.15) = 2 300 000 DKK; cohort 50 x 2.3 = 115.
    assert s["delivery_cost_at_threshold_by_route"]["sib"] == pytest.approx(2_300_000)
    assert s["participants_at_threshold_by_route"]["sib"] == pytest.approx(115)
    items = CALC.run(data).tables["items"]
    assert list(items["cash"]) == pytest.approx([100_000, 0, 30_000, 100_000])
    assert list(items["staff_time"]) == pytest.approx([0, 15_000, 20_000, 0])


def test_size_at_threshold_is_where_the_scaled_share_meets_the_threshold() -> None:
    base = {
        **SMALL,
        "cost_items": [
            item(amount=100_000),
            item(basis="per_participant", amount=1_000),
            item(basis="share_of_delivery", amount=0.1),
        ],
    }
    s = run(base)
    be = s["delivery_cost_at_threshold_by_route"]["sib"]
    cohort = s["participants_at_threshold_by_route"]["sib"]
    # Rerun the programme at the size at the threshold, cost per participant held constant.
    k = be / base["delivery_cost"]
    scaled = {**base, "delivery_cost": be, "cohort_size": round(cohort)}
    assert cohort == pytest.approx(50 * k)
    assert run(scaled)["share_of_delivery_by_route"]["sib"] == pytest.approx(0.2, abs=1e-3)


def test_never_and_zero_fixed_part() -> None:
    data = {
        "threshold_share": 0.1,
        "routes": ["sib", "pbr"],
        "cost_items": [
            item(basis="share_of_delivery", amount=0.1, routes=["sib"]),
            item(basis="share_of_delivery", amount=0.05, routes=["pbr"]),
        ],
    }
    s = run(data)
    assert s["delivery_cost_at_threshold_by_route"] == {"sib": None, "pbr": 0.0}
    assert s["participants_at_threshold_by_route"] == {"sib": None, "pbr": 0.0}
    assert s["threshold_status_by_route"] == {"sib": "never", "pbr": "already"}
    result = CALC.run(data)
    assert "never falls to 10.0 %" in result.notes[0]
    assert "already at or below 10.0 %" in result.notes[1]


def test_route_choice_filters_output_but_keeps_the_baseline() -> None:
    s = run({"routes": ["in_house_fund", "sib"]})
    assert list(s["total_by_route"]) == ["sib", "in_house_fund"]  # canonical order
    assert s["extra_over_fee_for_service_by_route"]["sib"] == pytest.approx(2_732_500)
    result = CALC.run({"routes": ["sib"]})
    assert list(result.tables["routes"]["route"]) == ["sib"]
    assert [c for c in result.tables["scaling"] if str(c).startswith("share_")] == ["share_sib"]


def test_plain_language_reading() -> None:
    notes = CALC.run().notes
    assert notes[0] == (
        "Social impact bond: transaction costs of 3 152 000 DKK, 31.5 % of the delivery cost, "
        "2 732 500 DKK more than a fee-for-service contract. It falls to 15.0 % from a delivery "
        "cost of 43 040 000 DKK (about 430 participants at the same cost per participant)."
    )
    assert notes[2].startswith("Fee for service: transaction costs of 419 500 DKK, 4.2 %")
    assert "more than a fee-for-service" not in notes[2]


def test_repeat_preset_costs_less_than_first() -> None:
    first = load_preset("transaction_costs_first_programme")
    repeat = load_preset("transaction_costs_repeat_programme")
    a = first.calculator.compute_valid(first.inputs).summary
    b = repeat.calculator.compute_valid(repeat.inputs).summary
    # Reuse cuts the SIB by 120 000 + 110 h x 550 + 150 000 + 80 000 + 190 000 + 140 000
    # + 50 000 + 40 000 x 4 + 1 000 x 100 + 150 000 = 1 200 500.
    assert a["total_by_route"]["sib"] - b["total_by_route"]["sib"] == pytest.approx(1_200_500)
    assert b["total_by_route"]["fee_for_service"] == a["total_by_route"]["fee_for_service"]


# --- properties ---------------------------------------------------------------------------

items_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.just("item"),
            "phase": st.sampled_from(tc.PHASES),
            "side": st.sampled_from(tc.SIDES),
            "basis": st.sampled_from(tc.BASES),
            "amount": st.floats(0, 1e6, allow_subnormal=False),
            "routes": st.lists(st.sampled_from(tc.ROUTES), min_size=1, max_size=4, unique=True),
        }
    ).map(
        lambda d: {
            **d,
            "amount": cast(float, d["amount"]) / 1e6
            if d["basis"] == "share_of_delivery"
            else d["amount"],
        }
    ),
    min_size=1,
    max_size=12,
)
programme = st.fixed_dictionaries(
    {
        "cohort_size": st.integers(1, 5_000),
        "delivery_cost": st.floats(1e4, 1e9),
        "years": st.integers(1, 30),
        "threshold_share": st.floats(0.01, 0.99),
    }
)


@given(items_strategy, programme)
def test_totals_equal_the_sum_of_items(items: list[dict[str, Any]], prog: dict[str, Any]) -> None:
    result = CALC.run({**prog, "cost_items": items})
    table = result.tables["items"]
    s = result.summary
    for route in tc.ROUTES:
        mask = table["routes"].str.split(", ").map(lambda rs, r=route: r in rs)
        expected = float(table.loc[mask, "total"].sum())
        assert s["total_by_route"][route] == pytest.approx(expected, rel=1e-9, abs=1e-6)
        assert sum(s["by_phase_by_route"][route].values()) == pytest.approx(
            expected, rel=1e-9, abs=1e-6
        )
        assert sum(s["by_side_by_route"][route].values()) == pytest.approx(
            expected, rel=1e-9, abs=1e-6
        )
    assert list(table["total"]) == pytest.approx(list(table["cash"] + table["staff_time"]))


@given(items_strategy, programme, st.floats(1.01, 50))
def test_share_falls_as_the_programme_grows(
    items: list[dict[str, Any]], prog: dict[str, Any], k: float
) -> None:
    small = run({**prog, "cost_items": items})
    bigger = {
        **prog,
        "cost_items": items,
        "delivery_cost": prog["delivery_cost"] * k,
        "cohort_size": prog["cohort_size"],
    }
    # Hold the cost per participant constant: scale per-participant amounts instead of the
    # (integer) cohort, which gives the same totals.
    bigger["cost_items"] = [
        {**i, "amount": i["amount"] * k} if i["basis"] == "per_participant" else i for i in items
    ]
    large = run(bigger)
    for route in tc.ROUTES:
        fixed = small["fixed_by_route"][route]
        a, b = (
            small["share_of_delivery_by_route"][route],
            large["share_of_delivery_by_route"][route],
        )
        if fixed > 1e-6:
            assert b < a
        else:
            assert b == pytest.approx(a, rel=1e-9, abs=1e-12)
        assert large["variable_share_by_route"][route] == pytest.approx(
            small["variable_share_by_route"][route], rel=1e-9, abs=1e-12
        )


def exact_size(
    items: list[dict[str, Any]], prog: dict[str, Any], route: str
) -> tuple[str, Fraction | None, Fraction | None]:
    """The size at the threshold in exact fractions of the numbers as written, written apart
    from the model: fixed part F and variable cost V from the items, D* = F D / (θ D - V) and
    F N / (θ D - V) participants; 'never' when θ D - V <= 0."""
    n, years = Fraction(prog["cohort_size"]), Fraction(prog["years"])
    d, theta = Fraction(str(prog["delivery_cost"])), Fraction(str(prog["threshold_share"]))
    fixed = variable = Fraction(0)
    for i in items:
        if route not in i["routes"]:
            continue
        amount = Fraction(str(i["amount"]))
        if i["basis"] == "share_of_delivery":
            variable += amount * d
            continue
        unit = amount
        if i.get("hours") is not None:
            unit += Fraction(str(i["hours"])) * Fraction(str(i["hourly_rate"]))
        if i["basis"] == "fixed":
            fixed += unit
        elif i["basis"] == "per_year":
            fixed += unit * years
        else:
            variable += unit * n
    gap = theta * d - variable
    if gap <= 0:
        return "never", None, None
    return "larger", fixed * d / gap, fixed * n / gap


def check_against_exact(
    s: dict[str, Any], items: list[dict[str, Any]], prog: dict[str, Any]
) -> None:
    for route in s["threshold_status_by_route"]:
        status, size, people = exact_size(items, prog, route)
        got = s["delivery_cost_at_threshold_by_route"][route]
        if status == "never":
            assert s["threshold_status_by_route"][route] == "never"
            assert got is None
            continue
        assert size is not None and people is not None
        if size > tc.MAX_THRESHOLD_DELIVERY_COST or people > tc.MAX_THRESHOLD_PARTICIPANTS:
            assert s["threshold_status_by_route"][route] == "beyond_limit"
            assert got is None
            continue
        expected = "already" if size <= Fraction(str(prog["delivery_cost"])) else "larger"
        assert s["threshold_status_by_route"][route] == expected
        assert got == pytest.approx(float(size), rel=1e-15)
        assert s["participants_at_threshold_by_route"][route] == pytest.approx(
            float(people), rel=1e-15
        )


@given(items_strategy, programme)
def test_size_at_threshold_matches_exact_fractions(
    items: list[dict[str, Any]], prog: dict[str, Any]
) -> None:
    s = run({**prog, "cost_items": items})
    check_against_exact(s, items, prog)
    for route in tc.ROUTES:
        got = s["delivery_cost_at_threshold_by_route"][route]
        if got:
            v = s["variable_share_by_route"][route]
            share = tc.share_at_size(got, s["fixed_by_route"][route], v)
            assert share == pytest.approx(prog["threshold_share"], rel=1e-9)


@given(
    st.lists(st.integers(1, 60), min_size=1, max_size=8),
    st.integers(0, 3),
    st.integers(1, 2_000),
    st.floats(1e3, 1e9),
)
def test_a_threshold_met_exactly_by_the_items_as_written_is_never(
    thousandths: list[int], extra: int, cohort: int, fixed: float
) -> None:
    # Share items of k / 1000 each against a threshold of their sum (+ extra / 1000): with no
    # extra the variable share equals the threshold in the inputs, so the share never falls to
    # it; with an extra e / 1000 the size is F / (e / 1000), checked in exact fractions.
    if sum(thousandths) + extra >= 1000:
        return
    items = [item(amount=fixed)] + [
        item(basis="share_of_delivery", amount=float(f"{k / 1000}")) for k in thousandths
    ]
    prog = {
        "cohort_size": cohort,
        "delivery_cost": 1e6,
        "years": 1,
        "threshold_share": float(f"{(sum(thousandths) + extra) / 1000}"),
    }
    s = run({**prog, "routes": ["sib"], "cost_items": items})
    if extra == 0:
        assert s["threshold_status_by_route"] == {"sib": "never"}
    check_against_exact(s, items, prog)


SEVEN = {
    "cohort_size": 100,
    "delivery_cost": 10_000_000,
    "threshold_share": 0.07,
    "routes": ["sib"],
}
"""100 participants, 10 000 000 DKK of delivery, a threshold of 7 %, the SIB route only."""


def test_a_variable_share_equal_to_the_threshold_is_never() -> None:
    # Issue 17 item 8. Share items of 1 % and 6 % against a threshold of 7 %: by hand
    # v = 0.01 + 0.06 = 0.07 = θ, so s(D') = 100 000 / D' + 0.07 stays above 7 % at every size.
    # In floats 0.01 + 0.06 = 0.06999999999999999, and 100 000 / (0.07 - v) gave a "break-even"
    # of 7.2e21 DKK (72 057 594 037 927 936 participants).
    data = {
        **SEVEN,
        "cost_items": [
            item(amount=100_000),
            item(basis="share_of_delivery", amount=0.01),
            item(basis="share_of_delivery", amount=0.06),
        ],
    }
    result = CALC.run(data)
    s = result.summary
    assert s["threshold_status_by_route"] == {"sib": "never"}
    assert s["delivery_cost_at_threshold_by_route"] == {"sib": None}
    assert "never falls to 7.0 %" in result.notes[0]
    # Per-participant items reach it the same way: 700 DKK x 100 / 1 000 000 = 7 %.
    per_head = {
        **data,
        "delivery_cost": 1_000_000,
        "cost_items": [item(amount=100_000), item(basis="per_participant", amount=700)],
    }
    assert run(per_head)["threshold_status_by_route"] == {"sib": "never"}


def test_the_reviews_example_of_a_rounding_residue_is_never() -> None:
    # Issue 17 item 8, the review's numbers: a fixed 25 000, share items of 1 % and 6 % against a
    # threshold of 7 %, 100 participants and 10 000 000 DKK of delivery. By hand v = 0.07 = θ:
    # never. In floats θ - v = 0.07 - 0.06999999999999999 = 2**-56, and 25 000 * 2**56 gave
    # "1.8e21 DKK" and 1.8e21 * 100 / 1e7 = 2**54 = "18 014 398 509 481 984 participants".
    data = {
        **SEVEN,
        "cost_items": [
            item(amount=25_000),
            item(basis="share_of_delivery", amount=0.01),
            item(basis="share_of_delivery", amount=0.06),
        ],
    }
    assert 0.07 - (0.01 + 0.06) == 2.0**-56  # the residue the old arithmetic divided by
    result = CALC.run(data)
    s = result.summary
    assert s["threshold_status_by_route"] == {"sib": "never"}
    assert s["delivery_cost_at_threshold_by_route"] == {"sib": None}
    assert s["participants_at_threshold_by_route"] == {"sib": None}
    assert "18 014 398" not in " ".join(result.notes)
    exports_parse_back(result)


def test_sizes_beyond_any_programme_are_not_given_as_numbers() -> None:
    # Fixed 100 000, variable 6.99999999999 % against 7 %: θ - v = 1e-13, so by hand
    # D* = 100 000 / 1e-13 = 1e18 DKK, above the limit of 1e15: reported as beyond_limit.
    # At 6.9999999 % (θ - v = 1e-9) D* = 1e14 DKK and 1e14 x 100 / 1e7 = 1e9 participants:
    # within the limits, so the number is given.
    base = SEVEN
    share = "share_of_delivery"
    far = {**base, "cost_items": [item(amount=1e5), item(basis=share, amount=0.0699999999999)]}
    result = CALC.run(far)
    assert result.summary["threshold_status_by_route"] == {"sib": "beyond_limit"}
    assert result.summary["delivery_cost_at_threshold_by_route"] == {"sib": None}
    assert "in practice, never" in result.notes[0]
    near = {**base, "cost_items": [item(amount=1e5), item(basis=share, amount=0.069999999)]}
    s = run(near)
    assert s["threshold_status_by_route"] == {"sib": "larger"}
    assert s["delivery_cost_at_threshold_by_route"]["sib"] == pytest.approx(1e14, rel=1e-12)
    assert s["participants_at_threshold_by_route"]["sib"] == pytest.approx(1e9, rel=1e-12)


def test_tiny_values_give_an_input_error_or_a_finite_result() -> None:
    # Issue 16 item 2: delivery_cost 1e-300 divided costs into infinite shares (a traceback);
    # the delivery cost is now at least 1 DKK. A threshold of 5e-324 gave an infinite
    # break-even and "inf %"; its size now lies beyond the limit (fee for service: fixed
    # 419 500, no variable part: D* = 419 500 / 5e-324 DKK).
    found = problems({"delivery_cost": 1e-300})
    assert list(found) == ["delivery_cost"]
    assert "from 1 to" in found["delivery_cost"]
    result = CALC.run({"threshold_share": 5e-324})
    assert result.summary["threshold_status_by_route"]["fee_for_service"] == "beyond_limit"
    assert result.summary["threshold_status_by_route"]["sib"] == "never"
    assert all_finite(result.to_dict())
    assert not any("inf" in note for note in result.notes)
    exports_parse_back(result)


tiny_or_any = st.one_of(st.just(5e-324), st.floats(5e-324, 0.999999, allow_subnormal=True))
routes_strategy = st.lists(st.sampled_from(tc.ROUTES), min_size=1, max_size=4, unique=True)
extreme_items = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.just("item"),
            "phase": st.sampled_from(tc.PHASES),
            "side": st.sampled_from(tc.SIDES),
            "basis": st.sampled_from(["fixed", "per_year", "per_participant"]),
            "amount": st.one_of(st.just(0.0), st.just(1e10), st.floats(0, 1e10)),
            "routes": routes_strategy,
        },
        optional={"hours": st.floats(0, 1e6), "hourly_rate": st.floats(0, 1e5)},
    ).filter(lambda d: ("hours" in d) == ("hourly_rate" in d))
    | st.fixed_dictionaries(
        {
            "name": st.just("share"),
            "phase": st.sampled_from(tc.PHASES),
            "side": st.sampled_from(tc.SIDES),
            "basis": st.just("share_of_delivery"),
            "amount": st.one_of(st.just(0.0), st.just(1.0), tiny_or_any),
            "routes": routes_strategy,
        }
    ),
    min_size=1,
    max_size=100,
)
extreme_programme = st.fixed_dictionaries(
    {
        "cohort_size": st.one_of(st.just(1), st.just(10_000_000), st.integers(1, 10_000_000)),
        "delivery_cost": st.one_of(st.just(1.0), st.just(1e11), st.floats(1, 1e11)),
        "years": st.integers(1, 30),
        "threshold_share": tiny_or_any,
    }
)


@settings(max_examples=120)
@given(extreme_items, extreme_programme)
def test_every_valid_scenario_gives_a_finite_result_that_exports(
    items: list[dict[str, Any]], prog: dict[str, Any]
) -> None:
    result = CALC.run({**prog, "cost_items": items})
    assert all_finite(result.to_dict())
    assert not any("inf" in note or "nan" in note for note in result.notes)
    exports_parse_back(result)
    check_against_exact(result.summary, items, prog)


# --- bad input ----------------------------------------------------------------------------


def test_share_amount_above_one_names_the_item() -> None:
    found = problems({"cost_items": [item(), item(basis="share_of_delivery", amount=1.5)]})
    assert list(found) == ["cost_items[1].amount"]
    assert "got 1.5" in found["cost_items[1].amount"]
    assert "fraction from 0 to 1" in found["cost_items[1].amount"]


def test_staff_time_needs_both_parts_and_no_share_basis() -> None:
    found = problems(
        {
            "cost_items": [
                item(hours=10),
                item(hourly_rate=500),
                item(basis="share_of_delivery", amount=0.1, hours=3, hourly_rate=400),
            ]
        }
    )
    assert set(found) == {"cost_items[0].hourly_rate", "cost_items[1].hours", "cost_items[2].hours"}
    assert "when hours is given" in found["cost_items[0].hourly_rate"]


def test_field_errors_name_paths_values_and_what_is_allowed() -> None:
    found = problems(
        {
            "cost_items": [item(routes=["sib", "bank"]), item(phase="later"), item(amount=-1)],
            "delivery_cost": 0,
            "threshold_share": 1.0,
            "cohort_size": 0,
            "years": 31,
        }
    )
    assert set(found) == {
        "cost_items[0].routes[1]",
        "cost_items[1].phase",
        "cost_items[2].amount",
        "delivery_cost",
        "threshold_share",
        "cohort_size",
        "years",
    }
    assert "'bank'" in found["cost_items[0].routes[1]"]
    assert "'fee_for_service'" in found["cost_items[0].routes[1]"]
    assert "development_design" in found["cost_items[1].phase"]
    assert "from 1 to" in found["delivery_cost"]


def test_duplicate_and_missing_routes() -> None:
    found = problems({"routes": ["sib", "sib"], "cost_items": [item(routes=["pbr", "pbr"])]})
    assert set(found) == {"routes", "cost_items[0].routes"}
    assert "at most once" in found["routes"]
    found = problems({"routes": [], "cost_items": [item(routes=[])]})
    assert set(found) == {"routes", "cost_items[0].routes"}


def test_no_items_nan_and_unknown_fields() -> None:
    assert "cost_items" in problems({"cost_items": []})
    found = problems({"cost_items": [item(amount=float("nan"))]})
    assert list(found) == ["cost_items[0].amount"]
    assert "cost_items[0].colour" in problems({"cost_items": [item(colour="red")]})


# --- results, exports and charts ----------------------------------------------------------


def test_exports_are_deterministic_and_complete() -> None:
    a, b = CALC.run(), CALC.run()
    assert a.to_json() == b.to_json()
    assert a.to_xlsx() == b.to_xlsx()
    doc = json.loads(a.to_json())
    assert set(doc["tables"]) == {"routes", "items", "scaling"}
    assert doc["summary"]["delivery_cost_at_threshold_by_route"]["sib"] == pytest.approx(43_040_000)
    summary = zipfile.ZipFile(io.BytesIO(a.to_csv_zip())).read("summary.csv").decode("utf-8-sig")
    assert "Transaction costs;Social impact bond;3152000,0;total_by_route.sib\r\n" in summary
    book = openpyxl.load_workbook(io.BytesIO(a.to_xlsx()))
    assert book.sheetnames == ["Summary", "Inputs", "Routes", "Items", "Scaling", "Notes"]


def test_scaling_table_matches_the_share_formula() -> None:
    result = CALC.run()
    table = result.tables["scaling"]
    row = table[table["scale"] == 2.0].iloc[0]
    # 2 152 000 / 20 000 000 + 0.10 = 0.2076
    assert row["share_sib"] == pytest.approx(0.2076)
    assert row["participants"] == pytest.approx(200)
    current = table[table["scale"] == 1.0].iloc[0]
    assert current["share_pbr"] == pytest.approx(
        result.summary["share_of_delivery_by_route"]["pbr"]
    )


def test_charts_state_their_numbers() -> None:
    charts = CALC.charts(CALC.run())
    assert len(charts) == 2
    assert "Social impact bond 3 152 000 DKK" in charts[0].alt
    assert "Social impact bond reaches it at 43 040 000 DKK" in charts[1].alt
    lone = CALC.run({"routes": ["sib"], "threshold_share": 0.05})
    alt = CALC.charts(lone)[1].alt
    assert "never reaches the threshold" in alt


# --- presets and the form -----------------------------------------------------------------


def test_default_inputs_are_the_first_preset() -> None:
    assert load_preset("transaction_costs_first_programme").inputs == tc.TransactionCostInputs()


@pytest.mark.parametrize(
    "name", ["transaction_costs_first_programme", "transaction_costs_repeat_programme"]
)
def test_every_preset_number_is_labelled(name: str) -> None:
    data = preset_data(name)
    notes = data["assumptions"]
    text = yaml.safe_dump(notes)
    labelled = notes.get("cost_items") or notes.get("changed_items")
    assert labelled and all(str(v).startswith("Assumption") for v in labelled.values())
    names = {i["name"] for i in data["inputs"]["cost_items"]}
    assert set(labelled) <= names
    if "cost_items" in notes:
        assert set(labelled) == names
    assert "Assumption" in notes["programme"]
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    for point in notes.get("reference_points_for_scale", []):
        assert re.search(r"@\w+\{" + re.escape(point["source"]) + ",", bib), point["source"]
    assert "unverified" not in text.lower()


def test_form_edits_the_cost_table_and_shows_problems() -> None:
    from portal_tools.ui import CalculatorApp

    app = CalculatorApp(CALC)
    assert app.result is not None
    table = app.controls["cost_items"]
    first = table._rows[0]  # type: ignore[attr-defined]
    first["routes"].widget.value = ("sib",)
    assert app.result.summary["total_by_route"]["pbr"] == pytest.approx(2_172_000 - 137_500)
    first["basis"].widget.value = "share_of_delivery"
    assert "cost_items[0].hours" in app.problems.value
    first["hours"].widget.value = ""
    first["hourly_rate"].widget.value = ""
    first["amount"].widget.value = "0,01"  # number boxes read text (Danish by default)
    assert app.problems.value == ""
    assert app.result.summary["total_by_route"]["sib"] == pytest.approx(
        3_152_000 - 137_500 + 100_000
    )
    app.controls["routes"].widget.value = ()
    assert "<code>routes</code>" in app.problems.value
