"""Benchmark: the Jacobian D, the NTK and the adapted direction D^+ g.

    OPENBLAS_NUM_THREADS=1 python benchmarks/jacobian.py [--repeats R]

A tanh MLP with input dimension 4, one hidden layer of width h and Q outputs,
on N samples, in float64, at the sizes a course uses. For each size, every
candidate is timed once per round, round after round (so a busy machine slows
them all alike), and the table shows the median over the rounds of the time
per call, with its ratio to JAX's ``jit(vmap(jacrev))`` over single samples
and to naive ``autograd.jacobian`` (one backward pass per output row).

JAX is optional and only used here: ``pip install jax`` into the environment
to include it (see the README); without it its column says so. JAX's time is
measured after compilation, which is reported separately.
"""

import argparse
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402

import autograd  # noqa: E402
import numpy as np  # noqa: E402

import ntkflow as nf  # noqa: E402

SIZES = [(20, 1, 32), (50, 3, 64), (150, 3, 64), (400, 1, 128)]
D_IN = 4


def per_call(fn, min_seconds=5e-3):
    """Calls per timing round, so that one round lasts at least ``min_seconds``."""
    fn()
    start = time.perf_counter()
    fn()
    return max(1, int(min_seconds / max(time.perf_counter() - start, 1e-7)))


def measure(candidates, repeats):
    """Median seconds per call of each candidate.

    Calls are timed one by one and interleaved (one call of each candidate in
    turn), so that a burst of load from elsewhere slows all of them alike. A
    round's figure is the median of its calls; the result is the median over
    ``repeats`` rounds.
    """
    calls = {name: per_call(fn) for name, fn in candidates.items()}
    rounds = {name: [] for name in candidates}
    clock = time.perf_counter
    for _ in range(repeats):
        times = {name: [] for name in candidates}
        for i in range(max(calls.values())):
            for name, fn in candidates.items():
                if i < calls[name]:
                    start = clock()
                    fn()
                    times[name].append(clock() - start)
        for name, t in times.items():
            rounds[name].append(np.median(t))
    return {name: float(np.median(r)) for name, r in rounds.items()}


def jax_jacobian(net, X, theta):
    """``jit(vmap(jacrev))`` over single samples; None when JAX is absent."""
    # Single-threaded like the numpy side (OPENBLAS_NUM_THREADS=1).
    os.environ.setdefault(
        "XLA_FLAGS",
        "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    )
    try:
        import jax
    except ImportError:
        return None, None
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    shapes = net._shapes

    def single(theta, x):
        a, start = x, 0
        for i, (n_out, n_in) in enumerate(shapes):
            W = theta[start : start + n_out * n_in].reshape(n_out, n_in)
            start += n_out * n_in
            b = theta[start : start + n_out]
            start += n_out
            z = W @ a / np.sqrt(n_in) + b
            a = z if i == len(shapes) - 1 else jnp.tanh(z)
        return a

    batched = jax.jit(jax.vmap(jax.jacrev(single), in_axes=(None, 0)))
    theta_j, X_j = jnp.asarray(theta), jnp.asarray(X)
    start = time.perf_counter()
    batched(theta_j, X_j).block_until_ready()
    compile_seconds = time.perf_counter() - start
    D = np.asarray(batched(theta_j, X_j)).reshape(-1, theta.size)
    np.testing.assert_allclose(D, net.outputs(X).jacobian(theta), atol=1e-12)

    def run():
        return batched(theta_j, X_j).block_until_ready()

    return run, compile_seconds


def bench_size(n, q, h, repeats):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, D_IN))
    net = nf.MLP((D_IN, h, q))
    outputs = net.outputs(X)
    theta = net.init(1)
    D = nf.jacobian(outputs, theta)
    g = rng.standard_normal(n * q)

    def general(theta):  # a plain callable: ntkflow must use autograd
        return outputs(theta)

    naive = autograd.jacobian(general)
    candidates = {
        "ntkflow.jacobian (MLP)": lambda: nf.jacobian(outputs, theta),
        "ntkflow.jacobian (callable)": lambda: nf.jacobian(general, theta),
        "ntkflow.ntk (MLP)": lambda: nf.ntk(outputs, theta),
        "D^+ g given D": lambda: nf.parameter_velocity(D, g, 1.0),
        "naive autograd.jacobian": lambda: naive(theta),
    }
    np.testing.assert_allclose(naive(theta), D, atol=1e-12)
    jax_run, compile_seconds = jax_jacobian(net, X, theta)
    if jax_run is not None:
        candidates["JAX jit(vmap(jacrev))"] = jax_run
    return measure(candidates, repeats), compile_seconds, net.n_params


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=11)
    repeats = max(7, parser.parse_args().repeats)
    threads = os.environ["OPENBLAS_NUM_THREADS"]
    print(
        f"tanh MLP (4, h, Q), float64; median of {repeats} rounds; "
        f"OPENBLAS_NUM_THREADS={threads}; JAX single-threaded, after compilation"
    )
    header = f"{'(N, Q, h)':<14}{'K':>6}  {'figure':<28}{'ms':>9}"
    header += f"{'/ JAX':>9}{'/ naive':>10}"
    print(header)
    print("-" * len(header))
    worst, missing_jax = 0.0, False
    for n, q, h in SIZES:
        times, compile_seconds, k = bench_size(n, q, h, repeats)
        jax_time = times.get("JAX jit(vmap(jacrev))")
        naive_time = times["naive autograd.jacobian"]
        for name, seconds in times.items():
            to_jax = f"{seconds / jax_time:8.2f}x" if jax_time else f"{'-':>9}"
            to_naive = f"{seconds / naive_time:9.4f}x"
            label = f"({n}, {q}, {h})"
            print(
                f"{label:<14}{k:>6}  {name:<28}{seconds * 1e3:9.4f}{to_jax}{to_naive}"
            )
        if jax_time:
            print(f"{'':<22}(JAX compilation: {compile_seconds * 1e3:.0f} ms)")
            worst = max(worst, times["ntkflow.jacobian (MLP)"] / jax_time)
        else:
            missing_jax = True
        speedup = naive_time / times["ntkflow.jacobian (MLP)"]
        print(f"{'':<22}ntkflow's MLP Jacobian is {speedup:.0f}x faster than naive")
    if missing_jax:
        print("JAX is not installed: its column is skipped (pip install jax).")
        print("worst ratio to JAX: n/a")
    else:
        print(f"worst ratio to JAX: {worst:.2f}")


if __name__ == "__main__":
    main()
