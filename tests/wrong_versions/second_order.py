"""Wrong versions of the second-order methods' parts."""

import numpy as np

from autograder.checks import second_order as checks
from autograder.reference.second_order import (
    backtracking_line_search,
    bfgs_update,
    lbfgs,
    lbfgs_direction,
)


def bfgs_update_without_skip(H, s, grad_change):
    """The update even when grad_change @ s <= 0, where it loses positive definiteness."""
    rho = 1 / float(grad_change @ s)
    left = np.eye(len(s)) - rho * np.outer(s, grad_change)
    return left @ H @ left.T + rho * np.outer(s, s)


MUTANTS = {
    "test_newton_step": {
        "wrong sign": lambda w, g, H: w + np.linalg.solve(H, g),
        "H g": lambda w, g, H: w - H @ g,
    },
    "test_bfgs_update": {
        "no skip": bfgs_update_without_skip,
        "transposed": lambda H, s, grad_change: bfgs_update(H, grad_change, s),
    },
    "test_lbfgs_direction": {
        "loops reversed": lambda g, S, G: lbfgs_direction(g, S[::-1], G[::-1]),
        "no scaling": lambda g, S, G: (
            lbfgs_direction(g, S, G) * (float(G[-1] @ G[-1]) / float(S[-1] @ G[-1]) if S else 1.0)
        ),
        "ascent": lambda g, S, G: -lbfgs_direction(g, S, G),
    },
    "test_backtracking_line_search": {
        "always 1": lambda f, w, d, g, alpha=1.0, shrink=0.5, c1=1e-4: alpha,
        "no c1": lambda f, w, d, g, alpha=1.0, shrink=0.5, c1=1e-4: backtracking_line_search(
            f, w, d, g, alpha, shrink, 0.0
        ),
    },
    "test_lbfgs": {
        "gradient descent": lambda f, grad, w0, m=10, tol=1e-6, max_iter=500: lbfgs(
            f, grad, w0, 1, tol, 5
        ),
        "memory of 1": lambda f, grad, w0, m=10, tol=1e-6, max_iter=500: lbfgs(
            f, grad, w0, 1, tol, max_iter
        ),
    },
}

# largest_weight_counts: a prediction of what each method stores.
MUTANTS["test_largest_weight_counts"] = {
    "the Hessian's upper triangle only": lambda memory_bytes, m: (
        int(np.sqrt(2 * memory_bytes / 8)),
        memory_bytes // 8 // (2 * m),
    ),
    "4 bytes a number (float32)": lambda memory_bytes, m: (
        int(np.sqrt(memory_bytes / 4)),
        memory_bytes // 4 // (2 * m),
    ),
    "one vector a pair, not two": lambda memory_bytes, m: (
        int(np.sqrt(memory_bytes / 8)),
        memory_bytes // 8 // m,
    ),
    "memory counted in bits": lambda memory_bytes, m: (
        int(np.sqrt(memory_bytes / 64)),
        memory_bytes // 64 // (2 * m),
    ),
}

# The checks' catalogs of named mistakes, whose wrong versions take each function's arguments.
CATALOGS = {
    "newton_step": checks.NEWTON_MISTAKES,
    "bfgs_update": {
        **checks.BFGS_MISTAKES,
        **checks.SKIP_MISTAKES,
        **checks.ZERO_CURVATURE_MISTAKES,
    },
    "lbfgs_direction": checks.DIRECTION_MISTAKES,
    "backtracking_line_search": checks.SEARCH_MISTAKES,
    "lbfgs": checks.LBFGS_MISTAKES,
    "largest_weight_counts": checks.COUNT_MISTAKES,
}
SECTIONS = {
    "test_bfgs_update": {
        "the update is made even when the curvature condition": "the-curvature-condition",
        "H is reset to the identity when the update is skipped": "the-curvature-condition",
        "the update is skipped only when Δg^T s < 0": "the-curvature-condition",
        "the curvature test is reversed": "the-curvature-condition",
    },
    "test_lbfgs": {
        "the step comes from backtracking": (
            "why-quasi-newton-methods-need-the-curvature-condition"
        ),
    },
    "test_largest_weight_counts": {
        "L-BFGS's count leaves out the 2": "l-bfgs-the-last-m-pairs",
        "Newton's count is a cube root": "what-a-newton-step-costs",
    },
}
