"""Standard against adapted training on the whole data set: loss per step."""

import numpy as np
from plotly.subplots import make_subplots

from ._frames import f32
from .style import DASHES, PALETTE, SYMBOLS, base_layout


def training_cost_figure(runs, names, levels):
    """Loss against the number of steps and against flow time, per method.

    Parameters
    ----------
    runs : sequence of Trajectory
        Gradient-descent runs (:func:`ntkflow.gradient_descent`).
    names : sequence of str
        Legend entry of each run.
    levels : sequence of float
        Target loss ratios ``epsilon / C(0)``, drawn as grey dotted lines
        with one legend entry.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces ``2 i`` and ``2 i + 1`` are run ``i`` against steps and
        against ``s`` (records with ``s > 0``); then an empty trace that
        gives the levels' dotted lines (layout shapes) their legend entry.
    """
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.12,
        subplot_titles=("Loss against work (steps)", "Loss against flow time s"),
    )
    for i, (run, name) in enumerate(zip(runs, names, strict=True)):
        ratio = f32(run.loss / run.loss[0])
        style = dict(
            mode="lines+markers",
            line=dict(color=PALETTE[i], dash=DASHES[i], width=2.5),
            marker=dict(symbol=SYMBOLS[i], size=7, maxdisplayed=30),
        )
        steps = np.arange(1, run.loss.size + 1)
        fig.add_scatter(x=f32(steps), y=ratio, name=name, row=1, col=1, **style)
        later = run.s > 0  # s = 0 has no place on a log axis
        fig.add_scatter(
            x=f32(run.s[later]),
            y=ratio[later],
            name=name,
            showlegend=False,
            row=1,
            col=2,
            **style,
        )
    level_line = dict(color="grey", dash="dot", width=1)
    for level in levels:
        for col in (1, 2):
            fig.add_hline(y=level, line=level_line, row=1, col=col)
    # The lines above are shapes, which have no legend entry: one empty trace
    # in their style gives them one.
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        line=level_line,
        name="target ε/C(0) = " + ", ".join(f"{level:g}" for level in levels),
        row=1,
        col=1,
    )
    fig.update_xaxes(
        title_text="steps taken + 1 (log scale; 1 is the start)",
        type="log",
        exponentformat="power",
        row=1,
        col=1,
    )
    fig.update_xaxes(
        title_text="flow time s = h · steps (log scale)",
        type="log",
        exponentformat="power",
        row=1,
        col=2,
    )
    for col in (1, 2):
        fig.update_yaxes(
            title_text="C / C(0) (log scale)",
            type="log",
            exponentformat="power",
            row=1,
            col=col,
        )
    fig.update_layout(
        base_layout(
            height=500,
            margin=dict(l=70, r=20, t=120, b=60),
            legend=dict(orientation="h", yanchor="bottom", y=1.12, x=0),
        )
    )
    return fig
