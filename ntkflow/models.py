"""Small networks on a flat parameter vector, and their stacked outputs.

A network is a pure function ``f(theta; X)``; the course's common currency is
the callable ``outputs(theta) -> x`` with ``x`` of shape ``(QN,)``, sample-major:
``x[j*Q + q]`` is output ``q`` of sample ``j``.
"""

from typing import NamedTuple

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
        self._n_params = sum(n_out * n_in + n_out for n_out, n_in in self._shapes)

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
        return self._n_params

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
        return self.outputs_and_jacobian(theta, X)[1]

    def linearize(self, theta, X):
        """The network's outputs and its Jacobian ``D`` as a linear map.

        Parameters
        ----------
        theta : ndarray, shape (K,)
        X : ndarray, shape (N, d)

        Returns
        -------
        MLPLinearization
            ``x``, and ``D`` applied without being formed: ``ntk()``,
            ``rmatvec(z)`` (``D^T z``), ``matvec(v)`` (``D v``), ``dense()``.
        """
        return MLPLinearization(self, theta, X)

    def outputs_and_jacobian(self, theta, X):
        """Stacked outputs and their Jacobian from one pass over the layers.

        Parameters
        ----------
        theta : ndarray, shape (K,)
        X : ndarray, shape (N, d)

        Returns
        -------
        x : ndarray, shape (QN,)
            ``self.outputs(X)(theta)``, up to rounding.
        D : ndarray, shape (QN, K)
            Row ``j*Q + q`` holds the gradient of output ``q`` of sample ``j``.
            Stored column by column (Fortran order): see Notes.

        Notes
        -----
        Let ``delta[i, r]`` be the derivative of output ``r = (j, q)`` by unit
        ``i`` of a layer's pre-activation. That layer's bias columns of ``D``
        are ``delta`` itself, and the column of weight ``(i, k)`` is
        ``delta[i, :]`` times input ``k`` of each sample. Built column by
        column, each of these is one pass along a contiguous run of QN numbers;
        row by row, the weight block interleaves ``n_in`` numbers per unit,
        which cost about twice as long at the course's sizes (``n_in = 4``).
        Every block is written straight into ``D``.
        """
        layers = self.unflatten(theta)
        tanh = self.activation == "tanh"
        last = len(layers) - 1
        n_samples, n_out, n_params = X.shape[0], self.n_outputs, theta.size
        # Activations are kept transposed, one row per unit, with a last row
        # of ones so that one matrix product also adds the biases.
        a = np.empty((X.shape[1] + 1, n_samples))
        a[:-1] = X.T
        a[-1] = 1.0
        inputs, hidden = [], []
        for i, (W, b) in enumerate(layers):
            width, n_in = W.shape
            scale = 1.0 / np.sqrt(n_in)
            inputs.append((a[:-1], scale))
            Wb = np.empty((width, n_in + 1))
            np.multiply(W, scale, out=Wb[:, :-1])
            Wb[:, -1] = b
            if i == last:
                z = Wb @ a
                break
            z = np.empty((width + 1, n_samples))
            np.matmul(Wb, a, out=z[:-1])
            z[-1] = 1.0
            if tanh:
                np.tanh(z[:-1], out=z[:-1])
            # Kept to form tanh's slope 1 - a**2 where it is needed.
            hidden.append(z[:-1] if tanh else None)
            a = z
        x = z.T.reshape(-1)

        rows = n_samples * n_out
        DT = np.empty((n_params, rows))  # D transposed, C order
        end = n_params
        for i in range(last, -1, -1):
            W = layers[i][0]
            width, n_in = W.shape
            a, scale = inputs[i]
            start = end - width - width * n_in
            bias = DT[end - width : end]
            weights = DT[start : end - width]
            if i == last:
                _last_layer_into(weights, bias, a, scale)
            else:
                unit_inputs = a * scale
                if n_out > 1:
                    unit_inputs = np.repeat(unit_inputs, n_out, axis=1)
                np.multiply(
                    bias[:, None, :],
                    unit_inputs[None, :, :],
                    out=weights.reshape(width, n_in, rows),
                )
            if i > 0:
                # The next block's bias part is delta itself: build it there.
                lower = DT[start - n_in : start]
                _backprop_into(
                    lower, bias if i < last else None, W * scale, hidden[i - 1], n_out
                )
            end = start
        return x, DT.T


def _tanh_slope(a):
    """``1 - a**2``, the derivative of tanh where it takes the value ``a``."""
    slope = a * a
    return np.subtract(1.0, slope, out=slope)


def _last_layer_into(weights, bias, a, scale):
    """The output layer's columns of ``D`` (transposed): ``delta`` is the identity.

    Output ``q`` depends on bias ``q`` and row ``q`` of ``W`` only, so the
    columns for ``(q', i)`` are ``a[i, j] * scale`` where ``q' = q`` and 0
    elsewhere.
    """
    n_out = bias.shape[0]
    n_in, n_samples = a.shape
    if n_out == 1:
        bias[...] = 1.0
        np.multiply(a, scale, out=weights)
        return
    bias[...] = 0.0
    weights[...] = 0.0
    by_output = bias.reshape(n_out, n_samples, n_out)
    blocks = weights.reshape(n_out, n_in, n_samples, n_out)
    for q in range(n_out):
        by_output[q, :, q] = 1.0
        np.multiply(a, scale, out=blocks[q, :, :, q])


def _backprop_into(out, delta, W_scaled, activation, n_out):
    """``out = (W_scaled^T delta) * (1 - activation**2)``, tanh's slope.

    ``out`` and ``delta`` are transposed blocks of ``D`` (unit by output
    ``(j, q)``); ``delta`` None means the identity (the output layer).
    ``activation`` is tanh's value, ``(n_in, N)``, shared by the outputs of a
    sample; None means a linear layer (slope 1).
    """
    n_in, rows = out.shape
    out = out.reshape(n_in, rows // n_out, n_out)
    if delta is None:
        # delta[q', (j, q)] = [q' = q]: the product is W_scaled[q, k] per sample.
        product = [W_scaled[q][:, None] for q in range(n_out)]
    else:
        product = (W_scaled.T @ delta).reshape(out.shape)
        product = [product[:, :, q] for q in range(n_out)]
    if activation is None:
        for q in range(n_out):
            out[:, :, q] = product[q]
    elif n_out == 1:
        # The slope built in place: no temporary the size of the layer.
        part = out[:, :, 0]
        np.multiply(activation, activation, out=part)
        np.subtract(1.0, part, out=part)
        np.multiply(product[0], part, out=part)
    else:
        # One output at a time: a broadcast over the short last axis (Q
        # numbers) took about twice as long.
        slope = _tanh_slope(activation)
        for q in range(n_out):
            np.multiply(product[q], slope, out=out[:, :, q])


class _InputKernel(NamedTuple):
    """A layer's scaled input ``s A`` and its factor ``1 + s^2 A A^T`` of Theta."""

    scaled: np.ndarray
    inner: np.ndarray
    #: ``inner`` with each entry repeated over a ``Q x Q`` block (or None).
    expanded: np.ndarray = None

    @classmethod
    def of(cls, scaled, n_outputs, expanded=False):
        inner = scaled @ scaled.T
        inner += 1.0
        if not expanded:
            return cls(scaled, inner)
        q = n_outputs
        return cls(scaled, inner, np.repeat(np.repeat(inner, q, axis=0), q, axis=1))


class MLPLinearization:
    """An MLP's outputs at ``theta`` and its Jacobian ``D``, kept in factors.

    Row ``(j, q)`` of layer ``l``'s block of ``D`` is ``delta_l[j, q, :]`` for
    the biases and ``delta_l[j, q, :]`` times the layer's scaled input
    ``s_l a_j`` for the weights (``delta_l``: derivative of output ``q`` by
    the layer's pre-activation). Hence, without forming ``D``,

        Theta = sum_l (Delta_l Delta_l^T) * (1 + s_l^2 A_l A_l^T)  (per sample),

    and ``D^T z``, ``D v`` are a few products with ``N x width`` matrices.
    At ``(N, Q, h) = (50, 3, 64)`` the kernel costs about an eighth of
    ``D @ D.T``. The first layer's factor ``1 + s^2 X X^T`` depends on the
    data only; :class:`StackedOutputs` computes it once for all ``theta``
    (``data_kernel``, an ``_InputKernel``).

    Attributes
    ----------
    x : ndarray, shape (QN,)
        The stacked outputs, ``outputs(theta)`` up to rounding.
    shape : tuple
        ``(QN, K)``, the shape of ``D``.
    """

    def __init__(self, model, theta, X, data_kernel=None):
        self.model, self.theta, self.X = model, theta, X
        n, q = X.shape[0], model.n_outputs
        self.n_samples, self.n_outputs = n, q
        tanh = model.activation == "tanh"
        # Per layer: its input scaled by 1/sqrt(n_in), W, and where W and b
        # start in theta.
        self.layers, start, a = [], 0, X
        slopes = []
        for i, (width, n_in) in enumerate(model._shapes):
            W = theta[start : start + width * n_in].reshape(width, n_in)
            b = theta[start + width * n_in : start + width * (n_in + 1)]
            if i == 0 and data_kernel is not None:
                scaled = data_kernel.scaled
            else:
                scaled = a * (1.0 / np.sqrt(n_in))
            self.layers.append((scaled, W, start))
            start += width * (n_in + 1)
            z = scaled @ W.T
            z += b
            if i < len(model._shapes) - 1:
                a = np.tanh(z, out=z) if tanh else z
                slopes.append(_tanh_slope(a) if tanh else None)
        self.x = z.reshape(-1)
        self.shape = (self.x.size, theta.size)
        # deltas[i]: (N, Q, width_i); the last layer's is the identity (None).
        self.deltas = [None] * len(self.layers)
        for i in range(len(self.layers) - 1, 0, -1):
            W_scaled = self.layers[i][1] * (1.0 / np.sqrt(self.layers[i][1].shape[1]))
            # Below the last layer delta is the identity: W itself, per sample.
            delta = W_scaled if i == len(self.layers) - 1 else self.deltas[i] @ W_scaled
            slope = slopes[i - 1]
            self.deltas[i - 1] = (
                np.broadcast_to(delta, (n, q, W_scaled.shape[1])).copy()
                if slope is None
                else delta * slope[:, None, :]
            )
        self._data_kernel = data_kernel

    def _input_kernel(self, i, expanded=False):
        """``1 + s^2 A A^T`` of layer ``i``, shape ``(N, N)``.

        ``expanded``: the same with each entry repeated over a ``Q x Q``
        block, shape ``(QN, QN)``, to multiply a per-output Gram matrix.
        """
        if i == 0 and self._data_kernel is not None:
            kernel = self._data_kernel
        else:
            kernel = _InputKernel.of(self.layers[i][0], self.n_outputs, expanded)
        return kernel.expanded if expanded else kernel.inner

    def ntk(self):
        """``Theta = D D^T``, shape ``(QN, QN)``."""
        n, q = self.n_samples, self.n_outputs
        Theta = None
        for i, delta in enumerate(self.deltas[:-1]):
            flat = delta.reshape(n * q, -1)
            gram = flat @ flat.T
            gram *= self._input_kernel(i, expanded=True)
            if Theta is None:
                Theta = gram
            else:
                Theta += gram
        if Theta is None:
            Theta = np.zeros((n * q, n * q))
        # The output layer: delta is the identity, so output q meets output q.
        inner = self._input_kernel(len(self.deltas) - 1)
        by_output = Theta.reshape(n, q, n, q)
        for k in range(q):
            by_output[:, k, :, k] += inner
        return Theta

    def rmatvec(self, z):
        """``D^T z`` for ``z`` of shape ``(QN,)``: a parameter vector ``(K,)``."""
        Z = z.reshape(self.n_samples, self.n_outputs)
        out = np.empty(self.shape[1])
        for (scaled, W, start), delta in zip(self.layers, self.deltas, strict=True):
            G = Z if delta is None else np.einsum("jq,jqi->ji", Z, delta)
            width, n_in = W.shape
            stop = start + width * n_in
            np.matmul(G.T, scaled, out=out[start:stop].reshape(width, n_in))
            np.add.reduce(G, axis=0, out=out[stop : stop + width])
        return out

    def matvec(self, v):
        """``D v`` for ``v`` of shape ``(K,)``: an output vector ``(QN,)``."""
        out = None
        # The output layer first: its delta is the identity, so its change
        # starts the sum without a separate zero-filled array.
        for (scaled, W, start), delta in reversed(
            list(zip(self.layers, self.deltas, strict=True))
        ):
            width, n_in = W.shape
            stop = start + width * n_in
            change = scaled @ v[start:stop].reshape(width, n_in).T
            change += v[stop : stop + width]
            if delta is None:
                out = change
            else:
                out += np.einsum("jqi,ji->jq", delta, change)
        return out.reshape(-1)

    def dense(self):
        """``D`` itself, shape ``(QN, K)``."""
        return self.model.outputs_and_jacobian(self.theta, self.X)[1]


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
        # A private read-only copy: what is computed once from X stays valid.
        self.X = np.array(X, dtype=np.float64)
        self.X.flags.writeable = False
        self.n_samples = X.shape[0]
        self.n_outputs = model.n_outputs
        self.n_params = model.n_params
        self._data_kernel = None

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
        return self.outputs_and_jacobian(theta)[1]

    def many(self, thetas):
        """``outputs(theta)`` for each row of ``thetas``, shape ``(T, QN)``.

        One batched pass over the layers instead of ``T`` calls: how a
        trajectory's outputs are recorded.
        """
        thetas = as_float_array("thetas", thetas, shape=(None, self.n_params))
        a, start = self.X, 0
        shapes = self.model._shapes
        for i, (width, n_in) in enumerate(shapes):
            W = thetas[:, start : start + width * n_in].reshape(-1, width, n_in)
            b = thetas[:, start + width * n_in : start + width * (n_in + 1)]
            start += width * (n_in + 1)
            z = a @ (W.transpose(0, 2, 1) * (1.0 / np.sqrt(n_in)))
            z += b[:, None, :]
            a = z if i == len(shapes) - 1 else self.model._sigma(z)
        return a.reshape(thetas.shape[0], -1)

    def outputs_and_jacobian(self, theta):
        """``(x, D)`` from one pass over the network; see :class:`MLP`."""
        theta = np.asarray(theta, dtype=np.float64)
        self._check(theta)
        return self.model.outputs_and_jacobian(theta, self.X)

    def linearize(self, theta):
        """``x`` and ``D`` as a linear map; see :meth:`MLP.linearize`."""
        theta = np.asarray(theta, dtype=np.float64)
        self._check(theta)
        if self._data_kernel is None:
            scaled = self.X * (1.0 / np.sqrt(self.X.shape[1]))
            kernel = _InputKernel.of(scaled, self.n_outputs, expanded=True)
            for array in kernel:
                array.flags.writeable = False
            self._data_kernel = kernel
        return MLPLinearization(self.model, theta, self.X, self._data_kernel)


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
