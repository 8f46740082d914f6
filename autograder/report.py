"""Feedback text: what each check asked, whether it passed, and why not.

It names checks by the question they ask and quotes observed and expected values;
it never shows the checks' code or the reference.
"""

from __future__ import annotations

import textwrap

PASS, FAIL = "✔", "✘"


def cell_report(
    results, earned: float, points: float, cell_errors=(), section: str | None = None
) -> str:
    """The feedback of one test cell; ``section`` says where the book explains what failed."""
    passed = sum(r.passed for r in results)
    lines = [f"Hidden checks: {passed} of {len(results)} passed, {earned:g} of {points:g} points."]
    for result in results:
        lines.append(f"  {PASS if result.passed else FAIL} {result.question}")
        if not result.passed:
            lines.extend(textwrap.indent(result.message, "      ").splitlines())
    if section and passed < len(results):
        lines.append(f"  The book explains this function: {section}")
    if cell_errors and passed < len(results):
        lines.append(
            "  Errors raised while your notebook's code ran (they may explain the failures):"
        )
        lines.extend(f"      {e.label}: {e.error}" for e in cell_errors)
    return "\n".join(lines) + "\n"
