"""Many variants of one contract settled at once: the investor's and the commissioner's results
on every variant (:func:`variant_results`), the break-even factors on all rates
(:func:`breakeven_factor`) and the one-at-a-time sensitivity table (:func:`sensitivity`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portal_tools import cashflow
from portal_tools.calculators.payment.engine import (
    ContractArrays,
    absolute_rates,
    guarantor_payment,
    payable,
    provider_bonus_years_first,
    settle_years_first,
)
from portal_tools.calculators.payment.inputs import F64

SENSITIVITY_CHANGES = (-0.25, -0.10, 0.10, 0.25)
"""The relative changes of the sensitivity table, one parameter at a time."""
BREAKEVEN_GRID = 257
"""Factors on the first grid of :func:`breakeven_factor` (from 0 to the largest factor)."""
BREAKEVEN_ROUNDS = 4
"""Rounds of 33 factors that narrow the bracket around the break-even factor."""


@dataclass(frozen=True)
class Variants:
    """Results of ``N`` variants of a contract (years-first arrays are ``(H, N)``)."""

    yearly: F64
    """(H, N) outcome payments per period after every rule."""
    flows: F64
    """(H, N) the investor's flows, the guarantor's payment included in the last period."""
    guarantor: F64
    """(N,) what the guarantor pays."""
    bonus: F64
    """(H, N) the provider's share of what the caps removed."""
    commissioner_npv: F64 | None
    """(N,) the commissioner's net present value, ``None`` where no outcome has a value."""

    @property
    def surplus(self) -> F64:
        """(N,) the investor's nominal surplus (guarantor included)."""
        return np.asarray(self.flows.sum(axis=0))


def variant_results(
    contract: ContractArrays, rates: F64, price: F64 | None = None, outlay: F64 | None = None
) -> Variants:
    """Settle ``(N, O)`` absolute ``rates`` (with optional ``(N, O)`` prices and ``(H, N)``
    outlays) and add up what each side gets: the investor's flows ``payments - outlay`` plus
    the guarantor's ``max(0, protection * sum(outlay) - sum(payments))`` in the last period; the
    provider's bonus ``excess_share * (payments before caps - payments)`` per period; and the
    commissioner's ``PV(values of payable achievements) - PV(payments + bonus)``."""
    yearly, triggered = settle_years_first(contract, rates, price=price, outlay=outlay)
    spent = (contract.outlay[:, None] if outlay is None else outlay) * np.ones((1, rates.shape[0]))
    flows = yearly - spent
    guarantor = guarantor_payment(contract, yearly.sum(axis=0), spent.sum(axis=0))
    if contract.protection > 0:
        flows[-1] += guarantor
    bonus = provider_bonus_years_first(contract, yearly, triggered)
    npv = None
    if contract.valued.any():
        value_pv = payable(contract, rates) @ (
            contract.value * (contract.value_profile @ contract.factors)
        )
        npv = np.asarray(value_pv - contract.factors @ (yearly + bonus))
    return Variants(yearly, flows, guarantor, bonus, npv)


def scaled_rates(contract: ContractArrays, factors: F64) -> F64:
    """(K, O) absolute rates with every rate scaled by each factor: the rates of outcomes that
    build on nothing are multiplied (at most 1), nested outcomes keep their conditional rates,
    so every absolute rate scales with the factor until a rate reaches 1."""
    root = contract.parent < 0
    scaled = contract.conditional_rate[None, :] * np.where(root, factors[:, None], 1.0)
    return absolute_rates(contract, np.minimum(scaled, 1.0))


def _largest_factor(contract: ContractArrays) -> float | None:
    """The factor at which the highest rate of an outcome without a parent reaches 1 (scaling
    further changes nothing); ``None`` when every such rate is 0."""
    top = float(contract.conditional_rate[contract.parent < 0].max())
    with np.errstate(over="ignore", divide="ignore"):
        largest = 1.0 / top if top > 0 else math.inf
    return largest if math.isfinite(largest) else None


def breakeven_factor(
    contract: ContractArrays, measure: Callable[[Variants], F64 | None]
) -> float | None:
    """The lowest common factor on all rates from which on ``measure`` (the investor's surplus,
    the commissioner's NPV) stays at or above zero up to the largest factor (at which the
    highest rate is 1). ``None`` where the measure is below zero at the largest factor, or where
    it does not exist.

    The measure is evaluated on :data:`BREAKEVEN_GRID` factors from 0 to the largest, plus every
    factor at which an outcome's rate reaches its trigger; the bracket after the last factor with
    a negative value is narrowed in :data:`BREAKEVEN_ROUNDS` rounds of 33 factors and the zero
    found by linear interpolation inside it (the measures are piecewise linear in the factor).
    """
    top = _largest_factor(contract)
    if top is None:
        return None
    grid = np.linspace(0.0, top, BREAKEVEN_GRID)
    with np.errstate(over="ignore"):
        triggers = contract.threshold[contract.rate > 0] / contract.rate[contract.rate > 0]
    triggers = triggers[(triggers > 0) & (triggers < top)]
    grid = np.unique(np.concatenate([grid, triggers, np.nextafter(triggers, 0.0)]))
    values = measure(variant_results(contract, scaled_rates(contract, grid)))
    if values is None:
        return None
    scale = 1e-9 * max(1.0, float(np.abs(values).max()))
    negative = np.flatnonzero(values < -scale)
    if negative.size == 0:
        return 0.0
    i = int(negative[-1])
    if i == grid.size - 1:
        return None
    lo, hi, v_lo, v_hi = float(grid[i]), float(grid[i + 1]), float(values[i]), float(values[i + 1])
    for _ in range(BREAKEVEN_ROUNDS):
        inner = np.linspace(lo, hi, 33)
        got = measure(variant_results(contract, scaled_rates(contract, inner)))
        assert got is not None
        j = int(np.flatnonzero(got < -scale)[-1]) if np.any(got < -scale) else 0
        lo, hi, v_lo, v_hi = float(inner[j]), float(inner[j + 1]), float(got[j]), float(got[j + 1])
    zero = lo + (hi - lo) * (-v_lo) / (v_hi - v_lo) if v_hi > v_lo else hi
    return float(min(max(zero, lo), hi))


def investor_surplus(v: Variants) -> F64:
    """The investor's nominal surplus of every variant (a :func:`breakeven_factor` measure)."""
    return v.surplus


def commissioner_npv(v: Variants) -> F64 | None:
    """The commissioner's NPV of every variant (a :func:`breakeven_factor` measure)."""
    return v.commissioner_npv


def annual_irr(contract: ContractArrays, flows: F64) -> list[float | None]:
    """The investor's IRR of every column of years-first ``flows`` by the portal's rule, as an
    effective annual rate (``None`` where the rule gives none)."""
    rule = cashflow.irr_years_first(np.ascontiguousarray(flows))
    return [
        None if math.isnan(r) else cashflow.annual_rate(float(r), contract.periods_per_year)
        for r in rule.rate
    ]


def sensitivity(contract: ContractArrays) -> pd.DataFrame:
    """One parameter at a time changed by each of :data:`SENSITIVITY_CHANGES`: every outcome's
    rate (its rate on the rate card, at most 1; an outcome that builds on it moves with it),
    every outcome's price, and all delivery costs and fees together. One row per change with the
    investor's IRR (effective annual, ``None`` where the rule gives none) and the commissioner's
    NPV (``None`` without values); the base case is the first row (change 0)."""
    changes = np.array(SENSITIVITY_CHANGES)
    n_out, n_ch = contract.price.size, changes.size
    labels: list[tuple[str, str | None, float]] = [("base", None, 0.0)]
    conditional = np.repeat(contract.conditional_rate[None, :], 1 + 2 * n_out * n_ch + n_ch, 0)
    price = np.repeat(contract.price[None, :], conditional.shape[0], 0)
    scale = np.ones(conditional.shape[0])
    row = 1
    for kind in ("rate", "price"):
        for o, name in enumerate(contract.names):
            for c in changes:
                if kind == "rate":
                    conditional[row, o] = min(1.0, conditional[row, o] * (1 + c))
                else:
                    price[row, o] *= 1 + c
                labels.append((kind, name, float(c)))
                row += 1
    for c in changes:
        scale[row] = 1 + c
        labels.append(("delivery_costs", None, float(c)))
        row += 1
    rates = absolute_rates(contract, conditional)
    v = variant_results(contract, rates, price, contract.outlay[:, None] * scale[None, :])
    return pd.DataFrame(
        {
            "parameter": [k for k, _, _ in labels],
            "outcome": pd.Series([n for _, n, _ in labels], dtype=object),
            "change": [c for _, _, c in labels],
            "investor_irr": pd.Series(annual_irr(contract, v.flows), dtype=object),
            "commissioner_net_value_pv": pd.Series(
                [None] * len(labels)
                if v.commissioner_npv is None
                else [float(x) for x in v.commissioner_npv],
                dtype=object,
            ),
        }
    )
