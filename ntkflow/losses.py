"""Losses as functions of the stacked outputs ``x`` of shape ``(QN,)``.

Both losses average over the N samples, where N is ``y.shape[0]``.
"""

import numpy as np
from scipy.special import log_softmax, softmax

from ._validate import as_float_array


def _as_labels(y):
    y = as_float_array("y", y)
    if y.ndim == 1:
        y = y[:, None]
    if y.ndim != 2 or y.shape[0] == 0 or y.shape[1] == 0:
        raise ValueError(
            "`y` must have shape (N, Q), or (N,) when Q = 1, with N, Q >= 1; "
            f"got shape {y.shape}."
        )
    return y


class _Loss:
    def __init__(self, y):
        self.y = _as_labels(y)
        self.n_samples, self.n_outputs = self.y.shape
        self.target = self.y.reshape(-1)

    def _x(self, x, name="x"):
        return as_float_array(name, x, shape=(self.target.size,))

    def value(self, x):
        """``C(x)``, a float."""
        return float(self._values(self._x(x)[None])[0])

    def grad(self, x):
        """``grad C`` at ``x``, shape ``(QN,)``."""
        return self._grad(self._x(x))

    def __repr__(self):
        return f"{type(self).__name__}(N={self.n_samples}, Q={self.n_outputs})"


class L2(_Loss):
    """Squared loss ``C(x) = |x - y|^2 / (2N)``.

    Parameters
    ----------
    y : array_like, shape (N, Q) or (N,)
        Labels; flattened sample-major to match ``x``.

    Examples
    --------
    >>> loss = L2([[1.0, 0.0], [0.0, 1.0]])
    >>> loss.value([1.0, 0.0, 0.0, 0.0])
    0.25
    """

    def _values(self, xs):
        """``C`` of each finite row of ``xs``, shape ``(T,)``."""
        r = xs - self.target
        return np.einsum("ti,ti->t", r, r) / (2 * self.n_samples)

    def _grad(self, x):
        """``grad C = (x - y) / N`` for a checked ``x``."""
        return (x - self.target) / self.n_samples

    def hessian(self, x):
        """``I / N``, shape ``(QN, QN)``."""
        self._x(x)
        return np.eye(self.target.size) / self.n_samples

    def minimizer(self, x0=None):
        """The labels ``y`` flattened: the unique minimizer, whatever ``x0``."""
        if x0 is not None:
            self._x(x0, "x0")
        return self.target.copy()


class CrossEntropy(_Loss):
    """Softmax cross-entropy ``C(x) = -(1/N) sum_j <y_j, log softmax(x_j)>``.

    Parameters
    ----------
    y : array_like, shape (N, Q)
        One probability vector per sample: components ``>= 0`` summing to 1
        (within 1e-9). ``minimizer`` needs every component ``> 0``.

    Notes
    -----
    The gradient ``(softmax(x_j) - y_j) / N`` sums to zero over each sample's
    components, so flows driven by it keep each logit sum ``c_j`` fixed.

    Warnings
    --------
    Values are computed through ``log_softmax`` and gradients through
    ``softmax``: finite for logits of any finite size (``±1e4`` included),
    where a direct ``log(exp(x))`` would overflow. With a zero label component
    (one-hot labels) the loss has no minimizer: flows run and the logits grow
    without bound, while :meth:`minimizer` raises ``ValueError``.
    """

    def __init__(self, y):
        super().__init__(y)
        if self.n_outputs < 2:
            raise ValueError(
                "`y` for CrossEntropy must have Q >= 2 classes per sample; got "
                f"shape {self.y.shape}."
            )
        if (self.y < 0).any():
            j, q = np.argwhere(self.y < 0)[0]
            raise ValueError(
                "`y` for CrossEntropy must be probabilities (>= 0); got "
                f"y[{j}, {q}] = {float(self.y[j, q]):g}."
            )
        sums = self.y.sum(axis=1)
        off = np.abs(sums - 1.0) > 1e-9
        if off.any():
            j = int(np.argmax(off))
            raise ValueError(
                "`y` for CrossEntropy must sum to 1 in every row; got row "
                f"{j} summing to {float(sums[j]):.12g}."
            )

    def _logits(self, x, name="x"):
        return self._x(x, name).reshape(self.n_samples, self.n_outputs)

    def _values(self, xs):
        """``C`` of each finite row of ``xs``, shape ``(T,)``."""
        logp = log_softmax(xs.reshape(-1, self.n_samples, self.n_outputs), axis=2)
        # 0 * log p is 0 even where p underflows to 0.
        terms = np.where(self.y > 0, self.y * logp, 0.0)
        return -terms.sum(axis=(1, 2)) / self.n_samples

    def _grad(self, x):
        """``(softmax(x_j) - y_j) / N`` for every sample, for a checked ``x``."""
        p = softmax(x.reshape(self.n_samples, self.n_outputs), axis=1)
        return ((p - self.y) / self.n_samples).reshape(-1)

    def hessian(self, x):
        """Block diagonal, block ``j`` is ``(diag p_j - p_j p_j^T) / N``."""
        p = softmax(self._logits(x), axis=1)
        Q = self.n_outputs
        H = np.zeros((self.target.size, self.target.size))
        for j, pj in enumerate(p):
            H[j * Q : (j + 1) * Q, j * Q : (j + 1) * Q] = np.diag(pj) - np.outer(pj, pj)
        return H / self.n_samples

    def fiber_sums(self, x):
        """The logit sums ``c_j = sum_q x_{j,q}``, shape ``(N,)``."""
        return self._logits(x).sum(axis=1)

    def minimizer(self, x0):
        """The minimizer of ``C`` on the fiber of ``x0``.

        ``x_j* = log y_j + ((c_j - sum_q log y_{j,q}) / Q) 1``, where
        ``c_j`` is the logit sum of ``x0_j``; there ``softmax(x_j*) = y_j``.

        Raises
        ------
        ValueError
            If a label has a zero component: the infimum is then approached
            only as logits run off to infinity, and no minimizer exists.
        """
        c = self.fiber_sums(self._x(x0, "x0"))
        if (self.y <= 0).any():
            j, q = np.argwhere(self.y <= 0)[0]
            raise ValueError(
                "CrossEntropy has no minimizer when a label has a zero "
                f"component (y[{j}, {q}] = 0): the loss only approaches its "
                "infimum as the logits diverge. Use positive labels, for "
                "example `ntkflow.one_hot(..., smoothing=0.1)`."
            )
        log_y = np.log(self.y)
        shift = (c - log_y.sum(axis=1)) / self.n_outputs
        return (log_y + shift[:, None]).reshape(-1)
