"""Benchmark: whole trajectories, and the centerpiece notebook's alpha grid.

    OPENBLAS_NUM_THREADS=1 python benchmarks/flow.py [--repeats R]

One trajectory over s in [0, 5N] with the default options of ``ntkflow.flow``
for alpha in {0, 0.5, 1} (blend family), on a tanh MLP with input dimension 4
and one hidden layer of width h, at (N, Q, h) = (20, 1, 32) and (50, 3, 64):
median wall time over the repeats, field evaluations, accepted steps, and for
alpha = 1 the largest distance from the chord point x0 + t (y - x0) over
|x0 - y| (the straight-line theorem, exact for the flow). Alpha = 1 runs a
second time with rtol = atol = 1e-9, for comparison: what a chord deviation
of 1e-9 would call for. The summary line reports the default run. Then the
time to compute what the centerpiece notebook (04_deformation) draws for its
two alpha sliders.

The inputs are standard normal; the labels come from a fixed random linear
teacher (one-hot of its argmax for Q = 3, tanh of it for Q = 1).
"""

import argparse
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402

import numpy as np  # noqa: E402

import ntkflow as nf  # noqa: E402
from ntkflow.deformation import alpha_grid, deform  # noqa: E402

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
    """What notebooks/04_deformation.ipynb computes for its two alpha sliders.

    The same calls as the notebook's cells: the blend grid from
    ``alpha_grid(lambda_max)``, then six spectral alphas reusing the blend's
    flows at alpha = 0 and 1 (the same flows in both families).
    """
    data = nf.iris_subset(10, rng=1)
    net = nf.MLP((4, 32, 3))
    outputs, theta0 = net.outputs(data.X), net.init(0)
    loss = nf.L2(nf.one_hot(data.labels))
    D = nf.jacobian(outputs, theta0)
    lam_max = np.linalg.eigvalsh(D @ D.T)[-1]
    blend = deform(outputs, loss, theta0, alpha_grid(lam_max))
    spectral = deform(
        outputs,
        loss,
        theta0,
        np.linspace(0.0, 1.0, 6),
        family="spectral",
        reuse=blend,
    )
    return blend, spectral


#: Tolerances of the extra alpha = 1 runs: what a chord deviation of 1e-9
#: would need, against the defaults' 1e-10 / 1e-12.
LOOSE = {"rtol": 1e-9, "atol": 1e-9}


def row(label, alpha, tolerances, seconds, traj, deviation=""):
    print(
        f"{label:<14}{alpha:>6g}{tolerances:>12}{traj.method:>7}"
        f"{seconds * 1e3:>9.1f}{traj.nfev:>7}{traj.n_steps:>7}{deviation:>17}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = max(1, parser.parse_args().repeats)
    threads = os.environ["OPENBLAS_NUM_THREADS"]
    print(
        f"tanh MLP (4, h, Q), float64, s in [0, 5N]; median of {repeats} runs; "
        f"OPENBLAS_NUM_THREADS={threads}"
    )
    header = f"{'(N, Q, h)':<14}{'alpha':>6}{'rtol/atol':>12}{'method':>7}{'ms':>9}"
    header += f"{'nfev':>7}{'steps':>7}{'chord deviation':>17}"
    print(header)
    print("-" * len(header))
    summary = None
    for n, q, h in SIZES:
        outputs, loss, theta0 = problem(n, q, h)
        label = f"({n}, {q}, {h})"
        for alpha in ALPHAS:
            seconds, traj = timed(nf.flow, repeats, outputs, loss, theta0, alpha)
            deviation = ""
            if alpha == 1.0:
                value = nf.chord_deviation(traj, loss.target)
                deviation = f"{value:.2e}"
                if (n, q, h) == (50, 3, 64):
                    summary = (seconds, value)
            row(label, alpha, "default", seconds, traj, deviation)
        seconds, traj = timed(
            lambda *args: nf.flow(*args, **LOOSE), repeats, outputs, loss, theta0, 1.0
        )
        value = nf.chord_deviation(traj, loss.target)
        row(label, 1.0, "1e-9/1e-9", seconds, traj, f"{value:.2e}")
    print("(default rtol/atol: 1e-10/1e-12)")
    seconds, (blend, spectral) = timed(centerpiece, max(1, repeats // 2))
    flows = {id(tr): tr for grid in (blend, spectral) for tr in grid.trajectories}
    nfev = sum(tr.nfev for tr in flows.values())
    print(
        f"centerpiece alpha grids of notebook 4 (blend: {blend.alphas.size} alphas, "
        f"spectral: {spectral.alphas.size}, {len(flows)} flows; Iris N=30, "
        f"(4, 32, 3)): {seconds:.2f} s, {nfev} field evaluations"
    )
    print(
        f"alpha=1 trajectory (50,3,64): {summary[0] * 1e3:.0f} ms, "
        f"chord deviation {summary[1]:.1e}"
    )


if __name__ == "__main__":
    main()
