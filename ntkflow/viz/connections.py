"""Figures for the connections: Levenberg-Marquardt, Euler steps, collapse."""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..connections import class_spread, levenberg_marquardt_step
from ..geometry import progress, simplex_plane
from ._frames import class_lines, f32, readout, slider, small
from .style import DASHES, PALETTE, SYMBOLS, base_layout


def _labels_and_starts(fig, x0, y, labels, class_names, row=1, col=1):
    """Start markers per class and the label stars, in the simplex plane."""
    starts = simplex_plane(x0)
    for c, name in enumerate(class_names):
        mine = labels == c
        fig.add_scatter(
            x=f32(starts[mine, 0]),
            y=f32(starts[mine, 1]),
            mode="markers",
            name=f"start x(0): {name}",
            showlegend=False,
            marker=dict(color=PALETTE[c], symbol=SYMBOLS[c], size=7),
            row=row,
            col=col,
        )
    corners = np.unique(np.round(simplex_plane(y), 12), axis=0)
    fig.add_scatter(
        x=f32(corners[:, 0]),
        y=f32(corners[:, 1]),
        mode="markers",
        name="labels y",
        marker=dict(color="black", symbol="star", size=14),
        row=row,
        col=col,
    )


def _simplex_axes(fig, row=1, col=1, **ranges):
    fig.update_xaxes(
        title_text="u = (x₁ − x₂)/√2", row=row, col=col, **ranges.get("x", {})
    )
    fig.update_yaxes(
        title_text="v = (x₁ + x₂ − 2x₃)/√6",
        scaleanchor="x",
        scaleratio=1,
        row=row,
        col=col,
        **ranges.get("y", {}),
    )


def damping_steps(D, x0, y, dampings):
    """Where one Levenberg-Marquardt step sends the linearized outputs.

    Parameters
    ----------
    D : ndarray, shape (QN, K)
    x0, y : ndarray, shape (QN,)
    dampings : sequence of float, each >= 0

    Returns
    -------
    landing : ndarray, shape (L, QN)
        ``x0 + D delta(mu)`` with ``delta`` the step that cancels the
        residual ``x0 - y`` (:func:`ntkflow.levenberg_marquardt_step`).
    """
    return np.array(
        [x0 + D @ levenberg_marquardt_step(D, x0 - y, mu) for mu in dampings]
    )


def _damping_name(mu):
    return f"{mu:g}"


#: Where the right panel's two x axes sit: damping > 0 on a log axis, then,
#: past a break, a narrow strip that holds mu = 0 (no place on a log axis).
_LOG_DOMAIN = (0.6, 0.905)
_ZERO_DOMAIN = (0.935, 1.0)


def _damping_axes(fig):
    """The log axis for mu > 0, reversed so mu falls towards the strip."""
    fig.update_xaxes(
        title_text="damping μ > 0 (log scale, falling →)",
        type="log",
        autorange="reversed",
        exponentformat="power",
        domain=_LOG_DOMAIN,
        row=1,
        col=2,
    )
    fig.update_xaxes(
        title_text="μ = 0",
        range=[-1, 1],
        tickvals=[0],
        ticktext=["0"],
        showgrid=False,
        zeroline=False,
        domain=_ZERO_DOMAIN,
        row=1,
        col=3,
    )
    fig.update_yaxes(title_text="relative miss", range=[-0.04, 1.05], row=1, col=2)
    fig.update_yaxes(
        matches="y2", showticklabels=False, range=[-0.04, 1.05], row=1, col=3
    )
    # Two slashes on the bottom line mark the break between the axes.
    gap = (_LOG_DOMAIN[1] + _ZERO_DOMAIN[0]) / 2
    return dict(
        text="//",
        xref="paper",
        yref="paper",
        x=gap,
        y=0,
        showarrow=False,
        font=dict(size=14),
    )


def damping_figure(D, x0, y, dampings, labels, class_names):
    """One Levenberg-Marquardt step from ``x0``, with a damping slider.

    Left: for each sample, the segment from its outputs ``x0`` to where the
    linearized step lands. Right: how far the landing point misses ``y``,
    against the damping: ``mu > 0`` on a log axis, and ``mu = 0``
    (the Gauss-Newton step) in a separate strip past a break, since a log
    axis has no place for 0.

    Parameters
    ----------
    D : ndarray, shape (QN, K)
        Jacobian at the start, Q = 3.
    x0, y : ndarray, shape (QN,)
    dampings : sequence of float
        Decreasing values ``>= 0``; the last is usually 0.
    labels : array_like of int, shape (N,)
    class_names : sequence of str

    Returns
    -------
    plotly.graph_objects.Figure
        Traces ``0 .. Q-1`` are the step segments of each class, trace ``Q``
        the marker on the log axis (empty at ``mu = 0``) and trace
        ``Q + 1`` the marker in the ``mu = 0`` strip (empty otherwise):
        the traces each frame replaces.
    """
    labels = np.asarray(labels)
    n_classes = len(class_names)
    landing = damping_steps(D, x0, y, dampings)
    miss = np.linalg.norm(landing - y, axis=1) / np.linalg.norm(x0 - y)
    positive = np.asarray(dampings) > 0

    def traces(i):
        uv = simplex_plane(np.array([x0, landing[i]]))  # (2, N, 2)
        out = []
        for c in range(n_classes):
            xs, ys = class_lines(uv, labels, c)
            out.append(go.Scatter(x=xs, y=ys))
        on_log, on_zero = ([dampings[i]], [None]) if positive[i] else ([None], [0])
        out.append(go.Scatter(x=f32(on_log), y=f32([miss[i]])))
        out.append(go.Scatter(x=f32(on_zero), y=f32([miss[i]])))
        return out

    fig = make_subplots(
        rows=1,
        cols=3,
        column_widths=[0.5, 0.4, 0.1],
        horizontal_spacing=0.05,
        subplot_titles=("One damped Gauss–Newton step, linearized", "", ""),
    )
    first = traces(0)
    for c in range(n_classes):
        first[c].update(
            mode="lines",
            name=f"step: {class_names[c]}",
            line=dict(color=PALETTE[c], dash=DASHES[c], width=1.8),
        )
        fig.add_trace(first[c], row=1, col=1)
    marker = dict(color=PALETTE[5], size=13, symbol="diamond")
    first[n_classes].update(mode="markers", name="this damping", marker=marker)
    fig.add_trace(first[n_classes], row=1, col=2)
    first[n_classes + 1].update(
        mode="markers", name="this damping", showlegend=False, marker=marker
    )
    fig.add_trace(first[n_classes + 1], row=1, col=3)
    fig.add_scatter(
        x=f32(np.asarray(dampings)[positive]),
        y=f32(miss[positive]),
        mode="lines",
        name="miss |x(0) + Dδ − y| / |x(0) − y|",
        line=dict(color="black", dash="dash", width=1.5),
        row=1,
        col=2,
    )
    if not positive.all():
        fig.add_scatter(
            x=[0],
            y=f32([miss[~positive][0]]),
            mode="markers",
            name="μ = 0: Gauss–Newton",
            marker=dict(color="black", symbol="circle-open", size=10),
            row=1,
            col=3,
        )
    _labels_and_starts(fig, x0, y, labels, class_names)

    def text(i):
        step = " (Gauss–Newton)" if dampings[i] == 0 else ""
        return (
            f"μ = {dampings[i]:g}{step}: the linearized step lands "
            f"{small(miss[i])} · |x(0) − y| away from the labels"
        )

    names = [_damping_name(mu) for mu in dampings]
    title = fig.layout.annotations[0].update(x=0.235)  # over the left panel
    right_title = dict(
        text="How far the step lands from y",
        xref="paper",
        yref="paper",
        x=(_LOG_DOMAIN[0] + _ZERO_DOMAIN[1]) / 2,
        y=title.y,
        xanchor="center",
        yanchor="bottom",
        showarrow=False,
        font=title.font,
    )
    fixed = [title, go.layout.Annotation(right_title)]
    fixed.append(go.layout.Annotation(_damping_axes(fig)))
    note = go.layout.Annotation(readout(text(0), y=-0.25))
    fig.layout.annotations = fixed + [note]
    fig.frames = [
        go.Frame(
            name=name,
            data=traces(i),
            traces=list(range(n_classes + 2)),
            layout=dict(
                annotations=fixed + [go.layout.Annotation(note).update(text=text(i))]
            ),
        )
        for i, name in enumerate(names)
    ]
    _simplex_axes(fig)
    fig.update_xaxes(domain=(0.0, 0.47), row=1, col=1)  # 0.235 is its middle
    fig.update_layout(
        base_layout(
            height=600,
            margin=dict(l=70, r=20, t=110, b=190),
            legend=dict(orientation="h", yanchor="bottom", y=1.12, x=0),
        ),
        sliders=[slider(names, "damping μ = ", 0, pad_top=95)],
    )
    return fig


def euler_figure(reference, runs, ratios, y, labels, class_names):
    """Gradient-descent iterates against the flow, one frame per step size.

    Parameters
    ----------
    reference : Trajectory
        The flow itself (the exact path and loss).
    runs : sequence of Trajectory
        :func:`ntkflow.gradient_descent` from the same start, one per step.
    ratios : sequence of float
        Each run's step size over its stability limit, for the readout.
    y : ndarray, shape (QN,)
        Labels, flattened.
    labels : array_like of int, shape (N,)
    class_names : sequence of str

    Returns
    -------
    plotly.graph_objects.Figure
        Traces ``0 .. Q-1`` are the flow's paths, ``Q .. 2Q-1`` the iterates
        of each class and ``2Q`` their loss against ``s``: the last ``Q + 1``
        are the traces each frame replaces.
    """
    labels = np.asarray(labels)
    n_classes = len(class_names)
    n = reference.n_samples

    def traces(run):
        uv = simplex_plane(run.x)
        out = []
        for c in range(n_classes):
            xs, ys = class_lines(uv, labels, c)
            out.append(go.Scatter(x=xs, y=ys))
        keep = run.s <= reference.s[-1]
        out.append(go.Scatter(x=f32(run.s[keep]), y=f32(run.loss[keep] / run.loss[0])))
        return out

    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.55, 0.45],
        horizontal_spacing=0.12,
        subplot_titles=("Outputs: iterates and the flow", "Loss against flow time"),
    )
    ref_uv = simplex_plane(reference.x)
    for c in range(n_classes):
        xs, ys = class_lines(ref_uv, labels, c)
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="lines",
            name="the flow" if c == 0 else None,
            showlegend=c == 0,
            line=dict(color="grey", width=4),
            opacity=0.35,
            row=1,
            col=1,
        )
    first = traces(runs[0])
    for c in range(n_classes):
        first[c].update(
            mode="lines+markers",
            name=f"iterates: {class_names[c]}",
            line=dict(color=PALETTE[c], dash=DASHES[c], width=1.2),
            marker=dict(symbol=SYMBOLS[c], size=6),
        )
        fig.add_trace(first[c], row=1, col=1)
    first[-1].update(
        mode="lines+markers",
        name="loss of the iterates",
        line=dict(color=PALETTE[5], width=2),
        marker=dict(size=6),
    )
    fig.add_trace(first[-1], row=1, col=2)
    fig.add_scatter(
        x=f32(reference.s),
        y=f32(reference.loss / reference.loss[0]),
        mode="lines",
        name="loss of the flow",
        line=dict(color="black", dash="dash", width=1.5),
        row=1,
        col=2,
    )
    _labels_and_starts(fig, reference.x[0], y, labels, class_names)

    def text(i):
        run = runs[i]
        return (
            f"step h = {run.s[1]:.3g} = {run.s[1] / n:.2f} N "
            f"({ratios[i]:.2f} × stability limit): {run.message}; "
            f"loss {run.loss[-1] / run.loss[0]:.1e} · C(0)"
        )

    # Fixed ranges around the flow, so a diverging run is seen leaving them.
    lo, hi = ref_uv.reshape(-1, 2).min(axis=0), ref_uv.reshape(-1, 2).max(axis=0)
    pad = 0.25 * (hi - lo).max()
    names = [f"{run.s[1] / n:.2f}" for run in runs]
    index = list(fig.layout.annotations[:2])
    fig.add_annotation(readout(text(0), y=-0.25))
    note = fig.layout.annotations[2]
    fig.frames = [
        go.Frame(
            name=name,
            data=traces(run),
            traces=[n_classes + c for c in range(n_classes)] + [2 * n_classes],
            layout=dict(
                annotations=index + [go.layout.Annotation(note).update(text=text(i))]
            ),
        )
        for i, (name, run) in enumerate(zip(names, runs, strict=True))
    ]
    _simplex_axes(
        fig,
        x=dict(range=[lo[0] - pad, hi[0] + pad]),
        y=dict(range=[lo[1] - pad, hi[1] + pad]),
    )
    fig.update_xaxes(
        title_text="flow time s = h · step number",
        range=[0, reference.s[-1]],
        row=1,
        col=2,
    )
    fig.update_yaxes(
        title_text="C / C(0) (log scale)",
        type="log",
        exponentformat="power",
        range=[-4, 1],
        row=1,
        col=2,
    )
    fig.update_layout(
        base_layout(
            height=600,
            margin=dict(l=70, r=20, t=110, b=190),
            legend=dict(orientation="h", yanchor="bottom", y=1.12, x=0),
        ),
        sliders=[slider(names, "step h / N = ", 0, pad_top=95)],
    )
    return fig


def collapse_figure(trajectory, y, labels, class_names, n_outputs, standard=None):
    """Spread of each class's outputs against progress towards the labels.

    Parameters
    ----------
    trajectory : Trajectory
        An adapted squared-loss flow.
    y : ndarray, shape (QN,)
        Labels, flattened.
    labels : array_like of int, shape (N,)
    class_names : sequence of str
    n_outputs : int
        Q.
    standard : Trajectory, optional
        The standard flow from the same start, drawn thin for comparison.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces ``0 .. C-1``: each class's spread over its starting value
        (:func:`ntkflow.class_spread`) on the adapted flow; then ``1 - t``;
        then, if given, the standard flow's ``C`` traces.

    Notes
    -----
    The x axis is the progress ``1 - |x - y| / |x(0) - y|``, a clock both
    flows share; on the adapted flow it equals ``t`` (see
    :func:`ntkflow.progress`).
    """
    fig = go.Figure()
    runs = [("adapted", trajectory, 2.5, 7)]
    if standard is not None:
        runs.append(("standard", standard, 1.2, 0))
    for kind, run, width, size in runs:
        spread = class_spread(run.x, labels, n_outputs)
        tau = progress(run.x, run.x[0], y)
        for c, name in enumerate(class_names):
            fig.add_scatter(
                x=f32(tau),
                y=f32(spread[:, c] / spread[0, c]),
                mode="lines+markers" if size else "lines",
                name=f"{kind} flow: {name}",
                line=dict(color=PALETTE[c], dash=DASHES[c], width=width),
                marker=dict(symbol=SYMBOLS[c], size=size, maxdisplayed=25),
            )
        if kind == "adapted":
            t = np.linspace(0, 1, 101)
            fig.add_scatter(
                x=f32(t),
                y=f32(1 - t),
                mode="lines",
                name="1 − t",
                line=dict(color="black", dash="dot", width=1.5),
            )
    fig.update_xaxes(
        title_text="progress 1 − |x − y| / |x(0) − y|  (= t on the adapted flow)",
        range=[0, 1],
    )
    fig.update_yaxes(title_text="spread within a class / its value at the start")
    fig.update_layout(
        base_layout(
            height=460,
            margin=dict(l=70, r=20, t=90, b=60),
            legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        )
    )
    return fig
