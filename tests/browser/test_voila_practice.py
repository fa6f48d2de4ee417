"""Practice in ``ankle-course app`` (Voila), keyboard only: a learner practises until a rule
family is mastered and the app's mastery table says so.

The app runs on its own server with a fresh progress file, so the journey starts from no
practice at all. The test reads each story as the learner sees it and finds its key the way
the course does (the story's situation, then ``course.safety.assess``): every story the
practice templates can make is rendered once and looked up by its text. Only the keyboard
moves the focus and chooses; the page is read, never clicked.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from harness import Server, start_app, temporary_home
from notebook_ui import Shots, tab_to

from course.content.loader import load_content
from course.content.text import text
from course.practice.loader import load_practice_bank
from course.practice.schedule import MASTERY_STREAK, MISSED_AFTER
from course.practice.stories import render
from course.safety import assess

SCOPE = "body[data-voila]"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Key:
    """What the policy says of one story, and its rule family."""

    family: str
    decision: str
    refer: bool


def _squash(words: str) -> str:
    return _SPACE.sub(" ", words).strip()


def _every_story() -> dict[str, Key]:
    """Every story the shipped practice templates make, by its text."""
    bank = load_practice_bank()
    stories: dict[str, Key] = {}
    for template in bank.cases:
        for picked in template.combinations():
            for person, setting in itertools.product(
                range(len(bank.people)), range(len(bank.settings))
            ):
                story = render(bank, template, picked, person, setting)
                result = assess(story.situation)
                stories[_squash(story.text)] = Key(
                    template.family, result.decision.value, result.refer
                )
    return stories


@pytest.fixture(scope="module")
def practice_app() -> Iterator[tuple[Server, Path]]:
    """The app on its own server and progress file (nobody has practised yet)."""
    home = temporary_home("ankle-app-practice-")
    server = start_app(home)
    try:
        yield server, home
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


class Learner:
    """One learner at the app's practice widget, by keyboard only."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.widget = page.locator(f"{SCOPE} .ankle-practice").first
        self.table = page.locator(f"{SCOPE} .ankle-practice-cases table").first
        self.story = self.widget.locator(".ankle-practice-story")
        self.feedback = self.widget.locator(".ankle-practice-feedback[role=status]")
        self.decision = self.widget.get_by_role("group", name=text("practice.decision_legend"))
        self.refer = self.widget.locator("fieldset").nth(1)
        self.check_button = self.widget.get_by_role("button", name=text("practice.check"))
        self.next_button = self.widget.get_by_role("button", name=text("practice.next"))
        self.answers = [*load_content().decisions]
        self.number = 1

    def focused_in(self, element: Any) -> bool:
        return bool(
            self.page.evaluate(
                "(el) => el.contains(document.activeElement)", element.element_handle()
            )
        )

    def read(self) -> str:
        return _squash(self.story.inner_text())

    def choose(self, index: int | None) -> None:
        """Tab into the decision group and choose the ``index``-th decision (None: the last
        choice, "I don't know") with the arrow keys."""
        tab_to(self.page, self.decision)
        radios = self.decision.get_by_role("radio")
        if index is None:
            self.page.keyboard.press("ArrowUp")  # from the first choice round to the last
            chosen = radios.last
        else:
            for _ in range(index):
                self.page.keyboard.press("ArrowDown")
            if index == 0:
                self.page.keyboard.press("Space")
            chosen = radios.nth(index)
        assert chosen.is_checked()

    def say_refer(self, refer: bool) -> None:
        tab_to(self.page, self.refer)
        if refer:
            self.page.keyboard.press("Space")  # the first choice: yes, refer
        else:
            self.page.keyboard.press("ArrowDown")
        name = text("practice.answer_yes" if refer else "practice.answer_no")
        assert self.refer.get_by_role("radio", name=name, exact=True).is_checked()

    def check(self) -> str:
        """Space on Check: the verdict is announced and the focus stays on the button."""
        tab_to(self.page, self.check_button)
        self.page.keyboard.press("Space")
        self.feedback.get_by_text(text("practice.why")).wait_for()
        assert self.focused_in(self.check_button)
        return _squash(self.feedback.inner_text())

    def next(self) -> None:
        """Enter on Next case: the new case is announced, the focus on its first choice."""
        before = self.read()
        tab_to(self.page, self.next_button)
        self.page.keyboard.press("Enter")
        self.number += 1
        self.feedback.get_by_text(text("practice.new_case", number=self.number)).wait_for()
        self.page.wait_for_function(
            "([el, before]) => el.innerText.replace(/\\s+/g, ' ').trim() !== before",
            arg=[self.story.element_handle(), before],
        )
        self.page.wait_for_function(
            "(group) => group.contains(document.activeElement)"
            " && document.activeElement.type === 'radio'",
            arg=self.decision.element_handle(),
        )

    def answer(self, key: Key, right: bool) -> str:
        """Answer the case shown, right or wrong (a decision the policy does not give)."""
        decision = key.decision
        if not right:
            decision = next(d for d in ("PROCEED", "STOP") if d != key.decision)
        self.choose(self.answers.index(decision))
        if self.refer.is_visible():
            self.say_refer(key.refer)
        feedback = self.check()
        verdict = text("practice.right" if right else "practice.wrong")
        assert feedback.startswith(verdict), feedback
        return feedback

    def row(self, family: str) -> list[str]:
        name = load_practice_bank().families[family].name
        row = self.table.locator("tr").filter(has=self.page.locator(f"td:text-is('{name}')"))
        return [_squash(cell) for cell in row.first.locator("td").all_inner_texts()]


def test_practise_in_the_app_until_a_family_is_mastered(
    page: Any, practice_app: tuple[Server, Path]
) -> None:
    server, home = practice_app
    stories = _every_story()
    shots = Shots("voila_practice")
    page.goto(server.url(""))
    learner = Learner(page)
    learner.story.wait_for(timeout=90_000)
    learner.widget.scroll_into_view_if_needed()
    bank = load_practice_bank()
    assert learner.table.locator("tr").count() == len(bank.families) + 1  # the header row
    assert text("practice.mastered_yes") not in learner.table.inner_text()

    # Case 1: "I don't know" is a miss that shows the explanation.
    first = stories[learner.read()]
    learner.choose(None)
    shots(page, "I don't know chosen", element=learner.widget)
    feedback = learner.check()
    assert feedback.startswith(text("practice.dont_know_feedback")), feedback
    decision = load_content().decisions[first.decision]
    assert f"{decision.label} ({decision.id})" in feedback  # the policy's decision
    assert text("practice.family_line", family=bank.families[first.family].name) in feedback
    assert learner.widget.locator(".ankle-practice-feedback li").count() >= 1  # the reasons
    shots(page, "the explanation", element=learner.widget)
    assert learner.row(first.family)[-1] == "1"  # counted as wrong

    # Then right answers. The missed family comes back after MISSED_AFTER other cases,
    # before a family answered right after the miss; mastery takes three in a row.
    families: list[str] = [first.family]
    mastered: str | None = None
    for _ in range(60):
        learner.next()
        key = stories[learner.read()]  # a story of the practice templates, never another
        families.append(key.family)
        feedback = learner.answer(key, right=True)
        if text("practice.mastered_now", family=bank.families[key.family].name) in feedback:
            mastered = key.family
            break
    assert mastered is not None, f"nothing mastered after {len(families)} cases: {families}"
    comeback = families.index(first.family, 1)
    assert comeback == MISSED_AFTER + 1, families
    assert families[1] not in families[2 : comeback + 1], families  # the right one waits longer
    assert families.count(mastered) >= MASTERY_STREAK
    shots(page, f"{mastered} mastered", element=learner.widget)

    # The app's mastery table shows it; the progress file (on the learner's side) keeps it.
    row = learner.row(mastered)
    assert row[2] == text("practice.mastered_yes"), row
    assert row[3] == f"{MASTERY_STREAK} / 3", row
    assert text("practice.mastered_yes") in learner.table.inner_text()
    shots(page, "the mastery table", element=learner.table)
    saved = json.loads((home / "progress.json").read_text(encoding="utf-8"))["practice"]
    assert len(set(saved["families"][mastered]["streak"])) == MASTERY_STREAK

    # A wrong answer brings that family back sooner: after MISSED_AFTER other cases.
    learner.next()
    missed = stories[learner.read()]
    feedback = learner.answer(missed, right=False)
    assert text("practice.wrong") in feedback
    after: list[str] = []
    for _ in range(MISSED_AFTER + 1):
        learner.next()
        key = stories[learner.read()]
        after.append(key.family)
        learner.answer(key, right=True)
    assert after[-1] == missed.family, after
    assert missed.family not in after[:-1], after
    assert page.page_errors == []
