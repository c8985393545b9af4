"""The data behind the deformation slider: one flow per alpha, on a fair clock.

Flows with different ``alpha`` run on different clocks (the standard flow's
modes decay at rates ``lambda_i / N``, the adapted flow's all at ``1 / N``),
so positions at equal flow time ``s`` are not comparable. Here every path is
resampled at equal *progress* ``1 - |x - y| / |x0 - y|``, which for the
squared loss is ``1 - sqrt(C / C(0))`` and equals the reparametrized time
``t`` on the adapted flow.
"""

from dataclasses import dataclass

import numpy as np

from ._validate import as_count, as_float_array, as_real
from .geometry import at_progress, chord_distance
from .integrate import sweep
from .kernel import evaluate
from .losses import L2


@dataclass(frozen=True, eq=False)
class Deformation:
    """Paths of one deformation family for a grid of alphas.

    Attributes
    ----------
    alphas : ndarray, shape (A,)
    family : str
    levels : ndarray, shape (L,)
        Progress levels at which the paths are sampled.
    paths : ndarray, shape (A, L, QN)
        Outputs when each flow reaches each progress level, interpolated
        linearly between the integrator's recorded points (accurate to the
        bend of the path within one step: far below what a figure shows).
    chord_distance : ndarray, shape (A,)
        Largest distance of each path from the chord, over ``|x0 - y|``.
    trajectories : list of Trajectory
        The flows themselves, in flow time ``s``.
    target : ndarray, shape (QN,)
    """

    alphas: np.ndarray
    family: str
    levels: np.ndarray
    paths: np.ndarray
    chord_distance: np.ndarray
    trajectories: list
    target: np.ndarray
    options: dict = None

    @property
    def x0(self):
        return self.paths[0, 0]


def deform(
    outputs,
    loss,
    theta0,
    alphas,
    *,
    family="blend",
    loss_ratio=1e-3,
    n_levels=41,
    s_max=1e6,
    progress=None,
    rtol=1e-6,
    reuse=None,
):
    """Run the deformed flow for every alpha until the loss falls by ``loss_ratio``.

    Parameters
    ----------
    outputs, loss, theta0 :
        As for :func:`ntkflow.flow`; the loss must be :class:`ntkflow.L2`.
    alphas : array_like, shape (A,)
    family : {'blend', 'spectral'}
    loss_ratio : float in (0, 1)
        Each flow stops when ``C <= loss_ratio * C(0)``, that is at progress
        ``1 - sqrt(loss_ratio)``, or at ``s_max``.
    n_levels : int
        Number of progress levels from 0 to ``1 - sqrt(loss_ratio)``.
    progress : callable, optional
        ``progress(done, total)`` after each flow.
    rtol : float
        Integrator tolerance; the paths are drawn, not used for theorems, and
        an error of ``1e-6`` relative is far below what a figure shows.
    reuse : Deformation, optional
        An earlier result on the same ``outputs``, ``loss``, ``theta0`` and
        options, typically of the other family. Its flows are taken instead
        of recomputed wherever they are the same flow: at ``alpha = 0``
        (standard) and ``alpha = 1`` (adapted) in either family, and at every
        alpha of the same family. A taken flow keeps the ``family`` it was
        computed with.

    Returns
    -------
    Deformation
    """
    if not isinstance(loss, L2):
        raise TypeError(
            f"`loss` must be ntkflow.L2 for the progress clock; got "
            f"{type(loss).__name__}."
        )
    alphas = as_float_array("alphas", alphas, ndim=1)
    n_levels = as_count("n_levels", n_levels, low=2)
    options = {"loss_ratio": loss_ratio, "s_max": s_max, "rtol": rtol}
    known = _reusable(reuse, outputs, loss, theta0, family, options)
    todo = [a for a in alphas if float(a) not in known]
    done = len(alphas) - len(todo)

    def counted(finished, _):
        progress(done + finished, len(alphas))

    if progress is not None and done:
        progress(done, len(alphas))  # the reused flows count as done at once

    computed = sweep(
        outputs,
        loss,
        theta0,
        todo,
        family=family,
        s_max=s_max,
        loss_ratio=loss_ratio,
        progress=None if progress is None else counted,
        rtol=rtol,
        atol=rtol * 1e-2,
    )
    computed = dict(zip(map(float, todo), computed, strict=True))
    trajectories = [
        known[float(a)] if float(a) in known else computed[float(a)] for a in alphas
    ]
    y = loss.target
    levels = np.linspace(0.0, 1.0 - np.sqrt(loss_ratio), n_levels)
    paths = np.array([at_progress(tr.x, tr.x[0], y, levels) for tr in trajectories])
    distance = np.array([chord_distance(tr.x, tr.x[0], y).max() for tr in trajectories])
    return Deformation(
        alphas, family, levels, paths, distance, trajectories, y, options
    )


def _reusable(reuse, outputs, loss, theta0, family, options):
    """Flows of ``reuse`` that are the same flow as asked for, by alpha."""
    if reuse is None:
        return {}
    if not isinstance(reuse, Deformation):
        raise TypeError(
            f"`reuse` must be a Deformation from deform(...); got "
            f"{type(reuse).__name__}."
        )
    if reuse.options != options:
        raise ValueError(
            f"`reuse` was computed with {reuse.options}, not {options}: its "
            "flows would not match."
        )
    start = reuse.trajectories[0]
    theta0 = np.asarray(theta0, dtype=np.float64)
    if not np.array_equal(reuse.target, loss.target):
        differ = "labels"
    elif not np.array_equal(start.theta[0], theta0):
        differ = "theta0"
    elif not np.allclose(start.x[0], evaluate(outputs, theta0), rtol=1e-12, atol=0):
        differ = "outputs(theta0)"
    else:
        differ = None
    if differ:
        raise ValueError(
            "`reuse` must come from the same network, labels and theta0 as this "
            f"call; its {differ} differ."
        )
    shared = {0.0, 1.0}
    return {
        float(a): tr
        for a, tr in zip(reuse.alphas, reuse.trajectories, strict=True)
        if reuse.family == family or float(a) in shared
    }


def alpha_grid(lam_max, n_even=11, low=0.03, high=3.0):
    """Alphas for the blend slider: an even grid, and more just below 1.

    The blend ``x' = -[(1 - alpha) Theta + alpha P] grad C`` scales the mode
    of ``Theta`` with eigenvalue ``lambda_i`` by ``(1 - alpha) lambda_i +
    alpha``. Those scales are nearly equal, and the paths nearly straight,
    only once ``(1 - alpha) lambda_max`` is well below 1; for a large
    ``lambda_max`` that whole transition lies between the last two steps of
    an even grid. The extra alphas put ``1 - alpha`` on the round values
    ``1, 2, 5 x 10^k`` with ``low <= (1 - alpha) lambda_max <= high``.

    Parameters
    ----------
    lam_max : float, > 0
        Largest eigenvalue of ``Theta`` at the start.
    n_even : int, >= 2
        Number of evenly spaced alphas from 0 to 1.
    low, high : float, 0 < low < high
        Range of ``(1 - alpha) lambda_max`` that the extra alphas cover.

    Returns
    -------
    alphas : ndarray, shape (A,)
        Increasing from 0 to 1, without repeats.
    """
    lam_max = as_real("lam_max", lam_max, 0.0, low_open=True)
    n_even = as_count("n_even", n_even, low=2)
    low = as_real("low", low, 0.0, low_open=True)
    high = as_real("high", high, low, low_open=True)
    first = int(np.floor(np.log10(low / lam_max)))
    last = int(np.ceil(np.log10(high / lam_max)))
    gaps = np.array([m * 10.0**k for k in range(first, last + 1) for m in (1, 2, 5)])
    keep = (gaps * lam_max >= low) & (gaps * lam_max <= high) & (gaps < 1)
    alphas = np.concatenate([np.linspace(0.0, 1.0, n_even), 1.0 - gaps[keep]])
    # Rounding merges values that differ only in the last bits.
    return np.unique(np.round(alphas, 12))
