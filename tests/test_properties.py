"""Properties of the flows on small random networks and linear models.

Examples are drawn by hypothesis under the derandomized profile of conftest.py:
the same few on every run.
"""

import autograd.numpy as anp
import numpy as np
from finite_differences import central_differences
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.special import softmax

import ntkflow as nf

seeds = st.integers(0, 2**16)
alphas = st.lists(st.floats(0.0, 1.0), min_size=1, max_size=4).map(
    lambda a: [0.0, 1.0, *a]
)


def low_rank(rng, n, k, r):
    """An n x k matrix of rank r with singular values in [0.5, 2]."""
    U = np.linalg.qr(rng.standard_normal((n, n)))[0][:, :r]
    V = np.linalg.qr(rng.standard_normal((k, k)))[0][:, :r]
    return (U * rng.uniform(0.5, 2.0, r)) @ V.T


@st.composite
def linear_jacobians(draw):
    """(D, seed): a random Jacobian of a linear model, any rank."""
    rng = np.random.default_rng(draw(seeds))
    n, k = draw(st.integers(2, 6)), draw(st.integers(1, 8))
    r = draw(st.integers(1, min(n, k)))
    return low_rank(rng, n, k, r), rng


@st.composite
def small_mlps(draw, min_params_per_output=0):
    """(outputs, theta, rng) for a random small tanh or linear MLP."""
    rng = np.random.default_rng(draw(seeds))
    d, width = draw(st.integers(1, 3)), draw(st.integers(1, 8))
    q, n = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    net = nf.MLP((d, width, q), draw(st.sampled_from(["tanh", "linear"])))
    assume(net.n_params >= min_params_per_output * q * n)
    X = rng.standard_normal((n, d))
    return net, net.outputs(X), net.init(rng), rng


@st.composite
def narrow_mlps(draw):
    """Like small_mlps, with fewer parameters than outputs: K < QN."""
    rng = np.random.default_rng(draw(seeds))
    d, width, q = (draw(st.integers(1, 2)) for _ in range(3))
    net = nf.MLP((d, width, q), draw(st.sampled_from(["tanh", "linear"])))
    n = net.n_params // q + draw(st.integers(1, 3))
    return net, net.outputs(rng.standard_normal((n, d))), net.init(rng), rng


def left_kernel(D, rtol=None):
    """Orthonormal basis of the kernel of D^T (the complement of the range)."""
    U = np.linalg.svd(D)[0]
    return U[:, nf.rank(D, rtol) :]


def check_equilibria(D, g_kernel, g_any, alphas):
    scale = np.linalg.norm(g_kernel) * np.linalg.norm(nf.pinv(D), 2)
    standard = -D.T @ g_any
    for family in nf.FAMILIES:
        for alpha in alphas:
            v = nf.parameter_velocity(D, g_kernel, alpha, family)
            assert np.linalg.norm(v) <= 1e-12 * max(scale, 1.0)
            # Off the equilibria the field is a descent direction: not zero.
            w = nf.parameter_velocity(D, g_any, alpha, family)
            assert standard @ w > 0


@given(linear_jacobians(), alphas)
def test_blend_vanishes_exactly_at_standard_equilibria_linear(problem, alphas):
    D, rng = problem
    N = left_kernel(D)
    g_kernel = N @ rng.standard_normal(N.shape[1])
    assert np.abs(D.T @ g_kernel).max() < 1e-13 * max(np.linalg.norm(g_kernel), 1)
    g_any = g_kernel + D @ rng.standard_normal(D.shape[1])
    check_equilibria(D, g_kernel, g_any, alphas)


@given(narrow_mlps(), alphas)
def test_blend_vanishes_exactly_at_standard_equilibria_mlp(problem, alphas):
    _, outputs, theta, rng = problem
    D = nf.jacobian(outputs, theta)
    N = left_kernel(D)
    assert N.shape[1] >= D.shape[0] - D.shape[1] > 0
    g_kernel = N @ rng.standard_normal(N.shape[1])
    g_any = g_kernel + D @ rng.standard_normal(D.shape[1])
    check_equilibria(D, g_kernel, g_any, alphas)


def well_conditioned(D, limit=1e3):
    S = np.linalg.svd(D, compute_uv=False)
    return S.size == D.shape[0] and S[-1] > S[0] / limit


@given(small_mlps(min_params_per_output=3))
def test_fiber_sums_are_conserved_on_cross_entropy_adapted_flows(problem):
    net, outputs, theta, rng = problem
    assume(net.n_outputs >= 2)
    D = nf.jacobian(outputs, theta)
    assume(well_conditioned(D))
    y = softmax(rng.standard_normal((outputs.n_samples, net.n_outputs)), axis=1)
    loss = nf.CrossEntropy(y)
    traj = nf.flow(outputs, loss, theta, 1.0, s_max=2.0 * loss.n_samples)
    sums = np.array([loss.fiber_sums(x) for x in traj.x])
    np.testing.assert_allclose(sums - sums[0], 0.0, atol=1e-8)
    assert traj.loss[-1] < traj.loss[0]


def on_chord(traj, y):
    x0 = traj.x[0]
    chord = x0 + traj.t[:, None] * (y - x0)
    return np.linalg.norm(traj.x - chord, axis=1).max() / np.linalg.norm(y - x0)


@given(seeds, st.integers(1, 5), st.integers(0, 4))
def test_adapted_squared_loss_path_is_the_chord_linear(seed, n, extra):
    rng = np.random.default_rng(seed)
    A = low_rank(rng, n, n + extra, n)  # full row rank
    outputs = nf.linear_outputs(A, rng.standard_normal(n))
    y = rng.standard_normal(n)
    traj = nf.flow(outputs, nf.L2(y), rng.standard_normal(n + extra), 1.0, 3.0 * n)
    assert on_chord(traj, y) < 1e-8


@given(small_mlps(min_params_per_output=3))
def test_adapted_squared_loss_path_is_the_chord_mlp(problem):
    net, outputs, theta, rng = problem
    assume(well_conditioned(nf.jacobian(outputs, theta)))
    y = rng.standard_normal((outputs.n_samples, net.n_outputs))
    traj = nf.flow(outputs, nf.L2(y), theta, 1.0, s_max=2.0 * outputs.n_samples)
    assert on_chord(traj, y.ravel()) < 1e-7


@given(small_mlps())
def test_jacobian_matches_finite_differences(problem):
    net, outputs, theta, _ = problem
    D = nf.jacobian(outputs, theta)
    fd = central_differences(outputs, theta)
    assert np.linalg.norm(D - fd) <= 1e-6 * max(np.linalg.norm(fd), 1.0)
    # autograd on a plain callable agrees with the closed form.
    general = nf.jacobian(lambda th: anp.reshape(net.apply(th, outputs.X), -1), theta)
    np.testing.assert_allclose(general, D, atol=1e-12)


@given(small_mlps())
def test_kernel_blocks_are_sample_major(problem):
    net, outputs, theta, _ = problem
    n, q = outputs.n_samples, net.n_outputs
    Theta = nf.ntk(outputs, theta).reshape(n, q, n, q)
    for i in range(n):
        Di = net.outputs(outputs.X[i : i + 1]).jacobian(theta)
        for j in range(n):
            Dj = net.outputs(outputs.X[j : j + 1]).jacobian(theta)
            np.testing.assert_allclose(Theta[i, :, j, :], Di @ Dj.T, atol=1e-12)


@given(linear_jacobians())
def test_projector_is_symmetric_idempotent_and_identity_at_full_rank(problem):
    D, _ = problem
    P = nf.projector(D)
    np.testing.assert_allclose(P, P.T, atol=1e-14)
    np.testing.assert_allclose(P @ P, P, atol=1e-13)
    np.testing.assert_allclose(P @ D, D, atol=1e-13)
    assert abs(np.trace(P) - nf.rank(D)) < 1e-12
    if nf.rank(D) == D.shape[0]:
        np.testing.assert_allclose(P, np.eye(D.shape[0]), atol=1e-14)


@given(small_mlps())
def test_projector_of_mlp_jacobians(problem):
    _, outputs, theta, _ = problem
    D = nf.jacobian(outputs, theta)
    P = nf.projector(D)
    np.testing.assert_allclose(P, P.T, atol=1e-13)
    np.testing.assert_allclose(P @ P, P, atol=1e-12)
    if nf.rank(D) == D.shape[0]:
        np.testing.assert_allclose(P, np.eye(D.shape[0]), atol=1e-12)
