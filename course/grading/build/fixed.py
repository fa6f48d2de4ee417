"""The nbgrader source notebook of a fixed item bank (one key for the whole class).

Each item gives a text cell, an answer cell whose solution region holds the key, and one test
cell per graded answer whose hidden tests check it; nbgrader strips both on release. Every key
and expected value comes from the item bank (``<course>/source/<assignment>.yaml``); the
notebook's own words from ``graded.notebook`` in course/content/study.yaml.
"""

from __future__ import annotations

import base64
import json

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
from course.grading.diagram_items import names_structure, question_alt_text, question_png
from course.grading.items.bank import ChoiceItem, Gradeable, ItemBank, ScenarioItem

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


def _how_to_answer(bank: ItemBank) -> list[str]:
    lines = [words("how_to_answer")]
    if bank.is_scenario:
        lines += ["", *decisions_lines()]
    return lines


def _question(number: int, item: ScenarioItem | ChoiceItem) -> nbformat.NotebookNode:
    if isinstance(item, ScenarioItem):
        text = [
            words("scenario_title", number=number, title=item.title),
            "",
            item.story,
            "",
            words("ask_decision", id=item.id),
        ]
        if item.ask_refer:
            text.append(words("ask_refer", id=item.id))
    elif item.picture is not None:
        alt = question_alt_text(item.picture.view, item.picture.layers, item.answer)
        text = [
            words("question_title", number=number),
            "",
            f"![{alt}](attachment:{item.id}.png)",
            "",
            item.prompt,
        ]
    else:
        options = ", ".join(f'`"{o}"`' for o in item.options)
        text = [
            words("question_title", number=number),
            "",
            item.prompt,
            "",
            words("options", options=options),
        ]
    cell = markdown(f"{item.id}-text", "\n".join(text), grade_id=f"{item.id}_text")
    if isinstance(item, ChoiceItem) and item.picture is not None:
        png = question_png(item.picture.view, item.picture.layers, item.answer, dpi=80)
        cell.attachments = {f"{item.id}.png": {"image/png": base64.b64encode(png).decode()}}
    return cell


def _answer(item: ScenarioItem | ChoiceItem, regions: Regions) -> nbformat.NotebookNode:
    stub = [f"{item.id} = None"]
    solution = [f"{item.id} = {json.dumps(item.answer)}"]
    if isinstance(item, ScenarioItem):
        hint = words("hint_decision")
        if item.ask_refer:
            hint += words("hint_refer", id=item.id)
            stub.append(f"{item.id}_refer = None")
            solution.append(f"{item.id}_refer = {item.refer}")
    else:
        hint = words("hint_option" if item.picture is None else "hint_structure")
    source = "\n".join([words("answer_comment", hint=hint), *regions.solution(stub, solution)])
    return code(f"{item.id}-answer", source, meta(f"{item.id}_answer", solution=True, locked=False))


def fixed_notebook(bank: ItemBank, regions: Regions) -> nbformat.NotebookNode:
    """The nbgrader source notebook of ``bank`` (deterministic: same bank, same bytes)."""
    setup = setup_source(words("setup_comment"), answers_table(bank, bank.gradeables))
    nb = opening_notebook(bank.title, bank.intro, _how_to_answer(bank), setup)
    items: tuple[ScenarioItem | ChoiceItem, ...] = bank.items
    for number, item in enumerate(items, start=1):
        nb.cells.append(_question(number, item))
        nb.cells.append(_answer(item, regions))
        for g in (g for g in bank.gradeables if g.item_id == item.id):
            nb.cells.append(test_cell(g, regions.hidden(f'check("{g.variable}")', _key_test(g))))
    nb.cells.extend(before_submit())
    return nb
