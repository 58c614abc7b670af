"""The effect-chain calculator's engine: the yearly effect path and the savings and costs by
budget holder, ceiling and year (see :mod:`portal_tools.calculators.effect_chain` for the model);
the programme model uses it too."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from portal_tools.calculators.effect_chain.inputs import CEILINGS, F64, HOLDERS, EffectChainInputs
from portal_tools.exact import EXACT, dec, exact_product, exact_sum


def effect_path(additional: float, years: int, first_effect_year: int, persistence: float) -> F64:
    """Effect per year: ``additional * persistence ** (t - first_effect_year)`` for
    ``t >= first_effect_year``, else 0 (``persistence ** 0 = 1``, also for zero persistence)."""
    t = np.arange(1, years + 1, dtype=float)
    lag = t - first_effect_year
    return np.where(lag >= 0, additional * persistence ** np.maximum(lag, 0.0), 0.0)


@dataclass(frozen=True)
class ChainFlows:
    """The chain's yearly flows by budget holder (``H`` = 3) and ceiling (``C`` = 4)."""

    successes: float
    """Successes with the programme, ``cohort * prod(rates)``."""
    baseline: float
    """Successes without it, ``cohort * baseline_rate``."""
    additional: float
    """Additional successes ``cohort * (prod(rates) - baseline_rate)``, exact then rounded once
    (may be negative)."""
    effect: F64
    """(T,) additional successes still present in each year."""
    savings: F64
    """(H, C, T) savings by holder, ceiling and year."""
    costs: F64
    """(H, T) public programme costs by holder and year."""

    @property
    def savings_by_holder(self) -> F64:
        """(H, T) savings by holder and year, all ceilings."""
        return np.asarray(self.savings.sum(axis=1))

    @property
    def net_by_holder(self) -> F64:
        """(H, T) savings minus costs."""
        return np.asarray(self.savings_by_holder - self.costs)


def chain_flows(inputs: EffectChainInputs) -> ChainFlows:
    """Successes, effect path, savings ``(H, C, T)`` and costs ``(H, T)`` of the inputs."""
    cohort = float(inputs.cohort_size)
    successes = cohort * math.prod(s.rate for s in inputs.steps)
    baseline = cohort * inputs.baseline_rate
    rate = exact_product(dec(s.rate) for s in inputs.steps)
    additional = float(
        EXACT.multiply(EXACT.subtract(rate, dec(inputs.baseline_rate)), dec(inputs.cohort_size))
    )
    effect = effect_path(additional, inputs.years, inputs.first_effect_year, inputs.persistence)
    per_success = np.zeros((len(HOLDERS), len(CEILINGS)))
    for h, holder in enumerate(HOLDERS):
        for j, ceiling in enumerate(CEILINGS):
            per_success[h, j] = float(
                exact_sum(
                    dec(c.annual_saving)
                    for c in inputs.consequences
                    if c.budget_holder == holder and c.ceiling == ceiling
                )
            )
    costs = np.zeros((len(HOLDERS), inputs.years))
    for cost in inputs.intervention_costs:
        costs[HOLDERS.index(cost.budget_holder), cost.year - 1] += cost.amount
    return ChainFlows(
        successes, baseline, additional, effect, per_success[:, :, None] * effect, costs
    )


def shares(amounts: dict[str, float]) -> dict[str, float | None]:
    """Each amount over the total, where that is a share (from 0 to 1): only when no amount is
    negative and the total is positive; otherwise ``None`` for all."""
    total = sum(amounts.values())
    if total <= 0 or any(v < 0 for v in amounts.values()):
        return dict.fromkeys(amounts)
    return {k: v / total for k, v in amounts.items()}
