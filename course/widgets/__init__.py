"""Interactive ankle widgets (ipywidgets 8 + anywidget), thin classes over pure functions.

Each widget also renders as a static picture with alt text and a list where no widget
front-end exists (nbconvert HTML, a terminal).
"""

from course.widgets.explorer import AnkleExplorer
from course.widgets.motion import RangeOfMotion
from course.widgets.quiz import LabelQuiz
from course.widgets.technique import TechniqueDemo

__all__ = ["AnkleExplorer", "LabelQuiz", "RangeOfMotion", "TechniqueDemo"]
