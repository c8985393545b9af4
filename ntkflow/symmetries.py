"""Parameter directions that do not move the outputs, and the rank they cost.

The rank of the Jacobian ``D`` is ``K`` minus the dimension of its null
space, the directions ``v`` with ``D v = 0``. For a network with one hidden
layer of *linear* units these directions are known in closed form: mixing
the hidden units by an invertible matrix, and trading the hidden bias for the
output bias. Notebook 5 counts them.
"""

import numpy as np

from ._validate import as_count, as_float_array
from .models import MLP


def _check_linear_one_hidden(net):
    if not isinstance(net, MLP):
        raise TypeError(f"`net` must be an ntkflow.MLP; got {type(net).__name__}.")
    if len(net.sizes) != 3 or net.activation != "linear":
        raise ValueError(
            "`net` must have one hidden layer of linear units, like "
            f"MLP((d, h, Q), activation='linear'); got {net!r}."
        )


def linear_mlp_null_directions(net, theta):
    """Directions in which a one-hidden-layer linear network's outputs stay put.

    Parameters
    ----------
    net : MLP
        ``MLP((d, h, Q), activation='linear')``: outputs
        ``x_j = W2 (W1 X_j / sqrt(d) + b1) / sqrt(h) + b2``.
    theta : ndarray, shape (K,)

    Returns
    -------
    V : ndarray, shape (K, h**2 + h)
        Column ``h*a + b`` (for ``a, b < h``) is the derivative of ``theta``
        when the hidden units are mixed by ``A = I + e E_ab``: ``W1 -> A W1``,
        ``b1 -> A b1``, ``W2 -> W2 A^-1``. Column ``h**2 + a`` moves the
        hidden bias ``b1`` by the unit vector ``e_a`` and the output bias by
        ``-W2 e_a / sqrt(h)``. On every input set ``D V = 0``.

    Notes
    -----
    The mixing leaves ``W2 A^-1 A (W1 X / sqrt(d) + b1)`` unchanged; the bias
    trade works because ``b1`` reaches the outputs only as the constant
    ``W2 b1 / sqrt(h)``. When ``W1`` and ``W2`` have full rank ``h`` and
    ``h < min(d, Q)``, the ``h**2 + h`` columns are independent and span the
    whole null space of ``D`` (given inputs as in :func:`linear_mlp_rank`).
    """
    _check_linear_one_hidden(net)
    theta = as_float_array("theta", theta, shape=(net.n_params,))
    (W1, b1), (W2, _) = net.unflatten(theta)
    h = W1.shape[0]
    V = np.zeros((net.n_params, h * h + h))
    for a in range(h):
        for b in range(h):
            # unflatten returns views, so writing into them fills the column.
            (dW1, db1), (dW2, _) = net.unflatten(V[:, h * a + b])
            dW1[a] = W1[b]  # E_ab W1
            db1[a] = b1[b]  # E_ab b1
            dW2[:, b] = -W2[:, a]  # -W2 E_ab
    for a in range(h):
        (_, db1), (_, db2) = net.unflatten(V[:, h * h + a])
        db1[a] = 1.0
        db2[:] = -W2[:, a] / np.sqrt(h)
    return V


def linear_mlp_rank(n_in, n_hidden, n_out):
    """Rank of ``D`` for a one-hidden-layer linear network, generic case.

    Parameters
    ----------
    n_in, n_hidden, n_out : int
        ``d``, ``h`` and ``Q``.

    Returns
    -------
    int
        ``r (d + Q - r) + Q`` with ``r = min(h, d, Q)``.

    Notes
    -----
    The network computes the affine maps ``X -> M X + c`` with ``M`` of
    shape ``(Q, d)`` and rank at most ``h``, and any ``c``. The ``Q x d``
    matrices of rank ``r`` form a smooth family of dimension
    ``r (d + Q - r)``: ``U V^T`` with ``U`` of shape ``(Q, r)`` and ``V`` of
    shape ``(d, r)`` has ``r (d + Q)`` numbers, of which an invertible
    ``r x r`` mixing, ``r**2`` of them, changes nothing. Adding ``Q`` for
    ``c`` gives the rank of ``D``.

    Warnings
    --------
    This is the rank for parameters whose weight matrices have full rank and
    for inputs whose vectors ``(X_j, 1)`` span ``R^(d+1)`` (so that different
    affine maps give different outputs), and it can never exceed ``QN``.
    Fewer distinct inputs, for instance two identical samples, give less.
    """
    d = as_count("n_in", n_in)
    h = as_count("n_hidden", n_hidden)
    q = as_count("n_out", n_out)
    r = min(h, d, q)
    return r * (d + q - r) + q
