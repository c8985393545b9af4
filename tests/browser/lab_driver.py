"""Driving JupyterLab from Playwright: start it, open, run all, read figures.

Used by the browser tests (through tests/browser/conftest.py) and by
benchmarks/slider_latency.py, so both see the same server settings.
"""

import ast
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
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
# Settings that keep JupyterLab off the internet, and render every cell (no
# windowing), so that the tests can find every output in the page.
SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
    "@jupyterlab/extensionmanager-extension:plugin": {"enabled": False},
    "@jupyterlab/notebook-extension:tracker": {
        "windowingMode": "none",
        "autoStartDefaultKernel": True,
    },
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(work, root_dir, timeout=90):
    """Run JupyterLab on 127.0.0.1 (random port and token) serving `root_dir`.

    `work` is a scratch directory for settings, config and the server log.
    Yields ``(base_url, token)``; the server is stopped by its PID afterwards.
    """
    work = Path(work)
    settings = work / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "overrides.json").write_text(json.dumps(SETTINGS))
    port, token = free_port(), secrets.token_hex(24)
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
        f"--ServerApp.root_dir={root_dir}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.app_settings_dir={settings}",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = work / "lab.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for_server(
                proc, f"{base}/api/status?token={token}", timeout, log_path
            )
            yield base, token
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_for_server(proc, url, timeout, log_path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(log_path.read_text()) from None
            time.sleep(0.3)
    raise RuntimeError(f"JupyterLab did not start within {timeout} s")


@contextlib.contextmanager
def chromium():
    """Debian's chromium, headless, through Playwright (never a download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=False, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def local_only(context):
    """Abort every request of `context` not addressed to 127.0.0.1.

    Returns the list that collects the refused addresses.
    """
    outside = []

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    return outside


# The notebook panel in front, its kernel, and the state of its cells.
_PANEL = "window.jupyterapp.shell.currentWidget"
_STATE = f"""() => {{
  const panel = {_PANEL};
  if (!panel || !panel.sessionContext || !panel.content) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.widgets.filter(c => c.model.type === 'code');
  return {{
    path: panel.context.path,
    ready: panel.sessionContext.isReady,
    kernel: kernel ? kernel.status : 'none',
    connection: kernel ? kernel.connectionStatus : 'none',
    pending: cells.filter(c => c.promptNode && c.promptNode.textContent.includes('*'))
      .length,
    unrun: cells.filter(c => c.model.executionCount === null).length,
    cells: cells.length,
  }};
}}"""
ERRORS = (
    ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
    ".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']"
)


def notebook_state(page):
    """Path, kernel status and cell counts of the notebook in front."""
    return page.evaluate(_STATE)


def open_notebook(page, lab, name, timeout=90):
    """Open notebook `name` (relative to the server root) with a fresh kernel."""
    base, token = lab[0], lab[1]
    page.goto(f"{base}/lab/tree/{name}?reset&token={token}")
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = notebook_state(page)
        if (
            state
            and state["path"] == name
            and state["ready"]
            and state["kernel"] == "idle"
            and state["connection"] == "connected"
        ):
            return
        time.sleep(0.2)
    raise TimeoutError(f"{name}: kernel not ready after {timeout} s: {state}")


def wait_idle(page, timeout=120, quiet=1.0):
    """Wait until the kernel is idle and no cell waits to run, for `quiet` s."""
    deadline = time.monotonic() + timeout
    quiet_since = None
    state = None
    while time.monotonic() < deadline:
        state = notebook_state(page)
        busy = state is None or state["kernel"] != "idle" or state["pending"]
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > quiet:
            return state
        time.sleep(0.1)
    raise TimeoutError(f"kernel still busy after {timeout} s: {state}")


def run_all(page, timeout=180):
    """Run all cells and wait until every one has run (or one has failed)."""
    page.evaluate(
        "() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = wait_idle(page, timeout=max(1.0, deadline - time.monotonic()))
        if state["unrun"] == 0 or error_outputs(page):
            return
    raise TimeoutError(f"cells still not run after {timeout} s: {state}")


def error_outputs(page):
    """Text of every error, traceback or stderr output in the page."""
    return page.evaluate(
        f"""() => [...document.querySelectorAll("{ERRORS}")]
              .map(e => e.innerText.slice(0, 2000))"""
    )


def render_failures(page):
    """Outputs that did not render: widgets without a view, empty plots."""
    return page.evaluate(
        """() => {
          const bad = [];
          const widgetMime = 'application/vnd.jupyter.widget-view+json';
          for (const out of document.querySelectorAll('.jp-OutputArea-output')) {
            const mime = out.getAttribute('data-mime-type');
            const text = out.innerText || '';
            if (text.includes('Error displaying widget')) {
              bad.push('widget: ' + text.slice(0, 300));
            } else if (mime === widgetMime && !out.querySelector('.jupyter-widgets')) {
              bad.push('widget without a view: ' + text.slice(0, 300));
            } else if (mime === 'application/vnd.plotly.v1+json' &&
                       !out.querySelector('.js-plotly-plot .main-svg')) {
              bad.push('plotly output without a plot');
            } else if (mime === 'text/plain' &&
                       /^(VBox|HBox|Box|FigureWidget|Output)\\(/.test(text)) {
              bad.push('widget shown as text (no widget manager?): ' +
                       text.slice(0, 200));
            }
          }
          return bad;
        }"""
    )


def kernel_eval(page, expression, setup=""):
    """Run `setup` in the notebook's kernel, then return `expression` as JSON.

    `expression` must evaluate to a JSON string; the value is decoded here.
    The call does not touch the notebook's cells or outputs.
    """
    reply = page.evaluate(
        f"""async ([code, expr]) => {{
          const kernel = {_PANEL}.sessionContext.session.kernel;
          const future = kernel.requestExecute({{
            code, silent: true, store_history: false,
            user_expressions: {{result: expr}},
          }});
          const reply = await future.done;
          return reply.content;
        }}""",
        [setup, expression],
    )
    if reply["status"] != "ok":
        raise RuntimeError(f"kernel: {reply.get('ename')}: {reply.get('evalue')}")
    result = reply["user_expressions"]["result"]
    if result["status"] != "ok":
        raise RuntimeError(f"kernel: {result.get('ename')}: {result.get('evalue')}")
    return json.loads(ast.literal_eval(result["data"]["text/plain"]))


def plot_data(page, index, trace):
    """x and y of one trace of the index-th plotly figure, as drawn."""
    return page.evaluate(
        """([i, k]) => {
          const gd = document.querySelectorAll('.js-plotly-plot')[i];
          const t = gd._fullData[k];
          const arr = a => Array.from(a, v => (v === null ? NaN : v));
          return {x: arr(t.x), y: arr(t.y),
                  text: (gd.layout.annotations || []).map(a => a.text)};
        }""",
        [index, trace],
    )


def click_slider(page, index, fraction):
    """Click the plotly slider rail of the index-th figure at a fraction."""
    rail = page.locator(".js-plotly-plot").nth(index).locator(".slider-rail-rect")
    rail.scroll_into_view_if_needed()
    box = rail.bounding_box()
    page.mouse.click(box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2)


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
