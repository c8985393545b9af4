import numpy as np
import pytest

import ntkflow as nf


def test_chord_distance_of_known_points():
    x0, y = np.zeros(2), np.array([2.0, 0.0])
    x = np.array([[1.0, 0.0], [1.0, 1.0], [3.0, 0.0], [-1.0, 1.0]])
    # On the chord; 1 above its middle; 1 past its end; sqrt 2 before its start.
    np.testing.assert_allclose(
        nf.chord_distance(x, x0, y), [0.0, 0.5, 0.5, np.sqrt(2) / 2]
    )


def test_progress_is_one_minus_relative_residual():
    x0, y = np.zeros(3), np.ones(3)
    x = np.array([x0, 0.25 * y, y])
    np.testing.assert_allclose(nf.progress(x, x0, y), [0, 0.25, 1])


def test_at_progress_interpolates_and_leaves_gaps():
    x0, y = np.zeros(2), np.array([1.0, 0.0])
    x = np.array([[0.0, 0.0], [0.5, 0.0], [0.8, 0.0]])
    pts = nf.at_progress(x, x0, y, [0.25, 0.8, 0.9])
    np.testing.assert_allclose(pts[:2], [[0.25, 0.0], [0.8, 0.0]])
    assert np.isnan(pts[2]).all()


def test_simplex_plane_maps_labels_to_a_triangle_and_keeps_lines():
    corners = nf.simplex_plane(np.eye(3).ravel())
    sides = [
        np.linalg.norm(corners[i] - corners[j]) for i, j in ((0, 1), (1, 2), (0, 2))
    ]
    np.testing.assert_allclose(sides, np.sqrt(2))
    np.testing.assert_allclose(corners.sum(axis=0), 0, atol=1e-15)
    # Shifting along (1, 1, 1) does not move the point; the map is linear.
    a, b = np.array([0.3, -1.0, 2.0]), np.array([1.0, 0.5, -0.2])
    np.testing.assert_allclose(nf.simplex_plane(a + 5), nf.simplex_plane(a))
    mid = nf.simplex_plane(0.5 * (a + b))
    np.testing.assert_allclose(
        mid, 0.5 * (nf.simplex_plane(a) + nf.simplex_plane(b)), atol=1e-15
    )
    with pytest.raises(ValueError, match="Q = 3 outputs per sample"):
        nf.simplex_plane(np.zeros(4))


def test_degenerate_chord():
    with pytest.raises(ValueError, match="`x0` equals `y`"):
        nf.chord_distance(np.zeros((2, 2)), np.zeros(2), np.zeros(2))
