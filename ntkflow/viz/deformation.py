"""The centerpiece figure: output paths as alpha goes from 0 to 1.

The alpha slider is plotly's own: every frame is computed beforehand and
stored in the figure, so moving it redraws in the browser without a kernel
(and works the same in a static HTML export).
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..geometry import simplex_plane
from ._frames import class_lines, slider
from .style import DASHES, PALETTE, SYMBOLS, base_layout, rounded

_N_LOSS_POINTS = 120


def _loss_curve(trajectory):
    """Loss ratio against t, thinned to about ``_N_LOSS_POINTS`` points."""
    t, ratio = trajectory.t, trajectory.loss / trajectory.loss[0]
    keep = np.unique(np.searchsorted(t, np.linspace(0, t[-1], _N_LOSS_POINTS)))
    keep = np.union1d(keep, [t.size - 1])
    return t[keep].astype(np.float32), ratio[keep].astype(np.float32)


def alpha_label(alpha):
    """``alpha`` with two decimals, or as many more as it needs to be exact.

    0.5 gives "0.50", 0.995 gives "0.995", 1 gives "1.00": the grid of
    :func:`ntkflow.deformation.alpha_grid` gets distinct slider labels.
    """
    for digits in range(2, 12):
        text = f"{alpha:.{digits}f}"
        if abs(float(text) - alpha) < 1e-13:
            return text
    return f"{alpha:.12f}"


def _readout(deformation, a, lam_max=None):
    alpha = deformation.alphas[a]
    tr = deformation.trajectories[a]
    scale = ""
    if lam_max is not None:
        scale = f", (1 − α) λ_max = {(1 - alpha) * lam_max:.3g}"
    return (
        f"α = {alpha_label(alpha)}{scale}: largest distance from the chord "
        f"{deformation.chord_distance[a]:.2e} · |x₀ − y|; "
        f"loss at {tr.loss[-1] / tr.loss[0]:.0e} · C(0) by s = {tr.s[-1]:.4g}"
    )


def _frame_traces(deformation, uv, labels, n_classes, a):
    """The traces that change with alpha: one path trace per class, the loss."""
    traces = []
    for c in range(n_classes):
        xs, ys = class_lines(uv[a], labels, c)
        traces.append(go.Scatter(x=xs, y=ys))
    t, ratio = _loss_curve(deformation.trajectories[a])
    traces.append(go.Scatter(x=t, y=ratio))
    return traces


def deformation_figure(deformation, labels, class_names, start_index=0, lam_max=None):
    """Output paths in the simplex plane and the loss, with an alpha slider.

    The slider is plotly's own, moving between precomputed frames: it
    responds in the browser without a kernel round trip, and still works in
    a static HTML export.

    Parameters
    ----------
    deformation : ntkflow.deformation.Deformation
        Paths of one family over a grid of alphas, Q = 3.
    labels : array_like of int, shape (N,)
        Class of each sample, for colour and dash.
    class_names : sequence of str
    start_index : int
        Which alpha the figure shows first.
    lam_max : float, optional
        Largest eigenvalue of ``Theta`` at the start; when given, the readout
        also shows ``(1 - alpha) lambda_max``, which says how far the blend
        still is from equal rates in every mode.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces ``0 .. Q-1`` are the paths of each class and trace ``Q`` the
        loss curve: the ones each frame replaces.
    """
    labels = np.asarray(labels)
    n_classes = len(class_names)
    uv = simplex_plane(deformation.paths)  # (A, L, N, 2)
    targets = simplex_plane(deformation.target)
    starts = simplex_plane(deformation.x0)

    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.56, 0.44],
        horizontal_spacing=0.1,
        subplot_titles=(
            "Outputs of each flower, plane ⟂ (1, 1, 1)",
            "Loss against reparametrized time",
        ),
    )
    moving = _frame_traces(deformation, uv, labels, n_classes, start_index)
    for c in range(n_classes):
        moving[c].update(
            mode="lines",
            name=f"path: {class_names[c]}",
            line=dict(color=PALETTE[c], dash=DASHES[c], width=1.6),
        )
        fig.add_trace(moving[c], row=1, col=1)
    moving[-1].update(
        mode="lines",
        name="loss C(s)/C(0) of this flow",
        line=dict(color=PALETTE[5], width=2.5),
    )
    fig.add_trace(moving[-1], row=1, col=2)

    t_ref = np.linspace(0, 1 - 1e-3, 200)
    fig.add_scatter(
        x=t_ref.astype(np.float32),
        y=((1 - t_ref) ** 2).astype(np.float32),
        mode="lines",
        name="(1 − t)²: adapted flow, exact",
        line=dict(color="black", dash="dash", width=1.5),
        row=1,
        col=2,
    )
    for c in range(n_classes):
        mine = labels == c
        fig.add_scatter(
            x=rounded(starts[mine, 0]),
            y=rounded(starts[mine, 1]),
            mode="markers",
            name=f"start x₀: {class_names[c]}",
            showlegend=False,
            marker=dict(color=PALETTE[c], symbol=SYMBOLS[c], size=7),
            row=1,
            col=1,
        )
    corner = np.unique(np.round(targets, 12), axis=0)
    fig.add_scatter(
        x=rounded(corner[:, 0]),
        y=rounded(corner[:, 1]),
        mode="markers",
        name="labels y",
        marker=dict(color="black", symbol="star", size=14),
        row=1,
        col=1,
    )
    fig.add_annotation(
        text=_readout(deformation, start_index, lam_max),
        xref="paper",
        yref="paper",
        x=0,
        y=-0.24,
        showarrow=False,
        xanchor="left",
        font=dict(size=13),
    )

    names = [alpha_label(alpha) for alpha in deformation.alphas]
    titles = list(fig.layout.annotations[:2])
    readout = fig.layout.annotations[2]
    fig.frames = [
        go.Frame(
            name=name,
            data=_frame_traces(deformation, uv, labels, n_classes, a),
            traces=list(range(n_classes + 1)),
            layout=dict(
                annotations=titles
                + [readout.update(text=_readout(deformation, a, lam_max))]
            ),
        )
        for a, name in enumerate(names)
    ]
    readout.update(text=_readout(deformation, start_index, lam_max))

    fig.update_xaxes(title_text="u = (x₁ − x₂)/√2", constrain="domain", row=1, col=1)
    fig.update_yaxes(
        title_text="v = (x₁ + x₂ − 2x₃)/√6",
        scaleanchor="x",
        scaleratio=1,
        row=1,
        col=1,
    )
    fig.update_xaxes(
        title_text="reparametrized time t = 1 − exp(−s/N)", range=[0, 1], row=1, col=2
    )
    fig.update_yaxes(title_text="C(s) / C(0)", type="log", row=1, col=2)
    fig.update_layout(
        base_layout(
            height=600,
            margin=dict(l=70, r=20, t=110, b=190),
            legend=dict(orientation="h", yanchor="bottom", y=1.12, x=0),
        ),
        sliders=[
            slider(
                names,
                f"{deformation.family} deformation, α = ",
                active=start_index,
                pad_top=70,
            )
        ],
    )
    return fig


def ends_figure(ends, labels, class_names, title=""):
    """Output paths of the two ends of a deformation, side by side.

    Parameters
    ----------
    ends : ntkflow.deformation.Deformation
        Paths for ``alphas = (0, 1)``, Q = 3: the standard and the adapted
        flow from the same start.
    labels : array_like of int, shape (N,)
    class_names : sequence of str
    title : str
        Says what produced this start, for instance the initialization seed.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace ``a * Q + c`` holds the paths of class ``c`` for ``alphas[a]``,
        samples separated by NaN gaps.
    """
    labels = np.asarray(labels)
    n_classes = len(class_names)
    uv = simplex_plane(ends.paths)  # (2, L, N, 2)
    starts = simplex_plane(ends.x0)
    corner = np.unique(np.round(simplex_plane(ends.target), 12), axis=0)
    names = [f"α = {alpha:g}" for alpha in ends.alphas]
    fig = make_subplots(
        rows=1,
        cols=len(ends.alphas),
        horizontal_spacing=0.08,
        subplot_titles=[
            f"{name}: largest distance from the chord "
            f"{ends.chord_distance[a]:.1e} · |x₀ − y|"
            for a, name in enumerate(names)
        ],
    )
    for a in range(len(ends.alphas)):
        for c in range(n_classes):
            xs, ys = class_lines(uv[a], labels, c)
            fig.add_scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=f"path: {class_names[c]}",
                legendgroup=str(c),
                showlegend=a == 0,
                line=dict(color=PALETTE[c], dash=DASHES[c], width=1.6),
                row=1,
                col=a + 1,
            )
    for a in range(len(ends.alphas)):
        for c in range(n_classes):
            mine = labels == c
            fig.add_scatter(
                x=rounded(starts[mine, 0]),
                y=rounded(starts[mine, 1]),
                mode="markers",
                name=f"start x₀: {class_names[c]}",
                legendgroup=str(c),
                showlegend=False,
                marker=dict(color=PALETTE[c], symbol=SYMBOLS[c], size=7),
                row=1,
                col=a + 1,
            )
        fig.add_scatter(
            x=rounded(corner[:, 0]),
            y=rounded(corner[:, 1]),
            mode="markers",
            name="labels y",
            showlegend=a == 0,
            marker=dict(color="black", symbol="star", size=14),
            row=1,
            col=a + 1,
        )
    fig.update_xaxes(title_text="u = (x₁ − x₂)/√2", constrain="domain")
    fig.update_yaxes(title_text="v = (x₁ + x₂ − 2x₃)/√6", scaleanchor="x")
    fig.update_yaxes(scaleanchor="x2", row=1, col=2)
    fig.update_layout(
        base_layout(
            height=470,
            title=dict(text=title, x=0, y=0.98),
            margin=dict(l=70, r=20, t=120, b=60),
            legend=dict(orientation="h", yanchor="bottom", y=1.1, x=0),
        )
    )
    return fig
