"""An update rule under test, with what stepping it beside the reference needs.

The chapters that ask for several update rules (momentum's, the adaptive methods') run
the same checks on each: an `UpdateRule` holds what differs from one rule to the next,
so that a check binds one value and steps it with `UpdateRule.follow_reference`.
`telling_mistakes` keeps, of a catalog, the mistakes no other one ties with on some
arguments: for the chapters' predictions, whose edge cases make wrong formulas agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .mistakes import outputs_of, same_values
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

    def untied_at(
        self, w: np.ndarray, dw: np.ndarray, state: tuple, hyper: dict, resolution: float = 0.0
    ) -> UpdateRule:
        """This rule without the mistakes whose step from ``w``, ``dw`` and ``state`` is wrong and
        the same as another mistake's, and, given a ``resolution``, without those that come
        within it (relative) of another's or of the right step: for a check whose first step
        ties mistakes that stepping on cannot tell apart.

        Where two mistakes give the step at which a student's rule parts from the reference,
        steps.py steps the student's rule on, from its own outputs, until one of them is left.
        That cannot work where the values stay NaN (0 / 0 at a zero gradient, in every mistake
        that divides by an unguarded zero), nor on float32 weights, where the state handed back
        is the check's float64 copy and the student's rule returns float64 weights, which fail
        their dtype check: there the first of the tied mistakes would be named, rightly or not.
        Nor where steps are so small that mistakes move the weights by less than a millionth of
        themselves (the decay of AdamW at lr = 1e-5): a mistake of the catalog and another one
        (a decay of 0.01 in place of the one given, say) are then closer than names can tell."""
        right = outputs_of(self.reference, w, dw, *state, **hyper)
        outputs = {
            why: outputs_of(wrong, w, dw, *state, **hyper) for why, wrong in self.mistakes.items()
        }

        def close(one: tuple, other: tuple) -> bool:
            return same_values(one, other) or (
                resolution > 0
                and all(
                    np.allclose(a, b, rtol=resolution, atol=1e-12, equal_nan=True)
                    for a, b in zip(one, other)
                )
            )

        wrong_here = [why for why, output in outputs.items() if not same_values(output, right)]
        untold = {
            why
            for why in wrong_here
            if close(outputs[why], right)
            or any(other != why and close(outputs[why], outputs[other]) for other in wrong_here)
        }
        return replace(
            self,
            mistakes={why: wrong for why, wrong in self.mistakes.items() if why not in untold},
        )


def telling_mistakes(mistakes: dict[str, Callable], *args, **kwargs) -> dict[str, Callable]:
    """The entries of a catalog ``{why: wrong version}`` whose output on these arguments no other
    entry gives.

    Two wrong formulas can agree on some arguments (rho**t and rho + ... + rho**t at t = 1): an
    answer equal to both cannot say which mistake was made, and naming the first could name the
    wrong one. A check whose arguments are fixed (an edge case) names only the telling ones."""
    outputs = {why: outputs_of(wrong, *args, **kwargs) for why, wrong in mistakes.items()}
    return {
        why: wrong
        for why, wrong in mistakes.items()
        if not any(
            other != why and same_values(outputs[why], outputs[other]) for other in mistakes
        )
    }
