"""Self-checking exercises: compare a learner's answer with ntkflow's value.

Each check prints a verdict and, when the answer is off, a hint that points
at the idea without giving the number away. It returns True or False, so a
notebook cell can also be tested.

A numeric answer counts as right when it lies within a stated relative
tolerance of the value (``rel``, 0.1% unless a check says otherwise). An
answer that misses that tolerance but lies within :data:`CLOSE` of the value
is most likely the right method with too few digits kept; the check says so
and asks for more digits instead of hinting at another method.
"""

import numbers

import numpy as np

#: Relative distance within which a wrong answer is reported as close.
CLOSE = 0.02


def precision(rel):
    """A relative size ``rel`` written as a percentage: ``0.1%``, ``15%``."""
    percent = 100 * rel
    return f"{percent:.0f}%" if percent >= 10 else f"{percent:.2g}%"


def _verdict(answer, expected, rel, hint, scale=None, slips=()):
    if answer is None:
        print("Type your answer in place of None, then run the cell again.")
        return False
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        print(f"Give a number; got {answer!r}.")
        return False
    if not np.isfinite(answer):
        print(f"Give a finite number; got {answer!r}.")
        return False
    scale = abs(expected) if scale is None else scale
    miss = abs(answer - expected)
    if miss <= rel * scale:
        print(f"Right: {expected:.6g}.")
        return True
    # A known slip that lands near the value: name it rather than say
    # "close", but only when the answer is far nearer the slip than the value
    # (a right answer rounded too much may fall between the two).
    for value, slip_hint in slips:
        off = abs(answer - value)
        if off < 0.1 * miss and off <= CLOSE * abs(value):
            print(f"Not yet: {answer:.6g} is not it. Hint: {slip_hint}")
            return False
    if rel > 0 and miss <= CLOSE * scale:
        print(
            f"Close: {answer:.6g} is within {precision(CLOSE)} of the value, but "
            f"the check asks for {precision(rel)}. If you rounded, keep more "
            "digits in the intermediate steps and run the cell again; if not, "
            "check the method: a small slip can land this close too."
        )
        return False
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


def check_max_rank(answer, n_rows, n_params):
    """The largest rank ``D`` (and so ``Theta = D D^T``) can have.

    Expected ``min(QN, K)``: a matrix's rank is at most its number of rows
    and at most its number of columns, and ``rank D D^T = rank D``.

    Parameters
    ----------
    answer : int
    n_rows : int
        QN, the number of stacked outputs (rows of ``D``).
    n_params : int
        K, the number of parameters (columns of ``D``).
    """
    hint = (
        "D has one row per output number and one column per parameter. How "
        "many independent columns can it have, and how many independent rows?"
    )
    return _verdict(answer, min(n_rows, n_params), 0.0, hint)


def check_mode_decay_time(answer, eigenvalue, n_samples, factor, rel=1e-3):
    """Flow time for a kernel mode of the lazy flow to shrink by ``factor``.

    Expected ``N ln(factor) / lambda``: in the eigenbasis of a frozen
    ``Theta`` the residual's coordinate ``i`` obeys ``r_i' = -lambda_i r_i / N``.
    """
    expected = n_samples * np.log(factor) / eigenvalue
    hint = (
        "write the flow x' = -Theta (x - y) / N for one eigen-coordinate of "
        "the residual: a scalar linear equation. Solve it and ask when "
        "r(s) / r(0) = 1 / factor."
    )
    return _verdict(answer, expected, rel, hint)


def check_time_to_epsilon(answer, n_samples, c0, epsilon, rel=1e-3):
    """The flow time at which the adapted squared-loss flow reaches ``C = epsilon``.

    Expected ``s_eps = (N / 2) ln(C(0) / epsilon)``, from ``C(s) = e^(-2s/N) C(0)``.

    Parameters
    ----------
    answer : float
    n_samples : int
        N.
    c0 : float
        The loss at the start, ``C(0) > epsilon``.
    epsilon : float
        The target loss, ``> 0``.
    """
    if not 0 < epsilon < c0:
        raise ValueError(
            f"`epsilon` must lie in (0, c0={c0:g}) for the flow to reach it; "
            f"got {epsilon!r}."
        )
    expected = n_samples / 2 * np.log(c0 / epsilon)
    hint = (
        "the adapted flow multiplies the loss by e^(-2s/N) after time s, "
        "whatever the network. Set C(0) e^(-2s/N) equal to epsilon and take "
        "logarithms."
    )
    return _verdict(answer, expected, rel, hint)


def compare_with_flow(prediction, measured, rel=1e-3):
    """Compare a prediction made before training with the value the flow gave.

    Prints both and whether they agree within the relative tolerance
    ``rel`` (or by how much they differ); returns True if they agree.
    Without a prediction it keeps the measured value to itself, so that the
    saved output under an exercise does not give its answer away.
    """
    if prediction is None:
        print(
            "The flow has run. Make your prediction first: replace None in the "
            "exercise above and run the cells again to see what the flow measured."
        )
        return False
    if isinstance(prediction, bool) or not isinstance(prediction, numbers.Real):
        print(f"Give a number; got {prediction!r}.")
        return False
    gap = abs(prediction - measured) / abs(measured)
    agree = gap <= rel
    if agree:
        verdict = f"they agree within {precision(rel)}"
    else:
        verdict = f"they differ by {precision(gap)}, more than {precision(rel)}"
    print(f"Predicted {prediction:.6g}, measured {measured:.6g}: {verdict}.")
    return agree


def check_duplicate_limit(answer, label_i, label_j, rel=1e-6):
    """Where the adapted flow leaves one output of two identical inputs.

    Two samples with the same inputs always have the same outputs. With
    labels ``label_i`` and ``label_j`` for that output, the squared loss is
    smallest, among equal pairs, at their mean.
    """
    expected = (label_i + label_j) / 2
    hint = (
        "the two outputs stay equal for every theta, say both equal z. Write "
        "their part of the squared loss as a function of z and minimize it."
    )
    return _verdict(answer, expected, rel, hint, scale=max(1.0, abs(label_i)))


def check_logit_gap(answer, smoothing, n_classes, rel=1e-4):
    """Logit of the true class minus another logit, at the minimizer.

    Labels ``(1 - smoothing) e_c + smoothing / Q``; at the minimizer on a
    fiber ``softmax(x) = y``, so the gap is ``log(y_c / y_other)``.
    """
    big = 1 - smoothing + smoothing / n_classes
    small = smoothing / n_classes
    hint = (
        "at the minimizer softmax(x) equals the label vector. Write the ratio "
        "of two softmax components in terms of the logits, and take a log."
    )
    shares = (
        "With smoothing the own class's label is 1 - eps + eps/Q and every "
        "other class's is eps/Q: use the ratio of those two components."
    )
    slips = []
    if 0 < smoothing < 1:
        slips = [
            (
                np.log((1 - smoothing) / smoothing),
                f"that is log((1 - eps) / eps), the labels without their eps/Q "
                f"shares. {shares}",
            ),
            (
                np.log((1 - smoothing) / small),
                f"that is log((1 - eps) / (eps/Q)): the own class's label misses "
                f"its eps/Q share. {shares}",
            ),
        ]
    return _verdict(answer, np.log(big / small), rel, hint, slips=slips)


def check_euler_limit(answer, n_samples, rel=1e-3):
    """Largest stable step of adapted gradient descent (squared loss, full rank).

    One Euler step of ``x' = -(x - y) / N`` multiplies the residual by
    ``1 - h / N``; it shrinks while ``|1 - h/N| < 1``, that is ``h < 2N``.
    """
    hint = (
        "one Euler step of x' = -(x - y)/N multiplies x - y by a number that "
        "depends on h and N. When is its absolute value below 1?"
    )
    return _verdict(answer, 2.0 * n_samples, rel, hint)


def check_steps_to_loss(answer, step_over_n, loss_ratio):
    """Steps of adapted gradient descent until ``C <= loss_ratio C(0)``.

    On the linear model each step multiplies the residual by
    ``|1 - h/N|`` and the loss by its square, so the count is the smallest
    integer ``k`` with ``(1 - h/N)^(2k) <= loss_ratio``.
    """
    factor = abs(1 - step_over_n) ** 2
    expected = int(np.ceil(np.log(loss_ratio) / np.log(factor) - 1e-9))
    hint = (
        "each step multiplies the loss by the same factor (work it out from "
        "h/N). Find the first whole number of steps that brings the product "
        "below the target."
    )
    if isinstance(answer, numbers.Real) and not isinstance(answer, bool):
        if np.isfinite(answer) and answer != int(answer):
            print(f"Give a whole number of steps; got {answer!r}.")
            return False
    return _verdict(answer, expected, 0.0, hint)
