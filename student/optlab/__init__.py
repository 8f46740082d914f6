"""optlab: helpers for the course on optimization for deep learning.

    optlab.problems    test functions: a quadratic of chosen condition number, Rosenbrock, a saddle
    optlab.data        real data that ships offline (scikit-learn's digits)
    optlab.images      real photographs that ship offline, and resizing
    optlab.models      the softmax classifier the book trains
    optlab.network     a small fully connected network in NumPy
    optlab.optimize    the loop that applies an update rule, step after step
    optlab.linesearch  the strong-Wolfe line search of the quasi-Newton loops
    optlab.plotting    contour maps with trajectories, loss curves, one look for the whole book
    optlab.explorer    figures the reader moves with sliders, drawn from precomputed runs
    optlab.testing     the checks and messages of the exercises' visible tests, gradient checks
                       included
    optlab.exercises   a chapter's notebook calls the functions of your exercise notebooks
    optlab.glue        values a chapter's text quotes, on the website and in the notebook

Nothing here is an exercise's answer, except `optlab.optimize`, a loop general enough to
write gradient descent with: the grader makes it unavailable while it grades that exercise.

Install with `pip install ./student` (the course's `python3 dev.py` does it for you).
"""

__version__ = "0.1.0"
