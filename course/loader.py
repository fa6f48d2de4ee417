"""Load the course content (documented home; the code is :mod:`course.content.loader`)."""

from course.content.loader import CourseContent, load_content
from course.errors import ContentError
from course.safety.decisions import DECISION_ORDER

__all__ = ["DECISION_ORDER", "ContentError", "CourseContent", "load_content"]
