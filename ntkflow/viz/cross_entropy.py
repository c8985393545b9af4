"""Cross-entropy flows on their fibers, with a label-smoothing slider."""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..fibers import fiber_drift
from ..geometry import simplex_plane
from ._frames import class_lines, f32, readout, slider, small
from .style import DASHES, PALETTE, SYMBOLS, base_layout


def _infimum(trajectory, loss):
    """``inf C`` on the fiber of the start, and whether a point attains it.

    With every label component positive it is the minimum, reached at the
    closed-form minimizer; with a zero component (one-hot labels) it is 0,
    approached as the logits run off, never reached.
    """
    if (loss.y > 0).all():
        return loss.value(loss.minimizer(trajectory.x[0])), True
    return 0.0, False


def _excess(trajectory, loss):
    """``C(s) - inf C`` on the fiber, for s > 0 (a log axis)."""
    floor, _ = _infimum(trajectory, loss)
    keep = trajectory.s > 0
    excess = trajectory.loss[keep] - floor
    # Below this the difference is rounding in C, not a loss: leave a gap.
    excess[excess < _RESOLVED * floor + 1e-14] = np.nan
    return f32(trajectory.s[keep]), f32(excess)


#: Relative size below which C(s) - inf C is only rounding.
_RESOLVED = 1e-11


def _minimizer_uv(trajectory, loss):
    if (loss.y > 0).all():
        return simplex_plane(loss.minimizer(trajectory.x[0]))
    return np.full((loss.n_samples, 2), np.nan)


def _frame_traces(trajectory, loss, labels, n_classes):
    uv = simplex_plane(trajectory.x)  # (T, N, 2)
    traces = []
    for c in range(n_classes):
        xs, ys = class_lines(uv, labels, c)
        traces.append(go.Scatter(x=xs, y=ys))
    star = _minimizer_uv(trajectory, loss)
    traces.append(go.Scatter(x=f32(star[:, 0]), y=f32(star[:, 1])))
    s, excess = _excess(trajectory, loss)
    traces.append(go.Scatter(x=s, y=excess))
    return traces


def _readout(trajectory, loss, smoothing):
    drift = fiber_drift(trajectory, loss)
    size = np.abs(trajectory.x[-1]).max()
    floor, attained = _infimum(trajectory, loss)
    if attained:
        miss = np.abs(trajectory.x[-1] - loss.minimizer(trajectory.x[0])).max()
        end = (
            f"inf C = min C = {floor:.4f}, at the star; distance from it at "
            f"the end {small(miss)}"
        )
    else:
        end = (
            f"no minimizer, inf C = 0 is never reached: largest logit "
            f"{size:.2f} and still growing"
        )
    return f"smoothing {smoothing:.2f}: logit sums moved {small(drift.max())}.<br>{end}"


def cross_entropy_figure(runs, smoothings, labels, class_names, start_index=-1):
    """Logits in their fiber plane and ``C(s) - inf C``, one frame per smoothing.

    Parameters
    ----------
    runs : sequence of (Trajectory, CrossEntropy)
        The adapted cross-entropy flow for each smoothing, Q = 3.
    smoothings : sequence of float
        The label smoothing of each run (0 for one-hot labels).
    labels : array_like of int, shape (N,)
    class_names : sequence of str
    start_index : int
        Which run the figure shows first.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces ``0 .. Q-1`` hold each class's logit paths projected onto the
        plane orthogonal to (1, 1, 1), trace ``Q`` the minimizers on the
        fibers (empty for one-hot labels), ``Q + 1`` the loss above its
        infimum on the fiber (0 for one-hot labels, where no point attains it)
        against
        ``s``: the traces each frame replaces.
    """
    labels = np.asarray(labels)
    n_classes = len(class_names)
    start_index = range(len(runs))[start_index]
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.55, 0.45],
        horizontal_spacing=0.12,
        subplot_titles=(
            "Logits of each flower, within its fiber",
            "Loss above its infimum on the fiber",
        ),
    )
    first = _frame_traces(*runs[start_index], labels, n_classes)
    for c in range(n_classes):
        first[c].update(
            mode="lines",
            name=f"path: {class_names[c]}",
            line=dict(color=PALETTE[c], dash=DASHES[c], width=1.8),
        )
        fig.add_trace(first[c], row=1, col=1)
    first[n_classes].update(
        mode="markers",
        name="minimizer on the fiber (closed form)",
        marker=dict(color="black", symbol="star", size=11),
    )
    fig.add_trace(first[n_classes], row=1, col=1)
    first[-1].update(
        mode="lines",
        name="C(s) − inf C on the fiber",
        line=dict(color=PALETTE[5], width=2.5),
    )
    fig.add_trace(first[-1], row=1, col=2)

    starts = simplex_plane(runs[0][0].x[0])
    for c in range(n_classes):
        mine = labels == c
        fig.add_scatter(
            x=f32(starts[mine, 0]),
            y=f32(starts[mine, 1]),
            mode="markers",
            name=f"start: {class_names[c]}",
            showlegend=False,
            marker=dict(color=PALETTE[c], symbol=SYMBOLS[c], size=7),
            row=1,
            col=1,
        )

    # Fixed axes, so the one-hot paths are seen running out of the view.
    smooth = [i for i, s in enumerate(smoothings) if s > 0] or [start_index]
    uv = np.concatenate(
        [simplex_plane(runs[i][0].x).reshape(-1, 2) for i in smooth]
        + [_minimizer_uv(*runs[i]) for i in smooth]
    )
    uv = uv[np.isfinite(uv).all(axis=1)]
    pad = 0.15 * np.ptp(uv, axis=0).max()
    lo, hi = uv.min(axis=0) - pad, uv.max(axis=0) + pad

    names = [f"{s:.2f}" for s in smoothings]
    fig.add_annotation(
        readout(_readout(*runs[start_index], smoothings[start_index]), y=-0.23),
        yanchor="top",  # two lines, growing downwards clear of the axis title
        align="left",
    )
    titles = list(fig.layout.annotations[:2])
    note = fig.layout.annotations[2]
    fig.frames = [
        go.Frame(
            name=name,
            data=_frame_traces(*runs[i], labels, n_classes),
            traces=list(range(n_classes + 2)),
            layout=dict(
                annotations=titles
                + [go.layout.Annotation(note).update(text=_readout(*runs[i], s))]
            ),
        )
        for i, (name, s) in enumerate(zip(names, smoothings, strict=True))
    ]
    fig.update_xaxes(title_text="u = (x₁ − x₂)/√2", range=[lo[0], hi[0]], row=1, col=1)
    fig.update_yaxes(
        title_text="v = (x₁ + x₂ − 2x₃)/√6",
        range=[lo[1], hi[1]],
        scaleanchor="x",
        scaleratio=1,
        row=1,
        col=1,
    )
    fig.update_xaxes(title_text="flow time s (log scale)", type="log", row=1, col=2)
    fig.update_yaxes(
        title_text="C(s) − inf C (log scale)",
        type="log",
        exponentformat="power",
        row=1,
        col=2,
    )
    fig.update_layout(
        base_layout(
            height=625,
            margin=dict(l=70, r=20, t=110, b=215),
            legend=dict(orientation="h", yanchor="bottom", y=1.12, x=0),
        ),
        sliders=[slider(names, "label smoothing = ", start_index, pad_top=125)],
    )
    return fig
