"""What the widgets give screen readers to say, without a kernel: each change is announced once
and never silently, announcements carry what the learner needs (the decision's reasons, the
technique's purpose), and the diagrams carry their spatial descriptions and arrow-key map."""

from __future__ import annotations

import html
import itertools
from pathlib import Path
from typing import Any

import ipywidgets
import pytest

from course.content.loader import load_content
from course.content.text import text
from course.diagrams.overlays import overlay_for
from course.progress import ProgressStore
from course.safety import Situation, assess
from course.widgets import AnkleExplorer, FindOnDiagramQuiz, ScenarioExplorer, TechniqueDemo
from course.widgets.checklist import RoutineChecklist
from course.widgets.logic import quiz_answer, quiz_start, technique_announcement
from course.widgets.scenario import announcement
from course.widgets.self_check import QuestionCard, SelfCheck


def _changes(widget: Any, trait: str) -> list[str]:
    """Every value ``trait`` takes from now on (what the browser is sent, in order)."""
    seen: list[str] = []
    widget.observe(lambda change: seen.append(change["new"]), trait)
    return seen


def test_the_same_wrong_pick_twice_gets_other_words() -> None:
    state = quiz_start("lateral", ["talus"])
    first = quiz_answer(state, "tibia")
    second = quiz_answer(first, "tibia")
    assert first.feedback != second.feedback
    assert "Tibia" in second.feedback
    assert "Talus" in second.feedback
    other = quiz_answer(second, "fibula")
    assert other.feedback == quiz_answer(state, "fibula").feedback


def test_a_repeated_quiz_feedback_is_cleared_first_so_it_is_spoken() -> None:
    quiz = FindOnDiagramQuiz(view="lateral", structures=["talus"])
    said = _changes(quiz._feedback, "html")
    for _ in range(3):
        quiz.answer("tibia")
    spoken = [s for s in said if s]
    assert len(spoken) == 3  # every pick is heard, none twice in a row without a clear
    assert all(a != b for a, b in itertools.pairwise(said))


def test_a_repeated_check_is_spoken_again_and_once(tmp_path: Path) -> None:
    widget = SelfCheck("02_preparation", store=ProgressStore(tmp_path / "p.json"))
    card: QuestionCard = next(c for c in widget.cards if c.question.id == "prep_self_position")
    said = _changes(card.view, "feedback")
    wrong = next(o for o in card.question.options if o != card.question.answer)
    card.set_answer(wrong)
    card.submit()
    card.submit()
    assert [bool(s) for s in said] == [True, False, True]
    assert said[0] == said[2]


def test_next_technique_announces_more_than_a_name() -> None:
    demo = TechniqueDemo()
    said = _changes(demo.nav, "status")
    demo.next()
    technique = load_content().technique(demo.technique)
    assert len(said) == 1
    assert said[0] == technique_announcement(demo.technique, demo.view)
    assert technique.name in said[0]
    assert technique.purpose in said[0]
    strokes = len(overlay_for(demo.technique, demo.view).strokes)
    assert str(strokes) in said[0] or strokes == 1


def test_the_technique_picture_describes_each_stroke() -> None:
    demo = TechniqueDemo("effleurage", "lateral")
    assert "Stroke 1: a long stroke from" in demo.alt_text
    assert "up the leg" in demo.canvas.label


def test_a_change_of_situation_announces_the_decision_and_its_reasons() -> None:
    explorer = ScenarioExplorer()
    said = _changes(explorer.announcement, "html")
    explorer.set(fever=True)
    result = assess(Situation(fever=True))
    label = load_content().decisions[result.decision.value].label
    assert len(said) == 1
    assert said[0].startswith(f"{text('scenario.decision')}: {label}.")
    assert result.reasons
    assert all(r.text.rstrip(".")[:40] in said[0] for r in result.reasons)
    assert said[0] == html.escape(announcement(result))


def test_no_scenario_control_has_an_empty_tooltip() -> None:
    explorer = ScenarioExplorer()
    for name, control in explorer.controls.items():
        tooltip = getattr(control, "tooltip", None)
        if isinstance(control, ipywidgets.BoundedFloatText):
            assert tooltip, name  # rendered as the text "null" when unset


@pytest.mark.parametrize(
    "factory", [AnkleExplorer, ScenarioExplorer, FindOnDiagramQuiz, RoutineChecklist]
)
def test_the_wrapped_ipywidgets_reflow(factory: Any) -> None:
    assert "ankle-reflow" in factory()._dom_classes


def test_the_explorer_diagram_carries_places_moves_and_an_overview() -> None:
    explorer = AnkleExplorer(view="lateral", layers=["bones", "ligaments"])
    canvas = explorer.canvas
    # the names cover every layer (the browser toggles layers itself); the spatial traits
    # hold for what is shown, named by spatial_key
    assert set(canvas.descriptions) == set(canvas.order) == set(canvas.moves)
    assert set(canvas.order) < set(canvas.names)
    assert f"{len(canvas.order)} structures" in canvas.overview
    assert canvas.spatial_key == "lateral|bones,ligaments"
    explorer.layers = ("bones",)
    assert set(canvas.descriptions) == set(canvas.order) == set(canvas.moves)
    assert canvas.spatial_key == "lateral|bones"
    for moves in canvas.moves.values():
        assert set(moves.values()) <= set(canvas.order)
    explorer.view = "medial"
    assert canvas.spatial_key == "medial|bones"
    assert set(canvas.moves) == set(canvas.order)


def test_the_quiz_diagram_has_moves_and_no_names() -> None:
    quiz = FindOnDiagramQuiz(view="medial")
    assert set(quiz.canvas.moves) == set(quiz.canvas.names)
    assert quiz.canvas.descriptions == {}  # its names already say where each one is
    assert "named only by where they are" in quiz.canvas.overview
