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
from scipy.linalg import blas, lapack

from ._validate import as_choice, as_float_array, as_real
from .kernel import _range_basis

FAMILIES = ("blend", "spectral")


def _check(D, g, alpha, family):
    D = as_float_array("D", D, ndim=2)
    g = as_float_array("g", g, shape=(D.shape[0],))
    alpha = as_real("alpha", alpha, 0.0, 1.0)
    return D, g, alpha, as_choice("family", family, FAMILIES)


def mode_gains(S, alpha, family="blend", damping=0.0):
    """The factor ``phi(sigma)`` applied to each mode in ``theta'``.

    Parameters
    ----------
    S : ndarray, shape (r,)
        Positive singular values of ``D``.
    damping : float, optional
        ``mu >= 0``; see :func:`parameter_velocity`.

    Returns
    -------
    phi : ndarray, shape (r,)
        ``(1-alpha) sigma + alpha sigma / (sigma^2 + mu)`` (blend) or
        ``sigma (sigma^2 + mu)^(-alpha)`` (spectral); with ``mu = 0``,
        ``(1-alpha) sigma + alpha / sigma`` and ``sigma^(1-2 alpha)``.
    """
    S = as_float_array("S", S, ndim=1)
    if (S <= 0).any():
        raise ValueError(
            "`S` must hold the positive singular values kept by the rank rule; "
            f"got minimum {float(S.min())!r}."
        )
    alpha = as_real("alpha", alpha, 0.0, 1.0)
    family = as_choice("family", family, FAMILIES)
    return _mode_gains(S, alpha, family, as_real("damping", damping, 0.0))


def _mode_gains(S, alpha, family, damping=0.0):
    """:func:`mode_gains` without input checks, for inner loops."""
    if damping:
        if family == "blend":
            return (1.0 - alpha) * S + alpha * S / (S * S + damping)
        return S * (S * S + damping) ** -alpha
    if family == "blend":
        return (1.0 - alpha) * S + alpha / S
    return S ** (1.0 - 2.0 * alpha)


def parameter_velocity(D, g, alpha=1.0, family="blend", rtol=None, damping=0.0):
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
    damping : float, optional
        ``mu >= 0``, in the units of ``Theta``'s eigenvalues. With ``mu > 0``,
        ``Theta^+`` is replaced by ``(Theta + mu I)^-1``: ``D^+ g`` becomes
        the Levenberg-Marquardt step ``D^T (Theta + mu I)^-1 g``.

    Notes
    -----
    ``D^+ g = D^T Theta^+ g``: when ``Theta`` is well conditioned (reciprocal
    condition number above ``FAST_RCOND``) the field is computed from a
    Cholesky factorization (blend) or an eigendecomposition (spectral) of the
    ``QN x QN`` kernel, otherwise from the SVD of ``D``.

    With damping, output mode ``i`` of the adapted flow moves at the rate
    ``lambda_i / (lambda_i + mu)`` instead of 1: unchanged where
    ``lambda_i >> mu``, slowed to ``lambda_i / mu`` where ``lambda_i << mu``.
    The equilibria do not move: ``(Theta + mu I)^-1`` is positive definite.

    Warnings
    --------
    For ``alpha > 0`` the field divides by singular values of ``D``: when
    ``D`` is ill-conditioned, small singular values just above the cut-off
    give large, inaccurate velocities, and a flow can crawl to a halt as its
    integrator follows them. Raise ``rtol`` to drop them, or set a small
    ``damping`` (say ``1e-8`` times the largest eigenvalue of ``Theta``) to
    slow them down smoothly; either bends the straight lines of the adapted
    flow slightly, along the modes it touches.
    """
    D, g, alpha, family = _check(D, g, alpha, family)
    damping = _damping(damping)
    return _parameter_velocity(D, g, alpha, family, _rtol(rtol), damping)


def _rtol(rtol):
    return None if rtol is None else as_real("rtol", rtol, 0.0, 1.0)


def _damping(damping):
    return as_real("damping", damping, 0.0)


#: Below this reciprocal condition number of Theta, solve through the SVD of D.
#: Iterative refinement against D keeps the Cholesky route accurate down to
#: about ``eps * cond(Theta) < 1e-2``.
FAST_RCOND = 1e-13


class _Dense:
    """A Jacobian given as a matrix, seen as a linear map (see ``_Mobility``)."""

    def __init__(self, D):
        self.D = D
        self.shape = D.shape

    def ntk(self):
        return self.D @ self.D.T

    def rmatvec(self, z):
        return self.D.T @ z

    def matvec(self, v):
        return self.D @ v

    def dense(self):
        return self.D


class _Mobility:
    """The linear map ``M`` with ``theta' = -M g``, for one ``D``.

    ``D`` is a matrix or a linearization that applies it without forming it
    (``MLPLinearization``: ``ntk()``, ``rmatvec``, ``matvec``, ``dense()``).
    Well-conditioned kernels (the usual case) are solved through ``Theta``:
    a Cholesky factorization (blend) or an eigendecomposition (spectral) of a
    ``QN x QN`` matrix, using ``D^+ = D^T Theta^+``; one step of iterative
    refinement against ``D`` itself (not ``Theta``) brings the Cholesky
    solution to the accuracy of an SVD. When ``Theta`` is nearly singular,
    or the rank rule drops a direction, the reduced SVD of ``D`` is used
    instead: its error grows like ``cond(D)``, not ``cond(D)^2``.
    A ``damping`` ``mu > 0`` replaces ``Theta^+`` by ``(Theta + mu I)^-1``.
    ``near``: the ``_Mobility`` of a nearby ``theta`` whose Cholesky factor
    is borrowed instead of factoring afresh (see ``integrate._Field._near``).
    """

    def __init__(self, D, alpha, family, rtol, damping=0.0, near=None):
        self.lin = D if hasattr(D, "rmatvec") else _Dense(D)
        self.alpha, self.family = alpha, family
        self.damping = damping
        self.rank_rtol = rtol
        self.borrowed = near is not None and near.kind == "cholesky"
        if self.borrowed:
            # A factor of Theta at a nearby theta: the refinement against this
            # D converges to this D's solution, in a few corrections.
            self.cho, self.rtol, self.kind = near.cho, near.rtol, "cholesky"
        else:
            self.kind = "standard" if alpha == 0.0 else self._factor(rtol)

    def _factor(self, rtol):
        n, k = self.lin.shape
        rtol = max(n, k) * np.finfo(np.float64).eps if rtol is None else rtol
        floor = max(FAST_RCOND, n * rtol**2)
        if n <= k:
            Theta = self.lin.ntk()
            if self.damping:
                Theta[np.diag_indices(n)] += self.damping
        # At alpha = 1 both families are D^+ (damped: D^T (Theta + mu I)^-1).
        if n <= k and (self.family == "blend" or self.alpha == 1.0):
            # Theta is symmetric: its transpose is the same matrix in the
            # column-major order LAPACK wants, so nothing is copied.
            factor, info = lapack.dpotrf(Theta.T, lower=1, clean=0, overwrite_a=1)
            if info == 0:
                # (min/max of the factor's diagonal)^2 bounds 1/cond(Theta)
                # from above; _solve checks that the refinement converges.
                diagonal = np.diagonal(factor)
                if (diagonal.min() / diagonal.max()) ** 2 > floor:
                    self.cho, self.rtol = factor, rtol
                    return "cholesky"
        elif n <= k:
            lam, W = np.linalg.eigh(Theta)
            if lam[0] > floor * lam[-1]:
                self.power = lam ** (-self.alpha)
                self.W = W
                return "eigh"
        return self._use_svd(rtol)

    def _use_svd(self, rtol):
        self.U, self.S, self.Vt, _ = _range_basis(self.lin.dense(), rtol)
        self.gains = _mode_gains(self.S, self.alpha, self.family, self.damping)
        self.kind = "svd"
        return "svd"

    def _cho_solve(self, g):
        if g.ndim == 1:
            L = self.cho
            return blas.dtrsv(L, blas.dtrsv(L, g, lower=1), lower=1, trans=1)
        return lapack.dpotrs(self.cho, g, lower=1)[0]

    def _solve(self, g, max_refinements=4):
        """``(Theta + mu I)^-1 g`` and ``D^T`` of it, refined against ``D``.

        Each refinement solves for the residual ``g - D D^T z - mu z``,
        computed from ``D`` rather than from the rounded ``Theta``, and
        shrinks the error by about ``eps * cond(Theta)``. None if the
        corrections do not shrink: ``Theta`` is too ill-conditioned for
        this route.
        """
        lin = self.lin
        z = self._cho_solve(g)
        v = lin.rmatvec(z)
        last = None
        for _ in range(max_refinements):
            residual = g - lin.matvec(v)
            if self.damping:
                residual -= self.damping * z
            dz = self._cho_solve(residual)
            z += dz
            v += lin.rmatvec(dz)
            # The error left is about size times the contraction, itself
            # about the first correction (later: the ratio of the last two):
            # below 1e-16 relative, it is at rounding level.
            norm = np.sqrt(np.vdot(z, z))
            size = np.sqrt(np.vdot(dz, dz)) / norm if norm > 0 else 0.0
            contraction = size if last is None else size / last
            if size * contraction < 1e-16:
                return z, v
            if size > 0.5 * (1e-2 if last is None else last):
                return None
            last = size
        return None

    def apply(self, g):
        """``M g`` for ``g`` of shape ``(QN,)`` (or ``(QN, m)`` for a matrix)."""
        lin = self.lin
        if self.kind == "standard":
            return lin.rmatvec(g)
        if self.kind == "cholesky":
            solved = self._solve(g, 8 if self.borrowed else 4)
            if solved is None and self.borrowed:
                # Too far from where the factor was made: factor afresh.
                self.borrowed = False
                self.kind = self._factor(self.rank_rtol)
                return self.apply(g)
            if solved is None:
                self._use_svd(self.rtol)
                return self.apply(g)
            if self.alpha == 1.0:
                return solved[1]
            return (1.0 - self.alpha) * lin.rmatvec(g) + self.alpha * solved[1]
        if self.kind == "eigh":
            W = self.W
            return lin.rmatvec(W @ (_scale_rows(self.power, W.T @ g)))
        return self.Vt.T @ _scale_rows(self.gains, self.U.T @ g)


def _scale_rows(v, a):
    return v * a if a.ndim == 1 else v[:, None] * a


def _parameter_velocity(D, g, alpha, family, rtol, damping=0.0):
    """:func:`parameter_velocity` without input checks, for inner loops."""
    return -_Mobility(D, alpha, family, rtol, damping).apply(g)


def _parameter_velocity_jacobian(D, HD, alpha, family, rtol, damping=0.0):
    """Gauss-Newton Jacobian of ``theta'``: ``-M H D``.

    ``HD`` is the loss Hessian in ``x`` times ``D``; the derivative of ``D``
    itself is left out, as in the Gauss-Newton method.
    """
    return -_Mobility(D, alpha, family, rtol, damping).apply(HD)


def output_velocity(D, g, alpha=1.0, family="blend", rtol=None, damping=0.0):
    """``x' = D theta'`` of the deformed flow, shape ``(QN,)``.

    Computed from the mode gains, so ``alpha = 1`` returns ``-P g`` exactly up
    to rounding: ``-g`` itself when ``D`` has full row rank. ``damping`` as
    in :func:`parameter_velocity`.
    """
    D, g, alpha, family = _check(D, g, alpha, family)
    U, S, _, _ = _range_basis(D, _rtol(rtol))
    gains = S * _mode_gains(S, alpha, family, _damping(damping))
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
