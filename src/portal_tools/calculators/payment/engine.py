"""The payment calculator's engine: the contract as arrays (:func:`contract_arrays`), the
capping rule (:func:`cut_latest_first`) and the settlement (:func:`settle`,
:func:`settle_yearly`, :func:`settle_years_first`); the return cap is
:mod:`portal_tools.calculators.payment.return_cap` (see :mod:`portal_tools.calculators.payment`
for the rules)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from portal_tools import cashflow
from portal_tools.calculators.payment.inputs import F64, PaymentInputs, parent_name
from portal_tools.calculators.payment.return_cap import cut_years_first, return_cap_years_first
from portal_tools.errors import InputError


@dataclass(frozen=True)
class ContractArrays:
    """The contract as arrays (``O`` outcomes, ``H`` periods, ``P`` periods a year); ``inf``
    means no cap. With one period a year and no payment lag, periods are contract years."""

    names: tuple[str, ...]
    cohort: float
    price: F64
    """(O,) price per achievement (the rate card's, before indexation)."""
    rate: F64
    """(O,) expected rate as a share of the cohort (for a nested outcome, the product of the
    conditional rates along its chain)."""
    conditional_rate: F64
    """(O,) the rate card's rates: a share of the cohort, or of the parent's achievers."""
    parent: NDArray[np.intp]
    """(O,) index of the outcome each one builds on (``requires``), -1 for none; parents come
    before their children in :attr:`order`."""
    order: NDArray[np.intp]
    """(O,) the outcomes ordered so that every parent comes before its children."""
    cap: F64
    """(O,) cap per outcome, ``inf`` without one."""
    threshold: F64
    """(O,) trigger rate, 0 without one."""
    value: F64
    """(O,) value per achievement, 0 without one."""
    valued: NDArray[np.bool_]
    """(O,) whether the outcome has a value."""
    profile: F64
    """(O, H) what one payable achievement at price 1 pays in each period: its achievement
    timing moved on by the payment lag, times the price index of its achievement year."""
    costs: F64
    """(H,) delivery cost per period (indexed), 0 in the periods after the contract."""
    overall_cap: float
    """min(total_cap, per_person_cap * cohort), ``inf`` without either."""
    return_cap: float | None
    discount_rate: float | None
    periods_per_year: int
    contract_years: int
    """Contract years ``T`` (the periods after them hold only lagged payments)."""
    baseline: F64
    """(O,) baseline rate, a share of the cohort (0 without one)."""
    person_scale: F64 | None
    """(O,) price paid per price on the rate card after the cap per person along a staircase
    (``each_person`` basis), ``None`` where that cap does not apply."""
    value_profile: F64
    """(O, H) value of one payable achievement at value 1 in each period: its achievement
    timing (no lag) times the cost index of its year."""
    fees: F64
    """(H,) management fee per period (0 without a fee)."""
    outlay: F64
    """(H,) the investor's outlay per period: delivery costs plus management fees."""
    total_cap: float
    per_person_cap: float
    """The cap per participant (``inf`` without one): the overall cap is at most this times
    the cohort, also on a path with another cohort."""
    multiple_cap: float | None
    """The cap on the money multiple (``None`` without one)."""
    protection: float
    """Share of the investor's outlay a guarantor repays where payments fall short."""
    excess_share: float
    """Share of the money removed by caps that goes to the provider."""
    factors: F64
    """(H,) nominal discount factors of the commissioner's present values and the hurdle."""
    cap_factors: F64 | None
    """(H,) ``(1 + return_cap) ** -tau`` per period, ``None`` without a return cap."""

    @property
    def years(self) -> int:
        """Number of contract years ``T``."""
        return self.contract_years

    @property
    def periods(self) -> int:
        """Number of periods ``H`` of the flows (contract periods plus any run-on periods)."""
        return int(self.costs.size)

    @property
    def nested(self) -> bool:
        """Whether any outcome builds on another."""
        return bool(np.any(self.parent >= 0))

    @property
    def period_year(self) -> NDArray[np.intp]:
        """(H,) the year of every period: ``ceil(k / P)`` (above ``T`` after the contract)."""
        return np.arange(self.periods) // self.periods_per_year + 1


def absolute_rates(contract: ContractArrays, conditional: ArrayLike) -> F64:
    """Shares of the cohort from conditional rates (``(..., O)``): an outcome without a parent
    keeps its rate; a nested one gets its parent's share times its own rate, parents first
    (:attr:`ContractArrays.order`). Without nesting the rates are returned unchanged."""
    r = np.array(conditional, dtype=float)
    if not contract.nested:
        return r
    for o in contract.order:
        p = contract.parent[o]
        if p >= 0:
            r[..., o] = r[..., p] * r[..., o]
    return r


def _nesting(
    names: Sequence[str], requires: Sequence[str | None]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Parent index of every outcome (-1 for none) and an order with parents first (the inputs
    are validated: every name exists and there is no cycle)."""
    index = {n: i for i, n in enumerate(names)}
    parent = np.array([-1 if r is None else index[r] for r in requires], dtype=np.intp)
    return parent, np.argsort(nesting_depth(parent), kind="stable")


def nesting_depth(parent: NDArray[np.intp]) -> NDArray[np.intp]:
    """How many outcomes each outcome builds on: 0 without a parent (``parent[o] < 0``), else
    one more than its parent's depth (``parent`` is acyclic, as the inputs are validated)."""
    up = parent.tolist()
    depth = np.zeros(parent.size, dtype=np.intp)
    for o in range(parent.size):
        p = up[o]
        while p >= 0:
            depth[o] += 1
            p = up[p]
    return depth


def lag_periods(inputs: PaymentInputs) -> int:
    """The payment lag in whole periods: ``ceil(payment_lag_months * P / 12)``."""
    return -(-inputs.payment_lag_months * inputs.periods_per_year // 12)


def person_scale(inputs: PaymentInputs, parent: NDArray[np.intp]) -> F64 | None:
    """On the ``each_person`` basis, the share of each outcome's price that is paid when no
    person may earn more than ``per_person_cap`` along a staircase: with ``C(o)`` the sum of the
    rate card's prices from the start of outcome ``o``'s chain to ``o``, the price paid for ``o``
    is ``min(cap, C(o)) - min(cap, C(parent))`` (``C = 0`` above the first step). ``None`` where
    the cap does not apply or does not bind on any step."""
    cap = inputs.per_person_cap
    if cap is None or inputs.per_person_cap_basis != "each_person":
        return None
    price = np.array([o.price for o in inputs.outcomes], dtype=float)
    up = parent.tolist()
    chain = np.zeros(price.size)
    for o in range(price.size):
        p = o
        while p >= 0:
            chain[o] += price[p]
            p = up[p]
    above = np.array([chain[p] if p >= 0 else 0.0 for p in up])
    paid = np.minimum(cap, chain) - np.minimum(cap, above)
    if np.all(paid >= price):
        return None
    return np.asarray(np.divide(paid, price, out=np.zeros_like(price), where=price > 0))


def _timing(inputs: PaymentInputs) -> tuple[F64, int, int]:
    """(O, H) achievement timing: ``A[o, k]``, the share of outcome ``o``'s achievements in
    period ``k`` (the year's share spread evenly over its ``P`` periods), with ``H = T P + L``
    periods (``L`` the lag), and ``P``, ``L``."""
    per, lag = inputs.periods_per_year, lag_periods(inputs)
    n_out, n_periods = len(inputs.outcomes), inputs.years * per + lag
    timing = np.zeros((n_out, n_periods))
    for o, outcome in enumerate(inputs.outcomes):
        shares = np.asarray(outcome.payment_profile or [1.0], dtype=float)
        total = shares.sum()
        shares = shares / total if total > 0 else shares * 0
        start = (outcome.payment_year - 1) * per
        spread = np.repeat(shares / per, per) if per > 1 else shares
        timing[o, start : start + spread.size] = spread
    return timing, per, lag


def contract_arrays(inputs: PaymentInputs) -> ContractArrays:
    """Turn validated inputs into arrays: the timing of achievements and payments over ``H``
    periods, the indexed delivery costs and fees, the caps and the discount factors (see the
    package docstring for the rules)."""
    timing, per, lag = _timing(inputs)
    n_periods = timing.shape[1]
    year = np.arange(n_periods) // per  # years since the first (0 in year 1)
    price_index = (1.0 + inputs.price_indexation) ** year
    cost_index = (1.0 + inputs.cost_inflation) ** year
    achieved = timing * price_index if inputs.price_indexation else timing
    profile = np.zeros_like(timing)
    profile[:, lag:] = achieved[:, : n_periods - lag]
    yearly_costs = np.zeros(inputs.years)
    yearly_costs[: len(inputs.delivery_costs)] = inputs.delivery_costs
    if inputs.cost_inflation:
        yearly_costs = yearly_costs * cost_index[::per][: inputs.years]
    costs = np.zeros(n_periods)
    costs[: inputs.years * per] = np.repeat(yearly_costs / per, per) if per > 1 else yearly_costs
    capital = inputs.capital
    fee_rate = capital.management_fee_rate if capital is not None else 0.0
    fees = costs * fee_rate
    outlay = costs + fees if fee_rate else costs
    limits = [math.inf]
    if inputs.total_cap is not None:
        limits.append(inputs.total_cap)
    if inputs.per_person_cap is not None:
        limits.append(inputs.per_person_cap * inputs.cohort_size)
    names = tuple(o.name for o in inputs.outcomes)
    parent, order = _nesting(names, [parent_name(o) for o in inputs.outcomes])
    conditional = np.array([o.rate for o in inputs.outcomes], dtype=float)
    tau = np.arange(n_periods) / per
    cap_factors = None
    if inputs.return_cap is not None:
        cap_factors = np.asarray((1.0 + inputs.return_cap) ** -tau)
    contract = ContractArrays(
        names=names,
        cohort=float(inputs.cohort_size),
        price=np.array([o.price for o in inputs.outcomes], dtype=float),
        rate=conditional,
        conditional_rate=conditional,
        parent=parent,
        order=order,
        cap=np.array([math.inf if o.cap is None else o.cap for o in inputs.outcomes]),
        threshold=np.array([0.0 if o.threshold is None else o.threshold for o in inputs.outcomes]),
        value=np.array([0.0 if o.value is None else o.value for o in inputs.outcomes]),
        valued=np.array([o.value is not None for o in inputs.outcomes]),
        profile=profile,
        costs=costs,
        overall_cap=min(limits),
        return_cap=inputs.return_cap,
        discount_rate=inputs.discount_rate,
        periods_per_year=per,
        contract_years=inputs.years,
        baseline=np.array([o.baseline_rate for o in inputs.outcomes], dtype=float),
        person_scale=person_scale(inputs, parent),
        value_profile=timing * cost_index if inputs.cost_inflation else timing,
        fees=fees,
        outlay=outlay,
        total_cap=math.inf if inputs.total_cap is None else inputs.total_cap,
        per_person_cap=math.inf if inputs.per_person_cap is None else inputs.per_person_cap,
        multiple_cap=capital.return_cap_multiple if capital is not None else None,
        protection=capital.capital_protection if capital is not None else 0.0,
        excess_share=capital.excess_share_to_provider if capital is not None else 0.0,
        factors=cashflow.period_discount_factors(
            n_periods, per, inputs.discount_rate, inputs.cost_inflation
        ),
        cap_factors=cap_factors,
    )
    return dataclasses.replace(contract, rate=absolute_rates(contract, conditional))


def cut_latest_first(flows: ArrayLike, limit: ArrayLike) -> F64:
    """Cut non-negative ``flows`` (last axis = years) so their sum is at most ``limit``,
    removing the latest amounts first.

    With ``E = max(sum(flows) - limit, 0)`` and ``later(t) = sum_{s > t} flows(s)``, the amount
    removed in year ``t`` is ``clip(E - later(t), 0, flows(t))``. ``limit`` broadcasts over the
    leading axes; ``inf`` leaves the flows unchanged.
    """
    arr = np.asarray(flows, dtype=float)
    lim = np.asarray(limit, dtype=float)
    if np.all(np.isposinf(lim)):
        return arr
    total = arr.sum(axis=-1)
    excess = np.maximum(total - lim, 0.0)
    later = total[..., None] - np.cumsum(arr, axis=-1)
    removed = np.clip(excess[..., None] - later, 0.0, arr)
    return np.asarray(arr - removed)


def _scale_years(payments: F64, old_totals: F64, new_totals: F64) -> F64:
    """Scale each year's outcome payments (``(..., O, T)``) from old to new year totals."""
    scale = np.divide(new_totals, old_totals, out=np.ones_like(old_totals), where=old_totals > 0)
    return np.asarray(payments * scale[..., None, :])


@dataclass(frozen=True)
class Settlement:
    """Payments after each rule; leading axes follow the ``rates`` given to :func:`settle`."""

    rates: F64
    """(..., O) achieved rates."""
    achievements: F64
    """(..., O) payable achievements ``cohort * max(0, rate - baseline)``."""
    uncapped: F64
    """(..., O, H) ``achievements * price * profile`` before any rule."""
    triggered: NDArray[np.bool_]
    """(..., O) whether the outcome met its trigger rate."""
    after_triggers: F64
    after_person_cap: F64
    after_outcome_caps: F64
    after_overall_cap: F64
    payments: F64
    """(..., O, H) final payments, after the return caps."""

    @property
    def yearly(self) -> F64:
        """(..., H) total outcome payments per period."""
        return np.asarray(self.payments.sum(axis=-2))

    @property
    def by_outcome(self) -> F64:
        """(..., O) total payment per outcome."""
        return np.asarray(self.payments.sum(axis=-1))

    @property
    def removed_by_triggers(self) -> F64:
        """(...,) payment lost because outcomes missed their trigger rate."""
        return np.asarray((self.uncapped - self.after_triggers).sum(axis=(-2, -1)))

    @property
    def removed_by_person_cap(self) -> F64:
        """(...,) amount removed by the cap per person along a staircase."""
        return np.asarray((self.after_triggers - self.after_person_cap).sum(axis=(-2, -1)))

    @property
    def removed_by_outcome_caps(self) -> F64:
        """(...,) amount removed by outcome caps."""
        return np.asarray((self.after_person_cap - self.after_outcome_caps).sum(axis=(-2, -1)))

    @property
    def removed_by_overall_cap(self) -> F64:
        """(...,) amount removed by the total and per-person caps."""
        return np.asarray((self.after_outcome_caps - self.after_overall_cap).sum(axis=(-2, -1)))

    @property
    def removed_by_return_cap(self) -> F64:
        """(...,) amount removed by the return caps (money multiple and IRR)."""
        return np.asarray((self.after_overall_cap - self.payments).sum(axis=(-2, -1)))

    @property
    def removed_by_caps(self) -> F64:
        """(..., H) everything the caps removed in each period (not the missed triggers)."""
        return np.asarray((self.after_triggers - self.payments).sum(axis=-2))


def investor_flows(contract: ContractArrays, yearly_payments: ArrayLike) -> F64:
    """Investor cash flow per period before any guarantor payment: ``payments(k) - outlay(k)``
    (delivery costs plus management fees), shape ``(..., H)``."""
    return np.asarray(np.asarray(yearly_payments, dtype=float) - contract.outlay)


def guarantor_payment(
    contract: ContractArrays, total_payments: ArrayLike, outlay: ArrayLike
) -> F64:
    """What the guarantor pays the investor at the end:
    ``max(0, protection * outlay - total_payments)`` (0 without protection)."""
    paid = np.asarray(total_payments, dtype=float)
    if contract.protection == 0:
        return np.zeros_like(paid)
    return np.asarray(np.maximum(contract.protection * np.asarray(outlay) - paid, 0.0))


def provider_bonus_years_first(contract: ContractArrays, yearly: F64, triggered: F64) -> F64:
    """(H, N) the provider's share of what the caps removed in each period:
    ``excess_share * (payments before any cap - payments)``, with the payments before caps
    ``profile.T @ triggered.T`` (``triggered`` as :func:`settle_years_first` returns it);
    zeros without a share."""
    if contract.excess_share == 0:
        return np.zeros_like(yearly)
    before = contract.profile.T @ triggered.T
    return np.asarray(contract.excess_share * np.maximum(before - yearly, 0.0))


def _checked_rates(contract: ContractArrays, rates: ArrayLike | None) -> F64:
    """Achieved rates as floats (the expected rates for ``None``); refuses a wrong shape,
    non-finite values and values outside 0-1."""
    r = contract.rate if rates is None else np.asarray(rates, dtype=float)
    if r.shape[-1:] != contract.price.shape or not np.all(np.isfinite(r)):
        raise InputError.single(
            "rates",
            f"array of shape {r.shape}",
            f"finite shares of shape (..., {contract.price.size})",
        )
    if np.any((r < 0) | (r > 1)):
        raise InputError.single("rates", "values outside 0-1", "shares from 0 to 1")
    return np.asarray(r)


def payable(contract: ContractArrays, rates: F64, cohort: F64 | float | None = None) -> F64:
    """Payable achievements ``cohort * max(0, rate - baseline)`` (``(..., O)``); ``cohort``
    broadcasts against the leading axes (the contract's cohort by default)."""
    n = contract.cohort if cohort is None else cohort
    if not contract.baseline.any():
        return np.asarray(n * rates)
    return np.asarray(n * np.maximum(rates - contract.baseline, 0.0))


def return_caps_years_first(
    contract: ContractArrays, yearly: F64, outlay: F64 | None = None
) -> F64:
    """The two return caps on years-first totals ``(H, N)``, in place: first the money multiple
    (total payments at most ``multiple_cap`` times the outlay, cut latest first), then the IRR
    cap (:func:`return_cap_years_first`); where both are set the stricter one binds. ``outlay``
    is ``(H,)`` or ``(H, N)`` (the contract's by default)."""
    spent = contract.outlay if outlay is None else outlay
    if contract.multiple_cap is not None:
        yearly = cut_years_first(yearly, contract.multiple_cap * spent.sum(axis=0))
    return return_cap_years_first(contract, yearly, spent)


def settle_years_first(
    contract: ContractArrays,
    rates: F64,
    cohort: F64 | None = None,
    price: F64 | None = None,
    outlay: F64 | None = None,
) -> tuple[F64, F64]:
    """:func:`settle_yearly` for ``(N, O)`` rates, with the totals laid out years first:
    returns ``(yearly (H, N), triggered (N, O))``, ``triggered`` being each outcome's payable
    achievements times its price where it met its trigger (before the cap per person and any
    other cap; the nominal total is that times the outcome's row sum of :attr:`profile`).

    Optional per-path inputs (the risk simulation and the what-if tables): ``cohort`` ``(N,)``
    (the overall cap per participant follows it), ``price`` ``(N, O)`` and ``outlay``
    ``(H, N)``. Rates are not checked here (the caller has drawn them in 0-1); years-first
    rows keep every yearly operation contiguous."""
    n = None if cohort is None else cohort[:, None]
    paid = payable(contract, rates, n) * (contract.price if price is None else price)
    paid *= rates >= contract.threshold - 1e-12
    unit = paid if contract.person_scale is None else paid * contract.person_scale
    yearly = np.zeros((contract.periods, rates.shape[0]))
    for o in range(contract.price.size):
        share = contract.profile[o]
        if math.isfinite(contract.cap[o]):
            row = share[:, None] * unit[:, o]
            yearly += cut_years_first(row, float(contract.cap[o]))
            continue
        for t in np.flatnonzero(share):
            yearly[t] += unit[:, o] * share[t]
    limit: F64 | float = contract.overall_cap
    if cohort is not None and math.isfinite(contract.per_person_cap):
        limit = np.minimum(contract.total_cap, contract.per_person_cap * cohort)
    if np.any(np.isfinite(limit)):
        yearly = cut_years_first(yearly, limit)
    return return_caps_years_first(contract, yearly, outlay), paid


def settle_yearly(contract: ContractArrays, rates: ArrayLike | None = None) -> tuple[F64, F64]:
    """Fast path of :func:`settle` for models that need only yearly totals (the risk simulation).

    Returns ``(yearly, triggered)``: ``(..., H)`` total payments per period after every rule
    (equal to ``settle(contract, rates).yearly`` up to floating-point rounding, about ``1e-15``
    relative) and ``(..., O)`` each outcome's payable achievements times its price where
    triggered, before any cap (see :func:`settle_years_first`).

    The rules are the same and in the same order; the saving is that no ``(..., O, H)`` array
    is built. Outcome caps cut each capped outcome's row of periods (outcomes without a cap are
    added uncut); the overall cap and the return caps act on the totals, which is what their
    pro-rata split over outcomes sums to. The work is done years first
    (:func:`settle_years_first`).
    """
    r = _checked_rates(contract, rates)
    flat = r.reshape(-1, contract.price.size)
    yearly, paid = settle_years_first(contract, flat)
    lead = r.shape[:-1]
    return yearly.T.reshape(*lead, contract.periods), paid.reshape(*lead, contract.price.size)


def _apply_return_cap(contract: ContractArrays, payments: F64, capped: F64 | None = None) -> F64:
    """:func:`return_caps_years_first` on the period totals of ``(..., O, H)`` payments; within
    a period every outcome is cut pro rata. ``capped``, where given, are those totals after the
    caps as :func:`settle_yearly` gives them (the caps are then not solved a second time)."""
    if contract.return_cap is None and contract.multiple_cap is None:
        return payments
    yearly = payments.sum(axis=-2)
    if capped is None:
        flat = np.ascontiguousarray(yearly.reshape(-1, contract.periods).T)
        capped = return_caps_years_first(contract, flat.copy()).T.reshape(yearly.shape)
    return _scale_years(payments, yearly, capped)


def settle(
    contract: ContractArrays, rates: ArrayLike | None = None, final_yearly: F64 | None = None
) -> Settlement:
    """Payments by outcome and period for achieved ``rates`` (shape ``(O,)`` or ``(P, O)``).

    Order of the rules: trigger (``rate >= threshold``), the cap per person along a staircase,
    outcome caps, overall cap, return caps (see the package docstring). ``rates=None`` uses the
    expected rates of the rate card. ``final_yearly``: the totals :func:`settle_yearly` gives
    for the same rates, where the caller has them; the return caps are then split over outcomes
    from those totals instead of being solved again (the two agree up to rounding).
    """
    r = _checked_rates(contract, rates)
    achievements = payable(contract, r)
    uncapped = (achievements * contract.price)[..., None] * contract.profile
    triggered = r >= contract.threshold - 1e-12
    after_triggers = uncapped * triggered[..., None]
    after_person = after_triggers
    if contract.person_scale is not None:
        after_person = after_triggers * contract.person_scale[:, None]
    after_outcome_caps = cut_latest_first(after_person, contract.cap)
    yearly = after_outcome_caps.sum(axis=-2)
    capped_yearly = cut_latest_first(yearly, contract.overall_cap)
    after_overall_cap = _scale_years(after_outcome_caps, yearly, capped_yearly)
    payments = _apply_return_cap(contract, after_overall_cap, final_yearly)
    return Settlement(
        r,
        achievements,
        uncapped,
        triggered,
        after_triggers,
        after_person,
        after_outcome_caps,
        after_overall_cap,
        payments,
    )
