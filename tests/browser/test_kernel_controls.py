"""A KernelControl in the browser: a failing callback shows its traceback in
the notebook, and a slow one computes only the newest of many values.

The notebook is written here, into the server's scratch copy of notebooks/.
Its render function waits on a gate that the test opens, so which values get
computed does not depend on timing.
"""

import nbformat
import numpy as np
import pytest
from lab_driver import (
    control_box,
    control_state,
    drawn,
    error_outputs,
    kernel_eval,
    press_on_control,
    same_data,
    screenshot,
    wait_control_settled,
    wait_for,
    wait_idle,
)

NAME = "kernel_control_check.ipynb"
CELLS = [
    """\
import threading

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from ntkflow.viz import KernelControl

pio.renderers.default = "plotly_mimetype"
gate = threading.Event()
gate.set()
seen = []


def render(gain):
    seen.append(gain)
    if gain == 3:
        raise ValueError("no figure for gain three")
    assert gate.wait(60)
    x = np.linspace(0.0, 1.0, 5)
    return go.Figure(go.Scatter(x=x, y=gain * x))""",
    """\
slider = widgets.IntSlider(value=1, min=0, max=60, description="gain")
gain = KernelControl(slider, render, name="gain")
gain""",
]


@pytest.fixture(scope="module")
def check_notebook(lab):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nbformat.write(nb, lab[2] / NAME)
    return NAME


def line(gain):
    x = np.linspace(0.0, 1.0, 5)
    return [{"x": list(x), "y": list(gain * x)}]


def shows_line(page, gain):
    plot = control_box(page, "gain").locator(".js-plotly-plot").first
    return plot.count() and same_data(drawn(plot)["data"], line(gain))


def test_an_exception_in_the_callback_shows_in_the_notebook(notebook, check_notebook):
    page = notebook(check_notebook)
    assert page.ran_errors == [] and page.ran_render_failures == []
    kernel_eval(page, "'1'", "gain.control.value = 1")
    wait_control_settled(page, "gain")
    wait_for(lambda: shows_line(page, 1), what="line of gain 1")

    press_on_control(page, "gain", ["ArrowRight", "ArrowRight"])
    state = wait_control_settled(page, "gain")
    assert state["value"] == 3
    assert state["error"] == "ValueError: no figure for gain three"
    errors = wait_for(lambda: error_outputs(page), what="the error in the page")
    (text,) = errors
    assert "ValueError" in text and "no figure for gain three" in text
    assert "gain = 3" in text and "Traceback" in text and "render" in text
    box = control_box(page, "gain")
    assert box.locator(".jp-RenderedText").count() >= 1  # under the control
    box.scroll_into_view_if_needed()
    screenshot(page, "kernel_control--error-shown")

    press_on_control(page, "gain", ["ArrowRight"])  # a good value again
    state = wait_control_settled(page, "gain")
    assert state["value"] == 4 and state["error"] is None
    wait_for(lambda: shows_line(page, 4), what="line of gain 4")
    assert error_outputs(page) == []


def test_a_slow_callback_computes_only_the_newest_value(notebook, check_notebook):
    page = notebook(check_notebook)
    kernel_eval(page, "'1'", "gain.control.value = 10")
    wait_control_settled(page, "gain")
    kernel_eval(page, "'1'", "gate.clear(); seen.clear()")

    press_on_control(page, "gain", ["ArrowRight"])  # 11: computing, held at the gate
    wait_for(lambda: kernel_eval(page, "str(seen == [11]).lower()"), what="11 started")
    presses = ["ArrowRight"] * 49  # 12 ... 60 arrive while 11 is computed
    press_on_control(page, "gain", presses)
    wait_for(
        lambda: kernel_eval(page, "str(gain.control.value == 60).lower()"),
        what="all 49 values reached the kernel",
    )
    assert control_box(page, "gain").get_attribute("class").count("ntkflow-busy")
    assert control_state(page, "gain")["busy"]

    kernel_eval(page, "'1'", "gate.set()")
    state = wait_control_settled(page, "gain")
    assert kernel_eval(page, "str(seen)") == [11, 60]
    assert state["value"] == 60 and state["error"] is None
    wait_for(lambda: shows_line(page, 60), what="line of gain 60")
    wait_idle(page)
    assert error_outputs(page) == []
