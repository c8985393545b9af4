"""Self-checking exercises: compare a learner's answer with ntkflow's value.

Each check prints a verdict and, when the answer is off, a hint that points
at the idea without giving the number away. It returns True or False, so a
notebook cell can also be tested.
"""

import numbers

import numpy as np


def _verdict(answer, expected, rel, hint):
    if answer is None:
        print("Type your answer in place of None, then run the cell again.")
        return False
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        print(f"Give a number; got {answer!r}.")
        return False
    if not np.isfinite(answer):
        print(f"Give a finite number; got {answer!r}.")
        return False
    if abs(answer - expected) <= rel * abs(expected):
        print(f"Right: {expected:.6g}.")
        return True
    print(f"Not yet: {answer:.6g} is not it. Hint: {hint}")
    return False


def check_time_to_loss(answer, n_samples, loss_ratio, rel=1e-3):
    """The flow time at which the adapted squared-loss flow has ``C = loss_ratio C(0)``.

    Expected ``s = (N / 2) ln(1 / loss_ratio)``, from ``C(s) = e^(-2s/N) C(0)``.
    """
    expected = n_samples / 2 * np.log(1 / loss_ratio)
    hint = (
        "on the adapted flow the residual x - y shrinks by e^(-s/N), and the "
        "loss is its squared length. Solve C(s) / C(0) = loss_ratio for s."
    )
    return _verdict(answer, expected, rel, hint)


def check_loss_at_t(answer, t, rel=1e-6):
    """``C / C(0)`` of the adapted squared-loss flow at reparametrized time ``t``.

    Expected ``(1 - t)^2``: the outputs are ``x0 + t (y - x0)``.
    """
    hint = "write x(t) - y using x(t) = (1 - t) x0 + t y, then take |.|^2."
    return _verdict(answer, (1 - t) ** 2, rel, hint)
