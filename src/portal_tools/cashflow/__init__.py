"""Discounting and cash-flow measures shared by every calculator.

Timing convention (used throughout the portal): flows are yearly and belong to contract years
``t = 1, 2, ...``. Year 1 is the base year, so the flow of year ``t`` is discounted by
``(1 + r) ** (t - 1)``: a flow in year 1 keeps its full value.

The public (socio-economic) discount rate is the Finance Ministry's rate in force since
January 2021: 3.5 % a year for years 0-35 from the base year and 2.5 % a year for years 36-70
(Finansministeriet, dokumentationsnotat 7 January 2021; ``fm_discount2021``). The rate after
year 70 is not verified, so horizons beyond 70 years are refused.

The parts: :mod:`~portal_tools.cashflow.rates` (discount factors, the NPV, the modified IRR,
payback and the words for a rate), :mod:`~portal_tools.cashflow.irr` (the IRR rule: sign changes,
:func:`irr_rows`, :func:`irr_result`, :func:`irr_notes`) and
:mod:`~portal_tools.cashflow.roots` (the root finders behind it: grid bracketing, safeguarded
Newton steps and companion-matrix eigenvalues). Import from ``portal_tools.cashflow``.
"""

from __future__ import annotations

from portal_tools.cashflow.irr import FINANCING as FINANCING
from portal_tools.cashflow.irr import IRR_DEFINED as IRR_DEFINED
from portal_tools.cashflow.irr import IRR_REASON_TEXT as IRR_REASON_TEXT
from portal_tools.cashflow.irr import IRR_REASONS as IRR_REASONS
from portal_tools.cashflow.irr import NO_RATE as NO_RATE
from portal_tools.cashflow.irr import NO_SIGN_CHANGE as NO_SIGN_CHANGE
from portal_tools.cashflow.irr import RATE_ZERO as RATE_ZERO
from portal_tools.cashflow.irr import SEVERAL_RATES as SEVERAL_RATES
from portal_tools.cashflow.irr import SURPLUS_SHARE as SURPLUS_SHARE
from portal_tools.cashflow.irr import IrrResult as IrrResult
from portal_tools.cashflow.irr import IrrRows as IrrRows
from portal_tools.cashflow.irr import irr, irr_all
from portal_tools.cashflow.irr import irr_notes as irr_notes
from portal_tools.cashflow.irr import irr_result as irr_result
from portal_tools.cashflow.irr import irr_rows as irr_rows
from portal_tools.cashflow.irr import irr_years_first as irr_years_first
from portal_tools.cashflow.irr import sign_changes_years_first as sign_changes_years_first
from portal_tools.cashflow.rates import (
    PUBLIC_RATE_LONG,
    PUBLIC_RATE_MAX_YEAR,
    PUBLIC_RATE_SHORT,
    PUBLIC_RATE_SWITCH_YEAR,
    annual_rate,
    cumulative,
    discount_factors,
    discounted_payback_year,
    flat_discount_factors,
    money_multiple,
    npv,
    payback_year,
    peak_exposure,
    period_discount_factors,
    public_discount_factors,
    rate_label,
)
from portal_tools.cashflow.rates import as_flows as as_flows
from portal_tools.cashflow.rates import mirr as mirr
from portal_tools.cashflow.rates import mirr_rows as mirr_rows
from portal_tools.cashflow.roots import F64 as F64
from portal_tools.cashflow.roots import MERGE_SHARE as MERGE_SHARE
from portal_tools.cashflow.roots import R_MAX as R_MAX
from portal_tools.cashflow.roots import SCALAR_COLUMNS as SCALAR_COLUMNS
from portal_tools.cashflow.roots import SIMPLE_ROOT_LAST_STEP as SIMPLE_ROOT_LAST_STEP
from portal_tools.cashflow.roots import ZERO_SHARE as ZERO_SHARE
from portal_tools.cashflow.roots import clean_years_first as clean_years_first
from portal_tools.cashflow.roots import one_change_roots as one_change_roots
from portal_tools.cashflow.roots import several_change_crossings as several_change_crossings

__all__ = [
    "PUBLIC_RATE_LONG",
    "PUBLIC_RATE_MAX_YEAR",
    "PUBLIC_RATE_SHORT",
    "PUBLIC_RATE_SWITCH_YEAR",
    "annual_rate",
    "cumulative",
    "discount_factors",
    "discounted_payback_year",
    "flat_discount_factors",
    "irr",
    "irr_all",
    "money_multiple",
    "npv",
    "payback_year",
    "peak_exposure",
    "period_discount_factors",
    "public_discount_factors",
    "rate_label",
]

# The names these helpers had before the module became a package.
_as_flows = as_flows
_clean_years_first = clean_years_first
_one_change_roots = one_change_roots
_several_change_crossings = several_change_crossings
_SCALAR_COLUMNS = SCALAR_COLUMNS
