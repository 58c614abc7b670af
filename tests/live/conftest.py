"""Fixtures for the practitioner route: JupyterLab from the Binder-like environment and Chromium.

The environment (``.binder-env``, built by ``scripts/build_live_env.sh`` the way repo2docker builds
an image) serves a copy of ``book/`` on 127.0.0.1 with a random token, as Binder serves the
repository; the browser is Python Playwright driving Chromium.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.site.conftest import CHROMIUM_ARGS, SITE

ROOT = Path(__file__).resolve().parents[2]
ENV = Path(os.environ.get("PORTAL_LIVE_ENV", ROOT / ".binder-env"))


@dataclass(frozen=True)
class Lab:
    url: str
    token: str
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").exists():
        pytest.fail("book/_build/html is missing: the launch links come from it (make book)")
    return SITE


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    jupyter = ENV / "bin" / "jupyter"
    if not jupyter.exists():
        pytest.fail(f"{ENV} is missing: build it with scripts/build_live_env.sh (make test-live)")
    work = tmp_path_factory.mktemp("lab")
    repo = work / "repo"
    skip = shutil.ignore_patterns("_build", "_vendor")
    shutil.copytree(ROOT / "book", repo / "book", ignore=skip)
    home = work / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY", "MPL"))}
    env.update(
        HOME=str(home),
        PATH=f"{ENV / 'bin'}:{env.get('PATH', '')}",
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
    )
    token = secrets.token_hex(16)
    port = _free_port()
    log = work / "jupyterlab.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                str(jupyter),
                "lab",
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={repo}",
                "--LabApp.expose_app_in_browser=True",
                "--allow-root",  # CI containers often run as root; Binder does not
            ],
            cwd=repo,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
        yield Lab(url, token, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium not found at {executable} (set PORTAL_CHROMIUM)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
