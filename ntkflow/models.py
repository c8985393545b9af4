"""Small networks on a flat parameter vector, and their stacked outputs.

A network is a pure function ``f(theta; X)``; the course's common currency is
the callable ``outputs(theta) -> x`` with ``x`` of shape ``(QN,)``, sample-major:
``x[j*Q + q]`` is output ``q`` of sample ``j``.
"""

import autograd.numpy as anp
import numpy as np

from ._validate import as_choice, as_count, as_float_array, as_rng

ACTIVATIONS = ("tanh", "linear")


class MLP:
    """Fully connected network in the NTK parametrization.

    Layer ``l`` computes ``z = W a / sqrt(n_in) + b`` with ``W`` and ``b`` drawn
    from a standard normal, and the activation after every layer but the last.
    With this scaling the NTK stays of order one as the width grows, which is
    the setting of the lazy-training limit.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output, e.g. ``(4, 32, 3)``.
    activation : {'tanh', 'linear'}
        Nonlinearity of the hidden layers.

    Examples
    --------
    >>> net = MLP((4, 16, 3))
    >>> net.n_params
    131
    """

    def __init__(self, sizes, activation="tanh"):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
            raise TypeError(
                f"`sizes` must be a sequence of layer widths; got {sizes!r}."
            )
        if len(sizes) < 2:
            raise ValueError(
                f"`sizes` must list at least an input and an output width; "
                f"got {list(sizes)!r}."
            )
        self.sizes = tuple(as_count(f"sizes[{i}]", n) for i, n in enumerate(sizes))
        self.activation = as_choice("activation", activation, ACTIVATIONS)
        self._shapes = list(zip(self.sizes[1:], self.sizes[:-1], strict=True))

    def __repr__(self):
        return f"MLP(sizes={self.sizes}, activation={self.activation!r})"

    @property
    def n_inputs(self):
        return self.sizes[0]

    @property
    def n_outputs(self):
        return self.sizes[-1]

    @property
    def n_params(self):
        return sum(n_out * n_in + n_out for n_out, n_in in self._shapes)

    def init(self, rng=None):
        """Draw parameters from a standard normal.

        Parameters
        ----------
        rng : int or numpy.random.Generator, optional
            Seed or generator; the same seed gives the same network.

        Returns
        -------
        theta : ndarray, shape (K,)
        """
        return as_rng("rng", rng).standard_normal(self.n_params)

    def unflatten(self, theta):
        """Split ``theta`` into a list of ``(W, b)`` per layer."""
        _check_theta(theta, self.n_params, self)
        layers, start = [], 0
        for n_out, n_in in self._shapes:
            W = theta[start : start + n_out * n_in].reshape(n_out, n_in)
            start += n_out * n_in
            layers.append((W, theta[start : start + n_out]))
            start += n_out
        return layers

    def _sigma(self, z):
        return anp.tanh(z) if self.activation == "tanh" else z

    def apply(self, theta, X):
        """Network outputs, shape ``(N, Q)``; differentiable by autograd."""
        a = X
        layers = self.unflatten(theta)
        for i, (W, b) in enumerate(layers):
            z = anp.dot(a, W.T) / np.sqrt(W.shape[1]) + b
            a = z if i == len(layers) - 1 else self._sigma(z)
        return a

    def outputs(self, X):
        """The stacked-outputs callable of this network on the inputs ``X``.

        Parameters
        ----------
        X : array_like, shape (N, d)

        Returns
        -------
        outputs : StackedOutputs
            ``outputs(theta)`` has shape ``(QN,)``; ``outputs.jacobian(theta)``
            gives ``D`` in closed form.
        """
        X = as_float_array("X", X, shape=(None, self.n_inputs))
        return StackedOutputs(self, X)

    def jacobian(self, theta, X):
        """Closed-form Jacobian of the stacked outputs, shape ``(QN, K)``.

        Backpropagates all Q output directions for all N samples at once, so
        the cost is one pass over the layers whatever QN is.
        """
        activations, derivatives = [X], []
        layers = self.unflatten(theta)
        for i, (W, b) in enumerate(layers):
            z = activations[-1] @ W.T / np.sqrt(W.shape[1]) + b
            if i < len(layers) - 1:
                a = np.tanh(z) if self.activation == "tanh" else z
                tanh = self.activation == "tanh"
                derivatives.append(1.0 - a**2 if tanh else np.ones_like(a))
                activations.append(a)

        n_samples, n_out = X.shape[0], self.n_outputs
        # delta[j, q, i]: derivative of output q of sample j by the layer's z_i.
        delta = np.broadcast_to(np.eye(n_out), (n_samples, n_out, n_out))
        blocks = []
        for i in range(len(layers) - 1, -1, -1):
            W, _ = layers[i]
            scale = 1.0 / np.sqrt(W.shape[1])
            dW = np.einsum("jqi,jk->jqik", delta, activations[i] * scale)
            blocks.append(delta.reshape(n_samples, n_out, -1))
            blocks.append(dW.reshape(n_samples, n_out, -1))
            if i > 0:
                delta = (delta @ W) * scale
                delta = delta * derivatives[i - 1][:, None, :]
        # Blocks were gathered last layer first, b before W: reverse to theta order.
        return np.concatenate(blocks[::-1], axis=2).reshape(n_samples * n_out, -1)


def _check_theta(theta, n_params, owner):
    """``theta`` must be a flat vector of ``n_params`` numbers."""
    if getattr(theta, "shape", None) != (n_params,):
        raise ValueError(
            f"`theta` must have shape ({n_params},) for {owner!r}; got "
            f"shape {getattr(theta, 'shape', None)}."
        )


def _as_theta(theta):
    """Lists and tuples become arrays; arrays (and autograd boxes) pass as is."""
    return (
        np.asarray(theta, dtype=np.float64)
        if isinstance(theta, (list, tuple))
        else theta
    )


class StackedOutputs:
    """``outputs(theta) -> x``: a network's stacked outputs on a fixed data set.

    Attributes
    ----------
    model : MLP
    X : ndarray, shape (N, d)
    n_samples, n_outputs, n_params : int
        N, Q and K.
    """

    def __init__(self, model, X):
        self.model = model
        self.X = X
        self.n_samples = X.shape[0]
        self.n_outputs = model.n_outputs
        self.n_params = model.n_params

    def __repr__(self):
        return f"StackedOutputs({self.model!r}, N={self.n_samples})"

    @property
    def output_size(self):
        """QN, the length of ``outputs(theta)``."""
        return self.n_samples * self.n_outputs

    def _check(self, theta):
        _check_theta(theta, self.n_params, self.model)

    def __call__(self, theta):
        theta = _as_theta(theta)
        self._check(theta)
        return anp.reshape(self.model.apply(theta, self.X), (-1,))

    def jacobian(self, theta):
        """``D = dx/dtheta``, shape ``(QN, K)``, in closed form."""
        theta = np.asarray(theta, dtype=np.float64)
        self._check(theta)
        return self.model.jacobian(theta, self.X)


def linear_outputs(A, b=None):
    """Stacked outputs of the linear model ``x(theta) = A theta + b``.

    Its Jacobian is ``A`` everywhere, so the NTK never changes: the simplest
    setting in which to see each flow exactly.

    Parameters
    ----------
    A : array_like, shape (QN, K)
    b : array_like, shape (QN,), optional
    """
    A = as_float_array("A", A, ndim=2)
    b = (
        np.zeros(A.shape[0])
        if b is None
        else as_float_array("b", b, shape=(A.shape[0],))
    )
    return LinearOutputs(A, b)


class LinearOutputs:
    """``x(theta) = A theta + b``; see :func:`linear_outputs`."""

    def __init__(self, A, b):
        self.A, self.b = A, b
        self.n_params = A.shape[1]

    def __repr__(self):
        return f"LinearOutputs(QN={self.A.shape[0]}, K={self.A.shape[1]})"

    @property
    def output_size(self):
        """QN, the length of ``outputs(theta)``."""
        return self.A.shape[0]

    def __call__(self, theta):
        theta = _as_theta(theta)
        _check_theta(theta, self.n_params, self)
        return anp.dot(self.A, theta) + self.b

    def jacobian(self, theta):
        _check_theta(np.asarray(theta), self.n_params, self)
        return self.A.copy()
