"""Bad input at every public entry point: the right exception, a useful message.

Each case lists three fragments its message must contain: the argument it
names, what was expected, and what was given.
"""

import math

import numpy as np
import pytest

import ntkflow as nf
from ntkflow.datasets import Dataset

NET = nf.MLP((2, 5, 2))
X = np.array([[0.1, -0.4], [0.7, 0.2], [-0.5, 0.9]])
OUTPUTS = NET.outputs(X)
THETA = NET.init(0)
Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
L2 = nf.L2(Y)
CE = nf.CrossEntropy(nf.one_hot([0, 1, 1], smoothing=0.2))
D = nf.jacobian(OUTPUTS, THETA)
G = L2.grad(OUTPUTS(THETA))
LINEAR = nf.linear_outputs(np.eye(3, 4))
NAN, INF = float("nan"), float("inf")


def nan_at(array, index):
    array = np.array(array, dtype=float)
    array[index] = np.nan
    return array


def flow(**kwargs):
    args = {"theta0": THETA, "alpha": 1.0, "s_max": 1.0}
    args.update(kwargs)
    return lambda: nf.flow(OUTPUTS, args.pop("loss", L2), **args)


def in_place(theta):
    x = np.zeros(2)
    x[0] = theta[0]
    x[1] = theta[1]
    return x


def plain_math(theta):
    return np.array([math.sin(theta[0]), theta[1]])


CASES = {
    # jacobian, ntk, evaluate: the outputs callable and theta
    "outputs not callable": (
        lambda: nf.jacobian(np.zeros(3), THETA),
        TypeError,
        ("`outputs`", "must be a callable", "got ndarray"),
    ),
    "theta 2-D": (
        lambda: nf.jacobian(OUTPUTS, THETA[None]),
        ValueError,
        ("`theta`", "1 dimension", f"shape (1, {THETA.size})"),
    ),
    "theta with NaN": (
        lambda: nf.jacobian(OUTPUTS, nan_at(THETA, 4)),
        ValueError,
        ("`theta`", "must be finite", "nan at index (4,)"),
    ),
    "theta with inf for ntk": (
        lambda: nf.ntk(OUTPUTS, np.full(THETA.size, INF)),
        ValueError,
        ("`theta`", "must be finite", "inf at index (0,)"),
    ),
    "theta of the wrong length": (
        lambda: nf.jacobian(OUTPUTS, np.zeros(3)),
        ValueError,
        ("`theta`", f"shape ({THETA.size},)", "got shape (3,)"),
    ),
    "theta a string": (
        lambda: nf.jacobian(OUTPUTS, "theta"),
        TypeError,
        ("`theta`", "array of numbers", "'theta' of type str"),
    ),
    "theta complex": (
        lambda: nf.evaluate(OUTPUTS, THETA + 1j),
        TypeError,
        ("`theta`", "real numbers", "complex"),
    ),
    "theta a ragged list": (
        lambda: nf.evaluate(OUTPUTS, [[1.0, 2.0], [3.0]]),
        TypeError,
        ("`theta`", "array of numbers", "list of length 2"),
    ),
    "outputs returns (N, Q)": (
        lambda: nf.evaluate(lambda th: np.zeros((2, 2)), np.zeros(3)),
        ValueError,
        ("`outputs(theta)`", "flat vector of shape (QN,)", "shape (2, 2)"),
    ),
    "outputs returns (N, Q) to jacobian": (
        lambda: nf.jacobian(lambda th: th.reshape(2, 2), np.zeros(4)),
        ValueError,
        ("`outputs(theta)`", "`.reshape(-1)`", "shape (2, 2)"),
    ),
    "outputs returns NaN": (
        lambda: nf.evaluate(lambda th: th + np.nan, np.zeros(2)),
        ValueError,
        ("`outputs(theta)`", "must be finite", "nan at index (0,)"),
    ),
    "outputs returns text": (
        lambda: nf.evaluate(lambda th: "x", np.zeros(2)),
        TypeError,
        ("`outputs(theta)`", "array of numbers", "str 'x'"),
    ),
    "outputs assigns in place": (
        lambda: nf.jacobian(in_place, np.ones(2)),
        TypeError,
        ("`outputs`", "without in-place assignment", "Original error"),
    ),
    "outputs uses the math module": (
        lambda: nf.jacobian(plain_math, np.ones(2)),
        TypeError,
        ("`outputs`", "import autograd.numpy as np", "Original error"),
    ),
    # rank, range_basis, projector, pinv
    "D 1-D": (
        lambda: nf.rank(np.ones(3)),
        ValueError,
        ("`D`", "2 dimension(s)", "shape (3,)"),
    ),
    "D with inf": (
        lambda: nf.pinv(nan_at(D, (1, 2)) * 0 + INF),
        ValueError,
        ("`D`", "must be finite", "at index (0, 0)"),
    ),
    "rank rtol negative": (
        lambda: nf.rank(D, rtol=-1),
        ValueError,
        ("`rtol`", "[0, 1]", "got -1.0"),
    ),
    "projector rtol NaN": (
        lambda: nf.projector(D, rtol=NAN),
        ValueError,
        ("`rtol`", "must be finite", "nan"),
    ),
    "range_basis rtol text": (
        lambda: nf.range_basis(D, rtol="small"),
        TypeError,
        ("`rtol`", "real number", "'small'"),
    ),
    # flows
    "alpha above 1": (
        lambda: nf.parameter_velocity(D, G, 1.5),
        ValueError,
        ("`alpha`", "[0, 1]", "got 1.5"),
    ),
    "alpha NaN": (
        lambda: nf.output_velocity(D, G, NAN),
        ValueError,
        ("`alpha`", "must be finite", "nan"),
    ),
    "alpha inf": (
        lambda: nf.kernel_velocity(D @ D.T, G, INF),
        ValueError,
        ("`alpha`", "must be finite", "inf"),
    ),
    "alpha a list": (
        lambda: nf.parameter_velocity(D, G, [0.5]),
        TypeError,
        ("`alpha`", "real number", "list of length 1"),
    ),
    "alpha text": (
        lambda: nf.parameter_velocity(D, G, "1"),
        TypeError,
        ("`alpha`", "real number", "'1' of type str"),
    ),
    "family unknown": (
        lambda: nf.parameter_velocity(D, G, 0.5, "cubic"),
        ValueError,
        ("`family`", "one of 'blend', 'spectral'", "got 'cubic'"),
    ),
    "family misspelt": (
        lambda: nf.output_velocity(D, G, 0.5, "Spectrl"),
        ValueError,
        ("`family`", "Did you mean 'spectral'?", "got 'Spectrl'"),
    ),
    "g of the wrong length": (
        lambda: nf.parameter_velocity(D, np.zeros(5)),
        ValueError,
        ("`g`", "shape (6,)", "shape (5,)"),
    ),
    "g with NaN": (
        lambda: nf.output_velocity(D, nan_at(G, 2)),
        ValueError,
        ("`g`", "must be finite", "nan at index (2,)"),
    ),
    "Theta not square": (
        lambda: nf.kernel_velocity(D, G),
        ValueError,
        ("`Theta`", "square", f"shape {D.shape}"),
    ),
    "Theta not symmetric": (
        lambda: nf.kernel_velocity(np.triu(np.ones((3, 3))), np.ones(3)),
        ValueError,
        ("`Theta`", "symmetric kernel", "max |Theta - Theta^T| = 1"),
    ),
    "Theta indefinite": (
        lambda: nf.kernel_velocity(np.diag([2.0, -1.0]), np.ones(2)),
        ValueError,
        ("`Theta`", "positive semi-definite", "eigenvalue -1"),
    ),
    "kernel rtol above 1": (
        lambda: nf.kernel_velocity(np.eye(2), np.ones(2), rtol=2),
        ValueError,
        ("`rtol`", "[0, 1]", "got 2.0"),
    ),
    "mode gains of a zero singular value": (
        lambda: nf.mode_gains(np.array([1.0, 0.0]), 0.5),
        ValueError,
        ("`S`", "positive singular values", "minimum 0.0"),
    ),
    "mode gains family": (
        lambda: nf.mode_gains(np.ones(2), 0.5, "other"),
        ValueError,
        ("`family`", "one of", "'other'"),
    ),
    # losses
    "labels 3-D": (
        lambda: nf.L2(np.zeros((2, 2, 2))),
        ValueError,
        ("`y`", "shape (N, Q)", "shape (2, 2, 2)"),
    ),
    "labels empty": (
        lambda: nf.L2([]),
        ValueError,
        ("`y`", "N, Q >= 1", "shape (0, 1)"),
    ),
    "labels None": (
        lambda: nf.L2(None),
        TypeError,
        ("`y`", "array of numbers", "None"),
    ),
    "labels with NaN": (
        lambda: nf.L2(nan_at(Y, (1, 0))),
        ValueError,
        ("`y`", "must be finite", "nan at index (1, 0)"),
    ),
    "labels with inf for cross-entropy": (
        lambda: nf.CrossEntropy([[INF, 0.0]]),
        ValueError,
        ("`y`", "must be finite", "inf at index (0, 0)"),
    ),
    "cross-entropy label negative": (
        lambda: nf.CrossEntropy([[1.2, -0.2]]),
        ValueError,
        ("`y`", "probabilities (>= 0)", "y[0, 1] = -0.2"),
    ),
    "cross-entropy row not summing to 1": (
        lambda: nf.CrossEntropy([[0.5, 0.5], [0.5, 0.6]]),
        ValueError,
        ("`y`", "sum to 1 in every row", "row 1 summing to 1.1"),
    ),
    "cross-entropy with one class": (
        lambda: nf.CrossEntropy([1.0, 1.0]),
        ValueError,
        ("`y`", "Q >= 2 classes", "shape (2, 1)"),
    ),
    "outputs of the wrong length for a loss": (
        lambda: L2.grad(np.zeros(5)),
        ValueError,
        ("`x`", "shape (6,)", "shape (5,)"),
    ),
    "outputs with NaN for a loss": (
        lambda: CE.value(nan_at(np.zeros(6), 3)),
        ValueError,
        ("`x`", "must be finite", "nan at index (3,)"),
    ),
    "minimizer start of the wrong shape": (
        lambda: CE.minimizer(np.zeros((3, 2))),
        ValueError,
        ("`x0`", "shape (6,)", "shape (3, 2)"),
    ),
    "minimizer for one-hot labels": (
        lambda: nf.CrossEntropy(nf.one_hot([0, 1])).minimizer(np.zeros(4)),
        ValueError,
        ("no minimizer", "Use positive labels", "y[0, 1] = 0"),
    ),
    # flow and sweep
    "flow alpha negative": (
        flow(alpha=-0.1),
        ValueError,
        ("`alpha`", "[0, 1]", "got -0.1"),
    ),
    "flow alpha NaN": (flow(alpha=NAN), ValueError, ("`alpha`", "finite", "nan")),
    "flow s_max zero": (flow(s_max=0.0), ValueError, ("`s_max`", "(0, inf)", "0.0")),
    "flow s_max negative": (
        flow(s_max=-5),
        ValueError,
        ("`s_max`", "(0, inf)", "got -5.0"),
    ),
    "flow s_max inf": (flow(s_max=INF), ValueError, ("`s_max`", "finite", "inf")),
    "flow unknown method": (
        flow(method="Euler"),
        ValueError,
        ("`method`", "'DOP853', 'RK45'", "got 'Euler'"),
    ),
    "flow method in lower case": (
        flow(method="rk45"),
        ValueError,
        ("`method`", "Did you mean 'RK45'?", "got 'rk45'"),
    ),
    "flow unknown option": (
        flow(tol=1e-8),
        TypeError,
        ("`tol`", "the options are outputs, loss", "Did you mean 'rtol'?"),
    ),
    "flow loss_ratio above 1": (
        flow(loss_ratio=2.0),
        ValueError,
        ("`loss_ratio`", "(0, 1]", "got 2.0"),
    ),
    "flow theta0 of the wrong length": (
        flow(theta0=np.zeros(3)),
        ValueError,
        ("`theta`", f"shape ({THETA.size},)", "got shape (3,)"),
    ),
    "flow theta0 with NaN": (
        flow(theta0=nan_at(THETA, 0)),
        ValueError,
        ("`theta0`", "must be finite", "nan at index (0,)"),
    ),
    "flow theta0 a number": (
        flow(theta0=3),
        ValueError,
        ("`theta0`", "1 dimension(s)", "shape ()"),
    ),
    "flow s_eval decreasing": (
        flow(s_eval=[0.5, 0.1]),
        ValueError,
        ("`s_eval`", "increasing within [0, s_max=1]", "from 0.1 to 0.5"),
    ),
    "flow s_eval beyond s_max": (
        flow(s_eval=[0.0, 2.0]),
        ValueError,
        ("`s_eval`", "within [0, s_max=1]", "to 2"),
    ),
    "flow loss not a loss": (
        flow(loss=lambda x: x @ x),
        TypeError,
        ("`loss`", "ntkflow loss such as `ntkflow.L2(y)`", "got function"),
    ),
    "flow labels do not match the outputs": (
        flow(loss=nf.L2(np.zeros((3, 3)))),
        ValueError,
        ("`loss` labels", "N=3, Q=3", "returns 6"),
    ),
    "flow max_steps zero": (
        flow(max_steps=0),
        ValueError,
        ("`max_steps`", "at least 1", "got 0"),
    ),
    "flow max_steps a float": (
        flow(max_steps=2.5),
        TypeError,
        ("`max_steps`", "integer", "2.5"),
    ),
    "flow n_points one": (
        flow(n_points=1),
        ValueError,
        ("`n_points`", "at least 2", "got 1"),
    ),
    "flow rtol zero": (flow(rtol=0.0), ValueError, ("`rtol`", "(0, 1]", "0.0")),
    "flow atol negative": (flow(atol=-1), ValueError, ("`atol`", "(0, inf)", "-1.0")),
    "flow rank_rtol above 1": (
        flow(rank_rtol=2),
        ValueError,
        ("`rank_rtol`", "[0, 1]", "got 2.0"),
    ),
    "flow family unknown": (
        flow(family="cubic"),
        ValueError,
        ("`family`", "one of", "'cubic'"),
    ),
    "flow outputs not callable": (
        lambda: nf.flow("net", L2, THETA),
        TypeError,
        ("`outputs`", "callable", "got str"),
    ),
    "flow outputs NaN at theta0": (
        lambda: nf.flow(lambda th: th * np.nan, nf.L2([0.0, 0.0]), np.ones(2)),
        ValueError,
        ("`outputs(theta)`", "must be finite", "nan"),
    ),
    "sweep alphas 2-D": (
        lambda: nf.sweep(OUTPUTS, L2, THETA, [[0.5]]),
        ValueError,
        ("`alphas`", "1 dimension", "shape (1, 1)"),
    ),
    "sweep alpha above 1": (
        lambda: nf.sweep(OUTPUTS, L2, THETA, [1.2], s_max=1.0),
        ValueError,
        ("`alpha`", "[0, 1]", "got 1.2"),
    ),
    "sweep progress not callable": (
        lambda: nf.sweep(OUTPUTS, L2, THETA, [1.0], progress=True),
        TypeError,
        ("`progress`", "progress(done, total)", "True"),
    ),
    "sweep unknown option": (
        lambda: nf.sweep(OUTPUTS, L2, THETA, [1.0], famliy="blend"),
        TypeError,
        ("`famliy`", "the options are s_max", "Did you mean 'family'?"),
    ),
    # reparametrized time
    "reparametrize negative s": (
        lambda: nf.reparametrize([-1.0, 2.0], 3),
        ValueError,
        ("`s`", ">= 0", "minimum -1.0"),
    ),
    "reparametrize n_samples zero": (
        lambda: nf.reparametrize(1.0, 0),
        ValueError,
        ("`n_samples`", "at least 1", "got 0"),
    ),
    "reparametrize n_samples a float": (
        lambda: nf.reparametrize(1.0, 2.5),
        TypeError,
        ("`n_samples`", "integer", "2.5"),
    ),
    "flow_time t of 1": (
        lambda: nf.flow_time([0.5, 1.0], 3),
        ValueError,
        ("`t`", "[0, 1)", "[0.5, 1.0]"),
    ),
    # geometry
    "chord path 1-D": (
        lambda: nf.chord_distance(np.zeros(3), np.zeros(3), np.ones(3)),
        ValueError,
        ("`x`", "2 dimension", "shape (3,)"),
    ),
    "chord start of the wrong length": (
        lambda: nf.progress(np.zeros((2, 3)), np.zeros(2), np.ones(3)),
        ValueError,
        ("`x0`", "shape (3,)", "shape (2,)"),
    ),
    "chord end with NaN": (
        lambda: nf.progress(np.zeros((2, 2)), np.zeros(2), [1.0, NAN]),
        ValueError,
        ("`y`", "must be finite", "nan at index (1,)"),
    ),
    "chord of zero length": (
        lambda: nf.chord_distance(np.zeros((2, 2)), np.ones(2), np.ones(2)),
        ValueError,
        ("`x0` equals `y`", "no chord", "`x0`"),
    ),
    "progress levels with NaN": (
        lambda: nf.at_progress(np.zeros((2, 2)), np.zeros(2), np.ones(2), [NAN]),
        ValueError,
        ("`levels`", "must be finite", "nan"),
    ),
    "simplex plane without Q = 3": (
        lambda: nf.simplex_plane(np.zeros(4)),
        ValueError,
        ("`x`", "Q = 3 outputs per sample", "shape (4,)"),
    ),
    "simplex plane text": (
        lambda: nf.simplex_plane("abc"),
        TypeError,
        ("`x`", "array of numbers", "'abc'"),
    ),
    "chord deviation of a non-trajectory": (
        lambda: nf.chord_deviation(np.zeros((3, 2)), np.ones(2)),
        TypeError,
        ("`trajectory`", "Trajectory returned by `ntkflow.flow`", "got ndarray"),
    ),
    # models
    "MLP sizes text": (
        lambda: nf.MLP("43"),
        TypeError,
        ("`sizes`", "sequence of layer widths", "'43'"),
    ),
    "MLP one layer": (
        lambda: nf.MLP((4,)),
        ValueError,
        ("`sizes`", "at least an input and an output", "[4]"),
    ),
    "MLP zero width": (
        lambda: nf.MLP((4, 0, 3)),
        ValueError,
        ("`sizes[1]`", "at least 1", "got 0"),
    ),
    "MLP fractional width": (
        lambda: nf.MLP((4, 2.5, 3)),
        TypeError,
        ("`sizes[1]`", "integer", "2.5"),
    ),
    "MLP activation unknown": (
        lambda: nf.MLP((2, 3), activation="relu"),
        ValueError,
        ("`activation`", "one of 'tanh', 'linear'", "'relu'"),
    ),
    "MLP inputs of the wrong width": (
        lambda: NET.outputs(np.zeros((5, 3))),
        ValueError,
        ("`X`", "shape ('any', 2)", "shape (5, 3)"),
    ),
    "MLP inputs with NaN": (
        lambda: NET.outputs(nan_at(X, (2, 1))),
        ValueError,
        ("`X`", "must be finite", "nan at index (2, 1)"),
    ),
    "MLP seed text": (
        lambda: NET.init("seed"),
        TypeError,
        ("`rng`", "integer seed or a numpy Generator", "'seed'"),
    ),
    "MLP outputs theta of the wrong length": (
        lambda: OUTPUTS(np.zeros(5)),
        ValueError,
        ("`theta`", f"shape ({THETA.size},)", "got shape (5,)"),
    ),
    "MLP apply theta of the wrong length": (
        lambda: NET.apply(np.zeros(5), X),
        ValueError,
        ("`theta`", f"shape ({THETA.size},)", "got shape (5,)"),
    ),
    "linear model A 1-D": (
        lambda: nf.linear_outputs(np.ones(3)),
        ValueError,
        ("`A`", "2 dimension", "shape (3,)"),
    ),
    "linear model offset of the wrong length": (
        lambda: nf.linear_outputs(np.eye(3), b=np.ones(2)),
        ValueError,
        ("`b`", "shape (3,)", "shape (2,)"),
    ),
    "linear model A with inf": (
        lambda: nf.linear_outputs([[1.0, INF]]),
        ValueError,
        ("`A`", "must be finite", "inf at index (0, 1)"),
    ),
    "linear model theta of the wrong length": (
        lambda: nf.evaluate(LINEAR, np.zeros(3)),
        ValueError,
        ("`theta`", "shape (4,)", "got shape (3,)"),
    ),
    # data sets
    "one_hot float labels": (
        lambda: nf.one_hot([0.5, 1.0]),
        TypeError,
        ("`labels`", "integer class indices", "dtype float64"),
    ),
    "one_hot negative label": (
        lambda: nf.one_hot([-1, 0]),
        ValueError,
        ("`labels`", ">= 0", "got -1"),
    ),
    "one_hot too few classes": (
        lambda: nf.one_hot([0, 3], 2),
        ValueError,
        ("`n_classes`", "exceed every label", "got 2 with a label 3"),
    ),
    "one_hot smoothing 1": (
        lambda: nf.one_hot([0, 1], 2, 1.0),
        ValueError,
        ("`smoothing`", "must be < 1", "got 1.0"),
    ),
    "iris subset too large": (
        lambda: nf.iris_subset(50),
        ValueError,
        ("`n_per_class`", "at most 49", "got 50"),
    ),
    "iris subset seed text": (
        lambda: nf.iris_subset(3, rng="one"),
        TypeError,
        ("`rng`", "integer seed", "'one'"),
    ),
    "duplicate the same sample": (
        lambda: nf.duplicate_inputs(X, 1, 1),
        ValueError,
        ("`i` and `j`", "must differ", "got both 1"),
    ),
    "duplicate a missing sample": (
        lambda: nf.duplicate_inputs(X, 0, 9),
        ValueError,
        ("`j`", "index a sample in [0, 3)", "got 9"),
    ),
    "Dataset labels of the wrong length": (
        lambda: Dataset(X, np.array([0, 1]), ("a", "b"), ("u", "v"), "test"),
        ValueError,
        ("`labels`", "3 integer class indices", "shape (2,)"),
    ),
    # memory budget
    "memory budget negative": (
        lambda: nf.set_memory_budget(-1),
        ValueError,
        ("`n_bytes`", "at least 1", "got -1"),
    ),
    "memory budget text": (
        lambda: nf.set_memory_budget("1GB"),
        TypeError,
        ("`n_bytes`", "integer", "'1GB'"),
    ),
}


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_refused_clearly(name):
    call, error, fragments = CASES[name]
    with pytest.raises(error) as caught:
        call()
    message = str(caught.value)
    missing = [f for f in fragments if f not in message]
    assert not missing, f"{missing} not in: {message}"


@pytest.mark.parametrize(
    "call",
    [
        lambda: nf.jacobian(OUTPUTS, list(THETA)),
        lambda: nf.evaluate(OUTPUTS, tuple(THETA)),
        lambda: nf.L2(Y.tolist()).value(list(OUTPUTS(THETA))),
        lambda: nf.parameter_velocity(D.tolist(), list(G), 1),
        lambda: nf.flow(OUTPUTS, L2, list(THETA), alpha=1, s_max=1),
        lambda: nf.reparametrize(3, np.int64(3)),
        lambda: nf.rank(D, rtol=np.float32(1e-6)),
        lambda: nf.MLP([2, np.int64(3), 1]).init(np.int64(1)),
        lambda: nf.output_velocity(D, G, np.array(0.5)),
    ],
)
def test_what_numpy_accepts_is_accepted(call):
    # Lists, tuples, Python ints and numpy scalars mean what numpy says.
    call()
