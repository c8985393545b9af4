import numpy as np
import pytest
from finite_differences import central_differences
from scipy.special import softmax

import ntkflow as nf


def test_l2_value_grad_hessian():
    y = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    loss = nf.L2(y)
    x = np.arange(6, dtype=float) / 7
    r = x - y.ravel()
    assert loss.value(x) == pytest.approx(r @ r / 6, rel=1e-15)
    grad_fd = central_differences(lambda v: np.array([loss.value(v)]), x)[0]
    np.testing.assert_allclose(loss.grad(x), grad_fd, atol=1e-9)
    np.testing.assert_allclose(loss.hessian(x), np.eye(6) / 3)
    np.testing.assert_array_equal(loss.minimizer(x), y.ravel())


def test_l2_accepts_one_output_labels():
    loss = nf.L2([1.0, 2.0, 3.0])
    assert (loss.n_samples, loss.n_outputs) == (3, 1)


def test_cross_entropy_value_and_gradient():
    rng = np.random.default_rng(0)
    y = softmax(rng.standard_normal((4, 3)), axis=1)
    loss = nf.CrossEntropy(y)
    x = rng.standard_normal(12)
    direct = -np.sum(y * np.log(softmax(x.reshape(4, 3), axis=1))) / 4
    assert loss.value(x) == pytest.approx(direct, rel=1e-13)
    grad_fd = central_differences(lambda v: np.array([loss.value(v)]), x)[0]
    np.testing.assert_allclose(loss.grad(x), grad_fd, atol=1e-9)
    hess_fd = central_differences(loss.grad, x)
    np.testing.assert_allclose(loss.hessian(x), hess_fd, atol=1e-8)


def test_cross_entropy_is_stable_for_huge_logits():
    loss = nf.CrossEntropy([[0.2, 0.3, 0.5]])
    x = np.array([1e3, -1e3, 0.0])
    # log softmax = x - max - log(1 + ...) exactly here: (0, -2000, -1000).
    assert loss.value(x) == pytest.approx(0.3 * 2000 + 0.5 * 1000, rel=1e-12)
    assert np.isfinite(loss.grad(x)).all()
    assert np.isfinite(nf.CrossEntropy([[1.0, 0.0]]).value([-1e4, 1e4]))


def test_cross_entropy_minimizer_matches_closed_form():
    rng = np.random.default_rng(1)
    y = nf.one_hot([0, 2, 1, 1], 3, smoothing=0.2)
    loss = nf.CrossEntropy(y)
    x0 = rng.standard_normal(12) * 3
    x_star = loss.minimizer(x0)
    c = x0.reshape(4, 3).sum(axis=1)
    closed = np.log(y) + ((c - np.log(y).sum(axis=1)) / 3)[:, None]
    np.testing.assert_allclose(x_star, closed.ravel(), atol=1e-10)
    # Independent checks: it lies on the fiber, the gradient vanishes there.
    np.testing.assert_allclose(loss.fiber_sums(x_star), c, atol=1e-12)
    np.testing.assert_allclose(softmax(x_star.reshape(4, 3), axis=1), y, atol=1e-12)
    np.testing.assert_allclose(loss.grad(x_star), 0.0, atol=1e-15)


def test_cross_entropy_without_minimizer_for_one_hot():
    loss = nf.CrossEntropy(nf.one_hot([0, 1]))
    with pytest.raises(ValueError, match="no minimizer when a label has a zero"):
        loss.minimizer(np.zeros(4))


@pytest.mark.parametrize(
    "y, words",
    [
        ([[0.5, 0.6]], "sum to 1 in every row; got row 0 summing to 1.1"),
        ([[1.2, -0.2]], r"probabilities \(>= 0\); got y\[0, 1\] = -0.2"),
        ([[1.0], [1.0]], "Q >= 2 classes"),
        ([[np.nan, 1.0]], "`y` must be finite"),
    ],
)
def test_cross_entropy_rejects_bad_labels(y, words):
    with pytest.raises(ValueError, match=words):
        nf.CrossEntropy(y)


def test_wrong_output_shape_is_named():
    loss = nf.L2(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"`x` must have shape \(6,\)"):
        loss.grad(np.zeros(5))
    with pytest.raises(ValueError, match=r"`y` must have shape \(N, Q\)"):
        nf.L2(np.zeros((2, 2, 2)))


@pytest.mark.parametrize("make", [lambda y: nf.L2(y), lambda y: nf.CrossEntropy(y)])
def test_batched_losses_equal_one_at_a_time(make):
    rng = np.random.default_rng(3)
    y = rng.dirichlet(np.ones(3), size=4)
    loss = make(y)
    xs = rng.standard_normal((5, 12)) * 3
    expected = [loss.value(x) for x in xs]
    np.testing.assert_allclose(loss._values(xs), expected, rtol=1e-14)
