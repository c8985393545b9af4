"""Measurements on cross-entropy flows: fiber drift and class margins."""

import numpy as np
from scipy.special import logsumexp

from ._validate import as_count, as_float_array
from .losses import CrossEntropy


def fiber_drift(trajectory, loss):
    """Largest change of any logit sum ``c_j`` since the start, per record.

    Parameters
    ----------
    trajectory : Trajectory
    loss : CrossEntropy

    Returns
    -------
    drift : ndarray, shape (T,)
        ``max_j |c_j(s) - c_j(0)|``; zero for the exact adapted flow with
        full rank, and at the integrator's error level for its solution.
    """
    if not isinstance(loss, CrossEntropy):
        raise TypeError(
            f"`loss` must be ntkflow.CrossEntropy; got {type(loss).__name__}."
        )
    sums = np.array([loss.fiber_sums(x) for x in trajectory.x])
    return np.abs(sums - sums[0]).max(axis=1)


def margins(x, labels, n_outputs):
    """How far each sample's own-class logit leads the others.

    ``m_j = x_{j, c_j} - log sum_{q != c_j} exp(x_{j,q})``, so that
    ``softmax(x_j)_{c_j} = 1 / (1 + exp(-m_j))``: with one-hot labels the
    cross-entropy of sample ``j`` is ``log(1 + exp(-m_j))``.

    Parameters
    ----------
    x : array_like, shape (T, QN) or (QN,)
    labels : array_like of int, shape (N,)
    n_outputs : int
        Q, at least 2.

    Returns
    -------
    m : ndarray, shape (T, N) or (N,)
    """
    x = as_float_array("x", x)
    single = x.ndim == 1
    x = np.atleast_2d(x)
    n_outputs = as_count("n_outputs", n_outputs, low=2)
    labels = np.asarray(labels)
    n = x.shape[1] // n_outputs
    if labels.shape != (n,) or n * n_outputs != x.shape[1]:
        raise ValueError(
            f"`labels` must have shape ({n},) to match `x` with Q = {n_outputs}; "
            f"got shape {labels.shape}."
        )
    logits = x.reshape(x.shape[0], n, n_outputs)
    own = np.take_along_axis(logits, labels[None, :, None], axis=2)[..., 0]
    others = np.where(np.eye(n_outputs, dtype=bool)[labels], -np.inf, logits)
    m = own - logsumexp(others, axis=2)
    return m[0] if single else m
