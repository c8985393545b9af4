"""Kernel-side controls: only the latest value is computed, errors are shown."""

import threading

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
import pytest

from ntkflow.viz.controls import KernelControl, LatestOnly

WAIT = 10  # seconds; only a safety net, no test depends on timing


class Gate:
    """A work function that records its values and blocks until opened."""

    def __init__(self):
        self.values = []
        self.started = threading.Event()
        self.opened = threading.Event()

    def __call__(self, value):
        self.values.append(value)
        self.started.set()
        assert self.opened.wait(WAIT)


def wait_until_quiet(latest):
    for _ in range(WAIT * 100):
        if not latest.busy:
            return
        threading.Event().wait(0.01)
    raise AssertionError("still busy")


def test_values_arriving_during_work_collapse_to_the_newest():
    gate = Gate()
    busy = []
    latest = LatestOnly(gate, on_busy=busy.append)
    assert latest.submit(1) is True
    assert gate.started.wait(WAIT)
    joined = [latest.submit(v) for v in range(2, 51)]
    assert not any(joined)
    gate.opened.set()
    wait_until_quiet(latest)
    assert gate.values == [1, 50]
    assert busy == [True, False]
    assert (latest.n_submitted, latest.n_computed) == (50, 2)


def test_in_the_callers_thread_a_burst_costs_two_computations():
    seen = []

    def work(value):
        seen.append(value)
        if value == 0:  # values that arrive while the first one is computed
            for v in range(1, 8):
                latest.submit(v)

    latest = LatestOnly(work, start=lambda fn: fn())
    latest.submit(0)
    assert seen == [0, 7]
    assert not latest.busy
    latest.submit(8)  # a later value is always computed
    assert seen == [0, 7, 8]


def test_an_escaping_exception_does_not_leave_it_stuck():
    def work(value):
        if value == "bad":
            raise ValueError("bad value")

    busy = []
    latest = LatestOnly(work, start=lambda fn: fn(), on_busy=busy.append)
    with pytest.raises(ValueError, match="bad value"):
        latest.submit("bad")
    assert not latest.busy
    assert latest.submit("good") is True
    assert busy == [True, False, True, False]


def line(value):
    if value == 5:
        raise ValueError("five is not allowed here")
    x = np.linspace(0, 1, 4, dtype=np.float32)
    return go.Figure(go.Scatter(x=x, y=value * x))


def drawn_y(control):
    (entry,) = control.output.outputs
    trace = entry["data"]["application/vnd.plotly.v1+json"]["data"][0]
    y = trace["y"]
    if isinstance(y, dict):  # typed array: dtype and base64 bytes
        import base64

        y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"])
    return np.asarray(y, dtype=float)


def test_kernel_control_draws_the_latest_value_and_shows_errors():
    slider = widgets.IntSlider(value=1, min=0, max=9)
    control = KernelControl(slider, line, name="gain")
    np.testing.assert_allclose(drawn_y(control), np.linspace(0, 1, 4))
    assert "ntkflow-control-gain" in control.box._dom_classes

    slider.value = 3
    wait_until_quiet(control._latest)
    np.testing.assert_allclose(drawn_y(control), 3 * np.linspace(0, 1, 4), rtol=1e-6)
    assert control.status.value == ""
    assert "ntkflow-busy" not in control.box._dom_classes

    slider.value = 5
    wait_until_quiet(control._latest)
    (entry,) = control.output.outputs
    assert entry["output_type"] == "error"
    assert entry["ename"] == "ValueError"
    text = "\n".join(entry["traceback"])
    assert "five is not allowed here" in text and "gain = 5" in text
    assert "Traceback" in text and "line" in text
    assert isinstance(control.error, ValueError)

    slider.value = 2  # and it recovers
    wait_until_quiet(control._latest)
    np.testing.assert_allclose(drawn_y(control), 2 * np.linspace(0, 1, 4), rtol=1e-6)
    assert control.error is None and control.value == 2


def test_kernel_control_skips_values_overtaken_during_a_slow_render():
    gate = Gate()

    def render(value):
        if value:  # the first figure, in the constructor, is immediate
            gate(value)
        return line(value % 5 + 1)

    slider = widgets.IntSlider(value=0, min=0, max=60)
    control = KernelControl(slider, render, name="slow")
    slider.value = 1
    assert gate.started.wait(WAIT)
    for v in range(2, 51):
        slider.value = v
    assert control.busy and "ntkflow-busy" in control.box._dom_classes
    gate.opened.set()
    wait_until_quiet(control._latest)
    assert gate.values == [1, 50]
    assert (control.n_submitted, control.n_computed) == (50, 2)
    assert control.value == 50


def test_kernel_control_text_is_short_and_stable():
    control = KernelControl(widgets.IntSlider(value=1), line, name="gain")
    bundle = control._repr_mimebundle_()
    assert bundle["text/plain"] == "KernelControl('gain')"
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_kernel_control_rejects_bad_arguments():
    with pytest.raises(TypeError, match="`render`"):
        KernelControl(widgets.IntSlider(), "not callable", name="x")
    with pytest.raises(ValueError, match="`name`"):
        KernelControl(widgets.IntSlider(), line, name="two words")
