import numpy as np
import pytest

import ntkflow as nf


def test_iris_matches_fishers_table():
    data = nf.load_iris()
    assert data.X.shape == (150, 4)
    np.testing.assert_array_equal(np.bincount(data.labels), [50, 50, 50])
    # Column means of Fisher's table (cm), as printed in many textbooks.
    np.testing.assert_allclose(
        data.X.mean(axis=0), [5.843333, 3.057333, 3.758, 1.199333], atol=1e-6
    )
    np.testing.assert_array_equal(data.X[0], [5.1, 3.5, 1.4, 0.2])
    assert "Fisher" in data.source and "1936" in data.source


def test_iris_subset_is_balanced_distinct_and_seeded():
    a = nf.iris_subset(10, rng=4)
    b = nf.iris_subset(10, rng=4)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(np.bincount(a.labels), [10, 10, 10])
    assert np.unique(nf.iris_subset(49, rng=0).X, axis=0).shape[0] == 147
    full = nf.iris_subset(49, rng=0, standardized=False).X
    assert full.min() >= 0.1 and full.max() <= 7.9


def test_standardize():
    Z = nf.datasets.standardize(nf.load_iris().X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-14)
    np.testing.assert_allclose(Z.std(axis=0), 1, atol=1e-14)
    with pytest.raises(ValueError, match="constant column"):
        nf.datasets.standardize(np.ones((3, 2)))


def test_one_hot_and_smoothing():
    np.testing.assert_array_equal(nf.one_hot([1, 0]), [[0, 1], [1, 0]])
    y = nf.one_hot([2, 0], 3, smoothing=0.3)
    np.testing.assert_allclose(y.sum(axis=1), 1)
    np.testing.assert_allclose(y[0], [0.1, 0.1, 0.8])
    assert (y > 0).all()


@pytest.mark.parametrize(
    "args, error, words",
    [
        (([0.5, 1.0],), TypeError, "integer class indices"),
        (([-1, 0],), ValueError, "`labels` must be >= 0"),
        (([0, 3], 2), ValueError, "`n_classes` must exceed every label"),
        (([0, 1], 2, 1.0), ValueError, "`smoothing` must be < 1"),
        (([0, 1], 2, -0.1), ValueError, r"`smoothing` must lie in \[0, 1\]"),
    ],
)
def test_one_hot_rejects(args, error, words):
    with pytest.raises(error, match=words):
        nf.one_hot(*args)


def test_duplicate_inputs():
    X = np.arange(12.0).reshape(4, 3)
    Y = nf.duplicate_inputs(X, 1, 3)
    np.testing.assert_array_equal(Y[3], X[1])
    np.testing.assert_array_equal(X[3], [9, 10, 11])  # the original is untouched
    with pytest.raises(ValueError, match="`i` and `j` must differ"):
        nf.duplicate_inputs(X, 2, 2)
    with pytest.raises(ValueError, match=r"`j` must index a sample in \[0, 4\)"):
        nf.duplicate_inputs(X, 0, 9)


def test_iris_subset_bounds():
    with pytest.raises(ValueError, match="at most 49"):
        nf.iris_subset(50)
