"""An update rule under test, with what stepping it beside the reference needs.

The chapters that ask for several update rules (momentum's, the adaptive methods') run
the same checks on each: an `UpdateRule` holds what differs from one rule to the next,
so that a check binds one value and steps it with `UpdateRule.follow_reference`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .steps import Steps, step_side_by_side


@dataclass(frozen=True)
class UpdateRule:
    name: str  # the notebook's function
    reference: Callable
    state_names: tuple[str, ...] = ()
    # A known wrong version of the rule for each explanation that names it.
    mistakes: dict[str, Callable] = field(default_factory=dict)

    def follow_reference(
        self, student, grad: Callable, w0: np.ndarray, num_steps: int, hyper: dict, **options
    ) -> None:
        """`step_side_by_side` for this rule; ``options`` are its tolerances and initial state."""
        step_side_by_side(student, self, Steps(grad, w0, num_steps, hyper, **options))
