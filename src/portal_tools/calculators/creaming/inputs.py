"""The inputs of the creaming calculator: a referred cohort in segments, the provider's
capacity, the tariff, the measurement rule and the obligation to serve everyone referred (see
:mod:`portal_tools.calculators.creaming` for the model)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from portal_tools.errors import Problem
from portal_tools.inputs import Inputs, field

F64 = NDArray[np.float64]
Measurement = Literal["served", "whole_cohort"]
MAX_AMOUNT = 1e12
SHARE_TOLERANCE = 1e-6


class SegmentInputs(Inputs):
    """One segment of the referred cohort."""

    name: str = field(
        "Segment", label="Segment", help="Short unique name.", min_length=1, max_length=40
    )
    share: float = field(
        0.5,
        label="Share",
        help="Share of the referred cohort in this segment (the shares sum to 1).",
        unit="share",
        ge=0,
        le=1,
        step=0.05,
        assumption=True,
    )
    success_rate: float = field(
        0.5,
        label="Success rate",
        help="Chance that a served participant of this segment achieves the outcome.",
        unit="share",
        gt=0,
        le=1,
        step=0.05,
        assumption=True,
    )
    success_rate_unserved: float = field(
        0.0,
        label="Success rate if not served",
        help="Chance that a participant of this segment achieves the outcome without being "
        "served (deadweight). Paid for only under whole-cohort measurement; 0: nobody "
        "succeeds without the programme.",
        unit="share",
        ge=0,
        le=1,
        step=0.05,
        assumption=True,
    )
    cost_per_participant: float = field(
        50_000.0,
        label="Cost per participant",
        help="The provider's cost of serving one participant of this segment.",
        unit="per participant",
        ge=0,
        le=MAX_AMOUNT,
        assumption=True,
    )
    value_per_success: float | None = field(
        None,
        label="Value per success",
        help="Optional value or saving to the commissioner per success; empty means not valued.",
        unit="per success",
        ge=0,
        le=MAX_AMOUNT,
        assumption=True,
    )


def _default_segments() -> list[SegmentInputs]:
    return [
        SegmentInputs(
            name="Easiest",
            share=0.3,
            success_rate=0.6,
            cost_per_participant=40_000,
            value_per_success=200_000,
        ),
        SegmentInputs(
            name="Middle",
            share=0.4,
            success_rate=0.35,
            cost_per_participant=50_000,
            value_per_success=250_000,
        ),
        SegmentInputs(
            name="Hardest",
            share=0.3,
            success_rate=0.15,
            cost_per_participant=60_000,
            value_per_success=350_000,
        ),
    ]


class CreamingInputs(Inputs):
    """A referred cohort in segments, the provider's capacity, a tariff, a measurement rule and
    whether the provider must serve everyone referred."""

    cohort_size: int = field(
        200,
        label="Referred cohort",
        help="Participants referred to the programme.",
        unit="participants",
        ge=1,
        le=10_000_000,
    )
    segments: list[SegmentInputs] = field(
        label="Segments",
        help="One row per segment: share of the cohort, success rate if served and if not "
        "served, cost per participant and optional value per success.",
        min_length=1,
        max_length=20,
        default_factory=_default_segments,
    )
    capacity: int = field(
        120,
        label="Capacity",
        help="How many participants the provider can serve.",
        unit="participants",
        ge=0,
        le=10_000_000,
        assumption=True,
    )
    price: float | None = field(
        150_000.0,
        label="Flat price",
        help="One price per success for every segment; leave empty when segment prices are given.",
        unit="per success",
        ge=0,
        le=MAX_AMOUNT,
        assumption=True,
    )
    segment_prices: dict[str, float] | None = field(
        None,
        label="Segment prices",
        help="Optional price per success for each segment, by the segment's name, instead of "
        "a flat price; every segment then needs a price.",
        unit="per success",
    )
    measurement: Measurement = field(
        "served",
        choices={
            "served": "Successes of those served",
            "whole_cohort": "Successes of everyone referred",
        },
        label="Measurement",
        help="'served': paid on the successes of the participants the provider serves; "
        "'whole_cohort': paid on the successes of everyone referred, served or not.",
    )
    serve_all_referred: bool = field(
        False,
        label="Obligation to serve everyone referred",
        help="The contract obliges the provider to take every referral in turn, up to its "
        "capacity, so it cannot choose whom to serve.",
    )
    currency: str = field(
        "DKK", label="Currency", help="Label shown with amounts.", min_length=1, max_length=8
    )

    def cross_checks(self) -> list[Problem]:
        """Shares sum to 1, names are unique, exactly one tariff is given and segment prices name
        every segment with a price from 0 up."""
        problems: list[Problem] = []
        total = sum(s.share for s in self.segments)
        if abs(total - 1) > SHARE_TOLERANCE:
            problems.append(
                Problem("segments", f"shares summing to {total:g}", "shares that sum to 1", "Share")
            )
        names = [s.name for s in self.segments]
        for i, name in enumerate(names):
            if name in names[:i]:
                problems.append(
                    Problem(f"segments[{i}].name", name, "a name not used by another segment")
                )
        if (self.price is None) == (self.segment_prices is None):
            problems.append(
                Problem(
                    "price",
                    self.price,
                    "either a flat price or segment prices, not both and not neither",
                    "Flat price",
                )
            )
        if self.segment_prices is not None:
            for key, value in self.segment_prices.items():
                if key not in names:
                    problems.append(
                        Problem(
                            f"segment_prices.{key}",
                            key,
                            "a segment name: " + ", ".join(map(repr, names)),
                            "Segment prices",
                        )
                    )
                elif not 0 <= value <= MAX_AMOUNT:
                    problems.append(
                        Problem(
                            f"segment_prices.{key}",
                            value,
                            "a price from 0 to 1 000 000 000 000",
                            "Segment prices",
                        )
                    )
            for name in names:
                if name not in self.segment_prices:
                    problems.append(
                        Problem(
                            "segment_prices",
                            sorted(self.segment_prices),
                            f"a price for every segment (missing: {name!r})",
                            "Segment prices",
                        )
                    )
        return problems

    def prices(self) -> F64:
        """(S,) price per success of each segment under the chosen tariff."""
        if self.segment_prices is not None:
            return np.array([self.segment_prices[s.name] for s in self.segments], dtype=float)
        return np.full(len(self.segments), float(self.price or 0.0))
