"""The adapted flow along its chords, with a slider in reparametrized time t.

The frames hold the adapted flow's outputs at the recorded times of the
trajectory, so the slider answers in the browser without a kernel.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..geometry import simplex_plane
from ._frames import f32, sliding_layout
from ._frames import readout as note_below
from .style import DASHES, PALETTE, SYMBOLS


def _segments(start, end):
    """Segments from each row of ``start`` to the same row of ``end``, NaN-separated."""
    gap = np.full((start.shape[0], 1), np.nan)
    xs = np.hstack([start[:, :1], end[:, :1], gap]).ravel()
    ys = np.hstack([start[:, 1:], end[:, 1:], gap]).ravel()
    return f32(xs), f32(ys)


def _readout(adapted, k):
    # The loss ratio is shown as measured, without its formula in t: the
    # notebook asks the learner to derive that formula after the figure.
    t, s = adapted.t[k], adapted.s[k]
    ratio = adapted.loss[k] / adapted.loss[0]
    return f"t = {t:.2f}, that is s = −N ln(1 − t) = {s:.4g}: C/C(0) = {ratio:.4f}"


def _frame_traces(adapted, uv, labels, n_classes, k):
    traces = []
    for c in range(n_classes):
        pick = labels == c
        xs, ys = _segments(uv[0, pick], uv[k, pick])
        traces.append(go.Scatter(x=xs, y=ys))
    for c in range(n_classes):
        now = f32(uv[k, labels == c])
        traces.append(go.Scatter(x=now[:, 0], y=now[:, 1]))
    ratio = adapted.loss[k] / adapted.loss[0]
    traces.append(go.Scatter(x=f32([adapted.s[k]]), y=f32([ratio])))
    return traces


def straight_line_figure(adapted, standard, y, labels, class_names, start_index=0):
    """Outputs of the adapted flow moving along their chords, and the loss.

    Parameters
    ----------
    adapted : Trajectory
        The adapted flow (alpha = 1), Q = 3, recorded at the times the slider
        offers (for instance equally spaced in t).
    standard : Trajectory
        The standard flow from the same start, drawn for contrast.
    y : array_like, shape (N, 3)
        Labels.
    labels : array_like of int, shape (N,)
    class_names : sequence of str
    start_index : int
        Which recorded time the figure shows first.

    Returns
    -------
    plotly.graph_objects.Figure
        Left: chords (grey), the standard flow's paths (thin) and, per class,
        the stretch of the adapted flow travelled so far (traces ``0 .. Q-1``)
        with its current outputs (traces ``Q .. 2Q-1``). Right: the loss of
        both flows against flow time, with ``exp(-2s/N)`` and the current
        point (trace ``2Q``). Each frame replaces traces ``0 .. 2Q``.
    """
    labels = np.asarray(labels)
    n_classes = len(class_names)
    n = adapted.n_samples
    uv = simplex_plane(adapted.x)  # (T, N, 2)
    target_uv = simplex_plane(np.reshape(y, -1))

    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.52, 0.48],
        horizontal_spacing=0.12,
        subplot_titles=(
            "Outputs of each flower, plane ⟂ (1, 1, 1)",
            "Loss against flow time",
        ),
    )
    moving = _frame_traces(adapted, uv, labels, n_classes, start_index)
    for c in range(n_classes):
        moving[c].update(
            mode="lines",
            name=f"adapted flow so far: {class_names[c]}",
            line=dict(color=PALETTE[c], dash=DASHES[c], width=3),
        )
        moving[n_classes + c].update(
            mode="markers",
            showlegend=False,
            name=f"x(t): {class_names[c]}",
            marker=dict(color=PALETTE[c], symbol=SYMBOLS[c], size=8),
        )
    moving[-1].update(
        mode="markers",
        name="this t",
        marker=dict(color=PALETTE[5], symbol="star", size=15),
    )
    for trace in moving[:-1]:
        fig.add_trace(trace, row=1, col=1)
    fig.add_trace(moving[-1], row=1, col=2)

    xs, ys = _segments(uv[0], target_uv)
    fig.add_scatter(
        x=xs,
        y=ys,
        mode="lines",
        name="chord from x₀ to y",
        line=dict(color="grey", width=1),
        row=1,
        col=1,
    )
    std_uv = simplex_plane(standard.x)
    gap = np.full((1, std_uv.shape[1]), np.nan)
    fig.add_scatter(
        x=f32(np.vstack([std_uv[..., 0], gap]).T.ravel()),
        y=f32(np.vstack([std_uv[..., 1], gap]).T.ravel()),
        mode="lines",
        name="standard flow's path",
        line=dict(color=PALETTE[3], dash="dot", width=1),
        row=1,
        col=1,
    )
    corner = np.unique(np.round(target_uv, 12), axis=0)
    fig.add_scatter(
        x=f32(corner[:, 0]),
        y=f32(corner[:, 1]),
        mode="markers",
        name="labels y",
        marker=dict(color="black", symbol="star", size=14),
        row=1,
        col=1,
    )

    s_ref = np.linspace(0, max(adapted.s[-1], standard.s[-1]), 200)
    fig.add_scatter(
        x=f32(s_ref),
        y=f32(np.exp(-2 * s_ref / n)),
        mode="lines",
        name="exp(−2s/N): the predicted rate",
        line=dict(color="black", dash="dash", width=1.5),
        row=1,
        col=2,
    )
    fig.add_scatter(
        x=f32(adapted.s),
        y=f32(adapted.loss / adapted.loss[0]),
        mode="markers",
        name="adapted flow, C(s)/C(0)",
        marker=dict(color=PALETTE[0], symbol="circle-open", size=8),
        row=1,
        col=2,
    )
    fig.add_scatter(
        x=f32(standard.s),
        y=f32(standard.loss / standard.loss[0]),
        mode="lines",
        name="standard flow, C(s)/C(0)",
        line=dict(color=PALETTE[3], dash="dot", width=2),
        row=1,
        col=2,
    )
    fig.add_annotation(
        note_below(_readout(adapted, start_index), y=-0.2, yanchor="top", align="left")
    )

    names = [f"{t:.2f}" for t in adapted.t]
    titles = list(fig.layout.annotations[:2])
    readout = fig.layout.annotations[2]
    fig.frames = [
        go.Frame(
            name=name,
            data=_frame_traces(adapted, uv, labels, n_classes, k),
            traces=list(range(2 * n_classes + 1)),
            layout=dict(
                annotations=titles + [readout.update(text=_readout(adapted, k))]
            ),
        )
        for k, name in enumerate(names)
    ]
    readout.update(text=_readout(adapted, start_index))

    fig.update_xaxes(title_text="u = (x₁ − x₂)/√2", constrain="domain", row=1, col=1)
    fig.update_yaxes(
        title_text="v = (x₁ + x₂ − 2x₃)/√6",
        scaleanchor="x",
        scaleratio=1,
        row=1,
        col=1,
    )
    fig.update_xaxes(title_text="flow time s", row=1, col=2)
    fig.update_yaxes(
        title_text="C(s) / C(0) (log scale)",
        type="log",
        exponentformat="power",
        row=1,
        col=2,
    )
    sliding_layout(
        fig,
        names,
        "reparametrized time t = ",
        start_index,
        height=640,
        bottom=200,
        pad_top=90,
        top=120,
    )
    return fig
