import autograd.numpy as anp
import numpy as np
import pytest

import ntkflow as nf


def test_exact_on_quadratics():
    # Central differences are exact for polynomials of degree 2.
    def outputs(theta):
        return anp.array([theta[0] ** 2 + 3 * theta[1], theta[0] * theta[1]])

    theta = np.array([0.7, -2.0])
    expected = np.array([[2 * 0.7, 3.0], [-2.0, 0.7]])
    np.testing.assert_allclose(
        nf.finite_difference_jacobian(outputs, theta, h=1e-3), expected, atol=1e-10
    )


def test_error_falls_like_h_squared():
    def outputs(theta):
        return anp.sin(theta)

    theta = np.array([0.4, 1.1])
    exact = np.diag(np.cos(theta))
    errors = [
        np.abs(nf.finite_difference_jacobian(outputs, theta, h) - exact).max()
        for h in (1e-2, 5e-3)
    ]
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=1e-2)


def test_matches_closed_form_network_jacobian(iris_problem):
    outputs, _, theta0 = iris_problem
    D = nf.jacobian(outputs, theta0)
    fd = nf.finite_difference_jacobian(outputs, theta0)
    assert np.abs(D - fd).max() <= 1e-8 * np.abs(D).max()


def test_bad_step_is_named():
    with pytest.raises(ValueError, match="`h`"):
        nf.finite_difference_jacobian(anp.sin, np.zeros(2), h=0.0)
    with pytest.raises(TypeError, match="`outputs`"):
        nf.finite_difference_jacobian("sin", np.zeros(2))
