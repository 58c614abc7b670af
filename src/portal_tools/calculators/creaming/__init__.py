"""Creaming: whom a provider chooses to serve under a tariff (calculator ``creaming``).

*Creaming* (Danish: *fløde-skimning*) is serving the participants who are easiest to help because
they pay best for the effort; *parking* is the other side, leaving the hardest to help without
real help. This model shows when a tariff rewards it and what each contract remedy does on its
own.

Semantics
---------

A referred cohort of ``N`` participants is split into segments ``s`` with shares ``w_s`` (sum 1),
so ``n_s = N w_s`` are referred to segment ``s``. A served participant of segment ``s`` succeeds
with probability ``q_s`` and costs the provider ``c_s``; a participant who is not served succeeds
with probability ``u_s`` (``success_rate_unserved``, default 0: nobody succeeds without the
programme). Each success that counts is paid ``price_s`` (one flat ``price`` for all, or
``segment_prices``). The provider can serve at most ``capacity`` = ``K`` people; it serves
``x_s`` of segment ``s``.

- **What counts (measurement).** ``served``: the successes of those the provider serves,
  ``paid_s = x_s q_s``. ``whole_cohort``: the successes of everyone referred,
  ``paid_s = x_s q_s + (n_s - x_s) u_s``.
- **Provider's payoff** ``P(x) = sum paid_s price_s - sum x_s c_s``. Serving one more participant
  of segment ``s`` gains it ``g_s = q_s price_s - c_s`` when paid on those served and
  ``g_s = (q_s - u_s) price_s - c_s`` when paid on the whole cohort (the rest,
  ``n_s u_s price_s``, is paid whether or not it serves anyone).
- **Best response** (the provider may choose): the ``x`` with ``0 <= x_s <= n_s`` and
  ``sum x_s <= K`` that maximises ``P``. Because every participant takes one place, filling the
  places in order of ``g_s``, highest first, is optimal: no segment with ``g_s < 0`` is served,
  and segments whose gains are equal share the remaining places in proportion to their sizes,
  ``x_s = n_s min(1, remaining / sum of n over the tied group)``. Gains within half a hundredth
  of the currency unit per participant (:data:`TIE_TOLERANCE`) count as equal, and a gain of 0
  counts as worth serving. Whole-cohort measurement with ``u_s = 0`` therefore gives the same
  best response as paying on those served: leaving someone aside costs the provider nothing.
- **Obligation to serve everyone referred** (``serve_all_referred``): the provider must take the
  referrals as they come, up to its capacity, so it cannot choose:
  ``x_s = n_s min(1, K / N)`` (the referred mix), whatever the gains.
- **Commissioner.** Payments ``sum paid_s price_s``; successes the programme causes
  (*additional*) ``sum x_s (q_s - u_s)``; cost per paid success; with values ``v_s`` per success,
  the **net value** ``sum x_s (q_s - u_s) v_s - payments``.
- **Hardest segment**: the one with the lowest success rate if served (the first on a tie).

Neutral tariff
--------------

Prices ``p_s = (m + c_s) / q_s`` give every segment the same margin ``m`` when paid on those
served, so selecting gains the provider nothing. **The same budget** is the flat tariff's spend
at capacity: the flat price times the expected successes when the provider fills its places with
the referred mix, ``B = sum r_s q_s price_s`` with ``r_s = n_s min(1, K / N)`` (with segment
prices the chosen tariff's spend, and the flat price is the budget-equivalent one,
``B / sum r_s q_s``). The neutral tariff spends ``sum r_s (m + c_s)`` on that mix, so
``m = (B - C) / R`` with ``C = sum r_s c_s`` (the cost of serving the mix) and ``R = sum r_s``;
the factor ``min(1, K / N)`` cancels, so ``m = sum w_s (q_s price_s - c_s)``, the mix's average
margin. ``m`` is computed exactly from the numbers as written (:mod:`portal_tools.exact`). Its
status (``neutral_tariff_status``):

- ``defined``: ``m >= 0`` and every price at most ``MAX_AMOUNT`` (1e12) per success;
- ``budget_too_small``: ``B < C``: no tariff within the budget gives every segment a non-negative
  margin, because serving the referred mix costs more than the budget (prices would have to be
  negative somewhere); the calculator says so and shows no neutral tariff;
- ``price_too_high``: some segment's success rate is so low that its price would exceed 1e12;
- ``no_capacity``: ``K = 0``, nobody can be served and there is nothing to price.

Comparison
----------

Each remedy on its own, against the flat tariff paid on those served without an obligation:
the flat tariff measured on the whole cohort, the flat tariff with the obligation to serve
everyone referred, and the neutral tariff paid on those served (when it is defined). A ratio
whose denominator is 0 (cost per success when nobody succeeds, the hardest segment's share when
nobody is referred to it) is ``None``, never NaN.

Parts: :mod:`.inputs` (the input models), :mod:`.engine` (the best response, the contract's
outcome and the neutral tariff), :mod:`.report` (summary, comparison, metrics, notes and
:func:`compute`) and :mod:`.charts` (who is served under each contract).
Every public name of the former single module is importable from the package as before.
"""

from __future__ import annotations

from portal_tools.calculator import Calculator
from portal_tools.calculators.creaming.charts import charts
from portal_tools.calculators.creaming.engine import TIE_TOLERANCE as TIE_TOLERANCE
from portal_tools.calculators.creaming.engine import Cohort as Cohort
from portal_tools.calculators.creaming.engine import NeutralStatus as NeutralStatus
from portal_tools.calculators.creaming.engine import (
    NeutralTariff,
    Outcome,
    best_response,
    neutral_tariff,
    serve,
)
from portal_tools.calculators.creaming.inputs import F64 as F64
from portal_tools.calculators.creaming.inputs import MAX_AMOUNT as MAX_AMOUNT
from portal_tools.calculators.creaming.inputs import SHARE_TOLERANCE as SHARE_TOLERANCE
from portal_tools.calculators.creaming.inputs import CreamingInputs, SegmentInputs
from portal_tools.calculators.creaming.inputs import Measurement as Measurement
from portal_tools.calculators.creaming.report import METRICS as METRICS
from portal_tools.calculators.creaming.report import OPTIONAL_COLUMNS as OPTIONAL_COLUMNS
from portal_tools.calculators.creaming.report import compute

__all__ = [
    "CALCULATOR",
    "CreamingInputs",
    "NeutralTariff",
    "Outcome",
    "SegmentInputs",
    "best_response",
    "charts",
    "compute",
    "neutral_tariff",
    "serve",
]


CALCULATOR = Calculator(
    name="creaming",
    title="Creaming and the tariff",
    summary="Whom a provider serves under a flat tariff, whole-cohort measurement, an "
    "obligation to serve everyone referred and a neutral segment tariff, and what each "
    "costs the commissioner.",
    inputs=CreamingInputs,
    compute=compute,
    page="tools/creaming",
    headline="hardest_segment_served_share",
    charts=charts,
)
