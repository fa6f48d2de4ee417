"""Graded assessments on nbgrader: a safety marking layer, parallel autograding and export.

Item banks and answer keys are *not* part of this package: they live in the instructor's
course directory (``grading/source/*.yaml``) and are read from there at run time; the
source notebooks are built from them there (``course.grading.build``, ``ankle-course grade
build``), so this package holds no item, key or hidden test.
Importing this package is light; nbgrader and jupyter are imported only where they are used.
"""

from __future__ import annotations

from course.errors import GradingError

__all__ = ["GradingError"]
