"""Graded assessments on nbgrader: a safety marking layer, parallel autograding and export.

Item banks and answer keys are *not* part of this package: they live in the instructor's
course directory (``grading/source/*.yaml``) and are read from there at run time; the
source notebooks are built from them there (``course.grading.build``, ``ankle-course grade
build``), so this package holds no item, key or hidden test.
Importing this package is light; nbgrader and jupyter are imported only where they are used.

Its rooms, each a sub-package whose docstring says what it owns: ``items`` (item banks and
their keys), ``variants`` (a key per learner), ``build`` (the source notebooks and the item
page), ``marking`` (reading, scoring and recording answers), ``autograde`` (parallel workers),
``sandbox`` (running a learner's code), ``analysis`` (item analysis) and ``export`` (results,
the class report, feedback pages). At the top: ``course`` (the nbgrader course directory),
``release``, and the modules that files outside the package import by name, so they keep their
names: ``preprocessors`` and ``hide_tests`` (``grading/nbgrader_config.py``), ``wellformed``
(every released notebook's setup cell) and ``diagram_items`` (picture questions' hidden tests).
"""

from __future__ import annotations

from course.errors import GradingError

__all__ = ["GradingError"]
