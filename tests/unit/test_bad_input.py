"""Issue 16: bad input never crashes, hangs or is misread. One regression test per example of
the issue, through the command line (exit status 2, one ``error:`` line per problem naming the
field path, the value and what is allowed), and a test just under and just over each limit."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from portal_tools.errors import MAX_SHOWN_PROBLEMS, InputError
from portal_tools.reading import MAX_DEPTH, MAX_FILE_BYTES, MAX_NUMBER_CHARS, MAX_VALUES
from portal_tools.scenario import parse_scenario_text

from .test_scenario_cli import run_cli, write


def cli_errors(
    tmp_path: Path, name: str, text: str, capsys: pytest.CaptureFixture[str]
) -> list[str]:
    """Run a scenario file; it must fail with exit status 2 and write nothing to stdout.
    Returns the stderr lines without their ``error: `` prefix."""
    path = write(tmp_path, name, text)
    start = time.perf_counter()
    code, out, err = run_cli(["run", str(path)], capsys)
    assert time.perf_counter() - start < 20, "bad input must be refused, not hang"
    assert code == 2 and out == ""
    lines = err.rstrip("\n").split("\n")
    assert all(line.startswith("error: ") for line in lines)
    return [line.removeprefix("error: ") for line in lines]


# ------------------------------------------------------------------ 1-2: tiny values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "calculator: transaction_costs\ninputs: {delivery_cost: 1.0e-300}\n",
            "inputs.delivery_cost (Delivery cost): got 1e-300; allowed: a number from 1 to "
            "100 000 000 000 (DKK)",
        ),
        (
            "calculator: risk\ninputs: {uncertainty: {Job: {spread: 1.0e-200}}}\n",
            "inputs.uncertainty.Job.spread (Spread): got 1e-200; allowed: 0, or a number from "
            "0.0001 to 0.5 (share of cohort)",
        ),
        (
            "calculator: risk\ninputs: {payment: {delivery_costs: [1.0e-310]}}\n",
            "inputs.payment.delivery_costs[0] (Delivery costs per year): got 1e-310; allowed: 0, "
            "or a number from 0.01 to 1 000 000 000 000 (per year)",
        ),
    ],
)
def test_tiny_values_are_refused_with_the_smallest_meaningful_value(
    tmp_path: Path, text: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert expected in cli_errors(tmp_path, "s.yaml", text, capsys)


@pytest.mark.parametrize(
    "text",
    [
        # Issue 16 item 1: hung; the creaming model now keeps every result finite.
        "calculator: creaming\ninputs:\n  segments:\n"
        "    - {name: a, share: 0.5, success_rate: 5.0e-324, cost_per_participant: 1}\n"
        "    - {name: b, share: 0.5, success_rate: 0.5, cost_per_participant: 1}\n",
        # Issue 16 item 2: "inf %"; the size at which the share falls to it is computed exactly.
        "calculator: transaction_costs\ninputs: {threshold_share: 5.0e-324}\n",
    ],
)
def test_tiny_values_the_models_handle_give_finite_results(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "s.yaml", text)
    start = time.perf_counter()
    code, out, err = run_cli(["run", str(path)], capsys)
    assert time.perf_counter() - start < 20
    assert (code, err) == (0, "")
    json.loads(out, parse_constant=_refuse)  # no NaN or Infinity anywhere
    assert "inf" not in out.lower().replace("info", "")


def _refuse(name: str) -> None:
    raise AssertionError(f"{name} in the JSON output")


# ------------------------------------------------------------------ 3: structure bombs


def test_recursive_alias(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "calculator: present_value\ninputs: &x {self: *x}\n"
    (line,) = cli_errors(tmp_path, "s.yaml", text, capsys)
    assert line.startswith("(file): got '")  # the file's name, shortened
    assert line.endswith(
        "; allowed: an alias outside the node it names (*x is used inside &x, which would "
        "make the document infinitely deep) (line 2)"
    )


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_a_thousand_nested_brackets(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = '{"calculator": "present_value", "inputs": {"x": ' + "[" * 1000 + "]" * 1000 + "}}"
    (line,) = cli_errors(tmp_path, f"s.{suffix}", text, capsys)
    assert line.startswith("(file): got ") and f"nested at most {MAX_DEPTH} levels deep" in line


def test_a_4301_digit_integer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "calculator: present_value\ninputs: {flat_rate: " + "9" * 4301 + "}\n"
    (line,) = cli_errors(tmp_path, "s.yaml", text, capsys)
    assert line.startswith("inputs.flat_rate: got '9999")
    assert line.endswith("allowed: a number of at most 40 characters (this one has 4 301)")


def test_an_alias_bomb_is_stopped_after_the_value_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Nine aliases of nine aliases ... : 9**9 values from under 1 KB (issue: 30 s at depth 7).
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    text = "\n".join(lines) + "\n"
    assert len(text) < 1024
    (line,) = cli_errors(tmp_path, "s.yaml", text, capsys)
    assert "at most 100 000 values in one file, every use of an alias counted" in line


def test_a_10_mb_file_is_refused_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "calculator: present_value\ninputs: {costs: [" + "1, " * 3_500_000 + "1]}\n"
    start = time.perf_counter()
    (line,) = cli_errors(tmp_path, "s.yaml", text, capsys)
    assert time.perf_counter() - start < 2  # was 43 s and 1.65 GB
    assert "a scenario file of at most 1 000 000 bytes (this one has 1 000 001 bytes or more)" in (
        line
    )


def test_unknown_keys_print_a_capped_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 100 000 keys would pass the value limit (a key and its value are two values); 40 000 do not.
    keys = ",".join(f'"{i:x}":1' for i in range(40_000))
    text = '{"calculator": "present_value", "inputs": {' + keys + "}}"
    assert len(text.encode()) < MAX_FILE_BYTES
    lines = cli_errors(tmp_path, "s.json", text, capsys)
    assert len(lines) == MAX_SHOWN_PROBLEMS + 1
    assert lines[0].startswith("inputs.0: got 1; allowed: no field of this name; known fields")
    assert lines[-1] == "and 39 980 more problems"


# ------------------------------------------------------------------ limits: just under, just over


def _parse(text: str, fmt: str = "yaml") -> list[str]:
    try:
        parse_scenario_text(text, "s", fmt)  # type: ignore[arg-type]
    except InputError as err:
        return [str(p) for p in err.problems]
    return []


def test_file_size_limit() -> None:
    head = "calculator: present_value\ninputs: {}\n"
    under = head + "#" * (MAX_FILE_BYTES - len(head) - 1) + "\n"
    assert len(under.encode()) == MAX_FILE_BYTES and _parse(under) == []
    over = under + "\n"
    assert _parse(over) == [
        "(file): got 's'; allowed: a scenario file of at most 1 000 000 bytes (this one has "
        "1 000 001 bytes or more)"
    ]
    # Bytes of UTF-8, not characters: 'ø' is two bytes.
    assert "at most 1 000 000 bytes" in _parse(head + "#" + "ø" * (MAX_FILE_BYTES // 2))[0]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_nesting_limit(fmt: str) -> None:
    def doc(depth: int) -> str:  # the document itself and 'inputs' are two levels
        inner = "[" * (depth - 2) + "]" * (depth - 2)
        return '{"calculator": "present_value", "inputs": {"x": ' + inner + "}}"

    assert _parse(doc(MAX_DEPTH), fmt) == [
        "inputs.x: got " + "[" * 18 + "]" * 18 + "; allowed: no field of this name; known fields "
        "here: costs, savings, rate_basis, flat_rate, currency"
    ]
    (over,) = _parse(doc(MAX_DEPTH + 1), fmt)
    assert over.startswith("(file): got 's'; allowed: ") and "nested at most 20 levels" in over


def test_nesting_limit_counts_aliases() -> None:
    inner = "[" * 18 + "]" * 18  # the document, inputs and [*a] are three more levels
    text = f"a: &a {inner}\ncalculator: present_value\ninputs: {{x: [*a]}}\n"
    (over,) = _parse(text)
    assert "nested at most 20 levels deep, aliases expanded" in over


def test_value_limit() -> None:
    def doc(n: int) -> str:  # the mapping, 'calculator', its value, 'inputs', {} and 'x' + list
        items = ", ".join(["0"] * n)
        return f"calculator: present_value\ninputs: {{x: [{items}]}}\n"

    fixed = 7
    assert "no field of this name" in _parse(doc(MAX_VALUES - fixed))[0]
    assert "at most 100 000 values in one file" in _parse(doc(MAX_VALUES - fixed + 1))[0]


def test_number_length_limit() -> None:
    under = "0." + "1" * (MAX_NUMBER_CHARS - 2)
    assert _parse(f"calculator: present_value\ninputs: {{flat_rate: {under}}}\n") == []
    over = under + "1"
    assert _parse(f"calculator: present_value\ninputs: {{flat_rate: {over}}}\n") == [
        f"inputs.flat_rate: got '{over}'; allowed: a number of at most 40 characters (this one "
        "has 41)"
    ]


# ------------------------------------------------------------------ 4: values reinterpreted


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "calculator: present_value\ninputs: {flat_rate: true}\n",
            "inputs.flat_rate (Flat rate): got True; allowed: a number from -0.5 to 1 (share per "
            "year)",
        ),
        (
            "calculator: payment\ninputs: {cohort_size: true}\n",
            "inputs.cohort_size (Cohort size): got True; allowed: a whole number from 1 to",
        ),
        (
            "calculator: payment\ninputs: {cohort_size: yes}\n",  # YAML 1.2: 'yes' is text
            "inputs.cohort_size (Cohort size): got 'yes'; allowed: a whole number from 1 to",
        ),
        (
            "calculator: present_value\ninputs: {flat_rate: 010}\n",
            "inputs.flat_rate: got '010'; allowed: a number without leading zeros (YAML 1.1 reads "
            "010 as 8, YAML 1.2 as 10); write 10, or quote it for text",
        ),
        (
            "calculator: payment\ninputs: {cohort_size: 1:30}\n",  # YAML 1.1: 90
            "inputs.cohort_size (Cohort size): got '1:30'; allowed: a whole number",
        ),
        (
            "calculator: present_value\ninputs: {flat_rate: 0.1, flat_rate: 0.2}\n",
            "inputs.flat_rate: got 'flat_rate'; allowed: each key once in a mapping (this key "
            "appears again at line 2; first at line 2)",
        ),
    ],
)
def test_no_value_is_silently_reinterpreted(
    tmp_path: Path, text: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert any(line.startswith(expected) for line in cli_errors(tmp_path, "s.yaml", text, capsys))


def test_json_is_read_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path,
        "s.json",
        '{"calculator": "present_value", "inputs": {"costs": [1e3], "savings": [0]}}',
    )
    code, out, _ = run_cli(["run", str(path)], capsys)
    assert code == 0 and json.loads(out)["summary"]["total_costs"] == 1000
    text = '{"calculator": "present_value", "inputs": {"flat_rate": 0.1, "flat_rate": 0.2}}'
    assert cli_errors(tmp_path, "d.json", text, capsys) == [
        "inputs.flat_rate: got 'flat_rate'; allowed: each key once in an object (this key "
        "appears more than once)"
    ]
    text = '{"calculator": "present_value", "inputs": {"flat_rate": NaN}}'
    assert cli_errors(tmp_path, "n.json", text, capsys) == [
        "inputs.flat_rate: got 'NaN'; allowed: a number (JSON has no NaN or Infinity)"
    ]


# ------------------------------------------------------------------ 5: errors name the problem


def test_problems_name_the_path_as_written_and_are_reported_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "calculator: present_value\n"
        'inputs: {"costs[0]": 5, 5: 2, x: .inf, "a\\nerror: forged": 1, flat_rate: 010, '
        "currency: ABCDEFGHI}\n"
    )
    lines = cli_errors(tmp_path, "s.yaml", text, capsys)
    known = "allowed: no field of this name; known fields here: costs, savings, rate_basis, "
    assert sorted(lines) == sorted(
        [
            'inputs["costs[0]"]: got 5; ' + known + "flat_rate, currency",
            "inputs.5: got 5; allowed: a field name (text); known fields here: costs, savings, "
            "rate_basis, flat_rate, currency",
            "inputs.x: got inf; " + known + "flat_rate, currency",
            "inputs.a\\nerror: forged: got 1; " + known + "flat_rate, currency",
            "inputs.flat_rate: got '010'; allowed: a number without leading zeros (YAML 1.1 "
            "reads 010 as 8, YAML 1.2 as 10); write 10, or quote it for text",
            "inputs.currency (Currency): got 'ABCDEFGHI'; allowed: text of 1 to 8 characters",
        ]
    )


def test_length_limits_are_stated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = "n" * 61
    text = f"calculator: payment\ninputs: {{outcomes: [{{name: {name}}}]}}\n"
    (line,) = cli_errors(tmp_path, "s.yaml", text, capsys)
    assert line.endswith("allowed: text of 1 to 60 characters, other than 'year'")
    assert line.startswith("inputs.outcomes[0].name (Outcome): got 'nnnn")


# ------------------------------------------------------------------ 6: falsy inputs


@pytest.mark.parametrize("value", ["0", "false", '""', "[]", "null"])
def test_falsy_inputs_are_refused(
    tmp_path: Path, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f'{{"calculator": "present_value", "inputs": {value}}}'
    (line,) = cli_errors(tmp_path, "s.json", text, capsys)
    assert line.startswith("inputs: got ") and "leave 'inputs' out, or write {}" in line


@pytest.mark.parametrize(
    "text", ['{"calculator": "present_value"}', '{"calculator": "present_value", "inputs": {}}']
)
def test_missing_or_empty_inputs_mean_defaults(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(["run", str(write(tmp_path, "s.json", text))], capsys)
    assert code == 0 and "npv" in json.loads(out)["summary"]


# ------------------------------------------------------------------ 7: names that collide


def test_an_outcome_may_not_be_called_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "calculator: payment\ninputs: {outcomes: [{name: year}]}\n"
    assert cli_errors(tmp_path, "s.yaml", text, capsys) == [
        "inputs.outcomes[0].name (Outcome): got 'year'; allowed: text of 1 to 60 characters, "
        "other than 'year'"
    ]


# ------------------------------------------------------------------ 8 and issue 17.10: names


@pytest.mark.parametrize(
    ("name", "found"),
    [("a\rb", "\\r"), ("a\n\nb", "\\n"), ("x\x07", "\\x07"), ("\u202eab", "\\u202e")],
)
def test_names_with_control_characters_are_refused(
    tmp_path: Path, name: str, found: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = json.dumps({"calculator": "payment", "inputs": {"outcomes": [{"name": name}]}})
    (line,) = cli_errors(tmp_path, "s.json", text, capsys)
    assert line.startswith("inputs.outcomes[0].name (Outcome): got '")
    assert line.endswith(
        "allowed: text without control characters, line breaks or unpaired surrogates "
        f"(found {found})"
    )


# ------------------------------------------------------------------ 10: command line


def test_empty_scenario_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["run", ""], capsys)
    assert (code, out) == (2, "")
    assert err == "error: (file): got ''; allowed: the path of a scenario file, or preset:NAME\n"


@pytest.mark.parametrize("output", ["", "  "])
def test_empty_output_path_is_refused(output: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["run", "preset:" + _a_preset(), "--output", output], capsys)
    assert (code, out) == (2, "")
    assert err == (
        f"error: --output: got {output!r}; allowed: a file path (leave --output out to write to "
        "standard output)\n"
    )


def _a_preset() -> str:
    from portal_tools.scenario import list_presets

    return list_presets()[0]
