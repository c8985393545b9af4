"""Benchmark: whole trajectories, and the centerpiece notebook's alpha grid.

    OPENBLAS_NUM_THREADS=1 python benchmarks/flow.py [--repeats R]

One trajectory over s in [0, 5N] with the default options of ``ntkflow.flow``
for alpha in {0, 0.5, 1} (blend family), on a tanh MLP with input dimension 4
and one hidden layer of width h, at (N, Q, h) = (20, 1, 32) and (50, 3, 64):
median wall time over the repeats, field evaluations, accepted steps, and for
alpha = 1 the largest distance from the chord point x0 + t (y - x0) over
|x0 - y| (the straight-line theorem, exact for the flow). Then the time to
compute what the centerpiece notebook (04_deformation) draws: both
``deform`` calls over its eleven alphas.

The inputs are standard normal; the labels come from a fixed random linear
teacher (one-hot of its argmax for Q = 3, tanh of it for Q = 1).
"""

import argparse
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402

import numpy as np  # noqa: E402

import ntkflow as nf  # noqa: E402
from ntkflow.deformation import deform  # noqa: E402

SIZES = [(20, 1, 32), (50, 3, 64)]
ALPHAS = [0.0, 0.5, 1.0]


def problem(n, q, h):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, 4))
    net = nf.MLP((4, h, q))
    teacher = X @ rng.standard_normal((4, q))
    if q == 1:
        y = np.tanh(teacher)
    else:
        y = nf.one_hot(np.argmax(teacher, axis=1), q)
    return net.outputs(X), nf.L2(y), net.init(1)


def timed(fn, repeats, *args):
    """Median wall time of ``fn(*args)`` and its last result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def centerpiece():
    """Both deform calls of notebooks/04_deformation.ipynb."""
    data = nf.iris_subset(10, rng=1)
    net = nf.MLP((4, 32, 3))
    outputs, theta0 = net.outputs(data.X), net.init(0)
    loss = nf.L2(nf.one_hot(data.labels))
    alphas = np.linspace(0.0, 1.0, 11)
    return [deform(outputs, loss, theta0, alphas, family=f) for f in nf.FAMILIES]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = max(1, parser.parse_args().repeats)
    threads = os.environ["OPENBLAS_NUM_THREADS"]
    print(
        f"tanh MLP (4, h, Q), float64, s in [0, 5N], default options; median of "
        f"{repeats} runs; OPENBLAS_NUM_THREADS={threads}"
    )
    header = f"{'(N, Q, h)':<14}{'alpha':>6}{'method':>9}{'ms':>10}"
    header += f"{'nfev':>7}{'steps':>7}{'chord deviation':>17}"
    print(header)
    print("-" * len(header))
    summary = None
    for n, q, h in SIZES:
        outputs, loss, theta0 = problem(n, q, h)
        for alpha in ALPHAS:
            seconds, traj = timed(nf.flow, repeats, outputs, loss, theta0, alpha)
            deviation = ""
            if alpha == 1.0:
                value = nf.chord_deviation(traj, loss.target)
                deviation = f"{value:.2e}"
                if (n, q, h) == (50, 3, 64):
                    summary = (seconds, value)
            label = f"({n}, {q}, {h})"
            print(
                f"{label:<14}{alpha:>6g}{traj.method:>9}{seconds * 1e3:>10.1f}"
                f"{traj.nfev:>7}{traj.n_steps:>7}{deviation:>17}"
            )
    seconds, grids = timed(centerpiece, max(1, repeats // 2))
    nfev = sum(tr.nfev for grid in grids for tr in grid.trajectories)
    print(
        f"centerpiece alpha grid (2 families x 11 alphas, Iris N=30, (4, 32, 3)): "
        f"{seconds:.2f} s, {nfev} field evaluations"
    )
    print(
        f"alpha=1 trajectory (50,3,64): {summary[0] * 1e3:.0f} ms, "
        f"chord deviation {summary[1]:.1e}"
    )


if __name__ == "__main__":
    main()
