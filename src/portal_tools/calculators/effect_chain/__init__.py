"""Effect chain and budget holders (calculator ``effect_chain``; Danish: *effektkæde*).

The logic mirrors the Danish socio-economic investment model SØM (Social- og Boligstyrelsen):
an intervention's effect on a cohort of citizens leads to consequences (less use of public
services and benefits), and each consequence has a value for the budget that bears it: the
municipality (*kommune*), the region or the state (*stat*). This module lets users enter their own
chain, consequences and prices; it holds none of SØM's data.

Semantics (years ``t = 1 .. years``, at most 30)
------------------------------------------------

1. **Chain.** ``steps`` is the path from referral to outcome, each with the share of those who
   reached the previous step that reach this one. Successes with the programme =
   ``cohort_size * prod(step rates)``.
2. **Deadweight.** ``baseline_rate`` is the share of the cohort that would reach the outcome
   anyway. Additional successes ``A = cohort_size * (prod(rates) - baseline_rate)``, computed
   exactly from the numbers as written and rounded once (:mod:`portal_tools.exact`), so a chain
   whose rate equals the baseline gives ``A = 0``, not a rounding residue such as ``-4.4e-16``;
   a negative ``A`` (the programme does worse than the baseline) is allowed and reported.
3. **Drop-off.** The effect in year ``t`` is ``e(t) = A * persistence ** (t - first_effect_year)``
   for ``t >= first_effect_year`` and 0 before: ``persistence`` is the share of the effect still
   present each following year (1 = lasting, 0 = one year only).
4. **Consequences.** Each consequence is a yearly saving per additional successful participant
   for one budget holder under one expenditure ceiling (service, transfer, construction or outside
   any ceiling); a negative saving is an extra cost (e.g. more education grants). The saving of
   holder ``h`` under ceiling ``c`` in year ``t`` is ``sum(annual_saving of its consequences) *
   e(t)``. The savings of the consequences under one holder and ceiling are added exactly.
5. **Costs.** ``intervention_costs`` are the public costs of the programme by holder and year
   (nominal, not scaled by the effect).
6. **Measures.** Per holder: nominal savings and costs, their present values (discounting from
   :mod:`portal_tools.cashflow`, public rate unless ``discount_rate`` is given) and the net result
   in present value (savings minus costs: SØM's *budgetøkonomisk nettoresultat*, here
   discounted). The payback year is that of the all-holder net flow. The share of savings by holder
   is each holder's nominal savings over all savings, shown only where it is meaningful: when no
   holder's savings are negative and the total is positive (otherwise ``None`` for every holder,
   and the amounts by holder tell the story: a holder with net extra costs has no "share" of a
   gain).

Public API
----------

- :class:`EffectChainInputs` (with :class:`StepInputs`, :class:`ConsequenceInputs`,
  :class:`CostInputs`).
- :func:`effect_path` ``(additional, years, first_effect_year, persistence)`` -> ``(T,)`` array.
- :func:`chain_flows` ``(inputs)`` -> :class:`ChainFlows`: savings ``(H, C, T)`` by holder,
  ceiling and year; costs ``(H, T)``; the effect path and the success counts.
- :func:`compute` ``(inputs)`` -> :class:`~portal_tools.results.Result`.

Parts: :mod:`.inputs` (the input models, budget holders and ceilings), :mod:`.engine` (the
effect path and the flows), :mod:`.report` (summary, tables, metrics, notes and
:func:`compute`) and :mod:`.charts` (the funnel and the savings by holder).
Every public name of the former single module is importable from the package as before.
"""

from __future__ import annotations

from portal_tools.calculator import Calculator
from portal_tools.calculators.effect_chain.charts import charts
from portal_tools.calculators.effect_chain.engine import (
    ChainFlows,
    chain_flows,
    effect_path,
    shares,
)
from portal_tools.calculators.effect_chain.inputs import (
    CEILINGS,
    HOLDER_NAMES,
    HOLDERS,
    MAX_YEARS,
    BudgetHolder,
    Ceiling,
    ConsequenceInputs,
    CostInputs,
    EffectChainInputs,
    StepInputs,
    default_consequences,
    default_steps,
)
from portal_tools.calculators.effect_chain.inputs import F64 as F64
from portal_tools.calculators.effect_chain.inputs import MAX_AMOUNT as MAX_AMOUNT
from portal_tools.calculators.effect_chain.report import METRICS as METRICS
from portal_tools.calculators.effect_chain.report import compute

__all__ = [
    "CALCULATOR",
    "CEILINGS",
    "HOLDERS",
    "HOLDER_NAMES",
    "MAX_YEARS",
    "BudgetHolder",
    "Ceiling",
    "ChainFlows",
    "ConsequenceInputs",
    "CostInputs",
    "EffectChainInputs",
    "StepInputs",
    "chain_flows",
    "charts",
    "compute",
    "default_consequences",
    "default_steps",
    "effect_path",
    "shares",
]


CALCULATOR = Calculator(
    name="effect_chain",
    title="Effect chain and budget holders",
    summary="From a cohort and an effect chain to yearly savings for municipality, region "
    "and state, net of deadweight and drop-off.",
    inputs=EffectChainInputs,
    compute=compute,
    page="tools/effect-chain",
    headline="net_result_pv",
    charts=charts,
)
