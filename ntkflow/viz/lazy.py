"""The standard flow beside its lazy closed form, with a network-width slider.

Every width's flow is computed beforehand (:func:`ntkflow.lazy_sweep`) and
stored as a plotly frame: the slider answers in the browser without a kernel.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..geometry import simplex_plane
from ._frames import readout as note_below
from ._frames import sliding_layout
from .style import DASHES, PALETTE, SYMBOLS, base_layout


def _lines(uv, pick):
    """x and y of the paths of the samples ``pick``, separated by NaN gaps."""
    gap = np.full((pick.size, 1), np.nan)
    xs = np.hstack([uv[:, pick, 0].T, gap]).ravel()
    ys = np.hstack([uv[:, pick, 1].T, gap]).ravel()
    return xs.astype(np.float32), ys.astype(np.float32)


def _span(*arrays):
    """An axis range holding every value of the arrays, with a small margin."""
    low = min(np.nanmin(a) for a in arrays)
    high = max(np.nanmax(a) for a in arrays)
    pad = 0.05 * (high - low)
    return [float(low - pad), float(high + pad)]


def _readout(sweep, w):
    return (
        f"width {sweep.widths[w]} (K = {int(sweep.n_params[w])}): the flow stays "
        f"within {sweep.deviation[w]:.1e} · |x₀ − y| of the lazy closed form; "
        f"Θ changes by {sweep.kernel_change[w]:.1e} of its size; "
        f"by s = {sweep.s[-1]:.4g} the loss is {sweep.loss_ratio[w]:.1e} · C(0)"
    )


def _frame_traces(sweep, flow_uv, lazy_uv, labels, n_classes, w):
    traces = []
    for c in range(n_classes):
        xs, ys = _lines(flow_uv[w], np.flatnonzero(labels == c))
        traces.append(go.Scatter(x=xs, y=ys))
    xs, ys = _lines(lazy_uv[w], np.arange(labels.size))
    traces.append(go.Scatter(x=xs, y=ys))
    starts = flow_uv[w, 0].astype(np.float32)
    traces.append(go.Scatter(x=starts[:, 0], y=starts[:, 1]))
    width = np.float32(sweep.widths[w])
    traces.append(go.Scatter(x=[width], y=[np.float32(sweep.deviation[w])]))
    traces.append(go.Scatter(x=[width], y=[np.float32(sweep.kernel_change[w])]))
    return traces


def lazy_figure(sweep, labels, class_names, start_index=0):
    """Output paths of the standard flow and of the lazy model, for each width.

    Parameters
    ----------
    sweep : ntkflow.width.LazySweep
        Q = 3 outputs per sample.
    labels : array_like of int, shape (N,)
        Class of each sample, for colour and dash.
    class_names : sequence of str
    start_index : int
        Which width the figure shows first.

    Returns
    -------
    plotly.graph_objects.Figure
        Left: paths in the plane orthogonal to (1, 1, 1), the flow per class
        (traces ``0 .. Q-1``), the lazy closed form (trace ``Q``), the starts
        (trace ``Q+1``). Right: deviation and kernel change against width,
        with the chosen width marked (traces ``Q+2``, ``Q+3``). Those are the
        traces each frame replaces.
    """
    labels = np.asarray(labels)
    n_classes = len(class_names)
    flow_uv = simplex_plane(sweep.x)  # (W, T, N, 2)
    lazy_uv = simplex_plane(sweep.lazy)
    targets = simplex_plane(sweep.target)

    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.56, 0.44],
        horizontal_spacing=0.12,
        subplot_titles=(
            "Outputs of each flower, plane ⟂ (1, 1, 1)",
            "How far from lazy, against width",
        ),
    )
    moving = _frame_traces(sweep, flow_uv, lazy_uv, labels, n_classes, start_index)
    for c in range(n_classes):
        moving[c].update(
            mode="lines",
            name=f"standard flow: {class_names[c]}",
            line=dict(color=PALETTE[c], dash=DASHES[c], width=2),
        )
    moving[n_classes].update(
        mode="lines",
        name="lazy closed form, Θ frozen at s = 0",
        line=dict(color="black", dash="dot", width=1.2),
    )
    moving[n_classes + 1].update(
        mode="markers",
        name="start x₀",
        marker=dict(color="black", symbol="circle-open", size=6),
    )
    moving[n_classes + 2].update(
        mode="markers",
        name="this width",
        showlegend=False,
        marker=dict(color=PALETTE[5], symbol="star", size=16),
    )
    moving[n_classes + 3].update(
        mode="markers",
        showlegend=False,
        marker=dict(color=PALETTE[5], symbol="star", size=16),
    )
    for trace in moving[: n_classes + 2]:
        fig.add_trace(trace, row=1, col=1)
    for trace in moving[n_classes + 2 :]:
        fig.add_trace(trace, row=1, col=2)

    corner = np.unique(np.round(targets, 12), axis=0)
    fig.add_scatter(
        x=corner[:, 0].astype(np.float32),
        y=corner[:, 1].astype(np.float32),
        mode="markers",
        name="labels y",
        marker=dict(color="black", symbol="star", size=14),
        row=1,
        col=1,
    )
    widths = np.asarray(sweep.widths, dtype=np.float32)
    fig.add_scatter(
        x=widths,
        y=sweep.deviation.astype(np.float32),
        mode="lines+markers",
        name="max |x − x_lazy| / |x₀ − y|",
        line=dict(color=PALETTE[0], width=2),
        marker=dict(symbol=SYMBOLS[0], size=8),
        row=1,
        col=2,
    )
    fig.add_scatter(
        x=widths,
        y=sweep.kernel_change.astype(np.float32),
        mode="lines+markers",
        name="|Θ(end) − Θ(0)| / |Θ(0)|",
        line=dict(color=PALETTE[2], dash="dash", width=2),
        marker=dict(symbol=SYMBOLS[1], size=8),
        row=1,
        col=2,
    )
    guide = sweep.kernel_change[0] * np.sqrt(widths[0] / widths)
    fig.add_scatter(
        x=widths,
        y=guide.astype(np.float32),
        mode="lines",
        name="slope of 1/√width",
        line=dict(color="grey", dash="dot", width=1.5),
        row=1,
        col=2,
    )
    fig.add_annotation(
        note_below(_readout(sweep, start_index), y=-0.2, yanchor="top", align="left")
    )

    names = [str(w) for w in sweep.widths]
    titles = list(fig.layout.annotations[:2])
    readout = fig.layout.annotations[2]
    n_moving = n_classes + 4
    u, v = targets[:, 0], targets[:, 1]
    fig.frames = [
        go.Frame(
            name=name,
            data=_frame_traces(sweep, flow_uv, lazy_uv, labels, n_classes, w),
            traces=list(range(n_moving)),
            layout=dict(
                annotations=titles + [readout.update(text=_readout(sweep, w))],
                xaxis=dict(range=_span(flow_uv[w, ..., 0], lazy_uv[w, ..., 0], u)),
                yaxis=dict(range=_span(flow_uv[w, ..., 1], lazy_uv[w, ..., 1], v)),
            ),
        )
        for w, name in enumerate(names)
    ]
    readout.update(text=_readout(sweep, start_index))

    # Each frame sets the ranges that fit its own paths.
    w = start_index
    fig.update_xaxes(
        title_text="u = (x₁ − x₂)/√2",
        range=_span(flow_uv[w, ..., 0], lazy_uv[w, ..., 0], u),
        constrain="domain",
        row=1,
        col=1,
    )
    fig.update_yaxes(
        title_text="v = (x₁ + x₂ − 2x₃)/√6",
        range=_span(flow_uv[w, ..., 1], lazy_uv[w, ..., 1], v),
        scaleanchor="x",
        scaleratio=1,
        row=1,
        col=1,
    )
    fig.update_xaxes(
        title_text="hidden-layer width (log scale)", type="log", row=1, col=2
    )
    fig.update_yaxes(
        title_text="relative distance (log scale)",
        type="log",
        exponentformat="power",
        row=1,
        col=2,
    )
    sliding_layout(
        fig,
        names,
        "hidden-layer width = ",
        start_index,
        height=640,
        bottom=220,
        pad_top=110,
        top=120,
    )
    return fig


def mode_decay_figure(s, lam, coords, n_samples, modes):
    """How chosen kernel modes of the residual decay, beside ``exp(-lambda s / N)``.

    Parameters
    ----------
    s : array_like, shape (T,)
        Flow times.
    lam : array_like, shape (QN,)
        Eigenvalues of ``Theta(0)``, decreasing (from
        :func:`ntkflow.residual_modes`).
    coords : array_like, shape (T, QN)
        The residual's coordinates in those eigenvectors along a flow.
    n_samples : int
        N.
    modes : sequence of int
        Which modes to draw (0 is the largest eigenvalue).

    Returns
    -------
    plotly.graph_objects.Figure
        For each mode, in order, a solid trace ``|c_i(s) / c_i(0)|`` (the
        flow) and a dashed trace ``exp(-lambda_i s / N)`` (the lazy
        prediction), both in the mode's colour.
    """
    s = np.asarray(s, dtype=np.float64)
    fig = go.Figure()
    for n, i in enumerate(modes):
        colour = PALETTE[n % len(PALETTE)]
        ratio = np.abs(coords[:, i] / coords[0, i])
        fig.add_scatter(
            x=s.astype(np.float32),
            y=ratio.astype(np.float32),
            mode="lines+markers",
            name=f"mode {i + 1}, λ = {lam[i]:.2g}: the flow",
            line=dict(color=colour, width=2),
            marker=dict(symbol=SYMBOLS[n % len(SYMBOLS)], size=6),
        )
        fig.add_scatter(
            x=s.astype(np.float32),
            y=np.exp(-lam[i] * s / n_samples).astype(np.float32),
            mode="lines",
            name=f"mode {i + 1}: lazy prediction exp(−λ s/N)",
            line=dict(color=colour, dash="dash", width=1.5),
        )
    fig.update_xaxes(title_text="flow time s")
    fig.update_yaxes(
        title_text="|cᵢ(s) / cᵢ(0)|, residual along eigenvector i (log scale)",
        type="log",
        range=[-6, 0.3],
        exponentformat="power",
    )
    fig.update_layout(
        base_layout(
            height=520,
            margin=dict(l=80, r=20, t=110, b=60),
            legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        )
    )
    return fig
