"""FindOnDiagramQuiz: find named structures on an unlabelled diagram, by click or keyboard.

It answers the self-check's ``find_on_diagram`` questions and stands alone in the anatomy
lesson. Its old name ``LabelQuiz`` still imports, with a ``DeprecationWarning``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as w
import traitlets

from course.content.text import ui_text
from course.diagrams.draw import visible_ids
from course.diagrams.geometry import load_view
from course.diagrams.render import render_png, render_svg
from course.diagrams.spatial import arrow_moves, overview
from course.diagrams.text import alt_text
from course.widgets.diagram import DiagramView, LivePart
from course.widgets.fallback import StaticPicture
from course.widgets.logic import QuizState, quiz_answer, quiz_labels, quiz_skip, quiz_start
from course.widgets.shared_models import SharedLayout, build

__all__ = ["FindOnDiagramQuiz"]


class FindOnDiagramQuiz(StaticPicture, SharedLayout, w.VBox):  # type: ignore[misc]
    """Asks for each structure in turn; immediate feedback; ``score`` counts first-try hits.

    Traits for notebooks and grading: ``score``, ``total``, ``finished``, ``current``
    (the structure id asked for now) and ``feedback``.
    """

    score = traitlets.Int(0)
    total = traitlets.Int(0)
    finished = traitlets.Bool(False)
    current = traitlets.Unicode(None, allow_none=True)
    feedback = traitlets.Unicode("")

    def __init__(
        self, view: str = "lateral", structures: Sequence[str] | None = None, **kwargs: Any
    ) -> None:
        self._state = quiz_start(view, structures)
        geometry = load_view(view)
        ids = list(visible_ids(geometry, _all_layers()))
        layers = _all_layers()
        self.canvas = DiagramView(
            mode="quiz",
            svg=render_svg(view, None, "none"),
            names=quiz_labels(view, ids),
            order=ids,
            moves=arrow_moves(view, layers),
            overview=overview(view, len(ids), quiz=True),
            label=ui_text("explorer.diagram"),
            live_before="",
            live_after="",
        )
        self._prompt = LivePart(self.canvas, "live_before")  # above the picture
        self._feedback = LivePart(self.canvas, "live_after")  # below it
        self._score = build(w.HTML)
        skip = build(w.Button, description=ui_text("quiz.skip"))
        restart = build(w.Button, description=ui_text("quiz.restart"))
        skip.on_click(lambda _b: self.skip())
        restart.on_click(lambda _b: self.restart())
        super().__init__(
            children=[
                self.canvas,
                build(w.HBox, children=[skip, restart, self._score]),
            ],
            **kwargs,
        )
        self.add_class("ankle-reflow")
        self.canvas.observe(self._on_pick, "selected")
        self._show()

    @property
    def state(self) -> QuizState:
        return self._state

    def answer(self, structure_id: str) -> str:
        """Answer with a structure id (what a click or Enter does); returns the feedback."""
        self._state = quiz_answer(self._state, structure_id)
        self._show(wrong=None if self.feedback_is_correct else structure_id)
        return self._state.feedback

    @property
    def feedback_is_correct(self) -> bool:
        return bool(self._state.history) and self._state.history[-1][2]

    def skip(self) -> None:
        self._state = quiz_skip(self._state)
        self._show()

    def restart(self) -> None:
        self._state = quiz_start(self._state.view, self._state.targets)
        self._show()

    def _on_pick(self, change: Any) -> None:
        sid = change["new"]
        if sid:
            self.answer(sid)
            self.canvas.selected = ""

    def _show(self, wrong: str | None = None) -> None:
        s = self._state
        marks = dict.fromkeys(s.found, "found")
        marks.update(dict.fromkeys(s.revealed, "revealed"))
        if wrong and wrong not in marks:
            marks[wrong] = "wrong"
        self.canvas.marks = marks
        feedback = f"<p>{s.feedback}</p>"
        if feedback == self._feedback.html and s.feedback:
            self._feedback.html = ""  # the same words again: cleared first, so they are spoken
        self._feedback.html = feedback  # said first: the result, then the next question
        self._prompt.html = f"<p><strong>{s.prompt()}</strong></p>"
        self._score.value = ui_text("quiz.score", score=s.score, total=s.total)
        self.score, self.total = s.score, s.total
        self.finished = s.finished
        self.current = s.current
        self.feedback = s.feedback

    def static_png(self) -> bytes:
        return render_png(self._state.view, None, (), "none")

    def static_alt(self) -> str:
        return f"{self._state.prompt()} {alt_text(self._state.view).split('. ')[0]}."

    def static_items(self) -> Sequence[str]:
        from course.content.loader import load_content

        names = load_content().structures
        return [names[t].name for t in self._state.targets]


def _all_layers() -> tuple[str, ...]:
    from course.diagrams.palette import LAYERS

    return LAYERS
