import numpy as np
import pytest
from finite_differences import central_differences

import ntkflow as nf


def test_general_jacobian_matches_finite_differences():
    import autograd.numpy as anp

    def outputs(theta):
        return anp.array([anp.sin(theta[0]) * theta[1], theta[1] ** 3, theta[0]])

    theta = np.array([0.3, -1.2])
    D = nf.jacobian(outputs, theta)
    fd = central_differences(outputs, theta)
    assert np.linalg.norm(D - fd) <= 1e-6 * np.linalg.norm(fd)


def test_ntk_is_D_Dt(iris_problem):
    outputs, _, theta0 = iris_problem
    D = nf.jacobian(outputs, theta0)
    # From the MLP's factors: the same sums in another order.
    Theta = D @ D.T
    np.testing.assert_allclose(
        nf.ntk(outputs, theta0), Theta, rtol=1e-13, atol=1e-14 * Theta.max()
    )
    general = nf.ntk(lambda th: outputs(th), theta0)
    np.testing.assert_allclose(general, Theta, rtol=1e-13, atol=1e-14 * Theta.max())


def test_ntk_blocks_are_sample_major():
    rng = np.random.default_rng(2)
    net = nf.MLP((3, 5, 2))
    X = rng.standard_normal((4, 3))
    theta = net.init(rng)
    Theta = nf.ntk(net.outputs(X), theta).reshape(4, 2, 4, 2)
    for i in range(4):
        for j in range(4):
            Di = net.outputs(X[i : i + 1]).jacobian(theta)
            Dj = net.outputs(X[j : j + 1]).jacobian(theta)
            np.testing.assert_allclose(Theta[i, :, j, :], Di @ Dj.T, atol=1e-13)


def test_rank_projector_pinv_against_numpy():
    rng = np.random.default_rng(0)
    D = rng.standard_normal((6, 4)) @ rng.standard_normal((4, 9))  # rank 4
    assert nf.rank(D) == np.linalg.matrix_rank(D) == 4
    P = nf.projector(D)
    np.testing.assert_allclose(P, P.T, atol=1e-14)
    np.testing.assert_allclose(P @ P, P, atol=1e-13)
    np.testing.assert_allclose(P @ D, D, atol=1e-12)
    np.testing.assert_allclose(nf.pinv(D), np.linalg.pinv(D, rtol=1e-13), atol=1e-11)


def test_projector_is_identity_at_full_rank(iris_problem):
    outputs, _, theta0 = iris_problem
    D = nf.jacobian(outputs, theta0)
    assert nf.rank(D) == D.shape[0]
    np.testing.assert_allclose(nf.projector(D), np.eye(D.shape[0]), atol=1e-12)


def test_duplicate_input_drops_rank_by_Q():
    data = nf.iris_subset(5, rng=0)
    X = nf.duplicate_inputs(data.X, 0, 14)
    net = nf.MLP((4, 32, 3))
    D = nf.jacobian(net.outputs(X), net.init(0))
    assert nf.rank(D) == D.shape[0] - 3
    # Explicit tolerance: a cut-off above the smallest true singular value
    # removes it too.
    s = np.linalg.svd(D, compute_uv=False)
    assert nf.rank(D, rtol=1.01 * s[-4] / s[0]) == D.shape[0] - 4


def test_outputs_not_callable_or_not_flat():
    with pytest.raises(TypeError, match="`outputs` must be a callable"):
        nf.jacobian(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match=r"must return a flat vector of shape \(QN,\)"):
        nf.evaluate(lambda th: np.zeros((2, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="`outputs\\(theta\\)` must be finite"):
        nf.evaluate(lambda th: th + np.nan, np.zeros(2))


def test_in_place_assignment_is_explained():
    def outputs(theta):
        x = np.zeros(2)
        x[0] = theta[0]
        return x

    with pytest.raises(TypeError, match="without in-place assignment"):
        nf.jacobian(outputs, np.ones(2))


def test_bad_theta():
    net = nf.MLP((2, 3, 1))
    outputs = net.outputs(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="`theta` must be finite"):
        nf.jacobian(outputs, np.full(net.n_params, np.inf))
    with pytest.raises(ValueError, match="`theta` must have 1 dimension"):
        nf.jacobian(outputs, np.zeros((1, net.n_params)))
    with pytest.raises(ValueError, match="`rtol` must lie in"):
        nf.rank(np.eye(2), rtol=-1)


class _GivenJacobian:
    """An outputs callable whose ``jacobian`` returns a fixed matrix."""

    def __init__(self, D):
        self.D = D

    def __call__(self, theta):
        # Finite outputs, so that only the Jacobian is at fault.
        return np.zeros(self.D.shape[0])

    def jacobian(self, theta):
        return self.D


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_entry_of_a_large_jacobian_is_named(bad):
    D = np.ones((300, 400))
    D[123, 45] = bad
    with pytest.raises(ValueError, match=r"at index \(123, 45\) \(1 non-finite"):
        nf.jacobian(_GivenJacobian(D), np.zeros(400))


def test_huge_finite_jacobian_passes():
    D = np.full((300, 400), 1e300)  # the squares overflow, the entries do not
    assert nf.jacobian(_GivenJacobian(D), np.zeros(400)) is not None
