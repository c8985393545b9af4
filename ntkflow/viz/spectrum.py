"""The spectrum of the NTK at initialization, with a network-width slider.

Every width's spectrum is computed beforehand (:func:`ntkflow.width_spectra`)
and stored as a plotly frame: the slider answers in the browser without a
kernel.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ._frames import f32, sliding_layout
from ._frames import readout as note_below
from .style import PALETTE


def _readout(spectra, w):
    K, QN, r = int(spectra.n_params[w]), spectra.n_rows, int(spectra.ranks[w])
    lam = spectra.eigenvalues[w]
    kept = lam[lam > spectra.cutoffs[w]]
    zeros = QN - lam.size
    text = (
        f"width {spectra.widths[w]}: K = {K} parameters, QN = {QN} outputs, "
        f"rank D = {r}.<br>Eigenvalues above the rank cut-off "
        f"(rtol σ_max)² = {spectra.cutoffs[w]:.1e}: from {kept[-1]:.2g} "
        f"to {kept[0]:.3g}"
    )
    if zeros:
        text += f"; {zeros} are zero by construction (D has only K < QN columns)"
    return text


def _floor(spectra):
    """Where the exactly-zero eigenvalues are drawn: below every positive one."""
    low = min(lam[lam > 0].min() for lam in spectra.eigenvalues)
    return 10.0 ** (np.floor(np.log10(low)) - 1)


def _frame_traces(spectra, w):
    lam = spectra.eigenvalues[w]
    index = np.arange(1, lam.size + 1)
    zeros = np.arange(lam.size + 1, spectra.n_rows + 1)
    return [
        go.Scatter(x=index.astype(np.int32), y=f32(lam)),
        go.Scatter(
            x=zeros.astype(np.int32), y=np.full(zeros.size, _floor(spectra), np.float32)
        ),
        go.Scatter(x=[int(spectra.n_params[w])], y=[int(spectra.ranks[w])]),
    ]


def spectrum_figure(spectra, start_index=0):
    """Eigenvalues of ``Theta`` and ``rank D`` as the width changes.

    Parameters
    ----------
    spectra : ntkflow.width.WidthSpectra
    start_index : int
        Which width the figure shows first.

    Returns
    -------
    plotly.graph_objects.Figure
        Left: the eigenvalues of the chosen width, largest first. Right:
        ``rank D`` against K for every width, with the bound ``min(K, QN)``.
        Traces 0 (positive eigenvalues), 1 (the zero ones, drawn at a floor
        below the others) and 2 (the chosen width's rank) are the ones each
        frame replaces.
    """
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.58, 0.42],
        horizontal_spacing=0.12,
        subplot_titles=("Eigenvalues of Θ = DDᵀ at initialization", "Rank of D"),
    )
    moving = _frame_traces(spectra, start_index)
    moving[0].update(
        mode="lines+markers",
        name="eigenvalue λᵢ of Θ",
        line=dict(color=PALETTE[0], width=2),
        marker=dict(symbol="circle", size=5),
    )
    moving[1].update(
        mode="markers",
        name="λᵢ = 0 exactly (K < QN), drawn at the floor",
        marker=dict(color=PALETTE[5], symbol="triangle-down", size=6),
    )
    moving[2].update(
        mode="markers",
        name="this width",
        marker=dict(color=PALETTE[5], symbol="star", size=16),
    )
    fig.add_trace(moving[0], row=1, col=1)
    fig.add_trace(moving[1], row=1, col=1)
    fig.add_trace(moving[2], row=1, col=2)

    K = spectra.n_params
    fig.add_scatter(
        x=K.astype(np.int32),
        y=spectra.ranks.astype(np.int32),
        mode="markers",
        name="rank D, every width",
        marker=dict(color=PALETTE[0], symbol="circle", size=9),
        row=1,
        col=2,
    )
    grid = np.unique(np.concatenate([K, [spectra.n_rows]]))
    fig.add_scatter(
        x=grid.astype(np.int32),
        y=np.minimum(grid, spectra.n_rows).astype(np.int32),
        mode="lines",
        name="bound min(K, QN)",
        line=dict(color="black", dash="dot", width=1.5),
        row=1,
        col=2,
    )
    fig.add_annotation(
        note_below(_readout(spectra, start_index), y=-0.2, yanchor="top", align="left")
    )

    names = [str(w) for w in spectra.widths]
    titles = list(fig.layout.annotations[:2])
    readout = fig.layout.annotations[2]
    fig.frames = [
        go.Frame(
            name=name,
            data=_frame_traces(spectra, w),
            traces=[0, 1, 2],
            layout=dict(
                annotations=titles + [readout.update(text=_readout(spectra, w))]
            ),
        )
        for w, name in enumerate(names)
    ]
    readout.update(text=_readout(spectra, start_index))

    high = np.log10(max(lam.max() for lam in spectra.eigenvalues))
    low = np.log10(_floor(spectra))
    fig.update_xaxes(
        title_text="index i, from 1 (λ₁ the largest)",
        range=[0, spectra.n_rows + 1],
        row=1,
        col=1,
    )
    fig.update_yaxes(
        title_text="eigenvalue λᵢ (log scale)",
        type="log",
        range=[low - 0.5, np.ceil(high) + 0.5],
        exponentformat="power",
        row=1,
        col=1,
    )
    fig.update_xaxes(
        title_text="number of parameters K (log scale)", type="log", row=1, col=2
    )
    fig.update_yaxes(title_text="rank D", range=[0, spectra.n_rows * 1.1], row=1, col=2)
    sliding_layout(
        fig,
        names,
        "hidden-layer width = ",
        start_index,
        height=600,
        bottom=230,
        pad_top=100,
        top=100,
    )
    return fig
