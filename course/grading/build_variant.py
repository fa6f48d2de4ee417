"""The one nbgrader source notebook of a variant assessment (a key per learner).

The cells are the same for every learner: each scenario's story is shown from the learner's
own cases when the notebook runs (``course.cases``), its answer cell has an empty solution
region and its test cell only checks the answer is well formed. The keys are never in the
notebook: the marking layer regenerates each submitter's (``course.grading.variant_marking``).
"""

from __future__ import annotations

import json

import nbformat

from course.content.loader import load_content
from course.grading.build_cells import (
    SETUP,
    Regions,
    answers_table,
    before_submit,
    code,
    decisions_lines,
    markdown,
    meta,
    new_notebook,
)
from course.grading.variant_bank import VariantBank, VariantItem
from course.grading.variant_marking import template_gradeables
from course.grading.variants import generate

__all__ = ["variant_notebook"]

VARIANT_SETUP = """\
# Run this cell first. It shows whose cases this notebook holds (yours: if the name below is
# not yours, stop and ask your instructor), lists the valid answers and defines check(),
# which tells you whether an answer is well formed, never whether it is right.
from course.cases import load_cases

cases = load_cases()
"""


def _header(bank: VariantBank) -> str:
    content = load_content()
    lines = [
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
        *decisions_lines(content),
    ]
    return "\n".join(lines)


def _question(number: int, item: VariantItem) -> tuple[list[str], str]:
    """The text cell's lines and the answer cell's hint."""
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
        return text, 'a decision name in quotes, e.g. "STOP"'
    text = [
        f"## Question {number}",
        "",
        "Run the cell below to see your picture. Answer with the marked structure's "
        "name in quotes (any name the course uses for it, e.g. its synonym).",
    ]
    return text, "the marked structure's name, in quotes"


def variant_notebook(bank: VariantBank, regions: Regions) -> nbformat.NotebookNode:
    """The source notebook of a variant assessment (deterministic: same bank, same bytes)."""
    decisions = tuple(load_content().decisions)
    nb = new_notebook()
    nb.cells.append(markdown("intro", _header(bank), grade_id="intro"))
    gradeables = template_gradeables(bank)
    setup = SETUP.format(
        decisions=", ".join(json.dumps(d) for d in decisions),
        answers=answers_table(None, gradeables),
    )
    setup = VARIANT_SETUP + "\n" + setup.split("\n", 2)[2]
    nb.cells.append(code("setup", setup.rstrip("\n"), meta("setup")))
    for number, item in enumerate(generate(bank, "\x00template"), start=1):
        text, hint = _question(number, item)
        nb.cells.append(markdown(f"{item.id}-text", "\n".join(text), grade_id=f"{item.id}_text"))
        nb.cells.append(code(f"{item.id}-show", f"cases.show({number})", meta(f"{item.id}_show")))
        stub = [f"{item.id} = None"]
        refer_hint = ""
        if item.ask_refer:
            stub.append(f"{item.id}_refer = None")
            refer_hint = f"; {item.id}_refer: True or False."
        source = "\n".join(
            ["# Your answer: replace None with " + hint + refer_hint, *regions.solution(stub, [])]
        )
        answer_meta = meta(f"{item.id}_answer", solution=True, locked=False)
        nb.cells.append(code(f"{item.id}-answer", source, answer_meta))
        for g in (g for g in gradeables if g.item_id == item.id):
            metadata = meta(g.grade_id, grade=True, points=g.points)
            test_id = f"{g.grade_id}-test".replace("_", "-")
            nb.cells.append(code(test_id, f'check("{g.variable}")', metadata))
    nb.cells.extend(before_submit())
    return nb
