"""The programme calculator's engine: the effect chain's savings and costs, the contract's
payments by budget holder, the investor's flows and the municipality's Budget Act view, year by
year (see :mod:`portal_tools.calculators.programme` for the model)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from portal_tools import cashflow
from portal_tools.calculators import payment
from portal_tools.calculators.budget.engine import budget_table
from portal_tools.calculators.effect_chain.engine import ChainFlows, chain_flows
from portal_tools.calculators.effect_chain.inputs import CEILINGS, HOLDERS
from portal_tools.calculators.programme.inputs import ProgrammeInputs, payment_inputs


@dataclass(frozen=True)
class ProgrammeFlows:
    """The programme's yearly flows (``H`` = 3 budget holders, ``T`` years)."""

    chain: ChainFlows
    """Savings and public programme costs from the effect chain."""
    contract: payment.ContractArrays
    settlement: payment.Settlement
    """The contract settled at the rate card's expected rates."""
    payer: int
    """Index of the outcome payer in ``HOLDERS``."""
    payments: np.ndarray
    """(H, T) outcome payments by holder (the payer only)."""
    net: np.ndarray
    """(H, T) savings minus public programme costs minus outcome payments."""
    factors: np.ndarray
    """(T,) discount factors."""
    investor: np.ndarray
    """(T,) the investor's flows: payments minus delivery costs."""
    budget: pd.DataFrame
    """The municipality's Budget Act view (:func:`portal_tools.calculators.budget.budget_table`)."""


def programme_flows(inputs: ProgrammeInputs) -> ProgrammeFlows:
    """Savings, costs and payments by holder, the investor's flows and the municipality's Budget
    Act view of the inputs (see :mod:`portal_tools.calculators.programme`)."""
    f = chain_flows(inputs)
    contract = payment.contract_arrays(payment_inputs(inputs))
    s = payment.settle(contract)
    pay = s.yearly
    payer = HOLDERS.index(inputs.payer)
    payments = np.zeros_like(f.costs)
    payments[payer] = pay
    net = f.savings_by_holder - f.costs - payments
    factors = cashflow.discount_factors(inputs.years, inputs.discount_rate)
    flows = payment.investor_flows(contract, pay)
    k = HOLDERS.index("kommune")
    via = contract.costs if inputs.capital_via_municipality else np.zeros(inputs.years)
    service = CEILINGS.index("service")
    budget = budget_table(
        capital_received=via,
        intervention_costs=f.costs[k] + via,
        outcome_payments=payments[k],
        service_savings=f.savings[k, service],
        transfer_savings=f.savings[k, CEILINGS.index("transfer")],
        construction_savings=f.savings[k, CEILINGS.index("construction")],
        other_savings=f.savings[k, CEILINGS.index("outside")],
    )
    return ProgrammeFlows(f, contract, s, payer, payments, net, factors, flows, budget)
