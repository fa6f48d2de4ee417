"""Widgets without a kernel: traits, info panel, alt text, search, quiz, routine, fallbacks."""

from __future__ import annotations

import html
import json
import re
from importlib.resources import files

import pytest
from html_checks import figure_alt_problems

from course.content.loader import load_content
from course.content.text import ui_text
from course.diagrams import render
from course.diagrams.draw import visible_ids
from course.diagrams.geometry import VIEWS, load_view
from course.diagrams.palette import LAYERS
from course.diagrams.text import alt_text
from course.widgets import AnkleExplorer, FindOnDiagramQuiz, RangeOfMotion, TechniqueDemo
from course.widgets.logic import (
    motion_valuetext,
    quiz_answer,
    quiz_labels,
    quiz_skip,
    quiz_start,
    routine,
    routine_step,
    search,
)


def test_selected_updates_canvas_info_panel_and_alt_text() -> None:
    explorer = AnkleExplorer("lateral")
    assert explorer.selected is None
    assert "Highlighted" not in explorer.alt_text
    explorer.selected = "anterior_talofibular_ligament"
    assert explorer.canvas.selected == "anterior_talofibular_ligament"
    assert "Anterior talofibular ligament" in explorer.info_html
    assert "ATFL" in explorer.info_html  # synonyms
    assert "Friction around the malleoli" in explorer.info_html  # techniques touching it
    assert load_content().disclaimer in explorer.info_html.replace("&#x27;", "'")
    assert "Highlighted: Anterior talofibular ligament" in explorer.alt_text
    explorer.selected = None
    assert explorer.canvas.selected == ""
    assert "Highlighted" not in explorer.alt_text


def _info_rows(structure_id: str) -> dict[str, str]:
    from course.widgets.logic import info_html

    text = html.unescape(info_html(structure_id))
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", text))


def test_the_info_panel_lists_as_light_touch_only_the_techniques_drawn_light_there() -> None:
    """Fingertip friction goes around the caution zones (friction is never light touch);
    malleolar friction and effleurage pass them lightly; effleurage glides lightly over the shin
    bone, which petrissage never kneads."""
    from course.content.text import ui_text

    light, never = ui_text("info.light_touch_by"), ui_text("info.avoided_by")
    tunnel = _info_rows("caution_tarsal_tunnel")
    assert "Circular fingertip friction" not in tunnel[light]
    assert "Friction around the malleoli" in tunnel[light]
    assert "Effleurage" in tunnel[light]
    assert "Circular fingertip friction around the ankle" in tunnel[never]
    pulse = _info_rows("caution_dorsalis_pedis")
    assert light not in pulse
    assert "Sustained pressure on the top-of-foot tendons" in pulse[never]
    shin = _info_rows("tibia")
    assert shin[light] == "Effleurage"
    assert shin[never] == "Petrissage"


def test_a_click_in_the_browser_selects_in_python() -> None:
    explorer = AnkleExplorer("medial")
    explorer.canvas.selected = "deltoid_ligament"  # what the front-end syncs back
    assert explorer.selected == "deltoid_ligament"
    assert "Deltoid ligament" in explorer.alt_text


def test_selection_layer_and_label_changes_send_no_new_picture() -> None:
    explorer = AnkleExplorer("posterior")
    views = explorer.canvas.views
    misses = render._svg.cache_info().misses
    for sid in explorer.visible_ids:
        explorer.selected = sid
    explorer.layers = ("bones",)
    explorer.canvas.show_labels = False  # the labels box, as the browser sets it
    assert explorer.canvas.views is views  # the browser hides layers and labels itself
    assert (explorer.canvas.layers, explorer.canvas.show_labels) == (["bones"], False)
    assert render._svg.cache_info().misses == misses


def test_canvas_gets_the_view_with_every_layer_and_names_and_info_for_each_structure() -> None:
    explorer = AnkleExplorer("dorsal", layers=["bones", "tendons"])
    ids = explorer.visible_ids
    everything = visible_ids(load_view("dorsal"), LAYERS)
    assert explorer.canvas.order == list(ids)
    assert explorer.canvas.layers == ["bones", "tendons"]
    assert list(explorer.canvas.views) == ["dorsal"]  # only the view shown, until asked
    assert set(explorer.canvas.names) == set(everything)
    assert set(explorer.canvas.info) == {*everything, ""}
    assert explorer.canvas.names["talus"].startswith("Talus")
    for sid in everything:
        assert f'data-structure="{sid}"' in explorer.canvas.views["dorsal"]
    assert set(explorer.canvas.geometry["dorsal"]["anchors"]) == set(everything)
    assert explorer.canvas.desc == alt_text("dorsal", ("bones", "tendons"))
    # the browser's own controls: their words, from ui.yaml; no widget models of their own
    controls = explorer.canvas.controls
    assert [v for v, _ in controls["options"]] == list(VIEWS)
    assert dict(controls["options"])["dorsal"] == ui_text("views.dorsal")
    assert [layer for layer, _ in controls["layers"]] == list(LAYERS)
    assert controls["view"] == ui_text("explorer.view")
    assert explorer.children == (explorer.canvas,)


def test_the_browser_s_controls_change_the_explorer() -> None:
    """What the View menu, a layer box, the labels box and the search field send."""
    explorer = AnkleExplorer("lateral", layers=["bones"])
    explorer.canvas.view = "medial"  # the View menu (the browser sets the canvas's trait)
    assert explorer.view == "medial"
    assert explorer.canvas.order == list(visible_ids(load_view("medial"), ("bones",)))
    explorer.canvas.layers = ["ligaments", "bones"]  # a layer box, in any order
    assert explorer.layers == ("bones", "ligaments")
    assert explorer.canvas.layers == ["bones", "ligaments"]
    assert "deltoid_ligament" in explorer.visible_ids
    explorer.canvas.show_labels = False
    assert explorer.canvas.show_labels is False
    explorer.canvas.view = "no such view"  # a tampered message: the valid view comes back
    assert (explorer.view, explorer.canvas.view) == ("medial", "medial")
    explorer.canvas.layers = ["bones", "no such layer"]
    assert explorer.canvas.layers == ["bones", "ligaments"]
    explorer.canvas._handle_custom_msg({"type": "find", "text": "heel bone"}, [])
    assert explorer.selected == "calcaneus"
    for blank in ({"type": "find", "text": "  "}, {"type": "find", "text": 3}, ["find"]):
        explorer.canvas._handle_custom_msg(blank, [])  # nothing to find: nothing changes
    assert explorer.selected == "calcaneus"


def test_the_browser_asks_for_the_other_views_once() -> None:
    explorer = AnkleExplorer("lateral")
    explorer.canvas._handle_custom_msg({"type": "views"}, [])  # what the browser sends
    assert list(explorer.canvas.views) == list(VIEWS)
    first = explorer.canvas.views
    explorer.canvas._handle_custom_msg({"type": "views"}, [])
    explorer.canvas._handle_custom_msg({"type": "unknown"}, [])
    assert explorer.canvas.views is first
    assert set(explorer.canvas.geometry) == set(VIEWS)


def test_view_and_layer_changes_drop_a_hidden_selection() -> None:
    explorer = AnkleExplorer("lateral", selected="lateral_malleolus")
    explorer.view = "medial"
    assert explorer.canvas.view == "medial"
    assert list(explorer.canvas.views) == ["lateral", "medial"]
    assert explorer.selected is None
    explorer.selected = "talus"
    explorer.layers = ("ligaments",)
    assert explorer.selected is None
    assert explorer.canvas.order == ["deltoid_ligament"]


def test_bad_view_layer_or_structure_lists_valid_values() -> None:
    with pytest.raises(ValueError, match="valid views: lateral, medial"):
        AnkleExplorer("plantar")
    explorer = AnkleExplorer("lateral")
    with pytest.raises(ValueError, match="valid layers"):
        explorer.layers = ("skin",)
    with pytest.raises(ValueError, match=r"valid: .*tibia"):
        explorer.selected = "deltoid_ligament"


def test_search_accepts_synonyms_and_switches_view_or_layer() -> None:
    explorer = AnkleExplorer("lateral", layers=["bones"])
    assert explorer.find("heel bone") == "calcaneus"
    assert explorer.selected == "calcaneus"
    assert explorer.find("ATFL") == "anterior_talofibular_ligament"
    assert "ligaments" in explorer.layers
    assert explorer.find("tarsal tunnel") == "caution_tarsal_tunnel"
    assert explorer.view == "medial"
    assert "Inner side" in explorer.message
    assert explorer.find("peroneus longus") == "fibularis_longus_tendon"
    assert explorer.find("ankel bone") is None
    assert "Did you mean" in explorer.message


def test_search_is_a_pure_function() -> None:
    result = search("shin bone", "dorsal", ["muscles"])
    assert result.structure_id == "tibia"
    assert result.view == "dorsal"
    assert result.layers == ("muscles", "bones")


def test_technique_demo_steps_through_the_routine_in_order() -> None:
    demo = TechniqueDemo()
    seen = [demo.technique]
    for _ in range(len(routine()) + 2):
        demo.next()
        seen.append(demo.technique)
    assert list(dict.fromkeys(seen)) == list(routine())
    assert demo.nav.at_last
    assert demo.nav.status.startswith(f"Technique {len(routine())} of {len(routine())}")
    demo.nav.step(1)  # Next at the end does nothing; the button keeps the focus
    assert demo.technique == routine()[-1]
    demo.nav._handle_custom_msg({"action": "previous"}, [])  # what the browser sends
    assert demo.technique == routine()[-2]
    demo.next()
    demo.previous()
    assert demo.technique == routine()[-2]
    assert routine_step(routine()[0], -1) == routine()[0]
    assert [t.id for t in sorted(load_content().techniques, key=lambda t: t.order)] == list(
        routine()
    )


def test_technique_demo_hold_timer_play_and_views() -> None:
    demo = TechniqueDemo("tendon_sustained_pressure")
    assert demo.canvas.hold == [5, 10]
    assert demo.canvas.mode == "technique"
    assert "thumb" in demo.alt_text
    demo.technique = "achilles_strokes"
    assert demo.canvas.hold == []
    assert demo.view == "posterior"
    assert [value for _label, value in demo.nav.views] == ["posterior", "lateral"]
    demo.nav.view = "lateral"  # the learner picks a view (radio group in the browser)
    assert demo.view == "lateral"
    assert "Outer side" in demo.alt_text
    demo.play()
    assert demo.canvas.playing
    demo.canvas.playing = False  # the front-end reports the end of the animation
    assert not demo.playing
    with pytest.raises(ValueError, match="valid: posterior, lateral"):
        demo.view = "dorsal"
    with pytest.raises(ValueError, match="valid: effleurage"):
        TechniqueDemo("shiatsu")


def test_technique_demo_draws_each_picture_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new demo, and each step or view change, sends one picture: none drawn twice (issue
    25: every picture is a message the browser must take in before the lesson is painted)."""
    import course.widgets.technique as technique_module

    drawn: list[tuple[str, str | None]] = []
    real = technique_module.render_technique_svg

    def counting(technique: str, view: str | None = None) -> str:
        drawn.append((technique, view))
        return real(technique, view)

    monkeypatch.setattr(technique_module, "render_technique_svg", counting)
    demo = TechniqueDemo("tendon_sustained_pressure")
    assert drawn == [("tendon_sustained_pressure", demo.view)]
    demo.technique = "achilles_strokes"  # its own first view: one picture
    assert drawn[1:] == [("achilles_strokes", "posterior")]
    demo.view = "lateral"
    assert drawn[2:] == [("achilles_strokes", "lateral")]
    demo.next()
    assert len(drawn) == 4


def test_quiz_scores_first_try_hits_and_gives_feedback() -> None:
    quiz = FindOnDiagramQuiz("lateral", ["talus", "calcaneus", "fibula"])
    assert (quiz.score, quiz.total, quiz.current) == (0, 3, "talus")
    assert "Talus" in quiz._prompt.value
    assert "Tibia" in quiz.answer("tibia")
    assert quiz.canvas.marks == {"tibia": "wrong"}
    quiz.answer("talus")
    assert quiz.score == 0  # not at the first try
    quiz.canvas.selected = "calcaneus"  # a click or Enter in the browser
    assert quiz.score == 1
    assert quiz.canvas.selected == ""
    quiz.skip()
    assert quiz.finished
    assert quiz.canvas.marks == {"talus": "found", "calcaneus": "found", "fibula": "revealed"}
    assert "1 of 3" in quiz.feedback or "1 of 3" in quiz._prompt.value
    quiz.restart()
    assert (quiz.score, quiz.finished, quiz.current) == (0, False, "talus")


def test_old_name_label_quiz_still_imports_with_a_deprecation_warning() -> None:
    import course.widgets
    import course.widgets.quiz

    for module in (course.widgets, course.widgets.quiz):
        with pytest.warns(DeprecationWarning, match="LabelQuiz is renamed FindOnDiagramQuiz"):
            old = module.LabelQuiz
        assert old is FindOnDiagramQuiz
    with pytest.warns(DeprecationWarning, match="renamed"):
        from course.widgets import LabelQuiz
    assert LabelQuiz is FindOnDiagramQuiz
    with pytest.raises(AttributeError, match="no attribute 'LabelQuizz'"):
        course.widgets.LabelQuizz  # noqa: B018
    assert "LabelQuiz" not in course.widgets.__all__  # not advertised any more


def test_quiz_state_is_pure_and_hides_names() -> None:
    state = quiz_start("posterior", ["achilles_tendon"])
    assert quiz_answer(state, "achilles_tendon").score == 1
    assert quiz_skip(state).score == 0
    labels = quiz_labels("posterior", ["achilles_tendon", "talus"])
    assert all("Achilles" not in v and "Talus" not in v for v in labels.values())
    with pytest.raises(ValueError, match="valid"):
        quiz_start("posterior", ["deltoid"])


def test_range_of_motion_values_names_and_limits() -> None:
    rom = RangeOfMotion()
    rom.dorsiflexion = 20
    assert rom.valuetext("dorsiflexion") == "20° dorsiflexion (foot lifted)"
    rom.inversion = -15
    assert "eversion" in rom.alt_text
    with pytest.raises(ValueError, match="between -50 and 20"):
        rom.dorsiflexion = 30
    assert motion_valuetext("inversion", 0).startswith("0°")
    assert set(rom.strings) >= {"dorsiflexion", "inversion"}
    assert rom.moving["dorsiflexion"][0] == "talus"


@pytest.mark.parametrize(
    "make",
    [
        lambda: AnkleExplorer("lateral", selected="talus"),
        lambda: TechniqueDemo("petrissage"),
        lambda: FindOnDiagramQuiz("dorsal", ["cuboid"]),
        RangeOfMotion,
    ],
)
def test_static_fallback_has_picture_alt_text_and_list(make: object) -> None:
    widget = make()  # type: ignore[operator]
    bundle = widget._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data
    page = data["text/html"]
    assert re.search(
        r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}" alt="[^"]{40,}"', page
    )
    assert "<li>" in page
    assert figure_alt_problems(page) == []  # each picture described once, not twice
    assert len(data["text/plain"]) > 40
    widget.close()


def test_front_end_modules_ship_in_the_package_and_handle_the_keyboard() -> None:
    static = files("course.widgets").joinpath("static")
    diagram = static.joinpath("diagram.js").read_text(encoding="utf-8")
    for needle in (
        "export default",
        "tabindex",
        "aria-label",
        "ArrowRight",
        '"Enter"',
        "save_changes",
    ):
        assert needle in diagram
    motion = static.joinpath("motion.js").read_text(encoding="utf-8")
    for needle in ("export default", "label.htmlFor", "aria-valuetext", 'type = "range"'):
        assert needle in motion


def test_every_widget_front_end_is_a_module_and_a_stylesheet_in_static() -> None:
    """anywidget's layout: a module and a stylesheet per widget, files in ``static/``; the
    shared helpers (``prefixIds``, ``fmt``, the key guard) exist once, in ``shared.js``,
    prepended by ``module()`` (a second definition would also be a syntax error in the joined
    module), which also puts the widget's stylesheet on the page (``adoptStyle``) instead of
    anywidget's ``_css``."""
    from course.widgets.controls import LiveText, StepNav
    from course.widgets.diagram import DiagramView
    from course.widgets.frontend import HELPERS, STATIC, STYLE_HELPERS, module, style_id
    from course.widgets.self_check import QuestionGroup

    shared = (STATIC / "shared.js").read_text(encoding="utf-8")
    helpers = re.findall(r"^function (\w+)\(", shared, flags=re.MULTILINE)
    assert {"prefixIds", "guardWidgetKeys", "fmt", "adoptStyle"} <= set(helpers)
    for widget, name in (
        (DiagramView, "diagram"),
        (RangeOfMotion, "motion"),
        (LiveText, "live"),
        (StepNav, "nav"),
        (QuestionGroup, "question"),
    ):
        own = (STATIC / f"{name}.js").read_text(encoding="utf-8")
        extra = [(STATIC / h).read_text(encoding="utf-8") for h in HELPERS.get(f"{name}.js", ())]
        css = (STATIC / f"{name}.css").read_text(encoding="utf-8")
        style_helpers = STYLE_HELPERS.get(f"{name}.css", ())
        extra_css = [(STATIC / h).read_text(encoding="utf-8") for h in style_helpers]
        # the stylesheet, with its helpers after it, goes on the page from the module
        text = "\n".join([css, *extra_css])
        adopt = f"adoptStyle({json.dumps(style_id(name))}, {json.dumps(text)});"
        assert widget._esm == module(f"{name}.js") == "\n".join([shared, *extra, adopt, own])
        assert "_css" not in widget.class_trait_names()  # not anywidget's: written per model
        assert f".ankle-{name}" in css  # every rule of the stylesheet is scoped to the widget
        assert not [h for h in helpers if f"function {h}(" in own]
        assert 'createElement("style")' not in own  # styles come from the .css file
        assert "guardWidgetKeys();" in own  # each installs the page-wide key guard once
    # any widget added later: its module and its scoped stylesheet side by side in static/
    helper_files = {h for names in HELPERS.values() for h in names}
    for names in STYLE_HELPERS.values():  # a helper stylesheet is scoped to what it styles
        for helper in names:
            assert ".ankle-" in (STATIC / helper).read_text(encoding="utf-8"), helper
    for script in STATIC.glob("*.js"):
        if script.name != "shared.js" and script.name not in helper_files:
            css = script.with_suffix(".css").read_text(encoding="utf-8")
            assert ".ankle-" in css, script.name
            own = script.read_text(encoding="utf-8")
            assert not [h for h in helpers if f"function {h}(" in own], script.name
    assert not list(STATIC.parent.glob("*.js"))  # no front-end left beside the Python
    assert not list(STATIC.parent.glob("*.css"))


def test_explorer_announces_the_new_picture_and_search_results() -> None:
    explorer = AnkleExplorer("lateral", layers=["bones"])
    assert explorer._message.html == ""  # the live region exists, empty, before any change
    explorer.view = "medial"
    count = len(explorer.visible_ids)
    assert explorer._message.html == f"Inner side view: {count} structures."
    explorer.find("heel bone")
    assert explorer._message.html == html.escape(explorer.message)
