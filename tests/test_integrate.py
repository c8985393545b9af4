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
