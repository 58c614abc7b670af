"""What the risk calculator reports: percentiles of the simulated paths, the tables, metrics and
notes, and :func:`compute`, which runs the simulation on the inputs and assembles the result."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from portal_tools import cashflow
from portal_tools.calculators import payment
from portal_tools.calculators.payment import ContractArrays
from portal_tools.calculators.risk.engine import PathResults, Progress, simulate, year_ends
from portal_tools.calculators.risk.inputs import F64, RiskInputs
from portal_tools.formatting import percent
from portal_tools.results import Metric, Result, format_value

PERCENTILES = (5, 25, 50, 75, 95)


def _percentiles(values: F64) -> dict[str, float]:
    q = np.percentile(values, PERCENTILES, method="inverted_cdf")
    return {str(p): float(v) for p, v in zip(PERCENTILES, q, strict=True)}


def _optional_percentiles(values: F64 | None) -> dict[str, float | None] | None:
    """Percentiles of a measure that may not exist: ``None`` when it exists on no path (or
    ``values`` is ``None``); a percentile that is not finite shows as ``None``."""
    if values is None or not np.isfinite(values).any():
        return None
    q = np.percentile(
        np.where(np.isnan(values), -np.inf, values), PERCENTILES, method="inverted_cdf"
    )
    return {
        str(p): (float(v) if math.isfinite(v) else None)
        for p, v in zip(PERCENTILES, q, strict=True)
    }


def _irr_percentiles(irr: F64, net: F64) -> dict[str, float | None]:
    """Empirical IRR percentiles; paths without a rate rank below all (a loss) or above all."""
    key = np.where(np.isnan(irr), np.where(net < 0, -np.inf, np.inf), irr)
    q = np.percentile(key, PERCENTILES, method="inverted_cdf")
    return {
        str(p): (float(v) if math.isfinite(v) else None)
        for p, v in zip(PERCENTILES, q, strict=True)
    }


def _histogram(irr: F64, bins: int = 30) -> pd.DataFrame:
    """IRR histogram over the 1st-99th percentile range in about ``bins`` bars with an edge at 0;
    paths outside the range are counted in the end bars."""
    finite = irr[np.isfinite(irr)]
    columns = ["bin_start", "bin_end", "paths", "share", "loss_region"]
    if finite.size == 0:
        return pd.DataFrame({c: [] for c in columns})
    lo, hi = np.percentile(finite, [1, 99], method="inverted_cdf")
    if hi - lo < 1e-6:
        lo, hi = lo - 0.005, hi + 0.005
    width = (hi - lo) / bins
    # Zero is always a bin edge, so a bar is either wholly a loss or wholly a gain.
    start = math.floor(lo / width) * width
    edges = start + width * np.arange(math.ceil((hi - start) / width - 1e-9) + 1)
    counts, edges = np.histogram(np.clip(finite, edges[0], edges[-1]), bins=edges)
    return pd.DataFrame(
        {
            "bin_start": edges[:-1],
            "bin_end": edges[1:],
            "paths": counts.astype(int),
            "share": counts / irr.size,
            "loss_region": edges[1:] <= 0,
        }
    )


METRICS = {
    "paths": Metric("Simulated paths", "count"),
    "seed": Metric("Random seed", "text", "the same seed always gives the same result"),
    "mean_total_outcome_payments": Metric("Mean total outcome payments", "money"),
    "deterministic_total_outcome_payments": Metric(
        "Total payments at the expected rates", "money", "the payment calculator's result"
    ),
    "total_outcome_payments_percentiles": Metric("Total outcome payments, percentiles", "money"),
    "investor_irr_percentiles": Metric(
        "Investor IRR, percentiles",
        "rate",
        "by the portal's IRR rule on every path; a path without an IRR ranks below every rate "
        "when the investor loses money and above every rate otherwise",
    ),
    "deterministic_investor_irr": Metric("Investor IRR at the expected rates", "rate"),
    "deterministic_investor_irr_status": Metric(
        "Investor IRR status at the expected rates", "text"
    ),
    "investor_mirr_percentiles": Metric(
        "Investor modified IRR, percentiles", "rate", "at the discount rate used"
    ),
    "investor_npv_at_hurdle_percentiles": Metric(
        "Investor NPV at the hurdle rate, percentiles", "money", "at the discount rate used"
    ),
    "investor_moic_percentiles": Metric(
        "Money multiple, percentiles", "ratio", "payments and guarantor over the outlay"
    ),
    "prob_investor_loss": Metric(
        "Probability the investor loses money",
        "share",
        "payments and guarantor below its outlay",
    ),
    "expected_loss_given_loss": Metric(
        "Expected loss, if a loss",
        "money",
        "mean of the outlay minus payments and guarantor over losing paths",
    ),
    "share_paths_without_irr": Metric("Paths without an IRR", "share"),
    "paths_without_irr_by_reason": Metric(
        "Paths without an IRR, by reason",
        "share",
        "no_sign_change, financing, several_rates, no_rate (see the IRR rule)",
    ),
    "prob_caps_bind": Metric("Probability that a cap removes money", "share"),
    "prob_commissioner_overpays": Metric(
        "Probability the commissioner pays more than the value",
        "share",
        "PV of payments above PV of the value of achievements",
    ),
    "total_delivery_costs": Metric("Delivery costs (investor funds)", "money"),
    "total_investor_outlay": Metric("Investor's outlay", "money", "delivery costs and fees"),
    "expected_guarantor_payment": Metric(
        "Expected payment by the guarantor", "money", "mean over all worlds"
    ),
    "prob_guarantor_pays": Metric("Probability the guarantor pays", "share"),
    "mean_cohort": Metric("Mean number referred", "count"),
}


def compute(inputs: RiskInputs, progress: Progress | None = None) -> Result:
    """Simulate ``inputs.paths`` worlds and summarise them.

    Summary keys: ``mean_total_outcome_payments``, ``total_outcome_payments_percentiles``,
    ``investor_irr_percentiles`` (values may be ``None``), ``investor_moic_percentiles`` (each
    ``"5"``, ``"25"``, ``"50"``, ``"75"``, ``"95"`` -> value), ``prob_investor_loss``,
    ``expected_loss_given_loss`` (``None`` without losing paths), ``prob_commissioner_overpays``
    (``None`` when no outcome has a value) and more (see ``METRICS``). Tables: ``percentiles``,
    ``fan`` (cumulative investor position by year), ``irr_histogram`` and ``outcomes``.
    """
    contract = payment.contract_arrays(inputs.payment)
    spreads = inputs.spreads()
    sim = simulate(
        contract,
        spreads,
        inputs.correlation,
        inputs.cohort_noise,
        inputs.paths,
        inputs.seed,
        progress,
        inputs.cohort_spread,
    )
    deterministic = payment.compute(inputs.payment)
    costs = float(contract.costs.sum())
    spent = float(contract.outlay.sum())
    net = sim.cumulative[:, -1]
    losing = net < 0
    moic = _money_multiples(sim.total_payments + sim.guarantor, spent)
    protected = contract.protection > 0
    valued = bool(contract.valued.any())
    reasons = {
        reason: float(np.mean(sim.irr_code == code))
        for code, reason in enumerate(cashflow.IRR_REASONS)
        if code != cashflow.IRR_DEFINED
    }
    summary = {
        "paths": inputs.paths,
        "seed": inputs.seed,
        "mean_total_outcome_payments": float(sim.total_payments.mean()),
        "deterministic_total_outcome_payments": deterministic.summary["total_outcome_payments"],
        "total_outcome_payments_percentiles": _percentiles(sim.total_payments),
        "investor_irr_percentiles": _irr_percentiles(sim.irr, net),
        "deterministic_investor_irr": deterministic.summary["investor_irr"],
        "deterministic_investor_irr_status": deterministic.summary["investor_irr_status"],
        "investor_mirr_percentiles": _optional_percentiles(sim.mirr),
        "investor_npv_at_hurdle_percentiles": _percentiles(sim.npv_at_hurdle),
        "investor_moic_percentiles": _optional_percentiles(moic),
        "prob_investor_loss": float(losing.mean()),
        "expected_loss_given_loss": float(-net[losing].mean()) if losing.any() else None,
        "share_paths_without_irr": float(np.isnan(sim.irr).mean()),
        "paths_without_irr_by_reason": reasons,
        "prob_caps_bind": float((sim.uncapped_payments - sim.total_payments > 1e-6).mean()),
        "prob_commissioner_overpays": (
            float((sim.payments_pv > sim.value_pv).mean()) if valued else None
        ),
        "total_delivery_costs": costs,
        "total_investor_outlay": spent,
        "expected_guarantor_payment": float(sim.guarantor.mean()) if protected else None,
        "prob_guarantor_pays": float((sim.guarantor > 0).mean()) if protected else None,
        "mean_cohort": float(sim.cohort.mean()),
    }
    tables = _tables(inputs, contract, sim, spreads, moic, deterministic)
    return Result(
        "risk", summary, tables, METRICS, _notes(summary, inputs), inputs.payment.currency
    )


def _money_multiples(total_payments: F64, costs: float) -> F64 | None:
    """What the investor receives over its outlay per path; ``None`` without an outlay or
    where the ratio is too large to represent (an outlay that vanishes against the payments)."""
    if costs <= 0:
        return None
    with np.errstate(over="ignore"):
        moic = total_payments / costs
    return moic if bool(np.isfinite(moic).all()) else None


def _tables(
    inputs: RiskInputs,
    contract: ContractArrays,
    sim: PathResults,
    spreads: F64,
    moic: F64 | None,
    deterministic: Result,
) -> dict[str, pd.DataFrame]:
    net = sim.cumulative[:, -1]
    irr = _irr_percentiles(sim.irr, net)
    percentiles = pd.DataFrame(
        {
            "percentile": list(PERCENTILES),
            "total_outcome_payments": list(_percentiles(sim.total_payments).values()),
            "investor_net": list(_percentiles(net).values()),
            "investor_irr": pd.Series(list(irr.values()), dtype=object),
            "investor_moic": pd.Series(
                list(_percentiles(moic).values()) if moic is not None else [None] * 5,
                dtype=object,
            ),
            "investor_npv_at_hurdle": list(_percentiles(sim.npv_at_hurdle).values()),
        }
    )
    fan_q = np.percentile(sim.cumulative, PERCENTILES, axis=0, method="inverted_cdf")
    ends = year_ends(contract)
    expected = deterministic.tables["yearly"]["investor_cumulative"].to_numpy()[ends]
    fan = pd.DataFrame(
        {
            "year": np.arange(1, ends.size + 1),
            **{f"p{p}": fan_q[i] for i, p in enumerate(PERCENTILES)},
            "mean": sim.cumulative.mean(axis=0),
            "expected_rates": expected,
        }
    )
    rate_q = np.percentile(sim.rates, [5, 95], axis=0, method="inverted_cdf")
    outcomes = pd.DataFrame(
        {
            "outcome": list(contract.names),
            "builds_on": pd.Series(
                [payment.parent_name(o) for o in inputs.payment.outcomes], dtype=object
            ),
            "expected_rate": contract.rate,
            "conditional_rate": contract.conditional_rate,
            "spread": spreads,
            "mean_achieved_rate": sim.rates.mean(axis=0),
            "achieved_rate_p5": rate_q[0],
            "achieved_rate_p95": rate_q[1],
        }
    )
    return {
        "percentiles": percentiles,
        "fan": fan,
        "irr_histogram": _histogram(sim.irr),
        "outcomes": outcomes,
    }


def _notes(summary: dict[str, object], inputs: RiskInputs) -> list[str]:
    cur = inputs.payment.currency
    notes: list[str] = []
    loss = float(summary["prob_investor_loss"])  # type: ignore[arg-type]
    worlds = percent(loss, minus_zero=True)
    if loss > 0:
        notes.append(
            f"In {worlds} of {inputs.paths:,} simulated worlds the investor gets back less than it "
            f"put in; when it loses, it loses "
            f"{format_value(summary['expected_loss_given_loss'], 'money', cur)} on average."
        )
    else:
        notes.append(f"In none of {inputs.paths:,} simulated worlds does the investor lose money.")
    irr = summary["investor_irr_percentiles"]
    assert isinstance(irr, dict)
    low, mid = irr["5"], irr["50"]
    notes.append(
        "One world in twenty ends with an investor IRR of "
        + (
            "none at all (a loss no rate describes)"
            if low is None
            else f"{percent(low, minus_zero=True)} or less"
        )
        + "; the middle world gives "
        + ("no IRR" if mid is None else percent(mid, minus_zero=True))
        + "."
    )
    without = float(summary["share_paths_without_irr"])  # type: ignore[arg-type]
    if without > 0:
        by_reason = summary["paths_without_irr_by_reason"]
        assert isinstance(by_reason, dict)
        main = max(by_reason, key=lambda k: by_reason[k])
        notes.append(
            f"{percent(without, minus_zero=True)} of the worlds have no IRR (most often: "
            f"{cashflow.IRR_REASON_TEXT[main]}); their modified IRR and NPV at the discount rate "
            "are in the percentiles."
        )
    over = summary["prob_commissioner_overpays"]
    if over is not None:
        notes.append(
            f"The commissioner pays more than the (present) value of the outcomes in "
            f"{percent(float(over), minus_zero=True)} of the worlds."  # type: ignore[arg-type]
        )
    if inputs.correlation >= 0.5 and len(inputs.payment.outcomes) > 1:
        notes.append(
            "With a high correlation the outcomes succeed or fail together, so diversifying "
            "over outcomes protects the investor little."
        )
    return notes
