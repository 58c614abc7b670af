"""What a calculator is: a name, an input model, a pure function from valid inputs to a result,
its page, its charts and the summary key its page leads with.

Calculator modules build one :class:`Calculator` each (``CALCULATOR = Calculator(...)``); the
catalogue in :mod:`portal_tools.registry` lists them in reading order. This module imports no
calculator, so the calculators and the catalogue never import each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from portal_tools.charts import Chart
from portal_tools.inputs import Inputs, parse
from portal_tools.results import Result

__all__ = ["AnyCalculator", "Calculator", "Progress"]

M = TypeVar("M", bound=Inputs)

Progress = Callable[[float], None]
"""A callback that receives the share (0-1) of a long run that is done."""


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
    headline: str = ""
    """The summary key of the result a reader looks at first (its page's browser test checks
    the default value of it)."""
    charts: Callable[[Result], list[Chart]] = lambda _result: []
    """Figures (with alternative text) that show a result; used by forms and pages."""
    compute_with_progress: Callable[[M, Progress], Result] | None = None
    """Optional: ``compute`` that reports its progress (0-1) through a callback."""
    slow: Callable[[M], bool] = lambda _inputs: False
    """Whether a run with these inputs may take over a second (forms then show progress)."""

    def parse(self, data: Mapping[str, Any] | Inputs | None) -> M:
        """Validate raw inputs (see :func:`portal_tools.inputs.parse`)."""
        return parse(self.inputs, data)

    def run(self, data: Mapping[str, Any] | Inputs | None = None) -> Result:
        """Validate ``data`` and compute the result (see :meth:`compute_valid`); raises
        :class:`InputError` on bad input."""
        return self.compute_valid(self.parse(data))

    def _own(self, inputs: Inputs) -> M:
        if not isinstance(inputs, self.inputs):
            raise TypeError(
                f"the calculator {self.name!r} takes {self.inputs.__name__}, "
                f"not {type(inputs).__name__}"
            )
        return inputs

    def compute_valid(self, inputs: Inputs, progress: Progress | None = None) -> Result:
        """Compute the result of inputs already validated by :meth:`parse`, that knows them
        (:attr:`Result.source`); a run the calculator declares slow reports to ``progress`` when
        given (a :class:`TypeError` names inputs of another calculator)."""
        own = self._own(inputs)
        if progress is None or self.compute_with_progress is None or not self.slow(own):
            result = self.compute(own)
        else:
            result = self.compute_with_progress(own, progress)
        if result.source is None:
            result.source = own
        return result

    def is_slow(self, inputs: Inputs) -> bool:
        """Whether :meth:`compute_valid` on these inputs may take over a second."""
        return self.compute_with_progress is not None and self.slow(self._own(inputs))


class AnyCalculator(Protocol):
    """A :class:`Calculator` of any input model, as the catalogue, CLI, forms and schema use
    it: everything that does not need the concrete input type."""

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def inputs(self) -> type[Inputs]: ...
    @property
    def page(self) -> str: ...
    @property
    def headline(self) -> str: ...
    @property
    def charts(self) -> Callable[[Result], list[Chart]]: ...

    def parse(self, data: Mapping[str, Any] | Inputs | None) -> Inputs: ...
    def run(self, data: Mapping[str, Any] | Inputs | None = None) -> Result: ...
    def compute_valid(self, inputs: Inputs, progress: Progress | None = None) -> Result: ...
    def is_slow(self, inputs: Inputs) -> bool: ...
