"""Integrating the flows in flow time ``s``, and the trajectory record.

The adapted flow (``alpha = 1``) has every output mode decaying at the same
rate ``1/N``: it is not stiff. For the squared loss it is integrated in the
reparametrized time ``t = 1 - exp(-s/N)``, in which the outputs move along
the chord at constant speed and errors off the chord decay like ``1 - t``:
the parameters follow a smooth path without the exponential slow-down, and
LSODA, which stays in its high-order Adams mode on such a path, follows it
with about two field evaluations per step. Otherwise an explicit 8th-order
Runge-Kutta method (DOP853) is used. For ``alpha < 1`` the rate of mode ``i`` grows
with ``lambda_i(Theta)/N``, which spans many decades: the flow is stiff, and
LSODA (which switches between Adams and BDF formulas as stiffness appears)
is given the Gauss-Newton approximation of the field's Jacobian.
"""

import inspect
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import integrate as _si
from scipy.optimize import brentq

from ._validate import (
    as_callable,
    as_choice,
    as_count,
    as_float_array,
    as_real,
    check_memory,
    reject_unknown,
)
from .flows import FAMILIES, _Mobility, _parameter_velocity_jacobian
from .kernel import _jacobian, _kept_singular_values, evaluate
from .losses import L2, _Loss

METHODS = ("DOP853", "RK45", "Radau", "BDF", "LSODA")
_IMPLICIT = ("Radau", "BDF", "LSODA")


class IntegrationError(RuntimeError):
    """The integrator could not continue; the message says where and why."""


class IllConditionedWarning(UserWarning):
    """``Theta`` is so ill-conditioned that the adapted field loses accuracy."""


def reparametrize(s, n_samples):
    """Reparametrized time ``t = 1 - exp(-s/N)``, in ``[0, 1)``.

    On the adapted squared-loss flow with full rank, the outputs are exactly
    ``x(t) = (1 - t) x(0) + t y``: uniform motion along the chord.

    Parameters
    ----------
    s : array_like
        Flow time(s), ``>= 0``.
    n_samples : int
        N, the number of training samples.
    """
    n_samples = as_count("n_samples", n_samples)
    s = as_float_array("s", s)
    if (s < 0).any():
        raise ValueError(f"`s` must be >= 0; got minimum {float(s.min())!r}.")
    return -np.expm1(-s / n_samples)


def flow_time(t, n_samples):
    """Inverse of :func:`reparametrize`: ``s = -N log(1 - t)``."""
    n_samples = as_count("n_samples", n_samples)
    t = as_float_array("t", t)
    if (t < 0).any() or (t >= 1).any():
        raise ValueError(
            f"`t` must lie in [0, 1); got range [{float(t.min())}, {float(t.max())}]."
        )
    return -n_samples * np.log1p(-t)


@dataclass(frozen=True, eq=False)
class Trajectory:
    """A solved flow, sampled at flow times ``s``.

    Attributes
    ----------
    s : ndarray, shape (T,)
        Flow times, increasing from 0.
    theta : ndarray, shape (T, K)
    x : ndarray, shape (T, QN)
        Stacked outputs ``outputs(theta)`` at each time.
    loss : ndarray, shape (T,)
        ``C(x)`` at each time.
    alpha, family :
        Which flow (see :mod:`ntkflow.flows`).
    n_samples : int
        N, for the reparametrized time.
    method : str
        The integrator used.
    nfev, njev, n_steps : int
        Field evaluations, field-Jacobian evaluations and accepted steps.
    message : str
        Why the integration ended.
    """

    s: np.ndarray
    theta: np.ndarray
    x: np.ndarray
    loss: np.ndarray
    alpha: float
    family: str
    n_samples: int
    method: str
    nfev: int
    njev: int
    n_steps: int
    message: str = field(default="")

    @property
    def t(self):
        """Reparametrized time ``1 - exp(-s/N)``, shape (T,)."""
        return -np.expm1(-self.s / self.n_samples)

    def __repr__(self):
        return (
            f"Trajectory(alpha={self.alpha:g}, family={self.family!r}, "
            f"T={self.s.size}, s_end={self.s[-1]:.4g}, "
            f"loss {self.loss[0]:.3g} -> {self.loss[-1]:.3g}, "
            f"method={self.method!r}, nfev={self.nfev}, n_steps={self.n_steps})"
        )


class _Field:
    """The deformed flow's ``theta'`` as the integrator sees it, with counters."""

    def __init__(self, outputs, loss, alpha, family, rank_rtol, damping=0.0):
        self.outputs, self.loss = outputs, loss
        self.alpha, self.family, self.rank_rtol = alpha, family, rank_rtol
        self.damping = damping
        self.nfev = self.njev = 0
        # theta, the radius around it within which to borrow, and the
        # _Mobility of the last fresh factorization.
        self._factored = None
        # The built-in models apply D without forming it (MLPLinearization).
        self._linearize = getattr(outputs, "linearize", None)

    def _parts(self, s, theta):
        if self._linearize is not None:
            D = self._linearize(theta)
            return _stop_if_not_finite(s, "outputs(theta)", D.x), D
        x = np.asarray(self.outputs(theta), dtype=np.float64)
        _stop_if_not_finite(s, "outputs(theta)", x)
        try:
            D = _jacobian(self.outputs, theta)
        except ValueError as error:
            raise IntegrationError(
                f"the Jacobian D stopped being usable at s = {s:.6g}: {error}"
            ) from error
        return x, D

    def __call__(self, s, theta):
        self.nfev += 1
        # Overflow is caught below and reported with s, not as a warning.
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            x, D = self._parts(s, theta)
            g = self.loss._grad(x)  # x is float64, (QN,) and finite
            mobility = _Mobility(
                D,
                self.alpha,
                self.family,
                self.rank_rtol,
                self.damping,
                self._near(theta),
            )
            v = -mobility.apply(g)
        if not mobility.borrowed:
            self._factored = (
                theta.copy(),
                NEAR * (1.0 + np.abs(theta).max()),
                mobility,
            )
        return _stop_if_not_finite(s, "the velocity theta'", v)

    def _near(self, theta):
        """The last factorization, if made at a theta this close to ``theta``.

        Integrators evaluate the field at points a local error apart within
        one step (predictor and corrector). There the factor of ``Theta``
        from the first point, refined against the current ``D``, gives the
        current solution to rounding in two or three corrections, at about
        half the cost of factoring afresh.
        """
        if self._factored is None:
            return None
        at, radius, mobility = self._factored
        return mobility if np.abs(theta - at).max() <= radius else None

    def jac(self, s, theta):
        self.njev += 1
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            x = np.asarray(self.outputs(theta), dtype=np.float64)
            _stop_if_not_finite(s, "outputs(theta)", x)
            D = _jacobian(self.outputs, theta)
            HD = self.loss.hessian(x) @ D
            J = _parameter_velocity_jacobian(
                D, HD, self.alpha, self.family, self.rank_rtol, self.damping
            )
        return _stop_if_not_finite(s, "the field's Jacobian", J)


#: Relative distance in theta below which a field evaluation borrows the
#: last Cholesky factor of Theta (see ``_Field._near``).
NEAR = 1e-8


def _stop_if_not_finite(s, what, value):
    """Stop the integration, saying where, rather than carry NaN or inf on."""
    # A finite sum means every entry is finite (NaN and inf propagate); only
    # when it is not is each entry looked at (the sum may merely overflow).
    if (
        not np.isfinite(np.add.reduce(value, axis=None))
        and not np.isfinite(value).all()
    ):
        raise IntegrationError(
            f"{what} became non-finite at s = {s:.6g}: the flow is blowing up "
            "there (values overflow, or D is nearly singular). Stop earlier with "
            "a smaller `s_max` or `loss_ratio`, or raise `rank_rtol`."
        )
    return value


#: The smallest relative tolerance the integrators accept (scipy's floor).
_RTOL_FLOOR = 100 * np.finfo(np.float64).eps

#: Consecutive steps shorter than ``STALL_ULPS`` units in the last place of
#: ``s`` after which the integration counts as stalled.
STALL_STEPS, STALL_ULPS = 20, 100


def _stalled(solver, s_before, count):
    """Count steps too short to move ``s``; raise when the count runs out."""
    h = solver.t - s_before
    if solver.status != "running" or h > STALL_ULPS * np.spacing(abs(solver.t)):
        return 0
    if count + 1 < STALL_STEPS and h > 0:
        return count + 1
    raise IntegrationError(
        f"the step size collapsed to {h:.3g} at s = {solver.t:.6g}: the flow is "
        "blowing up or D is becoming singular there, and s cannot advance. Stop "
        "earlier with a smaller `s_max`, or try a larger `rank_rtol`."
    )


#: Warn when ``eps * cond(D)`` exceeds this and the integrator's rtol.
ACCURACY_WARNING = 1e-8


def _warn_if_ill_conditioned(D, rank_rtol, rtol):
    """Warn when the adapted field cannot be as accurate as the integrator.

    Both routes of the field (the SVD of ``D``, and the Cholesky factor of
    ``Theta`` refined against ``D``) lose about ``eps * cond(D)`` relative;
    measured on linear models, the chord deviation was 0.2-0.5 of that.
    """
    S = _kept_singular_values(D, rank_rtol)
    if S.size == 0:
        return
    cond = S[0] / S[-1]
    error = np.finfo(np.float64).eps * cond
    if error > max(rtol, ACCURACY_WARNING):
        warnings.warn(
            f"D is ill-conditioned at theta0 (condition number {cond:.2g}, so "
            f"{cond**2:.2g} for Theta, over the {S.size} kept directions): the "
            f"adapted velocity is accurate only to about {error:.1g} relative, "
            f"coarser than rtol={rtol:g}, and the output path may stray from the "
            "exact flow by that fraction of its motion. Raise `rank_rtol` (for "
            f"example to {10 * S[-1] / S[0]:.1g}) to drop the weakest directions.",
            IllConditionedWarning,
            stacklevel=3,
        )


def _check_flow_memory(n_out, k, alpha, method):
    """Refuse a flow whose D, Theta or field Jacobian would exceed the budget."""
    parts = {f"D ({n_out} x {k})": n_out * k}
    if alpha > 0:
        parts[f"Theta ({n_out} x {n_out})"] = n_out * n_out
    if method in _IMPLICIT:
        parts[f"{method}'s field Jacobian ({k} x {k})"] = k * k
    try:
        check_memory(parts, "flow(...)")
    except MemoryError as error:
        if method in _IMPLICIT:
            error.args = (
                error.args[0] + " An explicit method (method='RK45' or 'DOP853') "
                "needs no K x K Jacobian.",
            )
        raise


#: The t clock stops here (s = N ln 1e9); any flow time left runs on the s clock.
_T_MAX = 1.0 - 1e-9


class _InT:
    """A field in flow time ``s`` seen in ``t = 1 - exp(-s/N)``.

    ``d theta / dt = (N / (1 - t)) theta'(s)``. For the adapted squared-loss
    flow ``theta'(s) = -D^+ (x - y) / N`` and ``x - y = (1 - t)(x0 - y)``,
    so ``d theta / dt = -D^+ (x0 - y)`` up to the integrator's error: no
    exponential decay left to resolve.
    """

    def __init__(self, field, n_samples):
        self.field, self.n_samples = field, n_samples

    def __call__(self, t, theta):
        return self.field(t, theta) * (self.n_samples / (1.0 - t))

    def jac(self, t, theta):
        return self.field.jac(t, theta) * (self.n_samples / (1.0 - t))


class _InS:
    """A dense-output piece computed in ``t``, evaluated at flow times ``s``."""

    def __init__(self, piece, n_samples):
        self.piece, self.n_samples = piece, n_samples

    def __call__(self, s):
        return self.piece(-np.expm1(-np.asarray(s) / self.n_samples))


def _check_loss(loss, n_out):
    if not isinstance(loss, _Loss):
        raise TypeError(
            "`loss` must be an ntkflow loss such as `ntkflow.L2(y)`; "
            f"got {type(loss).__name__}."
        )
    if loss.target.size != n_out:
        raise ValueError(
            f"`loss` labels hold {loss.target.size} numbers (N={loss.n_samples}, "
            f"Q={loss.n_outputs}) but `outputs(theta0)` returns {n_out}."
        )


def flow(
    outputs,
    loss,
    theta0,
    alpha=1.0,
    s_max=None,
    *,
    family="blend",
    method=None,
    rtol=1e-10,
    atol=1e-12,
    s_eval=None,
    n_points=101,
    loss_ratio=None,
    rank_rtol=None,
    max_steps=20_000,
    damping=0.0,
    **unknown,
):
    """Integrate a flow of the deformation family from ``theta0``.

    Solves ``theta' = -[(1-alpha) D^T + alpha D^+] grad C`` (family
    ``'blend'``) or ``theta' = -D^T (Theta^+)^alpha grad C`` (family
    ``'spectral'``) for ``s`` in ``[0, s_max]``.

    Parameters
    ----------
    outputs : callable
        ``theta -> x``, shape ``(QN,)``.
    loss : L2 or CrossEntropy
        Its labels fix N and Q.
    theta0 : array_like, shape (K,)
    alpha : float in [0, 1]
        0 is the standard flow, 1 the adapted flow.
    s_max : float, optional
        End of the flow time, ``> 0``. Default ``5 N``.
    family : {'blend', 'spectral'}
    method : str, optional
        One of ``METHODS``, run in flow time ``s``. Default: for ``alpha = 1``
        and the squared loss, LSODA in the reparametrized time ``t`` (see the
        module docstring); DOP853 for ``alpha = 1`` and cross-entropy; LSODA
        for ``alpha < 1``.
    rtol, atol : float
        Integrator tolerances. An ``rtol`` below ``100 * eps`` (what float64
        can deliver) is raised to it, with a warning.
    s_eval : array_like, optional
        Flow times at which to record the solution. Default: every accepted
        step plus ``n_points`` times equally spaced in reparametrized time.
    loss_ratio : float in (0, 1), optional
        Stop at the first ``s`` where ``C(s) <= loss_ratio * C(0)``.
    rank_rtol : float, optional
        Rank cut-off for ``D^+`` (see :func:`ntkflow.rank`).
    max_steps : int
        Cap on accepted steps; more raises :class:`IntegrationError`.
    damping : float, optional
        ``mu >= 0``: replace ``Theta^+`` by ``(Theta + mu I)^-1`` (see
        :func:`ntkflow.parameter_velocity`). Keeps the adapted flow moving
        when ``Theta`` is ill-conditioned, at the price of slowing the modes
        with eigenvalues near or below ``mu``.

    Returns
    -------
    Trajectory

    Raises
    ------
    IntegrationError
        When the flow blows up or stalls: the step size collapses, or
        ``theta``, the outputs or the velocity become non-finite; and when
        more than ``max_steps`` steps would be needed (with every method,
        LSODA included). The message gives the flow time ``s`` and the cause;
        no trajectory holding NaN or inf is ever returned.
    MemoryBudgetError
        When ``D``, ``Theta`` (for ``alpha > 0``) and, for the implicit
        methods, the ``K x K`` field Jacobian would exceed the budget of
        :func:`ntkflow.set_memory_budget`; checked before anything is built.
    TypeError
        For an unknown keyword option, naming it and the valid ones.

    Warnings
    --------
    The straight-line property is exact for the flow, not for its numerical
    solution: the record is accurate to about ``rtol`` times the motion, plus
    rounding amplified by the condition number of ``D``. For ``alpha > 0``,
    when ``eps * cond(D)`` at ``theta0`` exceeds both ``rtol`` and
    ``ACCURACY_WARNING`` (1e-8), an :class:`IllConditionedWarning` says how
    accurate the velocity is; the flow still runs.

    Flows that never settle are legitimate: with one-hot cross-entropy labels
    there is no minimizer, and the logits grow without bound (slowly, like
    ``log s``). Flows that leave the image of the network in finite time (a
    ``tanh`` output sent towards a label of 2) stop with an
    :class:`IntegrationError` at that time.
    """
    reject_unknown("flow", unknown, _FLOW_OPTIONS)
    theta0 = as_float_array("theta0", theta0, ndim=1)
    x0 = evaluate(outputs, theta0)
    _check_loss(loss, x0.size)
    alpha = as_real("alpha", alpha, 0.0, 1.0)
    family = as_choice("family", family, FAMILIES)
    n = loss.n_samples
    s_max = 5.0 * n if s_max is None else as_real("s_max", s_max, 0.0, low_open=True)
    clock_t = method is None and alpha == 1.0 and isinstance(loss, L2)
    if method is None:
        method = "LSODA" if clock_t or alpha < 1.0 else "DOP853"
    method = as_choice("method", method, METHODS)
    rtol = as_real("rtol", rtol, 0.0, 1.0, low_open=True)
    if rtol < _RTOL_FLOOR:
        warnings.warn(
            f"`rtol`={rtol:g} is below what float64 can deliver; using "
            f"{_RTOL_FLOOR:.2g} instead.",
            stacklevel=2,
        )
        rtol = _RTOL_FLOOR
    atol = as_real("atol", atol, 0.0, low_open=True)
    n_points = as_count("n_points", n_points, low=2)
    max_steps = as_count("max_steps", max_steps)
    if loss_ratio is not None:
        loss_ratio = as_real("loss_ratio", loss_ratio, 0.0, 1.0, low_open=True)
    if s_eval is not None:
        s_eval = as_float_array("s_eval", s_eval, ndim=1)
        if (s_eval < 0).any() or (s_eval > s_max).any() or (np.diff(s_eval) < 0).any():
            raise ValueError(
                f"`s_eval` must be increasing within [0, s_max={s_max:g}]; got "
                f"values from {s_eval.min():g} to {s_eval.max():g}."
            )
    if rank_rtol is not None:
        rank_rtol = as_real("rank_rtol", rank_rtol, 0.0, 1.0)
    damping = as_real("damping", damping, 0.0)
    _check_flow_memory(x0.size, theta0.size, alpha, method)
    if alpha > 0 and damping == 0:
        _warn_if_ill_conditioned(_jacobian(outputs, theta0), rank_rtol, rtol)

    fun = _Field(outputs, loss, alpha, family, rank_rtol, damping)
    c0 = loss.value(x0)
    run = _Run(outputs, loss, method, max_steps, s_max, loss_ratio, c0, theta0)
    options = {"rtol": rtol, "atol": atol}
    s_start, theta_start, rest = 0.0, theta0, True
    if clock_t:
        t_max = min(-np.expm1(-s_max / n), _T_MAX)
        field_t = _InT(fun, n)
        solver = _si.LSODA(field_t, 0.0, theta0, t_max, jac=field_t.jac, **options)
        run.steps_through(solver, n)
        rest = t_max == _T_MAX and run.steps[-1] < s_max
        if not (run.stopped or rest):
            run.steps[-1] = s_max  # not s(t(s_max)), which may round
        s_start, theta_start = run.steps[-1], solver.y
    if not run.stopped and rest:
        if method in _IMPLICIT:
            options["jac"] = fun.jac
        solver = getattr(_si, method)(fun, s_start, theta_start, s_max, **options)
        run.steps_through(solver)
    steps, pieces, message = run.steps, run.pieces, run.message
    if clock_t:
        message += " (LSODA in t = 1 - exp(-s/N))"

    solution = _si.OdeSolution(np.array(steps), pieces) if pieces else None
    s_end = steps[-1]
    if s_eval is None:
        t_end = -np.expm1(-s_end / n)
        t_grid = np.linspace(0.0, t_end, n_points)[:-1]  # t_end may round to 1
        grid = np.append(-n * np.log1p(-t_grid), s_end)
        s_rec = np.unique(np.clip(np.concatenate([steps, grid]), 0.0, s_end))
    else:
        s_rec = s_eval[s_eval <= s_end]
    theta = np.empty((s_rec.size, theta0.size))
    # Step ends are known; only the times between them are interpolated.
    steps = np.array(steps)
    at = np.minimum(np.searchsorted(steps, s_rec), steps.size - 1)
    known = steps[at] == s_rec
    theta[known] = np.array(run.states)[at[known]]
    if not known.all():
        theta[~known] = solution(s_rec[~known]).T
    many = getattr(outputs, "many", None)
    if many is not None and np.isfinite(theta).all():
        x = many(theta)
    else:
        x = np.array([np.asarray(outputs(th), dtype=np.float64) for th in theta])
    for name, values in (("theta", theta), ("outputs(theta)", x)):
        bad = ~np.isfinite(values).all(axis=1)
        if bad.any():
            _stop_if_not_finite(s_rec[np.argmax(bad)], f"the recorded {name}", values)
    losses = loss._values(x)
    return Trajectory(
        s=s_rec,
        theta=theta,
        x=x,
        loss=losses,
        alpha=alpha,
        family=family,
        n_samples=n,
        method=method,
        nfev=fun.nfev,
        njev=fun.njev,
        n_steps=len(steps) - 1,
        message=message,
    )


class _Run:
    """Steps solvers one after the other, gathering the pieces of the solution."""

    def __init__(self, outputs, loss, method, max_steps, s_max, loss_ratio, c0, theta0):
        self.outputs, self.loss, self.method = outputs, loss, method
        self.max_steps, self.s_max, self.loss_ratio = max_steps, s_max, loss_ratio
        self.stop_level = None if loss_ratio is None else loss_ratio * c0
        self.steps, self.pieces = [0.0], []
        self.states = [theta0]  # theta at each entry of steps
        self.stopped = False
        self.stalled = 0
        self.message = f"reached s_max = {s_max:g}"

    def steps_through(self, solver, n_samples=None):
        """Run ``solver`` to its end; ``n_samples`` given: it runs in ``t``."""

        def flow_time(t):
            return t if n_samples is None else -n_samples * np.log1p(-t)

        while solver.status == "running":
            s = flow_time(solver.t)
            if len(self.steps) > self.max_steps:
                raise IntegrationError(
                    f"more than max_steps={self.max_steps} steps before "
                    f"s = {s:.6g} (s_max = {self.s_max:g}); raise `max_steps` "
                    "or `rtol`, or shorten `s_max`."
                )
            t_before = solver.t
            try:
                error = solver.step()
            except (ValueError, ArithmeticError, np.linalg.LinAlgError) as broke:
                raise IntegrationError(
                    f"{self.method} broke down at s = {s:.6g}: {broke}. The flow "
                    "may be blowing up; stop earlier with a smaller `s_max`, or "
                    "loosen `atol`."
                ) from broke
            s = flow_time(solver.t)
            if solver.status == "failed":
                raise IntegrationError(
                    f"{self.method} failed at s = {s:.6g} after "
                    f"{len(self.steps) - 1} steps: {error} The step size "
                    "collapsed: the flow may be blowing up there, or D becoming "
                    "singular; stop earlier with a smaller `s_max`, or try a "
                    "larger `rank_rtol` or a small `damping`."
                )
            if not np.isfinite(solver.y).all():
                raise IntegrationError(
                    f"theta became non-finite at s = {s:.6g}; the flow "
                    "diverged. Try a smaller `s_max` or a larger `rank_rtol`."
                )
            self.stalled = _stalled(solver, t_before, self.stalled)
            piece = solver.dense_output()
            if n_samples is not None:
                piece = _InS(piece, n_samples)
            self.pieces.append(piece)
            self.steps.append(s)
            self.states.append(solver.y.copy())
            if self.stop_level is not None and self._crossed(piece):
                return

    def _crossed(self, piece):
        x_now = np.asarray(self.outputs(piece(self.steps[-1])), dtype=np.float64)
        c = self.loss.value(
            _stop_if_not_finite(self.steps[-1], "outputs(theta)", x_now)
        )
        if c > self.stop_level:
            return False
        bracket = self.steps[-2:]
        s_stop = _crossing(piece, self.outputs, self.loss, self.stop_level, bracket)
        self.steps[-1] = s_stop
        self.states[-1] = piece(s_stop)
        self.message = f"loss fell to {self.loss_ratio:g} C(0) at s = {s_stop:.6g}"
        self.stopped = True
        return True


def _crossing(piece, outputs, loss, level, bracket):
    """The flow time within one step where the loss falls to ``level``."""

    def excess(s):
        return loss.value(np.asarray(outputs(piece(s)))) - level

    lo, hi = bracket
    if excess(lo) <= 0:
        return lo
    return brentq(excess, lo, hi, xtol=1e-12 * max(1.0, hi), rtol=1e-14)


_FLOW_OPTIONS = tuple(
    name
    for name, p in inspect.signature(flow).parameters.items()
    if p.kind is not inspect.Parameter.VAR_KEYWORD
)


def sweep(outputs, loss, theta0, alphas, *, progress=None, **options):
    """One trajectory per ``alpha``: the data behind a deformation slider.

    Parameters
    ----------
    alphas : array_like, shape (A,)
        Values in [0, 1].
    progress : callable, optional
        Called as ``progress(done, total)`` after each trajectory.
    **options
        Passed to :func:`flow`.

    Returns
    -------
    list of Trajectory
    """
    alphas = as_float_array("alphas", alphas, ndim=1)
    if progress is not None:
        as_callable("progress", progress, "progress(done, total)")
    given = ("outputs", "loss", "theta0", "alpha")
    rest = tuple(name for name in _FLOW_OPTIONS if name not in given)
    reject_unknown("sweep", set(options) - set(rest), rest)
    trajectories = []
    for i, alpha in enumerate(alphas):
        trajectories.append(flow(outputs, loss, theta0, alpha, **options))
        if progress is not None:
            progress(i + 1, alphas.size)
    return trajectories
