"""The figures of notebooks 5-8 draw what ntkflow computes, on labelled axes."""

import numpy as np
import pytest

import ntkflow as nf
from ntkflow import viz
from ntkflow.viz.connections import damping_steps


def arr(values):
    return np.asarray(values, dtype=float)


def per_sample(values, n_samples):
    """Undo the NaN-separated layout: shape (n_samples, L)."""
    rows = arr(values).reshape(n_samples, -1)
    assert np.isnan(rows[:, -1]).all()
    return rows[:, :-1]


def assert_axes_labelled(fig, axes=("xaxis", "xaxis2", "yaxis", "yaxis2")):
    for ax in axes:
        assert fig.layout[ax].title.text, f"{ax} has no title"


@pytest.fixture(scope="module")
def small():
    data = nf.iris_subset(2, rng=0)
    net = nf.MLP((4, 16, 3))
    return data, net.outputs(data.X), net.init(0)


def test_rank_loss_figure(small):
    rng = np.random.default_rng(0)
    A = rng.standard_normal((6, 2)) @ rng.standard_normal((2, 4))
    outputs = nf.linear_outputs(A)
    loss = nf.L2(rng.standard_normal((3, 2)))
    traj = nf.flow(outputs, loss, rng.standard_normal(4), s_max=10.0)
    parts = nf.residual_parts(outputs, traj, loss.target)
    fig = viz.rank_loss_figure(traj, parts, loss.target, (1, 4), ("a", "b"))
    np.testing.assert_allclose(arr(fig.data[0].x), traj.x[:, 1], rtol=1e-6)
    np.testing.assert_allclose(arr(fig.data[0].y), traj.x[:, 4], rtol=1e-6)
    np.testing.assert_allclose(arr(fig.data[3].x), loss.target[[1]], rtol=1e-6)
    scale = np.linalg.norm(traj.x[0] - loss.target)
    np.testing.assert_allclose(arr(fig.data[5].y), parts.inside / scale, atol=1e-6)
    np.testing.assert_allclose(arr(fig.data[6].y), parts.outside / scale, atol=1e-6)
    np.testing.assert_allclose(arr(fig.data[5].x), traj.t, atol=1e-6)
    assert fig.layout.xaxis.title.text == "a"
    assert_axes_labelled(fig)


def test_cross_entropy_figure(small):
    data, outputs, theta0 = small
    smoothings = [0.0, 0.3]
    runs = []
    for eps in smoothings:
        loss = nf.CrossEntropy(nf.one_hot(data.labels, smoothing=eps))
        runs.append((nf.flow(outputs, loss, theta0, s_max=200.0, rtol=1e-8), loss))
    fig = viz.cross_entropy_figure(runs, smoothings, data.labels, data.class_names)
    assert [f.name for f in fig.frames] == ["0.00", "0.30"]
    assert fig.layout.sliders[0].active == 1
    for frame, (traj, _) in zip(fig.frames, runs, strict=True):
        uv = nf.simplex_plane(traj.x)
        for c in range(3):
            pick = np.flatnonzero(data.labels == c)
            drawn = per_sample(frame.data[c].x, pick.size)
            np.testing.assert_allclose(drawn, uv[:, pick, 0].T, atol=1e-5)
        s = arr(frame.data[4].x)
        np.testing.assert_allclose(s, traj.s[traj.s > 0], rtol=1e-6)
    star = nf.simplex_plane(runs[1][1].minimizer(runs[1][0].x[0]))
    np.testing.assert_allclose(arr(fig.frames[1].data[3].x), star[:, 0], atol=1e-5)
    assert np.isnan(arr(fig.frames[0].data[3].x)).all()
    assert "no minimizer" in fig.frames[0].layout.annotations[2].text
    # Right panel: C(s) - inf C. One-hot labels: inf C = 0, C itself is drawn.
    # Positive labels: inf C = C(x*) = -(1/N) sum_j <y_j, log y_j>.
    (one_hot, _), (smooth, loss) = runs
    drawn = arr(fig.frames[0].data[4].y)
    np.testing.assert_allclose(drawn, one_hot.loss[one_hot.s > 0], rtol=1e-6)
    entropy = -np.sum(loss.y * np.log(loss.y)) / loss.n_samples
    drawn = arr(fig.frames[1].data[4].y)
    excess = smooth.loss[smooth.s > 0] - entropy
    shown = np.isfinite(drawn)
    assert shown.sum() > 5
    np.testing.assert_allclose(drawn[shown], excess[shown], rtol=1e-4, atol=1e-12)
    assert f"inf C = min C = {entropy:.4f}" in fig.frames[1].layout.annotations[2].text
    assert fig.layout.yaxis2.title.text.startswith("C(s) − inf C")
    assert "min C" not in fig.data[4].name
    assert_axes_labelled(fig)


def test_damping_figure_draws_the_linearized_lm_step(small):
    data, outputs, theta0 = small
    D = nf.jacobian(outputs, theta0)
    x0 = outputs(theta0)
    y = nf.one_hot(data.labels).reshape(-1)
    dampings = [10.0, 0.1, 0.0]
    landing = damping_steps(D, x0, y, dampings)
    Theta = D @ D.T
    for mu, point in zip(dampings[:2], landing, strict=False):
        closed = x0 - Theta @ np.linalg.solve(Theta + mu * np.eye(18), x0 - y)
        np.testing.assert_allclose(point, closed, atol=1e-9)
    np.testing.assert_allclose(landing[-1], y, atol=1e-9)

    fig = viz.damping_figure(D, x0, y, dampings, data.labels, data.class_names)
    assert [f.name for f in fig.frames] == ["10", "0.1", "0"]
    for frame, point in zip(fig.frames, landing, strict=True):
        uv = nf.simplex_plane(np.array([x0, point]))
        for c in range(3):
            pick = np.flatnonzero(data.labels == c)
            drawn = per_sample(frame.data[c].y, pick.size)
            np.testing.assert_allclose(drawn, uv[:, pick, 1].T, atol=1e-5)
        # The marker sits on the log axis for mu > 0, in the strip at 0.
        miss = np.linalg.norm(point - y) / np.linalg.norm(x0 - y)
        on_log, on_zero = frame.data[3], frame.data[4]
        if float(frame.name) > 0:
            assert arr(on_log.x)[0] == pytest.approx(float(frame.name), rel=1e-6)
            assert np.isnan(arr(on_zero.x)).all()
            assert arr(on_log.y)[0] == pytest.approx(miss, rel=1e-5, abs=1e-7)
        else:
            assert np.isnan(arr(on_log.x)).all()
            assert list(arr(on_zero.x)) == [0.0] and arr(on_zero.y)[0] < 1e-9
    assert "below 1e-09" in fig.frames[-1].layout.annotations[-1].text
    assert "Gauss–Newton" in fig.frames[-1].layout.annotations[-1].text
    # The damping is called mu: lambda is kept for the eigenvalues of Theta.
    assert fig.frames[0].layout.annotations[-1].text.startswith("μ = 10:")
    assert fig.layout.sliders[0].currentvalue.prefix == "damping μ = "
    assert fig.layout.xaxis2.title.text.startswith("damping μ > 0")
    assert fig.layout.xaxis3.title.text == "μ = 0"
    assert any(t.name == "μ = 0: Gauss–Newton" for t in fig.data)
    # Nothing on the log axis is at mu <= 0; mu = 0 has its own axis.
    assert fig.layout.xaxis2.type == "log" and fig.layout.xaxis3.type != "log"
    assert list(fig.layout.xaxis3.ticktext) == ["0"]
    drawn = [(t.xaxis, t) for t in fig.data]
    for f in fig.frames:
        drawn += [(fig.data[i].xaxis, d) for i, d in zip(f.traces, f.data, strict=True)]
    for axis, trace in drawn:
        if axis == "x2":
            xs = arr([np.nan if v is None else v for v in trace.x])
            assert (xs[np.isfinite(xs)] > 0).all()
    assert_axes_labelled(fig, ("xaxis", "xaxis2", "xaxis3", "yaxis", "yaxis2"))


def test_euler_figure_draws_the_iterates(small):
    data, outputs, theta0 = small
    loss = nf.L2(nf.one_hot(data.labels))
    reference = nf.flow(outputs, loss, theta0, s_max=24.0)
    runs = [nf.gradient_descent(outputs, loss, theta0, 1.0, h, 4) for h in (3.0, 6.0)]
    fig = viz.euler_figure(
        reference, runs, [0.25, 0.5], loss.target, data.labels, data.class_names
    )
    assert [f.name for f in fig.frames] == ["0.50", "1.00"]
    for frame, run in zip(fig.frames, runs, strict=True):
        assert list(frame.traces) == [3, 4, 5, 6]
        uv = nf.simplex_plane(run.x)
        for c in range(3):
            pick = np.flatnonzero(data.labels == c)
            drawn = per_sample(frame.data[c].x, pick.size)
            np.testing.assert_allclose(drawn, uv[:, pick, 0].T, atol=1e-5)
        np.testing.assert_allclose(
            arr(frame.data[3].y), run.loss / run.loss[0], rtol=1e-6
        )
    assert_axes_labelled(fig)


def test_collapse_figure(small):
    data, outputs, theta0 = small
    loss = nf.L2(nf.one_hot(data.labels))
    traj = nf.flow(outputs, loss, theta0, s_max=18.0)
    fig = viz.collapse_figure(traj, loss.target, data.labels, data.class_names, 3)
    spread = nf.class_spread(traj.x, data.labels, 3)
    for c in range(3):
        np.testing.assert_allclose(arr(fig.data[c].y), spread[:, c] / spread[0, c])
        np.testing.assert_allclose(arr(fig.data[c].x), traj.t, atol=1e-6)
    assert_axes_labelled(fig, ("xaxis", "yaxis"))


def test_training_cost_figure(small):
    data, outputs, theta0 = small
    loss = nf.L2(nf.one_hot(data.labels))
    runs = [
        nf.gradient_descent(outputs, loss, theta0, alpha, h, 5)
        for alpha, h in ((0.0, 0.5), (1.0, 3.0))
    ]
    fig = viz.training_cost_figure(runs, ["standard", "adapted"], [0.1])
    for i, run in enumerate(runs):
        ratio = run.loss / run.loss[0]
        np.testing.assert_allclose(arr(fig.data[2 * i].y), ratio, rtol=1e-6)
        np.testing.assert_allclose(arr(fig.data[2 * i + 1].x), run.s[1:], rtol=1e-6)
    # The target levels: a dotted line in each panel, and one legend entry.
    assert sorted(shape.y0 for shape in fig.layout.shapes) == [0.1, 0.1]
    key = fig.data[4]
    assert key.name == "target ε/C(0) = 0.1" and key.showlegend is not False
    assert key.line.dash == fig.layout.shapes[0].line.dash == "dot"
    assert key.line.color == fig.layout.shapes[0].line.color
    assert_axes_labelled(fig)
