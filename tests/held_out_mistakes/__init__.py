"""Held-out wrong versions of the graded exercise functions, one module per chapter.

Each module ends with ``HELD_OUT``: {graded function: {one-line description of the mistake:
a student's whole function making that one mistake}}. The set measures how well the
autograder's feedback names mistakes it was never built from. It was written from the
exercise notebooks' docstrings, the book's chapters and the hidden reference
implementations only, without reading the grader's checks, its catalogs or the earlier sets
of wrong versions.
"""
