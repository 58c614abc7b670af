"""Issue 17, item 7: the programme's rate card linked to its effect chain, nested outcomes
counted once, and construction (anlæg) savings kept apart from income transfers. References
are plain loops written here; they share no code with the model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal_tools.calculators.programme import CALCULATOR
from portal_tools.errors import InputError

from .test_programme import with_

STEPS = [{"name": "Start", "rate": 0.8}, {"name": "Finish", "rate": 0.5}]


def linked(step: str, name: str, price: float = 1_000, year: int = 2) -> dict[str, Any]:
    return {"name": name, "price": price, "chain_step": step, "payment_year": year}


def run(**changes: Any) -> Any:
    return CALCULATOR.run(with_(delivery_costs=[0], **changes))


def test_payments_follow_the_chain() -> None:
    # The page's example. Cohort 10: 10 x 0.8 = 8 start (paid 1 000 each), 8 x 0.5 = 4 finish
    # (paid 3 000 each): 8 000 + 12 000 = 20 000. The four who finish also started: 8 people.
    outcomes = [linked("Start", "started"), linked("Finish", "finished", 3_000)]
    s = run(steps=STEPS, outcomes=outcomes).summary
    assert s["total_outcome_payments"] == pytest.approx(20_000)
    assert s["paid_achievements"] == pytest.approx(12)
    assert s["people_paid_for"] == pytest.approx(8)


@pytest.mark.parametrize(("finish", "paid"), [(0.0, 8_000), (1.0, 24_000)])
def test_a_chain_at_0_or_100_percent_moves_the_payments(finish: float, paid: float) -> None:
    # Finish rate 0: nobody finishes, only the 8 starts are paid (8 000). Rate 1: all 8 who
    # start finish: 8 000 + 8 x 2 000 = 24 000.
    steps = [STEPS[0], {"name": "Finish", "rate": finish}]
    outcomes = [linked("Start", "started"), linked("Finish", "finished", 2_000)]
    s = run(steps=steps, outcomes=outcomes).summary
    assert s["total_outcome_payments"] == pytest.approx(paid)
    # a first step at 0 stops every payment linked to it or a later step
    steps = [{"name": "Start", "rate": 0.0}, {"name": "Finish", "rate": finish}]
    assert run(steps=steps, outcomes=outcomes).summary["total_outcome_payments"] == 0


def test_row_order_does_not_change_the_nesting() -> None:
    # The later step listed first still builds on the earlier step: the same 8 people.
    outcomes = [linked("Finish", "finished", 2_000), linked("Start", "started")]
    s = run(steps=STEPS, outcomes=outcomes).summary
    assert s["total_outcome_payments"] == pytest.approx(16_000)
    assert s["people_paid_for"] == pytest.approx(8)


def test_an_unlinked_outcome_may_build_on_a_linked_one() -> None:
    # 4 finish; 75 % of them keep it a year: 3 people x 4 000 = 12 000 on top of 4 x 2 000.
    outcomes = [
        linked("Finish", "finished", 2_000),
        {"name": "kept", "price": 4_000, "rate": 0.75, "requires": "finished", "payment_year": 3},
    ]
    s = run(steps=STEPS, outcomes=outcomes).summary
    assert s["total_outcome_payments"] == pytest.approx(20_000)
    assert s["people_paid_for"] == pytest.approx(4)


def test_two_rows_on_the_same_step_pay_the_same_people() -> None:
    # Two payments for the 4 who finish (e.g. a bonus): 4 x (2 000 + 500), 4 people.
    outcomes = [linked("Finish", "finished", 2_000), linked("Finish", "bonus", 500, 3)]
    s = run(steps=STEPS, outcomes=outcomes).summary
    assert s["total_outcome_payments"] == pytest.approx(10_000)
    assert s["people_paid_for"] == pytest.approx(4)
    assert s["paid_achievements"] == pytest.approx(8)


@pytest.mark.parametrize(
    ("outcome", "steps", "path", "words"),
    [
        ({"chain_step": "Finish", "rate": 0.4}, STEPS, "outcomes[0].rate", "empty"),
        ({}, STEPS, "outcomes[0].rate", "chain step"),
        ({"chain_step": "Finnish"}, STEPS, "outcomes[0].chain_step", "'Start', 'Finish'"),
        (
            {"chain_step": "Start"},
            [STEPS[0], {"name": "Start", "rate": 0.5}],
            "outcomes[0].chain_step",
            "2 steps",
        ),
    ],
)
def test_bad_links_name_the_field(
    outcome: dict[str, Any], steps: list[dict[str, Any]], path: str, words: str
) -> None:
    row = {"name": "o", "price": 1_000, "payment_year": 2, **outcome}
    with pytest.raises(InputError) as err:
        run(steps=steps, outcomes=[row])
    problem = {p.path: p for p in err.value.problems}[path]
    assert words in problem.allowed


def test_a_linked_row_may_not_name_what_it_builds_on() -> None:
    outcomes = [linked("Start", "started"), {**linked("Finish", "f"), "requires": "started"}]
    with pytest.raises(InputError) as err:
        run(steps=STEPS, outcomes=outcomes)
    assert [p.path for p in err.value.problems] == ["outcomes[1].requires"]


def test_construction_savings_are_not_income_transfers() -> None:
    # Kommune saves 3 000 a year per additional success under the construction ceiling
    # (anlæg), e.g. fewer care places to build. A = 10 x (0.5 - 0.1) = 4 from year 2:
    # 12 000 a year in years 2 and 3. The service ceiling sees none of it; transfers none.
    consequences = [
        {
            "label": "Build",
            "budget_holder": "kommune",
            "ceiling": "construction",
            "annual_saving": 3_000,
        },
        {
            "label": "Other",
            "budget_holder": "kommune",
            "ceiling": "outside",
            "annual_saving": 1_000,
        },
    ]
    result = CALCULATOR.run(with_(consequences=consequences))
    budget = result.tables["budget"]
    assert budget["construction_savings"].tolist() == pytest.approx([0, 12_000, 12_000])
    assert budget["other_savings"].tolist() == pytest.approx([0, 4_000, 4_000])
    assert budget["transfer_savings"].tolist() == [0, 0, 0]
    without = CALCULATOR.run(with_(consequences=[{**consequences[0], "annual_saving": 0}]))
    assert budget["service_ceiling_effect"].tolist() == pytest.approx(
        without.tables["budget"]["service_ceiling_effect"].tolist()
    )
    total = budget["total_budget_effect"] - without.tables["budget"]["total_budget_effect"]
    assert total.tolist() == pytest.approx([0, 16_000, 16_000])
    by_ceiling = result.summary["municipal_savings_by_ceiling"]
    assert by_ceiling == pytest.approx(
        {"service": 0, "transfer": 0, "construction": 24_000, "outside": 8_000}
    )


@st.composite
def linked_programmes(draw: st.DrawFn) -> tuple[dict[str, Any], list[float], list[int]]:
    rates = draw(st.lists(st.floats(0, 1), min_size=1, max_size=5))
    steps = [{"name": f"s{i}", "rate": r} for i, r in enumerate(rates)]
    picks = draw(st.lists(st.integers(0, len(rates) - 1), min_size=1, max_size=4))
    prices = draw(st.lists(st.floats(0, 1e5), min_size=len(picks), max_size=len(picks)))
    outcomes = [
        linked(f"s{k}", f"o{i}", price, 1)
        for i, (k, price) in enumerate(zip(picks, prices, strict=True))
    ]
    cohort = draw(st.integers(1, 1_000))
    data = with_(cohort_size=cohort, steps=steps, outcomes=outcomes, delivery_costs=[0], years=3)
    return data, prices, picks


@settings(max_examples=120, deadline=None)
@given(linked_programmes())
def test_linked_rates_are_the_chain_shares(
    case: tuple[dict[str, Any], list[float], list[int]],
) -> None:
    data, prices, picks = case
    rates = [s["rate"] for s in data["steps"]]
    cohort = data["cohort_size"]
    # reference: people reaching step k in a plain loop
    reach = []
    people = float(cohort)
    for r in rates:
        people *= r
        reach.append(people)
    result = CALCULATOR.run(data)
    want = sum(reach[k] * p for k, p in zip(picks, prices, strict=True))
    assert result.summary["total_outcome_payments"] == pytest.approx(want, rel=1e-9, abs=1e-6)
    # everyone paid for reached the earliest linked step: counted once
    assert result.summary["people_paid_for"] == pytest.approx(reach[min(picks)], rel=1e-9, abs=1e-9)
    assert result.summary["paid_achievements"] == pytest.approx(
        sum(reach[k] for k in picks), rel=1e-9, abs=1e-9
    )
    assert np.isfinite(result.tables["yearly"].select_dtypes("number").to_numpy()).all()
