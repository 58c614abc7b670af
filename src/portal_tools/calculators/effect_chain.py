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
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from portal_tools import cashflow
from portal_tools.calculator import Calculator
from portal_tools.charts import PALETTE, Chart, new_figure, year_axes
from portal_tools.errors import Problem
from portal_tools.exact import EXACT, dec, exact_product, exact_sum
from portal_tools.inputs import Inputs, field
from portal_tools.results import Metric, Result, format_value

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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

MAX_YEARS = 30
MAX_AMOUNT = 1e12
F64 = NDArray[np.float64]

BudgetHolder = Literal["kommune", "region", "stat"]
Ceiling = Literal["service", "transfer", "construction", "outside"]
HOLDERS: tuple[str, ...] = get_args(BudgetHolder)
"""Budget holders in display order: municipality, region, state."""
CEILINGS: tuple[str, ...] = get_args(Ceiling)
"""Expenditure ceilings: service (*serviceramme*), income transfers (*overførsler*),
construction (*anlægsloft*) and outside any ceiling."""
HOLDER_NAMES = {"kommune": "Municipality", "region": "Region", "stat": "State"}


class StepInputs(Inputs):
    """One step of the chain from referral to outcome."""

    name: str = field(
        "Step", label="Step", help="What the participant reaches.", min_length=1, max_length=60
    )
    rate: float = field(
        0.8,
        label="Rate",
        help="Share of those who reached the previous step (or were referred) that reach this one.",
        unit="share",
        ge=0,
        le=1,
        step=0.01,
        assumption=True,
    )


class ConsequenceInputs(Inputs):
    """A yearly saving per additional successful participant, for one budget and ceiling."""

    label: str = field(
        "Consequence",
        label="Consequence",
        help="What changes for the public purse, e.g. 'less housing support'.",
        min_length=1,
        max_length=80,
    )
    budget_holder: BudgetHolder = field(
        "kommune",
        label="Budget holder",
        help="Who saves: kommune (municipality), region or stat (state).",
    )
    ceiling: Ceiling = field(
        "service",
        label="Ceiling",
        help="Where the saving falls: service (the service ceiling), transfer (income transfers), "
        "construction (the construction ceiling) or outside any ceiling.",
    )
    annual_saving: float = field(
        10_000.0,
        label="Saving per year",
        help="Yearly saving per additional successful participant (negative: an extra cost). "
        "Enter your own price; SØM's knowledge database is one Danish source.",
        unit="per participant per year",
        ge=-MAX_AMOUNT,
        le=MAX_AMOUNT,
        assumption=True,
    )


class CostInputs(Inputs):
    """A public cost of the programme in one year."""

    budget_holder: BudgetHolder = field(
        "kommune", label="Budget holder", help="Who pays: kommune, region or stat."
    )
    year: int = field(1, label="Year", help="Year of the cost.", unit="year", ge=1, le=MAX_YEARS)
    amount: float = field(
        100_000.0,
        label="Amount",
        help="The cost in that year.",
        unit="per year",
        ge=0,
        le=MAX_AMOUNT,
        assumption=True,
    )


def default_steps() -> list[StepInputs]:
    """The housing-support chain of the default example (rates are assumptions)."""
    return [
        StepInputs(name="Moved into own home", rate=0.85),
        StepInputs(name="Completed the support course", rate=0.75),
        StepInputs(name="Manages own home after a year", rate=0.7),
    ]


def default_consequences() -> list[ConsequenceInputs]:
    """The housing-support consequences of the default example (prices are assumptions)."""
    return [
        ConsequenceInputs(
            label="Less municipal housing support",
            budget_holder="kommune",
            ceiling="service",
            annual_saving=60_000,
        ),
        ConsequenceInputs(
            label="Fewer nights in shelters",
            budget_holder="kommune",
            ceiling="service",
            annual_saving=25_000,
        ),
        ConsequenceInputs(
            label="Fewer psychiatric admissions",
            budget_holder="region",
            ceiling="service",
            annual_saving=15_000,
        ),
        ConsequenceInputs(
            label="Less police and court time",
            budget_holder="stat",
            ceiling="outside",
            annual_saving=10_000,
        ),
    ]


def _default_costs() -> list[CostInputs]:
    return [
        CostInputs(budget_holder="kommune", year=1, amount=1_200_000),
        CostInputs(budget_holder="kommune", year=2, amount=1_200_000),
    ]


class EffectChainInputs(Inputs):
    """A cohort, the chain to the outcome, its persistence, consequences and public costs."""

    years: int = field(
        10,
        label="Years",
        help="Horizon of the calculation in years (SØM uses up to 10 years).",
        unit="years",
        ge=1,
        le=MAX_YEARS,
    )
    discount_rate: float | None = field(
        None,
        label="Discount rate",
        help="Yearly rate for present values (0.035 = 3.5 %); empty means the Finance "
        "Ministry's public rate (3.5 % for years 0-35).",
        unit="share per year",
        ge=-0.5,
        le=1,
    )
    cohort_size: int = field(
        40,
        label="Cohort size",
        help="Citizens referred to the programme.",
        unit="participants",
        ge=1,
        le=10_000_000,
        assumption=True,
    )
    steps: list[StepInputs] = field(
        label="Effect chain",
        help="The steps from referral to outcome, in order, each with its rate.",
        min_length=1,
        max_length=12,
        default_factory=default_steps,
    )
    baseline_rate: float = field(
        0.15,
        label="Baseline rate (deadweight)",
        help="Share of the cohort that would reach the outcome without the programme.",
        unit="share of cohort",
        ge=0,
        le=1,
        step=0.01,
        assumption=True,
    )
    first_effect_year: int = field(
        2,
        label="First effect year",
        help="The first year in which the outcome changes public spending.",
        unit="year",
        ge=1,
        le=MAX_YEARS,
    )
    persistence: float = field(
        0.8,
        label="Persistence",
        help="Share of the effect still present each following year (1 = lasting, 0 = one "
        "year only).",
        unit="share per year",
        ge=0,
        le=1,
        step=0.01,
        assumption=True,
    )
    consequences: list[ConsequenceInputs] = field(
        label="Consequences",
        help="Yearly saving per additional successful participant, by budget holder and ceiling.",
        min_length=1,
        max_length=40,
        default_factory=default_consequences,
    )
    intervention_costs: list[CostInputs] = field(
        label="Public costs of the programme",
        help="What each public budget pays for the programme, by year (may be empty).",
        max_length=200,
        default_factory=_default_costs,
    )
    currency: str = field(
        "DKK", label="Currency", help="Label shown with amounts.", min_length=1, max_length=8
    )

    def cross_checks(self) -> list[Problem]:
        """The first effect year and every cost year fall inside the horizon."""
        problems: list[Problem] = []
        if self.first_effect_year > self.years:
            problems.append(
                Problem(
                    "first_effect_year",
                    self.first_effect_year,
                    f"a year within the horizon of {self.years} years",
                    "First effect year",
                )
            )
        for i, cost in enumerate(self.intervention_costs):
            if cost.year > self.years:
                problems.append(
                    Problem(
                        f"intervention_costs[{i}].year",
                        cost.year,
                        f"a year within the horizon of {self.years} years",
                        "Year",
                    )
                )
        return problems


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


def _by_holder(values: F64) -> dict[str, float]:
    return {h: float(values[i]) for i, h in enumerate(HOLDERS)}


METRICS = {
    "successes": Metric("Successes with the programme", "count"),
    "baseline_successes": Metric("Successes without it (deadweight)", "count"),
    "additional_successes": Metric(
        "Additional successes", "count", "successes with the programme minus deadweight"
    ),
    "chain_rate": Metric("Success rate of the chain", "share", "product of the step rates"),
    "savings_by_holder": Metric("Savings by budget holder (nominal)", "money"),
    "savings_pv_by_holder": Metric("Savings by budget holder, present value", "money"),
    "costs_by_holder": Metric("Programme costs by budget holder (nominal)", "money"),
    "costs_pv_by_holder": Metric("Programme costs by budget holder, present value", "money"),
    "net_result_pv_by_holder": Metric("Net result by budget holder, present value", "money"),
    "net_result_pv": Metric("Net result, all public budgets, present value", "money"),
    "net_result": Metric("Net result, all public budgets (nominal)", "money"),
    "payback_year": Metric("Payback year (nominal, all budgets)", "year"),
    "share_of_savings_by_holder": Metric("Share of the savings by budget holder", "share"),
    "savings_by_ceiling": Metric("Savings by ceiling, all holders (nominal)", "money"),
    "discount_rate": Metric("Discount rate used", "text"),
}


def _tables(inputs: EffectChainInputs, f: ChainFlows, factors: F64) -> dict[str, pd.DataFrame]:
    years = np.arange(1, inputs.years + 1)
    cohort = float(inputs.cohort_size)
    reached = cohort * np.cumprod([s.rate for s in inputs.steps])
    chain = pd.DataFrame(
        {
            "stage": [
                "Referred",
                *(s.name for s in inputs.steps),
                "Without the programme",
                "Additional successes",
            ],
            "participants": [cohort, *reached, f.baseline, f.additional],
        }
    )
    yearly = pd.DataFrame({"year": years, "effect": f.effect})
    for i, h in enumerate(HOLDERS):
        yearly[f"saving_{h}"] = f.savings_by_holder[i]
        yearly[f"cost_{h}"] = f.costs[i]
        yearly[f"net_{h}"] = f.net_by_holder[i]
    net = f.net_by_holder.sum(axis=0)
    yearly["net_total"] = net
    yearly["discount_factor"] = factors
    yearly["pv_net_total"] = net * factors
    yearly["cumulative_net_total"] = np.cumsum(net)
    used = sorted(
        {(HOLDERS.index(c.budget_holder), CEILINGS.index(c.ceiling)) for c in inputs.consequences}
    )
    rows = [
        (int(t), HOLDERS[h], CEILINGS[c], float(f.savings[h, c, t - 1]))
        for t in years
        for h, c in used
    ]
    savings = pd.DataFrame(rows, columns=["year", "budget_holder", "ceiling", "saving"])
    savings["pv_saving"] = savings["saving"] * factors[savings["year"].to_numpy() - 1]
    return {"chain": chain, "yearly": yearly, "savings": savings}


def compute(inputs: EffectChainInputs) -> Result:
    """Successes, the yearly effect, savings and costs by budget holder and the net results.

    Summary keys: ``additional_successes``, ``savings_by_holder``, ``savings_pv_by_holder``,
    ``costs_pv_by_holder``, ``net_result_pv_by_holder``, ``net_result_pv``, ``payback_year``
    (``None`` if the all-holder position never turns and stays positive),
    ``share_of_savings_by_holder`` and more (see ``METRICS``).
    """
    f = chain_flows(inputs)
    factors = cashflow.discount_factors(inputs.years, inputs.discount_rate)
    savings_h = f.savings_by_holder
    savings_pv = savings_h @ factors
    costs_pv = f.costs @ factors
    net = f.net_by_holder.sum(axis=0)
    nominal = _by_holder(savings_h.sum(axis=1))
    summary = {
        "successes": f.successes,
        "baseline_successes": f.baseline,
        "additional_successes": f.additional,
        "chain_rate": f.successes / inputs.cohort_size,
        "savings_by_holder": nominal,
        "savings_pv_by_holder": _by_holder(savings_pv),
        "costs_by_holder": _by_holder(f.costs.sum(axis=1)),
        "costs_pv_by_holder": _by_holder(costs_pv),
        "net_result_pv_by_holder": _by_holder(savings_pv - costs_pv),
        "net_result_pv": float(savings_pv.sum() - costs_pv.sum()),
        "net_result": float(net.sum()),
        "payback_year": cashflow.payback_year(net),
        "share_of_savings_by_holder": shares(nominal),
        "savings_by_ceiling": {c: float(f.savings[:, j, :].sum()) for j, c in enumerate(CEILINGS)},
        "discount_rate": cashflow.rate_label(inputs.discount_rate),
    }
    return Result(
        "effect_chain",
        summary,
        _tables(inputs, f, factors),
        METRICS,
        _notes(inputs, f, nominal, inputs.currency),
        inputs.currency,
    )


def _notes(
    inputs: EffectChainInputs, f: ChainFlows, savings: dict[str, float], currency: str
) -> list[str]:
    """Readings of the chain: its sign against the baseline, extra costs and, where the shares
    of the savings are not meaningful, why (with the amounts)."""
    notes: list[str] = []
    if f.additional < 0:
        notes.append(
            "The chain's success rate is below the baseline rate: the programme does worse than "
            "no programme, so every saving turns into a loss."
        )
    elif f.additional == 0:
        notes.append("No additional successes: the programme only reaches the deadweight.")
    if f.additional != 0 and any(c.annual_saving < 0 for c in inputs.consequences):
        notes.append("Some consequences are extra costs (negative savings) for their budget.")
    losers = [h for h in HOLDERS if savings[h] < 0]
    if f.additional > 0 and losers and sum(savings.values()) != 0:
        amounts = "; ".join(
            f"{HOLDER_NAMES[h].lower()} {format_value(savings[h], 'money', currency)}"
            for h in HOLDERS
            if savings[h] != 0
        )
        notes.append(
            "No shares of the savings are shown, because "
            + " and ".join(HOLDER_NAMES[h].lower() for h in losers)
            + f" {'has' if len(losers) == 1 else 'have'} net extra costs; the savings by "
            f"holder are: {amounts}."
        )
    return notes


def _funnel_chart(result: Result) -> Figure:
    table = result.tables["chain"]
    fig = new_figure(height=0.55 * len(table) + 1.4)
    ax = fig.add_subplot()
    values = table["participants"].to_numpy(dtype=float)
    labels = table["stage"].tolist()
    n_chain = len(table) - 2
    colours = [PALETTE[0]] * n_chain + [PALETTE[7], PALETTE[2]]
    y = np.arange(len(table))[::-1]
    ax.barh(y, values, left=-values / 2, color=colours, height=0.7)
    for yi, v in zip(y, values, strict=True):
        ax.annotate(
            f"{v:,.1f}".replace(",", " "),
            (abs(v) / 2, yi),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    ax.set_yticks(y, labels)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title("The effect chain: participants at each step", fontsize=11)
    return fig


def _holders_chart(result: Result) -> Figure:
    table = result.tables["yearly"]
    fig = new_figure()
    ax = fig.add_subplot()
    years = table["year"].to_numpy()
    pos = np.zeros(years.size)
    neg = np.zeros(years.size)
    for i, h in enumerate(HOLDERS):
        values = table[f"saving_{h}"].to_numpy(dtype=float)
        if not np.any(values):
            continue
        base = np.where(values >= 0, pos, neg)
        ax.bar(years, values, bottom=base, color=PALETTE[i], label=f"Savings: {HOLDER_NAMES[h]}")
        pos += np.maximum(values, 0)
        neg += np.minimum(values, 0)
    costs = sum(table[f"cost_{h}"].to_numpy(dtype=float) for h in HOLDERS)
    ax.bar(years, -np.asarray(costs), bottom=neg, color=PALETTE[3], label="Programme costs")
    ax.plot(
        years,
        table["cumulative_net_total"],
        color=PALETTE[7],
        marker="o",
        linewidth=2,
        label="Cumulative net, all budgets",
    )
    year_axes(
        ax, years, result.currency, "Savings by budget holder, costs and cumulative net result"
    )
    return fig


def charts(result: Result) -> list[Chart]:
    """The funnel of the chain and the yearly savings by budget holder."""
    s, cur = result.summary, result.currency
    chain = result.tables["chain"]
    steps = "; ".join(
        f"{stage}: {n:,.1f}".replace(",", " ")
        for stage, n in zip(chain["stage"], chain["participants"], strict=True)
    )
    n_years = len(result.tables["yearly"])
    by_holder = ", ".join(
        f"{HOLDER_NAMES[h].lower()} {format_value(s['savings_by_holder'][h], 'money', cur)}"
        for h in HOLDERS
    )
    return [
        Chart(_funnel_chart(result), f"Funnel chart of the effect chain. {steps}."),
        Chart(
            _holders_chart(result),
            f"Stacked bar chart of yearly savings by budget holder over {n_years} years, with "
            "programme costs below zero and a line for the cumulative net result of "
            f"all public budgets, ending at {format_value(s['net_result'], 'money', cur)}. "
            f"Savings in total: {by_holder}.",
        ),
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
