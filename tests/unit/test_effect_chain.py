"""The effect-chain model: a worked example by hand, properties and bad input."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal_tools.calculators.effect_chain import (
    CALCULATOR,
    HOLDERS,
    EffectChainInputs,
    chain_flows,
    effect_path,
)
from portal_tools.errors import InputError
from portal_tools.inputs import parse

from .helpers import all_finite, exports_parse_back

SMALL: dict[str, Any] = {
    "years": 4,
    "discount_rate": 0.1,
    "cohort_size": 100,
    "steps": [{"name": "Enrolled", "rate": 0.8}, {"name": "Outcome", "rate": 0.5}],
    "baseline_rate": 0.1,
    "first_effect_year": 2,
    "persistence": 0.5,
    "consequences": [
        {
            "label": "Service",
            "budget_holder": "kommune",
            "ceiling": "service",
            "annual_saving": 1000,
        },
        {
            "label": "Benefit",
            "budget_holder": "kommune",
            "ceiling": "transfer",
            "annual_saving": 500,
        },
        {"label": "Police", "budget_holder": "stat", "ceiling": "outside", "annual_saving": 2000},
    ],
    "intervention_costs": [{"budget_holder": "kommune", "year": 1, "amount": 50_000}],
}


def with_(**changes: Any) -> dict[str, Any]:
    return {**SMALL, **changes}


# ---------------------------------------------------------------- worked examples (by hand)


def test_small_chain_by_hand() -> None:
    # Successes 100 * 0.8 * 0.5 = 40; deadweight 100 * 0.1 = 10; additional A = 30.
    # Effect from year 2, halving each year: [0, 30, 15, 7.5].
    # Kommune saves 1000 + 500 = 1500 per success a year: [0, 45 000, 22 500, 11 250] = 78 750.
    # State saves 2000 per success a year: [0, 60 000, 30 000, 15 000] = 105 000. Region: 0.
    # PV at 10 %: kommune 45 000/1.1 + 22 500/1.21 + 11 250/1.331
    #   = 40 909.0909 + 18 595.0413 + 8 452.2915 = 67 956.4237; state = 4/3 of it = 90 608.5650.
    # Kommune cost 50 000 in year 1 (PV 50 000): net PV kommune 17 956.4237.
    # Net PV all = 17 956.4237 + 90 608.5650 = 108 564.9887.
    # Yearly net all budgets [-50 000, 105 000, 52 500, 26 250]: cumulative positive from year 2.
    # Shares of nominal savings: kommune 78 750 / 183 750 = 3/7, state 4/7.
    result = CALCULATOR.run(SMALL)
    s = result.summary
    assert s["successes"] == pytest.approx(40)
    assert s["additional_successes"] == pytest.approx(30)
    assert result.tables["yearly"]["effect"].tolist() == pytest.approx([0, 30, 15, 7.5])
    assert s["savings_by_holder"] == pytest.approx(
        {"kommune": 78_750, "region": 0, "stat": 105_000}
    )
    assert s["savings_pv_by_holder"]["kommune"] == pytest.approx(67_956.4237, abs=1e-3)
    assert s["savings_pv_by_holder"]["stat"] == pytest.approx(90_608.5650, abs=1e-3)
    assert s["costs_pv_by_holder"] == pytest.approx({"kommune": 50_000, "region": 0, "stat": 0})
    assert s["net_result_pv_by_holder"]["kommune"] == pytest.approx(17_956.4237, abs=1e-3)
    assert s["net_result_pv"] == pytest.approx(108_564.9887, abs=1e-3)
    assert s["net_result"] == pytest.approx(-50_000 + 105_000 + 52_500 + 26_250)
    assert s["payback_year"] == 2
    assert s["share_of_savings_by_holder"] == pytest.approx(
        {"kommune": 3 / 7, "region": 0, "stat": 4 / 7}
    )
    assert s["savings_by_ceiling"] == pytest.approx(
        {"service": 52_500, "transfer": 26_250, "construction": 0, "outside": 105_000}
    )
    # Year x holder x ceiling table: only the combinations used, 3 per year.
    savings = result.tables["savings"]
    assert len(savings) == 4 * 3
    row = savings[(savings.year == 3) & (savings.ceiling == "transfer")]
    assert row["saving"].item() == pytest.approx(500 * 15)
    assert row["pv_saving"].item() == pytest.approx(7_500 / 1.21)
    chain = result.tables["chain"]
    assert chain["participants"].tolist() == pytest.approx([100, 80, 40, 10, 30])


def test_default_scenario_by_hand() -> None:
    # 40 * 0.85 * 0.75 * 0.7 = 17.85 successes; deadweight 40 * 0.15 = 6; A = 11.85.
    # Kommune saves 85 000 per success a year from year 2, falling by 20 % a year, for 9 years:
    # 11.85 * 85 000 * (1 - 0.8**9) / 0.2 = 1 007 250 * 4.3289 = 4 360 295.97.
    s = CALCULATOR.run({}).summary
    assert s["additional_successes"] == pytest.approx(11.85)
    assert s["savings_by_holder"]["kommune"] == pytest.approx(11.85 * 85_000 * (1 - 0.8**9) / 0.2)
    assert s["costs_by_holder"]["kommune"] == pytest.approx(2_400_000)


def test_negative_additional_successes_are_reported_as_losses() -> None:
    # 40 successes against a baseline of 50: A = -10, so every saving is negative.
    result = CALCULATOR.run(with_(baseline_rate=0.5))
    s = result.summary
    assert s["additional_successes"] == pytest.approx(-10)
    assert s["savings_by_holder"]["kommune"] < 0
    assert all(v is None for v in s["share_of_savings_by_holder"].values())
    assert s["payback_year"] is None
    assert any("worse than" in note for note in result.notes)
    # Every consequence is a saving; the losses come from the chain, not from extra costs.
    assert not any("extra costs" in note for note in result.notes)


def test_a_chain_equal_to_the_baseline_gives_exactly_no_additional_successes() -> None:
    # Issue 17 item 9. Cohort 40, steps 0.06 and 0.7, baseline 0.042: by hand
    # 40 * 0.06 * 0.7 = 1.68 = 40 * 0.042, so A = 0. In floats 40 * (0.06 * 0.7) - 40 * 0.042
    # is -4.4e-16, which read as "the programme does worse than no programme" and, through the
    # tiny negative savings, "some consequences are extra costs".
    data = with_(
        cohort_size=40,
        steps=[{"name": "a", "rate": 0.06}, {"name": "b", "rate": 0.7}],
        baseline_rate=0.042,
    )
    result = CALCULATOR.run(data)
    s = result.summary
    assert s["additional_successes"] == 0
    assert result.notes == ["No additional successes: the programme only reaches the deadweight."]
    assert all(v == 0 for v in s["savings_by_holder"].values())
    assert all(v is None for v in s["share_of_savings_by_holder"].values())


def test_shares_only_where_they_are_shares() -> None:
    # Issue 17 item 9. 30 additional successes with the effect [0, 30, 15, 7.5] (52.5 in all);
    # the municipality bears an extra cost of 30 000 a year per success, the state saves 50 000:
    # savings -1 575 000 and +2 625 000, total 1 050 000. The old shares were -150 % and 250 %.
    # A holder with net extra costs has no share of a gain: no shares, the amounts in a note.
    consequences = [
        {"label": "x", "budget_holder": "kommune", "ceiling": "service", "annual_saving": -30_000},
        {"label": "y", "budget_holder": "stat", "ceiling": "outside", "annual_saving": 50_000},
    ]
    result = CALCULATOR.run(with_(consequences=consequences))
    s = result.summary
    assert s["savings_by_holder"] == pytest.approx(
        {"kommune": -1_575_000, "region": 0, "stat": 2_625_000}
    )
    assert s["share_of_savings_by_holder"] == {"kommune": None, "region": None, "stat": None}
    note = next(n for n in result.notes if n.startswith("No shares"))
    assert "municipality has net extra costs" in note
    assert "municipality -1 575 000 DKK; state 2 625 000 DKK" in note
    # With every holder saving, the shares are shown: 3/7 and 4/7 in the small example.
    assert CALCULATOR.run(SMALL).summary["share_of_savings_by_holder"]["kommune"] == pytest.approx(
        3 / 7
    )


def test_effect_path_before_and_after_first_year() -> None:
    assert effect_path(10, 5, 3, 0.5).tolist() == [0, 0, 10, 5, 2.5]
    assert effect_path(10, 3, 1, 1.0).tolist() == [10, 10, 10]
    assert effect_path(10, 4, 2, 0.0).tolist() == [0, 10, 0, 0]


def test_public_rate_used_when_no_rate_given() -> None:
    s = CALCULATOR.run(with_(discount_rate=None)).summary
    # Kommune PV at 3.5 %: 45 000/1.035 + 22 500/1.035^2 + 11 250/1.035^3.
    expected = 45_000 / 1.035 + 22_500 / 1.035**2 + 11_250 / 1.035**3
    assert s["savings_pv_by_holder"]["kommune"] == pytest.approx(expected)


# ---------------------------------------------------------------- invalid input


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"years": 31}, "years"),
        ({"years": 0}, "years"),
        ({"cohort_size": 0}, "cohort_size"),
        ({"steps": []}, "steps"),
        ({"steps": [{"name": "a", "rate": 0.5}, {"name": "b", "rate": 1.5}]}, "steps[1].rate"),
        ({"baseline_rate": -0.1}, "baseline_rate"),
        ({"persistence": 1.2}, "persistence"),
        ({"first_effect_year": 5}, "first_effect_year"),
        ({"consequences": []}, "consequences"),
        (
            {"consequences": [{**SMALL["consequences"][0], "budget_holder": "kommunen"}]},
            "consequences[0].budget_holder",
        ),
        (
            {
                "consequences": [
                    SMALL["consequences"][0],
                    {**SMALL["consequences"][0], "ceiling": "x"},
                ]
            },
            "consequences[1].ceiling",
        ),
        (
            {"consequences": [{**SMALL["consequences"][0], "annual_saving": float("nan")}]},
            "consequences[0].annual_saving",
        ),
        (
            {"intervention_costs": [{"budget_holder": "stat", "year": 5, "amount": 1}]},
            "intervention_costs[0].year",
        ),
        (
            {"intervention_costs": [{"budget_holder": "stat", "year": 1, "amount": -1}]},
            "intervention_costs[0].amount",
        ),
        ({"discount_rate": -0.9}, "discount_rate"),
        ({"deadweight": 0.1}, "deadweight"),
    ],
)
def test_invalid_input_names_the_field(data: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError) as err:
        CALCULATOR.run(with_(**data))
    paths = [p.path for p in err.value.problems]
    assert path in paths
    assert err.value.problems[paths.index(path)].allowed


# ---------------------------------------------------------------- properties


@st.composite
def chains(draw: st.DrawFn) -> dict[str, Any]:
    years = draw(st.integers(1, 15))
    consequences = [
        {
            "label": f"c{i}",
            "budget_holder": draw(st.sampled_from(HOLDERS)),
            "ceiling": draw(st.sampled_from(["service", "transfer", "construction", "outside"])),
            "annual_saving": draw(st.floats(-1e5, 1e6)),
        }
        for i in range(draw(st.integers(1, 6)))
    ]
    costs = [
        {
            "budget_holder": draw(st.sampled_from(HOLDERS)),
            "year": draw(st.integers(1, years)),
            "amount": draw(st.floats(0, 1e7)),
        }
        for _ in range(draw(st.integers(0, 4)))
    ]
    return {
        "years": years,
        "discount_rate": draw(st.none() | st.floats(-0.2, 0.3)),
        "cohort_size": draw(st.integers(1, 5000)),
        "steps": [
            {"name": f"s{i}", "rate": draw(st.floats(0, 1))} for i in range(draw(st.integers(1, 4)))
        ],
        "baseline_rate": draw(st.floats(0, 1)),
        "first_effect_year": draw(st.integers(1, years)),
        "persistence": draw(st.floats(0, 1)),
        "consequences": consequences,
        "intervention_costs": costs,
    }


@settings(max_examples=120)
@given(chains(), st.integers(2, 7))
def test_savings_scale_linearly_with_cohort_size(data: dict[str, Any], k: int) -> None:
    one = chain_flows(parse(EffectChainInputs, data))
    many = chain_flows(parse(EffectChainInputs, {**data, "cohort_size": data["cohort_size"] * k}))
    np.testing.assert_allclose(many.savings, k * one.savings, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(many.costs, one.costs)


@settings(max_examples=120)
@given(chains())
def test_zero_persistence_leaves_only_the_first_effect_year(data: dict[str, Any]) -> None:
    result = CALCULATOR.run({**data, "persistence": 0})
    yearly = result.tables["yearly"]
    first = data["first_effect_year"]
    other = yearly[yearly.year != first]
    assert (other["effect"] == 0).all()
    for h in HOLDERS:
        assert (other[f"saving_{h}"] == 0).all()
    assert yearly.loc[yearly.year == first, "effect"].item() == pytest.approx(
        result.summary["additional_successes"]
    )


@settings(max_examples=150)
@given(chains())
def test_summary_is_consistent_andall_finite(data: dict[str, Any]) -> None:
    result = CALCULATOR.run(data)
    s = result.summary
    assert all_finite(result.to_dict())
    total = sum(s["savings_by_holder"].values())
    share_values = list(s["share_of_savings_by_holder"].values())
    if total > 0 and all(v >= 0 for v in s["savings_by_holder"].values()):
        assert sum(share_values) == pytest.approx(1.0)
    else:
        assert all(v is None for v in share_values)
    assert s["net_result_pv"] == pytest.approx(
        sum(s["net_result_pv_by_holder"].values()), rel=1e-9, abs=1e-3
    )
    for h in HOLDERS:
        assert s["net_result_pv_by_holder"][h] == pytest.approx(
            s["savings_pv_by_holder"][h] - s["costs_pv_by_holder"][h], rel=1e-9, abs=1e-3
        )
    assert result.tables["savings"]["saving"].sum() == pytest.approx(total, rel=1e-9, abs=1e-3)


@settings(max_examples=200)
@given(chains())
def test_additional_successes_match_exact_fractions(data: dict[str, Any]) -> None:
    # Reference apart from the model: A = N (prod of rates - baseline) in exact fractions of
    # the numbers as written, rounded once.
    rate = Fraction(1)
    for step in data["steps"]:
        rate *= Fraction(str(step["rate"]))
    exact = data["cohort_size"] * (rate - Fraction(str(data["baseline_rate"])))
    result = CALCULATOR.run(data)
    s = result.summary
    assert s["additional_successes"] == float(exact)
    worse = any("worse than" in n for n in result.notes)
    assert worse == (exact < 0)
    assert any(n.startswith("No additional successes") for n in result.notes) == (exact == 0)
    shares = list(s["share_of_savings_by_holder"].values())
    if all(v is not None for v in shares):
        assert all(0 <= v <= 1 for v in shares)
        assert sum(shares) == pytest.approx(1)
    else:
        assert all(v is None for v in shares)
        amounts = s["savings_by_holder"].values()
        assert sum(amounts) <= 0 or any(v < 0 for v in amounts)
    exports_parse_back(result)
