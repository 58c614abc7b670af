"""Creaming model: worked examples by hand, the provider's best response checked against an
enumeration of every selection, the neutral tariff against exact fractions, each remedy on its
own, contracts that serve nobody, properties over the whole input space, bad input and the
command line."""

from __future__ import annotations

import itertools
import json
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from portal_tools.calculators.creaming import CALCULATOR
from portal_tools.cli import main
from portal_tools.errors import InputError

from .helpers import all_finite, exports_parse_back

SEGMENTS: list[dict[str, Any]] = [
    {"name": "Easy", "share": 0.3, "success_rate": 0.6, "cost_per_participant": 40_000},
    {"name": "Medium", "share": 0.4, "success_rate": 0.35, "cost_per_participant": 50_000},
    {"name": "Hard", "share": 0.3, "success_rate": 0.15, "cost_per_participant": 60_000},
]


def scenario(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "cohort_size": 200,
        "segments": SEGMENTS,
        "capacity": 120,
        "price": 150_000,
        "measurement": "served",
    }
    data.update(changes)
    return data


def test_flat_tariff_serves_only_positive_margin_segments_by_hand() -> None:
    # Referred: Easy 60, Medium 80, Hard 60. Margins at 150 000 per success:
    # Easy 0.6*150k-40k = 50 000; Medium 0.35*150k-50k = 2 500; Hard 0.15*150k-60k = -37 500.
    # Capacity 120: all 60 Easy first, then 60 of the 80 Medium; Hard is skipped.
    s = CALCULATOR.run(scenario()).summary
    assert s["served_by_segment"] == {"Easy": 60, "Medium": 60, "Hard": 0}
    assert s["outcomes_by_segment"] == pytest.approx({"Easy": 36, "Medium": 21, "Hard": 0})
    assert s["hardest_segment"] == "Hard" and s["hardest_segment_served_share"] == 0
    # Margin 60*50 000 + 60*2 500 = 3 150 000; payments 57 successes * 150 000 = 8 550 000.
    assert s["provider_margin"] == pytest.approx(3_150_000)
    assert s["total_payments"] == pytest.approx(8_550_000)
    assert s["commissioner_cost_per_outcome"] == pytest.approx(150_000)
    assert s["commissioner_net_value"] is None


def test_lower_price_leaves_capacity_unused() -> None:
    # At 100 000: Easy 20 000, Medium -15 000, Hard -45 000: only the 60 Easy are served.
    result = CALCULATOR.run(scenario(price=100_000))
    assert result.summary["served_by_segment"] == {"Easy": 60, "Medium": 0, "Hard": 0}
    assert any("capacity unused" in n for n in result.notes)


def test_neutral_tariff_equalises_margins_at_the_same_budget_by_hand() -> None:
    # Referred mix at capacity: 36, 48, 36. m = (36*50 000 + 48*2 500 - 36*37 500) / 120 = 4 750.
    # Prices (m + c) / q: Easy 44 750/0.6 = 74 583.33; Medium 54 750/0.35 = 156 428.57;
    # Hard 64 750/0.15 = 431 666.67.
    s = CALCULATOR.run(scenario()).summary
    neutral = s["neutral_tariff"]
    assert neutral == pytest.approx(
        {"Easy": 74_583.333, "Medium": 156_428.571, "Hard": 431_666.667}
    )
    margins = [
        seg["success_rate"] * neutral[seg["name"]] - seg["cost_per_participant"] for seg in SEGMENTS
    ]
    assert margins == pytest.approx([4_750] * 3)
    # Same budget for the mix: 150 000 * (36*0.6 + 48*0.35 + 36*0.15) = 6 570 000.
    budget = sum(
        n * seg["success_rate"] * neutral[seg["name"]]
        for n, seg in zip((36, 48, 36), SEGMENTS, strict=True)
    )
    assert budget == pytest.approx(6_570_000)
    # Paid with the neutral tariff on those served, the provider takes the referred mix.
    served = CALCULATOR.run(scenario(price=None, segment_prices=neutral)).summary
    assert served["served_by_segment"] == pytest.approx({"Easy": 36, "Medium": 48, "Hard": 36})


def test_whole_cohort_measurement_alone_does_not_stop_selection() -> None:
    # Issue 17 item 5a. Nobody succeeds without being served (success_rate_unserved 0), so paid
    # on the whole cohort the provider earns exactly what it earns paid on those served: the
    # same margins 50 000 / 2 500 / -37 500, the same best response 60 / 60 / 0, margin
    # 3 150 000. The old model assumed the referred mix (36 / 48 / 36) here.
    result = CALCULATOR.run(scenario(measurement="whole_cohort"))
    s = result.summary
    assert s["served_by_segment"] == {"Easy": 60, "Medium": 60, "Hard": 0}
    assert s["provider_margin"] == pytest.approx(3_150_000)
    assert any("on its own it does not change whom" in n for n in result.notes)


def test_obligation_to_serve_everyone_referred_gives_the_mix() -> None:
    # 120 places over 200 referred, taken as they come: 60 % of each segment, 36 / 48 / 36.
    # Margin 36*50 000 + 48*2 500 - 36*37 500 = 570 000, under either measurement.
    for measurement in ("served", "whole_cohort"):
        s = CALCULATOR.run(scenario(measurement=measurement, serve_all_referred=True)).summary
        assert s["served_by_segment"] == pytest.approx({"Easy": 36, "Medium": 48, "Hard": 36})
        assert s["hardest_segment_served_share"] == pytest.approx(0.6)
        assert s["provider_margin"] == pytest.approx(570_000)


def test_obligation_at_a_loss_is_flagged() -> None:
    # At 100 000 per success the mix earns 36*20 000 - 48*15 000 - 36*45 000 = -1 620 000.
    result = CALCULATOR.run(scenario(price=100_000, serve_all_referred=True))
    assert result.summary["provider_margin"] == pytest.approx(-1_620_000)
    assert any("expects to lose 1 620 000 DKK" in n for n in result.notes)


def test_whole_cohort_measurement_with_deadweight_by_hand() -> None:
    # Two segments of 50; price 100 000; capacity 50.
    #   A: success 0.6 if served, 0.4 if not, cost 40 000; B: 0.3 and 0, cost 20 000.
    # Paid on those served: gains A 0.6*100k - 40k = 20 000, B 0.3*100k - 20k = 10 000 -> serve
    #   50 A; paid 30 successes = 3 000 000, margin 3m - 2m = 1 000 000; caused 50*0.2 = 10.
    # Whole cohort: A's successes without service are paid anyway, so gains are
    #   A (0.6-0.4)*100k - 40k = -20 000, B 10 000 -> serve 50 B; paid 50*0.3 + 50*0.4 = 35
    #   successes = 3 500 000, margin 3.5m - 1m = 2 500 000; caused 50*0.3 = 15.
    segments = [
        {"name": "A", "share": 0.5, "success_rate": 0.6, "success_rate_unserved": 0.4,
         "cost_per_participant": 40_000},
        {"name": "B", "share": 0.5, "success_rate": 0.3, "cost_per_participant": 20_000},
    ]  # fmt: skip
    base = {"cohort_size": 100, "segments": segments, "capacity": 50, "price": 100_000}
    served = CALCULATOR.run({**base, "measurement": "served"}).summary
    assert served["served_by_segment"] == {"A": 50, "B": 0}
    assert served["total_payments"] == pytest.approx(3_000_000)
    assert served["provider_margin"] == pytest.approx(1_000_000)
    assert served["additional_successes"] == pytest.approx(10)
    whole = CALCULATOR.run({**base, "measurement": "whole_cohort"}).summary
    assert whole["served_by_segment"] == {"A": 0, "B": 50}
    assert whole["paid_successes"] == pytest.approx(35)
    assert whole["total_payments"] == pytest.approx(3_500_000)
    assert whole["provider_margin"] == pytest.approx(2_500_000)
    assert whole["additional_successes"] == pytest.approx(15)
    assert whole["commissioner_cost_per_outcome"] == pytest.approx(100_000)


def test_comparison_table_shows_each_remedy_on_its_own() -> None:
    table = CALCULATOR.run(scenario()).tables["comparison"]
    assert list(table["contract"]) == [
        "Flat tariff, paid on those served",
        "Flat tariff, whole-cohort measurement",
        "Flat tariff, obligation to serve everyone referred",
        "Neutral tariff, paid on those served",
    ]
    assert list(table["served: Hard"]) == pytest.approx([0, 0, 36, 36])
    assert list(table["provider_margin"]) == pytest.approx([3_150_000, 3_150_000, 570_000, 570_000])


def test_ties_split_capacity_in_proportion_to_shares() -> None:
    same = [{**seg, "success_rate": 0.5, "cost_per_participant": 10_000} for seg in SEGMENTS]
    s = CALCULATOR.run(scenario(segments=same, capacity=50)).summary
    assert s["served_by_segment"] == pytest.approx({"Easy": 15, "Medium": 20, "Hard": 15})


def test_no_tariff_within_the_budget_is_said_plainly() -> None:
    # Issue 17 item 5b. At 10 000 per success the same budget (the flat tariff's spend at
    # capacity on the mix) is 120 * (0.3*0.6 + 0.4*0.35 + 0.3*0.15) * 10 000 = 438 000, while
    # serving that mix costs 120 * (0.3*40 000 + 0.4*50 000 + 0.3*60 000) = 6 000 000. The
    # common margin would be m = (438 000 - 6 000 000) / 120 = -46 350, and the old formula
    # (m + c) / q gave prices of -10 583, -1 000 and 91 000 per success.
    result = CALCULATOR.run(scenario(price=10_000))
    s = result.summary
    assert s["neutral_tariff_status"] == "budget_too_small"
    assert s["neutral_tariff"] is None
    assert s["same_budget"] == pytest.approx(438_000)
    assert s["cost_of_referred_mix"] == pytest.approx(6_000_000)
    assert s["neutral_margin_per_participant"] == pytest.approx(-46_350)
    assert any(
        n.startswith("No tariff within this budget gives every segment") for n in result.notes
    )
    assert len(result.tables["comparison"]) == 3
    exports_parse_back(result)


def test_a_negative_price_is_never_offered() -> None:
    # Issue 17 item 5b, the -78 000 DKK per success of the review. A cheap segment (cost 0) next
    # to a dear one (128 000), 10 referred, 10 places, 50 000 per success: by hand the old common
    # margin m = 0.5 * (0.5 * 50 000 - 0) + 0.5 * (0.5 * 50 000 - 128 000) = -39 000, so the old
    # tariff priced A at (-39 000 + 0) / 0.5 = -78 000 per success. The same budget is
    # 10 * 0.5 * 50 000 = 250 000; serving the mix costs 5 * 0 + 5 * 128 000 = 640 000 > 250 000:
    # no tariff within the budget gives both segments a non-negative margin.
    segments = [
        {"name": "A", "share": 0.5, "success_rate": 0.5, "cost_per_participant": 0},
        {"name": "B", "share": 0.5, "success_rate": 0.5, "cost_per_participant": 128_000},
    ]
    result = CALCULATOR.run(
        {"cohort_size": 10, "segments": segments, "capacity": 10, "price": 50_000}
    )
    s = result.summary
    assert s["neutral_tariff_status"] == "budget_too_small"
    assert s["neutral_tariff"] is None
    assert s["neutral_margin_per_participant"] == pytest.approx(-39_000)
    assert s["same_budget"] == pytest.approx(250_000)
    assert s["cost_of_referred_mix"] == pytest.approx(640_000)
    assert all(v is None for v in result.tables["segments"]["neutral_price"])
    assert any(n.startswith("No tariff within this budget") for n in result.notes)


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (a regression guard, not a speed measurement)."""

    def stop(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"no result within {seconds} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_tiny_success_rates_neither_hang_nor_overflow() -> None:
    # Issue 16 item 1: success rates of 5e-324 made the neutral price (m + c) / q overflow to
    # infinity; two infinite margins gave NaN, no segment joined the tie group and the loop never
    # advanced. Now the price limit (1e12 per success) is checked before it is used.
    tiny = [{**seg, "success_rate": 5e-324} for seg in SEGMENTS]
    with time_limit(10):
        result = CALCULATOR.run(scenario(segments=tiny))
    s = result.summary
    assert s["neutral_tariff_status"] in ("budget_too_small", "price_too_high")
    assert s["served_by_segment"] == {"Easy": 0, "Medium": 0, "Hard": 0}
    one_tiny = [SEGMENTS[0], SEGMENTS[1], {**SEGMENTS[2], "success_rate": 5e-324}]
    with time_limit(10):
        result = CALCULATOR.run(scenario(segments=one_tiny, price=1e12))
    assert result.summary["neutral_tariff_status"] == "price_too_high"
    assert any("segment Hard's success rate is so low" in n for n in result.notes)
    exports_parse_back(result)


@pytest.mark.parametrize(
    "change",
    [
        {"capacity": 0},
        {"price": 0},
        {"price": 0, "serve_all_referred": True, "measurement": "whole_cohort"},
        {"segments": [{**SEGMENTS[0], "share": 1.0}, {**SEGMENTS[2], "share": 0.0}]},
    ],
)
def test_contracts_that_serve_nobody_export_without_nan(change: dict[str, Any]) -> None:
    # Issue 17 item 5c: with nobody served (or nobody referred to the hardest segment) the cost
    # per success and the hardest segment's share have no denominator; they are None, and every
    # export parses back (JSON used to fail with "Out of range float values").
    result = CALCULATOR.run(scenario(**change))
    comparison = result.tables["comparison"]
    for column in ("hardest_served_share", "cost_per_outcome", "commissioner_net_value"):
        assert all(v is None or (isinstance(v, float) and v == v) for v in comparison[column])
    assert all_finite(result.to_dict())
    exports_parse_back(result)
    CALCULATOR.charts(result)


def test_values_give_the_commissioner_net_value() -> None:
    valued = [
        {**seg, "value_per_success": v}
        for seg, v in zip(SEGMENTS, (2e5, 2.5e5, 3.5e5), strict=True)
    ]
    s = CALCULATOR.run(scenario(segments=valued)).summary
    # Value 36*200 000 + 21*250 000 = 12 450 000; minus payments 8 550 000.
    assert s["commissioner_net_value"] == pytest.approx(3_900_000)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"segments": [{**SEGMENTS[0], "share": 0.5}, *SEGMENTS[1:]]}, "segments"),
        (
            {"segments": [SEGMENTS[0], {**SEGMENTS[1], "name": "Easy"}, SEGMENTS[2]]},
            "segments[1].name",
        ),
        (
            {"segments": [{**SEGMENTS[0], "success_rate": 0}, *SEGMENTS[1:]]},
            "segments[0].success_rate",
        ),
        ({"price": None}, "price"),
        ({"segment_prices": {"Easy": 1, "Medium": 2, "Hard": 3}}, "price"),
        ({"price": None, "segment_prices": {"Easy": 1, "Medium": 2}}, "segment_prices"),
        (
            {"price": None, "segment_prices": {"Easy": 1, "Medium": 2, "Hard": 3, "X": 4}},
            "segment_prices.X",
        ),
        (
            {"price": None, "segment_prices": {"Easy": -1, "Medium": 2, "Hard": 3}},
            "segment_prices.Easy",
        ),
        ({"measurement": "chosen"}, "measurement"),
        ({"capacity": -1}, "capacity"),
    ],
)
def test_bad_input_names_the_field(change: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError) as err:
        CALCULATOR.run(scenario(**change))
    assert path in [p.path for p in err.value.problems], err.value.problems


def test_cli_runs_the_preset_and_a_scenario_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "preset:creaming_three_segments", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["served_by_segment"] == {"Easiest": 60, "Middle": 60, "Hardest": 0}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"calculator": "creaming", "inputs": scenario(capacity=-5)}))
    assert main(["run", str(path)]) == 2
    assert "capacity" in capsys.readouterr().err


# ---------------------------------------------------------------- independent references


def payoff_of(
    served: Sequence[float],
    counts: list[int],
    success: list[float],
    unserved: list[float],
    cost: list[float],
    price: list[float],
    measurement: str,
) -> float:
    """The provider's payoff from serving ``served``: payments for the successes that count
    under the measurement rule, minus the cost of those served."""
    total = 0.0
    for s, xs in enumerate(served):
        counted = xs * success[s]
        if measurement == "whole_cohort":
            counted += (counts[s] - xs) * unserved[s]
        total += counted * price[s] - xs * cost[s]
    return total


def enumerated_best(
    counts: list[int],
    success: list[float],
    unserved: list[float],
    cost: list[float],
    price: list[float],
    capacity: int,
    measurement: str,
) -> float:
    """The provider's best payoff over every whole-number selection (x_1, ..., x_S) with
    0 <= x_s <= n_s and sum x_s <= capacity, by brute force."""
    return max(
        payoff_of(x, counts, success, unserved, cost, price, measurement)
        for x in itertools.product(*(range(n + 1) for n in counts))
        if sum(x) <= capacity
    )


@st.composite
def small_markets(draw: st.DrawFn) -> dict[str, Any]:
    """Up to three segments of whole-number sizes (at most 8 each), so every selection can be
    enumerated; rates and amounts on coarse grids so that ties happen."""
    n_seg = draw(st.integers(1, 3))
    counts = [draw(st.integers(0, 8)) for _ in range(n_seg)]
    if sum(counts) == 0:
        counts[0] = 1
    return {
        "counts": counts,
        "success": [draw(st.sampled_from([0.05, 0.1, 0.25, 0.5, 0.75, 1.0])) for _ in counts],
        "unserved": [draw(st.sampled_from([0.0, 0.0, 0.05, 0.2, 0.5])) for _ in counts],
        "cost": [float(draw(st.integers(0, 10)) * 10_000) for _ in counts],
        "price": [float(draw(st.integers(0, 20)) * 10_000) for _ in counts],
        "flat": draw(st.booleans()),
        "capacity": draw(st.integers(0, sum(counts) + 2)),
        "measurement": draw(st.sampled_from(["served", "whole_cohort"])),
    }


def market_scenario(m: dict[str, Any]) -> dict[str, Any]:
    n = sum(m["counts"])
    segments = [
        {
            "name": f"S{i}",
            "share": c / n,
            "success_rate": m["success"][i],
            "success_rate_unserved": m["unserved"][i],
            "cost_per_participant": m["cost"][i],
        }
        for i, c in enumerate(m["counts"])
    ]
    data: dict[str, Any] = {
        "cohort_size": n,
        "segments": segments,
        "capacity": m["capacity"],
        "measurement": m["measurement"],
    }
    if m["flat"]:
        data["price"] = m["price"][0]
    else:
        data["price"] = None
        data["segment_prices"] = {f"S{i}": p for i, p in enumerate(m["price"])}
    return data


@settings(max_examples=300)
@given(small_markets())
def test_best_response_is_the_best_of_every_selection(m: dict[str, Any]) -> None:
    data = market_scenario(m)
    price = [m["price"][0]] * len(m["counts"]) if m["flat"] else m["price"]
    s = CALCULATOR.run(data).summary
    served = list(s["served_by_segment"].values())
    # Feasible: within each segment and within capacity.
    assert all(-1e-9 <= x <= n + 1e-9 for x, n in zip(served, m["counts"], strict=True))
    assert sum(served) <= m["capacity"] + 1e-9
    args = (m["counts"], m["success"], m["unserved"], m["cost"], price)
    best = enumerated_best(*args, m["capacity"], m["measurement"])
    mine = payoff_of(served, *args, m["measurement"])
    # Optimal up to the tie tolerance (half an øre per participant served).
    assert mine == pytest.approx(best, abs=0.005 * max(1, m["capacity"]) + 1e-6)
    assert s["provider_margin"] == pytest.approx(mine, rel=1e-9, abs=1e-6)


@settings(max_examples=150)
@given(small_markets())
def test_obligation_serves_the_referred_mix_whatever_the_prices(m: dict[str, Any]) -> None:
    data = {**market_scenario(m), "serve_all_referred": True}
    s = CALCULATOR.run(data).summary
    n = sum(m["counts"])
    fill = min(1, m["capacity"] / n)
    expected = [c * fill for c in m["counts"]]
    assert list(s["served_by_segment"].values()) == pytest.approx(expected, abs=1e-9)


def exact_neutral(data: dict[str, Any]) -> tuple[Fraction, list[Fraction]]:
    """The neutral tariff in exact fractions of the numbers as written, apart from the model:
    the same budget B (the flat tariff's spend at capacity on the referred mix) and the cost of
    that mix C per place give the common margin m = (B - C) / places, prices (m + c) / q."""
    segs = data["segments"]
    places = Fraction(min(data["capacity"], data["cohort_size"]))
    w = [Fraction(str(s["share"])) for s in segs]
    q = [Fraction(str(s["success_rate"])) for s in segs]
    c = [Fraction(str(s["cost_per_participant"])) for s in segs]
    if data.get("price") is not None:
        p = [Fraction(str(data["price"]))] * len(segs)
    else:
        p = [Fraction(str(data["segment_prices"][s["name"]])) for s in segs]
    mix = [places * wi / sum(w) for wi in w]
    budget = sum(r * qi * pi for r, qi, pi in zip(mix, q, p, strict=True))
    cost = sum(r * ci for r, ci in zip(mix, c, strict=True))
    m = (budget - cost) / places
    return m, [(m + ci) / qi for ci, qi in zip(c, q, strict=True)]


@settings(max_examples=200)
@given(small_markets())
def test_neutral_tariff_matches_exact_fractions(m: dict[str, Any]) -> None:
    data = market_scenario(m)
    s = CALCULATOR.run(data).summary
    if m["capacity"] == 0:
        assert s["neutral_tariff_status"] == "no_capacity"
        return
    margin, prices = exact_neutral(data)
    assert s["neutral_margin_per_participant"] == pytest.approx(float(margin), rel=1e-12, abs=1e-9)
    if margin < 0:
        # None exists: any tariff with q_s p_s >= c_s for every segment spends at least the
        # cost of the mix, sum r_s c_s, on the mix, which is more than the budget here.
        places = Fraction(min(data["capacity"], data["cohort_size"]))
        shares = [Fraction(str(seg["share"])) for seg in data["segments"]]
        cost = sum(
            places * w / sum(shares) * Fraction(str(seg["cost_per_participant"]))
            for w, seg in zip(shares, data["segments"], strict=True)
        )
        budget = places * margin + cost  # m = (B - C) / places
        assert budget < cost
        assert float(cost) == pytest.approx(s["cost_of_referred_mix"], rel=1e-12, abs=1e-6)
        assert float(budget) == pytest.approx(s["same_budget"], rel=1e-12, abs=1e-6)
        assert s["same_budget"] < s["cost_of_referred_mix"]
        assert s["neutral_tariff_status"] == "budget_too_small"
        assert s["neutral_tariff"] is None
        return
    assert s["neutral_tariff_status"] == "defined"
    assert list(s["neutral_tariff"].values()) == pytest.approx([float(p) for p in prices])
    # Every segment earns the provider the same non-negative margin per participant served.
    for seg, price in zip(data["segments"], s["neutral_tariff"].values(), strict=True):
        earned = seg["success_rate"] * price - seg["cost_per_participant"]
        assert earned >= -1e-6
        assert earned == pytest.approx(float(margin), rel=1e-9, abs=1e-6)
    # Paid with these prices on those served, every segment earns the same margin, so the
    # provider serves the referred mix, and the mix costs the same budget.
    neutral = {**data, "price": None, "segment_prices": s["neutral_tariff"]}
    again = CALCULATOR.run({**neutral, "measurement": "served"}).summary
    fill = min(1, m["capacity"] / sum(m["counts"]))
    mix = {f"S{i}": c * fill for i, c in enumerate(m["counts"])}
    assert again["served_by_segment"] == pytest.approx(mix)
    assert again["total_payments"] == pytest.approx(s["same_budget"], rel=1e-9, abs=1e-6)


# ---------------------------------------------------------------- the whole input space

rates = st.one_of(st.just(5e-324), st.floats(1e-300, 1), st.just(1.0))
amounts = st.one_of(st.just(0.0), st.floats(0, 1e12), st.just(1e12))


@st.composite
def any_scenario(draw: st.DrawFn) -> dict[str, Any]:
    n_seg = draw(st.integers(1, 6))
    weights = [draw(st.integers(0, 5)) for _ in range(n_seg)]
    if sum(weights) == 0:
        weights[0] = 1
    segments = [
        {
            "name": f"S{i}",
            "share": w / sum(weights),
            "success_rate": draw(rates),
            "success_rate_unserved": draw(st.one_of(st.just(0.0), st.floats(0, 1))),
            "cost_per_participant": draw(amounts),
            "value_per_success": draw(st.one_of(st.none(), amounts)),
        }
        for i, w in enumerate(weights)
    ]
    cohort = draw(st.one_of(st.integers(1, 50), st.just(10_000_000)))
    data: dict[str, Any] = {
        "cohort_size": cohort,
        "segments": segments,
        "capacity": draw(st.one_of(st.just(0), st.integers(0, cohort), st.just(10_000_000))),
        "measurement": draw(st.sampled_from(["served", "whole_cohort"])),
        "serve_all_referred": draw(st.booleans()),
    }
    if draw(st.booleans()):
        data["price"] = draw(amounts)
    else:
        data["price"] = None
        data["segment_prices"] = {s["name"]: draw(amounts) for s in segments}
    return data


@settings(max_examples=200)
@given(any_scenario())
def test_every_valid_scenario_gives_a_finite_result_that_exports(data: dict[str, Any]) -> None:
    with time_limit(20):
        result = CALCULATOR.run(data)
    s = result.summary
    assert all_finite(result.to_dict())
    exports_parse_back(result)
    assert s["neutral_tariff_status"] in ("defined", "budget_too_small", "price_too_high",
                                          "no_capacity")  # fmt: skip
    if s["neutral_tariff"] is not None:
        assert all(0 <= p <= 1e12 for p in s["neutral_tariff"].values())
    assert s["total_served"] <= data["capacity"] * (1 + 1e-12) + 1e-9
