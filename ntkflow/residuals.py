"""Rank loss: the part of the residual the network cannot move.

When ``rank D < QN`` the adapted flow moves the outputs by
``x' = -P (x - y) / N``: only the part of the residual ``x - y`` inside the
range of ``D`` shrinks. The part outside, ``(I - P)(x - y)``, is what bends
the path away from the chord and keeps the flow from reaching ``y``.
"""

from collections import namedtuple

import numpy as np

from ._validate import as_float_array, as_real
from .kernel import _range_basis, jacobian

#: Norms of the residual's two parts along a path, each of shape (T,).
ResidualParts = namedtuple("ResidualParts", "inside outside")


def split_residual(D, r, rtol=None):
    """Split ``r`` into its parts inside and outside the range of ``D``.

    Parameters
    ----------
    D : array_like, shape (QN, K)
    r : array_like, shape (QN,)
        Usually the residual ``x - y``.
    rtol : float, optional
        Rank cut-off (see :func:`ntkflow.rank`).

    Returns
    -------
    inside : ndarray, shape (QN,)
        ``P r``, with ``P = D D^+`` the projector onto the range of ``D``.
    outside : ndarray, shape (QN,)
        ``(I - P) r``; zero when ``D`` has full row rank.
    """
    D = as_float_array("D", D, ndim=2)
    r = as_float_array("r", r, shape=(D.shape[0],))
    if rtol is not None:
        rtol = as_real("rtol", rtol, 0.0, 1.0)
    U = _range_basis(D, rtol).U
    inside = U @ (U.T @ r)
    return inside, r - inside


def residual_parts(outputs, trajectory, y, rtol=None):
    """``|P (x - y)|`` and ``|(I - P)(x - y)|`` at every recorded point.

    Parameters
    ----------
    outputs : callable
        ``theta -> x``, the one the trajectory was computed with.
    trajectory : Trajectory
    y : array_like, shape (QN,)
        Labels, flattened.
    rtol : float, optional
        Rank cut-off, as used for the flow.

    Returns
    -------
    ResidualParts
        ``inside`` and ``outside``, each of shape (T,). Their squares add up
        to ``|x - y|^2``.

    Notes
    -----
    ``P`` is evaluated at each recorded ``theta``: the range of ``D`` may turn
    as the parameters move, and then so does the split.
    """
    y = as_float_array("y", y, shape=(trajectory.x.shape[1],))
    inside, outside = [], []
    for theta, x in zip(trajectory.theta, trajectory.x, strict=True):
        p_in, p_out = split_residual(jacobian(outputs, theta), x - y, rtol)
        inside.append(np.linalg.norm(p_in))
        outside.append(np.linalg.norm(p_out))
    return ResidualParts(np.array(inside), np.array(outside))
