"""The strong-Wolfe line search that the course's quasi-Newton loops use.

BFGS and L-BFGS need more than sufficient decrease: the curvature condition keeps
Δg^T s > 0 (Δg the change of the gradient over the step s), so that their inverse-Hessian
estimates stay positive definite. (A plain backtracking search is simpler, and is one of the
second-order exercise's tasks; this one is a tool, not an exercise.)
"""

from __future__ import annotations


def wolfe_line_search(f, grad, w, direction, alpha=1.0, c1=1e-4, c2=0.9, max_iter=30):
    """A step meeting the strong Wolfe conditions (Nocedal & Wright, Algorithms 3.5 and 3.6):

        f(w + a d) <= f(w) + c1 a g^T d                  (sufficient decrease)
        |grad(w + a d)^T d| <= c2 |g^T d|                (curvature)

    Brackets a step by expansion, then zooms in by bisection-safeguarded quadratic
    interpolation. The curvature condition guarantees Δg^T s > 0 for BFGS. Near a
    minimum the decrease of f falls below its round-off, so the decrease test allows
    f to rise by 1e-12 |f| (Hager and Zhang's approximate Wolfe conditions): there the
    derivative, which is still accurate, decides.
    """
    phi = lambda a: f(w + a * direction)  # noqa: E731
    dphi = lambda a: float(grad(w + a * direction) @ direction)  # noqa: E731
    phi0, dphi0 = phi(0.0), dphi(0.0)
    phi0_noise = phi0 + 1e-12 * abs(phi0)  # f(w) plus what its round-off can hide

    def zoom(lo, hi, phi_lo):
        for _ in range(max_iter):
            a = _interpolate(lo, hi, phi_lo, phi(hi), dphi(lo))
            phi_a = phi(a)
            if phi_a > phi0_noise + c1 * a * dphi0 or phi_a >= phi_lo:
                hi = a
            else:
                d = dphi(a)
                if abs(d) <= -c2 * dphi0:
                    return a
                if d * (hi - lo) >= 0:
                    hi = lo
                lo, phi_lo = a, phi_a
        return lo

    previous, phi_previous = 0.0, phi0
    for i in range(max_iter):
        phi_a = phi(alpha)
        if phi_a > phi0_noise + c1 * alpha * dphi0 or (i > 0 and phi_a >= phi_previous):
            return zoom(previous, alpha, phi_previous)
        d = dphi(alpha)
        if abs(d) <= -c2 * dphi0:
            return alpha
        if d >= 0:
            return zoom(alpha, previous, phi_a)
        previous, phi_previous, alpha = alpha, phi_a, 2.0 * alpha
    return alpha


def _interpolate(lo, hi, phi_lo, phi_hi, dphi_lo):
    """The minimizer of the quadratic through (lo, phi_lo) with slope dphi_lo and (hi, phi_hi),
    kept well inside the bracket (bisection if it falls outside its middle 80%)."""
    width = hi - lo
    denominator = 2.0 * (phi_hi - phi_lo - dphi_lo * width)
    a = lo - dphi_lo * width * width / denominator if denominator != 0 else lo + width / 2
    low, high = sorted((lo + 0.1 * width, hi - 0.1 * width))
    return a if low <= a <= high else lo + width / 2
