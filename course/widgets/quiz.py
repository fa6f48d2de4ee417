"""Deprecated home of ``LabelQuiz``, now :class:`course.widgets.find_on_diagram.FindOnDiagramQuiz`.

``from course.widgets.quiz import LabelQuiz`` (and ``from course.widgets import LabelQuiz``)
still work and give the renamed class, with a ``DeprecationWarning``.
"""

from __future__ import annotations

import warnings

from course.widgets.find_on_diagram import FindOnDiagramQuiz

__all__ = ["deprecated_alias"]

_RENAMED = {"LabelQuiz": FindOnDiagramQuiz}


def deprecated_alias(module: str, name: str) -> type[FindOnDiagramQuiz]:
    """The class an old widget ``name`` now means, with a ``DeprecationWarning``; for a
    module's ``__getattr__``. Any other name raises ``AttributeError`` as usual."""
    try:
        new = _RENAMED[name]
    except KeyError:
        raise AttributeError(f"module {module!r} has no attribute {name!r}") from None
    warnings.warn(
        f"{name} is renamed {new.__name__} (course.widgets.{new.__name__}); "
        f"the old name will be removed in a future release",
        DeprecationWarning,
        stacklevel=3,
    )
    return new


def __getattr__(name: str) -> type[FindOnDiagramQuiz]:
    return deprecated_alias(__name__, name)
