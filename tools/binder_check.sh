#!/usr/bin/env bash
# Build what Binder builds, in a fresh virtual environment, and run the
# notebook tests (nbval) in it.
#
#   tools/binder_check.sh [WORKDIR]
#
# Without WORKDIR it works in a temporary folder and removes it at the end
# (the environment takes several hundred MB); a WORKDIR given is kept.
#
# Binder (repo2docker) clones the repository, installs binder/requirements.txt
# with pip, runs binder/postBuild from the repository's top folder, and starts
# JupyterLab; nothing else is installed at start-up. This script does the same
# steps on this machine: a copy of the working tree's files (those git tracks
# or would track), a new venv, the same two install steps, then nbval over
# every notebook with the package imported from the environment, not the copy.
# pip's download cache is reused, so a second run downloads nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
if [ $# -gt 0 ]; then
  WORK=$1
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d -t ntkflow-binder-XXXXXX)
  trap 'rm -rf "$WORK"' EXIT
fi
REPO=$WORK/repo
ENV=$WORK/env
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
export PYTHONHASHSEED=0

python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  echo "binder/runtime.txt asks for Python 3.11, which is not on PATH." >&2
  exit 1
fi

step() { echo "== $1 ($SECONDS s)"; }

step "copy of the repository in $REPO"
rm -rf "$REPO"
mkdir -p "$REPO"
git ls-files -z --cached --others --exclude-standard |
  (cd "$ROOT" && xargs -0 tar -cf - --ignore-failed-read 2>/dev/null) | tar -xf - -C "$REPO"

step "fresh virtual environment ($("$python" --version))"
rm -rf "$ENV"
"$python" -m venv "$ENV"
"$ENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"

step "pip install -r binder/requirements.txt"
(cd "$REPO" && "$ENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  --no-compile -r binder/requirements.txt)

step "binder/postBuild"
(cd "$REPO" && PATH="$ENV/bin:$PATH" bash binder/postBuild)

step "what JupyterLab and Voila will load"
where=$(cd "$WORK" && "$ENV/bin/python" -c 'import ntkflow; print(ntkflow.__file__)')
case $where in
  "$ENV"/*) echo "ntkflow installed at $where" ;;
  *) echo "ntkflow imports from $where, not from the environment" >&2 && exit 1 ;;
esac
"$ENV/bin/python" -m pip check
extensions=$("$ENV/bin/jupyter" labextension list 2>&1)
for name in jupyterlab-plotly @jupyter-widgets/jupyterlab-manager anywidget; do
  if ! grep -q "$name.*enabled.*OK" <<<"$extensions"; then
    echo "JupyterLab extension $name is missing or broken:" >&2
    echo "$extensions" >&2
    exit 1
  fi
done
server_extensions=$("$ENV/bin/jupyter" server extension list 2>&1)
if ! grep -q "voila.*enabled" <<<"$server_extensions"; then
  echo "Voila's server extension is not enabled" >&2
  exit 1
fi
echo "extensions: jupyterlab-plotly, widgets, anywidget, voila"

step "nbval over every notebook"
(cd "$REPO" && "$ENV/bin/python" -m pytest -p no:cacheprovider --nbval \
  --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks)
step "done"
