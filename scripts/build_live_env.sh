#!/usr/bin/env bash
# Build the environment a practitioner gets on Binder, the way repo2docker builds it:
#   1. a fresh environment with repo2docker's base pins (binder/repo2docker-base.txt, which
#      repo2docker installs with conda; here pip installs the same versions, without resolving),
#   2. `pip install -r binder/requirements.txt` from the repository root, so pip keeps whatever
#      already satisfies those lines, as it does on Binder,
#   3. binder/postBuild with NB_PYTHON_PREFIX pointing at the environment,
# then `pip check` and a check that jupytext's JupyterLab extension can load in that JupyterLab. Used by `make lab` and the live test (tests/live/). The environment is rebuilt
# only when a file it depends on changes (a stamp keyed on their hash).
# Usage: scripts/build_live_env.sh [ENV_DIR]   (default .binder-env)
set -euo pipefail
cd "$(dirname "$0")/.."
env_dir="${1:-.binder-env}"
python="${PYTHON:-python3}"
want=$(sed -n 's/^python-//p' binder/runtime.txt)
have=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$want" != "$have" ]; then
  echo "binder/runtime.txt asks for Python $want; $python is $have (set PYTHON=python$want)." >&2
  exit 1
fi
key=$(cat binder/repo2docker-base.txt binder/requirements.txt binder/postBuild binder/overrides.json \
  binder/runtime.txt pyproject.toml scripts/build_live_env.sh | sha256sum | cut -c1-16)
stamp="$env_dir/.portal-binder-$key"
if [ -e "$stamp" ]; then
  exit 0
fi
echo "Building the Binder-like environment in $env_dir (repo2docker base pins, then binder/)..."
start=$(date +%s)
rm -rf "$env_dir"
"$python" -m venv "$env_dir"
pip=("$env_dir/bin/python" -m pip --disable-pip-version-check --quiet)
"${pip[@]}" install --no-deps -r binder/repo2docker-base.txt
"${pip[@]}" install -r binder/requirements.txt
NB_PYTHON_PREFIX="$PWD/$env_dir" PATH="$PWD/$env_dir/bin:$PATH" bash binder/postBuild
"${pip[@]}" check
"$env_dir/bin/python" scripts/binder_env.py check-lab "$env_dir"
touch "$stamp"
echo "Built $env_dir in $(($(date +%s) - start)) s."
