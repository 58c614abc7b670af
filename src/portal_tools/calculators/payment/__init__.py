"""Outcomes-contract payment mechanism (calculator ``payment``; Danish: *betalingsmodel*).

An investor funds a provider's delivery cost year by year; the commissioner (the outcome payer)
pays only for outcomes achieved, at the prices of a rate card. This module turns a rate card,
expected achievement rates and the contract's caps and triggers into yearly outcome payments,
the investor's cash flow and the commissioner's value for money.

Semantics (contract years ``t = 1 .. years``, at most 30)
-----------------------------------------------------------

1. **Achievements.** Expected achievements of outcome ``o`` = ``cohort_size * rate[o]``
   (fractional expected counts are fine: 60.5 means "on average 60.5 people").
2. **Uncapped payment.** ``achievements[o] * price[o]``, paid in the outcome's payment year, or
   spread over consecutive years from ``payment_year`` by the shares of ``payment_profile``
   (shares sum to 1).
3. **Threshold trigger** (``threshold``, as in Peterborough): an outcome whose achieved rate is
   below its threshold pays nothing at all; at or above it, every achievement is paid.
4. **Outcome cap** (``cap``): limits that outcome's total payment; the outcome's latest payments
   are cut first.
5. **Overall cap**: the lower of ``total_cap`` and ``per_person_cap * cohort_size``. The
   per-person cap is applied on average over the cohort (the contract's total may not exceed the
   cap times the number of participants); it is not tracked person by person. Payments are cut
   latest year first; within a year every outcome is cut in the same proportion.
6. **Return cap** (``return_cap``): the investor's cash flow in year ``t`` is
   ``payments(t) - delivery_costs(t)``. If its net present value at the capped rate is
   positive, payments are removed, latest first (within a year pro rata), until that NPV is zero.
   For an investment in the usual shape (the investor pays first and is paid later, one sign
   change), this is exactly "investor IRR at most the cap"; the amount removed is reported.
7. **Measures.** Investor IRR (none where no rate exists), money multiple
   ``total payments / total delivery costs`` and peak exposure (largest cumulative negative
   position). With values: the commissioner's net present value
   ``PV(value of achievements) - PV(payments)``; the value of an achievement accrues in the
   outcome's payment year(s) and counts whether or not the payment was capped or triggered.
   Discounting is :mod:`portal_tools.cashflow` (public rate unless ``discount_rate`` is given).

Public API (for other models that reuse the mechanism)
------------------------------------------------------

- :class:`PaymentInputs`, :class:`OutcomeInputs`: the validated inputs (use
  :func:`portal_tools.inputs.parse` or ``CALCULATOR.parse``).
- :func:`contract_arrays` -> :class:`ContractArrays`: the inputs as NumPy arrays (prices, rates,
  caps, thresholds, values, timing profile, delivery costs, overall cap), built once.
- :func:`settle` ``(contract, rates=None)`` -> :class:`Settlement`: payments by outcome and year
  after triggers, outcome caps, the overall cap and the return cap. ``rates`` has shape
  ``(outcomes,)`` or ``(paths, outcomes)`` (achieved rates, 0-1); ``None`` uses the rate card's
  expected rates. Every array of the settlement carries the same leading ``paths`` axis as
  ``rates``: payments are ``(..., outcomes, years)``, yearly totals ``(..., years)``. Vectorised:
  thousands of paths settle in one call (10 000 paths x 20 outcomes x 30 years take about a
  quarter of a second; the settlement keeps five such arrays, about 48 MB each at that size, so
  settle very many paths in chunks).
- :func:`settle_yearly` ``(contract, rates)`` -> ``(yearly, triggered_totals)``: the same rules
  without the ``(..., outcomes, years)`` arrays, for simulations that need only yearly totals.
- :func:`investor_flows` ``(contract, yearly_payments)`` -> ``(..., years)`` cash flow of the
  investor.
- :func:`cut_latest_first` ``(flows, limit)``: the capping rule on the last axis.
- :func:`rate_sensitivity` ``(inputs, factors)``: investor results when every expected rate is
  scaled by each factor (a what-if table).
- :func:`compute` ``(inputs)`` -> :class:`~portal_tools.results.Result` (summary, tables, notes).

Parts: :mod:`.inputs` (the rate card, the cohort, the costs and the contract's caps, with their
checks), :mod:`.engine` (the contract as arrays, the capping rule and the settlement),
:mod:`.return_cap` (the years-first cuts and the return cap), :mod:`.report` (the investor's
summary, metrics, tables, notes, :func:`rate_sensitivity` and :func:`compute`) and
:mod:`.charts` (payments by outcome and year, the investor's position and the commissioner's
payments against value).
Every public name of the former single module is importable from the package as before.
"""

from __future__ import annotations

from portal_tools.calculator import Calculator
from portal_tools.calculators.payment.charts import charts
from portal_tools.calculators.payment.engine import (
    ContractArrays,
    Settlement,
    contract_arrays,
    cut_latest_first,
    investor_flows,
    settle,
    settle_yearly,
    settle_years_first,
)
from portal_tools.calculators.payment.engine import absolute_rates as absolute_rates
from portal_tools.calculators.payment.engine import nesting_depth as nesting_depth
from portal_tools.calculators.payment.inputs import F64 as F64
from portal_tools.calculators.payment.inputs import LASTING_GIVEN_STARTED as LASTING_GIVEN_STARTED
from portal_tools.calculators.payment.inputs import MAX_AMOUNT as MAX_AMOUNT
from portal_tools.calculators.payment.inputs import (
    MAX_OUTCOMES,
    MAX_YEARS,
    OutcomeInputs,
    PaymentInputs,
)
from portal_tools.calculators.payment.inputs import PROFILE_TOLERANCE as PROFILE_TOLERANCE
from portal_tools.calculators.payment.inputs import Amount as Amount
from portal_tools.calculators.payment.inputs import Share as Share
from portal_tools.calculators.payment.inputs import nesting_problems as nesting_problems
from portal_tools.calculators.payment.inputs import parent_name as parent_name
from portal_tools.calculators.payment.report import INVESTOR_METRICS as INVESTOR_METRICS
from portal_tools.calculators.payment.report import METRICS as METRICS
from portal_tools.calculators.payment.report import compute, rate_sensitivity
from portal_tools.calculators.payment.report import investor_summary as investor_summary
from portal_tools.calculators.payment.return_cap import cumsum_years_first
from portal_tools.calculators.payment.return_cap import (
    return_cap_years_first as return_cap_years_first,
)

__all__ = [
    "CALCULATOR",
    "MAX_OUTCOMES",
    "MAX_YEARS",
    "ContractArrays",
    "OutcomeInputs",
    "PaymentInputs",
    "Settlement",
    "charts",
    "compute",
    "contract_arrays",
    "cumsum_years_first",
    "cut_latest_first",
    "investor_flows",
    "rate_sensitivity",
    "settle",
    "settle_yearly",
    "settle_years_first",
]


CALCULATOR = Calculator(
    name="payment",
    title="Outcomes contract payment mechanism",
    summary="Outcome payments under a rate card with triggers and caps, the investor's "
    "return and the commissioner's value for money.",
    inputs=PaymentInputs,
    compute=compute,
    page="tools/payment",
    headline="total_outcome_payments",
    charts=charts,
)
