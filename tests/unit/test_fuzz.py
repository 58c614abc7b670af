"""Issue 16: the schema-driven fuzzer over every calculator and the scenario loader and command
line (see ``fuzzing.py``). ``make test`` runs a fixed-seed, bounded number of cases per
calculator (50 per generator), plus the exhaustive edge sweep; ``make fuzz`` runs 2 000."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal_tools.cli import main
from portal_tools.registry import all_calculators

from .fuzzing import EXAMPLES, check_document, documents, edge_sweep, single_edits

CALCULATORS = list(all_calculators())


@pytest.mark.parametrize("name", CALCULATORS)
def test_fuzz_scenarios(name: str) -> None:
    outcomes: list[bool] = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
    @given(documents(all_calculators()[name]))
    def case(generated: tuple[Any, str, str]) -> None:
        outcomes.append(check_document(*generated) is not None)

    case()
    # The generator reaches the models: some cases compute, some are refused.
    print(f"{name}: {sum(outcomes)} of {len(outcomes)} computed")
    assert any(outcomes) and not all(outcomes), f"{sum(outcomes)} of {len(outcomes)} computed"


@pytest.mark.parametrize("name", CALCULATORS)
def test_fuzz_one_value_at_a_time(name: str) -> None:
    outcomes: list[bool] = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
    @given(single_edits(all_calculators()[name]))
    def case(generated: tuple[Any, str, str]) -> None:
        outcomes.append(check_document(*generated) is not None)

    case()
    print(f"{name}: {sum(outcomes)} of {len(outcomes)} single edits computed")
    assert any(outcomes) and not all(outcomes), f"{sum(outcomes)} of {len(outcomes)} computed"


SWEEP_BASE = {"risk": {"paths": 200}}
"""Fewer simulated paths for the risk calculator's sweep (each case runs the simulation)."""


@pytest.mark.parametrize("name", CALCULATORS)
def test_edge_sweep(name: str) -> None:
    """Every number of the defaults at every edge of its range (bounds, just outside them, 0,
    tiny values of both signs), one at a time: a clear input error or a finite result."""
    calc = all_calculators()[name]
    base = calc.parse(None).model_dump(mode="json") | SWEEP_BASE.get(name, {})
    # Excel is checked by the random fuzzers; here it would triple the time.
    outcomes = [check_document(*case, excel=False) is not None for case in edge_sweep(calc, base)]
    print(f"{name}: {sum(outcomes)} of {len(outcomes)} edge cases computed")
    assert any(outcomes) and not all(outcomes)


@settings(max_examples=max(EXAMPLES // 2, 10), deadline=None, derandomize=True)
@given(
    st.sampled_from(CALCULATORS).flatmap(lambda n: documents(all_calculators()[n])),
    st.sampled_from(["json", "csv", "xlsx"]),
)
def test_fuzz_command_line(
    tmp_path_factory: pytest.TempPathFactory, generated: tuple[Any, str, str], fmt: str
) -> None:
    _doc, text, kind = generated
    folder = tmp_path_factory.mktemp("fuzz")
    source, target = folder / f"s.{kind}", folder / f"out.{fmt}"
    source.write_text(text, encoding="utf-8")
    code = main(["run", str(source), "--format", fmt, "--output", str(target)])
    assert code in (0, 2)  # never 1: an internal error is a defect
    assert target.exists() == (code == 0)


def test_the_fuzz_checks_can_fail(tmp_path: Path) -> None:
    """The checks are not vacuous: a result with a formula cell or a path that is not in the
    document is caught."""
    import pandas as pd

    from portal_tools.results import Result

    from .fuzzing import _walk, check_exports

    assert _walk({"inputs": {"a.b": [1]}}, 'inputs["a.b"][0]')
    assert _walk({"inputs": {}}, "inputs.missing")
    assert not _walk({"inputs": {}}, "inputs.missing.deeper")
    assert not _walk({"inputs": {"a": [1]}}, "inputs.a[3]")
    result = Result("x", {"n": 1.0}, {"t": pd.DataFrame({"name": ["=1+1"], "v": [1.0]})})
    check_exports(result)
    bad = Result("x", {"n": 1.0}, {"t": pd.DataFrame({"name": ["a"], "v": [1.0]})})
    bad.summary["n"] = float("inf")  # bypasses the constructor's check
    with pytest.raises((AssertionError, ValueError)):
        check_exports(bad)
