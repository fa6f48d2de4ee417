"""Every widget of the course (ipywidgets 8 + anywidget), thin classes over pure functions.

Diagrams: :class:`AnkleExplorer`, :class:`TechniqueDemo`, :class:`FindOnDiagramQuiz`,
:class:`RangeOfMotion`; lessons: :class:`ScenarioExplorer` (``scenario``),
:class:`RoutineChecklist` (``checklist``), :class:`SelfCheck` (``self_check``),
:class:`ProgressSummary` (``progress``). Each also renders as static HTML where no widget
front-end exists (nbconvert HTML, a terminal): :mod:`course.widgets.fallback`.

``LabelQuiz`` is the old name of :class:`FindOnDiagramQuiz` (deprecated, still importable).
"""

from course.widgets.checklist import RoutineChecklist
from course.widgets.explorer import AnkleExplorer
from course.widgets.find_on_diagram import FindOnDiagramQuiz
from course.widgets.motion import RangeOfMotion
from course.widgets.progress import ProgressSummary
from course.widgets.scenario import ScenarioExplorer
from course.widgets.self_check import SelfCheck
from course.widgets.technique import TechniqueDemo

__all__ = [
    "AnkleExplorer",
    "FindOnDiagramQuiz",
    "ProgressSummary",
    "RangeOfMotion",
    "RoutineChecklist",
    "ScenarioExplorer",
    "SelfCheck",
    "TechniqueDemo",
]


def __getattr__(name: str) -> type[FindOnDiagramQuiz]:
    from course.widgets.quiz import deprecated_alias

    return deprecated_alias(__name__, name)
