"""Outcomes-contract payment mechanism (calculator ``payment``; Danish: *betalingsmodel*).

An investor funds a provider's delivery cost year by year; the commissioner (the outcome payer)
pays only for outcomes achieved, at the prices of a rate card. This module turns a rate card,
expected achievement rates and the contract's caps and triggers into yearly outcome payments,
the investor's cash flow and the commissioner's value for money.

Semantics (contract years ``t = 1 .. years``, at most 30; ``P`` periods a year)
------------------------------------------------------------------------------

0. **Periods.** With ``periods_per_year`` ``P`` (1, 4 or 12) the contract runs in periods
   ``k = 1 .. H``, ``H = years * P + L``, where ``L = ceil(payment_lag_months * P / 12)`` is
   the payment lag in periods; the periods after the contract hold only lagged payments. Period
   ``k`` lies ``tau = (k - 1) / P`` years after the base year. Delivery costs of year ``t`` are
   ``delivery_costs[t] * (1 + cost_inflation) ** (t - 1)``, spread evenly over its periods.
1. **Achievements.** Absolute rate of outcome ``o``: ``rate[o]``, or for an outcome that builds
   on another (``requires``) the product of the conditional rates along its chain. Payable
   achievements ``n[o] = cohort_size * max(0, rate[o] - baseline_rate[o])`` (the baseline is the
   share of the whole cohort that would achieve it anyway; fractional expected counts are
   fine). They happen in the outcome's payment year, or over consecutive years from
   ``payment_year`` by the shares of ``payment_profile``, evenly over each year's periods.
2. **Uncapped payment.** Each achievement is paid ``L`` periods after it happens, at its price
   indexed to its achievement year: ``price[o] * (1 + price_indexation) ** (year - 1)``.
3. **Threshold trigger** (``threshold``, as in Peterborough): an outcome whose absolute rate is
   below its threshold pays nothing at all; at or above it, every payable achievement is paid.
   The threshold is compared with the achieved rate itself, not with the gain over the baseline.
4. **Cap per person along a staircase** (``per_person_cap`` with ``per_person_cap_basis``
   ``each_person``): with ``C(o)`` the sum of the rate card's prices from the first step of
   ``o``'s chain to ``o``, the price paid for ``o`` is ``min(cap, C(o)) - min(cap, C(parent))``,
   so nobody who climbs the staircase earns more than the cap (in the rate card's prices).
5. **Outcome cap** (``cap``): limits that outcome's total payment; the outcome's latest payments
   are cut first.
6. **Overall cap**: the lower of ``total_cap`` and ``per_person_cap * cohort_size`` (on either
   basis: outcomes on separate staircases may be earned by the same person). Payments are cut
   latest period first; within a period every outcome is cut in the same proportion.
7. **Return caps.** The investor's outlay in period ``k`` is the delivery cost plus the
   management fee (``capital.management_fee_rate`` times the cost) and its flow is
   ``payments(k) - outlay(k)``. The money-multiple cap (``capital.return_cap_multiple``) limits
   total payments to that multiple of the whole outlay (cut latest first); then the IRR cap
   (``return_cap``, effective annual): if the NPV of the flows at the capped rate
   (``(1 + c) ** -tau``) is positive, payments are removed, latest first (within a period pro
   rata), until that NPV is zero. Where both are set the stricter binds. For an investment in
   the usual shape (the investor pays first and is paid later, one sign change), the IRR cap is
   exactly "investor IRR at most the cap"; the amount removed is reported.
8. **Provider bonus** (``capital.excess_share_to_provider``): that share of what the caps of
   rules 4-7 removed in each period is paid by the commissioner to the provider in that period.
9. **Guarantor** (``capital.capital_protection``): at the end (the last period) the guarantor
   pays the investor ``max(0, protection * outlay - payments)``, so the investor gets back at
   least the protected share of its outlay.
10. **Measures.** Investor IRR by the portal's rule on the per-period flows (guarantor
    included), reported as an effective annual rate ``(1 + r) ** P - 1``; money multiple
    ``(payments + guarantor) / outlay``; peak exposure (largest cumulative negative position
    over the periods) and payback year. With values: the commissioner's net present value
    ``PV(value of payable achievements) - PV(payments + bonus)``; the value accrues when the
    achievement happens (no lag) and counts whether or not the payment was capped or triggered.
    Values are in year-1 prices and grow with ``cost_inflation``; every flow is nominal and is
    discounted with nominal factors, the real rate (the public rate unless ``discount_rate`` is
    given) times ``(1 + cost_inflation) ** -tau``
    (:func:`portal_tools.cashflow.period_discount_factors`).
11. **Break-even factors.** ``investor_breakeven_rate_factor``: the lowest common factor on all
    expected rates from which on the investor's surplus is not negative (up to the factor at
    which the highest rate is 1); ``commissioner_breakeven_rate_factor`` the same for the
    commissioner's NPV (:func:`portal_tools.calculators.payment.whatif.breakeven_factor`).
12. **Sensitivity.** Each outcome's rate and price and all delivery costs changed by -25 %,
    -10 %, +10 % and +25 % one at a time, with the investor's IRR and the commissioner's NPV
    (:func:`portal_tools.calculators.payment.whatif.sensitivity`).

With their defaults (one period a year, no lag, no baseline, no capital block, no indexation)
the new inputs change nothing: the rules are those of the first version.

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
:mod:`.return_cap` (the years-first cuts and the return cap), :mod:`.whatif` (many variants
at once: break-even factors and the sensitivity table), :mod:`.report` (the investor's
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
from portal_tools.calculators.payment.engine import guarantor_payment as guarantor_payment
from portal_tools.calculators.payment.engine import nesting_depth as nesting_depth
from portal_tools.calculators.payment.engine import payable as payable
from portal_tools.calculators.payment.engine import (
    provider_bonus_years_first as provider_bonus_years_first,
)
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
from portal_tools.calculators.payment.inputs import CapitalInputs as CapitalInputs
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
