"""The package's one input error: every bad value is reported with its field path,
the value given and what is allowed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["InputError", "Problem", "format_path"]


def format_path(parts: Iterable[str | int]) -> str:
    """Join location parts into a field path such as ``outcomes[1].rate``.

    Integers become list indices, strings become attribute names.
    """
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(input)"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class Problem:
    """One bad input: where (``path``), what was given (``value``) and what is allowed."""

    path: str
    value: Any
    allowed: str
    label: str = ""

    def detail(self) -> str:
        """What was given and what is allowed, without the location."""
        return f"got {_show(self.value)}; allowed: {self.allowed}"

    def __str__(self) -> str:
        where = f"{self.path} ({self.label})" if self.label else self.path
        return f"{where}: {self.detail()}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form of the problem."""
        return {"path": self.path, "value": _show(self.value), "allowed": self.allowed}


class InputError(ValueError):
    """Raised for any invalid calculator input.

    ``problems`` lists every problem found (not only the first), each naming
    the field path, the value given and what is allowed.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, path: str, value: Any, allowed: str, label: str = "") -> InputError:
        """An error with one problem."""
        return cls([Problem(path, value, allowed, label)])
