"""Outcome-risk simulation: seeded determinism, zero-spread equivalence with the payment model,
the simulated mean against the expected payment, the vectorised IRR against the scalar one,
caps per path, bad input and the command line."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from portal_tools.calculators import payment, risk
from portal_tools.calculators.risk import CALCULATOR, beta_quantile_table, irr_paths
from portal_tools.cashflow import irr
from portal_tools.cli import main
from portal_tools.errors import InputError
from portal_tools.scenario import load_preset, preset_data

PAYMENT: dict[str, Any] = {
    "cohort_size": 200,
    "years": 5,
    "delivery_costs": [1_000_000, 1_000_000, 500_000],
    "outcomes": [
        {"name": "Job", "price": 40_000, "rate": 0.4, "payment_year": 2, "value": 90_000},
        {
            "name": "Lasting job",
            "price": 60_000,
            "rate": 0.25,
            "payment_year": 3,
            "payment_profile": [0.5, 0.5],
            "value": 150_000,
        },
    ],
}


def scenario(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "payment": PAYMENT,
        "uncertainty": {"Job": {"spread": 0.1}, "Lasting job": {"spread": 0.08}},
        "correlation": 0.4,
        "paths": 5_000,
        "seed": 11,
    }
    data.update(changes)
    return data


def test_same_seed_same_result_other_seed_differs() -> None:
    a = CALCULATOR.run(scenario()).to_json()
    b = CALCULATOR.run(scenario()).to_json()
    c = CALCULATOR.run(scenario(seed=12)).to_json()
    assert a == b
    assert a != c


def test_summary_has_the_documented_keys_and_percentile_mappings() -> None:
    s = CALCULATOR.run(scenario()).summary
    for key in (
        "total_outcome_payments_percentiles",
        "investor_irr_percentiles",
        "investor_moic_percentiles",
    ):
        assert list(s[key]) == ["5", "25", "50", "75", "95"]
    q = s["total_outcome_payments_percentiles"]
    assert q["5"] <= q["25"] <= q["50"] <= q["75"] <= q["95"]
    assert 0 < s["prob_investor_loss"] < 1
    assert s["expected_loss_given_loss"] > 0
    assert 0 <= s["prob_commissioner_overpays"] <= 1


def test_zero_spread_without_cohort_noise_equals_the_payment_model_on_every_path() -> None:
    data = scenario(uncertainty={}, cohort_noise=False, paths=300)
    data["payment"] = {**PAYMENT, "total_cap": 4_000_000, "return_cap": 0.05}
    result = CALCULATOR.run(data)
    expected = payment.CALCULATOR.run(data["payment"]).summary
    contract = payment.contract_arrays(payment.CALCULATOR.parse(data["payment"]))
    sim = risk.simulate(contract, np.zeros(2), 0.4, False, 300, 1)
    assert np.allclose(sim.total_payments, expected["total_outcome_payments"], rtol=0, atol=1e-6)
    assert np.allclose(sim.irr, expected["investor_irr"], rtol=0, atol=1e-9)
    s = result.summary
    for p in ("5", "50", "95"):
        assert s["total_outcome_payments_percentiles"][p] == pytest.approx(
            expected["total_outcome_payments"], abs=1e-6
        )
        assert s["investor_irr_percentiles"][p] == pytest.approx(expected["investor_irr"], abs=1e-9)
    assert s["prob_caps_bind"] == 1.0


def test_simulated_mean_is_within_tolerance_of_the_expected_payment_without_caps() -> None:
    """Without caps or triggers payments are linear in the rates, so the simulated mean must be
    the expected payment up to Monte Carlo error: tolerance 4 standard errors of the mean."""
    data = scenario(paths=40_000, correlation=0.7)
    result = CALCULATOR.run(data)
    expected = payment.CALCULATOR.run(PAYMENT).summary["total_outcome_payments"]
    contract = payment.contract_arrays(payment.CALCULATOR.parse(PAYMENT))
    sim = risk.simulate(contract, [0.1, 0.08], 0.7, True, 40_000, 11)
    stderr = sim.total_payments.std() / math.sqrt(sim.total_payments.size)
    assert abs(result.summary["mean_total_outcome_payments"] - expected) < 4 * stderr
    assert abs(sim.rates.mean(axis=0) - [0.4, 0.25]).max() < 0.003


def test_achieved_rates_have_the_stated_spread_and_correlation() -> None:
    contract = payment.contract_arrays(payment.CALCULATOR.parse(PAYMENT))
    sim = risk.simulate(contract, [0.1, 0.08], 1.0, False, 40_000, 3)
    assert sim.rates.std(axis=0) == pytest.approx([0.1, 0.08], rel=0.03)
    assert np.atleast_2d(np.corrcoef(sim.rates.T))[0, 1] > 0.97
    independent = risk.simulate(contract, [0.1, 0.08], 0.0, False, 40_000, 3)
    assert abs(np.atleast_2d(np.corrcoef(independent.rates.T))[0, 1]) < 0.03


@pytest.mark.parametrize(("mean", "spread"), [(0.5, 0.1), (0.05, 0.04), (0.9, 0.2), (0.3, 1e-4)])
def test_beta_quantile_table_has_the_stated_mean_and_spread(mean: float, spread: float) -> None:
    z = np.random.default_rng(5).standard_normal(400_000)
    x = np.interp(z, risk._Z_GRID, beta_quantile_table(mean, spread))
    assert x.mean() == pytest.approx(mean, abs=spread * 0.01 + 1e-6)
    assert x.std() == pytest.approx(spread, rel=0.01)
    assert x.min() >= 0 and x.max() <= 1


def _binomial_cdf(n: int, p: float) -> np.ndarray:
    return np.cumsum([math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)])


@pytest.mark.parametrize(
    ("n", "p"), [(120, 0.25), (120, 0.5), (120, 0.7), (400, 0.06), (120, 0.08)]
)
def test_cohort_counts_follow_the_binomial_distribution(n: int, p: float) -> None:
    """The skew-corrected normal approximation (large n p (1 - p); the exact draw otherwise)
    matches the binomial distribution function within sampling noise (400 000 draws: standard
    error at most 0.0008), its mean and variance, and stays a whole number from 0 to n."""
    rng = np.random.default_rng(5)
    counts = risk.cohort_counts(rng, n, np.full(400_000, p))
    assert np.all(counts == np.round(counts)) and counts.min() >= 0 and counts.max() <= n
    empirical = np.searchsorted(np.sort(counts), np.arange(n + 1), side="right") / counts.size
    assert np.abs(empirical - _binomial_cdf(n, p)).max() < 0.0035
    assert counts.mean() == pytest.approx(n * p, rel=0.003)
    assert counts.var() == pytest.approx(n * p * (1 - p), rel=0.01)


def test_cohort_counts_use_exact_draws_for_small_variance_and_edge_rates() -> None:
    rng = np.random.default_rng(9)
    rates = np.array([0.0, 1.0, 0.01, 0.5])
    counts = risk.cohort_counts(rng, 120, np.tile(rates, (20_000, 1)))
    assert np.all(counts[:, 0] == 0) and np.all(counts[:, 1] == 120)
    # variance 1.19: exact, so a count of 0 has its binomial probability 0.99**120 = 0.2994
    assert (counts[:, 2] == 0).mean() == pytest.approx(0.99**120, abs=0.012)
    assert not np.isnan(counts).any()


def test_grid_interpolation_is_numpy_interp_bit_for_bit() -> None:
    """The simulation's arithmetic interval search gives exactly NumPy's interpolation (so the
    seeded draws are unchanged), inside the grid, on its points and beyond its ends."""
    rng = np.random.default_rng(3)
    tables = np.stack(
        [beta_quantile_table(p, s) for p, s in [(0.3, 0.1), (0.9, 0.05), (0.02, 0.01), (0.5, 0)]]
    )
    z = rng.standard_normal((50_000, 4)) * 4
    z[:40] = risk._Z_GRID[rng.integers(0, risk._Z_GRID.size, (40, 4))]
    z[40] = [-8.5, 8.5, 9.0, -9.0]
    # one floating-point step either side of every grid point (where the interval arithmetic
    # rounds to the neighbouring interval and must be corrected)
    near = np.concatenate([np.nextafter(risk._Z_GRID, -np.inf), np.nextafter(risk._Z_GRID, np.inf)])
    z[100 : 100 + near.size] = near[:, None]
    want = np.stack([np.interp(z[:, o], risk._Z_GRID, tables[o]) for o in range(4)], axis=1)
    assert np.array_equal(risk.interp_z_grid(z, tables), want)


def test_vectorised_irr_matches_the_scalar_irr() -> None:
    """Every path gets exactly the scalar rule (one implementation; no grid that misses roots)."""
    rng = np.random.default_rng(8)
    investor_like = np.concatenate(
        [-rng.uniform(0.5, 2, size=(500, 3)), rng.uniform(0, 1.5, size=(500, 3))], axis=1
    )
    messy = rng.normal(size=(500, 6))
    messy[:, 0] -= 1
    flows = np.vstack([investor_like, messy, np.zeros((1, 6)), -np.ones((1, 6))])
    got = irr_paths(flows)
    for row, value in zip(flows, got, strict=True):
        want = irr(row)
        assert (want is None and np.isnan(value)) or (
            want is not None and abs(want - value) <= 1e-12 * max(1, abs(want))
        )
    assert np.isnan(got[-1]) and np.isnan(got[-2])
    assert not np.isnan(got[:500]).any()


def test_return_cap_applies_per_path() -> None:
    data = scenario(paths=2_000)
    data["payment"] = {**PAYMENT, "return_cap": 0.04}
    result = CALCULATOR.run(data)
    irr_q = result.summary["investor_irr_percentiles"]
    assert irr_q["95"] == pytest.approx(0.04, abs=1e-7)
    assert result.summary["prob_caps_bind"] > 0


def test_no_values_gives_null_overpay_probability_and_no_nan_anywhere() -> None:
    outcomes = [{k: v for k, v in o.items() if k != "value"} for o in PAYMENT["outcomes"]]
    result = CALCULATOR.run(scenario(payment={**PAYMENT, "outcomes": outcomes}))
    assert result.summary["prob_commissioner_overpays"] is None
    text = result.to_json()
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text)


def test_deep_losses_without_a_rate_rank_lowest_and_show_as_none() -> None:
    data = scenario(paths=1_000, uncertainty={"Job": {"spread": 0.3}}, correlation=1.0)
    data["payment"] = {
        **PAYMENT,
        "outcomes": [{**PAYMENT["outcomes"][0], "threshold": 0.45}],
    }
    s = CALCULATOR.run(data).summary
    assert s["share_paths_without_irr"] > 0.05
    assert s["investor_irr_percentiles"]["5"] is None
    assert s["expected_loss_given_loss"] == pytest.approx(2_500_000, rel=0.2)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"uncertainty": {"Nope": {"spread": 0.1}}}, "uncertainty.Nope"),
        ({"uncertainty": {"Job": {"spread": 0.49}}}, "uncertainty.Job.spread"),
        ({"uncertainty": {"Job": {"spread": -0.1}}}, "uncertainty.Job.spread"),
        ({"correlation": 1.5}, "correlation"),
        ({"paths": 10}, "paths"),
        ({"paths": 10_000_000}, "paths"),
        ({"seed": -1}, "seed"),
        ({"payment": {**PAYMENT, "years": 2}}, "payment.delivery_costs"),
        ({"payment": {**PAYMENT, "cohort_size": 0}}, "payment.cohort_size"),
        ({"correlation": float("nan")}, "correlation"),
    ],
)
def test_bad_input_names_the_field(change: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError) as err:
        CALCULATOR.run(scenario(**change))
    assert path in [p.path for p in err.value.problems], err.value.problems


def test_slow_runs_report_progress() -> None:
    calls: list[float] = []
    inputs = CALCULATOR.parse(scenario(paths=20_000))
    assert CALCULATOR.compute_with_progress is not None
    CALCULATOR.compute_with_progress(inputs, calls.append)
    assert calls == sorted(calls) and calls[-1] == 1.0 and len(calls) == 5
    assert not CALCULATOR.slow(inputs)
    assert CALCULATOR.slow(CALCULATOR.parse(scenario(paths=500_000)))


def test_presets_run_and_label_their_assumptions() -> None:
    for name in ("risk_aalborg_employment", "creaming_three_segments"):
        scenario_ = load_preset(name)
        assert preset_data(name)["assumptions"]
        scenario_.calculator.compute_valid(scenario_.inputs)


def test_cli_runs_a_risk_scenario_and_reports_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "risk.yaml"
    good.write_text(yaml.safe_dump({"calculator": "risk", "inputs": scenario(paths=500)}))
    assert main(["run", str(good), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["calculator"] == "risk"
    assert set(out["tables"]) == {"percentiles", "fan", "irr_histogram", "outcomes"}
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump({"calculator": "risk", "inputs": scenario(correlation=2, paths=1)})
    )
    assert main(["run", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and any("correlation" in line for line in err)


def test_form_shows_progress_for_a_slow_run_and_hides_it_afterwards() -> None:
    import dataclasses

    from portal_tools.ui.form import CalculatorApp

    slow = dataclasses.replace(CALCULATOR, slow=lambda _inputs: True)
    seen: list[float] = []
    app = CalculatorApp(slow, initial=scenario(paths=9_000))
    app.progress.observe(lambda change: seen.append(change["new"]), names="value")
    app.update()
    assert seen[0] == 0.0 and seen[-1] == 1.0 and len(seen) == 4
    assert app.progress.layout.display == "none"
    assert app.result is not None and app.result.summary["paths"] == 9_000


V2_PAYMENT: dict[str, Any] = {
    **PAYMENT,
    "periods_per_year": 4,
    "payment_lag_months": 6,
    "price_indexation": 0.02,
    "cost_inflation": 0.03,
    "outcomes": [
        {**PAYMENT["outcomes"][0], "baseline_rate": 0.1},
        {**PAYMENT["outcomes"][1], "requires": "Job", "rate": 0.6},
    ],
    "capital": {
        "management_fee_rate": 0.05,
        "capital_protection": 0.7,
        "return_cap_multiple": 1.3,
        "excess_share_to_provider": 0.5,
    },
}


def test_zero_spread_reproduces_the_v2_payment_model_on_every_path() -> None:
    """Quarterly periods, a lag, a baseline, nesting, indexation and the whole capital block:
    without uncertainty every path is the payment model's result, guarantor included."""
    expected = payment.CALCULATOR.run(V2_PAYMENT).summary
    contract = payment.contract_arrays(payment.CALCULATOR.parse(V2_PAYMENT))
    sim = risk.simulate(contract, np.zeros(2), 0.4, False, 200, 1)
    assert np.allclose(sim.total_payments, expected["total_outcome_payments"], rtol=1e-12)
    assert np.allclose(sim.guarantor, expected["guarantor_payment"], rtol=1e-12, atol=1e-6)
    assert np.allclose(sim.cumulative[:, -1], expected["investor_net"], rtol=1e-12, atol=1e-6)
    assert np.allclose(sim.irr, expected["investor_irr"], rtol=0, atol=1e-9)
    # the commissioner pays the provider's bonus too (half of what the multiple cap removes)
    assert expected["provider_bonus"] > 0
    net = sim.value_pv - sim.payments_pv
    assert np.allclose(net, expected["commissioner_net_value_pv"], rtol=1e-12, atol=1e-6)
    # the fan's years: five contract years and a sixth with the lagged payments
    assert sim.cumulative.shape == (200, 6)


def test_guarantor_pays_the_shortfall_below_the_protected_share_on_every_path() -> None:
    """Per path, by hand: the outlay is the indexed costs plus the 5 % fee, and the guarantor
    pays max(0, 70 % of it - payments); the investor never gets back less than 70 %."""
    data = scenario(payment=V2_PAYMENT, paths=4_000, cohort_spread=0.2)
    result = CALCULATOR.run(data)
    contract = payment.contract_arrays(payment.CALCULATOR.parse(V2_PAYMENT))
    sim = risk.simulate(contract, [0.1, 0.08], 0.4, True, 4_000, 11, cohort_spread=0.2)
    outlay = 1.05 * (1_000_000 + 1_000_000 * 1.03 + 500_000 * 1.03**2)
    assert result.summary["total_investor_outlay"] == pytest.approx(outlay, rel=1e-12)
    want = np.maximum(0.7 * outlay - sim.total_payments, 0.0)
    assert np.allclose(sim.guarantor, want, rtol=1e-12, atol=1e-6)
    assert np.all(sim.total_payments + sim.guarantor >= 0.7 * outlay - 1e-6)
    pays = float((sim.total_payments < 0.7 * outlay).mean())
    assert 0 < pays < 1
    assert result.summary["prob_guarantor_pays"] == pytest.approx(pays)
    assert result.summary["expected_guarantor_payment"] == pytest.approx(float(want.mean()))


def test_referral_spread_draws_cohorts_with_the_stated_mean_and_spread() -> None:
    """Cohorts are lognormal with mean N and relative spread s (4 standard errors); without
    rate uncertainty, noise or caps every path pays its own cohort times the expected amount
    per person referred."""
    plain = {**PAYMENT, "cohort_size": 1_000}
    contract = payment.contract_arrays(payment.CALCULATOR.parse(plain))
    sim = risk.simulate(contract, np.zeros(2), 0.0, False, 20_000, 5, cohort_spread=0.25)
    n = sim.cohort
    assert abs(n.mean() - 1_000) < 4 * 250 / math.sqrt(n.size)
    assert abs(n.std() / 1_000 - 0.25) < 0.01
    assert np.all(n == np.round(n)) and np.all(n >= 0)
    per_person = 0.4 * 40_000 + 0.25 * 60_000
    assert np.allclose(sim.total_payments, n * per_person, rtol=1e-12)
    # no referral spread: the draws of a seed are those of the first version
    again = risk.simulate(contract, [0.1, 0.08], 0.4, True, 3_000, 5)
    same = risk.simulate(contract, [0.1, 0.08], 0.4, True, 3_000, 5, cohort_spread=0.0)
    assert np.array_equal(again.total_payments, same.total_payments)
    assert np.all(again.cohort == 1_000)
