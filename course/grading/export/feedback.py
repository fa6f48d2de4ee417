"""Per-learner feedback pages, built from the item bank and the course content.

Nothing here reads a notebook's test cells, so no hidden test can reach a learner: the pages
show, per item, the learner's answer, the right answer, and the rule with the guide's words
(from ``course.content.loader.load_content().rules``). Pages go to
``feedback/<student>/<assignment>/`` (nbgrader's layout), so ``nbgrader release_feedback``
can hand them out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from course.errors import GradingError
from course.grading.course import Course
from course.grading.items.bank import (
    MASSAGE_DECISIONS,
    STOP_DECISIONS,
    ChoiceItem,
    ItemBank,
    ScenarioItem,
    critical_items,
)
from course.grading.marking.banks import load_bank
from course.grading.marking.submission import NOT_SIMPLE
from course.grading.variants.bank import VariantBank
from course.safety.decisions import DECISION_ORDER


def _show(value: Any) -> str:
    if value is None:
        return "(no answer)"
    if value == NOT_SIMPLE:
        return "(not a simple answer)"
    return str(value)


def _points(scores: dict[str, float | None], maxima: dict[str, float], ids: list[str]) -> str:
    got = sum(scores.get(i) or 0.0 for i in ids)
    total = sum(maxima.get(i, 0.0) for i in ids)
    return f"{got:g} / {total:g}"


def _fired(situation: Any) -> list[dict[str, str]]:
    from course.content.loader import load_content
    from course.safety import assess

    rules = {rule.id: rule for rule in load_content().rules}
    return [
        {
            "id": r.rule,
            "condition": rules[r.rule].condition,
            "explanation": rules[r.rule].explanation,
        }
        for r in assess(situation).reasons
    ]


def variant_item_views(
    bank: VariantBank,
    result: dict[str, Any],
    scores: dict[str, float | None],
    maxima: dict[str, float],
) -> list[dict[str, Any]]:
    """The feedback items of a variant assessment: the learner's own stories and keys."""
    from course.content.anatomy import get
    from course.grading.diagram_items import question_text
    from course.grading.variants.generate import generate

    answers = result.get("answers", {})
    misses = set(result.get("critical_misses", []))
    views = []
    for number, item in enumerate(generate(bank, result["student_id"]), start=1):
        ids = [item.id, *([f"{item.id}_refer"] if item.ask_refer else [])]
        right = all((scores.get(i) or 0.0) >= maxima.get(i, 0.0) for i in ids)
        answered = _show(answers.get(item.id))
        if item.situation is None:
            structure = get(item.structure)
            views.append(
                {
                    "id": item.id,
                    "heading": f"Question {number}",
                    "text": question_text(),
                    "answered": answered,
                    "expected": structure.name,
                    "right": right,
                    "points": _points(scores, maxima, ids),
                    "critical": False,
                    "missed": False,
                    "rules": [],
                    "explanation": structure.description,
                }
            )
            continue
        expected = item.key
        if item.ask_refer:
            answered += f"; refer: {_show(answers.get(item.id + '_refer'))}"
            expected += f"; refer: {item.refer}"
        views.append(
            {
                "id": item.id,
                "heading": f"Scenario {number}",
                "text": item.text,
                "answered": answered,
                "expected": expected,
                "right": right,
                "points": _points(scores, maxima, ids),
                "critical": item.critical,
                "missed": item.id in misses,
                "rules": _fired(item.situation),
                "explanation": None,
            }
        )
    return views


def item_views(
    bank: ItemBank | VariantBank,
    result: dict[str, Any],
    scores: dict[str, float | None],
    maxima: dict[str, float],
) -> list[dict[str, Any]]:
    """What the feedback page shows for each item."""
    from course.content.loader import load_content
    from course.safety import Situation, assess

    if isinstance(bank, VariantBank):
        return variant_item_views(bank, result, scores, maxima)

    rules = {rule.id: rule for rule in load_content().rules}
    answers = result.get("answers", {})
    critical = critical_items(bank)
    misses = set(result.get("critical_misses", []))
    views = []
    for number, item in enumerate(bank.all_items(), start=1):
        ids = [g.grade_id for g in bank.gradeables if g.item_id == item.id]
        right = all((scores.get(i) or 0.0) >= maxima.get(i, 0.0) for i in ids)
        if isinstance(item, ScenarioItem):
            answered = _show(answers.get(item.id))
            expected = item.answer
            if item.ask_refer:
                answered += f"; refer: {_show(answers.get(item.id + '_refer'))}"
                expected += f"; refer: {item.refer}"
            fired = assess(Situation(**item.situation)).reasons
            views.append(
                {
                    "id": item.id,
                    "heading": f"Scenario {number}: {item.title}",
                    "text": item.story,
                    "answered": answered,
                    "expected": expected,
                    "right": right,
                    "points": _points(scores, maxima, ids),
                    "critical": item.id in critical,
                    "missed": item.id in misses,
                    "rules": [
                        {
                            "id": r.rule,
                            "condition": rules[r.rule].condition,
                            "explanation": rules[r.rule].explanation,
                        }
                        for r in fired
                    ],
                    "explanation": None,
                }
            )
        else:
            assert isinstance(item, ChoiceItem)
            views.append(
                {
                    "id": item.id,
                    "heading": f"Question {number}",
                    "text": item.prompt,
                    "answered": _show(answers.get(item.id)),
                    "expected": item.answer,
                    "right": right,
                    "points": _points(scores, maxima, ids),
                    "critical": False,
                    "missed": False,
                    "rules": [],
                    "explanation": item.explanation,
                }
            )
    return views


def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True,
        keep_trailing_newline=True,
    )


def render(
    bank: ItemBank | VariantBank,
    result: dict[str, Any],
    scores: dict[str, float | None],
    maxima: dict[str, float],
    with_answers: bool = False,
) -> str:
    """The HTML feedback page of one learner."""
    from course.content.loader import load_content

    template = _environment().get_template("feedback.html.j2")
    return str(
        template.render(
            title=bank.title,
            student=result["student_id"],
            disclaimer=load_content().disclaimer,
            status=result["status"],
            problems=result.get("problems", []),
            score=result["score"],
            max_score=result["max_score"],
            percent=result["percent"],
            passed=result["passed"],
            pass_percent=bank.pass_percent,
            critical_misses=result.get("critical_misses", []),
            massage_decisions=[d for d in DECISION_ORDER if d in MASSAGE_DECISIONS],
            stop_decisions=[d for d in DECISION_ORDER if d in STOP_DECISIONS],
            items=item_views(bank, result, scores, maxima),
            with_answers=with_answers,
        )
    )


def generate_feedback(
    course: Course,
    assignment: str,
    students: list[str] | None = None,
    with_answers: bool = False,
) -> list[Path]:
    """Write the feedback page of every graded learner (or of ``students``).

    The pages name the file nbgrader's ``generate_feedback`` writes
    (``feedback/<student>/<assignment>/<notebook>.html``), so whichever ran last is the one
    ``nbgrader release_feedback`` hands out. Without ``with_answers`` they hold no key: each
    item's answer, right or not, points and critical misses; with it, the right answers and
    the rules too (for once every learner has submitted).
    """
    from course.grading.export.results import collect

    rows = collect(course, assignment, with_grades=True)  # checks the assignment
    bank = load_bank(course.root, assignment)
    if students is not None:
        unknown = sorted(set(students) - {r["student_id"] for r in rows})
        if unknown:
            raise GradingError(f"no graded submission from {', '.join(unknown)}")
        rows = [r for r in rows if r["student_id"] in students]
    written = []
    for row in rows:
        if row["status"] in ("missing", "ungraded"):  # no result file: nothing to explain
            continue
        for notebook in row["notebooks"]:
            out = course.feedback_dir(row["student_id"], assignment) / f"{notebook}.html"
            out.parent.mkdir(parents=True, exist_ok=True)
            page = render(bank, row, row["grades"], row["maxima"], with_answers)
            out.write_text(page, encoding="utf-8")
            written.append(out)
    return written
