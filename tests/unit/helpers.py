"""Small helpers shared by the unit tests."""

from __future__ import annotations

import math
from typing import Any


def all_finite(obj: Any) -> bool:
    """True when every float in a nested structure of dicts and lists is finite."""
    if isinstance(obj, float):
        return math.isfinite(obj)
    if isinstance(obj, dict):
        return all(all_finite(v) for v in obj.values())
    if isinstance(obj, list):
        return all(all_finite(v) for v in obj)
    return True
