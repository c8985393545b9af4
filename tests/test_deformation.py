import numpy as np
import pytest

import ntkflow as nf
from ntkflow.deformation import deform


@pytest.fixture(scope="module")
def small():
    data = nf.iris_subset(3, rng=0)
    net = nf.MLP((4, 24, 3))
    outputs = net.outputs(data.X)
    loss = nf.L2(nf.one_hot(data.labels))
    return data, outputs, loss, net.init(2)


@pytest.fixture(scope="module")
def blend(small):
    _, outputs, loss, theta0 = small
    return deform(outputs, loss, theta0, [0.0, 0.5, 1.0], n_levels=11)


def test_paths_are_sampled_at_equal_progress(blend):
    # Linear interpolation between recorded points of a curved path: the
    # progress of the resampled point is right to the chord error of a step.
    for path in blend.paths:
        tau = nf.progress(path, path[0], blend.target)
        np.testing.assert_allclose(tau, blend.levels, atol=2e-4)
    straight = blend.paths[-1]
    tau = nf.progress(straight, straight[0], blend.target)
    np.testing.assert_allclose(tau, blend.levels, atol=1e-9)


def test_adapted_end_is_the_chord_and_standard_end_is_not(blend):
    x0, y = blend.x0, blend.target
    chord = x0 + blend.levels[:, None] * (y - x0)
    np.testing.assert_allclose(blend.paths[-1], chord, atol=1e-7)
    assert blend.chord_distance[-1] < 1e-7
    assert blend.chord_distance[0] > 1e-2


def test_every_flow_stops_at_the_same_loss(blend):
    for tr in blend.trajectories:
        assert tr.loss[-1] / tr.loss[0] == pytest.approx(1e-3, rel=1e-6)


def test_only_squared_loss(small):
    _, outputs, _, theta0 = small
    ce = nf.CrossEntropy(nf.one_hot([0, 1, 2] * 3, smoothing=0.1))
    with pytest.raises(TypeError, match="`loss` must be ntkflow.L2"):
        deform(outputs, ce, theta0, [1.0])


def test_figure_frames_hold_the_computed_paths(small, blend):
    from ntkflow.viz import deformation_figure

    data = small[0]
    fig = deformation_figure(blend, data.labels, data.class_names)
    assert [f.name for f in fig.frames] == ["0.00", "0.50", "1.00"]
    uv = nf.simplex_plane(blend.paths)
    for a, frame in enumerate(fig.frames):
        for c in range(3):
            drawn_x = np.asarray(frame.data[c].x, dtype=float)
            drawn_y = np.asarray(frame.data[c].y, dtype=float)
            pick = np.flatnonzero(data.labels == c)
            expected = uv[a][:, pick]  # (L, n_c, 2)
            per_sample = drawn_x.reshape(pick.size, -1)[:, :-1].T
            np.testing.assert_allclose(per_sample, expected[..., 0], atol=1e-6)
            assert np.isnan(drawn_x.reshape(pick.size, -1)[:, -1]).all()
            np.testing.assert_allclose(
                drawn_y.reshape(pick.size, -1)[:, :-1].T, expected[..., 1], atol=1e-6
            )
        assert f"α = {blend.alphas[a]:.2f}" in frame.layout.annotations[2].text
    for ax in ("xaxis", "xaxis2", "yaxis", "yaxis2"):
        assert fig.layout[ax].title.text
    steps = fig.layout.sliders[0].steps
    assert [list(s.args[0]) for s in steps] == [["0.00"], ["0.50"], ["1.00"]]


def test_text_progress_is_timing_free():
    import io

    from ntkflow.viz import TextProgress

    out = io.StringIO()
    report = TextProgress("flows", out)
    report(1, 2)
    report(2, 2)
    assert out.getvalue() == "\rflows: 1/2\rflows: 2/2\n"


def test_ends_figure_draws_a_curve_and_the_chord(small):
    from ntkflow.viz import ends_figure

    data, outputs, loss, theta0 = small
    ends = deform(outputs, loss, theta0, [0.0, 1.0], n_levels=11)
    fig = ends_figure(ends, data.labels, data.class_names, "seed 2")
    x0, y = ends.x0, ends.target
    chord = nf.simplex_plane(x0 + ends.levels[:, None] * (y - x0))  # (L, N, 2)
    uv = nf.simplex_plane(ends.paths)
    for c in range(3):
        pick = np.flatnonzero(data.labels == c)
        for a in (0, 1):
            trace = fig.data[3 * a + c]
            xs = np.asarray(trace.x, dtype=float).reshape(pick.size, -1)
            ys = np.asarray(trace.y, dtype=float).reshape(pick.size, -1)
            assert np.isnan(xs[:, -1]).all() and np.isnan(ys[:, -1]).all()
            np.testing.assert_allclose(xs[:, :-1].T, uv[a][:, pick, 0], atol=1e-6)
            np.testing.assert_allclose(ys[:, :-1].T, uv[a][:, pick, 1], atol=1e-6)
        adapted = np.asarray(fig.data[3 + c].x, dtype=float).reshape(pick.size, -1)
        np.testing.assert_allclose(adapted[:, :-1].T, chord[:, pick, 0], atol=1e-5)
        curved = np.asarray(fig.data[c].x, dtype=float).reshape(pick.size, -1)
        assert np.abs(curved[:, :-1].T - chord[:, pick, 0]).max() > 1e-3
    titles = [a.text for a in fig.layout.annotations]
    assert titles[0].startswith("α = 0: largest distance from the chord")
    assert f"{ends.chord_distance[1]:.1e}" in titles[1]
    assert fig.layout.title.text == "seed 2"
    for ax in ("xaxis", "xaxis2", "yaxis", "yaxis2"):
        assert fig.layout[ax].title.text


def test_reused_ends_are_the_flows_a_fresh_run_computes(small, blend):
    # At alpha = 0 and 1 both families are the same flow (D^T and D^+), so
    # the spectral deformation may take them from the blend one.
    _, outputs, loss, theta0 = small
    fresh = deform(
        outputs, loss, theta0, [0.0, 0.5, 1.0], family="spectral", n_levels=11
    )
    seen = []
    reused = deform(
        outputs,
        loss,
        theta0,
        [0.0, 0.5, 1.0],
        family="spectral",
        n_levels=11,
        reuse=blend,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert reused.trajectories[0] is blend.trajectories[0]
    assert reused.trajectories[2] is blend.trajectories[2]
    assert reused.trajectories[1] is not blend.trajectories[1]
    np.testing.assert_array_equal(reused.paths, fresh.paths)
    assert seen == [(2, 3), (3, 3)]


def test_reuse_refuses_a_different_problem(small, blend):
    _, outputs, loss, theta0 = small
    with pytest.raises(ValueError, match="theta0"):
        deform(outputs, loss, theta0 + 1.0, [0.0], reuse=blend, n_levels=11)
    with pytest.raises(ValueError, match="rtol"):
        deform(outputs, loss, theta0, [0.0], reuse=blend, n_levels=11, rtol=1e-5)
    other = nf.MLP((4, 24, 3)).outputs(outputs.X + 1.0)
    with pytest.raises(ValueError, match="outputs"):
        deform(other, loss, theta0, [0.0], reuse=blend, n_levels=11)
    with pytest.raises(TypeError, match="Deformation"):
        deform(outputs, loss, theta0, [0.0], reuse="blend", n_levels=11)


def test_alpha_grid_adds_round_steps_where_the_blend_straightens():
    from ntkflow.deformation import alpha_grid

    # lambda_max of notebook 4's network: 1 - alpha = 1, 2, 5 x 10^k within
    # [0.03, 3] / lambda_max = [5.5e-4, 0.055].
    expected = [i / 10 for i in range(10)] + [0.95, 0.98, 0.99, 0.995, 0.998]
    np.testing.assert_allclose(alpha_grid(54.54), expected + [0.999, 1.0])
    for lam_max in (0.7, 3.0, 54.54, 2e3, 1e5):
        alphas = alpha_grid(lam_max)
        assert alphas[0] == 0.0 and alphas[-1] == 1.0
        assert (np.diff(alphas) > 0).all()
        extra = alphas[~np.isclose(alphas[:, None], np.linspace(0, 1, 11)).any(1)]
        assert ((1 - extra) * lam_max >= 0.03).all()
        assert ((1 - extra) * lam_max <= 3.0).all()
    assert alpha_grid(0.01).size == 11  # all of [0.03, 3] / 0.01 is above 1
    with pytest.raises(ValueError, match="`lam_max` must lie in"):
        alpha_grid(0.0)


def test_alpha_labels_tell_the_grid_apart():
    from ntkflow.deformation import alpha_grid
    from ntkflow.viz.deformation import alpha_label

    assert [alpha_label(a) for a in (0.0, 0.5, 0.995, 0.99995, 1.0)] == [
        "0.00",
        "0.50",
        "0.995",
        "0.99995",
        "1.00",
    ]
    labels = [alpha_label(a) for a in alpha_grid(1e5)]
    assert len(set(labels)) == len(labels)
    np.testing.assert_allclose([float(x) for x in labels], alpha_grid(1e5))


def test_readout_shows_the_scale_of_the_kernel_part(small, blend):
    from ntkflow.viz import deformation_figure

    data = small[0]
    fig = deformation_figure(blend, data.labels, data.class_names, lam_max=40.0)
    texts = [frame.layout.annotations[2].text for frame in fig.frames]
    for text, alpha in zip(texts, blend.alphas, strict=True):
        assert f"(1 − α) λ_max = {(1 - alpha) * 40.0:.3g}:" in text
