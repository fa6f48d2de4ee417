"""The cells every source notebook shares, and nbgrader's region markers.

Used by :mod:`course.grading.build.fixed` and :mod:`course.grading.build.variant`. The lines
that open and close a solution region or a hidden-test block come from nbgrader's own
configuration (:func:`regions`), never from a literal here, so the installed package holds no
such block: keys and hidden-test values only ever come from the item banks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import nbformat

from course.content.loader import load_content
from course.content.text import text
from course.grading.items.bank import (
    MASSAGE_DECISIONS,
    STOP_DECISIONS,
    ChoiceItem,
    Gradeable,
    ItemBank,
)
from course.safety.decisions import DECISION_ORDER

__all__ = [
    "COMMENT_MARK",
    "KERNELSPEC",
    "Regions",
    "answers_table",
    "before_submit",
    "code",
    "decision_names",
    "decisions_lines",
    "markdown",
    "meta",
    "new_notebook",
    "opening_notebook",
    "regions",
    "setup_source",
    "test_cell",
    "words",
]

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
#: The comment mark nbgrader's documentation puts before a region's delimiter in a code cell.
COMMENT_MARK = "###"


@dataclass(frozen=True)
class Regions:
    """The four marker lines of nbgrader's solution regions and hidden-test blocks."""

    begin_solution: str
    end_solution: str
    begin_hidden: str
    end_hidden: str

    def solution(self, stub: Sequence[str], answer: Sequence[str]) -> list[str]:
        """An answer cell's lines: the learner's stub, then the solution region."""
        return [*stub, self.begin_solution, *answer, self.end_solution]

    def hidden(self, visible: str, tests: Sequence[str]) -> str:
        """A test cell's source: the visible check, then the hidden tests."""
        return "\n".join([visible, self.begin_hidden, *tests, self.end_hidden])


def _marker(delimiter: str) -> str:
    """A delimiter as a comment line (as is when the configuration already includes a mark)."""
    return delimiter if delimiter.lstrip().startswith("#") else f"{COMMENT_MARK} {delimiter}"


def regions(config: Any = None) -> Regions:
    """The region markers of nbgrader's ``ClearSolutions`` and ``ClearHiddenTests`` under
    ``config`` (a course's traitlets ``Config``; None: nbgrader's defaults)."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions
    from traitlets.config import Config

    config = config if config is not None else Config()
    solutions = ClearSolutions(config=config)
    hidden = ClearHiddenTests(config=config)
    return Regions(
        begin_solution=_marker(solutions.begin_solution_delimeter),
        end_solution=_marker(solutions.end_solution_delimeter),
        begin_hidden=_marker(hidden.begin_test_delimeter),
        end_hidden=_marker(hidden.end_test_delimeter),
    )


#: Ends the first cell of every graded notebook: an empty, hidden element whose class tells a
#: hub learner's JupyterLab that this notebook is a graded assessment, so that nbgrader's
#: Validate button shows here and not on the lessons (``course/lab_static/hub_learner.css``).
GRADED_MARKER = '<div class="ankle-graded-assessment" hidden></div>'


def words(key: str, **values: object) -> str:
    """The notebooks' words: ``graded.notebook.<key>`` of course/content/study.yaml."""
    return text(f"graded.notebook.{key}", **values)


def meta(
    grade_id: str,
    *,
    grade: bool = False,
    solution: bool = False,
    locked: bool = True,
    points: float | None = None,
) -> dict[str, object]:
    """A cell's metadata: nbgrader's (schema 3), and read-only when locked."""
    nbgrader: dict[str, object] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        nbgrader["points"] = points
    result: dict[str, object] = {"nbgrader": nbgrader}
    if locked:
        result.update({"deletable": False, "editable": False})
    return result


def new_notebook() -> nbformat.NotebookNode:
    nb: nbformat.NotebookNode = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    return nb


def markdown(cell_id: str, text: str, grade_id: str | None = None) -> nbformat.NotebookNode:
    cell: nbformat.NotebookNode = nbformat.v4.new_markdown_cell(  # type: ignore[no-untyped-call]
        text, id=cell_id
    )
    if grade_id:
        cell.metadata = meta(grade_id)
    return cell


def code(cell_id: str, source: str, metadata: dict[str, object]) -> nbformat.NotebookNode:
    cell: nbformat.NotebookNode = nbformat.v4.new_code_cell(  # type: ignore[no-untyped-call]
        source, id=cell_id
    )
    cell.metadata = metadata
    return cell


def decision_names(decisions: frozenset[str]) -> str:
    """`A`, `B` or `C`, in the policy's order."""
    names = [f"`{d}`" for d in DECISION_ORDER if d in decisions]
    return ", ".join(names[:-1]) + f" {words('or')} " + names[-1]


def decisions_lines() -> list[str]:
    """The decisions in the policy's order, then what makes a scenario critical."""
    content = load_content()
    return [
        words("decisions"),
        "",
        *[f"- `{d.id}`: {d.meaning}" for d in content.decisions.values()],
        "",
        words(
            "critical",
            stop=decision_names(STOP_DECISIONS),
            massage=decision_names(MASSAGE_DECISIONS),
        ),
    ]


def answers_table(bank: ItemBank | None, gradeables: Sequence[Gradeable]) -> str:
    """The setup cell's ``ANSWERS``: each answer variable and its valid answers."""
    lines = ["ANSWERS = {"]
    for g in gradeables:
        if g.kind == "refer":
            options = "(True, False)"
        elif g.kind == "decision":
            options = "DECISIONS"
        elif g.kind == "structure":
            options = "STRUCTURE_NAME"
        else:
            assert bank is not None
            item = bank.item(g.item_id)
            assert isinstance(item, ChoiceItem)
            options = "(" + ", ".join(json.dumps(o) for o in item.options) + ",)"
        lines.append(f"    {json.dumps(g.variable)}: {options},")
    lines.append("}")
    return "\n".join(lines)


def setup_source(comment: str, answers: str, preamble: Sequence[str] = ()) -> str:
    """The setup cell: its comment, ``preamble`` lines, the valid answers and ``check``."""
    decisions = ", ".join(json.dumps(d) for d in load_content().decisions)
    lines = [
        comment,
        *preamble,
        "from course.grading.wellformed import STRUCTURE_NAME, AnswerCheck",
        "",
        f"DECISIONS = ({decisions})",
        answers,
        "",
        f"check = AnswerCheck(ANSWERS, globals())  {words('check_comment')}",
        f"check_answers = check.all  {words('check_all_comment')}",
    ]
    return "\n".join(lines)


def opening_notebook(
    title: str, intro: str, how_to_answer: Sequence[str], setup: str
) -> nbformat.NotebookNode:
    """A new assessment notebook with its two opening cells: the header (title, the course's
    disclaimer, ``intro``, the ``how_to_answer`` lines, the graded marker) and the setup cell
    (``setup``, from :func:`setup_source`)."""
    header = [
        f"# {title}",
        "",
        f"**{load_content().disclaimer}**",
        "",
        intro,
        "",
        *how_to_answer,
        "",
        GRADED_MARKER,
    ]
    nb = new_notebook()
    nb.cells.append(markdown("intro", "\n".join(header), grade_id="intro"))
    nb.cells.append(code("setup", setup, meta("setup")))
    return nb


def test_cell(g: Gradeable, source: str) -> nbformat.NotebookNode:
    """The graded test cell of one answer: ``source`` checks it, ``g.points`` are at stake."""
    metadata = meta(g.grade_id, grade=True, points=g.points)
    return code(f"{g.grade_id}-test".replace("_", "-"), source, metadata)


def before_submit() -> list[nbformat.NotebookNode]:
    """The last two cells of every assessment: what to do before submitting, and the check."""
    return [
        markdown("before-submit", words("before_submit"), grade_id="before_submit"),
        code("check-answers", "check_answers()", meta("check_answers")),
    ]
