"""The effect-chain, budget and programme calculators on the command line: presets, scenario
files in every format, and exit status 2 with one line per problem naming the field path."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
import yaml

from portal_tools.cli import main
from portal_tools.scenario import list_presets, preset_data

from .fuzzing import read_csv_zip

PRESETS = {
    "effect_chain": ["effect_chain_housing_support", "effect_chain_youth_employment"],
    "budget": ["budget_investor_capital"],
    "programme": ["programme_housing_support", "programme_youth_employment"],
}


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("calculator", sorted(PRESETS))
def test_presets_run_and_label_every_assumption(
    calculator: str, capsys: pytest.CaptureFixture[str]
) -> None:
    names = [p for p in list_presets() if p.startswith(calculator + "_")]
    assert names == PRESETS[calculator]
    for name in names:
        code, out, err = run_cli(["run", f"preset:{name}"], capsys)
        assert code == 0, err
        assert json.loads(out)["calculator"] == calculator
        data = preset_data(name)
        labels = data["assumptions"]
        assert labels and all(isinstance(v, str) and v for v in labels.values())
        # Every top-level input is labelled, either itself or through one of its rows.
        for key in data["inputs"]:
            if key == "currency":
                continue
            assert any(k == key or k.startswith(key + "[") for k in labels), (name, key)


def test_programme_youth_preset_shows_the_transfer_problem(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(["run", "preset:programme_youth_employment"], capsys)
    assert code == 0
    result = json.loads(out)
    s = result["summary"]
    assert s["service_ceiling_burden_total"] > 0 < s["net_result_pv_by_holder"]["kommune"]
    assert any("transfer savings" in n for n in result["notes"])


def test_scenario_file_in_csv_and_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = {
        "calculator": "budget",
        "inputs": {
            "intervention_costs": [100, 0],
            "capital_received": [100, 0],
            "outcome_payments": [0, 60],
            "service_savings": [0, 50],
            "transfer_savings": [0, 30],
        },
    }
    path = tmp_path / "b.yaml"
    path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    zipped = tmp_path / "b-csv.zip"
    code, _, _ = run_cli(["run", str(path), "--format", "csv", "-o", str(zipped)], capsys)
    assert code == 0
    header, *rows = read_csv_zip(zipped.read_bytes())["yearly"]  # Danish Excel: ';' and ','
    yearly = [dict(zip(header, row, strict=True)) for row in rows]
    assert [r["Service ceiling effect"] for r in yearly] == ["0,0", "-10,0"]
    assert [r["Burdens service ceiling"] for r in yearly] == ["no", "yes"]
    target = tmp_path / "b.xlsx"
    code, _, _ = run_cli(["run", str(path), "--format", "xlsx", "-o", str(target)], capsys)
    assert code == 0
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Summary", "Inputs", "Yearly", "Notes"]


def test_bad_programme_file_exits_2_with_a_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = {
        "calculator": "programme",
        "inputs": {
            "payer": "county",
            "steps": [{"name": "a", "rate": 1.4}],
            "consequences": [
                {"label": "x", "budget_holder": "kommune", "ceiling": "roof", "annual_saving": 1}
            ],
        },
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    code, out, err = run_cli(["run", str(path)], capsys)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 3
    joined = "\n".join(lines)
    for field in ("inputs.payer", "inputs.steps[0].rate", "inputs.consequences[0].ceiling"):
        assert field in joined


def test_list_shows_the_new_calculators_and_presets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["list"], capsys)
    assert code == 0
    for name in ("effect_chain\t", "budget\t", "programme\t", "preset:programme_housing_support"):
        assert name in out
