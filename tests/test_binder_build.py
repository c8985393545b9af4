"""Build binder/'s environment afresh and run every notebook's test in it.

The same as ``./run binder-check``: a new virtual environment, pip install -r
binder/requirements.txt, binder/postBuild, then nbval. With pip's download
cache warm (``./run`` fills it when it makes .venv) this takes about a
minute; skip it while iterating with ``./run test -m "not binder"``.
"""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.binder
def test_binder_environment_builds_and_passes_nbval():
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    env.pop("VIRTUAL_ENV", None)
    run = subprocess.run(
        [str(ROOT / "tools" / "binder_check.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-4000:]
    assert " passed in " in log
