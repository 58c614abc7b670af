"""Creaming model: worked examples by hand, the neutral tariff, whole-cohort measurement, bad
input and the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from portal_tools.calculators.creaming import CALCULATOR
from portal_tools.cli import main
from portal_tools.errors import InputError

SEGMENTS = [
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


def test_whole_cohort_measurement_serves_the_referred_mix() -> None:
    s = CALCULATOR.run(scenario(measurement="whole_cohort")).summary
    # 120 places over 200 referred: 60 % of each segment.
    assert s["served_by_segment"] == pytest.approx({"Easy": 36, "Medium": 48, "Hard": 36})
    assert s["hardest_segment_served_share"] == pytest.approx(0.6)
    # Margin 36*50 000 + 48*2 500 - 36*37 500 = 570 000.
    assert s["provider_margin"] == pytest.approx(570_000)


def test_comparison_table_puts_three_contracts_side_by_side() -> None:
    table = CALCULATOR.run(scenario()).tables["comparison"]
    assert list(table["contract"]) == [
        "Flat tariff, paid on those served",
        "Neutral tariff, paid on those served",
        "Flat tariff, whole-cohort measurement",
    ]
    assert list(table["served: Hard"]) == pytest.approx([0, 36, 36])


def test_ties_split_capacity_in_proportion_to_shares() -> None:
    same = [{**seg, "success_rate": 0.5, "cost_per_participant": 10_000} for seg in SEGMENTS]
    s = CALCULATOR.run(scenario(segments=same, capacity=50)).summary
    assert s["served_by_segment"] == pytest.approx({"Easy": 15, "Medium": 20, "Hard": 15})


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
