import numpy as np
import pytest

import ntkflow as nf
from ntkflow.flows import _Mobility


def rank_deficient_D(rng, n=6, k=9, r=4):
    return rng.standard_normal((n, r)) @ rng.standard_normal((r, k))


def kernel_power(Theta, p):
    lam, W = np.linalg.eigh(Theta)
    lam = np.clip(lam, 0, None)
    return (W * lam**p) @ W.T


@pytest.mark.parametrize("alpha", [0.0, 0.3, 0.7, 1.0])
def test_output_velocity_of_each_family(alpha):
    rng = np.random.default_rng(0)
    D = rng.standard_normal((5, 12))
    g = rng.standard_normal(5)
    Theta = D @ D.T
    blend = -((1 - alpha) * Theta + alpha * np.eye(5)) @ g
    spectral = -kernel_power(Theta, 1 - alpha) @ g
    np.testing.assert_allclose(nf.output_velocity(D, g, alpha), blend, atol=1e-12)
    np.testing.assert_allclose(
        nf.output_velocity(D, g, alpha, "spectral"), spectral, atol=1e-12
    )
    for family, expected in (("blend", blend), ("spectral", spectral)):
        x_dot = D @ nf.parameter_velocity(D, g, alpha, family)
        np.testing.assert_allclose(x_dot, expected, atol=1e-11)
        np.testing.assert_allclose(
            nf.kernel_velocity(Theta, g, alpha, family), expected, atol=1e-11
        )


def test_ends_of_the_deformation():
    rng = np.random.default_rng(1)
    D = rank_deficient_D(rng)
    g = rng.standard_normal(6)
    for family in nf.FAMILIES:
        np.testing.assert_allclose(nf.parameter_velocity(D, g, 0.0, family), -D.T @ g)
        np.testing.assert_allclose(
            nf.parameter_velocity(D, g, 1.0, family),
            -np.linalg.pinv(D, rtol=1e-12) @ g,
            atol=1e-11,
        )
    np.testing.assert_allclose(
        nf.output_velocity(D, g, 1.0), -nf.projector(D) @ g, atol=1e-12
    )


@pytest.mark.parametrize("family", ["blend", "spectral"])
def test_equilibria_do_not_move_with_alpha(family):
    rng = np.random.default_rng(2)
    D = rank_deficient_D(rng)
    U = np.linalg.svd(D)[0]
    in_kernel = U[:, 4:] @ rng.standard_normal(2)  # D^T g = 0
    in_range = U[:, :4] @ rng.standard_normal(4)
    for alpha in np.linspace(0, 1, 11):
        assert np.abs(nf.parameter_velocity(D, in_kernel, alpha, family)).max() < 1e-12
        assert np.linalg.norm(nf.parameter_velocity(D, in_range, alpha, family)) > 1e-3


def test_fast_and_svd_paths_agree_with_pinv():
    rng = np.random.default_rng(3)
    D = rng.standard_normal((20, 50))
    g = rng.standard_normal(20)
    for family in nf.FAMILIES:
        fast = _Mobility(D, 1.0, family, None)
        assert fast.kind in ("cholesky", "eigh")
        np.testing.assert_allclose(
            fast.apply(g), np.linalg.pinv(D) @ g, rtol=1e-10, atol=1e-12
        )
    # A nearly singular kernel falls back to the SVD of D.
    D[0] = D[1] * (1 + 1e-9)
    assert _Mobility(D, 1.0, "blend", None).kind == "svd"


@pytest.mark.parametrize("alpha", [0.4, 1.0])
@pytest.mark.parametrize("family", ["blend", "spectral"])
def test_kernel_route_through_mlp_factors_agrees_with_pinv(alpha, family):
    # The field of a flow uses the MLP's factors instead of D: the kernel
    # route must agree with the SVD of the dense D.
    rng = np.random.default_rng(8)
    net = nf.MLP((4, 24, 3))
    outputs = net.outputs(rng.standard_normal((12, 4)))
    theta = net.init(rng)
    D = outputs.jacobian(theta)
    g = rng.standard_normal(D.shape[0])
    mobility = _Mobility(outputs.linearize(theta), alpha, family, None)
    assert mobility.kind in ("cholesky", "eigh")
    U, S, Vt = np.linalg.svd(D, full_matrices=False)
    expected = Vt.T @ (nf.mode_gains(S, alpha, family) * (U.T @ g))
    np.testing.assert_allclose(mobility.apply(g), expected, rtol=1e-10, atol=1e-12)
    if alpha == 1.0:
        np.testing.assert_allclose(
            mobility.apply(g), np.linalg.pinv(D) @ g, rtol=1e-10, atol=1e-12
        )


@pytest.mark.parametrize("family", ["blend", "spectral"])
def test_damping_is_levenberg_marquardt(family):
    rng = np.random.default_rng(9)
    D = rng.standard_normal((6, 15))
    g = rng.standard_normal(6)
    mu, alpha = 0.3, 0.6
    Theta = D @ D.T
    damped = Theta + mu * np.eye(6)
    if family == "blend":
        inner = (1 - alpha) * np.eye(6) + alpha * np.linalg.inv(damped)
    else:
        inner = kernel_power(damped, -alpha)
    expected = -D.T @ inner @ g
    got = nf.parameter_velocity(D, g, alpha, family, damping=mu)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(
        nf.output_velocity(D, g, alpha, family, damping=mu), D @ expected, atol=1e-12
    )
    # Both routes, the kernel's Cholesky factor and the SVD of D, agree.
    D2 = rank_deficient_D(rng)
    g2 = rng.standard_normal(6)
    exact = -D2.T @ np.linalg.solve(D2 @ D2.T + mu * np.eye(6), g2)
    mobility = _Mobility(D2, 1.0, "blend", None, mu)
    assert mobility.kind == "cholesky"
    np.testing.assert_allclose(-mobility.apply(g2), exact, atol=1e-12)
    mobility._use_svd(None)
    np.testing.assert_allclose(-mobility.apply(g2), exact, atol=1e-12)
    with pytest.raises(ValueError, match="`damping` must lie in"):
        nf.parameter_velocity(D, g, damping=-1.0)


def test_damping_keeps_the_equilibria():
    rng = np.random.default_rng(2)
    D = rank_deficient_D(rng)
    in_kernel = np.linalg.svd(D)[0][:, 4:] @ rng.standard_normal(2)
    for family in nf.FAMILIES:
        velocity = nf.parameter_velocity(D, in_kernel, 0.8, family, damping=1e-3)
        assert np.abs(velocity).max() < 1e-12


def test_mode_gains():
    S = np.array([0.5, 2.0])
    np.testing.assert_allclose(nf.mode_gains(S, 0.25), 0.75 * S + 0.25 / S)
    np.testing.assert_allclose(nf.mode_gains(S, 0.25, "spectral"), S**0.5)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"alpha": 1.5}, ValueError, r"`alpha` must lie in \[0, 1\]; got 1.5"),
        ({"alpha": np.nan}, ValueError, "`alpha` must be finite"),
        ({"alpha": "1"}, TypeError, "`alpha` must be a real number"),
        ({"family": "cubic"}, ValueError, "`family` must be one of"),
        ({"g": np.zeros(4)}, ValueError, r"`g` must have shape \(3,\)"),
        ({"D": np.zeros(3)}, ValueError, "`D` must have 2 dimension"),
    ],
)
def test_bad_arguments(kwargs, error, words):
    args = {"D": np.eye(3), "g": np.zeros(3), "alpha": 0.5, "family": "blend"}
    args.update(kwargs)
    with pytest.raises(error, match=words):
        nf.parameter_velocity(**args)
