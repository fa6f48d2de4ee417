"""nbgrader configuration of the ankle-course graded assessments (the course directory).

Used by plain ``nbgrader`` commands run from this folder and by ``ankle-course grade``.
"""

import os

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
)

from course.grading.hide_tests import HideTests
from course.grading.preprocessors import CourseVerdict, InspectSubmission, MarkAnswers, RecordResult

c = get_config()  # type: ignore[name-defined]  # noqa: F821 - provided by nbgrader

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "ankle-course"
# The gradebook: sqlite beside this file by default. For PostgreSQL, set ANKLE_COURSE_DB_URL
# (e.g. postgresql://user@host:5432/gradebook) or pass --db-url to `ankle-course grade`.
c.CourseDirectory.db_url = os.environ.get(
    "ANKLE_COURSE_DB_URL",
    "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db"),
)
# Item banks sit in source/ itself (not in an assignment folder), so they are never copied
# into a release; this keeps them out even if that changes. `ankle-course grade build` writes
# source/<assignment>/<assignment>.ipynb from source/<assignment>.yaml.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    ".*",
    "*.yaml",
    "*.yml",
]
# Answer cells are plain assignments (`q01 = None`): the solution region is removed, not
# replaced by nbgrader's default `raise NotImplementedError()` stub.
c.ClearSolutions.code_stub = {"python": ""}
# The course's marking is nbgrader's marking: plain `nbgrader autograde`, formgrader's Autograde
# button and `ankle-course grade autograde` all run these lists, so they agree. No learner code
# runs: InspectSubmission rebuilds each submission from the released notebook and reads the
# answers as literals (never executed); MarkAnswers replaces nbgrader's Execute; RecordResult
# replaces SaveAutoGrades and AssignLatePenalties (the same gradebook rows, plus the result file
# .ankle-grading.json with status and critical misses). Keep these lines if you copy the course
# directory; `nbgrader` must run where `course` is importable (it fails loudly otherwise).
c.Autograde.sanitize_preprocessors = [
    InspectSubmission,
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    OverwriteCells,
    CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    MarkAnswers,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    RecordResult,
    CheckCellMetadata,
]
# Keep autograded notebooks small whatever a learner prints.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 100
# Feedback made by plain `nbgrader generate_feedback` or formgrader renders the autograded
# notebooks, whose test cells hold the hidden tests and expected values: HideTests (after
# GetGrades) empties every test cell and cuts out hidden-test blocks, so no key reaches the
# feedback folder that `nbgrader release_feedback` hands out; CourseVerdict puts the result
# first (passed or not, critical misses). `ankle-course grade feedback` writes the same file
# name from the item banks instead.
c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, HideTests, CourseVerdict]
