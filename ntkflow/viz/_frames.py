"""Pieces shared by the figures with a plotly slider over precomputed frames."""

import numpy as np

from .style import base_layout


def f32(values):
    """Figure data as float32: compact, and identical from run to run."""
    return np.asarray(values, dtype=np.float64).astype(np.float32)


def class_lines(uv, labels, cls):
    """Paths of one class for one trace, samples separated by NaN gaps.

    Parameters
    ----------
    uv : ndarray, shape (L, N, 2)
        Points along every sample's path.

    Returns
    -------
    xs, ys : ndarray of float32, shape (n_c * (L + 1),)
    """
    pick = np.flatnonzero(np.asarray(labels) == cls)
    gap = np.full((pick.size, 1), np.nan)
    xs = np.hstack([uv[:, pick, 0].T, gap]).ravel()
    ys = np.hstack([uv[:, pick, 1].T, gap]).ravel()
    return f32(xs), f32(ys)


def slider(names, prefix, active=0, pad_top=60):
    """A plotly slider whose steps jump to the frames called ``names``."""
    jump = dict(
        mode="immediate",
        frame=dict(duration=0, redraw=True),
        transition=dict(duration=0),
    )
    steps = [dict(method="animate", label=n, args=[[n], jump]) for n in names]
    return dict(
        active=active,
        currentvalue=dict(prefix=prefix),
        pad=dict(t=pad_top),
        steps=steps,
    )


def readout(text, y=-0.3, **extra):
    """An annotation under the plots that each frame rewrites."""
    return dict(
        text=text,
        xref="paper",
        yref="paper",
        x=0,
        y=y,
        showarrow=False,
        xanchor="left",
        font=dict(size=13),
        **extra,
    )


def sliding_layout(fig, names, prefix, active, *, height, bottom, pad_top, top=120):
    """Layout of a two-panel figure with a legend on top and a slider below."""
    fig.update_layout(
        base_layout(
            height=height,
            margin=dict(l=70, r=20, t=top, b=bottom),
            legend=dict(orientation="h", yanchor="bottom", y=1.1, x=0),
        ),
        sliders=[slider(names, prefix, active=active, pad_top=pad_top)],
    )


def small(value, floor=1e-9):
    """``value`` to one digit, or "below 1e-9" where only rounding is left.

    Numbers at rounding level differ between machines; the figures state a
    bound for them instead.
    """
    return f"below {floor:.0e}" if value < floor else f"{value:.1e}"
