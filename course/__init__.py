"""ankle-course: a Jupyter training course on safe ankle massage.

Education, not diagnosis. The public modules are :mod:`course.safety` (the decision engine),
:mod:`course.anatomy` (structure lookup) and :mod:`course.loader` (the content); the
diagrams, widgets, quizzes, progress and grading layers live in their own subpackages.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ankle-course")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0+unknown"
