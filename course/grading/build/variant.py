"""The one nbgrader source notebook of a variant assessment (a key per learner).

The cells are the same for every learner: each scenario's story is shown from the learner's
own cases when the notebook runs (``course.cases``), its answer cell has an empty solution
region and its test cell only checks the answer is well formed. The keys are never in the
notebook: the marking layer regenerates each submitter's (``course.grading.variants.marking``).
The notebook's own words come from ``graded.notebook`` in course/content/study.yaml.
"""

from __future__ import annotations

import nbformat

from course.grading.build.cells import (
    Regions,
    answers_table,
    before_submit,
    code,
    decisions_lines,
    markdown,
    meta,
    opening_notebook,
    setup_source,
    test_cell,
    words,
)
from course.grading.variants.bank import VariantBank, VariantItem
from course.grading.variants.generate import generate
from course.grading.variants.marking import template_gradeables

__all__ = ["variant_notebook"]

#: Before the valid answers: load the learner's own cases (``cases.show(n)`` shows one).
_LOAD_CASES = ("from course.cases import load_cases", "", "cases = load_cases()", "")


def _how_to_answer(bank: VariantBank) -> list[str]:
    retake = [words("variant_retake", attempt=bank.attempt), ""] if bank.attempt > 1 else []
    return [*retake, words("variant_how_to_answer"), "", *decisions_lines()]


def _question(number: int, item: VariantItem) -> tuple[list[str], str]:
    """The text cell's lines and the answer cell's hint."""
    if item.kind == "scenario":
        text = [
            words("variant_scenario_title", number=number),
            "",
            words("variant_ask_decision", id=item.id),
        ]
        hint = words("hint_decision")
        if item.ask_refer:
            text.append(words("ask_refer", id=item.id))
            hint += words("hint_refer", id=item.id)
        return text, hint
    text = [words("question_title", number=number), "", words("variant_ask_structure")]
    return text, words("hint_structure")


def variant_notebook(bank: VariantBank, regions: Regions) -> nbformat.NotebookNode:
    """The source notebook of a variant assessment (deterministic: same bank, same bytes)."""
    gradeables = template_gradeables(bank)
    setup = setup_source(
        words("variant_setup_comment"), answers_table(None, gradeables), _LOAD_CASES
    )
    nb = opening_notebook(bank.title, bank.intro, _how_to_answer(bank), setup)
    for number, item in enumerate(generate(bank, "\x00template"), start=1):
        text, hint = _question(number, item)
        nb.cells.append(markdown(f"{item.id}-text", "\n".join(text), grade_id=f"{item.id}_text"))
        nb.cells.append(code(f"{item.id}-show", f"cases.show({number})", meta(f"{item.id}_show")))
        stub = [f"{item.id} = None"]
        if item.ask_refer:
            stub.append(f"{item.id}_refer = None")
        source = "\n".join([words("answer_comment", hint=hint), *regions.solution(stub, [])])
        answer_meta = meta(f"{item.id}_answer", solution=True, locked=False)
        nb.cells.append(code(f"{item.id}-answer", source, answer_meta))
        for g in (g for g in gradeables if g.item_id == item.id):
            nb.cells.append(test_cell(g, f'check("{g.variable}")'))
    nb.cells.extend(before_submit())
    return nb
