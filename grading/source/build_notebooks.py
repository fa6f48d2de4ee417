"""Build the nbgrader source notebooks from the item banks in this folder.

    .venv/bin/python grading/source/build_notebooks.py          # rewrite both notebooks
    .venv/bin/python grading/source/build_notebooks.py --check  # exit 1 if they are stale

INSTRUCTOR ONLY. The item banks (``<assignment>.yaml``) hold the answer keys; the notebooks
written here carry them as solution regions and hidden tests, which nbgrader strips on release.
Scenario keys are checked against ``course.safety.assess`` before anything is written, and
anatomy keys against the course content, so a key can never drift from the policy.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat

from course.content.loader import load_content
from course.grading.diagram_items import question_alt_text, question_png
from course.grading.items import (
    MASSAGE_DECISIONS,
    STOP_DECISIONS,
    ChoiceItem,
    Gradeable,
    ItemBank,
    ScenarioItem,
    critical_items,
    load_item_bank,
)
from course.grading.keys import verify_keys
from course.grading.variant_marking import template_gradeables
from course.grading.variants import VariantBank, generate, is_variant_bank, load_variant_bank
from course.safety.decisions import DECISION_ORDER

HERE = Path(__file__).resolve().parent
COURSE_DIR = HERE.parent
ASSIGNMENTS = ("safety_scenarios", "anatomy_techniques", "safety_cases")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _meta(
    grade_id: str,
    *,
    grade: bool = False,
    solution: bool = False,
    locked: bool = True,
    points: float | None = None,
) -> dict[str, object]:
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
    meta: dict[str, object] = {"nbgrader": nbgrader}
    if locked:
        meta.update({"deletable": False, "editable": False})
    return meta


def _md(cell_id: str, text: str, grade_id: str | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(text, id=cell_id)
    if grade_id:
        cell.metadata = _meta(grade_id)
    return cell


def _code(cell_id: str, source: str, meta: dict[str, object]) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source, id=cell_id)
    cell.metadata = meta
    return cell


def _names(decisions: frozenset[str]) -> str:
    """`A`, `B` or `C`, in the policy's order."""
    names = [f"`{d}`" for d in DECISION_ORDER if d in decisions]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _answers_table(bank: ItemBank | None, gradeables: Sequence[Gradeable]) -> str:
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


SETUP = """\
# Run this cell first. It lists the valid answers and defines check(), which tells you
# whether an answer is well formed. It never tells you whether an answer is right.
from course.grading.wellformed import STRUCTURE_NAME, AnswerCheck

DECISIONS = ({decisions})
{answers}

check = AnswerCheck(ANSWERS, globals())  # check("q01") checks one answer
check_answers = check.all  # check_answers() checks them all
"""


def _decision_key_test(variable: str, key: str | bool, structure: bool = False) -> str:
    if structure:
        test = (
            "from course.grading.diagram_items import names_structure as _names_it\n"
            f"assert _names_it({variable}, {json.dumps(key)})"
        )
    elif isinstance(key, bool):
        test = f"assert {variable} is {key}"
    else:
        test = f"assert type({variable}) is str and {variable} == {json.dumps(key)}"
    return f'check("{variable}")\n### BEGIN HIDDEN TESTS\n{test}\n### END HIDDEN TESTS'


def build(bank: ItemBank) -> nbformat.NotebookNode:
    """The nbgrader source notebook of an item bank (deterministic: same bank, same bytes)."""
    content = load_content()
    decisions = tuple(content.decisions)
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    cells = nb.cells
    header = [
        f"# {bank.title}",
        "",
        f"**{content.disclaimer}**",
        "",
        bank.intro,
        "",
        "How to answer: in each answer cell, replace `None` with your answer and run the cell.",
        'Write nothing else: each answer is one assignment such as `q01 = "PROCEED"`.',
        "Run the cell just below each answer: it tells you whether the answer is *well formed*",
        "(a valid name, spelled exactly), not whether it is right. Your instructor grades the",
        "answers after you submit.",
    ]
    if bank.is_scenario:
        header += ["", "The decisions, from least to most severe:", ""]
        header += [f"- `{d.id}`: {d.meaning}" for d in content.decisions.values()]
        header += [
            "",
            "A scenario where the massage must stop or not start (the right answer is "
            + _names(STOP_DECISIONS)
            + ") is *critical*: answering "
            + _names(MASSAGE_DECISIONS)
            + " there fails the assessment, whatever your other points.",
        ]
    cells.append(_md("intro", "\n".join(header), grade_id="intro"))
    answers = _answers_table(bank, bank.gradeables)
    setup = SETUP.format(decisions=", ".join(json.dumps(d) for d in decisions), answers=answers)
    cells.append(_code("setup", setup.rstrip("\n"), _meta("setup")))

    for number, item in enumerate(bank.items, start=1):
        if isinstance(item, ScenarioItem):
            text = [
                f"## Scenario {number}: {item.title}",
                "",
                item.story,
                "",
                f"What does the safety policy say to do? Answer `{item.id}` with a decision.",
            ]
            if item.ask_refer:
                text.append(
                    f"Also answer `{item.id}_refer`: should this person be referred to "
                    "a physical therapist or a doctor (`True` or `False`)?"
                )
        elif item.picture is not None:
            alt = question_alt_text(item.picture.view, item.picture.layers, item.answer)
            text = [
                f"## Question {number}",
                "",
                f"![{alt}](attachment:{item.id}.png)",
                "",
                item.prompt,
            ]
        else:
            options = ", ".join(f'`"{o}"`' for o in item.options)
            text = [f"## Question {number}", "", item.prompt, "", f"Options: {options}"]
        cell = _md(f"{item.id}-text", "\n".join(text), grade_id=f"{item.id}_text")
        if isinstance(item, ChoiceItem) and item.picture is not None:
            png = question_png(item.picture.view, item.picture.layers, item.answer, dpi=80)
            cell.attachments = {f"{item.id}.png": {"image/png": base64.b64encode(png).decode()}}
        cells.append(cell)

        hint = "one of the options, in quotes."
        if isinstance(item, ScenarioItem):
            hint = 'a decision name in quotes, e.g. "STOP"'
        elif item.picture is not None:
            hint = "the marked structure's name, in quotes"
        refer_hint = ""
        if isinstance(item, ScenarioItem) and item.ask_refer:
            refer_hint = f"; {item.id}_refer: True or False."
        stub = [f"{item.id} = None"]
        solution = [f"{item.id} = {json.dumps(item.answer)}"]
        if isinstance(item, ScenarioItem) and item.ask_refer:
            stub.append(f"{item.id}_refer = None")
            solution.append(f"{item.id}_refer = {item.refer}")
        answer = "\n".join(
            [
                "# Your answer: replace None with " + hint + refer_hint,
                *stub,
                "### BEGIN SOLUTION",
                *solution,
                "### END SOLUTION",
            ]
        )
        cells.append(
            _code(
                f"{item.id}-answer", answer, _meta(f"{item.id}_answer", solution=True, locked=False)
            )
        )
        for g in (g for g in bank.gradeables if g.item_id == item.id):
            cells.append(
                _code(
                    f"{g.grade_id}-test".replace("_", "-"),
                    _decision_key_test(g.variable, g.key, g.kind == "structure"),
                    _meta(g.grade_id, grade=True, points=g.points),
                )
            )

    cells.extend(_before_submit())
    return nb


VARIANT_SETUP = """\
# Run this cell first. It shows whose cases this notebook holds (yours: if the name below is
# not yours, stop and ask your instructor), lists the valid answers and defines check(),
# which tells you whether an answer is well formed, never whether it is right.
from course.cases import load_cases

cases = load_cases()
"""


def build_variants(bank: VariantBank) -> nbformat.NotebookNode:
    """The one source notebook of a variant assessment: the same cells for every learner,
    each scenario shown from the learner's own cases when the notebook runs."""
    content = load_content()
    decisions = tuple(content.decisions)
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    cells = nb.cells
    header = [
        f"# {bank.title}",
        "",
        f"**{content.disclaimer}**",
        "",
        bank.intro,
        "",
        "Run the first code cell: it shows whose cases this notebook holds. Then run each",
        "scenario's first cell to read your story, and in the answer cell under it replace",
        '`None` with your answer (one assignment such as `q01 = "PROCEED"`) and run it.',
        "Run the cell just below each answer: it tells you whether the answer is *well formed*",
        "(a valid name, spelled exactly), not whether it is right. Your instructor grades the",
        "answers after you submit.",
        "",
        "The decisions, from least to most severe:",
        "",
        *[f"- `{d.id}`: {d.meaning}" for d in content.decisions.values()],
        "",
        "A scenario where the massage must stop or not start (the right answer is "
        + _names(STOP_DECISIONS)
        + ") is *critical*: answering "
        + _names(MASSAGE_DECISIONS)
        + " there fails the assessment, whatever your other points.",
    ]
    cells.append(_md("intro", "\n".join(header), grade_id="intro"))
    gradeables = template_gradeables(bank)
    setup = SETUP.format(
        decisions=", ".join(json.dumps(d) for d in decisions),
        answers=_answers_table(None, gradeables),
    )
    setup = VARIANT_SETUP + "\n" + setup.split("\n", 2)[2]
    cells.append(_code("setup", setup.rstrip("\n"), _meta("setup")))
    for number, item in enumerate(generate(bank, "\x00template"), start=1):
        if item.kind == "scenario":
            text = [
                f"## Scenario {number}",
                "",
                "Run the cell below to read your story. What does the safety policy say to do?",
                f"Answer `{item.id}` with a decision.",
            ]
            if item.ask_refer:
                text.append(
                    f"Also answer `{item.id}_refer`: should this person be referred to "
                    "a physical therapist or a doctor (`True` or `False`)?"
                )
            hint = 'a decision name in quotes, e.g. "STOP"'
        else:
            text = [
                f"## Question {number}",
                "",
                "Run the cell below to see your picture. Answer with the marked structure's "
                "name in quotes (any name the course uses for it, e.g. its synonym).",
            ]
            hint = "the marked structure's name, in quotes"
        cells.append(_md(f"{item.id}-text", "\n".join(text), grade_id=f"{item.id}_text"))
        cells.append(_code(f"{item.id}-show", f"cases.show({number})", _meta(f"{item.id}_show")))
        stub = [f"{item.id} = None"]
        refer_hint = ""
        if item.ask_refer:
            stub.append(f"{item.id}_refer = None")
            refer_hint = f"; {item.id}_refer: True or False."
        answer = "\n".join(
            [
                "# Your answer: replace None with " + hint + refer_hint,
                *stub,
                "### BEGIN SOLUTION",
                "### END SOLUTION",
            ]
        )
        cells.append(
            _code(
                f"{item.id}-answer", answer, _meta(f"{item.id}_answer", solution=True, locked=False)
            )
        )
        for g in (g for g in gradeables if g.item_id == item.id):
            cells.append(
                _code(
                    f"{g.grade_id}-test".replace("_", "-"),
                    f'check("{g.variable}")',
                    _meta(g.grade_id, grade=True, points=g.points),
                )
            )
    cells.extend(_before_submit())
    return nb


def notebook_path(assignment: str) -> Path:
    return HERE / assignment / f"{assignment}.ipynb"


def render(assignment: str) -> str:
    if is_variant_bank(COURSE_DIR, assignment):
        return nbformat.writes(build_variants(load_variant_bank(COURSE_DIR, assignment))) + "\n"
    bank = load_item_bank(COURSE_DIR, assignment)
    verify_keys(bank)
    critical_items(bank)  # validates every situation
    return nbformat.writes(build(bank)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a notebook is stale")
    args = parser.parse_args(argv)
    stale = []
    for assignment in ASSIGNMENTS:
        text = render(assignment)
        path = notebook_path(assignment)
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    if stale:
        print("stale (rerun build_notebooks.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


def _before_submit() -> list[nbformat.NotebookNode]:
    """The last two cells of every assessment: what to do before submitting, and the check."""
    return [
        _md(
            "before-submit",
            "## Before you submit\n\nRun the cell below: every answer "
            "should say *well formed*. Then save the notebook and submit it.",
            grade_id="before_submit",
        ),
        _code("check-answers", "check_answers()", _meta("check_answers")),
    ]


if __name__ == "__main__":
    raise SystemExit(main())
