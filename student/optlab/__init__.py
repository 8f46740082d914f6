"""optlab: helpers for the course on optimization for deep learning.

    optlab.problems    test functions: a quadratic of chosen condition number, Rosenbrock, a saddle
    optlab.gradcheck   the numeric gradient and the relative-error gradient check
    optlab.data        real data that ships offline (scikit-learn's digits)
    optlab.models      the softmax classifier the book trains
    optlab.plotting    contour maps with trajectories, loss curves, one look for the whole book
    optlab.testing     the messages the exercises' visible tests print

Install with `pip install ./student` (the course's `python3 dev.py` does it for you).
"""

__version__ = "0.1.0"
