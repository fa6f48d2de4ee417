"""Autograding an assignment in parallel: workers mark, one process writes the gradebook.

``run`` is ``ankle-course grade autograde``: it snapshots the gradebook, hands submissions to
worker processes, records each result one at a time and skips what is already graded; ``engine``
is a worker marking one submission with exactly the preprocessors of ``grading/
nbgrader_config.py`` (the ``course.grading.marking`` room's), so it marks as plain nbgrader does.
"""
