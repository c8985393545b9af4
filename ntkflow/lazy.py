"""The lazy (linearized) picture of the standard flow, and its kernel modes.

If the kernel ``Theta`` stayed at its value at ``s = 0``, the standard flow's
outputs would obey the linear equation ``x' = -Theta (x - y) / N``, solved by

    x(s) = y + exp(-Theta s / N) (x(0) - y).

In the eigenbasis ``Theta = W diag(lambda) W^T`` every coordinate of the
residual ``x - y`` decays on its own, at rate ``lambda_i / N``. For a network
in the NTK parametrization ``Theta`` moves less and less during training as
the width grows (the lazy regime), and the closed form becomes exact in the
limit of infinite width (A. Jacot, F. Gabriel, C. Hongler, arXiv:1806.07572).
"""

import numpy as np

from ._validate import as_float_array
from .kernel import ntk
from .losses import _as_labels


def _kernel(Theta):
    Theta = as_float_array("Theta", Theta, ndim=2)
    n = Theta.shape[0]
    if Theta.shape != (n, n):
        raise ValueError(f"`Theta` must be square; got shape {Theta.shape}.")
    if not np.allclose(Theta, Theta.T, rtol=1e-10, atol=1e-12 * np.abs(Theta).max()):
        raise ValueError("`Theta` must be symmetric, as D D^T is; it is not.")
    return (Theta + Theta.T) / 2


def kernel_modes(Theta):
    """Eigenvalues and eigenvectors of ``Theta``, largest first.

    Parameters
    ----------
    Theta : array_like, shape (QN, QN)
        Symmetric positive semi-definite.

    Returns
    -------
    lam : ndarray, shape (QN,)
        Eigenvalues, decreasing.
    W : ndarray, shape (QN, QN)
        Column ``i`` is the unit eigenvector of ``lam[i]``.

    Warnings
    --------
    Eigenvalues below about ``QN * eps * lam[0]`` are rounding noise (and may
    come out slightly negative); take the small ones from the singular values
    of ``D`` instead, as :func:`ntkflow.rank` does.
    """
    lam, W = np.linalg.eigh(_kernel(Theta))
    return lam[::-1], W[:, ::-1]


def residual_modes(Theta, x, y):
    """Coordinates of the residual ``x - y`` in the eigenbasis of ``Theta``.

    Parameters
    ----------
    Theta : array_like, shape (QN, QN)
    x : array_like, shape (T, QN) or (QN,)
        Outputs, e.g. a trajectory's ``.x``.
    y : array_like, shape (N, Q) or (N,)
        Labels, as for :class:`ntkflow.L2`.

    Returns
    -------
    lam : ndarray, shape (QN,)
        Eigenvalues of ``Theta``, decreasing.
    coords : ndarray, shape (T, QN) or (QN,)
        ``coords[..., i] = <w_i, x - y>``. In the lazy picture
        ``coords[s, i] = exp(-lam_i s / N) coords[0, i]``.
    """
    lam, W = kernel_modes(Theta)
    target = _as_labels(y).reshape(-1)
    if target.size != lam.size:
        raise ValueError(
            f"`y` holds {target.size} numbers but `Theta` is {lam.size} x {lam.size}."
        )
    x = as_float_array("x", x)
    if x.shape[-1:] != (lam.size,) or x.ndim > 2:
        raise ValueError(
            f"`x` must have shape (T, {lam.size}) or ({lam.size},); got {x.shape}."
        )
    return lam, (x - target) @ W


def lazy_outputs(Theta, x0, y, s):
    """Outputs of the standard flow with the kernel frozen: the lazy closed form.

    ``x(s) = y + exp(-Theta s / N) (x0 - y)``, with ``N = y.shape[0]``.

    Parameters
    ----------
    Theta : array_like, shape (QN, QN)
        The kernel at ``s = 0``; symmetric positive semi-definite.
    x0 : array_like, shape (QN,)
        Outputs at ``s = 0``.
    y : array_like, shape (N, Q) or (N,)
        Labels, as for :class:`ntkflow.L2`: the number of rows is N.
    s : float or array_like, shape (T,)
        Flow times, ``>= 0``.

    Returns
    -------
    x : ndarray, shape (QN,) for a single ``s``, else (T, QN)

    Notes
    -----
    Computed in the eigenbasis of ``Theta``: mode ``i`` of the residual is
    multiplied by ``exp(-lambda_i s / N)``. This equals the matrix exponential
    and, for a linear model ``x = A theta + b``, the standard flow exactly.

    Warnings
    --------
    For a network this is only the first-order (linearized) model: it is
    the standard flow exactly only while ``Theta`` does not change.
    """
    lam, W = kernel_modes(Theta)
    labels = _as_labels(y)
    n_samples, target = labels.shape[0], labels.reshape(-1)
    if target.size != lam.size:
        raise ValueError(
            f"`y` holds {target.size} numbers but `Theta` is {lam.size} x {lam.size}."
        )
    x0 = as_float_array("x0", x0, shape=(lam.size,))
    s = as_float_array("s", s)
    if s.ndim > 1 or (s < 0).any():
        raise ValueError(f"`s` must be a number or a 1-D array of times >= 0; got {s}.")
    # Rounding can leave the null modes at -1e-15; they do not move at all.
    lam = np.maximum(lam, 0.0)
    decay = np.exp(-np.multiply.outer(s, lam) / n_samples)  # (T, QN) or (QN,)
    return target + (decay * ((x0 - target) @ W)) @ W.T


def mode_exchange(outputs, trajectory, y, Theta0, modes):
    """Why a mode of the standard flow leaves its lazy prediction.

    Along the flow, the residual's coordinate on the unit eigenvector
    ``w_i`` of the starting kernel ``Theta0`` obeys

        c_i' = -<w_i, Theta(s) r> / N
             = -(w_i^T Theta(s) w_i) c_i / N
               - sum_{j != i} (w_i^T Theta(s) w_j) c_j / N.

    The first term is the mode's *own* decay at the rate the current kernel
    gives its direction; the second is *coupling* to the other modes, which
    is zero while ``Theta`` keeps the eigenvectors of ``Theta0``.

    Parameters
    ----------
    outputs : callable
        ``theta -> x``, the stacked outputs the trajectory was integrated for.
    trajectory : Trajectory
        A flow record with ``.s`` (T,), ``.theta`` (T, K) and ``.x`` (T, QN).
    y : array_like, shape (N, Q) or (N,)
        Labels, as for :class:`ntkflow.L2`.
    Theta0 : array_like, shape (QN, QN)
        The kernel whose eigenvectors define the modes (usually at ``s = 0``).
    modes : sequence of int
        Mode indices, counted from 0 with the largest eigenvalue first.

    Returns
    -------
    rate : ndarray, shape (T, M)
        ``w_i^T Theta(s) w_i`` at every recorded time: the eigenvalue the
        mode would have if ``Theta(s)`` kept its eigenvectors.
    own, coupled : ndarray, shape (M,)
        The two terms above integrated over the recorded times (trapezoid
        rule); their sum approximates ``c_i(s_end) - c_i(0)``.
    change : ndarray, shape (M,)
        ``c_i(s_end) - c_i(0)``, measured.

    Warnings
    --------
    The integrals use only the recorded times; record densely enough (tens
    of points per decay time of the fast modes) for ``own + coupled`` to
    match ``change``.
    """
    lam, W = kernel_modes(Theta0)
    target = _as_labels(y).reshape(-1)
    modes = np.asarray(modes, dtype=int)
    if modes.ndim != 1 or (modes < 0).any() or (modes >= lam.size).any():
        raise ValueError(
            f"`modes` must be a list of indices in [0, {lam.size}); got {modes}."
        )
    w = W[:, modes]  # (QN, M)
    r = trajectory.x - target  # (T, QN)
    n_samples = _as_labels(y).shape[0]
    Thetas = np.array([ntk(outputs, theta) for theta in trajectory.theta])
    Theta_w = np.einsum("tkl,lm->tkm", Thetas, w)  # Theta(s) w_i
    rate = np.einsum("km,tkm->tm", w, Theta_w)
    c = r @ w  # (T, M)
    full = np.einsum("tkm,tk->tm", Theta_w, r) / n_samples
    own_speed = rate * c / n_samples
    own = -np.trapezoid(own_speed, trajectory.s, axis=0)
    coupled = -np.trapezoid(full - own_speed, trajectory.s, axis=0)
    return rate, own, coupled, c[-1] - c[0]
