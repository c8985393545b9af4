"""Driving JupyterLab from Playwright: open, run all, read figures."""

import time
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

RUN_ALL = "window.jupyterapp.commands.execute('notebook:run-all-cells')"
ERRORS = (
    ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
    ".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']"
)


def open_notebook(page, lab, name):
    base, token, _ = lab
    page.goto(f"{base}/lab/tree/{name}?reset&token={token}")
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
    wait_idle(page, timeout=60)


def wait_idle(page, timeout=120):
    """Wait until the kernel status reads idle and no cell shows [*]."""
    deadline = time.monotonic() + timeout
    page.wait_for_selector(".jp-Notebook", timeout=timeout * 1000)
    quiet_since = None
    while time.monotonic() < deadline:
        busy = page.evaluate(
            """() => {
              const prompts = [...document.querySelectorAll('.jp-InputPrompt')];
              const running = prompts.some(p => p.textContent.includes('*'));
              const status = document.querySelector('.jp-Notebook-ExecutionIndicator');
              const state = status ? status.getAttribute('data-status') : 'idle';
              return running || (state !== null && state !== 'idle');
            }"""
        )
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 1.5:
            return
        time.sleep(0.2)
    raise TimeoutError(f"kernel still busy after {timeout} s")


def run_all(page, timeout=180):
    page.evaluate(RUN_ALL)
    time.sleep(1.0)
    wait_idle(page, timeout)


def error_outputs(page):
    return page.evaluate(
        f"""() => [...document.querySelectorAll("{ERRORS}")]
              .map(e => e.innerText.slice(0, 500))"""
    )


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
