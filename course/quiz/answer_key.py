"""The instructor guide's generated parts: lesson timings and the self-check answer key.

``python -m course.quiz.answer_key docs/instructor_guide.md`` rewrites the blocks between the
``<!-- BEGIN generated: NAME -->`` and ``<!-- END generated: NAME -->`` markers; a test checks
that the committed guide matches the data.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from course.content.loader import load_content
from course.content.sections import sections
from course.quiz.bank import load_bank
from course.quiz.check import correct_answer
from course.quiz.models import FindOnDiagram, ScenarioDecision

__all__ = ["answer_key_markdown", "generated_blocks", "timings_markdown", "update_guide"]

_TYPE_NAMES = {
    "single_choice": "single choice",
    "multiple_select": "multiple select",
    "true_false": "true/false",
    "order_steps": "order the steps",
    "find_on_diagram": "find on the diagram",
    "scenario_decision": "scenario decision",
}


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def timings_markdown() -> str:
    """A table per lesson: sections and minutes, from lessons.yaml and sections.yaml."""
    lines = ["| Lesson | Minutes | Sections (minutes) |", "|---|---:|---|"]
    total = 0
    for lesson in load_content().lessons:
        total += lesson.minutes
        parts = "; ".join(f"{s.title} ({s.minutes})" for s in sections(lesson.id))
        lines.append(f"| `{lesson.id}` {lesson.title} | {lesson.minutes} | {_cell(parts)} |")
    lines.append(f"| **Total** | **{total}** | |")
    return "\n".join(lines)


def answer_key_markdown() -> str:
    """Every self-check question with its type, the section it checks and the answer."""
    content = load_content()
    bank = load_bank()
    out: list[str] = []
    for lesson in content.lessons:
        questions = bank.for_lesson(lesson.id)
        if not questions:
            continue
        out.append(f"#### `{lesson.id}` {lesson.title}\n")
        out.append("| # | Question | Type | Checks | Answer |")
        out.append("|---:|---|---|---|---|")
        for number, question in enumerate(questions, start=1):
            prompt = question.prompt
            if isinstance(question, FindOnDiagram):
                prompt += f" ({question.view} view)"
            answer = correct_answer(question)
            if isinstance(question, ScenarioDecision):
                situation = ", ".join(f"{k}={v}" for k, v in question.situation.items())
                answer += f"; situation: {situation}"
            out.append(
                f"| {number} | {_cell(prompt)} | {_TYPE_NAMES[question.type]} | "
                f"{_cell(', '.join(question.checks))} | {_cell(answer)} |"
            )
        out.append("")
    return "\n".join(out).rstrip()


def generated_blocks() -> dict[str, str]:
    """The generated blocks of the instructor guide, by name."""
    return {"timings": timings_markdown(), "answers": answer_key_markdown()}


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"(<!-- BEGIN generated: {name} -->\n)(?:.*?\n)?(<!-- END generated: {name} -->)", re.S
    )


def update_guide(text: str) -> str:
    """``text`` with every generated block replaced by its current content."""
    for name, block in generated_blocks().items():
        pattern = _pattern(name)
        if not pattern.search(text):
            raise ValueError(f"the guide has no generated block {name!r}")
        replacement = block.replace("\\", "\\\\")
        text = pattern.sub(rf"\g<1>{replacement}\n\g<2>", text)
    return text


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated blocks of the guide given as the only argument."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m course.quiz.answer_key docs/instructor_guide.md", file=sys.stderr)
        return 2
    path = Path(args[0])
    path.write_text(update_guide(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
