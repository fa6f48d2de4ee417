"""Release an assignment: nbgrader's generate_assignment (solutions and hidden tests removed)."""

from __future__ import annotations

import logging
from pathlib import Path

from course.grading import GradingError
from course.grading.course import Course
from course.grading.items import load_item_bank
from course.grading.keys import verify_keys


def release(course: Course, assignment: str) -> Path:
    """Write ``release/<assignment>/`` and record the assignment in the gradebook."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.converters.base import NbGraderException

    course.check_assignment(assignment)
    bank = load_item_bank(course.root, assignment)
    verify_keys(bank)  # never release a key that disagrees with the policy or the content
    coursedir = course.coursedir
    coursedir.assignment_id = assignment
    converter = GenerateAssignment(coursedir=coursedir, config=course.config)
    converter.force = True
    converter.log.setLevel(logging.ERROR)
    try:
        converter.start()
    except NbGraderException as exc:
        raise GradingError(f"nbgrader could not release {assignment!r}: {exc}") from None
    return course.release_dir(assignment)
