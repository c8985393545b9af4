"""What changes as a one-hidden-layer network gets wider: the data behind width sliders.

Both sweeps draw a fresh network ``MLP((d, width, Q))`` for each width from the
same seed, in the NTK parametrization, where the kernel ``Theta`` tends to a
fixed matrix as the width grows (A. Jacot, F. Gabriel, C. Hongler,
arXiv:1806.07572).
"""

from dataclasses import dataclass

import numpy as np

from ._validate import as_choice, as_count, as_float_array, as_real
from .integrate import METHODS, flow
from .kernel import default_rtol, jacobian
from .lazy import lazy_outputs
from .losses import L2
from .models import ACTIVATIONS, MLP


def _widths(widths):
    widths = np.asarray(widths)
    if widths.ndim != 1 or widths.size == 0:
        raise ValueError(f"`widths` must be a non-empty 1-D sequence; got {widths!r}.")
    return tuple(as_count(f"widths[{i}]", int(w)) for i, w in enumerate(widths))


def _seed(seed):
    return as_count("seed", seed, low=0)


def _network(X, width, n_outputs, activation, seed):
    net = MLP((X.shape[1], width, n_outputs), activation)
    return net, net.outputs(X), net.init(seed)


@dataclass(frozen=True, eq=False)
class WidthSpectra:
    """The spectrum of ``Theta`` at initialization, one network per width.

    Attributes
    ----------
    widths : tuple of int, length W
    n_params : ndarray of int, shape (W,)
        K for each width.
    n_rows : int
        QN, the number of stacked outputs.
    eigenvalues : list of ndarray
        Entry ``w`` holds the ``min(QN, K)`` largest eigenvalues of ``Theta``,
        decreasing, computed as squared singular values of ``D`` (accurate
        far below the rounding level of ``Theta`` itself). The remaining
        ``QN - K`` eigenvalues, if ``K < QN``, are exactly zero.
    ranks : ndarray of int, shape (W,)
        ``rank D`` under the rule ``sigma_i > rtol * sigma_max``.
    cutoffs : ndarray, shape (W,)
        That rule for eigenvalues: ``lambda_i`` counts when it exceeds
        ``cutoffs[w] = (rtol * sigma_max)^2``.
    """

    widths: tuple
    n_params: np.ndarray
    n_rows: int
    eigenvalues: list
    ranks: np.ndarray
    cutoffs: np.ndarray


def width_spectra(X, n_outputs, widths, *, activation="tanh", seed=0, rtol=None):
    """Eigenvalues of ``Theta = D D^T`` and ``rank D`` for each width.

    Parameters
    ----------
    X : array_like, shape (N, d)
        Training inputs.
    n_outputs : int
        Q.
    widths : sequence of int, length W
        Hidden-layer widths.
    activation : {'tanh', 'linear'}
    seed : int
        Seed of every network's initial parameters.
    rtol : float, optional
        Rank cut-off, relative to the largest singular value; default
        ``max(QN, K) * eps`` (see :func:`ntkflow.rank`).

    Returns
    -------
    WidthSpectra
    """
    X = as_float_array("X", X, ndim=2)
    n_outputs = as_count("n_outputs", n_outputs)
    widths = _widths(widths)
    activation = as_choice("activation", activation, ACTIVATIONS)
    seed = _seed(seed)
    if rtol is not None:
        rtol = as_real("rtol", rtol, 0.0, 1.0)
    n_params, eigenvalues, ranks, cutoffs = [], [], [], []
    for width in widths:
        net, outputs, theta = _network(X, width, n_outputs, activation, seed)
        D = jacobian(outputs, theta)
        S = np.linalg.svd(D, compute_uv=False)
        cut = (default_rtol(D) if rtol is None else rtol) * S[0]
        n_params.append(net.n_params)
        eigenvalues.append(S**2)
        ranks.append(int(np.sum(S > cut)))
        cutoffs.append(cut**2)
    return WidthSpectra(
        widths,
        np.array(n_params),
        X.shape[0] * n_outputs,
        eigenvalues,
        np.array(ranks),
        np.array(cutoffs),
    )


@dataclass(frozen=True, eq=False)
class LazySweep:
    """The standard flow beside its lazy closed form, one network per width.

    Attributes
    ----------
    widths : tuple of int, length W
    n_params : ndarray of int, shape (W,)
    s : ndarray, shape (T,)
        Flow times at which both are recorded.
    x : ndarray, shape (W, T, QN)
        Outputs of the standard flow of each network.
    lazy : ndarray, shape (W, T, QN)
        ``y + exp(-Theta(0) s / N) (x(0) - y)`` for the same network.
    deviation : ndarray, shape (W,)
        ``max_s |x(s) - lazy(s)| / |x(0) - y|``.
    kernel_change : ndarray, shape (W,)
        ``|Theta(s_end) - Theta(0)| / |Theta(0)|`` (Frobenius norms).
    loss_ratio : ndarray, shape (W,)
        ``C(s_end) / C(0)`` of the standard flow.
    target : ndarray, shape (QN,)
    """

    widths: tuple
    n_params: np.ndarray
    s: np.ndarray
    x: np.ndarray
    lazy: np.ndarray
    deviation: np.ndarray
    kernel_change: np.ndarray
    loss_ratio: np.ndarray
    target: np.ndarray


def lazy_sweep(
    X,
    y,
    widths,
    s,
    *,
    activation="tanh",
    seed=0,
    method="RK45",
    rtol=1e-6,
    atol=1e-8,
    progress=None,
):
    """Run the standard flow for each width and compare it with the lazy closed form.

    Parameters
    ----------
    X : array_like, shape (N, d)
    y : array_like, shape (N, Q)
        Labels of the squared loss.
    widths : sequence of int, length W
    s : array_like, shape (T,)
        Increasing flow times from 0.
    activation : {'tanh', 'linear'}
    seed : int
        Seed of every network's initial parameters.
    method : str
        Integrator (see :func:`ntkflow.flow`). The explicit RK45 is the
        default: over a few multiples of N the flow is only mildly stiff, and
        an implicit method would factor a ``K x K`` matrix.
    rtol, atol : float
        Integrator tolerances; the comparison is drawn, not used for theorems.
    progress : callable, optional
        ``progress(done, total)`` after each width.

    Returns
    -------
    LazySweep

    Warnings
    --------
    One network per width: the deviation shrinks like ``1/sqrt(width)`` on
    average, but any single draw can sit above or below that trend.
    """
    X = as_float_array("X", X, ndim=2)
    loss = L2(y)
    if loss.n_samples != X.shape[0]:
        raise ValueError(
            f"`y` must have one row per sample of `X` ({X.shape[0]}); got "
            f"{loss.n_samples}."
        )
    widths = _widths(widths)
    s = as_float_array("s", s, ndim=1)
    if s.size < 2 or s[0] != 0 or (np.diff(s) <= 0).any():
        raise ValueError("`s` must be increasing flow times starting at 0.")
    activation = as_choice("activation", activation, ACTIVATIONS)
    seed = _seed(seed)
    method = as_choice("method", method, METHODS)

    n_params, xs, lazies, deviation, change, ratio = [], [], [], [], [], []
    for i, width in enumerate(widths):
        net, outputs, theta0 = _network(X, width, loss.n_outputs, activation, seed)
        D0 = jacobian(outputs, theta0)
        tr = flow(
            outputs,
            loss,
            theta0,
            alpha=0.0,
            s_max=s[-1],
            s_eval=s,
            method=method,
            rtol=rtol,
            atol=atol,
        )
        lazy = lazy_outputs(D0 @ D0.T, tr.x[0], loss.y, s)
        D1 = jacobian(outputs, tr.theta[-1])
        scale = np.linalg.norm(tr.x[0] - loss.target)
        n_params.append(net.n_params)
        xs.append(tr.x)
        lazies.append(lazy)
        deviation.append(np.linalg.norm(tr.x - lazy, axis=1).max() / scale)
        change.append(np.linalg.norm(D1 @ D1.T - D0 @ D0.T) / np.linalg.norm(D0 @ D0.T))
        ratio.append(tr.loss[-1] / tr.loss[0])
        if progress is not None:
            progress(i + 1, len(widths))
    return LazySweep(
        widths,
        np.array(n_params),
        s,
        np.array(xs),
        np.array(lazies),
        np.array(deviation),
        np.array(change),
        np.array(ratio),
        loss.target.copy(),
    )
