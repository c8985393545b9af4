"""Measuring output paths: distance from the chord, progress, 2-D views."""

import numpy as np

from ._validate import as_float_array


def _path(x, x0, y):
    x = as_float_array("x", x, ndim=2)
    x0 = as_float_array("x0", x0, shape=(x.shape[1],))
    y = as_float_array("y", y, shape=(x.shape[1],))
    length = np.linalg.norm(y - x0)
    if length == 0:
        raise ValueError("`x0` equals `y`: there is no chord to measure against.")
    return x, x0, y, length


def chord_distance(x, x0, y):
    """Distance of each point from the segment ``[x0, y]``, over ``|y - x0|``.

    A clock-free measure of straightness: it compares paths, not times.

    Parameters
    ----------
    x : array_like, shape (T, QN)
        Points of a path (a trajectory's ``.x``).
    x0, y : array_like, shape (QN,)
        Start and end of the chord.

    Returns
    -------
    d : ndarray, shape (T,)
    """
    x, x0, y, length = _path(x, x0, y)
    u = (y - x0) / length
    along = np.clip((x - x0) @ u, 0.0, length)
    return np.linalg.norm(x - x0 - along[:, None] * u, axis=1) / length


def chord_deviation(trajectory, y):
    """Largest ``|x(s) - [x0 + t (y - x0)]|`` over ``|x0 - y|``, ``t = 1 - e^(-s/N)``.

    Zero exactly when the outputs move along the chord *on the reparametrized
    clock*: the statement of the straight-line theorem for the adapted flow.

    Parameters
    ----------
    trajectory : Trajectory
    y : array_like, shape (QN,)
        Labels, flattened.
    """
    if not hasattr(trajectory, "x") or not hasattr(trajectory, "t"):
        raise TypeError(
            "`trajectory` must be a Trajectory returned by `ntkflow.flow`; got "
            f"{type(trajectory).__name__}."
        )
    x, x0, y, length = _path(trajectory.x, trajectory.x[0], y)
    t = trajectory.t[:, None]
    return float(np.max(np.linalg.norm(x - (x0 + t * (y - x0)), axis=1)) / length)


def progress(x, x0, y):
    """``1 - |x - y| / |x0 - y|``: how far along the way to ``y``, in [0, 1].

    For the squared loss this is ``1 - sqrt(C / C(0))``, and on the adapted
    flow it equals the reparametrized time ``t``: a clock every flow shares.
    """
    x, x0, y, length = _path(x, x0, y)
    return 1.0 - np.linalg.norm(x - y, axis=1) / length


def at_progress(x, x0, y, levels):
    """Points of a path where its :func:`progress` reaches each level.

    Interpolates linearly between recorded points; levels beyond the last
    recorded progress give NaN rows, so a plot shows a gap, not a made-up point.

    Parameters
    ----------
    levels : array_like, shape (L,)

    Returns
    -------
    points : ndarray, shape (L, QN)
    """
    x, x0, y, _ = _path(x, x0, y)
    levels = as_float_array("levels", levels, ndim=1)
    tau = np.maximum.accumulate(progress(x, x0, y))
    points = np.empty((levels.size, x.shape[1]))
    for i in range(x.shape[1]):
        points[:, i] = np.interp(levels, tau, x[:, i])
    points[levels > tau[-1] + 1e-12] = np.nan
    return points


#: Orthonormal basis of the plane ``x_1 + x_2 + x_3 = 0`` (rows).
SIMPLEX_BASIS = np.array([[1.0, -1.0, 0.0], [1.0, 1.0, -2.0]]) / np.sqrt([[2.0], [6.0]])


def simplex_plane(x):
    """Project each sample's 3 outputs onto the plane orthogonal to ``(1,1,1)``.

    The map is linear, so straight lines stay straight; the one-hot labels
    land on the corners of an equilateral triangle.

    Parameters
    ----------
    x : array_like, shape (..., 3N)
        Stacked outputs with Q = 3.

    Returns
    -------
    uv : ndarray, shape (..., N, 2)
    """
    x = as_float_array("x", x)
    if x.ndim == 0 or x.shape[-1] % 3:
        raise ValueError(
            "`x` must stack Q = 3 outputs per sample for the simplex view; got "
            f"shape {x.shape}."
        )
    blocks = x.reshape(*x.shape[:-1], -1, 3)
    return blocks @ SIMPLEX_BASIS.T
