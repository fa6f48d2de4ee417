"""Immediate-feedback self-check widgets: thin ipywidgets shells over ``course.quiz.check``."""

from __future__ import annotations

import contextlib
import html
import time
from collections.abc import Callable
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from course.content.loader import load_content
from course.content.text import text
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
from course.widgets.controls import LiveText
from course.widgets.fallback import StaticFallback
from course.widgets.frontend import module
from course.widgets.shared_models import SharedLayout, build

__all__ = ["QuestionCard", "QuestionGroup", "QuestionView", "SelfCheck"]


def _find_quiz(question: FindOnDiagram) -> widgets.Widget | None:
    """The diagram widget of issue 4, or None where it is not available."""
    try:
        from course.widgets.find_on_diagram import FindOnDiagramQuiz
    except ImportError:
        return None
    quiz: widgets.Widget = FindOnDiagramQuiz(view=question.view, structures=[question.structure])
    return quiz


class QuestionView(traitlets.HasTraits):
    """What the browser shows of one question: a named group of radios, checkboxes or ordered
    steps, Check / Hint / Show answer buttons that name the question, and a feedback live
    region. Not a widget model of its own: :class:`QuestionGroup` sends the views of several
    questions as one model (issue 25: a model and an ES module each cost the browser time).

    ``kind`` is ``single`` (radios), ``multiple`` (checkboxes), ``order`` (steps with Move up /
    Move down) or ``find`` (the pick happens on a diagram next to it). ``value`` holds the
    indexes of the chosen options, ``steps`` the current order. The buttons send
    ``{"action": "check" | "hint" | "reveal"}`` to the handlers of :meth:`on_msg`.
    """

    heading = traitlets.Unicode("")
    prompt = traitlets.Unicode("")
    kind = traitlets.Enum(("single", "multiple", "order", "find"), "single")
    options = traitlets.List(traitlets.Unicode())
    value = traitlets.List(traitlets.Int())
    steps = traitlets.List(traitlets.Unicode())
    labels = traitlets.Dict()
    feedback = traitlets.Unicode("")
    correct = traitlets.Bool(False)
    disabled = traitlets.Bool(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._handlers: list[Callable[[Any, Any, Any], None]] = []

    def on_msg(self, callback: Callable[[Any, Any, Any], None]) -> None:
        """Call ``callback(view, content, buffers)`` for each message from the browser."""
        self._handlers.append(callback)

    def _handle_custom_msg(self, content: Any, buffers: Any) -> None:
        for handler in self._handlers:
            handler(self, content, buffers)

    def state(self) -> dict[str, Any]:
        """What the browser needs to draw this question."""
        return {name: getattr(self, name) for name in _FIELDS}


_FIELDS = tuple(QuestionView.class_trait_names())
_FROM_BROWSER = ("value", "steps")  # what the learner changes in the browser


class QuestionGroup(SharedLayout, anywidget.AnyWidget):
    """Several questions in one widget model, each drawn by ``static/question.js`` as before
    (its own fieldset, buttons and feedback region). ``questions`` holds every
    :class:`QuestionView`'s state; the browser sends ``{"index": i, "set": {...}}`` for a
    change of ``value`` or ``steps`` and ``{"index": i, "action": ...}`` for a button."""

    _esm = module("question.js")
    questions = traitlets.List(traitlets.Dict()).tag(sync=True)

    def __init__(self, views: list[QuestionView], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.views = list(views)
        self._push()
        for view in self.views:
            view.observe(self._push)
        self.on_msg(self._message)

    def _push(self, _change: Any = None) -> None:
        self.questions = [view.state() for view in self.views]

    def _message(self, _widget: Any, content: Any, buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        index = content.get("index")
        if not isinstance(index, int) or not 0 <= index < len(self.views):
            return
        view = self.views[index]
        changes = content.get("set")
        if isinstance(changes, dict):
            for name in _FROM_BROWSER:
                if name in changes:  # not a list of indexes or steps: ignored
                    with contextlib.suppress(traitlets.TraitError):
                        setattr(view, name, changes[name])
            return
        view._handle_custom_msg(content, buffers)


_LABEL_KEYS = ("check", "hint", "show_answer", "move_up", "move_down", "moved", "button_name")


class QuestionCard:
    """One question: its controls, Check / Hint / Show answer, and the feedback.

    Not a widget of its own: its ``view`` is drawn by the self-check's :class:`QuestionGroup`
    with its neighbours, and the diagram of a find-on-diagram question follows the group.
    """

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
        self._values: list[Any] = []
        self._diagram: widgets.Widget | None = None
        labels = {key: text(f"quiz.{key}") for key in _LABEL_KEYS}
        labels["find_prompt"] = text("quiz.find_prompt")
        self.view = QuestionView(
            heading=text("quiz.question_label", number=number, total=total),
            prompt=question.prompt,
            labels=labels,
        )
        self.view.on_msg(self._message)
        self._controls()

    # --- controls ----------------------------------------------------------------------
    def _controls(self) -> None:
        q = self.question
        view = self.view
        if isinstance(q, SingleChoice):
            self._choices([(option, option) for option in q.options])
        elif isinstance(q, TrueFalse):
            self._choices([(text("quiz.true"), True), (text("quiz.false"), False)])
        elif isinstance(q, ScenarioDecision):
            decisions = load_content().decisions.values()
            self._choices([(f"{d.label} ({d.id})", d.id) for d in decisions])
        elif isinstance(q, MultipleSelect):
            self._choices([(option, option) for option in q.options])
            view.kind = "multiple"
        elif isinstance(q, OrderSteps):
            view.kind = "order"
            view.steps = list(q.shuffled())
        else:
            view.kind = "find"
            self._diagram = _find_quiz(q)
            if self._diagram is None:
                self.available = False
                view.disabled = True
                view.labels = {**view.labels, "find_prompt": text("quiz.find_none")}
            else:
                self._diagram.observe(self._picked, names="feedback")

    def _choices(self, options: list[tuple[str, Any]]) -> None:
        self.view.options = [label for label, _value in options]
        self._values = [value for _label, value in options]

    @property
    def diagram(self) -> widgets.Widget | None:
        """The diagram a find-on-diagram question is answered on (None for other kinds)."""
        return self._diagram

    @property
    def options(self) -> list[tuple[str, Any]]:
        """The offered choices as (label, value) pairs (single-choice kinds)."""
        return list(zip(self.view.options, self._values, strict=True))

    def _message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        action = content.get("action") if isinstance(content, dict) else None
        if not self.available:
            return
        if action == "check":
            self.submit()
        elif action == "hint":
            self.show_hint()
        elif action == "reveal":
            self.reveal()

    def _picked(self, _change: Any) -> None:
        """A pick on the diagram is checked at once, as if Check was pressed."""
        if self.answer() is not None:
            self.submit()

    def move(self, index: int, offset: int) -> None:
        """Move the step at ``index`` up (-1) or down (+1), as the Move buttons do."""
        order = list(self.view.steps)
        target = index + offset
        if 0 <= index < len(order) and 0 <= target < len(order):
            order[index], order[target] = order[target], order[index]
            self.view.steps = order

    # --- answering -----------------------------------------------------------------------
    def answer(self) -> Any:
        """The learner's current answer, or None when nothing is chosen yet."""
        q = self.question
        chosen = [self._values[i] for i in self.view.value if 0 <= i < len(self._values)]
        if isinstance(q, MultipleSelect):
            return chosen or None
        if isinstance(q, OrderSteps):
            return list(self.view.steps)
        if isinstance(q, FindOnDiagram):
            return None if self._diagram is None else _diagram_answer(self._diagram, q)
        return chosen[0] if chosen else None

    def set_answer(self, value: Any) -> None:
        """Set the controls to ``value`` (used by tests and instructors' demos)."""
        if isinstance(self.question, MultipleSelect):
            self.view.value = [i for i, v in enumerate(self._values) if v in value]
        elif isinstance(self.question, OrderSteps):
            self.view.steps = list(value)
        elif self._values:
            if value not in self._values:
                valid = ", ".join(repr(v) for v in self._values)
                question = self.question.id
                raise ValueError(f"{value!r} is not an option of {question}; valid: {valid}")
            self.view.value = [self._values.index(value)]

    def submit(self) -> Result | None:
        """Check the current answer, show feedback at once and record the attempt."""
        answer = self.answer()
        if answer is None:
            self._show((text("quiz.choose_first"),))
            return None
        result = check(self.question, answer)
        self.result = result
        self._show(feedback(self.question, result), correct=result.correct)
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

    @property
    def feedback(self) -> str:
        """The feedback shown now (HTML)."""
        return str(self.view.feedback)

    def _show(self, lines: tuple[str, ...], correct: bool = False) -> None:
        first, *rest = lines
        body = "".join(f"<br>{html.escape(line)}" for line in rest)
        words = f"<strong>{html.escape(first)}</strong>{body}"
        if words == self.view.feedback:
            self.view.feedback = ""  # the same words again: cleared first, so they are spoken
        self.view.correct = correct
        self.view.feedback = words


def _diagram_answer(diagram: widgets.Widget, question: FindOnDiagram) -> Any:
    """The structure the learner last picked on the diagram (the quiz's answer history)."""
    state = getattr(diagram, "state", None)
    for _target, chosen, _right in reversed(getattr(state, "history", ())):
        if chosen:
            return chosen
    return None


def _grouped(cards: list[QuestionCard]) -> list[widgets.Widget]:
    """The questions as few models as possible: one group until a question that needs its own
    diagram, which follows that question's group; then the next group."""
    shown: list[widgets.Widget] = []
    views: list[QuestionView] = []
    for card in cards:
        views.append(card.view)
        if card.diagram is not None:
            shown += [QuestionGroup(views), card.diagram]
            views = []
    if views:
        shown.append(QuestionGroup(views))
    return shown


class SelfCheck(StaticFallback, SharedLayout, widgets.VBox):  # type: ignore[misc]
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
        self.score = LiveText()
        self._update_score()
        children = [*_grouped(self.cards), self.score]
        if not self.questions:
            children = [build(widgets.HTML, value=html.escape(text("quiz.no_questions")))]
        super().__init__(children)

    def _scored(self, _card: QuestionCard, _result: Result) -> None:
        self._update_score()

    @property
    def correct(self) -> int:
        """How many questions were last answered correctly."""
        return sum(1 for c in self.cards if c.result is not None and c.result.correct)

    def _update_score(self) -> None:
        total = sum(1 for c in self.cards if c.available)
        score = text("quiz.score", correct=self.correct, total=total)
        self.score.html = f"<p>{html.escape(score)}</p>"

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
