"""The width, lazy and straight-line figures draw what ntkflow computed."""

import numpy as np
import pytest

import ntkflow as nf
from ntkflow.viz import lazy_figure, spectrum_figure, straight_line_figure


@pytest.fixture(scope="module")
def data():
    return nf.iris_subset(3, rng=0)


def _axes_are_labelled(fig):
    for ax in ("xaxis", "xaxis2", "yaxis", "yaxis2"):
        assert fig.layout[ax].title.text


def _floats(values):
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def test_spectrum_frames_hold_the_spectra(data):
    spectra = nf.width_spectra(data.X, 3, [2, 4, 32], seed=1)
    fig = spectrum_figure(spectra, start_index=1)
    _axes_are_labelled(fig)
    assert [f.name for f in fig.frames] == ["2", "4", "32"]
    assert fig.layout.sliders[0].active == 1
    # Eigenvalues are numbered from 1, as in the notebooks' text.
    assert "from 1" in fig.layout.xaxis.title.text
    for w, frame in enumerate(fig.frames):
        lam = spectra.eigenvalues[w]
        drawn = _floats(frame.data[0].y)
        np.testing.assert_allclose(drawn, lam, rtol=1e-6)
        np.testing.assert_array_equal(frame.data[0].x, np.arange(1, lam.size + 1))
        # The exactly-zero eigenvalues sit at the indices after the last one.
        zeros = np.asarray(frame.data[1].x)
        np.testing.assert_array_equal(zeros, np.arange(lam.size + 1, 28))
        assert list(frame.data[2].x) == [spectra.n_params[w]]
        assert list(frame.data[2].y) == [spectra.ranks[w]]
        assert f"rank D = {spectra.ranks[w]}" in frame.layout.annotations[2].text
    # The first data shown is the start frame's.
    np.testing.assert_allclose(_floats(fig.data[0].y), spectra.eigenvalues[1], 1e-6)


def test_lazy_frames_hold_the_flow_and_the_closed_form(data):
    y = nf.one_hot(data.labels)
    sweep = nf.lazy_sweep(data.X, y, [4, 16], np.linspace(0, 9, 4), seed=0)
    fig = lazy_figure(sweep, data.labels, data.class_names)
    _axes_are_labelled(fig)
    assert [f.name for f in fig.frames] == ["4", "16"]
    flow_uv, lazy_uv = nf.simplex_plane(sweep.x), nf.simplex_plane(sweep.lazy)
    for w, frame in enumerate(fig.frames):
        for c in range(3):
            pick = np.flatnonzero(data.labels == c)
            drawn = _floats(frame.data[c].x).reshape(pick.size, -1)
            np.testing.assert_allclose(drawn[:, :-1].T, flow_uv[w][:, pick, 0], 1e-6)
            assert np.isnan(drawn[:, -1]).all()
        lazy = _floats(frame.data[3].y).reshape(data.labels.size, -1)[:, :-1].T
        np.testing.assert_allclose(lazy, lazy_uv[w][..., 1], rtol=1e-6, atol=1e-6)
        assert frame.data[5].y[0] == pytest.approx(sweep.deviation[w], rel=1e-6)
        assert frame.data[6].y[0] == pytest.approx(sweep.kernel_change[w], rel=1e-6)


def test_straight_line_frames_hold_the_adapted_flow(data):
    net = nf.MLP((4, 16, 3))
    outputs, theta0 = net.outputs(data.X), net.init(0)
    y = nf.one_hot(data.labels)
    loss = nf.L2(y)
    s = nf.flow_time([0.0, 0.5, 0.9], loss.n_samples)
    adapted = nf.flow(outputs, loss, theta0, 1.0, s_max=s[-1], s_eval=s)
    standard = nf.flow(outputs, loss, theta0, 0.0, s_max=s[-1], method="RK45")
    fig = straight_line_figure(adapted, standard, y, data.labels, data.class_names)
    _axes_are_labelled(fig)
    assert [f.name for f in fig.frames] == ["0.00", "0.50", "0.90"]
    uv = nf.simplex_plane(adapted.x)
    for k, frame in enumerate(fig.frames):
        for c in range(3):
            pick = data.labels == c
            now = np.column_stack([frame.data[3 + c].x, frame.data[3 + c].y])
            np.testing.assert_allclose(now, uv[k, pick], rtol=1e-6, atol=1e-6)
            segment = _floats(frame.data[c].x).reshape(-1, 3)
            np.testing.assert_allclose(segment[:, 0], uv[0, pick, 0], 1e-6, 1e-6)
            np.testing.assert_allclose(segment[:, 1], uv[k, pick, 0], 1e-6, 1e-6)
        ratio = frame.data[6].y[0]
        assert ratio == pytest.approx((1 - adapted.t[k]) ** 2, rel=1e-6)
        text = frame.layout.annotations[2].text
        assert f"t = {adapted.t[k]:.2f}" in text
        assert f"C/C(0) = {(1 - adapted.t[k]) ** 2:.4f}" in text
        # Notebook 3 asks for the formula in t after the figure: not shown here.
        assert "(1 − t)²" not in text


def test_mode_decay_figure_draws_the_coordinates_and_their_prediction():
    from ntkflow.viz import mode_decay_figure

    rng = np.random.default_rng(0)
    A = rng.standard_normal((6, 8))
    y = rng.standard_normal((3, 2))
    s = np.linspace(0, 4, 9)
    Theta = A @ A.T
    x = nf.lazy_outputs(Theta, np.zeros(6), y, s)
    lam, coords = nf.residual_modes(Theta, x, y)
    fig = mode_decay_figure(s, lam, coords, 3, [0, 5])
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    for n, i in enumerate([0, 5]):
        flow, lazy = fig.data[2 * n], fig.data[2 * n + 1]
        np.testing.assert_allclose(flow.y, np.abs(coords[:, i] / coords[0, i]), 1e-6)
        np.testing.assert_allclose(lazy.y, np.exp(-lam[i] * s / 3), rtol=1e-6)
        # On a linear model the flow is its own lazy prediction.
        np.testing.assert_allclose(flow.y, lazy.y, rtol=1e-5, atol=1e-12)
