"""The course's marking as nbgrader preprocessors (configured in ``grading/nbgrader_config.py``).

Plain ``nbgrader autograde``, formgrader's Autograde button and ``ankle-course grade
autograde`` all run these, so they give the same scores, statuses and critical misses:

``Autograde.sanitize_preprocessors``
    :class:`InspectSubmission` first: compares the submission with the released notebook
    (tampering, deleted answer cells, extra cells, big outputs), rebuilds it from the released
    notebook with only the learner's answer cells, and reads every answer statically
    (:func:`course.grading.marking.submission.read_answers`); then nbgrader's own ClearOutput,
    DeduplicateIds, OverwriteKernelspec, OverwriteCells and CheckCellMetadata.
``Autograde.autograde_preprocessors``
    :class:`MarkAnswers` in place of nbgrader's ``Execute``: no kernel, no learner code run;
    each test cell gets the outputs that say whether its answer is well formed and whether it
    matches the key, which nbgrader's ``determine_grade`` then scores. Then nbgrader's
    IgnorePattern and LimitOutput, and :class:`RecordResult` in place of ``SaveAutoGrades`` and
    ``AssignLatePenalties``: the gradebook (the same rows, late penalty included) and the result
    file ``.ankle-grading.json`` beside the autograded notebook.
``GenerateFeedback.preprocessors``
    :class:`course.grading.hide_tests.HideTests` and :class:`CourseVerdict`: no key, and the
    pass/fail and critical misses first.

What the sanitize pass learns travels to the autograde pass in the notebook's metadata
(``metadata.ankle_course``), which :class:`InspectSubmission` always rewrites, so a learner
cannot plant it.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from course.errors import GradingError
from course.grading.items.bank import ItemBank, answer_options
from course.grading.marking.files import (
    META,
    bank_of,
    course_root,
    released_notebook,
)
from course.grading.marking.record import record
from course.grading.marking.score import answer_key, item_score
from course.grading.marking.submission import answer_variables, inspect, read_answers
from course.grading.wellformed import form_problem

#: Error name of a test cell whose answer does not match the key (formgrader shows it).
WRONG = "IncorrectAnswer"


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    return f"<{type(value).__name__} literal>"  # never equal to a key: always wrong


class InspectSubmission(NbGraderPreprocessor):  # type: ignore[misc]
    """Sanitize first: rebuild the submission from the released notebook, read its answers."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        info = resources["nbgrader"]
        released = released_notebook(course_root(self.config), info["assignment"], info["notebook"])
        found = inspect(nb, released)
        bank, _ = bank_of(course_root(self.config), info["assignment"])
        answers, problems = read_answers(
            found.notebook, answer_variables(released), executed=bank.execute
        )
        rebuilt = found.notebook
        mismatch = None
        bank, _ = bank_of(course_root(self.config), info["assignment"])
        if not isinstance(bank, ItemBank):
            from course.grading.variants.marking import find_record, mismatch_problem

            # the record of whose cases the notebook showed: in the submission as handed in
            checked = mismatch_problem(bank, info["student"], find_record(nb))
            if checked is not None:
                status, reason = checked
                problems.append(reason)
                mismatch = reason if status != "flagged" else None
        rebuilt.metadata[META] = {
            "answers": {name: _jsonable(value) for name, value in answers.items()},
            "tampered": found.tampered,
            "problems": found.flagged + problems,
            "mismatch": mismatch,
        }
        for problem in found.tampered + found.flagged + problems:
            self.log.warning("%s: %s", info["student"], problem)
        return rebuilt, resources


def _stream(text: str) -> Any:
    # built directly: nbformat.v4.new_output validates every output it makes
    return nbformat.NotebookNode(output_type="stream", name="stdout", text=text + "\n")  # type: ignore[no-untyped-call]


def _wrong(name: str) -> Any:
    message = f"{name} does not match the item bank's key"
    return nbformat.NotebookNode(  # type: ignore[no-untyped-call]
        output_type="error", ename=WRONG, evalue=message, traceback=[f"{WRONG}: {message}"]
    )


class MarkAnswers(NbGraderPreprocessor):  # type: ignore[misc]
    """In place of nbgrader's Execute: mark each test cell from the answer read statically.

    Nothing runs. A test cell's outputs become the line its check prints (well formed or
    why not) and, when the answer does not match the key, an ``IncorrectAnswer`` error, so
    nbgrader's ``determine_grade`` gives its points or 0, and formgrader shows why. An item
    bank with ``execute: true`` goes to :func:`course.grading.sandbox.run.execute_sandboxed`.
    """

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        info = resources["nbgrader"]
        bank, _ = bank_of(course_root(self.config), info["assignment"])
        if bank.execute:
            from course.grading.sandbox.run import execute_sandboxed

            nb = execute_sandboxed(nb, resources, self.config)
        key = answer_key(bank, info["student"])
        found = nb.metadata.get(META)
        if not isinstance(found, dict):
            raise GradingError("the notebook was not sanitized by InspectSubmission first")
        answers = found["answers"]
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if not meta.get("grade") or meta.get("solution") or cell.cell_type != "code":
                continue
            gradeable = key.get(meta["grade_id"])
            if gradeable is None:
                if bank.execute:
                    continue  # a code test: its sandboxed outputs decide
                raise GradingError(
                    f"test cell {meta['grade_id']} is not in the item bank of "
                    f"{info['assignment']!r} (code tests need `execute: true`)"
                )
            value = answers.get(gradeable.variable)
            problem = form_problem(gradeable.variable, value, answer_options(bank, gradeable))
            from course.content.text import text

            cell.outputs = [_stream(problem or text("graded.well_formed", name=gradeable.variable))]
            points = float(meta.get("points", gradeable.points))
            if item_score(gradeable, value, points) < points:
                cell.outputs.append(_wrong(gradeable.variable))
            cell.execution_count = None
        return nb, resources


class RecordResult(NbGraderPreprocessor):  # type: ignore[misc]
    """In place of SaveAutoGrades and AssignLatePenalties: the gradebook and the result file."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        from nbgrader.api import Gradebook
        from nbgrader.coursedir import CourseDirectory

        info = resources["nbgrader"]
        course_id = CourseDirectory(config=self.config).course_id
        with Gradebook(info["db_url"], course_id) as gb:
            record(gb, nb, resources, self.config)
        return nb, resources


class CourseVerdict(NbGraderPreprocessor):  # type: ignore[misc]
    """Feedback: a first cell with the result, pass or not, and the critical misses (no key)."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        from course.grading.course import RESULT_FILE

        folder = Path(resources.get("metadata", {}).get("path") or ".")
        try:
            result = json.loads((folder / RESULT_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            result = None
        cell = nbformat.v4.new_markdown_cell(verdict_markdown(result))  # type: ignore[no-untyped-call]
        nb.cells.insert(0, cell)
        return nb, resources


def verdict_markdown(result: dict[str, Any] | None) -> str:
    """The feedback's first cell: passed or not, points, critical misses, the disclaimer."""
    from course.content.loader import load_content
    from course.content.text import text

    lines = [f"## {text('graded.verdict_title')}", ""]
    if result is None or result.get("status") in ("invalid", "error"):
        problems = "; ".join((result or {}).get("problems", [])) or "no result"
        lines.append(html.escape(text("graded.verdict_ungraded", problems=problems)))
    else:
        values = {
            "score": float(result["score"]),
            "max_score": float(result["max_score"]),
            "percent": result["percent"],
            "pass_percent": float(result.get("pass_percent", 0)),
        }
        key = "graded.verdict_passed" if result.get("passed") else "graded.verdict_failed"
        lines.append(f"**{html.escape(text(key, **values))}**")
        if result.get("critical_misses"):
            items = ", ".join(result["critical_misses"])
            lines += ["", f"**{html.escape(text('graded.verdict_critical', items=items))}**"]
        if result.get("problems"):
            notes = text("graded.verdict_notes", problems="; ".join(result["problems"]))
            lines += ["", html.escape(notes)]
    lines += ["", f"*{html.escape(load_content().disclaimer)}*"]
    return "\n".join(lines)
