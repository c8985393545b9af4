"""The centerpiece in a real JupyterLab: it renders, and its sliders respond."""

import numpy as np
import pytest
from lab_driver import (
    click_slider,
    error_outputs,
    open_notebook,
    plot_data,
    run_all,
    screenshot,
)

import ntkflow as nf
from ntkflow.deformation import deform


@pytest.fixture(scope="module")
def expected():
    """The blend paths the notebook draws, computed here independently."""
    data = nf.iris_subset(10, rng=1)
    net = nf.MLP((4, 32, 3))
    loss = nf.L2(nf.one_hot(data.labels))
    blend = deform(net.outputs(data.X), loss, net.init(0), np.linspace(0, 1, 11))
    return data, nf.simplex_plane(blend.paths)


def drawn_setosa(page):
    return np.array(plot_data(page, 0, 0)["x"], dtype=float)


def expected_setosa(expected, a):
    data, uv = expected
    pick = np.flatnonzero(data.labels == 0)
    per_sample = np.hstack([uv[a][:, pick, 0].T, np.full((pick.size, 1), np.nan)])
    return per_sample.ravel()


def test_deformation_notebook_runs_and_its_slider_moves_the_paths(lab, page, expected):
    open_notebook(page, lab, "04_deformation.ipynb")
    run_all(page)
    assert error_outputs(page) == []
    page.wait_for_selector(".js-plotly-plot .scatterlayer path.js-line")
    assert page.locator(".js-plotly-plot").count() == 2

    start = drawn_setosa(page)
    np.testing.assert_allclose(start, expected_setosa(expected, 0), atol=1e-5)

    for fraction, a in ((0.5, 5), (0.999, 10)):
        click_slider(page, 0, fraction)
        page.wait_for_timeout(400)
        drawn = drawn_setosa(page)
        np.testing.assert_allclose(drawn, expected_setosa(expected, a), atol=1e-5)
        readout = plot_data(page, 0, 0)["text"][2]
        assert readout.startswith(f"α = {a / 10:.2f}")
    screenshot(page, "04_deformation_alpha_1")
