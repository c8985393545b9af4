"""Checks on plotly's own sliders, whatever page draws them.

A figure's slider switches between frames that are stored in the figure, so
moving it must redraw the paths without any kernel: the same check serves
JupyterLab, Voila and the static pages.
"""

import json

PATHS = """i => [...document.querySelectorAll('.js-plotly-plot')[i]
                  .querySelectorAll('.scatterlayer path.js-line')]
                 .map(p => p.getAttribute('d'))"""


def figures_with_sliders(page):
    """Indices of the plotly figures on the page that have a slider."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')]
              .map((gd, i) => [i, (gd.layout.sliders || []).length])
              .filter(([, n]) => n > 0).map(([i]) => i)"""
    )


def drawn_paths(page, index):
    return page.evaluate(PATHS, index)


def active_step(page, index):
    return page.evaluate(
        """i => {
          const s = document.querySelectorAll('.js-plotly-plot')[i].layout.sliders[0];
          return [s.active || 0, s.steps.length];
        }""",
        index,
    )


def click_step(page, index, step):
    """Click the slider of the index-th figure where step ``step`` sits.

    Plotly draws one tick per step; without ticks, the steps are spread
    evenly along the rail.
    """
    _, n_steps = active_step(page, index)
    figure = page.locator(".js-plotly-plot").nth(index)
    rail = figure.locator(".slider-rail-rect").first
    rail.scroll_into_view_if_needed()
    box = rail.bounding_box()
    ticks = figure.locator(".slider-tick-rect")
    if ticks.count() == n_steps:
        tick = ticks.nth(step).bounding_box()
        x = tick["x"] + tick["width"] / 2
    else:
        fraction = min(max(step / max(n_steps - 1, 1), 0.002), 0.998)
        x = box["x"] + box["width"] * fraction
    page.mouse.click(x, box["y"] + box["height"] / 2)


def wait_for_paths(page, index, differ_from, timeout=15_000):
    """Wait until the drawn paths differ from ``differ_from``; return them."""
    page.wait_for_function(
        f"""([i, before]) => JSON.stringify(({PATHS})(i)) !== before""",
        arg=[index, json.dumps(differ_from, separators=(",", ":"))],
        timeout=timeout,
    )
    return drawn_paths(page, index)


def check_slider_redraws(page, index):
    """Move the slider far from where it starts, then back.

    The paths must change, the slider must report the new step, and going
    back must draw exactly the first picture again.
    """
    start, n_steps = active_step(page, index)
    assert n_steps > 1, "a slider with a single step"
    first = drawn_paths(page, index)
    assert first, "the figure draws no line"
    far = 0 if start > (n_steps - 1) / 2 else n_steps - 1
    click_step(page, index, far)
    moved = wait_for_paths(page, index, differ_from=first)
    assert active_step(page, index)[0] == far
    assert moved != first
    click_step(page, index, start)
    back = wait_for_paths(page, index, differ_from=moved)
    assert active_step(page, index)[0] == start
    assert back == first, "back at the first step, the figure draws other paths"
