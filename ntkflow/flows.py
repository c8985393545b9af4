"""Vector fields of the standard flow, the adapted flow and the deformations.

With ``g = grad C(x)`` and ``D = U diag(S) V^T`` (reduced SVD, rank rule of
:mod:`ntkflow.kernel`), every field here has the form

    theta' = -V diag(phi(S)) U^T g,     x' = D theta' = -U diag(S phi(S)) U^T g,

so each singular direction of ``D`` is a mode with its own gain:

=========  ===========================================  =====================
family     theta'                                       gain on mode i in x'
=========  ===========================================  =====================
blend      ``-[(1-alpha) D^T + alpha D^+] g``          ``(1-alpha) sigma_i^2 + alpha``
spectral   ``-D^T (Theta^+)^alpha g``                  ``lambda_i^(1-alpha)``
=========  ===========================================  =====================

``alpha = 0`` is the standard flow ``theta' = -D^T g`` (outputs move by
``x' = -Theta g``), ``alpha = 1`` the adapted flow ``theta' = -D^+ g``
(outputs move by ``x' = -P g``) in both families. Only the range of ``D``
moves, and only where ``D^T g != 0``: the equilibria are the same for every
alpha. References: T. Chen and P. Munoz Ewald, arXiv:2408.01517; T. Chen,
arXiv:2311.15487.
"""

import numpy as np
from scipy.linalg import cho_solve, lapack

from ._validate import as_choice, as_float_array, as_real
from .kernel import _range_basis, default_rtol

FAMILIES = ("blend", "spectral")


def _check(D, g, alpha, family):
    D = as_float_array("D", D, ndim=2)
    g = as_float_array("g", g, shape=(D.shape[0],))
    alpha = as_real("alpha", alpha, 0.0, 1.0)
    return D, g, alpha, as_choice("family", family, FAMILIES)


def mode_gains(S, alpha, family="blend"):
    """The factor ``phi(sigma)`` applied to each mode in ``theta'``.

    Parameters
    ----------
    S : ndarray, shape (r,)
        Positive singular values of ``D``.

    Returns
    -------
    phi : ndarray, shape (r,)
        ``(1-alpha) sigma + alpha / sigma`` (blend) or ``sigma^(1-2 alpha)``
        (spectral).
    """
    S = as_float_array("S", S, ndim=1)
    if (S <= 0).any():
        raise ValueError(
            "`S` must hold the positive singular values kept by the rank rule; "
            f"got minimum {float(S.min())!r}."
        )
    alpha = as_real("alpha", alpha, 0.0, 1.0)
    family = as_choice("family", family, FAMILIES)
    if family == "blend":
        return (1.0 - alpha) * S + alpha / S
    return S ** (1.0 - 2.0 * alpha)


def parameter_velocity(D, g, alpha=1.0, family="blend", rtol=None):
    """``theta'`` of the deformed flow, shape ``(K,)``.

    Parameters
    ----------
    D : array_like, shape (QN, K)
        Jacobian of the outputs.
    g : array_like, shape (QN,)
        Gradient of the loss at the current outputs.
    alpha : float in [0, 1]
        0 gives the standard flow, 1 the adapted flow.
    family : {'blend', 'spectral'}
        Which deformation; see the module docstring.
    rtol : float, optional
        Rank cut-off for ``D^+`` and ``Theta^+`` (see :func:`ntkflow.rank`).

    Notes
    -----
    ``D^+ g = D^T Theta^+ g``: when ``Theta`` is well conditioned (reciprocal
    condition number above ``FAST_RCOND``) the field is computed from a
    factorization of the ``QN x QN`` kernel, otherwise from the SVD of ``D``.

    Warnings
    --------
    For ``alpha > 0`` the field divides by singular values of ``D``: when
    ``D`` is ill-conditioned, small singular values just above the cut-off
    give large, inaccurate velocities. Raise ``rtol`` to drop them.
    """
    D, g, alpha, family = _check(D, g, alpha, family)
    return _parameter_velocity(D, g, alpha, family, _rtol(rtol))


def _rtol(rtol):
    return None if rtol is None else as_real("rtol", rtol, 0.0, 1.0)


#: Below this reciprocal condition number of Theta, solve through the SVD of D.
FAST_RCOND = 1e-10


class _Mobility:
    """The linear map ``M`` with ``theta' = -M g``, for one ``D``.

    Well-conditioned kernels (the usual case) are solved through ``Theta``:
    a Cholesky factorization (blend) or an eigendecomposition (spectral) of a
    ``QN x QN`` matrix, using ``D^+ = D^T Theta^+``. When ``Theta`` is nearly
    singular, or the rank rule drops a direction, the reduced SVD of ``D``
    is used instead: its error grows like ``cond(D)``, not ``cond(D)^2``.
    """

    def __init__(self, D, alpha, family, rtol):
        self.D, self.alpha, self.family = D, alpha, family
        self.kind = "standard" if alpha == 0.0 else self._factor(rtol)

    def _factor(self, rtol):
        rtol = default_rtol(self.D) if rtol is None else rtol
        Theta = self.D @ self.D.T
        n = Theta.shape[0]
        floor = max(FAST_RCOND, n * rtol**2)
        if n <= self.D.shape[1] and self.family == "blend":
            factor, info = lapack.dpotrf(Theta, lower=0)
            if info == 0:
                rcond, _ = lapack.dpocon(factor, np.abs(Theta).sum(axis=0).max())
                if rcond / n > floor:
                    self.cho = (factor, False)
                    return "cholesky"
        elif n <= self.D.shape[1]:
            lam, W = np.linalg.eigh(Theta)
            if lam[0] > floor * lam[-1]:
                self.power = lam ** (-self.alpha)
                self.W = W
                return "eigh"
        self.U, self.S, self.Vt, _ = _range_basis(self.D, rtol)
        self.gains = mode_gains(self.S, self.alpha, self.family)
        return "svd"

    def apply(self, g):
        """``M g`` for ``g`` of shape ``(QN,)`` or ``(QN, m)``."""
        if self.kind == "standard":
            return self.D.T @ g
        if self.kind == "cholesky":
            solved = cho_solve(self.cho, g)
            return self.D.T @ ((1.0 - self.alpha) * g + self.alpha * solved)
        if self.kind == "eigh":
            W = self.W
            return self.D.T @ (W @ (_scale_rows(self.power, W.T @ g)))
        return self.Vt.T @ _scale_rows(self.gains, self.U.T @ g)


def _scale_rows(v, a):
    return v * a if a.ndim == 1 else v[:, None] * a


def _parameter_velocity(D, g, alpha, family, rtol):
    """:func:`parameter_velocity` without input checks, for inner loops."""
    return -_Mobility(D, alpha, family, rtol).apply(g)


def _parameter_velocity_jacobian(D, HD, alpha, family, rtol):
    """Gauss-Newton Jacobian of ``theta'``: ``-M H D``.

    ``HD`` is the loss Hessian in ``x`` times ``D``; the derivative of ``D``
    itself is left out, as in the Gauss-Newton method.
    """
    return -_Mobility(D, alpha, family, rtol).apply(HD)


def output_velocity(D, g, alpha=1.0, family="blend", rtol=None):
    """``x' = D theta'`` of the deformed flow, shape ``(QN,)``.

    Computed from the mode gains, so ``alpha = 1`` returns ``-P g`` exactly up
    to rounding: ``-g`` itself when ``D`` has full row rank.
    """
    D, g, alpha, family = _check(D, g, alpha, family)
    U, S, _, _ = _range_basis(D, _rtol(rtol))
    gains = S * mode_gains(S, alpha, family)
    return -(U @ (gains * (U.T @ g)))


def kernel_velocity(Theta, g, alpha=1.0, family="blend", rtol=None):
    """``x'`` of the deformed flow computed from the kernel ``Theta`` alone.

    This is the field of the linearized (lazy) model, where ``Theta`` is
    frozen: ``x' = -[(1-alpha) Theta + alpha P] g`` (blend) or
    ``x' = -Theta^(1-alpha) g`` (spectral).

    Parameters
    ----------
    Theta : array_like, shape (QN, QN)
        Symmetric positive semi-definite.
    g : array_like, shape (QN,)
    rtol : float, optional
        Eigenvalues ``lambda_i <= rtol * lambda_max`` are treated as zero.
        Default ``QN * eps``, the rounding level of ``Theta`` itself.

    Warnings
    --------
    The cut-off here acts on eigenvalues of ``Theta``, the squares of the
    singular values of ``D``: ``Theta`` cannot resolve modes of ``D`` below
    about ``sqrt(eps) * sigma_max``. Prefer :func:`output_velocity` when ``D``
    is at hand. A jitter added to ``Theta`` (``Theta + 1e-13 I``) counts as
    rank when it exceeds ``rtol * lambda_max``: pass an ``rtol`` above it.
    """
    Theta = as_float_array("Theta", Theta, ndim=2)
    n = Theta.shape[0]
    if Theta.shape != (n, n):
        raise ValueError(f"`Theta` must be square; got shape {Theta.shape}.")
    g = as_float_array("g", g, shape=(n,))
    alpha = as_real("alpha", alpha, 0.0, 1.0)
    family = as_choice("family", family, FAMILIES)
    rtol = n * np.finfo(np.float64).eps if rtol is None else rtol
    rtol = as_real("rtol", rtol, 0.0, 1.0)
    lam, W = np.linalg.eigh((Theta + Theta.T) / 2)
    _check_kernel(Theta, lam)
    keep = lam > rtol * max(lam[-1], 0.0)
    lam, W = lam[keep], W[:, keep]
    if family == "blend":
        gains = (1.0 - alpha) * lam + alpha
    else:
        gains = lam ** (1.0 - alpha)
    return -(W @ (gains * (W.T @ g)))


def _check_kernel(Theta, lam):
    """A kernel ``D D^T`` is symmetric and positive semi-definite, to rounding."""
    scale = max(float(np.abs(Theta).max()), np.finfo(np.float64).tiny)
    asym = float(np.abs(Theta - Theta.T).max())
    noise = 100 * Theta.shape[0] * np.finfo(np.float64).eps * scale
    if asym > noise:
        raise ValueError(
            "`Theta` must be a symmetric kernel D D^T; got max |Theta - Theta^T| "
            f"= {asym:.3g} (entries up to {scale:.3g}). Did you pass D itself?"
        )
    if lam[0] < -noise:
        raise ValueError(
            "`Theta` must be positive semi-definite (a kernel D D^T); got an "
            f"eigenvalue {lam[0]:.3g} (largest {lam[-1]:.3g})."
        )
