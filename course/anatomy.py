"""Find anatomical structures by id, name or synonym (now :mod:`course.content.anatomy`)."""

from course.content.anatomy import AmbiguousNameError, ambiguous_names, find, get, structures

__all__ = ["AmbiguousNameError", "ambiguous_names", "find", "get", "structures"]
