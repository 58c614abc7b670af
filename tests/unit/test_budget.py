"""The municipality's Budget Act view: worked examples by hand, properties and bad input."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal_tools.calculators.budget import CALCULATOR, budget_table, burden_years
from portal_tools.errors import InputError

from .helpers import all_finite, exports_parse_back

SMALL: dict[str, Any] = {
    "capital_received": [100, 100, 0],
    "intervention_costs": [100, 120, 0],
    "outcome_payments": [0, 50, 80],
    "service_savings": [0, 30, 60],
    "transfer_savings": [0, 40, 40],
}


def test_small_budget_by_hand() -> None:
    # Service-ceiling effect = capital - costs - payments + service savings:
    #   year 1: 100 - 100 - 0 + 0 = 0; year 2: 100 - 120 - 50 + 30 = -40;
    #   year 3: 0 - 0 - 80 + 60 = -20.
    # Total budget effect adds transfer savings: 0, 0, 20.
    # Years burdening the ceiling: 2 and 3, by 40 and 20: 60 to be found, no room freed.
    # The whole budget gains 20 over the three years, but only through transfer savings.
    result = CALCULATOR.run(SMALL)
    s = result.summary
    assert s["service_ceiling_effect_by_year"] == pytest.approx([0, -40, -20])
    assert s["total_budget_effect_by_year"] == pytest.approx([0, 0, 20])
    assert s["service_ceiling_burden_by_year"] == pytest.approx([0, 40, 20])
    assert s["service_ceiling_burden_total"] == pytest.approx(60)
    assert s["service_ceiling_room_total"] == 0
    assert s["cumulative_total_budget_effect"] == pytest.approx(20)
    assert s["years_burdening_service_ceiling"] == [2, 3]
    assert s["largest_yearly_burden"] == pytest.approx(40)
    assert any(
        "as a whole gains 20 DKK over 3 years" in n and "burden of 60 DKK" in n
        for n in result.notes
    )
    assert not any("does not pay for these burdens" in n for n in result.notes)
    table = result.tables["yearly"]
    assert table["burdens_service_ceiling"].tolist() == [False, True, True]


def test_room_in_one_year_does_not_offset_a_burden_in_the_next() -> None:
    # Issue 17 item 6: +1 m room in year 1 (service savings with no cost), 1 m burden in year 2
    # (an outcome payment with no saving). By hand: effects +1 000 000 and -1 000 000. The
    # ceiling binds year by year, so the burden is 1 000 000 (year 2) and the room 1 000 000
    # (year 1); neither may show 0, as the netted "all years" figure used to.
    result = CALCULATOR.run(
        {
            "intervention_costs": [0, 0],
            "capital_received": [0, 0],
            "outcome_payments": [0, 1e6],
            "service_savings": [1e6, 0],
            "transfer_savings": [],
        }
    )
    s = result.summary
    assert s["service_ceiling_effect_by_year"] == [1e6, -1e6]
    assert s["service_ceiling_burden_total"] == 1e6
    assert s["service_ceiling_room_total"] == 1e6
    assert s["largest_yearly_burden"] == 1e6
    assert s["years_burdening_service_ceiling"] == [2]
    assert "cumulative_service_ceiling_effect" not in s
    assert "cumulative_service_ceiling_effect" not in result.tables["yearly"]
    assert any("does not pay for these burdens" in n for n in result.notes)
    assert "ends at 0 DKK" not in CALCULATOR.charts(result)[0].alt


def test_default_scenario_by_hand() -> None:
    # Capital equals costs in years 1-3 (neutral); payments 0, 0, 1.5m, 2m, 2m, 0 burden the
    # ceiling; service savings 0, 0.4m, 1.2m, 1.5m, 1.5m, 1.4m free room:
    # effect 0, 0.4m, -0.3m, -0.5m, -0.5m, 1.4m; total 0.5m; burdened years 3, 4, 5.
    # Burden 0.3m + 0.5m + 0.5m = 1.3m in years 3-5; room 0.4m + 1.4m = 1.8m in years 2 and 6.
    s = CALCULATOR.run({}).summary
    assert s["service_ceiling_effect_by_year"] == pytest.approx(
        [0, 400_000, -300_000, -500_000, -500_000, 1_400_000]
    )
    assert s["service_ceiling_burden_total"] == pytest.approx(1_300_000)
    assert s["service_ceiling_room_total"] == pytest.approx(1_800_000)
    assert s["years_burdening_service_ceiling"] == [3, 4, 5]
    assert s["cumulative_total_budget_effect"] == pytest.approx(500_000 + 3_600_000)


def test_empty_lists_count_as_zero() -> None:
    s = CALCULATOR.run(
        {
            "intervention_costs": [10, 10],
            "capital_received": [],
            "outcome_payments": [],
            "service_savings": [],
            "transfer_savings": [5, 5],
        }
    ).summary
    assert s["service_ceiling_effect_by_year"] == [-10, -10]
    assert s["total_budget_effect_by_year"] == [-5, -5]


def test_capital_booked_as_grant_is_neutral() -> None:
    s = CALCULATOR.run(
        {
            "intervention_costs": [5e6, 3e6],
            "capital_received": [5e6, 3e6],
            "outcome_payments": [],
            "service_savings": [],
            "transfer_savings": [],
        }
    ).summary
    assert s["service_ceiling_effect_by_year"] == [0, 0]
    assert s["years_burdening_service_ceiling"] == []


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"outcome_payments": [0, 50]}, "outcome_payments"),
        ({"intervention_costs": [100, -1, 0]}, "intervention_costs[1]"),
        ({"capital_received": ["a", 0, 0]}, "capital_received[0]"),
        ({"service_savings": [0, float("inf"), 0]}, "service_savings[1]"),
        ({"transfer_savings": [0.0] * 31}, "transfer_savings"),
        (
            {
                "intervention_costs": [],
                "capital_received": [],
                "outcome_payments": [],
                "service_savings": [],
                "transfer_savings": [],
            },
            "intervention_costs",
        ),
        ({"years": 3}, "years"),
    ],
)
def test_invalid_input_names_the_field(data: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError) as err:
        CALCULATOR.run({**SMALL, **data})
    paths = [p.path for p in err.value.problems]
    assert path in paths
    assert err.value.problems[paths.index(path)].allowed


amounts = st.floats(0, 1e8)
savings = st.floats(-1e8, 1e8)


def reference_view(columns: list[list[float]]) -> dict[str, Any]:
    """The Budget Act view by a plain per-year loop, written apart from the model: each year's
    service-ceiling effect, its burden or room (a year on its own, never netted) and the totals."""
    capital, costs, payments, service, transfer = columns
    effects, burden, room, total = [], [], [], 0.0
    for year in range(len(capital)):
        effect = capital[year] - costs[year] - payments[year] + service[year]
        effects.append(effect)
        burden.append(-effect if effect < -0.005 else 0.0)
        room.append(effect if effect > 0.005 else 0.0)
        total += effect + transfer[year]
    return {
        "effects": effects,
        "burden": burden,
        "burden_total": sum(burden),
        "room_total": sum(room),
        "years": [y + 1 for y, b in enumerate(burden) if b > 0],
        "total": total,
    }


def budget_columns(n: int) -> st.SearchStrategy[list[list[float]]]:
    """Five columns of ``n`` years: capital, costs and payments from 0, savings of either sign."""
    col = st.lists
    return st.tuples(
        col(amounts, min_size=n, max_size=n),
        col(amounts, min_size=n, max_size=n),
        col(amounts, min_size=n, max_size=n),
        col(savings, min_size=n, max_size=n),
        col(savings, min_size=n, max_size=n),
    ).map(list)


@settings(max_examples=150)
@given(st.integers(1, 30).flatmap(budget_columns))
def test_view_matches_a_plain_per_year_loop(columns: list[list[float]]) -> None:
    names = ["capital_received", "intervention_costs", "outcome_payments", "service_savings"]
    names.append("transfer_savings")
    result = CALCULATOR.run(dict(zip(names, columns, strict=True)))
    s = result.summary
    ref = reference_view(columns)
    assert s["service_ceiling_effect_by_year"] == pytest.approx(ref["effects"], rel=1e-12, abs=1e-6)
    assert s["service_ceiling_burden_by_year"] == pytest.approx(ref["burden"], rel=1e-12, abs=1e-6)
    assert s["service_ceiling_burden_total"] == pytest.approx(
        ref["burden_total"], rel=1e-9, abs=1e-3
    )
    assert s["service_ceiling_room_total"] == pytest.approx(ref["room_total"], rel=1e-9, abs=1e-3)
    assert s["largest_yearly_burden"] == pytest.approx(max(ref["burden"]), rel=1e-12, abs=1e-6)
    assert s["years_burdening_service_ceiling"] == ref["years"]
    assert s["cumulative_total_budget_effect"] == pytest.approx(ref["total"], rel=1e-9, abs=1e-3)
    assert all_finite(result.to_dict())
    exports_parse_back(result)


@settings(max_examples=100)
@given(st.integers(2, 12).flatmap(budget_columns), st.floats(1, 1e8), st.data())
def test_room_in_another_year_never_lowers_the_burden(
    columns: list[list[float]], extra: float, data: st.DataObject
) -> None:
    # More room in a year that does not burden the ceiling leaves every burden unchanged: no
    # figure nets one year against another.
    capital, costs, payments, service, transfer = (np.asarray(c) for c in columns)
    table = budget_table(capital, costs, payments, service, transfer)
    free = [i for i, b in enumerate(table["burdens_service_ceiling"]) if not b]
    if not free:
        return
    year = data.draw(st.sampled_from(free))
    more = service.copy()
    more[year] += extra
    after = budget_table(capital, costs, payments, more, transfer)
    np.testing.assert_array_equal(after["service_ceiling_burden"], table["service_ceiling_burden"])
    assert after["service_ceiling_room"].sum() >= table["service_ceiling_room"].sum()


@settings(max_examples=150)
@given(
    st.integers(1, 12).flatmap(
        lambda n: st.lists(
            st.lists(st.floats(0, 1e8), min_size=n, max_size=n), min_size=5, max_size=5
        )
    )
)
def test_properties(columns: list[list[float]]) -> None:
    capital, costs, payments, service, transfer = (np.asarray(c) for c in columns)
    table = budget_table(capital, costs, payments, service, transfer)
    without_transfers = budget_table(capital, costs, payments, service, np.zeros_like(transfer))
    # Transfer savings never change the service-ceiling effect.
    np.testing.assert_array_equal(
        table["service_ceiling_effect"], without_transfers["service_ceiling_effect"]
    )
    # Capital booked as a grant against the same costs is neutral on the ceiling.
    extra = budget_table(capital + costs, costs + costs, payments, service, transfer)
    np.testing.assert_allclose(
        extra["service_ceiling_effect"], table["service_ceiling_effect"], rtol=1e-9, atol=1e-3
    )
    # Burdened years are exactly those with a negative effect.
    expected = [i + 1 for i, v in enumerate(table["service_ceiling_effect"]) if v < -0.005]
    assert burden_years(table) == expected
    np.testing.assert_allclose(
        table["cumulative_total_budget_effect"].iloc[-1],
        float(table["service_ceiling_effect"].sum() + transfer.sum()),
        rtol=1e-9,
        atol=1e-3,
    )
