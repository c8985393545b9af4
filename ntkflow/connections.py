"""The adapted flow beside familiar methods: Gauss-Newton, gradient descent.

- The Levenberg-Marquardt step with damping ``mu`` tends, as
  ``mu -> 0``, to the minimum-norm Gauss-Newton step ``-D^+ g``: the
  adapted flow's direction.
- Gradient descent is the explicit Euler method applied to a flow; its step
  size decides whether the iterates follow the flow, overshoot or diverge.
- Under the adapted squared-loss flow all samples with the same label move
  straight to that label: the spread within each class shrinks by ``1 - t``.
"""

import warnings

import numpy as np

from ._validate import as_choice, as_count, as_float_array, as_real
from .flows import FAMILIES, _Mobility, _parameter_velocity
from .integrate import Trajectory, _check_loss
from .kernel import _range_basis, evaluate, jacobian


def levenberg_marquardt_step(D, g, damping, rtol=None):
    """The damped Gauss-Newton step ``-(D^T D + mu I)^(-1) D^T g``.

    It minimizes ``|g + D delta|^2 + mu |delta|^2`` over ``delta``: the
    linearized residual plus a penalty on the step's length.

    Parameters
    ----------
    D : array_like, shape (QN, K)
        Jacobian of the outputs.
    g : array_like, shape (QN,)
        The vector to cancel, e.g. the residual ``x - y`` or ``grad C``.
    damping : float, >= 0
        ``mu``. At 0 the step is the minimum-norm Gauss-Newton step
        ``-D^+ g``.
    rtol : float, optional
        Rank cut-off for ``D^+`` (see :func:`ntkflow.rank`).

    Returns
    -------
    delta : ndarray, shape (K,)

    Notes
    -----
    With the reduced SVD ``D = U diag(sigma) V^T`` the step is
    ``-V diag(sigma / (sigma^2 + mu)) U^T g``: each singular direction is
    damped on its own, and ``sigma / (sigma^2 + mu) -> 1 / sigma`` as
    ``mu -> 0``. For large ``mu`` it is ``-D^T g / mu``, a short
    step of plain gradient descent.
    """
    D = as_float_array("D", D, ndim=2)
    g = as_float_array("g", g, shape=(D.shape[0],))
    damping = as_real("damping", damping, 0.0)
    if rtol is not None:
        rtol = as_real("rtol", rtol, 0.0, 1.0)
    U, S, Vt, _ = _range_basis(D, rtol)
    return -(Vt.T @ (S / (S**2 + damping) * (U.T @ g)))


def output_mobility(D, alpha=1.0, family="blend", rtol=None):
    """The matrix ``M`` with ``x' = -M grad C`` for the deformed flow.

    ``(1 - alpha) Theta + alpha P`` (blend) or ``Theta^(1 - alpha)``
    (spectral); symmetric positive semi-definite, shape ``(QN, QN)``.
    """
    D = as_float_array("D", D, ndim=2)
    alpha = as_real("alpha", alpha, 0.0, 1.0)
    family = as_choice("family", family, FAMILIES)
    M = D @ _Mobility(D, alpha, family, rtol).apply(np.eye(D.shape[0]))
    return (M + M.T) / 2


def stability_limit(outputs, loss, theta, alpha=1.0, family="blend", rtol=None):
    """Largest stable step of gradient descent on the deformed flow at ``theta``.

    Near ``theta`` one step of size ``h`` maps the output error ``e`` to
    ``(I - h M H) e``, with ``M`` from :func:`output_mobility` and ``H`` the
    loss Hessian in ``x``. It shrinks every mode when
    ``h < 2 / lambda_max(M H)``.

    Parameters
    ----------
    outputs : callable
    loss : L2 or CrossEntropy
    theta : array_like, shape (K,)
    alpha, family, rtol :
        Which flow, as for :func:`ntkflow.flow`.

    Returns
    -------
    h_max : float
        ``2 / lambda_max(M H)``; for the adapted squared-loss flow with full
        rank this is ``2 N``. ``inf`` when ``M H = 0``.

    Warnings
    --------
    This is the limit for the linearization at ``theta``. A network is not
    linear: ``M`` and ``H`` change as it trains, so a step just below the
    limit can still overshoot later on.
    """
    theta = as_float_array("theta", theta, ndim=1)
    x = evaluate(outputs, theta)
    _check_loss(loss, x.size)
    M = output_mobility(jacobian(outputs, theta), alpha, family, rtol)
    lam_h, W = np.linalg.eigh(loss.hessian(x))
    root = (W * np.sqrt(np.clip(lam_h, 0.0, None))) @ W.T
    top = np.linalg.eigvalsh(root @ M @ root)[-1]
    return np.inf if top <= 0 else float(2.0 / top)


def gradient_descent(
    outputs,
    loss,
    theta0,
    alpha,
    step,
    n_steps,
    *,
    family="blend",
    loss_ratio=None,
    rank_rtol=None,
    blowup=1e6,
    progress=None,
):
    """Explicit Euler steps on the deformed flow: ``theta += h * theta'``.

    With ``alpha = 0`` this is plain gradient descent with learning rate
    ``h``; with ``alpha = 1`` each step solves a linear system in the kernel
    (the adapted step). After ``k`` steps the iterate approximates the flow at
    flow time ``s = k h``.

    Parameters
    ----------
    outputs : callable
        ``theta -> x``, shape ``(QN,)``.
    loss : L2 or CrossEntropy
    theta0 : array_like, shape (K,)
    alpha : float in [0, 1]
        0 is the standard flow, 1 the adapted flow.
    step : float, > 0
        The step size ``h``, in units of flow time.
    n_steps : int
        Most steps to take.
    family : {'blend', 'spectral'}
    loss_ratio : float in (0, 1), optional
        Stop at the first iterate with ``C <= loss_ratio * C(0)``.
    rank_rtol : float, optional
        Rank cut-off for ``D^+``.
    blowup : float
        Stop, calling it divergence, once ``C > blowup * C(0)``.
    progress : callable, optional
        ``progress(0, n_steps)`` before the first step, then
        ``progress(done, n_steps)`` about ten times along the way; when the
        descent stops before ``n_steps`` (target reached, or divergence), a
        last call ``progress(k, k)`` with the ``k`` steps it kept.
        :class:`ntkflow.viz.StepProgress` prints these calls as a line.

    Returns
    -------
    Trajectory
        One record per iterate (the start included), with ``s = h k``,
        ``method='euler'``, ``nfev`` field evaluations and ``n_steps`` steps;
        ``message`` says why it stopped.

    Warns
    -----
    RuntimeWarning
        When ``step`` exceeds :func:`stability_limit` at ``theta0``: the
        iterates then overshoot, and past the limit they diverge.
    """
    theta = as_float_array("theta0", theta0, ndim=1).copy()
    x = evaluate(outputs, theta)
    _check_loss(loss, x.size)
    alpha = as_real("alpha", alpha, 0.0, 1.0)
    family = as_choice("family", family, FAMILIES)
    step = as_real("step", step, 0.0, low_open=True)
    n_steps = as_count("n_steps", n_steps, low=1)
    blowup = as_real("blowup", blowup, 1.0, low_open=True)
    if loss_ratio is not None:
        loss_ratio = as_real("loss_ratio", loss_ratio, 0.0, 1.0, low_open=True)
    if rank_rtol is not None:
        rank_rtol = as_real("rank_rtol", rank_rtol, 0.0, 1.0)

    limit = stability_limit(outputs, loss, theta, alpha, family, rank_rtol)
    if step > limit:
        warnings.warn(
            f"`step` = {step:.4g} exceeds the stability limit {limit:.4g} of "
            "gradient descent at theta0 (2 / the largest eigenvalue of the "
            "linearized step): the iterates will overshoot and may diverge.",
            RuntimeWarning,
            stacklevel=2,
        )

    c0 = loss.value(x)
    thetas, xs, losses = [theta.copy()], [x], [c0]
    checkpoints = set(np.linspace(0, n_steps, 11).astype(int)[1:])
    if progress is not None:
        progress(0, n_steps)
    message = f"took all n_steps = {n_steps} steps"
    for k in range(1, n_steps + 1):
        g = loss.grad(x)
        D = jacobian(outputs, theta)
        theta = theta + step * _parameter_velocity(D, g, alpha, family, rank_rtol)
        x = np.asarray(outputs(theta), dtype=np.float64)
        c = loss.value(x) if np.isfinite(x).all() else np.inf
        if not c <= blowup * c0:
            message = f"diverged: loss above {blowup:g} C(0) at step {k}"
            k -= 1
            break
        thetas.append(theta)
        xs.append(x)
        losses.append(c)
        if progress is not None and k in checkpoints:
            progress(k, n_steps)
        if loss_ratio is not None and c <= loss_ratio * c0:
            message = f"loss fell to {loss_ratio:g} C(0) at step {k}"
            break
    if progress is not None and k < n_steps:
        progress(k, k)
    return Trajectory(
        s=step * np.arange(len(losses)),
        theta=np.array(thetas),
        x=np.array(xs),
        loss=np.array(losses),
        alpha=alpha,
        family=family,
        n_samples=loss.n_samples,
        method="euler",
        nfev=len(losses) - 1 + (message.startswith("diverged")),
        njev=0,
        n_steps=len(losses) - 1,
        message=message,
    )


def class_spread(x, labels, n_outputs):
    """Root-mean-square distance of each class's outputs from their mean.

    Parameters
    ----------
    x : array_like, shape (T, QN) or (QN,)
        Stacked outputs, sample-major.
    labels : array_like of int, shape (N,)
    n_outputs : int
        Q.

    Returns
    -------
    spread : ndarray, shape (T, C) or (C,)
        Column ``c`` for class ``c = 0 .. max(labels)``. Under the adapted
        squared-loss flow with full rank it equals ``(1 - t)`` times its
        starting value: every class collapses onto its label.
    """
    x = as_float_array("x", x)
    single = x.ndim == 1
    x = np.atleast_2d(x)
    n_outputs = as_count("n_outputs", n_outputs)
    labels = np.asarray(labels)
    n = x.shape[1] // n_outputs
    if labels.shape != (n,) or n * n_outputs != x.shape[1]:
        raise ValueError(
            f"`labels` must have shape ({n},) to match `x` with Q = {n_outputs}; "
            f"got shape {labels.shape}."
        )
    per_sample = x.reshape(x.shape[0], n, n_outputs)
    spread = []
    for c in range(int(labels.max()) + 1):
        group = per_sample[:, labels == c]
        centred = group - group.mean(axis=1, keepdims=True)
        spread.append(np.sqrt((centred**2).sum(axis=2).mean(axis=1)))
    spread = np.array(spread).T
    return spread[0] if single else spread


def steps_to_loss(trajectory, loss_ratios):
    """First record at which the loss has fallen to each ``loss_ratio * C(0)``.

    Parameters
    ----------
    trajectory : Trajectory
        For :func:`gradient_descent`, record ``k`` is the iterate after ``k``
        steps.
    loss_ratios : array_like, shape (L,)
        Targets in (0, 1].

    Returns
    -------
    steps : ndarray of int, shape (L,)
        The record index, or -1 where the loss never got that low.
    """
    ratios = as_float_array("loss_ratios", loss_ratios, ndim=1)
    if (ratios <= 0).any() or (ratios > 1).any():
        raise ValueError(
            f"`loss_ratios` must lie in (0, 1]; got values from {ratios.min():g} "
            f"to {ratios.max():g}."
        )
    ratio = trajectory.loss / trajectory.loss[0]
    below = ratio[None, :] <= ratios[:, None]
    return np.where(below.any(axis=1), below.argmax(axis=1), -1)
