"""Shared look of the course's figures, and a progress line for slow cells."""

import sys

#: Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
#: A second cue beside colour, one per class.
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x")

#: Decimal places kept in figure data: far below what a screen resolves, and
#: it keeps the saved notebooks small and identical from run to run.
DIGITS = 5


def rounded(values):
    """Values as a list of floats with ``DIGITS`` decimals; NaN becomes None."""
    out = []
    for v in values:
        out.append(None if v != v else round(float(v), DIGITS))
    return out


def base_layout(**extra):
    layout = dict(
        template="plotly_white",
        font=dict(size=13),
        margin=dict(l=60, r=20, t=60, b=50),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    )
    layout.update(extra)
    return layout


class TextProgress:
    """A one-line progress report, ``label: done/total``, rewritten in place.

    Its text does not depend on timing, so a notebook that prints it gives the
    same saved output on every run.
    """

    def __init__(self, label, stream=None):
        self.label = label
        self.stream = sys.stdout if stream is None else stream

    def __call__(self, done, total):
        end = "\n" if done == total else ""
        self.stream.write(f"\r{self.label}: {done}/{total}{end}")
        self.stream.flush()


class StepProgress:
    """A progress line for an iteration with a budget of steps.

    Takes the calls ``progress(done, total)`` of
    :func:`ntkflow.gradient_descent`: ``total`` is the most steps allowed,
    announced by a first call ``progress(0, total)``, and a last call
    ``progress(k, k)`` below that budget means the iteration stopped early
    after ``k`` steps. The line, rewritten in place, reads ``label: 200 of
    at most 2000 steps``, and at the end either ``label: all 2000 steps
    taken`` or ``label: stopped after 10 of at most 60 steps``. Like
    :class:`TextProgress`, it prints nothing that depends on timing. It
    remembers the budget: use a new one for every run.
    """

    def __init__(self, label, stream=None):
        self.label = label
        self.stream = sys.stdout if stream is None else stream
        self.budget = None

    def __call__(self, done, total):
        self.budget = total if self.budget is None else max(self.budget, total)
        if done < total:
            text, end = f"{done} of at most {total} steps", ""
        elif done == 0:
            text, end = "stopped before its first step", "\n"
        elif total == self.budget:
            text, end = f"all {total} steps taken", "\n"
        else:
            text, end = f"stopped after {done} of at most {self.budget} steps", "\n"
        self.stream.write(f"\r{self.label}: {text}{end}")
        self.stream.flush()
