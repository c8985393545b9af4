import numpy as np
import pytest

import ntkflow as nf


def test_split_matches_the_pseudo_inverse_projector():
    rng = np.random.default_rng(0)
    D = rng.standard_normal((6, 2)) @ rng.standard_normal((2, 5))  # rank 2
    r = rng.standard_normal(6)
    inside, outside = nf.split_residual(D, r)
    P = D @ np.linalg.pinv(D)
    np.testing.assert_allclose(inside, P @ r, atol=1e-12)
    np.testing.assert_allclose(inside + outside, r, atol=1e-14)
    assert abs(inside @ outside) < 1e-12
    np.testing.assert_allclose(D.T @ outside, 0, atol=1e-12)


def test_full_rank_leaves_nothing_outside():
    D = np.random.default_rng(1).standard_normal((4, 7))
    _, outside = nf.split_residual(D, np.ones(4))
    np.testing.assert_allclose(outside, 0, atol=1e-13)


def test_linear_model_flow_ends_at_the_projected_labels():
    # x(theta) = A theta with rank A = 2 < QN = 4: P is constant, and the
    # adapted flow is x(s) = x_end + exp(-s/N) P (x0 - y) in closed form.
    rng = np.random.default_rng(2)
    A = rng.standard_normal((4, 2)) @ rng.standard_normal((2, 3))
    outputs = nf.linear_outputs(A)
    y = rng.standard_normal((2, 2))
    loss = nf.L2(y)
    theta0 = rng.standard_normal(3)
    traj = nf.flow(outputs, loss, theta0, s_max=20.0)
    x0, target = traj.x[0], loss.target
    inside, outside = nf.split_residual(A, x0 - target)
    expected = target + outside + np.exp(-traj.s / 2)[:, None] * inside
    np.testing.assert_allclose(traj.x, expected, atol=1e-9)

    parts = nf.residual_parts(outputs, traj, target)
    np.testing.assert_allclose(parts.outside, np.linalg.norm(outside), rtol=1e-9)
    np.testing.assert_allclose(
        parts.inside, np.exp(-traj.s / 2) * np.linalg.norm(inside), atol=1e-9
    )
    residual = np.linalg.norm(traj.x - target, axis=1)
    np.testing.assert_allclose(parts.inside**2 + parts.outside**2, residual**2)


def test_duplicate_inputs_keep_the_outside_part_fixed():
    data = nf.iris_subset(2, rng=0)
    X = nf.duplicate_inputs(data.X, 0, 5)
    net = nf.MLP((4, 16, 3))
    outputs = net.outputs(X)
    loss = nf.L2(nf.one_hot(data.labels))
    traj = nf.flow(outputs, loss, net.init(1), s_max=30.0, rtol=1e-9)
    parts = nf.residual_parts(outputs, traj, loss.target)
    # Half the label difference of the twins, whatever theta is.
    half = (loss.y[0] - loss.y[5]) / 2
    np.testing.assert_allclose(parts.outside, np.linalg.norm(half) * np.sqrt(2))
    np.testing.assert_allclose(traj.x[-1][0:3], traj.x[-1][15:18], atol=1e-12)


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="`r` must have shape"):
        nf.split_residual(np.eye(3), np.ones(2))
    with pytest.raises(ValueError, match="`rtol` must lie"):
        nf.split_residual(np.eye(3), np.ones(3), rtol=2.0)
