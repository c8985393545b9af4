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

import numpy as np

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
    """Outputs that did not render: broken or missing widget views, empty plots.

    Walks the notebook's own output list, so that a widget drawn as its text
    (no widget manager, or an untrusted notebook) counts as a failure too.
    """
    return page.evaluate(
        """() => {
          const bad = [];
          const widgetMime = 'application/vnd.jupyter.widget-view+json';
          const plotlyMime = 'application/vnd.plotly.v1+json';
          const broken = t => t.includes('Error displaying widget') ||
                              t.includes('Loading widget...');
          // Anywhere, also inside Output widgets.
          for (const node of document.querySelectorAll('.jupyter-widgets')) {
            if (broken(node.innerText || '')) {
              bad.push('widget: ' + node.innerText.slice(0, 300));
            }
          }
          const panel = window.jupyterapp.shell.currentWidget;
          const cells = panel && panel.content ? panel.content.widgets : [];
          cells.forEach((cell, c) => {
            if (cell.model.type !== 'code') return;
            const outputs = cell.model.outputs;
            for (let i = 0; i < outputs.length; i++) {
              const data = outputs.get(i).data;
              const child = cell.outputArea.widgets[i];
              const node = child && [...child.node.children].find(
                n => n.classList.contains('jp-OutputArea-output'));
              const where = `cell ${c}, output ${i}: `;
              if (!node) { bad.push(where + 'not shown'); continue; }
              const text = (node.innerText || '').slice(0, 200);
              if (data[widgetMime] && !broken(text) &&
                  !node.matches('.jupyter-widgets, :has(.jupyter-widgets)')) {
                bad.push(where + 'widget shown as text: ' + text);
              } else if (data[plotlyMime] &&
                         !node.matches(':has(.main-svg)')) {
                bad.push(where + 'plotly output without a plot');
              }
            }
          });
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


# --- plotly figures and their own sliders -----------------------------------
# `plot` below is a Playwright locator of one `.js-plotly-plot` element.

_DECODE = """
  const decode = v => {
    if (v && typeof v === 'object' && !Array.isArray(v) && 'bdata' in v) {
      const bin = atob(v.bdata);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const types = {f4: Float32Array, f8: Float64Array, i1: Int8Array,
        u1: Uint8Array, i2: Int16Array, u2: Uint16Array, i4: Int32Array,
        u4: Uint32Array};
      return Array.from(new types[v.dtype](bytes.buffer), x => x);
    }
    if (v && typeof v.length === 'number' && typeof v !== 'string') {
      return Array.from(v, x => (x === null || x === undefined ? NaN : x));
    }
    return v === undefined ? null : v;
  };
  const xy = t => ({x: decode(t.x), y: decode(t.y)});
"""


def plotly_sliders(page):
    """(plot index, slider index, number of steps) of every plotly slider."""
    return page.evaluate(
        """() => {
          const found = [];
          document.querySelectorAll('.js-plotly-plot').forEach((gd, i) => {
            ((gd.layout && gd.layout.sliders) || []).forEach((s, j) => {
              found.push([i, j, s.steps.length]);
            });
          });
          return found;
        }"""
    )


def slider_state(plot, slider):
    """Active step and the steps' methods, labels and arguments of one slider."""
    return plot.evaluate(
        """(gd, j) => {
          const s = gd._fullLayout.sliders[j];
          return {active: s.active, steps: s.steps.map(
            st => ({method: st.method, label: st.label, args: st.args}))};
        }""",
        slider,
    )


def frame(plot, name):
    """A frame of the figure: trace indices, decoded x/y, annotation texts."""
    return plot.evaluate(
        "(gd, name) => {"
        + _DECODE
        + """
          const f = gd._transitionData._frameHash[name];
          if (!f) return null;
          const data = (f.data || []).map(xy);
          const traces = f.traces || data.map((_, k) => k);
          const notes = f.layout && f.layout.annotations;
          return {name, traces, data,
                  annotations: notes ? notes.map(a => a.text) : null};
        }""",
        name,
    )


def drawn(plot, traces=None):
    """x/y as drawn of the given trace indices (default all), and annotations."""
    return plot.evaluate(
        "(gd, traces) => {"
        + _DECODE
        + """
          const full = gd._fullData;
          const pick = traces === null ? full.map(t => t.index) : traces;
          const byIndex = k => full.find(t => t.index === k);
          return {data: pick.map(k => xy(byIndex(k))),
                  annotations: (gd._fullLayout.annotations || []).map(a => a.text)};
        }""",
        traces,
    )


def click_step(page, plot, slider, step):
    """Click one step of a plotly slider: on its tick, at the rail's height."""
    group = plot.locator(".slider-group").nth(slider)
    group.scroll_into_view_if_needed()
    rail = group.locator(".slider-rail-rect").bounding_box()
    tick = group.locator(".slider-tick-rect").nth(step).bounding_box()
    x = tick["x"] + tick["width"] / 2
    page.mouse.click(x, rail["y"] + rail["height"] / 2)


def wait_for(predicate, timeout=20, interval=0.1, what="condition"):
    """Poll `predicate` until it returns a true value; return that value.

    Only a safety net: the tests wait for a state, never for a duration.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not reached within {timeout} s")
        time.sleep(interval)


def same_data(a, b, rtol=1e-6, atol=1e-9):
    """Whether two lists of {"x", "y"} traces hold the same numbers (NaN = NaN)."""
    if len(a) != len(b):
        return False
    for ta, tb in zip(a, b, strict=True):
        for key in ("x", "y"):
            va, vb = ta[key], tb[key]
            if va is None or vb is None:
                if va is not vb:
                    return False
                continue
            try:
                fa, fb = np.array(va, dtype=float), np.array(vb, dtype=float)
            except (TypeError, ValueError):  # categories, dates: compare as given
                if list(va) != list(vb):
                    return False
                continue
            if fa.shape != fb.shape:
                return False
            if not np.allclose(fa, fb, rtol=rtol, atol=atol, equal_nan=True):
                return False
    return True


# --- controls computed in the kernel (ntkflow.viz.KernelControl) ------------

_CONTROL_STATE = """
def _ntkflow_control_state(name, render=False):
    import json

    from ntkflow.viz.controls import KernelControl

    # Distinct objects: IPython's output history holds the same ones again.
    found = {
        id(v): v
        for v in list(globals().values())
        if isinstance(v, KernelControl) and v.name == name
    }
    found = list(found.values())
    if len(found) != 1:
        raise LookupError(f"{len(found)} KernelControls named {name!r}")
    c = found[0]
    state = dict(
        value=c.control.value,
        label=getattr(c.control, "label", None),
        busy=c.busy,
        n_computed=c.n_computed,
        n_submitted=c.n_submitted,
        error=None if c.error is None else f"{type(c.error).__name__}: {c.error}",
    )

    def clean(values):
        if values is None:
            return None
        out = []
        for v in values:
            try:
                out.append(None if v is None or v != v else float(v))
            except (TypeError, ValueError):
                out.append(str(v))
        return out

    if render:
        figure = c.render(c.control.value)
        state["traces"] = [dict(x=clean(t.x), y=clean(t.y)) for t in figure.data]
    return json.dumps(state)
"""


def kernel_controls(page):
    """Names of the KernelControls shown in the notebook, in page order."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.ntkflow-control')].map(box =>
              [...box.classList].find(c => c.startsWith('ntkflow-control-'))
                .slice('ntkflow-control-'.length))"""
    )


def control_box(page, name):
    return page.locator(f".ntkflow-control-{name}")


def control_state(page, name, render=False):
    """The kernel's view of a KernelControl; with `render`, its figure's data
    for the current value, computed afresh by the control's own function."""
    return kernel_eval(
        page, f"_ntkflow_control_state({name!r}, {render!r})", setup=_CONTROL_STATE
    )


def control_value_shown(page, name):
    """The control's value as the browser shows it (slider readout, dropdown)."""
    box = control_box(page, name)
    readout = box.locator(".widget-readout")
    if readout.count():
        return readout.first.inner_text().strip()
    return box.locator("select").first.evaluate("s => s.options[s.selectedIndex].text")


def _matches(shown, state):
    if state["label"] is not None:
        return shown == str(state["label"])
    try:
        return abs(float(shown) - float(state["value"])) < 1e-9 + 1e-6 * abs(
            float(state["value"])
        )
    except ValueError:
        return shown == str(state["value"])


def wait_control_settled(page, name, timeout=60):
    """Wait until the kernel holds the value the browser shows and is done
    computing; returns the kernel's state."""

    def settled():
        state = control_state(page, name)
        shown = control_value_shown(page, name)
        return state if _matches(shown, state) and not state["busy"] else None

    wait_for(settled, timeout=timeout, interval=0.2, what=f"control {name} settled")
    wait_for(
        lambda: "ntkflow-busy" not in control_box(page, name).get_attribute("class"),
        timeout=timeout,
        what=f"control {name} no longer says it is computing",
    )
    return control_state(page, name)


def press_on_control(page, name, keys):
    """Focus the control's slider handle and press each key of `keys`."""
    handle = control_box(page, name).locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for key in keys:
        page.keyboard.press(key)


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
