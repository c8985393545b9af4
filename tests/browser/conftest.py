"""A JupyterLab server and a headless Debian chromium for the browser tests.

The server listens on 127.0.0.1 at a random free port with a random token;
JupyterLab's news, update check and extension manager are switched off, and
the browser aborts (and the test fails on) any request not to 127.0.0.1.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    reason = (
        "no /usr/bin/chromium: install Debian's chromium "
        "(apt-get install chromium) to run the browser tests"
    )
    if os.environ.get("CI"):
        raise pytest.UsageError(f"browser tests cannot run under CI: {reason}")
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """A JupyterLab serving a copy of notebooks/; yields (base_url, token, dir)."""
    work = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    settings = work / "settings"
    overrides = {
        "@jupyterlab/apputils-extension:notification": {
            "checkForUpdates": False,
            "fetchNews": "false",
        },
        "@jupyterlab/extensionmanager-extension:plugin": {"enabled": False},
    }
    settings.mkdir()
    (settings / "overrides.json").write_text(json.dumps(overrides))
    port, token = _free_port(), secrets.token_hex(24)
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings / "user"))
    env["JUPYTER_CONFIG_DIR"] = str(work / "config")
    env["OPENBLAS_NUM_THREADS"] = "1"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={work / 'notebooks'}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.app_settings_dir={settings}",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(work / "lab.log", "w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError((work / "lab.log").read_text()) from None
            time.sleep(0.3)
    else:
        proc.terminate()
        raise RuntimeError("JupyterLab did not start within 90 s")
    yield base, token, work / "notebooks"
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=False, args=CHROMIUM_ARGS
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A page that refuses every request not addressed to 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside = []

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    yield pg
    context.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"
