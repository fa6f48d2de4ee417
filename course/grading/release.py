"""Release an assignment: nbgrader's generate_assignment (solutions and hidden tests removed)."""

from __future__ import annotations

import logging
from pathlib import Path

from course.errors import GradingError
from course.grading.course import Course
from course.grading.items.bank import load_item_bank
from course.grading.items.keys import verify_keys
from course.grading.variants.bank import is_variant_bank, load_variant_bank
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


def prepare_retake(course: Course, assignment: str, attempt: int) -> str:
    """Write the link and the source notebook of ``attempt``; returns its assignment name."""
    import yaml

    from course.grading.build.cells import regions
    from course.grading.build.source import Built, notebook_path, render, write
    from course.grading.variants.retake import read_link, retake_name

    if attempt < 2:
        raise GradingError(f"--attempt {attempt}: a retake is attempt 2 or later")
    if read_link(course.root, assignment) is not None:
        raise GradingError(f"{assignment!r} is itself a retake: name the first attempt")
    if not is_variant_bank(course.root, assignment):
        raise GradingError(
            f"{assignment!r} is not a variant assessment (kind: variants): a retake of it would "
            "ask every learner the same questions again"
        )
    load_variant_bank(course.root, assignment)  # the bank is valid
    name = retake_name(assignment, attempt)
    path = course.root / "source" / f"{name}.yaml"
    link = read_link(course.root, name) if path.exists() else None
    if path.exists() and link is None:
        raise GradingError(f"{path} exists and is not a retake link: move it away first")
    if link is None:
        data = {"schema_version": 1, "kind": "retake", "of": assignment, "attempt": attempt}
        header = (
            f"# Retake link: attempt {attempt} of {assignment} (written by ankle-course grade "
            "release --attempt).\n# Same blueprint, new stories: the attempt is in the seed.\n"
        )
        try:
            path.write_text(header + yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        except OSError as exc:
            raise GradingError(f"cannot write {path}: {exc.strerror or exc}") from None
    built = Built(
        name, notebook_path(course.root, name), render(course.root, name, regions(course.config))
    )
    write(built)
    return name
