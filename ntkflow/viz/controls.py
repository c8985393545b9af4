"""Controls whose every change needs new computation in the kernel.

A slider over precomputed frames (see :mod:`ntkflow.viz.deformation`) answers
in the browser. A control such as a width or a seed cannot: each new value
means new flows. :class:`KernelControl` wraps such an ipywidgets control and
a function ``render(value) -> plotly figure`` and adds what ipywidgets does not
do by itself:

- it says that it is working, beside the control, while the kernel computes;
- it computes only the latest value: values that arrive during a computation
  replace each other, so fifty quick moves cost two computations, not fifty;
- an exception raised by ``render`` is shown under the control, with its
  traceback, instead of going to the kernel's log where nobody sees it.

Computations run in a worker thread, so the kernel keeps receiving the newest
values while it computes.
"""

import html
import threading
import traceback

import plotly.io as pio

_NOTHING = object()


class LatestOnly:
    """Run ``work(value)`` for submitted values, skipping those overtaken.

    While ``work`` runs, newly submitted values replace each other; when it
    returns, it runs again once, with the newest value. No value is computed
    twice in a row without a new submission, and the last value submitted is
    always computed.

    Parameters
    ----------
    work : callable
        ``work(value)``; called from the thread that ``start`` provides. It
        should not raise: an escaping exception ends the current run and is
        raised again from that thread.
    start : callable, optional
        ``start(fn)`` runs ``fn()`` in the background; the default starts a
        daemon thread. ``start=lambda fn: fn()`` runs in the caller.
    on_busy : callable, optional
        ``on_busy(True)`` when work begins after a quiet spell,
        ``on_busy(False)`` when the last value is done.
    """

    def __init__(self, work, *, start=None, on_busy=None):
        self._work = work
        self._start = _start_thread if start is None else start
        self._on_busy = (lambda busy: None) if on_busy is None else on_busy
        self._lock = threading.RLock()
        self._pending = _NOTHING
        self._running = False
        self.n_submitted = 0
        self.n_computed = 0

    @property
    def busy(self):
        """True while a value is being computed or waits to be."""
        with self._lock:
            return self._running

    def submit(self, value):
        """Ask for ``work(value)``; returns False if it joins a running batch."""
        with self._lock:
            self.n_submitted += 1
            self._pending = value
            if self._running:
                return False
            self._running = True
            self._on_busy(True)
        self._start(self._drain)
        return True

    def _drain(self):
        try:
            while True:
                with self._lock:
                    value, self._pending = self._pending, _NOTHING
                    if value is _NOTHING:
                        self._running = False
                        self._on_busy(False)
                        return
                    self.n_computed += 1
                self._work(value)
        except BaseException:
            with self._lock:
                self._pending = _NOTHING
                self._running = False
                self._on_busy(False)
            raise


def _start_thread(fn):
    threading.Thread(target=fn, name="ntkflow-control", daemon=True).start()


def figure_output(fig):
    """A figure as an Output widget's ``outputs`` entry (plotly JSON, offline)."""
    bundle = pio.renderers["plotly_mimetype"].to_mimebundle(fig.to_dict())
    return {"output_type": "display_data", "data": bundle, "metadata": {}}


def error_output(exc, context):
    """An exception as an Output widget's ``outputs`` entry, with its traceback."""
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    return {
        "output_type": "error",
        "ename": type(exc).__name__,
        "evalue": f"{exc} ({context})",
        "traceback": [context, *"".join(lines).splitlines()],
    }


class KernelControl:
    """An ipywidgets control that redraws a figure computed in the kernel.

    Display the object itself (last line of a cell). The figure for the
    control's current value is computed once when the object is created, in
    the cell, so an error there fails the cell as usual; later values are
    computed in a worker thread, latest value only (see :class:`LatestOnly`).

    Parameters
    ----------
    control : ipywidgets.ValueWidget
        A slider, dropdown, ... whose ``value`` is passed to ``render``.
    render : callable
        ``render(value) -> plotly.graph_objects.Figure``.
    name : str
        Short identifier, used in the CSS class ``ntkflow-control-<name>``
        (so tests and styles can find the control) and in messages.

    Attributes
    ----------
    box : ipywidgets.VBox
        The control, a status line and the figure's Output widget. It has the
        CSS class ``ntkflow-control``, and ``ntkflow-busy`` while computing.
    figure : plotly.graph_objects.Figure or None
        The last figure drawn; None after a failure.
    error : BaseException or None
        The exception of the last value, if ``render`` raised.

    Warnings
    --------
    It needs a running kernel: in a static HTML export the control shows its
    first figure and does nothing when moved. ``render`` runs in a worker
    thread, beside whatever cell the learner runs meanwhile, so it should only
    read the notebook's variables, never change them.
    """

    def __init__(self, control, render, *, name):
        import ipywidgets as widgets

        if not callable(render):
            raise TypeError(
                f"`render` must be callable, value -> figure; got {render!r}."
            )
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(
                f"`name` must be a short identifier such as 'seed'; got {name!r}."
            )
        self.control = control
        self.render = render
        self.name = name
        self.figure = None
        self.error = None
        self.value = None
        self.status = widgets.HTML(value="")
        self.status.add_class("ntkflow-status")
        self.output = widgets.Output()
        self.box = widgets.VBox([widgets.HBox([control, self.status]), self.output])
        self.box.add_class("ntkflow-control")
        self.box.add_class(f"ntkflow-control-{name}")
        self._latest = LatestOnly(self._show, on_busy=self._set_busy)

        self.figure = render(control.value)
        self.value = control.value
        self.output.outputs = (figure_output(self.figure),)
        control.observe(self._changed, names="value")

    @property
    def busy(self):
        """True while a value is being computed or waits to be."""
        return self._latest.busy

    @property
    def n_computed(self):
        """How many values were computed after the first (in the worker)."""
        return self._latest.n_computed

    @property
    def n_submitted(self):
        """How many changes of the control's value arrived."""
        return self._latest.n_submitted

    def _changed(self, change):
        self._latest.submit(change["new"])

    def _set_busy(self, busy):
        if busy:
            self.status.value = "<i>computing…</i>"
            self.box.add_class("ntkflow-busy")
        else:
            self.status.value = ""
            self.box.remove_class("ntkflow-busy")

    def _show(self, value):
        self.status.value = (
            f"<i>computing {html.escape(self.name)} = {html.escape(str(value))}…</i>"
        )
        try:
            figure = self.render(value)
            entry = figure_output(figure)
        except Exception as exc:  # shown to the learner, not only logged
            self.figure, self.error, self.value = None, exc, value
            context = f"while drawing the figure for {self.name} = {value!r}"
            self.output.outputs = (error_output(exc, context),)
            return
        self.figure, self.error, self.value = figure, None, value
        self.output.outputs = (entry,)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        # Keep the text short and free of run-dependent ids (saved notebooks).
        bundle["text/plain"] = f"KernelControl({self.name!r})"
        return bundle
