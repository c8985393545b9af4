"""Data sets shipped with the package, and the toy problems of the course.

Nothing here touches the network: the Iris measurements are a CSV file inside
the package.
"""

import csv
from dataclasses import dataclass
from importlib import resources

import numpy as np

from ._validate import as_count, as_float_array, as_real, as_rng


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs, integer class labels and their names.

    Attributes
    ----------
    X : ndarray, shape (N, d)
    labels : ndarray of int, shape (N,)
    class_names, feature_names : tuple of str
    source : str
    """

    X: np.ndarray
    labels: np.ndarray
    class_names: tuple
    feature_names: tuple
    source: str

    def __post_init__(self):
        X = as_float_array("X", self.X, ndim=2)
        labels = np.asarray(self.labels)
        if labels.shape != (X.shape[0],) or not np.issubdtype(labels.dtype, np.integer):
            raise ValueError(
                f"`labels` must be {X.shape[0]} integer class indices, one per row "
                f"of `X`; got dtype {labels.dtype} and shape {labels.shape}."
            )
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "labels", labels)

    @property
    def n_samples(self):
        return self.X.shape[0]

    def __repr__(self):
        return (
            f"Dataset(N={self.X.shape[0]}, d={self.X.shape[1]}, "
            f"classes={self.class_names})"
        )


IRIS_SOURCE = (
    "Iris measurements of R. A. Fisher, 'The use of multiple measurements in "
    "taxonomic problems', Annals of Eugenics 7 (1936) 179-188, as printed there "
    "(the copy in the UCI Machine Learning Repository, CC BY 4.0, differs in two "
    "entries). Public data: 150 flowers, 3 species, 4 measurements in cm."
)


def load_iris():
    """Fisher's Iris data: 150 flowers, 4 measurements (cm), 3 species.

    Returns
    -------
    Dataset
        Rows ordered by species, 50 each: setosa, versicolor, virginica.
    """
    names = ("setosa", "versicolor", "virginica")
    text = resources.files("ntkflow").joinpath("data/iris.csv").read_text()
    rows = list(csv.reader(text.splitlines()))
    header, rows = rows[0], rows[1:]
    X = np.array([[float(v) for v in row[:4]] for row in rows])
    labels = np.array([names.index(row[4]) for row in rows])
    return Dataset(X, labels, names, tuple(header[:4]), IRIS_SOURCE)


def standardize(X):
    """Each column shifted to mean 0 and scaled to standard deviation 1."""
    X = as_float_array("X", X, ndim=2)
    std = X.std(axis=0)
    if (std == 0).any():
        raise ValueError(
            f"`X` has a constant column (index {int(np.argmin(std))}); it "
            "cannot be scaled to standard deviation 1."
        )
    return (X - X.mean(axis=0)) / std


def iris_subset(n_per_class, rng=0, standardized=True):
    """A class-balanced random subset of Iris, without repeated flowers.

    Fisher's table lists one flower twice (two virginica rows with equal
    measurements); the subset draws from the first of the two only, so its
    inputs are distinct and an MLP's Jacobian can have full rank.

    Parameters
    ----------
    n_per_class : int in [1, 49]
    rng : int or numpy.random.Generator
        Seed for which flowers are drawn.
    standardized : bool
        Standardize the measurements over the whole data set first.

    Returns
    -------
    Dataset
        ``N = 3 * n_per_class`` rows ordered by class.
    """
    n_per_class = as_count("n_per_class", n_per_class)
    if n_per_class > 49:
        raise ValueError(f"`n_per_class` must be at most 49; got {n_per_class}.")
    data = load_iris()
    rng = as_rng("rng", rng)
    _, first = np.unique(data.X, axis=0, return_index=True)
    distinct = np.zeros(data.n_samples, dtype=bool)
    distinct[first] = True
    pick = np.concatenate(
        [
            np.sort(
                rng.choice(
                    np.flatnonzero(distinct & (data.labels == c)),
                    n_per_class,
                    replace=False,
                )
            )
            for c in range(3)
        ]
    )
    X = standardize(data.X) if standardized else data.X
    return Dataset(
        X[pick], data.labels[pick], data.class_names, data.feature_names, data.source
    )


def one_hot(labels, n_classes=None, smoothing=0.0):
    """Label vectors, one row per sample, optionally smoothed.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
    n_classes : int, optional
        Q; default ``max(labels) + 1``.
    smoothing : float in [0, 1)
        Mix with the uniform distribution: ``(1 - smoothing) e_c + smoothing/Q``.
        Any ``smoothing > 0`` makes every component positive, as the
        cross-entropy minimizer needs.

    Returns
    -------
    y : ndarray, shape (N, Q)
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(
            "`labels` must be a 1-D array of integer class indices; got dtype "
            f"{labels.dtype} and shape {labels.shape}."
        )
    if labels.size and labels.min() < 0:
        raise ValueError(f"`labels` must be >= 0; got {labels.min()}.")
    top = int(labels.max()) + 1 if labels.size else 1
    n_classes = top if n_classes is None else as_count("n_classes", n_classes)
    if n_classes < top:
        raise ValueError(
            f"`n_classes` must exceed every label; got {n_classes} with a label "
            f"{top - 1}."
        )
    smoothing = as_real("smoothing", smoothing, 0.0, 1.0)
    if smoothing == 1.0:
        raise ValueError(
            "`smoothing` must be < 1 (at 1 every label is uniform); got 1.0."
        )
    y = np.eye(n_classes)[labels]
    return (1.0 - smoothing) * y + smoothing / n_classes


def duplicate_inputs(X, i=0, j=None):
    """A copy of the data where sample ``j`` has the inputs of sample ``i``.

    Two samples with equal inputs have equal rows of ``D``: the Jacobian
    loses rank, and if their labels differ no network can fit both.

    Returns
    -------
    X : ndarray, shape (N, d)
    """
    X = as_float_array("X", X, ndim=2).copy()
    n = X.shape[0]
    j = n - 1 if j is None else j
    for name, k in (("i", i), ("j", j)):
        if not 0 <= as_count(name, k, low=0) < n:
            raise ValueError(f"`{name}` must index a sample in [0, {n}); got {k}.")
    if i == j:
        raise ValueError(f"`i` and `j` must differ; got both {i}.")
    X[j] = X[i]
    return X
