"""Jacobian, empirical NTK, and the linear algebra of the range of ``D``.

Every rank decision in ntkflow goes through one rule: a singular value
``sigma_i`` of ``D`` counts when ``sigma_i > rtol * sigma_max``. The default
``rtol`` is ``max(QN, K) * eps``, the rule of ``numpy.linalg.matrix_rank``;
the same cut-off is what ``numpy.linalg.matrix_rank(D, rtol=rtol)``,
``numpy.linalg.pinv(D, rtol=rtol)`` and ``scipy.linalg.pinv(D, atol=0,
rtol=rtol)`` apply (numpy >= 2.0, scipy >= 1.7 keywords; scipy's ``cond`` and
``rcond`` are gone).
"""

from collections import namedtuple

import autograd
import numpy as np

from ._validate import as_float_array, as_real, check_finite, check_memory

#: The reduced SVD of ``D`` kept by the rank rule: ``D ~= U @ diag(S) @ Vt``.
RangeBasis = namedtuple("RangeBasis", "U S Vt rtol")


def _check_outputs(outputs):
    if not callable(outputs):
        raise TypeError(
            "`outputs` must be a callable theta -> x (for example "
            f"`MLP(...).outputs(X)`); got {type(outputs).__name__}."
        )


def _output_size(outputs, theta):
    """QN, without building ``D``: from ``outputs.output_size`` or one call."""
    size = getattr(outputs, "output_size", None)
    return evaluate(outputs, theta).size if size is None else int(size)


def _check_jacobian_memory(outputs, theta, where, kernel=False):
    """Refuse before building ``D`` (and ``Theta``) above the memory budget."""
    n_out, k = _output_size(outputs, theta), theta.size
    parts = {f"D ({n_out} x {k})": n_out * k}
    if getattr(outputs, "jacobian", None) is None:
        parts["autograd's rows of D"] = n_out * k
    if kernel:
        parts[f"Theta ({n_out} x {n_out})"] = n_out * n_out
    check_memory(parts, where)


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
    value = outputs(theta)
    try:
        x = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            "`outputs(theta)` must return an array of numbers of shape (QN,); "
            f"got {type(value).__name__} {value!r:.60}."
        ) from None
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

    Raises
    ------
    MemoryBudgetError
        If ``D`` (``QN * K * 8`` bytes) would exceed the budget of
        :func:`ntkflow.set_memory_budget`; checked before it is built.
    TypeError
        If autograd cannot differentiate ``outputs``.
    """
    _check_outputs(outputs)
    theta = as_float_array("theta", theta, ndim=1)
    _check_jacobian_memory(outputs, theta, "jacobian(outputs, theta)")
    return _jacobian(outputs, theta)


def _jacobian(outputs, theta):
    """:func:`jacobian` without the input and memory checks."""
    closed_form = getattr(outputs, "jacobian", None)
    if closed_form is not None:
        D = np.asarray(closed_form(theta), dtype=np.float64)
    else:
        try:
            D = autograd.jacobian(outputs)(theta)
        except (TypeError, ValueError, NotImplementedError, AttributeError) as error:
            raise TypeError(
                "autograd could not differentiate `outputs`; write it with "
                "`autograd.numpy` (`import autograd.numpy as np`) and without "
                "in-place assignment to arrays (build the result with "
                f"`np.stack` or `np.concatenate` instead). Original error: {error}"
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

    Raises
    ------
    MemoryBudgetError
        If ``D`` and ``Theta`` (``(QN K + QN^2) * 8`` bytes) would exceed the
        budget of :func:`ntkflow.set_memory_budget`; checked before either
        is built.
    """
    _check_outputs(outputs)
    theta = as_float_array("theta", theta, ndim=1)
    _check_jacobian_memory(outputs, theta, "ntk(outputs, theta)", kernel=True)
    linearize = getattr(outputs, "linearize", None)
    if linearize is not None:
        return check_finite("ntk(outputs, theta)", linearize(theta).ntk())
    D = _jacobian(outputs, theta)
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
    m = min(D.shape)
    check_memory(
        {
            f"U ({D.shape[0]} x {m})": D.shape[0] * m,
            f"Vt ({m} x {D.shape[1]})": m * D.shape[1],
        },
        "the SVD of `D`",
    )
    return _range_basis(D, rtol)


def _range_basis(D, rtol):
    """:func:`range_basis` without input checks, for inner loops."""
    rtol = default_rtol(D) if rtol is None else rtol
    U, S, Vt = np.linalg.svd(D, full_matrices=False)
    r = _kept(S, rtol)
    return RangeBasis(U[:, :r], S[:r], Vt[:r], rtol)


def _kept_singular_values(D, rtol):
    """The singular values of ``D`` the rank rule keeps, without any vectors."""
    rtol = default_rtol(D) if rtol is None else rtol
    S = np.linalg.svd(D, compute_uv=False)
    return S[: _kept(S, rtol)]


def _kept(S, rtol):
    """How many of the decreasing ``S`` exceed ``rtol`` times the largest."""
    return int(np.sum(S > rtol * S[0])) if S.size and S[0] > 0 else 0


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
    ``1e-16 * sigma_max``, well below the default cut-off. Passing a kernel
    ``Theta = D D^T`` instead of ``D`` applies the rule to its eigenvalues
    ``sigma_i^2``; there the default cut-off sits at the rounding level of
    ``Theta``, so a jitter such as ``Theta + 1e-13 I`` may count as rank:
    give an explicit ``rtol`` (for example ``1e-10``) above the jitter.
    """
    return range_basis(D, rtol).S.size


def projector(D, rtol=None):
    """The orthogonal projector ``P = D D^+`` onto the range of ``D``.

    Returns
    -------
    P : ndarray, shape (QN, QN)
        Symmetric and idempotent; the identity when ``rank D = QN``.

    Warnings
    --------
    Built from the left singular vectors kept by the rank rule, so it is
    symmetric and idempotent to rounding however ill-conditioned ``D`` is;
    which directions count is decided by ``rtol`` (see :func:`rank`).
    """
    D = as_float_array("D", D, ndim=2)
    n = D.shape[0]
    check_memory({f"P ({n} x {n})": n * n}, "projector(D)")
    U = range_basis(D, rtol).U
    return U @ U.T


def pinv(D, rtol=None):
    """The Moore-Penrose pseudo-inverse ``D^+``, shape ``(K, QN)``.

    Singular values below the cut-off are treated as zero.

    Warnings
    --------
    ``|D^+|`` is ``1 / sigma_min`` over the kept singular values: a singular
    value just above the cut-off makes it large, and ``D^+ g`` inherits the
    rounding of ``g`` amplified by ``sigma_max / sigma_min``. Raise ``rtol``
    to drop such directions.
    """
    U, S, Vt, _ = range_basis(D, rtol)
    return (Vt.T / S) @ U.T
