"""Derivatives by central differences: a check that needs no calculus of the model."""

import numpy as np

from ._validate import as_float_array, as_real
from .kernel import evaluate


def finite_difference_jacobian(outputs, theta, h=1e-5):
    """``D`` by central differences, one parameter at a time.

    Column ``k`` is ``(x(theta + h e_k) - x(theta - h e_k)) / (2h)``. It needs
    only the outputs, not their derivatives: an independent check of
    :func:`jacobian`, at the cost of ``2K`` evaluations.

    Parameters
    ----------
    outputs : callable
        ``theta -> x``, shape ``(QN,)``.
    theta : array_like, shape (K,)
    h : float
        Step, ``> 0``.

    Returns
    -------
    D : ndarray, shape (QN, K)

    Warnings
    --------
    The result is not exact: the truncation error is of order ``h^2`` times
    the third derivatives, the rounding error of order ``eps |x| / h``. Near
    ``h = 1e-5`` the two balance for outputs of order one, leaving about ten
    correct digits.
    """
    theta = as_float_array("theta", theta, ndim=1)
    h = as_real("h", h, 0.0, low_open=True)
    evaluate(outputs, theta)  # checks the callable and the shape of x
    columns = []
    for k in range(theta.size):
        step = np.zeros_like(theta)
        step[k] = h
        plus = evaluate(outputs, theta + step)
        minus = evaluate(outputs, theta - step)
        columns.append((plus - minus) / (2.0 * h))
    return np.stack(columns, axis=1)
