"""Rank loss: a path that leaves the chord, and the residual it cannot reduce."""

import numpy as np
from plotly.subplots import make_subplots

from ._frames import f32
from .style import PALETTE, base_layout


def rank_loss_figure(trajectory, parts, y, coords, coord_names):
    """Two outputs of a flow beside the chord, and the residual's two parts.

    Parameters
    ----------
    trajectory : Trajectory
        A flow with ``rank D < QN``.
    parts : ResidualParts
        From :func:`ntkflow.residuals.residual_parts` on ``trajectory``.
    y : array_like, shape (QN,)
        Labels, flattened.
    coords : (int, int)
        Which two entries of ``x`` to draw against each other.
    coord_names : (str, str)
        Axis titles for them.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace 0 is the path, 1 the chord, 2 the start, 3 the labels, 4 the
        end of the flow; traces 5 and 6 are ``|P(x - y)|`` and
        ``|(I - P)(x - y)|`` over ``|x(0) - y|`` against ``t``, and 7 the
        reference ``1 - t``.
    """
    y = np.asarray(y, dtype=np.float64)
    i, j = coords
    x = trajectory.x
    x0, end = x[0], x[-1]
    scale = np.linalg.norm(x0 - y)
    t = trajectory.t

    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.14,
        subplot_titles=(
            "Two outputs along the adapted flow",
            "The residual x − y, split by the range of D",
        ),
    )
    fig.add_scatter(
        x=f32(x[:, i]),
        y=f32(x[:, j]),
        mode="lines",
        name="path of the flow",
        line=dict(color=PALETTE[0], width=3),
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=f32([x0[i], y[i]]),
        y=f32([x0[j], y[j]]),
        mode="lines",
        name="chord from x(0) to y",
        line=dict(color="black", dash="dash", width=1.5),
        row=1,
        col=1,
    )
    for name, point, symbol, color in (
        ("start x(0)", x0, "circle", PALETTE[0]),
        ("labels y", y, "star", "black"),
        ("end of the flow", end, "x", PALETTE[5]),
    ):
        fig.add_scatter(
            x=f32([point[i]]),
            y=f32([point[j]]),
            mode="markers",
            name=name,
            marker=dict(color=color, symbol=symbol, size=13),
            row=1,
            col=1,
        )
    for name, values, color, dash in (
        ("|P(x − y)|: inside the range", parts.inside, PALETTE[2], "solid"),
        ("|(I − P)(x − y)|: outside", parts.outside, PALETTE[1], "dashdot"),
    ):
        fig.add_scatter(
            x=f32(t),
            y=f32(values / scale),
            mode="lines",
            name=name,
            line=dict(color=color, dash=dash, width=3),
            row=1,
            col=2,
        )
    fig.add_scatter(
        x=f32(t),
        y=f32(1 - t),
        mode="lines",
        name="1 − t",
        line=dict(color="black", dash="dot", width=1.5),
        row=1,
        col=2,
    )
    fig.update_xaxes(title_text=coord_names[0], row=1, col=1)
    fig.update_yaxes(
        title_text=coord_names[1], scaleanchor="x", scaleratio=1, row=1, col=1
    )
    fig.update_xaxes(
        title_text="reparametrized time t = 1 − exp(−s/N)", range=[0, 1], row=1, col=2
    )
    fig.update_yaxes(title_text="length / |x(0) − y|", row=1, col=2)
    fig.update_layout(
        base_layout(
            height=520,
            margin=dict(l=70, r=20, t=130, b=60),
            legend=dict(orientation="h", yanchor="bottom", y=1.12, x=0),
        )
    )
    return fig
