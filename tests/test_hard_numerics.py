"""Hard numerics: each case has a stated behaviour, checked here."""

import warnings

import autograd.numpy as anp
import numpy as np
import pytest
import scipy.linalg
from scipy.special import softmax

import ntkflow as nf


def with_singular_values(S, n, k, seed=0):
    """An n x k matrix with the given singular values (padded with zeros)."""
    rng = np.random.default_rng(seed)
    U = np.linalg.qr(rng.standard_normal((n, n)))[0]
    V = np.linalg.qr(rng.standard_normal((k, k)))[0]
    sigma = np.zeros((n, k))
    sigma[np.arange(len(S)), np.arange(len(S))] = S
    return U @ sigma @ V.T


# Rank, pseudo-inverse and projector


def test_rank_follows_the_explicit_tolerance():
    D = with_singular_values([1.0, 1e-6, 1e-12], 3, 5)
    assert nf.rank(D) == 3  # default cut-off 5 * eps
    assert nf.rank(D, rtol=1e-9) == 2
    assert nf.rank(D, rtol=1e-3) == 1
    assert nf.range_basis(D, rtol=1e-9).rtol == 1e-9


def test_pinv_and_projector_stay_stable_near_singularity():
    D = with_singular_values([1.0, 0.5, 1e-11], 3, 6)
    P = nf.projector(D)
    np.testing.assert_allclose(P, P.T, atol=1e-15)
    np.testing.assert_allclose(P @ P, P, atol=1e-14)
    np.testing.assert_allclose(P, np.eye(3), atol=1e-14)  # full rank: the identity
    # Penrose conditions, relative to the sizes involved.
    # Backward errors at the rounding level amplified by cond(D) = 1e11.
    Dp = nf.pinv(D)
    bound = 100 * np.finfo(float).eps * 1e11
    assert np.linalg.norm(D @ Dp @ D - D) < bound
    assert np.linalg.norm(Dp @ D @ Dp - Dp) < bound * np.linalg.norm(Dp)
    np.testing.assert_allclose(Dp @ D, (Dp @ D).T, atol=bound)
    # Dropping the weak direction bounds |D^+| by 1 / 0.5.
    assert np.linalg.norm(nf.pinv(D, rtol=1e-8), 2) == pytest.approx(2.0)
    P2 = nf.projector(D, rtol=1e-8)
    np.testing.assert_allclose(P2 @ P2, P2, atol=1e-15)
    assert np.trace(P2) == pytest.approx(2.0)


def test_jitter_on_a_rank_deficient_kernel_changes_nothing():
    rng = np.random.default_rng(4)
    D = rng.standard_normal((6, 4)) @ rng.standard_normal((4, 9))  # rank 4
    Theta = D @ D.T
    jittered = Theta + 1e-13 * np.eye(6)
    g = rng.standard_normal(6)
    rtol = 1e-10
    # The same cut-off through the keywords numpy 2.4 and scipy 1.17 have.
    for K in (Theta, jittered):
        assert nf.rank(K, rtol=rtol) == 4
        assert np.linalg.matrix_rank(K, rtol=rtol, hermitian=True) == 4
        ours = nf.pinv(K, rtol=rtol)
        np.testing.assert_allclose(
            ours, np.linalg.pinv(K, rtol=rtol, hermitian=True), atol=1e-9
        )
        np.testing.assert_allclose(
            ours, scipy.linalg.pinvh(K, atol=0.0, rtol=rtol), atol=1e-9
        )
        # The adapted direction D^T Theta^+ g stays D^+ g: no blow-up.
        np.testing.assert_allclose(D.T @ ours @ g, nf.pinv(D) @ g, atol=1e-8)
        np.testing.assert_allclose(
            nf.kernel_velocity(K, g, 1.0, rtol=rtol),
            -nf.projector(D) @ g,
            atol=1e-9,
        )
    np.testing.assert_allclose(
        nf.pinv(D), scipy.linalg.pinv(D, atol=0.0, rtol=nf.kernel.default_rtol(D))
    )
    # Without a cut-off the jitter would count: Theta^+ would be of size 1e13.
    assert np.linalg.norm(np.linalg.pinv(jittered, rtol=0.0)) > 1e12


def test_ill_conditioned_kernel_warns_by_how_much():
    A = with_singular_values([1.0, 0.1, 1e-9], 3, 5)  # cond(D) = 1e9
    outputs = nf.linear_outputs(A)
    loss = nf.L2([1.0, -1.0, 0.5])
    with pytest.warns(nf.IllConditionedWarning) as record:
        traj = nf.flow(outputs, loss, np.zeros(5), 1.0, s_max=3.0)
    message = str(record[0].message)
    assert "condition number 1e+09, so 1e+18 for Theta" in message
    assert "accurate only to about 2e-07 relative" in message
    assert record[0].filename == __file__  # points at the caller
    assert np.isfinite(traj.x).all()  # a warning, not an error
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nf.flow(outputs, loss, np.zeros(5), 0.0, s_max=3.0)  # no inversion
        nf.flow(outputs, loss, np.zeros(5), 1.0, s_max=3.0, rank_rtol=1e-4)


def test_well_conditioned_problem_does_not_warn(iris_problem):
    outputs, loss, theta0 = iris_problem
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nf.flow(outputs, loss, theta0, 1.0, s_max=1.0)


# Cross-entropy at extreme logits and without a minimizer


def test_cross_entropy_with_logits_of_1e4():
    y = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    loss = nf.CrossEntropy(y)
    x = np.array([1e4, -1e4, 0.0, -1e4, 1e4, 1e4])
    # log softmax exactly: (0, -2e4, -1e4) and (-2e4 - log 2, -log 2, -log 2).
    expected = (0.2 * 2e4 + 0.1 * 1e4 + 0.1 * (2e4 + np.log(2)) + 0.9 * np.log(2)) / 2
    assert loss.value(x) == pytest.approx(expected, rel=1e-14)
    p = np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]])
    np.testing.assert_allclose(loss.grad(x), ((p - y) / 2).ravel(), atol=1e-15)
    assert np.isfinite(loss.hessian(x)).all()
    one_hot = nf.CrossEntropy([[1.0, 0.0]])
    assert one_hot.value([1e4, -1e4]) == 0.0
    assert one_hot.value([-1e4, 1e4]) == pytest.approx(2e4)


def test_one_hot_flow_runs_and_logits_grow():
    data = nf.iris_subset(2, rng=0)
    net = nf.MLP((4, 16, 3))
    outputs = net.outputs(data.X)
    theta0 = net.init(0)
    loss = nf.CrossEntropy(nf.one_hot(data.labels))
    traj = nf.flow(outputs, loss, theta0, 1.0, s_max=200.0)
    assert np.isfinite(traj.x).all() and np.isfinite(traj.loss).all()
    logits = traj.x.reshape(traj.x.shape[0], -1, 3)
    right = logits[:, np.arange(6), data.labels]
    margin = right - np.log(np.exp(logits).sum(axis=2) - np.exp(right))
    assert (np.diff(margin, axis=0) > -1e-9).all()  # every margin grows
    assert (margin[-1] > margin[0] + 3).all()
    assert traj.loss[-1] < 0.02 * traj.loss[0]
    # On the adapted flow the probabilities move along the gradient exactly.
    p = softmax(logits[-1], axis=1)
    assert (p[np.arange(6), data.labels] > 0.9).all()
    with pytest.raises(ValueError, match="no minimizer"):
        loss.minimizer(traj.x[0])


# Integration that blows up, stalls or would not end


def saturating(theta):
    return anp.tanh(theta)


@pytest.mark.parametrize("method", nf.METHODS)
def test_blow_up_stops_with_where_and_why(method):
    # tanh(theta) < 1 cannot reach the label 2. On the adapted flow the output
    # follows x = 2 - 2 e^(-s) and reaches the edge of the image at s = ln 2,
    # where theta runs off to infinity in finite time.
    with pytest.raises(nf.IntegrationError) as caught:
        nf.flow(saturating, nf.L2([2.0]), np.zeros(1), 1.0, s_max=5, method=method)
    message = str(caught.value)
    assert "s = 0.69314" in message
    assert "step size collapsed" in message


def test_overflowing_outputs_stop_with_where_and_why():
    def overflowing(theta):
        return anp.where(theta > 3, anp.inf, theta)

    with pytest.raises(nf.IntegrationError, match="outputs.theta. became non-finite"):
        nf.flow(overflowing, nf.L2([10.0]), np.zeros(1), 1.0, s_max=5)


@pytest.mark.parametrize("method", nf.METHODS)
def test_step_cap_holds_for_every_method(method):
    A = with_singular_values([3.0, 1.0, 0.01], 3, 4)
    outputs = nf.linear_outputs(A)
    with pytest.raises(nf.IntegrationError) as caught:
        nf.flow(
            outputs,
            nf.L2([1.0, 2.0, 3.0]),
            np.zeros(4),
            0.5,
            s_max=1e6,
            method=method,
            rtol=3e-14,
            atol=1e-20,
            max_steps=40,
        )
    assert "more than max_steps=40 steps before s = " in str(caught.value)
    assert "raise `max_steps`" in str(caught.value)


def test_very_long_flow_time_is_capped():
    A = with_singular_values([2.0, 1.0, 0.5], 3, 4)
    outputs, loss = nf.linear_outputs(A), nf.L2([1.0, 2.0, 3.0])
    with pytest.raises(nf.IntegrationError, match=r"max_steps=300 .* = 1e\+08"):
        # In flow time s an explicit method needs ever more steps; the
        # default t clock would reach s = 1e8 cheaply.
        nf.flow(outputs, loss, np.ones(4), 1.0, 1e8, method="DOP853", max_steps=300)
    traj = nf.flow(outputs, loss, np.ones(4), 1.0, 1e3, max_steps=300)
    assert traj.s[-1] == 1e3 and np.isfinite(traj.x).all()
    np.testing.assert_allclose(traj.x[-1], [1.0, 2.0, 3.0], atol=1e-10)


def test_tolerance_below_float64_is_raised_to_the_floor():
    A = with_singular_values([2.0, 1.0, 0.5], 3, 4)
    with pytest.warns(UserWarning, match="`rtol`=1e-17 is below what float64"):
        traj = nf.flow(
            nf.linear_outputs(A),
            nf.L2([1.0, 2.0, 3.0]),
            np.ones(4),
            1.0,
            1.0,
            rtol=1e-17,
        )
    assert np.isfinite(traj.x).all()


# Memory


@pytest.fixture
def budget():
    previous = nf.set_memory_budget()
    yield
    nf.set_memory_budget(previous)


class Forbidden:
    """Outputs of a known size whose Jacobian must never be built."""

    output_size = 1000

    def __call__(self, theta):
        raise AssertionError("evaluated")

    def jacobian(self, theta):
        raise AssertionError("built")


def test_memory_budget_is_checked_before_building(budget):
    theta = np.zeros(2000)
    nf.set_memory_budget(8 * 1000 * 2000 - 1)  # one byte short of D
    with pytest.raises(nf.MemoryBudgetError) as caught:
        nf.jacobian(Forbidden(), theta)
    message = str(caught.value)
    assert "D (1000 x 2000): 15.3 MiB" in message
    assert "memory budget of 15.3 MiB" in message
    assert "`ntkflow.set_memory_budget(n_bytes)`" in message
    nf.set_memory_budget(8 * 1000 * 2000)
    with pytest.raises(nf.MemoryBudgetError, match=r"Theta \(1000 x 1000\)"):
        nf.ntk(Forbidden(), theta)


def test_memory_budget_default_refuses_a_binder_breaking_size(budget):
    assert nf.memory_budget() == 512 * 2**20
    net = nf.MLP((4, 2048, 10))
    X = np.zeros((5000, 4))
    theta = net.init(0)
    with pytest.raises(nf.MemoryBudgetError, match="D .50000 x 30730.: 11,722"):
        nf.jacobian(net.outputs(X), theta)
    # The implicit methods would also need a K x K Jacobian of the field.
    small = nf.MLP((1, 3000, 1))
    outputs = small.outputs(np.zeros((2, 1)))
    with pytest.raises(nf.MemoryBudgetError, match="explicit method"):
        nf.flow(outputs, nf.L2([0.0, 1.0]), small.init(0), 0.5, method="LSODA")
    nf.set_memory_budget(2**31)
    assert nf.jacobian(outputs, small.init(0)).shape == (2, small.n_params)
