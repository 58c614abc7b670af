"""A whole programme: effect chain joined with a payment mechanism (calculator ``programme``).

This is the business-case picture the source report finds missing (Oxford Research 2020,
§4.4.2): who saves what each year, who pays what each year, the net result for each public
budget, the investor's position, and the municipality's service-ceiling view under the Budget Act.

Semantics (years ``t = 1 .. years``)
------------------------------------

- **Savings and public costs** come from the effect chain
  (:func:`portal_tools.calculators.effect_chain.chain_flows`): additional successes net of
  deadweight, with drop-off, times each consequence's yearly saving.
- **Outcome payments** come from the payment mechanism
  (:func:`portal_tools.calculators.payment.settle` at the rate card's expected rates). The rate
  card pays for *all* achievements (``cohort_size * rate``) while savings arise only from the
  *additional* successes: a contract that pays for outcomes that would have happened anyway shows
  up here as payments without matching savings. ``payments_per_additional_success`` makes that
  visible.
- **Rate card linked to the chain.** An outcome may name a step of the effect chain
  (``chain_step``) instead of giving a rate. Its expected rate is then the chain's share of the
  cohort reaching that step, ``r(k) = prod_{i <= k} step_rate(i)`` (deadweight included, as every
  rate-card rate), and it builds on the outcome linked to the nearest earlier step (or an earlier
  row linked to the same step), with the conditional rate ``r(k) / r(j) = prod_{j < i <= k}
  step_rate(i)`` (:func:`linked_outcomes`). So the chain and the payments move together: a step
  rate of 0 stops every payment linked to it or to a later step. An outcome without a step gives
  its rate by hand, as in the payment mechanism, and may build on a linked outcome.
- **People paid for.** Outcomes that build on another pay the same people again (a staircase).
  ``people_paid_for`` counts each person once: the achievements of the outcomes that build on
  nothing (outcomes that build on nothing are taken to be different people);
  ``paid_achievements`` counts every achievement of every outcome.
- **Payer.** One budget holder (``payer``) pays every outcome payment.
- **Net per holder** in year ``t`` = savings - public programme costs - outcome payments (the
  payer only). Present values use :mod:`portal_tools.cashflow` (public rate unless
  ``discount_rate`` is given).
- **Investor.** Funds the delivery costs and receives the outcome payments:
  ``payments(t) - delivery_costs(t)`` (:func:`portal_tools.calculators.payment.investor_flows`).
- **The municipality's Budget Act view** (:mod:`portal_tools.calculators.budget`):
  ``capital_received`` = the delivery costs when ``capital_via_municipality`` is true (investor
  capital booked as a conditional grant), else 0; ``intervention_costs`` = the municipality's
  public programme costs plus, in that case, the delivery costs it passes on to the provider;
  ``outcome_payments`` = the payments when the payer is the municipality; ``service_savings`` =
  its savings under the service ceiling; ``transfer_savings``, ``construction_savings`` and
  ``other_savings`` = its savings on income transfers, under the construction ceiling
  (*anlægsloftet*) and outside any ceiling, each kept apart and none of them freeing room under
  the service ceiling. All public programme costs of the municipality are taken to be service
  expenditure.

Parts: :mod:`.inputs` (the input model and the rate card's links to the chain), :mod:`.engine`
(the yearly flows), :mod:`.report` (summary, tables, metrics, notes and :func:`compute`) and
:mod:`.charts` (the ceiling chart and the net positions).
Every public name of the former single module is importable from the package as before.
"""

from __future__ import annotations

from portal_tools.calculator import Calculator
from portal_tools.calculators.programme.charts import charts
from portal_tools.calculators.programme.engine import ProgrammeFlows as ProgrammeFlows
from portal_tools.calculators.programme.engine import programme_flows as programme_flows
from portal_tools.calculators.programme.inputs import PAYMENT_FIELDS as PAYMENT_FIELDS
from portal_tools.calculators.programme.inputs import (
    ProgrammeInputs,
    RateCardOutcome,
    chain_step_name,
    link_problems,
    linked_outcomes,
    payment_inputs,
)
from portal_tools.calculators.programme.report import METRICS as METRICS
from portal_tools.calculators.programme.report import MIN_PAYMENT as MIN_PAYMENT
from portal_tools.calculators.programme.report import MIN_SUCCESSES as MIN_SUCCESSES
from portal_tools.calculators.programme.report import compute

__all__ = [
    "CALCULATOR",
    "ProgrammeInputs",
    "RateCardOutcome",
    "chain_step_name",
    "charts",
    "compute",
    "link_problems",
    "linked_outcomes",
    "payment_inputs",
]


CALCULATOR = Calculator(
    name="programme",
    title="Programme: who saves, who pays, and the Budget Act view",
    summary="An effect chain joined with an outcomes contract: savings, costs and payments "
    "by budget holder, the investor's position and the municipality's service ceiling.",
    inputs=ProgrammeInputs,
    compute=compute,
    page="tools/programme",
    headline="total_outcome_payments",
    charts=charts,
)
