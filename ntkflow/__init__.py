"""ntkflow: gradient flow in parameter space and straight lines in output space.

The course's package: stacked outputs of small networks, their Jacobian ``D``
and empirical NTK ``Theta = D D^T``, the standard and adapted flows with the
deformations between them, and the measurements the notebooks show.
References: T. Chen and P. Munoz Ewald, arXiv:2408.01517; T. Chen,
arXiv:2311.15487.
"""

from . import exercises
from ._validate import MemoryBudgetError, memory_budget, set_memory_budget
from .connections import (
    class_spread,
    gradient_descent,
    levenberg_marquardt_step,
    output_mobility,
    stability_limit,
    steps_to_loss,
)
from .datasets import Dataset, duplicate_inputs, iris_subset, load_iris, one_hot
from .differences import finite_difference_jacobian
from .fibers import fiber_drift, margins
from .flows import (
    FAMILIES,
    kernel_velocity,
    mode_gains,
    output_velocity,
    parameter_velocity,
)
from .geometry import (
    at_progress,
    chord_deviation,
    chord_distance,
    progress,
    simplex_plane,
)
from .integrate import (
    METHODS,
    IllConditionedWarning,
    IntegrationError,
    Trajectory,
    flow,
    flow_time,
    reparametrize,
    sweep,
)
from .kernel import evaluate, jacobian, ntk, pinv, projector, range_basis, rank
from .lazy import kernel_modes, lazy_outputs, residual_modes
from .losses import L2, CrossEntropy
from .models import MLP, linear_outputs
from .residuals import ResidualParts, residual_parts, split_residual
from .symmetries import linear_mlp_null_directions, linear_mlp_rank
from .width import lazy_sweep, width_spectra

__version__ = "0.1.0"

__all__ = [
    "FAMILIES",
    "METHODS",
    "MLP",
    "L2",
    "CrossEntropy",
    "Dataset",
    "IllConditionedWarning",
    "IntegrationError",
    "MemoryBudgetError",
    "Trajectory",
    "ResidualParts",
    "fiber_drift",
    "margins",
    "class_spread",
    "gradient_descent",
    "levenberg_marquardt_step",
    "output_mobility",
    "residual_parts",
    "linear_mlp_null_directions",
    "linear_mlp_rank",
    "split_residual",
    "stability_limit",
    "steps_to_loss",
    "at_progress",
    "chord_deviation",
    "chord_distance",
    "duplicate_inputs",
    "evaluate",
    "exercises",
    "finite_difference_jacobian",
    "flow",
    "flow_time",
    "iris_subset",
    "jacobian",
    "kernel_modes",
    "kernel_velocity",
    "lazy_outputs",
    "lazy_sweep",
    "linear_outputs",
    "load_iris",
    "memory_budget",
    "mode_gains",
    "ntk",
    "one_hot",
    "output_velocity",
    "parameter_velocity",
    "pinv",
    "progress",
    "projector",
    "range_basis",
    "rank",
    "reparametrize",
    "residual_modes",
    "set_memory_budget",
    "simplex_plane",
    "sweep",
    "width_spectra",
]
