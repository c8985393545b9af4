"""Fixtures for the course's other two faces: Voila and the static pages.

Test modules load them with ``pytest_plugins = ["servers"]``. The Voila server, like
JupyterLab's, listens on 127.0.0.1 at a random free port with a random token;
the static pages are opened from disk by a browser that refuses every request
that is not for a local file.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

VOILA_TEMPLATES = ROOT / "tools" / "jupyter"
PRESENT_TEMPLATE = "present"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url, proc, log_path, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(log_path.read_text()) from None
            time.sleep(0.3)
    raise RuntimeError(f"no answer from {url.split('?')[0]} within {timeout} s")


def _stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def voila(tmp_path_factory):
    """Voila serving notebooks/ as ``./run present`` does; yields (base, token)."""
    work = tmp_path_factory.mktemp("voila")
    port, token = _free_port(), secrets.token_hex(24)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    env["JUPYTER_PATH"] = str(VOILA_TEMPLATES)
    env["JUPYTER_CONFIG_DIR"] = str(work / "config")
    cmd = [
        sys.executable,
        "-m",
        "voila",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        f"--Voila.token={token}",
        f"--VoilaConfiguration.template={PRESENT_TEMPLATE}",
        str(ROOT / "notebooks"),
    ]
    log_path = work / "voila.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(f"{base}/?token={token}", proc, log_path)
            yield base, token
        finally:
            _stop(proc)


@pytest.fixture
def offline_page(browser):
    """A page that may load local files only; fails the test on anything else.

    Every request is recorded (routing alone does not see file:// loads), and
    requests for anything but a file are aborted. Script errors fail the test
    as well.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    requests, errors = [], []
    local = ("file://", "data:", "blob:", "about:")

    def refuse(route):
        route.abort()

    context.route(lambda url: not url.startswith(local), refuse)
    pg = context.new_page()
    pg.on("request", lambda request: requests.append(request.url))
    pg.on("pageerror", lambda error: errors.append(str(error)))
    pg.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))

    def console(message):
        if message.type == "error":
            errors.append(message.text)

    pg.on("console", console)
    yield pg
    context.close()
    outside = [url for url in requests if not url.startswith(local)]
    assert not outside, f"pages asked the network for: {outside}"
    assert not errors, f"errors in the pages: {errors}"
