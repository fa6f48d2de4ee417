"""PracticeCases: fresh safety cases until mastered, a thin shell over :mod:`course.practice`.

The browser side (``static/practice.js``) is a named radio group for the decision (with "I
don't know"), a second one for the referral where the case asks, Check / Next case / Start
afresh buttons and a live feedback region. Every decision is :class:`course.practice.Practice`'s;
the words and tables are :mod:`course.practice.present`'s.
"""

from __future__ import annotations

import html
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from course.content.loader import load_content
from course.content.text import text
from course.practice.present import feedback_html, marked_story, mastery_table
from course.practice.session import DONT_KNOW, Feedback, Practice, PracticeCase
from course.progress.store import ProgressStore
from course.widgets.fallback import StaticFallback
from course.widgets.frontend import module
from course.widgets.shared_models import SharedLayout, build

__all__ = ["PracticeCases", "PracticeView"]

_LABEL_KEYS = (
    "decision_legend",
    "refer_legend",
    "answer_yes",
    "answer_no",
    "check",
    "next",
    "reset",
    "reset_confirm",
)


class PracticeView(SharedLayout, anywidget.AnyWidget):
    """The browser side of one case. ``value`` is the chosen decision's index (-1: none),
    ``refer`` 0 (yes), 1 (no) or -1; the buttons send ``{"action": "check" | "next" |
    "reset"}``, *Check* with the ``value`` and ``refer`` shown."""

    _esm = module("practice.js")
    heading = traitlets.Unicode("").tag(sync=True)
    story = traitlets.Unicode("").tag(sync=True)
    options = traitlets.List(traitlets.Unicode()).tag(sync=True)
    value = traitlets.Int(-1).tag(sync=True)
    refer = traitlets.Int(-1).tag(sync=True)
    asks_refer = traitlets.Bool(False).tag(sync=True)
    answered = traitlets.Bool(False).tag(sync=True)
    confirming = traitlets.Bool(False).tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    feedback = traitlets.Unicode("").tag(sync=True)
    right = traitlets.Bool(False).tag(sync=True)


def decision_choices() -> list[tuple[str, str]]:
    """(label, answer) of every choice: the seven decisions, then "I don't know"."""
    decisions = [(f"{d.label} ({d.id})", d.id) for d in load_content().decisions.values()]
    return [*decisions, (text("practice.dont_know"), DONT_KNOW)]


class PracticeCases(StaticFallback, SharedLayout, widgets.VBox):  # type: ignore[misc]
    """Practise safety decisions on fresh cases; the mastery table below updates."""

    def __init__(
        self, learner: str | None = None, store: ProgressStore | None = None, **kwargs: Any
    ) -> None:
        self.practice = Practice(learner, store)
        self._choices = decision_choices()
        self.view = PracticeView(
            options=[label for label, _answer in self._choices],
            labels={key: text(f"practice.{key}") for key in _LABEL_KEYS},
        )
        self.view.on_msg(self._message)
        self.table = build(widgets.HTML)
        self.case: PracticeCase | None = None
        self.last: Feedback | None = None
        self.number = 0
        intro = f"<h3>{html.escape(text('practice.heading'))}</h3>"
        intro += f"<p>{html.escape(text('practice.intro'))}</p>"
        if self.practice.notice:
            intro += f"<p role='note'>{html.escape(self.practice.notice)}</p>"
        super().__init__([build(widgets.HTML, value=intro), self.view, self.table], **kwargs)
        self.add_class("ankle-practice-cases")
        self.next_case()

    # --- what the buttons do -----------------------------------------------------------
    def _message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        action = content.get("action") if isinstance(content, dict) else None
        if action == "check":
            self._take_choice(content)
            self.check()
        elif action == "next":
            self.next_case()
        elif action == "reset":
            self.reset()

    def _take_choice(self, content: dict[str, Any]) -> None:
        """The choice the learner sees, sent with *Check*. The radios' own updates may still be
        on their way (ipywidgets holds back state while an update is unacknowledged; a
        message is sent at once), so a fast *Check* would be judged on an older choice.
        Values that are not a valid index are ignored."""
        for name, count in (("value", len(self._choices)), ("refer", 2)):
            chosen = content.get(name)
            if isinstance(chosen, int) and not isinstance(chosen, bool) and 0 <= chosen < count:
                setattr(self.view, name, chosen)

    def next_case(self) -> PracticeCase:
        """Draw a fresh case and show it with nothing chosen."""
        self.case = self.practice.next_case()
        self.last = None
        self.number += 1
        view = self.view
        view.heading = text("practice.case_heading", number=self.number)
        view.story = html.escape(self.case.text)
        view.value = -1
        view.refer = -1
        view.asks_refer = self.case.asks_refer
        view.answered = False
        view.confirming = False
        view.right = False
        self._say(text("practice.new_case", number=self.number), strong=False)
        self._table()
        return self.case

    def choose(self, decision: str, refer: bool | None = None) -> None:
        """Set the radios as a learner would (for tests and demos)."""
        answers = [answer for _label, answer in self._choices]
        self.view.value = answers.index(decision)
        if refer is not None:
            self.view.refer = 0 if refer else 1

    def check(self) -> Feedback | None:
        """Check the chosen answer, show the feedback and mark the deciding facts."""
        if self.case is None or self.view.answered:
            return None
        if self.view.value < 0:
            self._say(text("practice.choose_first"))
            return None
        answer = self._choices[self.view.value][1]
        refer: bool | None = None
        if self.case.asks_refer and answer != DONT_KNOW:
            if self.view.refer < 0:
                self._say(text("practice.choose_refer"))
                return None
            refer = self.view.refer == 0
        feedback = self.practice.answer(self.case.id, answer, refer)
        self.last = feedback
        self.view.answered = True
        self.view.right = feedback.right
        self.view.story = marked_story(self.case.text, feedback.highlighted)
        self.view.feedback = feedback_html(feedback)
        self._table()
        return feedback

    def reset(self) -> bool:
        """First press asks; the second starts practice afresh (lessons' progress kept)."""
        if not self.view.confirming:
            self.view.confirming = True
            self._say(text("practice.reset_confirm"))
            return False
        self.practice.reset()
        self.number = 0
        self.next_case()
        self._say(text("practice.reset_done"))
        return True

    def _say(self, words: str, strong: bool = True) -> None:
        body = f"<strong>{html.escape(words)}</strong>" if strong else html.escape(words)
        self.view.feedback = f"<p>{body}</p>"

    def _table(self) -> None:
        self.table.value = mastery_table(self.practice.table()).html

    def static_html(self) -> str:
        """For HTML export: the introduction and the mastery table (practice needs a kernel)."""
        note = html.escape(text("practice.static_note"))
        return f"<p><em>{note}</em></p>{self.table.value}"
