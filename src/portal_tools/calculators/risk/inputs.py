"""The inputs of the risk calculator: a payment scenario, the spread of each outcome's rate, the
correlation, the cohort noise and the simulation's paths and seed (see
:mod:`portal_tools.calculators.risk` for the model)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from portal_tools.calculators.payment import PaymentInputs
from portal_tools.errors import Problem
from portal_tools.inputs import Inputs, field

F64 = NDArray[np.float64]
MAX_PATHS = 500_000
SLOW_CELLS = 2_000_000
"""Above this many path-outcome-years (paths x outcomes x years) a run can take over a second on
a slow machine; the form then shows progress."""

MIN_SPREAD = 1e-4
"""Smallest meaningful non-zero spread: 0.01 percentage points, far below what any percentile
shown can resolve (a smaller one breaks the beta quantiles)."""


class SpreadInputs(Inputs):
    """How uncertain one outcome's rate is."""

    spread: float = field(
        0.1,
        label="Spread",
        help="Standard deviation of the outcome's true rate across possible worlds (0.1 = "
        "plus or minus 10 percentage points is a typical deviation). Must be below "
        "sqrt(rate x (1 - rate)).",
        unit="share of cohort",
        ge=0,
        le=0.5,
        smallest=MIN_SPREAD,
        step=0.01,
        assumption=True,
    )


def _default_uncertainty() -> dict[str, SpreadInputs]:
    return {
        "Started job or education": SpreadInputs(spread=0.1),
        "Lasting job or education": SpreadInputs(spread=0.095),
    }


class RiskInputs(Inputs):
    """A payment scenario plus the uncertainty of its outcome rates."""

    payment: PaymentInputs = field(
        default_factory=PaymentInputs,
        label="Payment scenario",
        help="The contract (the inputs of the payment calculator): cohort, delivery costs, rate "
        "card with expected rates, caps and triggers.",
    )
    uncertainty: dict[str, SpreadInputs] = field(
        default_factory=_default_uncertainty,
        label="Uncertainty by outcome",
        help="One entry per outcome of the rate card: its name and its spread (the standard "
        "deviation of its rate). Outcomes not listed keep their expected rate (no spread).",
    )
    correlation: float = field(
        0.5,
        label="Correlation",
        help="How strongly the outcomes move together (a common shock): 0 independent, 1 fully "
        "together.",
        unit="0-1",
        ge=0,
        le=1,
        step=0.05,
        assumption=True,
    )
    cohort_noise: bool = field(
        True,
        label="Finite-cohort noise",
        help="Draw each achieved count from a binomial distribution around the true rate (a "
        "cohort of 120 is small); off uses the true rate itself.",
    )
    cohort_spread: float = field(
        0.0,
        label="Referral spread",
        help="Referral-volume risk: relative standard deviation of the number of people referred "
        "(0.2 = typically 20 % more or fewer than the cohort size); 0 refers exactly the cohort.",
        unit="share of cohort",
        ge=0,
        le=1,
        step=0.05,
        assumption=True,
    )
    paths: int = field(
        20_000,
        label="Paths",
        help="Number of simulated worlds; more paths give steadier percentiles.",
        unit="paths",
        ge=100,
        le=MAX_PATHS,
    )
    seed: int = field(
        2026,
        label="Seed",
        widget="identifier",
        help="Starts the random number generator; the same seed always gives the same result.",
        ge=0,
        le=2**32 - 1,
    )

    def cross_checks(self) -> list[Problem]:
        """The payment scenario's own rules; every uncertain outcome exists and its spread fits
        its expected rate (``spread**2 < rate (1 - rate)``)."""
        problems = [
            Problem(f"payment.{p.path}", p.value, p.allowed, p.label)
            for p in self.payment.cross_checks()
        ]
        rates = {o.name: o.rate for o in self.payment.outcomes}
        for name, spec in self.uncertainty.items():
            if name not in rates:
                problems.append(
                    Problem(
                        f"uncertainty.{name}",
                        name,
                        "an outcome name of the rate card: " + ", ".join(map(repr, rates)),
                        "Uncertainty by outcome",
                    )
                )
                continue
            p = rates[name]
            limit = math.sqrt(p * (1 - p))
            if spec.spread > 0 and spec.spread >= limit:
                problems.append(
                    Problem(
                        f"uncertainty.{name}.spread",
                        spec.spread,
                        f"a spread below sqrt(rate x (1 - rate)) = {limit:.4f} for the expected "
                        f"rate {p:g} (0 for no uncertainty)",
                        "Spread",
                    )
                )
        return problems

    def spreads(self) -> F64:
        """(O,) spread of each outcome of the rate card, 0 where none is given."""
        return np.array(
            [
                self.uncertainty[o.name].spread if o.name in self.uncertainty else 0.0
                for o in self.payment.outcomes
            ]
        )
