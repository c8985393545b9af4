import numpy as np
import pytest

import ntkflow as nf


@pytest.fixture(scope="module")
def smoothed_flow():
    data = nf.iris_subset(2, rng=0)
    net = nf.MLP((4, 16, 3))
    outputs = net.outputs(data.X)
    loss = nf.CrossEntropy(nf.one_hot(data.labels, smoothing=0.3))
    return nf.flow(outputs, loss, net.init(0), s_max=1500.0), loss


def test_adapted_cross_entropy_flow_keeps_every_logit_sum(smoothed_flow):
    traj, loss = smoothed_flow
    drift = nf.fiber_drift(traj, loss)
    assert drift.shape == traj.s.shape and drift[0] == 0
    assert drift.max() < 1e-8
    # ... and it ends at the closed-form minimizer of its fiber.
    np.testing.assert_allclose(traj.x[-1], loss.minimizer(traj.x[0]), atol=1e-6)


def test_standard_flow_moves_the_logit_sums(smoothed_flow):
    traj, loss = smoothed_flow
    data = nf.iris_subset(2, rng=0)
    net = nf.MLP((4, 16, 3))
    standard = nf.flow(net.outputs(data.X), loss, net.init(0), 0.0, s_max=5.0)
    assert nf.fiber_drift(standard, loss).max() > 1e-3


def test_margins_give_the_one_hot_loss():
    rng = np.random.default_rng(0)
    labels = np.array([2, 0, 1, 1])
    x = 3 * rng.standard_normal((5, 12))
    m = nf.margins(x, labels, 3)
    loss = nf.CrossEntropy(nf.one_hot(labels, 3))
    for xi, mi in zip(x, m, strict=True):
        assert loss.value(xi) == pytest.approx(np.mean(np.log1p(np.exp(-mi))))
    logits = x[0].reshape(4, 3)
    own = logits[np.arange(4), labels]
    rest = [
        np.log(np.exp(row).sum() - np.exp(row[c]))
        for row, c in zip(logits, labels, strict=True)
    ]
    np.testing.assert_allclose(nf.margins(x[0], labels, 3), own - np.array(rest))


def test_bad_input_is_named():
    with pytest.raises(TypeError, match="`loss` must be ntkflow.CrossEntropy"):
        nf.fiber_drift(None, nf.L2([1.0]))
    with pytest.raises(ValueError, match="`labels` must have shape"):
        nf.margins(np.zeros(6), np.array([0, 1, 1]), 3)
    with pytest.raises(ValueError, match="`n_outputs` must be at least 2"):
        nf.margins(np.zeros(6), np.array([0] * 6), 1)
