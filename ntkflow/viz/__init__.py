"""Figures and notebook helpers for the course (plotly; imported only here).

Everything drawn is computed by the rest of :mod:`ntkflow`; this package only
lays it out.
"""

from .connections import collapse_figure, damping_figure, euler_figure
from .controls import KernelControl
from .cross_entropy import cross_entropy_figure
from .deformation import deformation_figure, ends_figure
from .full_data import training_cost_figure
from .lazy import lazy_figure, mode_decay_figure
from .rank_loss import rank_loss_figure
from .spectrum import spectrum_figure
from .straight import straight_line_figure
from .style import PALETTE, StepProgress, TextProgress

__all__ = [
    "PALETTE",
    "KernelControl",
    "StepProgress",
    "TextProgress",
    "deformation_figure",
    "ends_figure",
    "lazy_figure",
    "mode_decay_figure",
    "spectrum_figure",
    "straight_line_figure",
    "collapse_figure",
    "cross_entropy_figure",
    "damping_figure",
    "euler_figure",
    "rank_loss_figure",
    "training_cost_figure",
]
