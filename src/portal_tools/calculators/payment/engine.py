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

from portal_tools.calculators.payment.inputs import F64, PaymentInputs, parent_name
from portal_tools.calculators.payment.return_cap import cut_years_first, return_cap_years_first
from portal_tools.errors import InputError


@dataclass(frozen=True)
class ContractArrays:
    """The contract as arrays (``O`` outcomes, ``T`` years); ``inf`` means no cap."""

    names: tuple[str, ...]
    cohort: float
    price: F64
    """(O,) price per achievement."""
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
    """(O, T) share of each outcome's payment falling in each year (rows sum to 1)."""
    costs: F64
    """(T,) delivery cost per year."""
    overall_cap: float
    """min(total_cap, per_person_cap * cohort), ``inf`` without either."""
    return_cap: float | None
    discount_rate: float | None

    @property
    def years(self) -> int:
        """Number of contract years ``T``."""
        return int(self.costs.size)

    @property
    def nested(self) -> bool:
        """Whether any outcome builds on another."""
        return bool(np.any(self.parent >= 0))


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


def contract_arrays(inputs: PaymentInputs) -> ContractArrays:
    """Turn validated inputs into arrays (timing profile: ``profile[o, t]`` is the share of
    outcome ``o``'s payment in contract year ``t + 1``)."""
    n_out, n_years = len(inputs.outcomes), inputs.years
    profile = np.zeros((n_out, n_years))
    for o, outcome in enumerate(inputs.outcomes):
        shares = np.asarray(outcome.payment_profile or [1.0], dtype=float)
        start = outcome.payment_year - 1
        total = shares.sum()
        profile[o, start : start + shares.size] = shares / total if total > 0 else 0
    costs = np.zeros(n_years)
    costs[: len(inputs.delivery_costs)] = inputs.delivery_costs
    limits = [math.inf]
    if inputs.total_cap is not None:
        limits.append(inputs.total_cap)
    if inputs.per_person_cap is not None:
        limits.append(inputs.per_person_cap * inputs.cohort_size)
    names = tuple(o.name for o in inputs.outcomes)
    parent, order = _nesting(names, [parent_name(o) for o in inputs.outcomes])
    conditional = np.array([o.rate for o in inputs.outcomes], dtype=float)
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
    """(..., O) expected achievements ``cohort * rate``."""
    uncapped: F64
    """(..., O, T) ``achievements * price * profile`` before any rule."""
    triggered: NDArray[np.bool_]
    """(..., O) whether the outcome met its trigger rate."""
    after_triggers: F64
    after_outcome_caps: F64
    after_overall_cap: F64
    payments: F64
    """(..., O, T) final payments, after the return cap."""

    @property
    def yearly(self) -> F64:
        """(..., T) total outcome payments per year."""
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
    def removed_by_outcome_caps(self) -> F64:
        """(...,) amount removed by outcome caps."""
        return np.asarray((self.after_triggers - self.after_outcome_caps).sum(axis=(-2, -1)))

    @property
    def removed_by_overall_cap(self) -> F64:
        """(...,) amount removed by the total and per-person caps."""
        return np.asarray((self.after_outcome_caps - self.after_overall_cap).sum(axis=(-2, -1)))

    @property
    def removed_by_return_cap(self) -> F64:
        """(...,) amount removed by the return cap."""
        return np.asarray((self.after_overall_cap - self.payments).sum(axis=(-2, -1)))


def investor_flows(contract: ContractArrays, yearly_payments: ArrayLike) -> F64:
    """Investor cash flow per year: ``payments(t) - delivery_costs(t)``, shape ``(..., T)``."""
    return np.asarray(np.asarray(yearly_payments, dtype=float) - contract.costs)


def _apply_return_cap(contract: ContractArrays, payments: F64, capped: F64 | None = None) -> F64:
    """:func:`return_cap_years_first` on the yearly totals of ``(..., O, T)`` payments; within a
    year every outcome is cut pro rata. ``capped``, where given, are those totals after the cap
    as :func:`settle_yearly` gives them (the cap is then not solved a second time)."""
    if contract.return_cap is None:
        return payments
    yearly = payments.sum(axis=-2)
    if capped is None:
        flat = np.ascontiguousarray(yearly.reshape(-1, contract.years).T)
        capped = return_cap_years_first(contract, flat.copy()).T.reshape(yearly.shape)
    return _scale_years(payments, yearly, capped)


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


def settle_years_first(contract: ContractArrays, rates: F64) -> tuple[F64, F64]:
    """:func:`settle_yearly` for ``(N, O)`` rates, with the yearly totals laid out years first:
    returns ``(yearly (T, N), triggered_totals (N, O))``. Rates are not checked here (the
    caller has drawn them in 0-1); years-first rows keep every yearly operation contiguous."""
    paid = contract.cohort * rates * contract.price
    paid *= rates >= contract.threshold - 1e-12
    yearly = np.zeros((contract.years, rates.shape[0]))
    for o in range(contract.price.size):
        share = contract.profile[o]
        if math.isfinite(contract.cap[o]):
            row = share[:, None] * paid[:, o]
            yearly += cut_years_first(row, float(contract.cap[o]))
            continue
        for t in np.flatnonzero(share):
            yearly[t] += paid[:, o] * share[t]
    if math.isfinite(contract.overall_cap):
        yearly = cut_years_first(yearly, contract.overall_cap)
    return return_cap_years_first(contract, yearly), paid


def settle_yearly(contract: ContractArrays, rates: ArrayLike | None = None) -> tuple[F64, F64]:
    """Fast path of :func:`settle` for models that need only yearly totals (the risk simulation).

    Returns ``(yearly, triggered_totals)``: ``(..., T)`` total payments per year after every
    rule (equal to ``settle(contract, rates).yearly`` up to floating-point rounding, about
    ``1e-15`` relative) and ``(..., O)`` each outcome's total after the trigger, before any cap
    (``cohort * rate * price`` where triggered, else 0).

    The rules are the same and in the same order; the saving is that no ``(..., O, T)`` array
    is built. Outcome caps cut each capped outcome's row of years (outcomes without a cap are
    added uncut); the overall cap and the return cap act on the yearly totals, which is what
    their pro-rata split over outcomes sums to. The work is done years first
    (:func:`settle_years_first`).
    """
    r = _checked_rates(contract, rates)
    flat = r.reshape(-1, contract.price.size)
    yearly, paid = settle_years_first(contract, flat)
    lead = r.shape[:-1]
    return yearly.T.reshape(*lead, contract.years), paid.reshape(*lead, contract.price.size)


def settle(
    contract: ContractArrays, rates: ArrayLike | None = None, final_yearly: F64 | None = None
) -> Settlement:
    """Payments by outcome and year for achieved ``rates`` (shape ``(O,)`` or ``(P, O)``).

    Order of the rules: trigger (``rate >= threshold``), outcome caps, overall cap, return cap
    (see the module docstring). ``rates=None`` uses the expected rates of the rate card.
    ``final_yearly``: the yearly totals :func:`settle_yearly` gives for the same rates, where the
    caller has them; the return cap is then split over outcomes from those totals instead of
    being solved again (the two agree up to rounding).
    """
    r = _checked_rates(contract, rates)
    achievements = contract.cohort * r
    uncapped = (achievements * contract.price)[..., None] * contract.profile
    triggered = r >= contract.threshold - 1e-12
    after_triggers = uncapped * triggered[..., None]
    after_outcome_caps = cut_latest_first(after_triggers, contract.cap)
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
        after_outcome_caps,
        after_overall_cap,
        payments,
    )
