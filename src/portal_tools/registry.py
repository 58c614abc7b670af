"""The calculator registry: one entry per calculator, used by the CLI, scenario files,
the generic form and the schema page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from portal_tools.charts import Chart
from portal_tools.errors import InputError
from portal_tools.inputs import Inputs, parse
from portal_tools.results import Result

__all__ = ["Calculator", "all_calculators", "get", "register"]

M = TypeVar("M", bound=Inputs)


@dataclass(frozen=True)
class Calculator(Generic[M]):
    """A named calculator: an input model and a pure function from valid inputs to a result."""

    name: str
    title: str
    summary: str
    inputs: type[M]
    compute: Callable[[M], Result]
    page: str = ""
    """Docname of the calculator's page in the book (for links), e.g. ``tools/present-value``."""
    charts: Callable[[Result], list[Chart]] = lambda _result: []
    """Figures (with alternative text) that show a result; used by forms and pages."""
    compute_with_progress: Callable[[M, Callable[[float], None]], Result] | None = None
    """Optional: ``compute`` that reports its progress (0-1) through a callback."""
    slow: Callable[[M], bool] = lambda _inputs: False
    """Whether a run with these inputs may take over a second (forms then show progress)."""

    def parse(self, data: Mapping[str, Any] | M | None) -> M:
        """Validate raw inputs (see :func:`portal_tools.inputs.parse`)."""
        return parse(self.inputs, data)

    def run(self, data: Mapping[str, Any] | M | None = None) -> Result:
        """Validate ``data`` and compute the result; raises :class:`InputError` on bad input."""
        return self.compute(self.parse(data))


_REGISTRY: dict[str, Calculator[Any]] = {}


def register(calculator: Calculator[M]) -> Calculator[M]:
    """Add a calculator under its name (names are unique)."""
    if calculator.name in _REGISTRY and _REGISTRY[calculator.name] is not calculator:
        raise ValueError(f"calculator {calculator.name!r} is registered twice")
    _REGISTRY[calculator.name] = calculator
    return calculator


def _load_all() -> None:
    import portal_tools.calculators  # noqa: F401  (registers every calculator)


def all_calculators() -> dict[str, Calculator[Any]]:
    """Every registered calculator by name, in registration order."""
    _load_all()
    return dict(_REGISTRY)


def get(name: str) -> Calculator[Any]:
    """The calculator called ``name``; an :class:`InputError` names the known ones otherwise."""
    calculators = all_calculators()
    if name not in calculators:
        raise InputError.single("calculator", name, "one of " + ", ".join(map(repr, calculators)))
    return calculators[name]
