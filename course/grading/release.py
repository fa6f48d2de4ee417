"""Release an assignment: nbgrader's generate_assignment (solutions and hidden tests removed)."""

from __future__ import annotations

import logging
from pathlib import Path

from course.errors import GradingError
from course.grading.course import Course
from course.grading.items.bank import load_item_bank
from course.grading.items.keys import verify_keys
from course.grading.variants.generate import is_variant_bank, load_variant_bank
from course.grading.variants.release import write_cases


class _Errors(logging.Handler):
    """Keep the most telling line of nbgrader's error log (the exception, not the advice)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.last: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        lines = [line for line in record.getMessage().strip().splitlines() if line.strip()]
        if lines and "Traceback" in lines[0]:
            self.last = lines[-1].strip()


def release(course: Course, assignment: str) -> Path:
    """Write ``release/<assignment>/`` and record the assignment in the gradebook.

    A variant assessment also gets ``cases.json.gz``: the cases of every learner in the
    gradebook (releasing again after adding learners changes nobody's cases).
    """
    from nbgrader.converters import GenerateAssignment
    from nbgrader.converters.base import NbGraderException

    course.check_assignment(assignment)
    variants = is_variant_bank(course.root, assignment)
    if variants:
        # checks every template against the current policy; keys are assess() itself
        vbank = load_variant_bank(course.root, assignment)
        with course.gradebook() as gb:
            students = [s.id for s in gb.students]
        if not students:
            raise GradingError(
                f"no learners in the gradebook: {assignment!r} gives each learner their own "
                "cases, so import the class first (nbgrader db student import roster.csv)"
            )
    else:
        bank = load_item_bank(course.root, assignment)
        verify_keys(bank)  # never release a key that disagrees with the policy or the content
    coursedir = course.coursedir
    coursedir.assignment_id = assignment
    converter = GenerateAssignment(coursedir=coursedir, config=course.config)
    converter.force = True
    errors = _Errors()
    converter.log.setLevel(logging.ERROR)
    converter.log.addHandler(errors)
    try:
        converter.start()
    except NbGraderException as exc:
        raise GradingError(
            f"nbgrader could not release {assignment!r}: {errors.last or exc}"
        ) from None
    finally:
        converter.log.removeHandler(errors)
    if variants:
        write_cases(course.release_dir(assignment), vbank, students)
    return course.release_dir(assignment)
