"""Figures and notebook helpers for the course (plotly; imported only here).

Everything drawn is computed by the rest of :mod:`ntkflow`; this package only
lays it out.
"""

from .controls import KernelControl
from .deformation import deformation_figure, ends_figure
from .style import PALETTE, TextProgress

__all__ = [
    "PALETTE",
    "KernelControl",
    "TextProgress",
    "deformation_figure",
    "ends_figure",
]
