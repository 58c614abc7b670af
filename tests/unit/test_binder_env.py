"""The Binder environment is generated from pyproject.toml and the lock, and loads jupytext's
JupyterLab extension (scripts/binder_env.py)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("binder_env", ROOT / "scripts" / "binder_env.py")
assert _spec and _spec.loader
binder_env = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(binder_env)


def _pins(text: str) -> dict[str, str]:
    pins = {}
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", "-")):
            name, version = line.split("==")
            pins[name] = version
    return pins


def test_requirements_txt_is_generated_from_pyproject_and_lock() -> None:
    expected = binder_env.render_requirements(
        (ROOT / "pyproject.toml").read_text(), (ROOT / "requirements.lock").read_text()
    )
    assert (ROOT / "binder" / "requirements.txt").read_text() == expected, (
        "binder/requirements.txt is out of date: run python scripts/binder_env.py requirements"
    )


def test_requirements_pin_every_live_package_at_the_locked_version() -> None:
    pins = _pins((ROOT / "binder" / "requirements.txt").read_text())
    lock = _pins((ROOT / "requirements.lock").read_text())
    assert "-e ." in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    for name in ("jupyterlab", "notebook", "jupytext", "ipykernel", "ipywidgets", "pandas"):
        assert pins[name] == lock[name]
    # dev and book-build tools are not part of what a practitioner runs
    for name in ("pytest", "mypy", "ruff", "playwright", "jupyter-book"):
        assert name not in pins


LOCK = """\
# header
alpha==1.0
    # via demo (pyproject.toml)
beta==2.0
    # via
    #   alpha
    #   gamma
gamma==3.0
    # via demo (pyproject.toml)
delta==4.0
    # via gamma
pytest==9.0
    # via demo (pyproject.toml)
pluggy==1.5
    # via pytest
"""
PYPROJECT = """\
[project]
name = "demo"
dependencies = ["alpha>=1"]
[project.optional-dependencies]
lab = ["Alpha", "gamma[extra]>=3"]
dev = ["pytest"]
"""


def test_render_requirements_follows_the_lock_graph_from_the_roots_only() -> None:
    text = binder_env.render_requirements(PYPROJECT, LOCK)
    assert _pins(text) == {"alpha": "1.0", "beta": "2.0", "delta": "4.0", "gamma": "3.0"}
    assert "-e ." in text.splitlines()
    only_alpha = PYPROJECT.replace('"Alpha", "gamma[extra]>=3"', '"alpha"')
    assert _pins(binder_env.render_requirements(only_alpha, LOCK)) == {
        "alpha": "1.0",
        "beta": "2.0",
    }


def test_render_requirements_refuses_a_root_missing_from_the_lock() -> None:
    with pytest.raises(ValueError, match="epsilon"):
        binder_env.render_requirements(PYPROJECT.replace('"alpha>=1"', '"epsilon"'), LOCK)


def test_check_mode_reports_a_stale_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "requirements.txt"
    stale.write_text("-e .\nnumpy==1.0\n")
    monkeypatch.setattr(binder_env, "REQUIREMENTS", stale)
    monkeypatch.setattr(binder_env, "ROOT", tmp_path)
    monkeypatch.setattr(binder_env, "render_requirements", lambda *_: "-e .\nnumpy==2.0\n")
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "requirements.lock").write_text("")
    assert binder_env.main(["requirements", "--check"]) == 1
    assert stale.read_text() == "-e .\nnumpy==1.0\n"
    assert binder_env.main(["requirements"]) == 0
    assert binder_env.main(["requirements", "--check"]) == 0


def test_conda_lock_pins_keep_python_distributions_with_pypi_names() -> None:
    base = "https://conda.anaconda.org/conda-forge"
    lock = "\n".join(
        [
            "@EXPLICIT",
            f"{base}/linux-64/openssl-3.5.4-h26f9b46_0.conda#x",
            f"{base}/noarch/python_abi-3.11-8_cp311.conda#x",
            f"{base}/linux-64/python-3.11.14-hfe2f287_1_cpython.conda#x",
            f"{base}/noarch/jupyterlab-4.4.9-pyhd8ed1ab_0.conda#x",
            f"{base}/linux-64/brotli-python-1.1.0-py311h1ddb823_4.conda#x",
            f"{base}/noarch/jupyterhub-base-5.4.0-pyhc90fa1f_0.conda#x",
            f"{base}/noarch/jupyterhub-singleuser-5.4.0-hd843c07_0.conda#x",
            f"{base}/noarch/typing_extensions-4.15.0-pyhcf101f3_0.conda#x",
            f"{base}/noarch/pip-25.2-pyh8b19718_0.tar.bz2#x",
        ]
    )
    assert binder_env.conda_lock_pins(lock) == [
        "brotli==1.1.0",
        "jupyterhub==5.4.0",
        "jupyterlab==4.4.9",
        "pip==25.2",
        "typing-extensions==4.15.0",
    ]


def test_base_pins_name_their_repo2docker_source_and_match_runtime_txt() -> None:
    text = (ROOT / "binder" / "repo2docker-base.txt").read_text()
    py = binder_env.python_version()
    assert re.search(r"^# repo2docker: \S+ \(commit [0-9a-f]{40}, \d{4}-\d\d-\d\d\)$", text, re.M)
    assert f"# file: repo2docker/buildpacks/conda/environment.py-{py}-linux-64.lock" in text
    pins = _pins(text)
    # what repo2docker brings and the issue is about: a JupyterLab too old for jupytext 1.19
    assert {"jupyterlab", "notebook", "jupyter-server", "ipykernel", "pip"} <= set(pins)
    assert "python" not in pins


def _fake_prefix(
    root: Path,
    provided: dict[str, str],
    required: dict[str, str],
    extension: str = "jupyterlab-jupytext",
    compiled: dict[str, str] | None = None,
) -> Path:
    """An environment prefix whose JupyterLab provides ``provided`` and whose ``extension``
    bundle asks for ``required`` (webpack's shareKey form) and ``compiled`` (the older form
    with the range compiled to an array, written here by hand: ``"1,4,5,9"`` is ^4.5.9)."""
    static = root / "share" / "jupyter" / "lab" / "static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "package.json").write_text(json.dumps({"version": "9.9.9", "resolutions": provided}))
    ext = root / "share" / "jupyter" / "labextensions" / extension / "static"
    ext.mkdir(parents=True)
    body = ",".join(
        f'1:{{shareScope:"default",shareKey:"{k}",import:null,requiredVersion:"{v}"}}'
        for k, v in required.items()
    )
    calls = "".join(f'a=j("default","{k}",!1,[{v}]);' for k, v in (compiled or {}).items())
    (ext / "remoteEntry.abc.js").write_text(f"var x={{{body}}};{calls}")
    return root


def test_lab_extension_check_reads_ranges_compiled_into_older_bundles(tmp_path: Path) -> None:
    """jupyterlab-myst's bundle states its ranges as arrays: caret, tilde and exact forms."""
    compiled = {
        "@jupyterlab/notebook": "1,4,5,9",  # ^4.5.9
        "@jupyterlab/cells": "2,4,5,9",  # ~4.5.9
        "@lumino/signaling": "3,2,0,0",  # 2.0.0 exactly
        "@myst-theme/diagrams": "1,1,3,0",  # not a JupyterLab package: not checked
    }
    provided = {"@jupyterlab/notebook": "~4.6.6", "@jupyterlab/cells": "~4.5.10"}
    fits = _fake_prefix(
        tmp_path / "a", provided | {"@lumino/signaling": "^2.0.0"}, {}, "m", compiled
    )
    assert binder_env.lab_extension_problems(fits, "m") == []
    old = {"@jupyterlab/notebook": "~4.5.8", "@jupyterlab/cells": "~4.6.0"}
    tight = _fake_prefix(tmp_path / "b", old | {"@lumino/signaling": "^2.1.0"}, {}, "m", compiled)
    assert binder_env.lab_extension_problems(tight, "m") == [
        "m needs @jupyterlab/cells ~4.5.9; JupyterLab 9.9.9 has 4.6.0",
        "m needs @jupyterlab/notebook ^4.5.9; JupyterLab 9.9.9 has 4.5.8",
        "m needs @lumino/signaling 2.0.0; JupyterLab 9.9.9 has 2.1.0",
    ]


def test_lab_extension_check_finds_a_jupyterlab_too_old(tmp_path: Path) -> None:
    required = {"@jupyterlab/application": "^4.6.0-beta.0", "@lumino/widgets": "^2.3.1-alpha.1"}
    old = _fake_prefix(
        tmp_path / "old",
        {"@jupyterlab/application": "~4.4.9", "@lumino/widgets": "~2.7.0"},
        required,
    )
    assert binder_env.lab_extension_problems(old) == [
        "jupyterlab-jupytext needs @jupyterlab/application ^4.6.0-beta.0; "
        "JupyterLab 9.9.9 has 4.4.9"
    ]
    new = _fake_prefix(
        tmp_path / "new",
        {"@jupyterlab/application": "~4.6.6", "@lumino/widgets": "~2.7.0"},
        required,
    )
    assert binder_env.lab_extension_problems(new) == []
    five = _fake_prefix(
        tmp_path / "five",
        {"@jupyterlab/application": "~5.0.0", "@lumino/widgets": "~2.7.0"},
        required,
    )
    assert len(binder_env.lab_extension_problems(five)) == 1
    with pytest.raises(ValueError, match="no shared-module"):
        binder_env.lab_extension_problems(_fake_prefix(tmp_path / "none", {}, {}))


def test_locked_jupyterlab_loads_the_locked_jupytext_extension() -> None:
    """jupytext and JupyterLab from the lock (installed in this environment from their PyPI wheels)
    fit together, and the lab extra's lower bounds admit no JupyterLab or Notebook release that
    cannot load it; the same for jupyterlab-myst, which renders the pages' MyST prose."""
    assert binder_env.LAB_EXTENSIONS == ("jupyterlab-jupytext", "jupyterlab-myst")
    for extension in binder_env.LAB_EXTENSIONS:
        assert binder_env.lab_extension_problems(Path(sys.prefix), extension) == [], extension
    import tomllib
    from importlib.metadata import requires, version

    lab = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    specs = {Requirement(s).name: Requirement(s).specifier for s in lab["lab"]}
    assert "4.5.99" not in specs["jupyterlab"] and version("jupyterlab") in specs["jupyterlab"]
    assert "7.5.99" not in specs["notebook"] and version("notebook") in specs["notebook"]
    notebook_needs = [Requirement(r) for r in requires("notebook") or []]
    lab_need = next(r for r in notebook_needs if r.name == "jupyterlab" and not r.marker)
    assert version("jupyterlab") in lab_need.specifier
