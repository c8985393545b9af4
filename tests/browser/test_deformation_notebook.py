"""The centerpiece in a real JupyterLab, against values computed here.

The alpha slider must draw the blend paths that ntkflow computes in this
process; the seed slider must draw the standard and adapted flows from a
network initialized with the chosen seed.
"""

import numpy as np
import pytest
from lab_driver import (
    click_step,
    control_box,
    drawn,
    error_outputs,
    press_on_control,
    screenshot,
    wait_control_settled,
    wait_for,
)

import ntkflow as nf
from ntkflow.deformation import alpha_grid, deform
from ntkflow.viz.deformation import alpha_label

NAME = "04_deformation.ipynb"


@pytest.fixture(scope="module")
def problem():
    data = nf.iris_subset(10, rng=1)
    net = nf.MLP((4, 32, 3))
    loss = nf.L2(nf.one_hot(data.labels))
    return data, net, net.outputs(data.X), loss


@pytest.fixture(scope="module")
def alphas(problem):
    """The notebook's alpha grid: even steps, and more where 1 - alpha ~ 1/lam_max."""
    data, net, outputs, loss = problem
    D = nf.jacobian(outputs, net.init(0))
    return alpha_grid(np.linalg.eigvalsh(D @ D.T)[-1])


@pytest.fixture(scope="module")
def blend_uv(problem, alphas):
    """The blend paths the notebook draws, computed here independently."""
    data, net, outputs, loss = problem
    blend = deform(outputs, loss, net.init(0), alphas)
    return nf.simplex_plane(blend.paths)


def class_path_x(uv_a, labels, cls):
    """x of one class's paths as drawn: samples joined, NaN between them."""
    pick = np.flatnonzero(labels == cls)
    per_sample = np.hstack([uv_a[:, pick, 0].T, np.full((pick.size, 1), np.nan)])
    return per_sample.ravel()


def drawn_x(plot, trace):
    return np.array(drawn(plot, [trace])["data"][0]["x"], dtype=float)


def test_alpha_slider_draws_the_blend_paths(notebook, problem, alphas, blend_uv):
    page = notebook(NAME)
    assert page.ran_errors == [] and page.ran_render_failures == []
    labels = problem[0].labels
    plot = page.locator(".js-plotly-plot").first
    # The end, a step of the fine grid near 1, the middle and the start.
    for a in (len(alphas) - 1, len(alphas) - 3, 5, 0):
        click_step(page, plot, 0, a)
        for cls in range(3):
            expected = class_path_x(blend_uv[a], labels, cls)

            def matches(cls=cls, expected=expected):
                return np.allclose(
                    drawn_x(plot, cls), expected, atol=1e-5, equal_nan=True
                )

            wait_for(matches, what=f"alpha step {a}, class {cls}")
        readout = drawn(plot, [0])["annotations"][2]
        assert readout.startswith(f"α = {alpha_label(alphas[a])}")
    screenshot(page, "04_deformation--alpha-0")


def test_seed_slider_draws_the_flows_of_that_initialization(notebook, problem):
    page = notebook(NAME)
    data, net, outputs, loss = problem
    state = wait_control_settled(page, "seed")
    keys = ["ArrowLeft"] if state["value"] > 0 else ["ArrowRight"]
    press_on_control(page, "seed", keys)
    state = wait_control_settled(page, "seed")
    seed = state["value"]

    ends = deform(outputs, loss, net.init(seed), [0.0, 1.0])
    uv = nf.simplex_plane(ends.paths)
    plot = control_box(page, "seed").locator(".js-plotly-plot").first
    for a in (0, 1):
        for cls in range(3):
            expected = class_path_x(uv[a], data.labels, cls)

            def matches(a=a, cls=cls, expected=expected):
                got = drawn_x(plot, 3 * a + cls)
                return got.shape == expected.shape and np.allclose(
                    got, expected, atol=1e-5, equal_nan=True
                )

            wait_for(matches, timeout=30, what=f"seed {seed}, alpha {a}, {cls}")
    assert f"seed {seed}" in plot.locator(".gtitle").first.text_content()
    assert error_outputs(page) == []
    screenshot(page, f"04_deformation--seed-{seed}")
