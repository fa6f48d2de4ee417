"""The PracticeCases widget, lesson.practice(), and practice in the progress CLI and dashboard."""

from __future__ import annotations

import json
import re
from pathlib import Path

from course.practice import DONT_KNOW
from course.practice.schedule import MASTERY_STREAK
from course.progress.store import ProgressStore, default_path
from course.safety import assess
from course.widgets.practice import PracticeCases, PracticeView, decision_choices


def _right(widget: PracticeCases) -> None:
    assert widget.case is not None
    result = assess(widget.case.situation)
    widget.choose(result.decision.value, result.refer if widget.case.asks_refer else None)


def test_the_widget_shows_a_case_without_its_answer(tmp_path: Path) -> None:
    widget = PracticeCases("ana", ProgressStore(tmp_path / "p.json"))
    assert widget.case is not None
    assert widget.view.story
    assert "<mark>" not in widget.view.story
    assert (
        widget.view.feedback
        == "<p>Case 1: read the story, then choose what the policy says to do.</p>"
    )
    assert widget.view.value == -1
    labels = [label for label, _answer in decision_choices()]
    assert widget.view.options == labels
    assert labels[-1] == "I don't know"
    assert widget.view.labels["decision_legend"]  # the radio group's name
    assert widget.case.family_name not in widget.view.heading  # no hint before answering


def test_check_needs_a_choice_and_the_referral_when_asked(tmp_path: Path) -> None:
    widget = PracticeCases("ana", ProgressStore(tmp_path / "p.json"))
    assert widget.check() is None
    assert "Choose a decision first" in widget.view.feedback
    while widget.case is not None and not widget.case.asks_refer:
        widget.next_case()
    widget.view.value = 0
    assert widget.check() is None
    assert "Say whether to refer" in widget.view.feedback


def test_check_marks_the_deciding_facts_and_updates_the_table(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "p.json")
    widget = PracticeCases("ana", store)
    _right(widget)
    feedback = widget.check()
    assert feedback is not None
    assert feedback.right
    assert widget.view.answered
    assert widget.view.right
    assert "<strong>Right.</strong>" in widget.view.feedback
    assert widget.view.story.count("<mark>") == len(feedback.highlighted) > 0
    assert "data-label='Right'>1</td>" in widget.table.value  # one right answer in the table
    assert widget.check() is None  # one answer per case
    widget.next_case()
    assert not widget.view.answered
    assert "Case 2: read the story" in widget.view.feedback  # announced in the live region


def test_i_dont_know_in_the_widget(tmp_path: Path) -> None:
    widget = PracticeCases("ana", ProgressStore(tmp_path / "p.json"))
    widget.choose(DONT_KNOW)
    feedback = widget.check()
    assert feedback is not None
    assert not feedback.right
    assert "Here is how the policy decides it." in widget.view.feedback
    assert "Why:" in widget.view.feedback


def test_the_buttons_send_messages(tmp_path: Path) -> None:
    widget = PracticeCases("ana", ProgressStore(tmp_path / "p.json"))
    first = widget.case
    _right(widget)
    widget._message(widget.view, {"action": "check"}, [])
    assert widget.view.answered
    widget._message(widget.view, {"action": "next"}, [])
    assert widget.case is not first
    assert widget.number == 2
    widget._message(widget.view, "garbage", [])  # ignored
    widget._message(widget.view, {"action": "reset"}, [])
    assert widget.view.confirming  # asks first, and says so in the live region
    assert "Press again" in widget.view.feedback
    assert "Press again" in widget.view.labels["reset_confirm"]


def test_check_judges_the_choice_it_was_sent_with(tmp_path: Path) -> None:
    """A fast *Check* (keyboard, busy kernel) can arrive before the radios' last update: the
    message carries the choice shown, and that is what is judged."""
    widget = PracticeCases("ana", ProgressStore(tmp_path / "p.json"))
    while widget.case is not None and not widget.case.asks_refer:
        widget.next_case()
    assert widget.case is not None
    result = assess(widget.case.situation)
    answers = [answer for _label, answer in decision_choices()]
    widget.view.value = answers.index("PROCEED" if result.decision.value != "PROCEED" else "STOP")
    shown = {"value": answers.index(result.decision.value), "refer": 0 if result.refer else 1}
    widget._message(widget.view, {"action": "check", **shown}, [])
    assert widget.last is not None
    assert widget.last.right
    assert widget.last.answered == result.decision.value


def test_check_ignores_a_choice_that_is_not_one(tmp_path: Path) -> None:
    widget = PracticeCases("ana", ProgressStore(tmp_path / "p.json"))
    widget.choose(DONT_KNOW)
    for bad in (99, -3, True, "2", None, 1.0):
        widget._take_choice({"value": bad, "refer": bad})
        assert widget.view.value == len(decision_choices()) - 1
    widget._message(widget.view, {"action": "check", "value": "PROCEED"}, [])
    assert widget.last is not None
    assert widget.last.dont_know


def test_reset_asks_first_and_keeps_the_lessons(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "p.json")
    store.open_section("05_safety", "practice")
    widget = PracticeCases("ana", store)
    _right(widget)
    widget.check()
    assert not widget.reset()
    assert "practice" in json.loads(store.path.read_text("utf-8"))
    assert widget.reset()
    data = json.loads(store.path.read_text("utf-8"))
    assert "practice" not in data
    assert data["lessons"]["05_safety"]["sections"]["practice"]
    assert "Practice started afresh" in widget.view.feedback


def test_static_export_has_the_table_and_a_note(tmp_path: Path) -> None:
    widget = PracticeCases("ana", ProgressStore(tmp_path / "p.json"))
    bundle = widget._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "needs a running kernel" in data["text/html"]
    assert "<table class='ankle-stacked'" in data["text/html"]


def test_the_front_end_is_a_named_group_with_a_live_region() -> None:
    from course.widgets.frontend import STATIC

    js = (STATIC / "practice.js").read_text(encoding="utf-8")
    assert "fieldset" in js
    assert "legend" in js
    assert 'input.type = "radio"' in js
    assert "input.name = g.name" in js
    assert 'setAttribute("role", "status")' in js
    assert "focusFirst" in js  # Next case moves the focus to the new case's first choice
    assert 'value: model.get("value"), refer: model.get("refer")' in js  # Check sends the choice
    assert "guardWidgetKeys();" in js
    assert PracticeView._esm.endswith(js)


def test_lesson_practice_is_the_widget() -> None:
    from course import lesson

    assert isinstance(lesson.practice(), PracticeCases)


def test_dashboard_and_cli_show_mastery(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from course.cli import app
    from course.progress import ProgressSummary

    store = ProgressStore()
    widget = PracticeCases("ana", store)
    for _ in range(MASTERY_STREAK):
        while widget.case is not None and widget.case.family != "dvt":
            widget.case = widget.practice.next_case("dvt")
        _right(widget)
        widget.check()
        widget.next_case()
    summary = ProgressSummary(store)
    assert "Practice: mastery per rule family" in summary._mastery.value
    row = r">Blood clots \(DVT\)</td><td [^>]*>critical</td><td [^>]*>mastered"
    assert re.search(row, summary._mastery.value)
    assert "Blood clots (DVT) (critical): 3 of 3 right in a row, mastered" in summary.static_html()
    result = CliRunner().invoke(app, ["progress"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Blood clots (DVT)" in result.output
    assert "███ 3 / 3" in result.output  # the terminal chart: a bar per family
    assert "mastered" in result.output
    assert "Not yet ready" in result.output or "to master" in result.output
    assert str(default_path()) in result.output.replace("\n", "")


def test_cli_reset_practice_asks_first() -> None:
    from typer.testing import CliRunner

    from course.cli import app

    store = ProgressStore()
    store.open_section("05_safety", "practice")
    widget = PracticeCases(None, store)
    _right(widget)
    widget.check()
    runner = CliRunner()
    result = runner.invoke(app, ["progress", "--reset-practice"], input="n\n")
    assert result.exit_code == 1
    assert "Nothing deleted" in result.output
    assert "practice" in json.loads(store.path.read_text("utf-8"))
    result = runner.invoke(app, ["progress", "--reset-practice"], input="y\n")
    assert result.exit_code == 0
    assert "Practice started afresh" in result.output
    data = json.loads(store.path.read_text("utf-8"))
    assert "practice" not in data
    assert data["lessons"]["05_safety"]


def test_the_mastery_table_can_stack_on_a_narrow_output(tmp_path: Path) -> None:
    """At 320 px each row of the mastery table becomes a short list (practice.css): every cell
    names its column, and the table's roles are explicit so that laying rows out as lists
    keeps them a table for screen readers (columns still announced)."""
    from course.content.text import texts
    from course.widgets.frontend import STATIC, stylesheet

    widget = PracticeCases("ana", ProgressStore(tmp_path / "p.json"))
    table = widget.table.value
    columns = texts("practice.columns")
    assert "class='ankle-stacked' role='table'" in table
    assert table.count("role='columnheader'") == len(columns)
    rows = re.findall(r"<tr role='row'>(.*?)</tr>", table)
    assert len(rows) > 1
    for row in rows[1:]:
        labels = re.findall(r"<td role='cell' data-label='([^']*)'>", row)
        assert labels == columns, row
    assert "<div class='ankle-stack-box'><table" in table
    css = stylesheet("practice.css")  # the stylesheet PracticeView's module puts on the page
    assert json.dumps(css) in PracticeView._esm
    assert css.startswith((STATIC / "practice.css").read_text(encoding="utf-8"))
    assert "container-type: inline-size" in css
    assert "@container" in css
    assert "attr(data-label)" in css
