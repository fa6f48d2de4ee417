"""Immediate-feedback self-check widgets: thin ipywidgets shells over ``course.quiz.check``."""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from course._text import text
from course.loader import load_content
from course.progress.store import ProgressStore
from course.quiz.bank import load_bank
from course.quiz.check import Result, check, feedback
from course.quiz.models import (
    FindOnDiagram,
    MultipleSelect,
    OrderSteps,
    Question,
    ScenarioDecision,
    SingleChoice,
    TrueFalse,
)

__all__ = ["QuestionCard", "SelfCheck"]

_WIDE = widgets.Layout(width="auto")


def _label_quiz(question: FindOnDiagram) -> widgets.Widget | None:
    """The diagram widget of issue 4, or None where it is not available."""
    try:
        from course.widgets import LabelQuiz  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return None
    quiz: widgets.Widget = LabelQuiz(view=question.view, structures=[question.structure])
    return quiz


class QuestionCard(widgets.VBox):  # type: ignore[misc]
    """One question: its controls, Check / Hint / Show answer, and the feedback."""

    def __init__(
        self,
        question: Question,
        lesson_id: str,
        number: int = 1,
        total: int = 1,
        store: ProgressStore | None = None,
        on_result: Callable[[QuestionCard, Result], None] | None = None,
    ) -> None:
        self.question = question
        self.lesson_id = lesson_id
        self.store = store
        self.on_result = on_result
        self.result: Result | None = None
        self.available = True
        self._started = time.monotonic()
        self._order: list[str] = []
        self._checkboxes: list[widgets.Checkbox] = []
        self._choice: widgets.RadioButtons | None = None
        self._diagram: widgets.Widget | None = None
        self._steps_box = widgets.VBox()
        self.feedback = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))
        label = text("quiz.question_label", number=number, total=total)
        title = widgets.HTML(
            f"<p><strong>{html.escape(label)}</strong><br>{html.escape(question.prompt)}</p>"
        )
        self.check_button = widgets.Button(
            description=text("quiz.check"), button_style="primary", tooltip=text("quiz.check")
        )
        self.hint_button = widgets.Button(description=text("quiz.hint"), tooltip=text("quiz.hint"))
        self.answer_button = widgets.Button(
            description=text("quiz.show_answer"), tooltip=text("quiz.show_answer")
        )
        self.check_button.on_click(lambda _b: self.submit())
        self.hint_button.on_click(lambda _b: self.show_hint())
        self.answer_button.on_click(lambda _b: self.reveal())
        controls = self._controls()
        buttons = widgets.HBox([self.check_button, self.hint_button, self.answer_button])
        super().__init__([title, controls, buttons, self.feedback])
        self.add_class("ankle-selfcheck-question")

    # --- controls ----------------------------------------------------------------------
    def _controls(self) -> widgets.Widget:
        q = self.question
        if isinstance(q, SingleChoice):
            return self._radio([(option, option) for option in q.options])
        if isinstance(q, TrueFalse):
            return self._radio([(text("quiz.true"), True), (text("quiz.false"), False)])
        if isinstance(q, ScenarioDecision):
            decisions = load_content().decisions.values()
            return self._radio([(f"{d.label} ({d.id})", d.id) for d in decisions])
        if isinstance(q, MultipleSelect):
            self._checkboxes = [
                widgets.Checkbox(value=False, description=option, indent=False, layout=_WIDE)
                for option in q.options
            ]
            return widgets.VBox(self._checkboxes)
        if isinstance(q, OrderSteps):
            self._order = list(q.shuffled())
            self._draw_steps()
            return self._steps_box
        self._diagram = _label_quiz(q)
        if self._diagram is None:
            self.available = False
            for button in (self.check_button, self.hint_button, self.answer_button):
                button.disabled = True
            return widgets.HTML(f"<em>{html.escape(text('quiz.find_none'))}</em>")
        self._diagram.observe(self._picked, names="feedback")
        prompt = widgets.HTML(f"<em>{html.escape(text('quiz.find_prompt'))}</em>")
        return widgets.VBox([prompt, self._diagram])

    def _picked(self, _change: Any) -> None:
        """A pick on the diagram is checked at once, as if Check was pressed."""
        if self.answer() is not None:
            self.submit()

    def _radio(self, options: list[tuple[str, Any]]) -> widgets.RadioButtons:
        self._choice = widgets.RadioButtons(options=options, value=None, layout=_WIDE)
        self._choice.description = ""
        return self._choice

    def _draw_steps(self) -> None:
        rows = []
        last = len(self._order) - 1
        for index, step in enumerate(self._order):
            up = widgets.Button(
                icon="arrow-up",
                tooltip=f"{text('quiz.move_up')}: {step}",
                disabled=index == 0,
                layout=widgets.Layout(width="2.6em"),
            )
            down = widgets.Button(
                icon="arrow-down",
                tooltip=f"{text('quiz.move_down')}: {step}",
                disabled=index == last,
                layout=widgets.Layout(width="2.6em"),
            )
            up.on_click(lambda _b, i=index: self.move(i, -1))
            down.on_click(lambda _b, i=index: self.move(i, +1))
            label = widgets.HTML(f"{index + 1}. {html.escape(step)}")
            rows.append(widgets.HBox([up, down, label]))
        self._steps_box.children = rows

    def move(self, index: int, offset: int) -> None:
        """Move the step at ``index`` up (-1) or down (+1)."""
        target = index + offset
        if 0 <= index < len(self._order) and 0 <= target < len(self._order):
            self._order[index], self._order[target] = self._order[target], self._order[index]
            self._draw_steps()

    # --- answering -----------------------------------------------------------------------
    def answer(self) -> Any:
        """The learner's current answer, or None when nothing is chosen yet."""
        q = self.question
        if self._choice is not None:
            return self._choice.value
        if isinstance(q, MultipleSelect):
            chosen = [box.description for box in self._checkboxes if box.value]
            return chosen or None
        if isinstance(q, OrderSteps):
            return list(self._order)
        if self._diagram is not None and isinstance(q, FindOnDiagram):
            return _diagram_answer(self._diagram, q)
        return None

    def set_answer(self, value: Any) -> None:
        """Set the controls to ``value`` (used by tests and instructors' demos)."""
        if self._choice is not None:
            self._choice.value = value
        elif isinstance(self.question, MultipleSelect):
            for box in self._checkboxes:
                box.value = box.description in value
        elif isinstance(self.question, OrderSteps):
            self._order = list(value)
            self._draw_steps()

    def submit(self) -> Result | None:
        """Check the current answer, show feedback at once and record the attempt."""
        answer = self.answer()
        if answer is None:
            self._show((text("quiz.choose_first"),))
            return None
        result = check(self.question, answer)
        self.result = result
        self._show(feedback(self.question, result))
        seconds = time.monotonic() - self._started
        self._started = time.monotonic()
        if self.store is not None:
            self.store.record_attempt(
                self.lesson_id,
                self.question.id,
                score=result.score,
                correct=result.correct,
                seconds=seconds,
            )
        if self.on_result is not None:
            self.on_result(self, result)
        return result

    def show_hint(self) -> None:
        """Show the hint."""
        self._show((self.question.hint,))

    def reveal(self) -> None:
        """Show the right answer and the explanation (not recorded as an attempt)."""
        shown = Result(self.question.id, False, 0.0)
        self._show(feedback(self.question, shown, reveal=True)[1:])

    def _show(self, lines: tuple[str, ...]) -> None:
        first, *rest = lines
        body = "".join(f"<br>{html.escape(line)}" for line in rest)
        style = ""
        if self.result is not None and lines and first == text("quiz.correct"):
            style = ' style="color:#006b3c"'
        self.feedback.value = (
            f'<div role="status" aria-live="polite"><strong{style}>'
            f"{html.escape(first)}</strong>{body}</div>"
        )


def _diagram_answer(diagram: widgets.Widget, question: FindOnDiagram) -> Any:
    """The structure the learner last picked on the diagram (LabelQuiz's answer history)."""
    state = getattr(diagram, "state", None)
    for _target, chosen, _right in reversed(getattr(state, "history", ())):
        if chosen:
            return chosen
    return None


class SelfCheck(widgets.VBox):  # type: ignore[misc]
    """A lesson's self-check: every question with immediate feedback, and a running score."""

    def __init__(
        self, lesson_id: str, store: ProgressStore | None = None, record: bool = True
    ) -> None:
        self.lesson_id = lesson_id
        self.questions = load_bank().for_lesson(lesson_id)
        self.store = (store or ProgressStore()) if record else None
        total = len(self.questions)
        self.cards = [
            QuestionCard(q, lesson_id, i, total, self.store, self._scored)
            for i, q in enumerate(self.questions, start=1)
        ]
        self.score = widgets.HTML()
        self._update_score()
        children: list[widgets.Widget] = [*self.cards, self.score]
        if not self.questions:
            children = [widgets.HTML(html.escape(text("quiz.no_questions")))]
        super().__init__(children)

    def _scored(self, _card: QuestionCard, _result: Result) -> None:
        self._update_score()

    @property
    def correct(self) -> int:
        """How many questions were last answered correctly."""
        return sum(1 for c in self.cards if c.result is not None and c.result.correct)

    def _update_score(self) -> None:
        total = sum(1 for c in self.cards if c.available)
        self.score.value = (
            f'<p role="status">{html.escape(text("quiz.score", correct=self.correct, total=total))}'
            "</p>"
        )

    def static_html(self) -> str:
        """The questions without answers, for HTML export and terminals."""
        items = []
        for card in self.cards:
            q = card.question
            options: tuple[str, ...] = ()
            if isinstance(q, SingleChoice | MultipleSelect):
                options = q.options
            elif isinstance(q, OrderSteps):
                options = q.shuffled()
            elif isinstance(q, TrueFalse):
                options = (text("quiz.true"), text("quiz.false"))
            elif isinstance(q, ScenarioDecision):
                options = tuple(d.label for d in load_content().decisions.values())
            listed = "".join(f"<li>{html.escape(o)}</li>" for o in options)
            items.append(f"<li>{html.escape(q.prompt)}<ul>{listed}</ul></li>")
        note = html.escape(text("quiz.static_note"))
        return f"<ol>{''.join(items)}</ol><p><em>{note}</em></p>"

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, dict):
            bundle["text/html"] = self.static_html()
        return bundle
