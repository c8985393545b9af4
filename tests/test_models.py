import autograd
import numpy as np
import pytest
from finite_differences import central_differences

import ntkflow as nf


@pytest.mark.parametrize("sizes", [(4, 7, 3), (2, 5, 6, 1), (3, 2)])
@pytest.mark.parametrize("activation", ["tanh", "linear"])
def test_closed_form_jacobian_matches_finite_differences(sizes, activation):
    rng = np.random.default_rng(3)
    net = nf.MLP(sizes, activation)
    X = rng.standard_normal((5, sizes[0]))
    outputs = net.outputs(X)
    theta = net.init(rng)
    D = outputs.jacobian(theta)
    fd = central_differences(outputs, theta)
    assert D.shape == (5 * sizes[-1], net.n_params)
    assert np.linalg.norm(D - fd) <= 1e-6 * np.linalg.norm(fd)


def test_closed_form_jacobian_matches_autograd():
    rng = np.random.default_rng(4)
    net = nf.MLP((4, 9, 3))
    outputs = net.outputs(rng.standard_normal((6, 4)))
    theta = net.init(rng)
    general = autograd.jacobian(lambda th: outputs(th))(theta)
    np.testing.assert_allclose(outputs.jacobian(theta), general, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "sizes", [(4, 32, 1), (4, 20, 3), (20, 18, 2), (3, 5, 6, 2), (2, 3, 4, 5, 3)]
)
@pytest.mark.parametrize("activation", ["tanh", "linear"])
def test_batched_jacobian_equals_autograd_row_by_row(sizes, activation):
    # One or several outputs, few or many inputs per layer, deep and shallow.
    rng = np.random.default_rng(6)
    net = nf.MLP(sizes, activation)
    X = rng.standard_normal((11, sizes[0]))
    theta = net.init(rng)
    outputs = net.outputs(X)
    general = autograd.jacobian(lambda th: outputs(th))(theta)
    x, D = outputs.outputs_and_jacobian(theta)
    np.testing.assert_allclose(D, general, rtol=0, atol=1e-12)
    np.testing.assert_allclose(x, outputs(theta), rtol=1e-14, atol=1e-14)


def test_outputs_are_sample_major():
    rng = np.random.default_rng(5)
    net = nf.MLP((2, 4, 3))
    X = rng.standard_normal((4, 2))
    theta = net.init(rng)
    x = net.outputs(X)(theta)
    for j in range(4):
        single = net.apply(theta, X[j : j + 1])[0]
        np.testing.assert_allclose(x[j * 3 : (j + 1) * 3], single, rtol=1e-13)


def test_parameter_count_and_layout():
    net = nf.MLP((4, 16, 3))
    assert net.n_params == 4 * 16 + 16 + 16 * 3 + 3
    theta = np.arange(net.n_params, dtype=float)
    (W1, b1), (W2, b2) = net.unflatten(theta)
    assert W1.shape == (16, 4) and b1.shape == (16,)
    assert W2.shape == (3, 16) and b2.shape == (3,)
    np.testing.assert_array_equal(
        np.concatenate([W1.ravel(), b1, W2.ravel(), b2]), theta
    )


def test_seeded_init_is_reproducible():
    net = nf.MLP((4, 8, 2))
    np.testing.assert_array_equal(net.init(7), net.init(7))
    assert not np.array_equal(net.init(7), net.init(8))


def test_ntk_parametrization_keeps_kernel_of_order_one():
    # Under the NTK scaling the kernel's diagonal tends to a finite limit
    # as the width grows: its relative spread over seeds shrinks.
    X = np.random.default_rng(0).standard_normal((3, 4))
    spreads = []
    for width in (16, 1024):
        net = nf.MLP((4, width, 1))
        diag = [np.diag(nf.ntk(net.outputs(X), net.init(s)))[0] for s in range(8)]
        spreads.append(np.std(diag) / np.mean(diag))
    assert spreads[1] < spreads[0] / 3


def test_linear_outputs_jacobian_is_A():
    A = np.random.default_rng(1).standard_normal((4, 6))
    outputs = nf.linear_outputs(A, b=np.ones(4))
    theta = np.linspace(-1, 1, 6)
    np.testing.assert_allclose(outputs(theta), A @ theta + 1)
    np.testing.assert_array_equal(nf.jacobian(outputs, theta), A)


@pytest.mark.parametrize(
    "sizes, error, words",
    [
        ((4,), ValueError, "at least an input and an output"),
        ((4, 0, 3), ValueError, "sizes[1]"),
        ((4, 2.5, 3), TypeError, "sizes[1]"),
        ("43", TypeError, "sequence of layer widths"),
    ],
)
def test_bad_sizes(sizes, error, words):
    with pytest.raises(error, match=words.replace("[", r"\[").replace("]", r"\]")):
        nf.MLP(sizes)


def test_bad_activation_and_inputs():
    with pytest.raises(ValueError, match="`activation` must be one of"):
        nf.MLP((2, 3), activation="relu6")
    net = nf.MLP((4, 3, 2))
    with pytest.raises(ValueError, match=r"`X` must have shape \('any', 4\)"):
        net.outputs(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="`X` must be finite"):
        net.outputs(np.full((2, 4), np.nan))
    with pytest.raises(TypeError, match="`rng` must be an integer seed"):
        net.init("seed")


@pytest.mark.parametrize("sizes", [(4, 16, 3), (3, 5, 6, 2), (2, 1)])
@pytest.mark.parametrize("activation", ["tanh", "linear"])
def test_linearization_applies_the_dense_jacobian(sizes, activation):
    rng = np.random.default_rng(7)
    net = nf.MLP(sizes, activation)
    outputs = net.outputs(rng.standard_normal((9, sizes[0])))
    theta = net.init(rng)
    D = autograd.jacobian(lambda th: outputs(th))(theta)
    lin = outputs.linearize(theta)
    assert lin.shape == D.shape
    z, v = rng.standard_normal(D.shape[0]), rng.standard_normal(D.shape[1])
    np.testing.assert_allclose(lin.x, outputs(theta), rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(lin.ntk(), D @ D.T, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(lin.rmatvec(z), D.T @ z, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(lin.matvec(v), D @ v, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(lin.dense(), D, rtol=0, atol=1e-12)


@pytest.mark.parametrize("sizes", [(4, 7, 3), (2, 5, 6, 1), (3, 2)])
@pytest.mark.parametrize("activation", ["tanh", "linear"])
def test_many_parameter_vectors_at_once_equal_one_at_a_time(sizes, activation):
    rng = np.random.default_rng(8)
    net = nf.MLP(sizes, activation)
    outputs = net.outputs(rng.standard_normal((5, sizes[0])))
    thetas = rng.standard_normal((6, net.n_params))
    expected = np.array([outputs(theta) for theta in thetas])
    np.testing.assert_allclose(outputs.many(thetas), expected, rtol=1e-14, atol=1e-14)
    with pytest.raises(ValueError, match="thetas"):
        outputs.many(thetas[:, 1:])


def test_the_data_set_cannot_change_under_a_network():
    # Quantities computed once from X stay valid: X is a private copy.
    X = np.ones((3, 2))
    outputs = nf.MLP((2, 4, 1)).outputs(X)
    X[0, 0] = 5.0
    assert outputs.X[0, 0] == 1.0
    with pytest.raises(ValueError):
        outputs.X[0, 0] = 5.0
