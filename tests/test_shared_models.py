"""Widgets share their layout and style models (course.widgets.shared_models): a lesson's
widgets make far fewer models for the browser to build, and each still looks the same."""

from __future__ import annotations

import ipywidgets as widgets
from ipywidgets.widgets.widget import _instances
from ipywidgets.widgets.widget_bool import CheckboxStyle

from course.widgets import AnkleExplorer
from course.widgets.scenario import ScenarioExplorer
from course.widgets.self_check import SelfCheck
from course.widgets.shared_models import build, layout, style


def _new_models(make: object) -> list[widgets.Widget]:
    before = set(_instances)
    assert callable(make)
    make()
    return [w for k, w in _instances.items() if k not in before]


def test_the_same_settings_give_one_model_and_other_settings_another() -> None:
    assert layout() is layout()
    assert layout(width="auto") is layout(width="auto")
    assert layout(width="auto") is not layout()
    assert layout(width="auto").width == "auto"
    assert style(CheckboxStyle) is style(CheckboxStyle)
    assert style(CheckboxStyle, description_width="initial").description_width == "initial"
    box = build(widgets.Checkbox, description="x")
    assert box.layout is layout()
    assert box.style is style(CheckboxStyle)
    own = widgets.Layout(width="10px")
    assert build(widgets.Checkbox, layout=own).layout is own  # a widget's own layout stays


def test_a_closed_shared_model_is_made_again() -> None:
    first = layout(height="3px")
    first.close()
    again = layout(height="3px")
    assert again is not first
    assert again.comm is not None
    assert again.height == "3px"


def test_a_second_explorer_adds_no_layout_or_style_model() -> None:
    AnkleExplorer()  # the shared models exist from here on
    made = _new_models(AnkleExplorer)
    kinds = [type(w).__name__ for w in made]
    assert not [k for k in kinds if k == "Layout" or k.endswith("Style")], kinds
    # the explorer's controls are the diagram's own HTML: a VBox and its diagram, no more
    assert sorted(kinds) == ["AnkleExplorer", "DiagramView"], kinds


def test_self_checks_and_scenario_controls_share_theirs() -> None:
    SelfCheck("01_anatomy", record=False)
    made = _new_models(lambda: SelfCheck("01_anatomy", record=False))
    assert not [w for w in made if isinstance(w, widgets.Layout)]
    scenario = ScenarioExplorer()
    styles = {id(c.style) for c in scenario.controls.values()}
    assert len(styles) <= 3  # one per kind of control (checkbox, dropdown, number)
    assert all(c.style.description_width == "initial" for c in scenario.controls.values())
    assert all(c.layout.width == "auto" for c in scenario.controls.values())


def test_explorer_and_quiz_messages_are_live_regions_of_their_diagram() -> None:
    import pytest

    from course.widgets import FindOnDiagramQuiz
    from course.widgets.controls import LiveText
    from course.widgets.diagram import DiagramView, LivePart

    explorer = AnkleExplorer()
    assert explorer.canvas.live_before == ""  # exists, empty, before any change
    assert explorer.canvas.live_after is None  # no region below the explorer's picture
    explorer.view = "medial"
    assert explorer.canvas.live_before == explorer._message.html != ""
    quiz = FindOnDiagramQuiz(view="lateral", structures=["tibia", "talus"])
    assert "Tibia" in quiz.canvas.live_before  # the prompt, above the picture
    quiz.answer("talus")
    assert quiz.canvas.live_after == quiz._feedback.value != ""  # the feedback, below it
    models = [*explorer.children, *quiz.children]
    assert not [m for m in models if isinstance(m, LiveText)]  # no model of their own
    with pytest.raises(ValueError, match="not a live region"):
        LivePart(DiagramView(), "svg")
    assert "live_before" in DiagramView._esm
    assert 'setAttribute("role", "status")' in DiagramView._esm
