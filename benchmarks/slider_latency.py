"""Time from a slider input to the redrawn plot, in a real JupyterLab.

    python benchmarks/slider_latency.py [--moves 40]

Starts JupyterLab on 127.0.0.1 (random port and token, the browser tests'
settings) and Debian's chromium, runs the deformation notebook and a baseline
notebook, and times, over many single moves:

- the centerpiece alpha slider (plotly's own slider over precomputed frames):
  a click on a step, and a drag of its grip from step to step; plotly's
  slider takes no keyboard input, so the click stands for the discrete step;
- the baseline: a bare ipywidgets slider whose callback sets one trace of a
  plotly FigureWidget, a kernel round trip: arrow key, and drag of its handle.

Each latency runs from the input event (performance.now() in a capture-phase
listener for keydown / pointerdown / pointermove) to the first change of a
plotted line's path (`d` attribute, or a new path) seen by a MutationObserver
on the figure's container. Prints median, p95 and max of each, and the ratio
of the course's median to the baseline's.
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import lab_driver as lab  # noqa: E402

TARGET = {"median": 30.0, "p95": 60.0, "ratio": 0.5}
COURSE = "04_deformation.ipynb"
BASELINE = "baseline_figurewidget.ipynb"
BASELINE_CELL = """\
import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

x = np.linspace(0.0, 1.0, 200)
fig = go.FigureWidget(go.Scatter(x=x, y=np.sin(6 * x), mode="lines"))
phase = widgets.FloatSlider(value=0.0, min=0.0, max=10.0, step=0.1)


def update(change):
    fig.data[0].y = np.sin(6 * x + change["new"])


phase.observe(update, names="value")
box = widgets.VBox([phase, fig])
box.add_class("baseline")
box"""

# Stamps: the first input event after arming, the first line change after it.
PROBE = """(container) => {
  const lat = window.__latency = {armed: false, input: null, change: null};
  for (const type of ['keydown', 'pointerdown', 'pointermove']) {
    window.addEventListener(type, () => {
      if (lat.armed && lat.input === null) lat.input = performance.now();
    }, {capture: true});
  }
  const isLine = n => n.nodeType === 1 &&
    (n.matches('path.js-line') || n.querySelector('path.js-line'));
  new MutationObserver(records => {
    const now = performance.now();
    if (lat.input === null || lat.change !== null) return;
    for (const r of records) {
      const changed = r.type === 'attributes'
        ? r.target.matches('path.js-line') &&
          r.oldValue !== r.target.getAttribute('d')
        : [...r.addedNodes].some(isLine);
      if (changed) { lat.change = now; return; }
    }
  }).observe(container, {subtree: true, childList: true, attributes: true,
                         attributeFilter: ['d'], attributeOldValue: true});
}"""


def write_baseline(folder):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(BASELINE_CELL)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nbformat.write(nb, folder / BASELINE)


def timed(page, act, settle=0.15):
    """Latency in ms of one input sent by `act()`, or None if nothing changed."""
    page.evaluate(
        "() => Object.assign(window.__latency, {armed: true, input: null,"
        " change: null})"
    )
    act()
    try:
        page.wait_for_function(
            "() => window.__latency.change !== null", timeout=5_000, polling=10
        )
    except Exception:
        return None
    finally:
        page.evaluate("() => { window.__latency.armed = false; }")
    lat = page.evaluate("() => window.__latency")
    time.sleep(settle)  # let the kernel and the renderer fall quiet
    return lat["change"] - lat["input"]


def course_moves(page, moves):
    plot = page.locator(".js-plotly-plot").first
    page.evaluate(PROBE, plot.evaluate_handle("gd => gd.parentElement"))
    group = plot.locator(".slider-group").first
    group.scroll_into_view_if_needed()
    rail = group.locator(".slider-rail-rect").bounding_box()
    ticks = [
        group.locator(".slider-tick-rect").nth(k).bounding_box()
        for k in range(group.locator(".slider-tick-rect").count())
    ]
    xs = [t["x"] + t["width"] / 2 for t in ticks]
    y = rail["y"] + rail["height"] / 2
    order = _back_and_forth(len(xs), moves + 1)

    lab.click_step(page, plot, 0, order[0])
    time.sleep(0.5)
    clicks = []
    for k in order[1:]:
        page.mouse.move(xs[k], y)  # so that the press is the first input
        clicks.append(timed(page, lambda: (page.mouse.down(), page.mouse.up())))

    page.mouse.move(xs[order[0]], y)
    page.mouse.down()
    time.sleep(0.3)
    drags = [timed(page, lambda k=k: page.mouse.move(xs[k], y)) for k in order[1:]]
    page.mouse.up()
    return {"click on a step": clicks, "drag": drags}


def baseline_moves(page, moves):
    box = page.locator(".baseline").first
    page.evaluate(PROBE, box.element_handle())
    handle = box.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    keys = [("ArrowRight", "ArrowLeft")[(i // 5) % 2] for i in range(moves)]
    keyboard = [timed(page, lambda k=k: page.keyboard.press(k)) for k in keys]

    h = handle.bounding_box()
    x0, y = h["x"] + h["width"] / 2, h["y"] + h["height"] / 2
    page.mouse.move(x0, y)
    page.mouse.down()
    time.sleep(0.3)
    # Distinct positions one after the other, 6 px (several steps) apart.
    order = _back_and_forth(11, moves + 1)[1:]
    drags = [timed(page, lambda k=k: page.mouse.move(x0 + 6 * k, y)) for k in order]
    page.mouse.up()
    return {"arrow key": keyboard, "drag": drags}


def _back_and_forth(n, count):
    cycle = list(range(n)) + list(range(n - 2, 0, -1))
    return [cycle[i % len(cycle)] for i in range(count)]


def summary(values):
    v = np.array([x for x in values if x is not None])
    missed = sum(x is None for x in values)
    return dict(
        n=v.size,
        missed=missed,
        median=float(np.median(v)),
        p95=float(np.percentile(v, 95)),
        max=float(v.max()),
    )


def report(title, runs):
    print(f"\n{title}")
    total = []
    for kind, values in runs.items():
        s = summary(values)
        total += values
        miss = f", {s['missed']} without a redraw" if s["missed"] else ""
        print(
            f"  {kind:16s} n = {s['n']:3d}   median {s['median']:6.1f} ms   "
            f"p95 {s['p95']:6.1f} ms   max {s['max']:6.1f} ms{miss}"
        )
    s = summary(total)
    print(
        f"  {'all moves':16s} n = {s['n']:3d}   median {s['median']:6.1f} ms   "
        f"p95 {s['p95']:6.1f} ms   max {s['max']:6.1f} ms"
    )
    return s


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=40, help="moves per input kind")
    args = parser.parse_args(argv)
    if not lab.CHROMIUM.exists():
        print("No /usr/bin/chromium: install Debian's chromium to run this.")
        return 1

    with tempfile.TemporaryDirectory(prefix="slider-latency-") as tmp:
        work = Path(tmp)
        folder = work / "notebooks"
        folder.mkdir()
        shutil.copy(ROOT / "notebooks" / COURSE, folder / COURSE)
        write_baseline(folder)
        with lab.jupyterlab(work, folder) as (base, token), lab.chromium() as browser:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            outside = lab.local_only(context)
            page = context.new_page()
            server = (base, token)

            lab.open_notebook(page, server, COURSE)
            lab.run_all(page)
            course = course_moves(page, args.moves)

            lab.open_notebook(page, server, BASELINE)
            lab.run_all(page)
            page.wait_for_selector(".baseline .js-plotly-plot path.js-line")
            baseline = baseline_moves(page, args.moves)
            context.close()
            if outside:
                print(f"warning: requests left 127.0.0.1: {outside}")

    print(f"Slider latency, input event to redrawn line ({args.moves} moves each)")
    c = report("course: alpha slider of 04_deformation (plotly frames)", course)
    b = report("baseline: ipywidgets slider -> FigureWidget trace (kernel)", baseline)
    ratio = c["median"] / b["median"]
    print(f"\nratio of medians, course / baseline: {ratio:.2f}")
    met = (
        c["median"] <= TARGET["median"]
        and c["p95"] <= TARGET["p95"]
        and ratio <= TARGET["ratio"]
    )
    print(
        f"target (median <= {TARGET['median']:g} ms, p95 <= {TARGET['p95']:g} ms, "
        f"ratio <= {TARGET['ratio']:g}): {'met' if met else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
