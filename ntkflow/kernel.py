"""Jacobian, empirical NTK, and the linear algebra of the range of ``D``.

Every rank decision in ntkflow goes through one rule: a singular value
``sigma_i`` of ``D`` counts when ``sigma_i > rtol * sigma_max``. The default
``rtol`` is ``max(QN, K) * eps``, the rule of ``numpy.linalg.matrix_rank``.
"""

from collections import namedtuple

import autograd
import numpy as np

from ._validate import as_float_array, as_real, check_finite

#: The reduced SVD of ``D`` kept by the rank rule: ``D ~= U @ diag(S) @ Vt``.
RangeBasis = namedtuple("RangeBasis", "U S Vt rtol")


def _check_outputs(outputs):
    if not callable(outputs):
        raise TypeError(
            "`outputs` must be a callable theta -> x (for example "
            f"`MLP(...).outputs(X)`); got {type(outputs).__name__}."
        )


def evaluate(outputs, theta):
    """``x = outputs(theta)``, checked: a finite vector.

    Parameters
    ----------
    outputs : callable
        ``theta -> x``.
    theta : array_like, shape (K,)

    Returns
    -------
    x : ndarray, shape (QN,)
    """
    _check_outputs(outputs)
    theta = as_float_array("theta", theta, ndim=1)
    x = np.asarray(outputs(theta), dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(
            "`outputs(theta)` must return a flat vector of shape (QN,); "
            f"got shape {x.shape}. Reshape the network's (N, Q) outputs with "
            "`.reshape(-1)` (sample-major)."
        )
    check_finite("outputs(theta)", x)
    return x


def jacobian(outputs, theta):
    """The Jacobian ``D = dx/dtheta`` of the stacked outputs.

    Uses ``outputs.jacobian(theta)`` when the callable provides one (the
    built-in models do, in closed form), and autograd otherwise.

    Parameters
    ----------
    outputs : callable
        ``theta -> x``, differentiable by autograd.
    theta : array_like, shape (K,)

    Returns
    -------
    D : ndarray, shape (QN, K)
        Row ``j*Q + q`` is the gradient of output ``q`` of sample ``j``.
    """
    _check_outputs(outputs)
    theta = as_float_array("theta", theta, ndim=1)
    closed_form = getattr(outputs, "jacobian", None)
    if closed_form is not None:
        D = np.asarray(closed_form(theta), dtype=np.float64)
    else:
        try:
            D = autograd.jacobian(outputs)(theta)
        except (TypeError, ValueError, NotImplementedError) as error:
            raise TypeError(
                "autograd could not differentiate `outputs`; write it with "
                "`autograd.numpy` and without in-place assignment to arrays "
                f"(original error: {error})."
            ) from error
    if D.ndim != 2 or D.shape[1] != theta.size:
        raise ValueError(
            f"the Jacobian of `outputs` must have shape (QN, {theta.size}); got "
            f"{D.shape}. Does `outputs(theta)` return a flat vector?"
        )
    return check_finite("jacobian(outputs, theta)", D)


def ntk(outputs, theta):
    """The empirical neural tangent kernel ``Theta = D D^T`` on the data.

    Parameters
    ----------
    outputs : callable
        ``theta -> x``.
    theta : array_like, shape (K,)

    Returns
    -------
    Theta : ndarray, shape (QN, QN)
        Block ``(i, j)`` of size ``(Q, Q)`` couples sample ``i`` to sample ``j``.

    Notes
    -----
    The built-in models compute ``Theta`` from per-layer factors without
    forming ``D`` (see :class:`ntkflow.models.MLPLinearization`): the same
    numbers up to rounding, for a fraction of the work.
    """
    _check_outputs(outputs)
    linearize = getattr(outputs, "linearize", None)
    if linearize is not None:
        theta = as_float_array("theta", theta, ndim=1)
        return check_finite("ntk(outputs, theta)", linearize(theta).ntk())
    D = jacobian(outputs, theta)
    return D @ D.T


def default_rtol(D):
    """``max(QN, K) * eps``: the relative cut-off on singular values of ``D``."""
    return max(D.shape) * np.finfo(np.float64).eps


def range_basis(D, rtol=None):
    """Reduced SVD of ``D`` keeping the singular values above the cut-off.

    Parameters
    ----------
    D : array_like, shape (QN, K)
    rtol : float, optional
        Keep ``sigma_i > rtol * sigma_max``. Default :func:`default_rtol`.

    Returns
    -------
    basis : RangeBasis
        ``U`` (QN, r), ``S`` (r,), ``Vt`` (r, K), and the ``rtol`` used.
    """
    D = as_float_array("D", D, ndim=2)
    if rtol is not None:
        rtol = as_real("rtol", rtol, 0.0, 1.0)
    return _range_basis(D, rtol)


def _range_basis(D, rtol):
    """:func:`range_basis` without input checks, for inner loops."""
    rtol = default_rtol(D) if rtol is None else rtol
    U, S, Vt = np.linalg.svd(D, full_matrices=False)
    r = int(np.sum(S > rtol * S[0])) if S.size and S[0] > 0 else 0
    return RangeBasis(U[:, :r], S[:r], Vt[:r], rtol)


def rank(D, rtol=None):
    """Numerical rank of ``D``: the number of ``sigma_i > rtol * sigma_max``.

    Parameters
    ----------
    D : array_like, shape (QN, K)
    rtol : float, optional
        Relative cut-off; default ``max(QN, K) * eps``.

    Warnings
    --------
    A rank is a statement about exact arithmetic; in floating point it depends
    on ``rtol``. Two identical samples give a singular value near
    ``1e-16 * sigma_max``, well below the default cut-off.
    """
    return range_basis(D, rtol).S.size


def projector(D, rtol=None):
    """The orthogonal projector ``P = D D^+`` onto the range of ``D``.

    Returns
    -------
    P : ndarray, shape (QN, QN)
        Symmetric and idempotent; the identity when ``rank D = QN``.
    """
    U = range_basis(D, rtol).U
    return U @ U.T


def pinv(D, rtol=None):
    """The Moore-Penrose pseudo-inverse ``D^+``, shape ``(K, QN)``.

    Singular values below the cut-off are treated as zero.
    """
    U, S, Vt, _ = range_basis(D, rtol)
    return (Vt.T / S) @ U.T
