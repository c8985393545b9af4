"""Checks at the public boundary: one sentence per failure, naming the argument."""

import difflib
import numbers

import numpy as np


def _describe(value):
    """Short description of what was given, for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"{value!r} of type {type(value).__name__}"


def as_float_array(name, value, ndim=None, shape=None):
    """Convert `value` to a finite float64 array, or raise naming `name`.

    `shape` may hold None for any length along that axis.
    """
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(
            f"`{name}` must be an array of numbers; got {_describe(value)}."
        )
    try:
        is_complex = np.iscomplexobj(value)
        array = None if is_complex else np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"`{name}` must be an array of numbers (a nested list of equal-length "
            f"rows or an ndarray); got {_describe(value)}."
        ) from None
    if is_complex:
        # numpy would silently drop the imaginary part.
        raise TypeError(
            f"`{name}` must hold real numbers; got complex values "
            f"({_describe(np.asarray(value))})."
        )
    if ndim is not None and array.ndim != ndim:
        raise ValueError(
            f"`{name}` must have {ndim} dimension(s); got {_describe(array)}."
        )
    if shape is not None:
        expected = tuple("any" if n is None else n for n in shape)
        if array.ndim != len(shape) or any(
            n is not None and n != m for n, m in zip(shape, array.shape, strict=True)
        ):
            raise ValueError(
                f"`{name}` must have shape {expected}; got {_describe(array)}."
            )
    check_finite(name, array)
    return array


def check_finite(name, array):
    """Raise if `array` holds NaN or infinity, saying where the first one is."""
    contiguous = array.flags.c_contiguous or array.flags.f_contiguous
    if array.size > 4096 and array.dtype == np.float64 and contiguous:
        # One BLAS dot product is finite for every finite array (unless its
        # squares overflow) and much cheaper than isfinite on a large Jacobian.
        flat = array.ravel(order="K")
        with np.errstate(over="ignore", invalid="ignore"):
            if np.isfinite(flat @ flat):
                return array
    bad = ~np.isfinite(array)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"`{name}` must be finite; got {float(array[where])} at index {where} "
            f"({int(bad.sum())} non-finite of {array.size})."
        )
    return array


def as_real(name, value, low=None, high=None, low_open=False):
    """A finite real number within [low, high] (or (low, high] if low_open)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value.item()
        else:
            raise TypeError(f"`{name}` must be a real number; got {_describe(value)}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"`{name}` must be finite; got {value!r}.")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and value > high
    if too_low or too_high:
        left = "(" if low_open else "["
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf)" if high is None else f"{high:g}]"
        raise ValueError(f"`{name}` must lie in {left}{lo}, {hi}; got {value!r}.")
    return value


def as_count(name, value, low=1):
    """An integer at least `low`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer; got {_describe(value)}.")
    if value < low:
        raise ValueError(f"`{name}` must be at least {low}; got {value!r}.")
    return int(value)


def _suggest(value, choices):
    """`` Did you mean 'X'?`` for a near miss among string choices, else ''."""
    if not isinstance(value, str):
        return ""
    by_lower = {str(c).lower(): c for c in choices}
    close = difflib.get_close_matches(value.lower(), list(by_lower), n=1)
    return f" Did you mean {by_lower[close[0]]!r}?" if close else ""


def as_choice(name, value, choices):
    """One of a fixed set of option strings."""
    if isinstance(value, str) and value in choices:
        return value
    options = ", ".join(repr(c) for c in choices)
    raise ValueError(
        f"`{name}` must be one of {options}; got {value!r}." + _suggest(value, choices)
    )


def reject_unknown(function, unknown, known):
    """Raise a TypeError naming unknown keyword options and the valid ones."""
    if not unknown:
        return
    names = ", ".join(f"`{k}`" for k in sorted(unknown))
    hints = "".join(_suggest(k, known) for k in sorted(unknown))
    raise TypeError(
        f"{function}() got unknown option(s) {names}; the options are "
        f"{', '.join(known)}.{hints}"
    )


def as_callable(name, value, expected):
    """A callable, or a TypeError saying what kind of callable was expected."""
    if not callable(value):
        raise TypeError(
            f"`{name}` must be a callable {expected}; got {_describe(value)}."
        )
    return value


#: Default memory budget for one array built by ntkflow, in bytes (512 MiB).
DEFAULT_MEMORY_BUDGET = 512 * 2**20
_budget = [DEFAULT_MEMORY_BUDGET]


class MemoryBudgetError(MemoryError):
    """An array would exceed the memory budget; see :func:`set_memory_budget`."""


def set_memory_budget(n_bytes=None):
    """Set the largest memory ntkflow may allocate for ``D``, ``Theta`` and kin.

    Sizes are estimated before the arrays are built, so a computation that
    would not fit stops at once with a :class:`MemoryBudgetError` instead of
    exhausting the machine (a Binder session has 1-2 GB).

    Parameters
    ----------
    n_bytes : int, optional
        The new budget in bytes; ``None`` restores the default of 512 MiB.

    Returns
    -------
    previous : int
        The budget before the call, so it can be restored.
    """
    previous = _budget[0]
    if n_bytes is None:
        _budget[0] = DEFAULT_MEMORY_BUDGET
    else:
        _budget[0] = as_count("n_bytes", n_bytes)
    return previous


def memory_budget():
    """The current memory budget in bytes (see :func:`set_memory_budget`)."""
    return _budget[0]


def _mb(n_bytes):
    return f"{n_bytes / 2**20:,.1f} MiB"


def check_memory(parts, where):
    """Refuse when the float64 arrays in `parts` would exceed the budget.

    `parts` maps a description such as ``"D (QN x K = 90 x 259)"`` to a
    number of float64 entries.
    """
    total = 8 * sum(int(n) for n in parts.values())
    if total <= _budget[0]:
        return total
    detail = " + ".join(f"{what}: {_mb(8 * int(n))}" for what, n in parts.items())
    raise MemoryBudgetError(
        f"{where} would need about {_mb(total)} ({detail}), above the memory "
        f"budget of {_mb(_budget[0])}; use fewer samples or parameters, or "
        "raise the budget with `ntkflow.set_memory_budget(n_bytes)`."
    )


def as_rng(name, value):
    """A numpy Generator from a seed, a Generator, or None."""
    if isinstance(value, np.random.Generator):
        return value
    if value is None or (
        isinstance(value, numbers.Integral) and not isinstance(value, bool)
    ):
        return np.random.default_rng(value)
    raise TypeError(
        f"`{name}` must be an integer seed or a numpy Generator; "
        f"got {_describe(value)}."
    )
