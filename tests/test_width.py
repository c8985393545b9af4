import numpy as np
import pytest

import ntkflow as nf


@pytest.fixture(scope="module")
def data():
    return nf.iris_subset(3, rng=0)


def test_spectra_are_the_squared_singular_values_of_D(data):
    spectra = nf.width_spectra(data.X, 3, [1, 4, 16], seed=5)
    assert spectra.n_rows == 27
    assert list(spectra.n_params) == [nf.MLP((4, w, 3)).n_params for w in (1, 4, 16)]
    for w, width in enumerate((1, 4, 16)):
        net = nf.MLP((4, width, 3))
        Theta = nf.ntk(net.outputs(data.X), net.init(5))
        lam = spectra.eigenvalues[w]
        assert lam.size == min(27, net.n_params)
        top = np.linalg.eigvalsh(Theta)[::-1][: lam.size]
        big = top > 1e-8 * top[0]
        np.testing.assert_allclose(lam[big], top[big], rtol=1e-9)
        assert spectra.ranks[w] == np.linalg.matrix_rank(Theta, hermitian=True)
        assert spectra.ranks[w] == np.sum(lam > spectra.cutoffs[w])


def test_narrow_networks_cannot_have_full_rank(data):
    spectra = nf.width_spectra(data.X, 3, [1, 2, 32])
    assert (spectra.ranks <= np.minimum(spectra.n_params, 27)).all()
    assert spectra.ranks[0] < 27 and spectra.ranks[-1] == 27


@pytest.fixture(scope="module")
def sweep(data):
    y = nf.one_hot(data.labels)
    return nf.lazy_sweep(data.X, y, [8, 64], np.linspace(0, 20, 11), seed=1)


def test_lazy_sweep_holds_the_flow_and_its_closed_form(data, sweep):
    y = nf.one_hot(data.labels)
    net = nf.MLP((4, 64, 3))
    outputs, theta0 = net.outputs(data.X), net.init(1)
    tr = nf.flow(outputs, nf.L2(y), theta0, 0.0, s_max=20, s_eval=sweep.s, rtol=1e-9)
    np.testing.assert_allclose(sweep.x[1], tr.x, atol=1e-4)
    Theta = nf.ntk(outputs, theta0)
    np.testing.assert_allclose(
        sweep.lazy[1], nf.lazy_outputs(Theta, tr.x[0], y, sweep.s), atol=1e-10
    )
    gap = np.linalg.norm(sweep.x - sweep.lazy, axis=2).max(axis=1)
    np.testing.assert_allclose(
        sweep.deviation, gap / np.linalg.norm(sweep.x[:, 0] - sweep.target, axis=1)
    )
    assert (sweep.loss_ratio < 1).all()


def test_bad_input_is_named(data):
    y = nf.one_hot(data.labels)
    with pytest.raises(ValueError, match="`s`"):
        nf.lazy_sweep(data.X, y, [4], [1.0, 2.0])
    with pytest.raises(ValueError, match="`y` must have one row"):
        nf.lazy_sweep(data.X, y[:-1], [4], [0.0, 1.0])
    with pytest.raises(ValueError, match="widths"):
        nf.width_spectra(data.X, 3, [])
    with pytest.raises(ValueError, match=r"`widths\[1\]`"):
        nf.width_spectra(data.X, 3, [2, 0])
