"""The instructor's page of every graded item and its key (docs/assessment_items.md).

``ankle-course grade build --item-docs docs/assessment_items.md`` writes it beside the source
notebooks (``--check`` checks it), from the same item banks: a section per assessment of the
course directory. For each scenario: the facts it encodes, the key, the rules that fire, and
why neither neighbouring decision (one step milder, one step more severe) fits.

INSTRUCTOR ONLY: the page holds the answer keys. The repository keeps it in docs/ for
instructors; it is in neither distribution (pyproject.toml) and nbgrader never releases it.
"""

from __future__ import annotations

from pathlib import Path

from course.content.loader import load_content
from course.grading.build.source import assessments
from course.grading.items.bank import (
    ChoiceItem,
    ItemBank,
    ScenarioItem,
    critical_items,
    load_item_bank,
)
from course.grading.variants.bank import is_variant_bank
from course.safety import Situation, assess
from course.safety.decisions import DECISION_ORDER

__all__ = ["render"]

_COMMAND = "ankle-course grade build --item-docs docs/assessment_items.md"


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _facts(item: ScenarioItem) -> str:
    defaults = Situation().model_dump()
    facts = []
    for field, value in item.situation.items():
        if field != "hours_since_injury" and defaults.get(field) == value:
            continue
        facts.append(f"{field.replace('_', ' ')}: {str(value).lower()}")
    return "; ".join(facts) or "nothing unusual"


def _neighbours(key: str, fired: list[str]) -> str:
    content = load_content()
    rules = {rule.id: rule for rule in content.rules}
    index = DECISION_ORDER.index(key)
    label = {d: content.decisions[d].label for d in DECISION_ORDER}
    deciding = ", ".join(r for r in fired if rules[r].decision == key)
    parts = []
    if index > 0:
        milder = DECISION_ORDER[index - 1]
        parts.append(f"not {label[milder]}: {deciding} decides {label[key]}, which is more severe")
    if index < len(DECISION_ORDER) - 1:
        harsher = DECISION_ORDER[index + 1]
        would = ", ".join(r.id for r in content.rules if r.decision == harsher)
        parts.append(f"not {label[harsher]}: none of its rules ({would}) fits the story")
    return "; ".join(parts) + "."


def _scenarios(bank: ItemBank) -> list[str]:
    lines = [
        "Every story states the facts its key depends on. *Critical*: answering proceed or",
        "proceed with caution there fails the assessment.",
        "",
        "| item | facts it encodes | key | refer | rules that fire | why no neighbouring"
        " decision fits |",
        "|---|---|---|---|---|---|",
    ]
    critical = critical_items(bank)
    for item in bank.items:
        assert isinstance(item, ScenarioItem)
        result = assess(Situation(**item.situation))
        fired = [reason.rule for reason in result.reasons]
        refer = str(item.refer) if item.ask_refer else f"not asked (policy: {result.refer})"
        title = f"`{item.id}` {item.title}" + (" *(critical)*" if item.id in critical else "")
        lines.append(
            _row(
                [
                    title,
                    _facts(item),
                    f"`{item.answer}`",
                    refer,
                    ", ".join(fired),
                    _neighbours(item.answer, fired),
                ]
            )
        )
    return lines


def _choices(bank: ItemBank) -> list[str]:
    lines = [
        "| item | question | key | other options | why the key, and only the key |",
        "|---|---|---|---|---|",
    ]
    for item in bank.items:
        assert isinstance(item, ChoiceItem)
        others = ", ".join(f"`{o}`" for o in item.options if o != item.answer)
        origin = " (key taken from the course content)" if item.from_content else ""
        prompt = item.prompt
        if item.picture is not None:
            view, layers = item.picture.view, ", ".join(item.picture.layers)
            prompt += f" (picture: the {view} view with {layers}; the key structure is marked)"
            others = _picture_answers(item.answer)
        lines.append(
            _row([f"`{item.id}`", prompt, f"`{item.answer}`", others, item.explanation + origin])
        )
    return lines


def _picture_answers(structure: str) -> str:
    """What scores on a picture question besides the key: find()'s names, and the ambiguous
    everyday names that count the structure among their candidates."""
    from course.content.anatomy import ambiguous_names

    text = "any name `course.anatomy.find()` resolves to the key (id, name, synonym)"
    shared = [
        f"`{a.terms[0]}` (also names {', '.join(c.id for c in a.candidates if c.id != structure)})"
        for a in ambiguous_names()
        if any(c.id == structure for c in a.candidates)
    ]
    if shared:
        text += "; also the ambiguous " + ", ".join(shared)
    return text


def _variants(course_dir: Path, assignment: str) -> list[str]:
    bank = f"{course_dir.name}/source/{assignment}.yaml"
    call = f'course.grading.variants.scenarios("{assignment}", "<learner id>")'
    return [
        f"A variant per learner: its items are made from the story templates of `{bank}`",
        'and keyed by `course.safety.assess()` for each learner (see docs/grading.md, "Variant',
        f"assessment\"). Print a learner's items and keys with `{call}`.",
        "A picture question scores any name `course.anatomy.find()` resolves to the marked",
        "structure, and an ambiguous everyday name of `ambiguous_names` in anatomy.yaml",
        f"({_ambiguous_examples()}) when the marked structure is among its candidates.",
    ]


def _ambiguous_examples() -> str:
    from course.content.anatomy import ambiguous_names

    return "; ".join(
        f"`{a.terms[0]}`: {', '.join(f'`{c.id}`' for c in a.candidates)}" for a in ambiguous_names()
    )


def render(course_dir: Path) -> str:
    """The whole page, deterministic for the same banks and policy."""
    lines = [
        "# Graded assessment items and their keys (instructor only)",
        "",
        f"<!-- Generated by `{_COMMAND}` from the item banks; do not edit by hand. -->",
        "",
        "**Instructor only: this page holds the answer keys.** It is not in the wheel or the",
        "sdist and nbgrader never releases it; do not hand it to learners. Regenerate it after",
        f"editing an item bank with `{_COMMAND}`",
        "(a test fails while it is stale). The keys themselves are checked against",
        "`course.safety.assess` and the course content by the test suite.",
    ]
    for assignment in assessments(course_dir):
        lines += ["", f"## {assignment}", ""]
        if is_variant_bank(course_dir, assignment):
            lines += _variants(course_dir, assignment)
            continue
        bank = load_item_bank(course_dir, assignment)
        lines += _scenarios(bank) if bank.is_scenario else _choices(bank)
    lines += ["", "*Education, not diagnosis: the course teaches general massage safety.*", ""]
    return "\n".join(lines)
