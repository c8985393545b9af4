"""Pieces shared by the figures with a plotly slider over precomputed frames."""

import numpy as np


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


def readout(text, y=-0.3):
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
    )


def small(value, floor=1e-9):
    """``value`` to one digit, or "below 1e-9" where only rounding is left.

    Numbers at rounding level differ between machines; the figures state a
    bound for them instead.
    """
    return f"below {floor:.0e}" if value < floor else f"{value:.1e}"
