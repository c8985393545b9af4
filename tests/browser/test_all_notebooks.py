"""Every notebook, the way a learner uses it, in a real JupyterLab.

Open it, run all cells: no error, no traceback, no widget or figure that
failed to render. Then move every slider and check what is drawn:
- a plotly slider (frames computed beforehand by ntkflow) must draw exactly
  the data of the frame its step names, also after a flood of 50 clicks;
- a control computed in the kernel (ntkflow.viz.KernelControl) must draw what
  its function computes for the value the browser shows, also after a flood of
  50 key presses, with fewer computations than presses;
- any other ipywidgets slider must at least change a figure without an error.
Screenshots after the moves go to test-artifacts/.
"""

import pytest
from lab_driver import (
    ROOT,
    click_step,
    control_box,
    control_state,
    drawn,
    error_outputs,
    frame,
    kernel_controls,
    plotly_sliders,
    press_on_control,
    render_failures,
    same_data,
    screenshot,
    slider_state,
    wait_control_settled,
    wait_for,
    wait_idle,
)

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
FLOOD = 50


def check_frame_drawn(plot, slider, step):
    """Wait until the step is active and its frame is what the plot shows."""
    state = wait_for(
        lambda: (s := slider_state(plot, slider))["active"] == step and s,
        what=f"slider {slider} at step {step}",
    )
    method, args = state["steps"][step]["method"], state["steps"][step]["args"]
    if method != "animate":
        return None
    (name,) = args[0]
    target = frame(plot, name)
    assert target is not None, f"step {step} names a missing frame {name!r}"

    def shows_frame():
        now = drawn(plot, target["traces"])
        same = same_data(now["data"], target["data"])
        if target["annotations"] is not None:
            same = same and now["annotations"] == target["annotations"]
        return same

    wait_for(shows_frame, what=f"plot shows frame {name!r}")
    return target


def check_plotly_slider(page, stem, plot_index, slider, n_steps):
    plot = page.locator(".js-plotly-plot").nth(plot_index)
    start = slider_state(plot, slider)["active"]
    targets = [s for s in dict.fromkeys((n_steps - 1, n_steps // 2, 0)) if s != start]
    changed = 0
    for step in targets:
        before = drawn(plot)
        click_step(page, plot, slider, step)
        target = check_frame_drawn(plot, slider, step)
        after = drawn(plot)
        if target is not None:
            changed += not same_data(before["data"], after["data"])
        else:
            changed += before != after
    assert changed, f"figure {plot_index}: no slider step changed the drawing"
    plot.scroll_into_view_if_needed()
    screenshot(page, f"{stem}--figure{plot_index}-slider{slider}")

    # Flood: clicks as fast as the browser takes them, ending on a known step.
    steps = [(7 * i + 3) % n_steps for i in range(FLOOD - 1)] + [n_steps // 3]
    group = plot.locator(".slider-group").nth(slider)
    rail = group.locator(".slider-rail-rect").bounding_box()
    ticks = group.locator(".slider-tick-rect")
    xs = [
        (box := ticks.nth(k).bounding_box())["x"] + box["width"] / 2
        for k in range(n_steps)
    ]
    for step in steps:
        page.mouse.click(xs[step], rail["y"] + rail["height"] / 2)
    check_frame_drawn(plot, slider, steps[-1])


def check_kernel_control(page, stem, name):
    box = control_box(page, name)
    first = wait_control_settled(page, name)
    if box.locator(".noUi-handle").count() == 0:
        options = box.locator("select option")
        box.locator("select").select_option(index=(1 if options.count() > 1 else 0))
        keys = None
    else:
        keys = ["ArrowLeft"] if _at_max(page, name) else ["ArrowRight"]
        before = box.locator(".js-plotly-plot").first.evaluate(
            "gd => JSON.stringify(gd._fullData.map(t => [t.x, t.y]))"
        )
        press_on_control(page, name, keys)
    state = wait_control_settled(page, name)
    assert state["n_submitted"] > first["n_submitted"], (
        "the move never reached the kernel"
    )
    assert state["error"] is None, state["error"]
    expected = control_state(page, name, render=True)["traces"]
    plot = box.locator(".js-plotly-plot").first
    wait_for(lambda: same_data(drawn(plot)["data"], expected), what=f"{name} redrawn")
    if keys is not None:
        after = plot.evaluate("gd => JSON.stringify(gd._fullData.map(t => [t.x, t.y]))")
        assert after != before, f"{name}: the figure did not change"
    box.scroll_into_view_if_needed()
    screenshot(page, f"{stem}--control-{name}")

    if keys is None:
        return
    # Flood: 50 key presses that each change the value, ending two steps away.
    start = wait_control_settled(page, name)
    back, forth = (
        ("ArrowLeft", "ArrowRight")
        if _at_max(page, name)
        else (
            "ArrowRight",
            "ArrowLeft",
        )
    )
    presses = [back, forth] * ((FLOOD - 2) // 2) + [back, back]
    assert len(presses) == FLOOD
    press_on_control(page, name, presses)
    end = wait_control_settled(page, name)
    assert end["error"] is None, end["error"]
    computed = end["n_computed"] - start["n_computed"]
    assert 1 <= computed < FLOOD, f"{computed} computations for {FLOOD} moves"
    expected = control_state(page, name, render=True)["traces"]
    wait_for(lambda: same_data(drawn(plot)["data"], expected), what=f"{name} final")


def _at_max(page, name):
    return (
        control_box(page, name)
        .locator(".noUi-handle")
        .first.evaluate(
            "h => h.getAttribute('aria-valuenow') === h.getAttribute('aria-valuemax')"
        )
    )


def check_other_slider(page, handle):
    """An ipywidgets slider outside a KernelControl: some figure must change."""
    snapshot = "() => [...document.querySelectorAll('.js-plotly-plot')]" + (
        ".map(gd => JSON.stringify(gd._fullData.map(t => [t.x, t.y])))"
    )
    before = page.evaluate(snapshot)
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press("ArrowRight")
    wait_idle(page)
    wait_for(lambda: page.evaluate(snapshot) != before, what="a figure redrawn")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_its_sliders_respond(notebook, name):
    page = notebook(name)
    stem = name.removesuffix(".ipynb")
    assert page.ran_errors == []
    assert page.ran_render_failures == []

    for plot_index, slider, n_steps in plotly_sliders(page):
        check_plotly_slider(page, stem, plot_index, slider, n_steps)
    controls = kernel_controls(page)
    for control in controls:
        check_kernel_control(page, stem, control)
    others = page.locator(".widget-slider .noUi-handle:not(.ntkflow-control *)")
    for i in range(others.count()):
        check_other_slider(page, others.nth(i))
        screenshot(page, f"{stem}--ipywidgets-slider{i}")

    wait_idle(page)
    assert error_outputs(page) == []
    assert render_failures(page) == []
