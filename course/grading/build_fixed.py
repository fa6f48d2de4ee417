"""The nbgrader source notebook of a fixed item bank (one key for the whole class).

Each item gives a text cell, an answer cell whose solution region holds the key, and one test
cell per graded answer whose hidden tests check it; nbgrader strips both on release. Every key
and expected value comes from the item bank (``<course>/source/<assignment>.yaml``).
"""

from __future__ import annotations

import base64
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
from course.grading.diagram_items import names_structure, question_alt_text, question_png
from course.grading.items import ChoiceItem, Gradeable, ItemBank, ScenarioItem

__all__ = ["fixed_notebook"]


def _key_test(g: Gradeable) -> list[str]:
    """The hidden test lines of one graded answer."""
    if g.kind == "structure":
        helper = f"{names_structure.__module__} import {names_structure.__name__}"
        return [
            f"from {helper} as _names_it",
            f"assert _names_it({g.variable}, {json.dumps(g.key)})",
        ]
    if isinstance(g.key, bool):
        return [f"assert {g.variable} is {g.key}"]
    return [f"assert type({g.variable}) is str and {g.variable} == {json.dumps(g.key)}"]


def _header(bank: ItemBank) -> str:
    content = load_content()
    lines = [
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
        lines += ["", *decisions_lines(content)]
    return "\n".join(lines)


def _question(number: int, item: ScenarioItem | ChoiceItem) -> nbformat.NotebookNode:
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
        text = [f"## Question {number}", "", f"![{alt}](attachment:{item.id}.png)", "", item.prompt]
    else:
        options = ", ".join(f'`"{o}"`' for o in item.options)
        text = [f"## Question {number}", "", item.prompt, "", f"Options: {options}"]
    cell = markdown(f"{item.id}-text", "\n".join(text), grade_id=f"{item.id}_text")
    if isinstance(item, ChoiceItem) and item.picture is not None:
        png = question_png(item.picture.view, item.picture.layers, item.answer, dpi=80)
        cell.attachments = {f"{item.id}.png": {"image/png": base64.b64encode(png).decode()}}
    return cell


def _answer(item: ScenarioItem | ChoiceItem, regions: Regions) -> nbformat.NotebookNode:
    hint = "one of the options, in quotes."
    if isinstance(item, ScenarioItem):
        hint = 'a decision name in quotes, e.g. "STOP"'
    elif item.picture is not None:
        hint = "the marked structure's name, in quotes"
    refer = isinstance(item, ScenarioItem) and item.ask_refer
    refer_hint = f"; {item.id}_refer: True or False." if refer else ""
    stub = [f"{item.id} = None"]
    solution = [f"{item.id} = {json.dumps(item.answer)}"]
    if isinstance(item, ScenarioItem) and item.ask_refer:
        stub.append(f"{item.id}_refer = None")
        solution.append(f"{item.id}_refer = {item.refer}")
    source = "\n".join(
        ["# Your answer: replace None with " + hint + refer_hint, *regions.solution(stub, solution)]
    )
    return code(f"{item.id}-answer", source, meta(f"{item.id}_answer", solution=True, locked=False))


def fixed_notebook(bank: ItemBank, regions: Regions) -> nbformat.NotebookNode:
    """The nbgrader source notebook of ``bank`` (deterministic: same bank, same bytes)."""
    decisions = tuple(load_content().decisions)
    nb = new_notebook()
    nb.cells.append(markdown("intro", _header(bank), grade_id="intro"))
    setup = SETUP.format(
        decisions=", ".join(json.dumps(d) for d in decisions),
        answers=answers_table(bank, bank.gradeables),
    )
    nb.cells.append(code("setup", setup.rstrip("\n"), meta("setup")))
    items: tuple[ScenarioItem | ChoiceItem, ...] = bank.items
    for number, item in enumerate(items, start=1):
        nb.cells.append(_question(number, item))
        nb.cells.append(_answer(item, regions))
        for g in (g for g in bank.gradeables if g.item_id == item.id):
            source = regions.hidden(f'check("{g.variable}")', _key_test(g))
            metadata = meta(g.grade_id, grade=True, points=g.points)
            nb.cells.append(code(f"{g.grade_id}-test".replace("_", "-"), source, metadata))
    nb.cells.extend(before_submit())
    return nb
