import numpy as np
import pytest
from scipy.linalg import expm

import ntkflow as nf


@pytest.fixture(scope="module")
def linear():
    """A linear model: its kernel A A^T never changes."""
    rng = np.random.default_rng(3)
    A = rng.standard_normal((6, 9)) / 3
    b = rng.standard_normal(6)
    y = rng.standard_normal((3, 2))  # N = 3, Q = 2
    return nf.linear_outputs(A, b), A, y, rng.standard_normal(9)


def test_lazy_outputs_equal_the_matrix_exponential(linear):
    _, A, y, _ = linear
    Theta = A @ A.T
    x0 = np.arange(6.0) / 5
    s = np.array([0.0, 0.5, 2.0, 7.0])
    got = nf.lazy_outputs(Theta, x0, y, s)
    target = y.reshape(-1)
    for k, sk in enumerate(s):
        expected = target + expm(-Theta * sk / 3) @ (x0 - target)
        np.testing.assert_allclose(got[k], expected, atol=1e-13)
    np.testing.assert_allclose(nf.lazy_outputs(Theta, x0, y, 2.0), got[2], atol=0)


def test_lazy_outputs_are_the_standard_flow_of_a_linear_model(linear):
    outputs, A, y, theta0 = linear
    s = np.linspace(0, 6, 13)
    tr = nf.flow(outputs, nf.L2(y), theta0, alpha=0.0, s_max=6, s_eval=s, rtol=1e-12)
    lazy = nf.lazy_outputs(A @ A.T, tr.x[0], y, s)
    np.testing.assert_allclose(tr.x, lazy, atol=1e-9)


def test_residual_modes_decay_at_their_own_rates(linear):
    _, A, y, _ = linear
    Theta = A @ A.T
    x0 = np.ones(6)
    s = np.array([0.0, 1.0, 3.0])
    lam, coords = nf.residual_modes(Theta, nf.lazy_outputs(Theta, x0, y, s), y)
    assert (np.diff(lam) <= 0).all()
    np.testing.assert_allclose(lam, np.linalg.eigvalsh(Theta)[::-1], rtol=1e-12)
    expected = coords[0] * np.exp(-np.outer(s, lam) / 3)
    np.testing.assert_allclose(coords, expected, atol=1e-13)


def test_kernel_modes_diagonalize(linear):
    _, A, _, _ = linear
    Theta = A @ A.T
    lam, W = nf.kernel_modes(Theta)
    np.testing.assert_allclose(W @ np.diag(lam) @ W.T, Theta, atol=1e-13)
    np.testing.assert_allclose(W.T @ W, np.eye(6), atol=1e-13)


def test_bad_input_is_named(linear):
    _, A, y, _ = linear
    Theta = A @ A.T
    with pytest.raises(ValueError, match="symmetric"):
        nf.lazy_outputs(Theta + np.triu(np.ones((6, 6)), 1), np.zeros(6), y, 1.0)
    with pytest.raises(ValueError, match="`s`"):
        nf.lazy_outputs(Theta, np.zeros(6), y, -1.0)
    with pytest.raises(ValueError, match="`x0`"):
        nf.lazy_outputs(Theta, np.zeros(5), y, 1.0)
    with pytest.raises(ValueError, match="`y` holds 4"):
        nf.lazy_outputs(Theta, np.zeros(6), np.zeros((2, 2)), 1.0)


def test_mode_exchange_of_a_linear_model_has_no_coupling(linear):
    # A linear model's kernel never changes: each mode decays on its own at
    # its eigenvalue, exactly as the closed form says.
    outputs, A, y, theta0 = linear
    s = np.linspace(0, 6, 601)
    tr = nf.flow(outputs, nf.L2(y), theta0, alpha=0.0, s_max=6, s_eval=s, rtol=1e-12)
    Theta = A @ A.T
    lam, coords = nf.residual_modes(Theta, tr.x, y)
    modes = [0, 2, 5]
    rate, own, coupled, change = nf.lazy.mode_exchange(outputs, tr, y, Theta, modes)
    np.testing.assert_allclose(rate, np.broadcast_to(lam[modes], rate.shape), rtol=1e-9)
    closed_form = coords[0, modes] * (np.exp(-lam[modes] * 6 / 3) - 1)
    np.testing.assert_allclose(change, closed_form, atol=1e-9)
    np.testing.assert_allclose(own, closed_form, rtol=1e-3, atol=1e-9)
    np.testing.assert_allclose(coupled, 0.0, atol=1e-9)


def test_mode_exchange_adds_up_for_a_network():
    data = nf.iris_subset(3, rng=0)
    net = nf.MLP((4, 6, 3))
    outputs, y = net.outputs(data.X), nf.one_hot(data.labels)
    theta0 = net.init(1)
    s = np.linspace(0, 27, 271)
    tr = nf.flow(outputs, nf.L2(y), theta0, alpha=0.0, s_max=27, s_eval=s, rtol=1e-10)
    Theta0 = nf.ntk(outputs, theta0)
    rate, own, coupled, change = nf.lazy.mode_exchange(
        outputs, tr, y, Theta0, [0, 4, 26]
    )
    # The two parts add up to the measured change of each coordinate ...
    np.testing.assert_allclose(own + coupled, change, rtol=1e-2, atol=1e-5)
    # ... and at s = 0 the rate is the eigenvalue; the kernel then moves.
    np.testing.assert_allclose(rate[0], nf.kernel_modes(Theta0)[0][[0, 4, 26]])
    assert np.abs(coupled).max() > 1e-4
    with pytest.raises(ValueError, match="`modes`"):
        nf.lazy.mode_exchange(outputs, tr, y, Theta0, [27])
