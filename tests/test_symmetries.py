"""Null directions and rank of one-hidden-layer linear networks."""

import numpy as np
import pytest

import ntkflow as nf


@pytest.mark.parametrize(("d", "h", "q"), [(4, 2, 3), (5, 1, 4), (6, 3, 5)])
def test_null_directions_span_the_null_space(d, h, q):
    rng = np.random.default_rng(d + 10 * h + 100 * q)
    net = nf.MLP((d, h, q), activation="linear")
    theta = net.init(rng)
    X = rng.standard_normal((3 * (d + 1), d))
    D = nf.jacobian(net.outputs(X), theta)
    V = nf.linear_mlp_null_directions(net, theta)
    assert V.shape == (net.n_params, h * h + h)
    # Each column leaves the outputs unchanged to first order ...
    assert np.abs(D @ V).max() < 1e-12 * np.abs(D).max() * np.abs(V).max()
    # ... checked without D too: a small step along it changes the outputs
    # only at second order in the step.
    x0 = net.outputs(X)(theta)
    for k in range(V.shape[1]):
        moved = net.outputs(X)(theta + 1e-6 * V[:, k])
        assert np.abs(moved - x0).max() < 1e-10
    # They are independent and, with the rank of D, make up all K directions.
    assert nf.rank(V) == h * h + h
    assert nf.rank(D) + nf.rank(V) == net.n_params


@pytest.mark.parametrize(("d", "h", "q"), [(4, 2, 3), (5, 1, 4), (6, 3, 5), (3, 4, 2)])
def test_rank_formula_matches_the_jacobian(d, h, q):
    rng = np.random.default_rng(7 * d + h + q)
    net = nf.MLP((d, h, q), activation="linear")
    X = rng.standard_normal((4 * (d + 1), d))
    D = nf.jacobian(net.outputs(X), net.init(rng))
    assert nf.linear_mlp_rank(d, h, q) == nf.rank(D)


def test_rank_of_notebook_5_network():
    # K = 19 parameters; 4 mixing and 2 bias-trade directions are lost.
    assert nf.linear_mlp_rank(4, 2, 3) == 19 - 4 - 2 == 13
    # Hidden layer at least as wide as min(d, Q): no rank limit on M.
    assert nf.linear_mlp_rank(4, 3, 3) == 4 * 3 + 3


def test_tanh_network_has_no_such_directions():
    with pytest.raises(ValueError, match="one hidden layer of linear units"):
        nf.linear_mlp_null_directions(nf.MLP((4, 2, 3)), np.zeros(19))
    with pytest.raises(TypeError, match="`net` must be an ntkflow.MLP"):
        nf.linear_mlp_null_directions("net", np.zeros(19))
