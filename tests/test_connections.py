import warnings

import numpy as np
import pytest

import ntkflow as nf


@pytest.fixture(scope="module")
def D():
    return np.random.default_rng(0).standard_normal((6, 9))


@pytest.fixture(scope="module")
def linear():
    """A linear model with full row rank: every flow has a closed form."""
    rng = np.random.default_rng(3)
    A = rng.standard_normal((6, 8))
    loss = nf.L2(rng.standard_normal((3, 2)))
    return nf.linear_outputs(A), loss, rng.standard_normal(8), A


# Levenberg-Marquardt ---------------------------------------------------------


@pytest.mark.parametrize("damping", [1e-3, 0.5, 40.0])
def test_lm_step_matches_a_direct_solve(D, damping):
    g = np.arange(6.0)
    direct = -np.linalg.solve(D.T @ D + damping * np.eye(9), D.T @ g)
    np.testing.assert_allclose(
        nf.levenberg_marquardt_step(D, g, damping), direct, rtol=1e-10, atol=1e-12
    )


def test_lm_step_tends_to_the_pseudo_inverse(D):
    g = np.linspace(-1, 1, 6)
    target = -np.linalg.pinv(D) @ g
    gaps = [
        np.linalg.norm(nf.levenberg_marquardt_step(D, g, lam) - target)
        for lam in (1e-2, 1e-4, 1e-6)
    ]
    assert gaps[0] > gaps[1] > gaps[2]
    assert gaps[2] < 1e-5 * np.linalg.norm(target)
    np.testing.assert_allclose(
        nf.levenberg_marquardt_step(D, g, 0.0), target, rtol=1e-12, atol=1e-14
    )


def test_heavy_damping_is_a_short_gradient_step(D):
    g = np.ones(6)
    step = nf.levenberg_marquardt_step(D, g, 1e8)
    np.testing.assert_allclose(step, -D.T @ g / 1e8, rtol=1e-6)


def test_zero_damping_is_the_adapted_velocity_times_n(linear):
    outputs, loss, theta0, A = linear
    x0 = outputs(theta0)
    velocity = nf.parameter_velocity(A, loss.grad(x0), alpha=1.0)
    step = nf.levenberg_marquardt_step(A, x0 - loss.target, 0.0)
    np.testing.assert_allclose(step, loss.n_samples * velocity, rtol=1e-10)


def test_negative_damping_is_refused(D):
    with pytest.raises(ValueError, match="`damping` must lie in"):
        nf.levenberg_marquardt_step(D, np.ones(6), -1.0)


# Stability limit ---------------------------------------------------------------


def test_adapted_squared_loss_limit_is_2n(linear):
    outputs, loss, theta0, _ = linear
    assert nf.stability_limit(outputs, loss, theta0, 1.0) == pytest.approx(6.0)


def test_standard_limit_is_set_by_the_largest_eigenvalue(linear):
    outputs, loss, theta0, A = linear
    lam_max = np.linalg.eigvalsh(A @ A.T)[-1]
    expected = 2 * loss.n_samples / lam_max
    assert nf.stability_limit(outputs, loss, theta0, 0.0) == pytest.approx(expected)


def test_cross_entropy_limit_uses_the_loss_hessian():
    rng = np.random.default_rng(5)
    A = rng.standard_normal((6, 10))
    outputs = nf.linear_outputs(A)
    loss = nf.CrossEntropy(nf.one_hot([0, 2], n_classes=3, smoothing=0.2))
    theta = rng.standard_normal(10)
    H = loss.hessian(outputs(theta))
    top = np.max(np.linalg.eigvals(A @ A.T @ H).real)
    got = nf.stability_limit(outputs, loss, theta, 0.0)
    assert got == pytest.approx(2 / top, rel=1e-8)


def test_output_mobility_of_both_ends(D):
    np.testing.assert_allclose(nf.output_mobility(D, 0.0), D @ D.T, atol=1e-12)
    np.testing.assert_allclose(nf.output_mobility(D, 1.0), np.eye(6), atol=1e-10)


# Gradient descent --------------------------------------------------------------


def test_adapted_iterates_shrink_the_residual_by_one_minus_h_over_n(linear):
    outputs, loss, theta0, _ = linear
    h = 1.2  # N = 3
    run = nf.gradient_descent(outputs, loss, theta0, 1.0, h, 7)
    r0 = run.x[0] - loss.target
    factors = (1 - h / 3) ** np.arange(8)
    np.testing.assert_allclose(run.x - loss.target, factors[:, None] * r0, atol=1e-12)
    np.testing.assert_allclose(run.s, h * np.arange(8))
    assert run.method == "euler" and run.n_steps == 7 and run.nfev == 7
    assert run.alpha == 1.0 and "all n_steps" in run.message


def test_standard_iterates_match_the_matrix_power(linear):
    outputs, loss, theta0, A = linear
    h = 0.05
    run = nf.gradient_descent(outputs, loss, theta0, 0.0, h, 5)
    step = np.eye(6) - h * A @ A.T / 3
    r = run.x[0] - loss.target
    for k in range(6):
        np.testing.assert_allclose(run.x[k] - loss.target, r, atol=1e-12)
        r = step @ r
        np.testing.assert_allclose(run.theta[k] @ A.T, run.x[k], atol=1e-12)


def test_small_steps_follow_the_flow(linear):
    outputs, loss, theta0, _ = linear
    flow = nf.flow(outputs, loss, theta0, s_max=3.0, s_eval=[3.0])
    coarse = nf.gradient_descent(outputs, loss, theta0, 1.0, 0.3, 10)
    fine = nf.gradient_descent(outputs, loss, theta0, 1.0, 0.03, 100)
    err_coarse = np.linalg.norm(coarse.x[-1] - flow.x[-1])
    err_fine = np.linalg.norm(fine.x[-1] - flow.x[-1])
    # Euler is first order: ten times smaller steps, about ten times smaller error.
    assert 7 < err_coarse / err_fine < 13


def test_beyond_the_limit_it_warns_and_diverges(linear):
    outputs, loss, theta0, _ = linear
    with pytest.warns(RuntimeWarning, match="stability limit"):
        run = nf.gradient_descent(outputs, loss, theta0, 1.0, 6.6, 200)
    assert run.message.startswith("diverged")
    assert np.isfinite(run.x).all() and np.isfinite(run.loss).all()
    assert run.loss[-1] <= 1e6 * run.loss[0]
    assert run.n_steps < 200


def test_no_warning_below_the_limit(linear):
    outputs, loss, theta0, _ = linear
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nf.gradient_descent(outputs, loss, theta0, 1.0, 5.9, 3)


def test_stops_at_the_loss_ratio_and_reports_progress(linear):
    outputs, loss, theta0, _ = linear
    calls = []
    run = nf.gradient_descent(
        outputs,
        loss,
        theta0,
        1.0,
        1.5,
        50,
        loss_ratio=1e-4,
        progress=lambda done, total: calls.append((done, total)),
    )
    # Each step halves the residual: the loss falls by 4 per step, so 7 steps.
    assert run.n_steps == 7 and "at step 7" in run.message
    assert run.loss[-1] <= 1e-4 * run.loss[0] < run.loss[-2]
    assert calls[-1] == (7, 7) and all(d <= t for d, t in calls)
    np.testing.assert_array_equal(
        nf.steps_to_loss(run, [1.0, 0.25, 1e-4, 1e-9]), [0, 1, 7, -1]
    )


def test_an_early_stop_on_a_checkpoint_still_ends_the_progress(linear):
    # 70 steps allowed: checkpoints every 7 steps, and the loss (divided by 4
    # per step) reaches 1e-4 C(0) at step 7, itself a checkpoint.
    outputs, loss, theta0, _ = linear
    calls = []
    nf.gradient_descent(
        outputs,
        loss,
        theta0,
        1.0,
        1.5,
        70,
        loss_ratio=1e-4,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(0, 70), (7, 70), (7, 7)]


def test_step_progress_says_what_ran_and_its_budget(linear):
    import io

    from ntkflow.viz import StepProgress

    outputs, loss, theta0, _ = linear
    early, full = io.StringIO(), io.StringIO()
    nf.gradient_descent(
        outputs,
        loss,
        theta0,
        1.0,
        1.5,
        20,
        loss_ratio=1e-4,
        progress=StepProgress("adapted", early),
    )
    nf.gradient_descent(
        outputs, loss, theta0, 1.0, 1.5, 4, progress=StepProgress("adapted", full)
    )
    lines = early.getvalue().split("\r")[1:]
    assert lines[:2] == [
        "adapted: 0 of at most 20 steps",
        "adapted: 2 of at most 20 steps",
    ]
    assert lines[-1] == "adapted: stopped after 7 of at most 20 steps\n"
    assert full.getvalue().endswith("\radapted: all 4 steps taken\n")
    assert full.getvalue().count("\n") == 1


def test_step_progress_knows_the_budget_of_a_very_short_run(linear):
    import io

    from ntkflow.viz import StepProgress

    # Residual halved per step: the loss reaches 0.1 C(0) at step 2, before
    # the first checkpoint (step 6 of 60).
    outputs, loss, theta0, _ = linear
    out = io.StringIO()
    report = StepProgress("adapted", out)
    nf.gradient_descent(
        outputs, loss, theta0, 1.0, 1.5, 60, loss_ratio=0.1, progress=report
    )
    assert out.getvalue().endswith("\radapted: stopped after 2 of at most 60 steps\n")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"step": 0.0}, ValueError, "`step` must lie in"),
        ({"n_steps": 0}, ValueError, "`n_steps` must be at least 1"),
        ({"alpha": 1.5}, ValueError, "`alpha` must lie in"),
        ({"loss_ratio": 2.0}, ValueError, "`loss_ratio` must lie in"),
    ],
)
def test_gradient_descent_checks_its_arguments(linear, kwargs, error, match):
    outputs, loss, theta0, _ = linear
    args = {"alpha": 1.0, "step": 0.1, "n_steps": 2} | kwargs
    with pytest.raises(error, match=match):
        nf.gradient_descent(outputs, loss, theta0, **args)


def test_steps_to_loss_refuses_ratios_outside_the_unit_interval(linear):
    outputs, loss, theta0, _ = linear
    run = nf.gradient_descent(outputs, loss, theta0, 1.0, 0.5, 2)
    with pytest.raises(ValueError, match="`loss_ratios` must lie in"):
        nf.steps_to_loss(run, [0.0])


# Collapse ------------------------------------------------------------------------


def test_class_spread_against_a_direct_computation():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 5 * 2))
    labels = np.array([0, 1, 0, 1, 1])
    spread = nf.class_spread(x, labels, 2)
    per = x.reshape(3, 5, 2)
    for c in (0, 1):
        g = per[:, labels == c]
        d2 = ((g - g.mean(axis=1, keepdims=True)) ** 2).sum(axis=2)
        np.testing.assert_allclose(spread[:, c], np.sqrt(d2.mean(axis=1)))
    np.testing.assert_allclose(nf.class_spread(x[0], labels, 2), spread[0])
    with pytest.raises(ValueError, match="`labels` must have shape"):
        nf.class_spread(x, labels[:4], 2)


def test_adapted_flow_collapses_each_class_by_one_minus_t():
    data = nf.iris_subset(3, rng=0)
    net = nf.MLP((4, 16, 3))
    labels = data.labels
    loss = nf.L2(nf.one_hot(labels))
    traj = nf.flow(net.outputs(data.X), loss, net.init(0), s_max=30.0)
    spread = nf.class_spread(traj.x, labels, 3)
    np.testing.assert_allclose(spread, (1 - traj.t)[:, None] * spread[0], atol=1e-9)
