"""Checks on plotly's own sliders, whatever page draws them.

A figure's slider switches between frames that are stored in the figure, so
moving it must redraw the paths without any kernel: the same check serves
JupyterLab, Voila and the static pages.
"""

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
    """Click the slider rail of the index-th figure where step ``step`` sits."""
    _, n_steps = active_step(page, index)
    rail = page.locator(".js-plotly-plot").nth(index).locator(".slider-rail-rect")
    rail.first.scroll_into_view_if_needed()
    box = rail.first.bounding_box()
    fraction = min(max(step / max(n_steps - 1, 1), 0.002), 0.998)
    page.mouse.click(box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2)


def wait_for_paths(page, index, differ_from=None, equal_to=None, timeout=15_000):
    """Wait until the drawn paths differ from, or equal, the given ones."""
    page.wait_for_function(
        f"""([i, before, after]) => {{
              const now = JSON.stringify(({PATHS})(i));
              return (before === null || now !== before)
                  && (after === null || now === after);
            }}""",
        arg=[
            index,
            None if differ_from is None else _json(differ_from),
            None if equal_to is None else _json(equal_to),
        ],
        timeout=timeout,
    )
    return drawn_paths(page, index)


def _json(value):
    import json

    return json.dumps(value, separators=(",", ":"))


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
    wait_for_paths(page, index, equal_to=first)
    assert active_step(page, index)[0] == start
