import numpy as np
import pytest
from scipy.linalg import expm

import ntkflow as nf


@pytest.fixture(scope="module")
def adapted(iris_problem):
    outputs, loss, theta0 = iris_problem
    return nf.flow(outputs, loss, theta0, alpha=1.0, s_max=5 * loss.n_samples)


def test_adapted_outputs_follow_the_chord_on_the_reparametrized_clock(
    adapted, iris_problem
):
    _, loss, _ = iris_problem
    assert adapted.s[-1] == pytest.approx(5 * loss.n_samples)
    # Independent of ntkflow.chord_deviation: the chord point at each t.
    x0, y = adapted.x[0], loss.target
    chord = x0 + adapted.t[:, None] * (y - x0)
    deviation = np.linalg.norm(adapted.x - chord, axis=1).max()
    assert deviation <= 1e-8 * np.linalg.norm(x0 - y)
    assert nf.chord_deviation(adapted, y) == pytest.approx(
        deviation / np.linalg.norm(x0 - y)
    )


def test_adapted_loss_decays_at_the_uniform_rate(adapted):
    n = adapted.n_samples
    ratio = adapted.loss / adapted.loss[0]
    np.testing.assert_allclose(ratio, np.exp(-2 * adapted.s / n), rtol=0, atol=1e-8)


def test_time_to_reach_epsilon_is_known_in_advance(iris_problem):
    outputs, loss, theta0 = iris_problem
    eps_ratio = 1e-3
    traj = nf.flow(outputs, loss, theta0, 1.0, s_max=1e3, loss_ratio=eps_ratio)
    predicted = loss.n_samples / 2 * np.log(1 / eps_ratio)
    assert traj.s[-1] == pytest.approx(predicted, rel=1e-8)
    assert traj.loss[-1] / traj.loss[0] == pytest.approx(eps_ratio, rel=1e-7)


@pytest.mark.parametrize("family", ["blend", "spectral"])
@pytest.mark.parametrize("alpha", [0.0, 0.5, 0.9])
def test_linear_model_matches_the_matrix_exponential(alpha, family):
    rng = np.random.default_rng(0)
    A = rng.standard_normal((6, 10)) / 3
    outputs = nf.linear_outputs(A)
    y = rng.standard_normal(6)
    loss = nf.L2(y)
    theta0 = rng.standard_normal(10)
    s = np.linspace(0, 12, 7)
    traj = nf.flow(outputs, loss, theta0, alpha, s_max=12, family=family, s_eval=s)
    Theta = A @ A.T
    lam, W = np.linalg.eigh(Theta)
    if family == "blend":
        rate = (1 - alpha) * Theta + alpha * np.eye(6)
    else:
        rate = (W * lam ** (1 - alpha)) @ W.T
    x0 = outputs(theta0)
    for k, sk in enumerate(s):
        exact = y + expm(-rate * sk / 6) @ (x0 - y)
        np.testing.assert_allclose(traj.x[k], exact, atol=1e-7)


@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0])
def test_rank_deficient_equilibrium_stays_put(alpha):
    # Two flowers with the same measurements: equal rows of D. Labels that
    # differ only along e_i - e_j put the residual in the kernel of D^T.
    data = nf.iris_subset(4, rng=2)
    X = nf.duplicate_inputs(data.X, 0, 11)
    net = nf.MLP((4, 16, 3))
    outputs = net.outputs(X)
    theta0 = net.init(3)
    x0 = outputs(theta0)
    y = x0.copy()
    y[0 * 3 + 1] += 0.4
    y[11 * 3 + 1] -= 0.4
    loss = nf.L2(y.reshape(12, 3))
    D = nf.jacobian(outputs, theta0)
    assert nf.rank(D) < D.shape[0]
    assert np.abs(D.T @ loss.grad(x0)).max() < 1e-14
    traj = nf.flow(outputs, loss, theta0, alpha, s_max=60)
    assert np.abs(traj.theta - theta0).max() < 1e-12
    assert traj.loss[-1] == pytest.approx(traj.loss[0], rel=1e-12)
    assert traj.loss[0] > 0.01  # a non-global equilibrium


def test_cross_entropy_adapted_flow_stays_on_the_fiber():
    data = nf.iris_subset(3, rng=0)
    net = nf.MLP((4, 24, 3))
    outputs = net.outputs(data.X)
    theta0 = net.init(1)
    loss = nf.CrossEntropy(nf.one_hot(data.labels, smoothing=0.3))
    traj = nf.flow(outputs, loss, theta0, 1.0, s_max=400)
    sums = np.array([loss.fiber_sums(x) for x in traj.x])
    np.testing.assert_allclose(sums, np.broadcast_to(sums[0], sums.shape), atol=1e-8)
    target = loss.minimizer(traj.x[0])
    start, end = (np.linalg.norm(traj.x[i] - target) for i in (0, -1))
    assert end < 0.05 * start


def test_sweep_reports_progress(iris_problem):
    outputs, loss, theta0 = iris_problem
    calls = []
    trajs = nf.sweep(
        outputs,
        loss,
        theta0,
        [0.5, 1.0],
        s_max=3.0,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert [t.alpha for t in trajs] == [0.5, 1.0]
    assert calls == [(1, 2), (2, 2)]


def test_reparametrize_and_inverse():
    s = np.array([0.0, 1.0, 30.0])
    t = nf.reparametrize(s, 10)
    np.testing.assert_allclose(t, 1 - np.exp(-s / 10), rtol=1e-15)
    np.testing.assert_allclose(nf.flow_time(t, 10), s, rtol=1e-12)


def test_step_cap_raises_with_location(iris_problem):
    outputs, loss, theta0 = iris_problem
    with pytest.raises(nf.IntegrationError, match="more than max_steps=3 steps"):
        nf.flow(outputs, loss, theta0, 1.0, s_max=100, max_steps=3)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"alpha": -0.1}, ValueError, r"`alpha` must lie in \[0, 1\]"),
        ({"s_max": 0.0}, ValueError, r"`s_max` must lie in \(0"),
        ({"s_max": -5}, ValueError, r"`s_max` must lie in \(0"),
        ({"method": "Euler"}, ValueError, "`method` must be one of"),
        ({"loss_ratio": 2.0}, ValueError, "`loss_ratio` must lie in"),
        ({"theta0": np.zeros(3)}, ValueError, r"`theta` must have shape \(259,\)"),
        ({"s_eval": [3.0, 1.0]}, ValueError, "`s_eval` must be increasing"),
    ],
)
def test_bad_flow_arguments(iris_problem, kwargs, error, words):
    outputs, loss, theta0 = iris_problem
    args = {"theta0": theta0, "alpha": 1.0, "s_max": 5.0}
    args.update(kwargs)
    with pytest.raises(error, match=words):
        nf.flow(outputs, loss, **args)


def test_labels_that_do_not_fit_the_outputs(iris_problem):
    outputs, _, theta0 = iris_problem
    with pytest.raises(ValueError, match="`loss` labels hold 6 numbers"):
        nf.flow(outputs, nf.L2(np.zeros((3, 2))), theta0)
    with pytest.raises(TypeError, match="`loss` must be an ntkflow loss"):
        nf.flow(outputs, lambda x: x @ x, theta0)


@pytest.mark.parametrize("s_max_over_n", [5.0, 30.0])
def test_t_clock_matches_the_closed_form_of_a_linear_model(s_max_over_n):
    # x = A theta: D is constant, so the adapted flow is known exactly,
    # x(s) = y + exp(-s/N)(x0 - y) and theta(s) = theta0 - t A^+ (x0 - y).
    # Beyond s = N ln 1e9 the t clock hands over to the s clock.
    rng = np.random.default_rng(11)
    A = rng.standard_normal((6, 14))
    outputs = nf.linear_outputs(A)
    loss = nf.L2(rng.standard_normal((3, 2)))
    theta0 = rng.standard_normal(14)
    n = loss.n_samples
    traj = nf.flow(outputs, loss, theta0, 1.0, s_max=s_max_over_n * n)
    assert traj.method == "LSODA" and traj.s[-1] == s_max_over_n * n
    x0, y = outputs(theta0), loss.target
    t = -np.expm1(-traj.s / n)[:, None]
    np.testing.assert_allclose(traj.x, x0 + t * (y - x0), rtol=0, atol=1e-10)
    step = np.linalg.pinv(A) @ (x0 - y)
    np.testing.assert_allclose(traj.theta, theta0 - t * step, rtol=0, atol=1e-9)


def test_t_clock_needs_fewer_field_evaluations_than_the_s_clock(iris_problem):
    outputs, loss, theta0 = iris_problem
    in_t = nf.flow(outputs, loss, theta0, 1.0)
    in_s = nf.flow(outputs, loss, theta0, 1.0, method="DOP853")
    assert in_t.nfev < in_s.nfev
    np.testing.assert_allclose(in_t.x[-1], in_s.x[-1], rtol=0, atol=1e-8)
    assert nf.chord_deviation(in_t, loss.target) < 1e-10


@pytest.fixture(scope="module")
def ill_conditioned():
    # N = 400 samples, one output, width 128: cond(Theta) is about 1e11.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((400, 4))
    net = nf.MLP((4, 128, 1))
    outputs = net.outputs(X)
    theta0 = net.init(1)
    loss = nf.L2(np.tanh(X @ rng.standard_normal(4)))
    lam = np.linalg.eigvalsh(nf.ntk(outputs, theta0))
    assert lam[-1] / lam[0] > 1e10
    return outputs, loss, theta0, lam[-1]


@pytest.fixture(scope="module")
def ill_conditioned_flow(ill_conditioned):
    outputs, loss, theta0, _ = ill_conditioned
    return nf.flow(outputs, loss, theta0, 1.0, s_max=100.0)


def test_ill_conditioned_adapted_flow_keeps_moving(
    ill_conditioned, ill_conditioned_flow
):
    # The exact field divides by singular values down to 3e-6 sigma_max; the
    # kernel route (Cholesky, refined against D) still follows it, straight.
    _, loss, _, _ = ill_conditioned
    traj = ill_conditioned_flow
    assert traj.s[-1] == 100.0
    ratio = traj.loss[-1] / traj.loss[0]
    assert ratio == pytest.approx(np.exp(-2 * 100.0 / 400), rel=1e-8)
    assert nf.chord_deviation(traj, loss.target) < 1e-9


def test_damping_slows_only_the_modes_below_it(ill_conditioned, ill_conditioned_flow):
    outputs, loss, theta0, lam_max = ill_conditioned
    traj = nf.flow(outputs, loss, theta0, 1.0, s_max=100.0, damping=1e-8 * lam_max)
    # Fewer steps, and the loss still falls at (almost) the uniform rate: the
    # modes with lambda_i >> mu carry nearly all of the residual.
    assert traj.n_steps < ill_conditioned_flow.n_steps
    ratio = traj.loss[-1] / traj.loss[0]
    assert ratio == pytest.approx(np.exp(-2 * 100.0 / 400), rel=1e-3)
    assert 1e-9 < nf.chord_deviation(traj, loss.target) < 1e-2


@pytest.mark.parametrize(("alpha", "damping"), [(1.0, 0.0), (0.5, 0.0), (1.0, 1e-3)])
def test_a_borrowed_factor_gives_the_fresh_velocity(alpha, damping):
    # Within one integrator step the field is evaluated at points a local
    # error apart; there it reuses the last Cholesky factor of Theta and
    # refines against the current D. It must agree with factoring afresh.
    from ntkflow.flows import _Mobility
    from ntkflow.integrate import NEAR, _Field

    rng = np.random.default_rng(4)
    data = nf.iris_subset(5, rng=0)
    outputs = nf.MLP((4, 16, 3)).outputs(data.X)
    loss = nf.L2(nf.one_hot(data.labels))
    theta = outputs.model.init(1)
    field = _Field(outputs, loss, alpha, "blend", None, damping)
    field(0.0, theta)
    for shift, borrows in ((0.3 * NEAR, True), (1e-3, False)):
        nearby = theta + shift * rng.uniform(-1, 1, theta.size)
        assert (field._near(nearby) is not None) == borrows
        velocity = field(0.0, nearby)
        fresh = _Mobility(outputs.jacobian(nearby), alpha, "blend", None, damping)
        expected = -fresh.apply(loss.grad(outputs(nearby)))
        np.testing.assert_allclose(velocity, expected, rtol=1e-12, atol=1e-14)


def test_a_factor_too_far_away_is_not_trusted():
    # A factor from another theta: the refinement does not converge, and the
    # mobility factors afresh instead of returning a wrong velocity.
    from ntkflow.flows import _Mobility

    data = nf.iris_subset(5, rng=0)
    outputs = nf.MLP((4, 16, 3)).outputs(data.X)
    loss = nf.L2(nf.one_hot(data.labels))
    far = _Mobility(outputs.jacobian(outputs.model.init(7)), 1.0, "blend", None)
    theta = outputs.model.init(1)
    D, g = outputs.jacobian(theta), loss.grad(outputs(theta))
    borrowing = _Mobility(D, 1.0, "blend", None, near=far)
    velocity = borrowing.apply(g)
    assert not borrowing.borrowed
    np.testing.assert_allclose(velocity, nf.pinv(D) @ g, rtol=1e-10, atol=1e-13)
