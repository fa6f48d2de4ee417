"""ankle-course: a Jupyter training course on safe ankle massage.

Education, not diagnosis. The public modules are :mod:`course.safety` (the decision engine),
:mod:`course.anatomy` (structure lookup) and :mod:`course.loader` (the content); the
diagrams, widgets, quizzes, progress and grading layers live in their own subpackages.
"""


def __getattr__(name: str) -> str:
    """``course.__version__``, read from the installed metadata on first use."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("ankle-course")
        except PackageNotFoundError:  # a bare checkout, never installed
            return "0+unknown"
    raise AttributeError(f"module 'course' has no attribute {name!r}")
