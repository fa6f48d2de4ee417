"""The self-check engine: the bank, its validation and the pure answer checks (no kernel)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from course.content.loader import load_content
from course.errors import ContentError
from course.quiz import (
    FindOnDiagram,
    MultipleSelect,
    OrderSteps,
    ScenarioDecision,
    SingleChoice,
    TrueFalse,
    check,
    correct_answer,
    feedback,
    load_bank,
)
from course.quiz.bank import Bank
from course.safety import Decision, Situation, assess

REPO = Path(__file__).resolve().parent.parent
BANK = load_bank()


def q(question_id: str) -> object:
    return BANK.question(question_id)


# --- the bank ----------------------------------------------------------------------------
def test_every_lesson_has_self_check_questions() -> None:
    for lesson in load_content().lessons:
        assert len(BANK.for_lesson(lesson.id)) >= 4, lesson.id


def test_bank_uses_every_question_type() -> None:
    kinds = {type(question) for question in BANK}
    assert kinds == {
        SingleChoice,
        MultipleSelect,
        TrueFalse,
        OrderSteps,
        FindOnDiagram,
        ScenarioDecision,
    }


def test_every_question_has_hint_explanation_and_guide_section() -> None:
    for question in BANK:
        assert question.hint
        assert question.explanation
        assert question.checks
        assert all(c.split()[0] in {"guide", "reference"} for c in question.checks), question.id


def test_scenario_answers_agree_with_the_safety_engine() -> None:
    scenarios = [x for x in BANK if isinstance(x, ScenarioDecision)]
    assert len(scenarios) >= 10
    for question in scenarios:
        decided = assess(Situation.model_validate(question.situation)).decision
        assert decided.value == question.answer, question.id
    # every decision of the policy is practised at least once
    assert {x.answer for x in scenarios} >= {d.value for d in Decision} - {"PROCEED"}


def test_find_on_diagram_targets_are_drawn_in_their_view() -> None:
    from course.diagrams.geometry import load_view

    for question in BANK:
        if isinstance(question, FindOnDiagram):
            assert question.structure in load_view(question.view).ids, question.id


def test_unknown_lesson_and_question_raise() -> None:
    with pytest.raises(ValueError, match="unknown lesson"):
        BANK.for_lesson("99_nothing")
    with pytest.raises(ValueError, match="unknown self-check question"):
        BANK.question("nope")


# --- separate from the graded assessments -----------------------------------------------------
def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _graded_files() -> list[Path]:
    source = REPO / "grading" / "source"
    return sorted(p for p in source.rglob("*") if p.suffix in {".yaml", ".ipynb", ".py"})


def test_self_check_shares_no_item_with_the_graded_assessments() -> None:
    files = _graded_files()
    assert files, "grading/source holds the graded items this test compares against"
    graded_text = "\n".join(p.read_text(encoding="utf-8") for p in files)
    graded = _shingles(graded_text)
    graded_situations = []
    for path in files:
        if path.suffix == ".yaml":
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            for item in data.get("items", []):
                if "situation" in item:
                    graded_situations.append(item["situation"])
    for question in BANK:
        prompt = _shingles(question.prompt)
        assert not prompt & graded, f"{question.id} repeats a graded prompt"
        if isinstance(question, ScenarioDecision):
            assert question.situation not in graded_situations, question.id


# --- checking answers ----------------------------------------------------------------------
def test_single_choice() -> None:
    question = q("prep_self_position")
    assert isinstance(question, SingleChoice)
    assert check(question, "Across the opposite knee").correct
    wrong = check(question, "On a low stool in front of you, with the leg straight")
    assert not wrong.correct
    assert wrong.score == 0
    with pytest.raises(ValueError, match="not one of the options"):
        check(question, "Under the table")


def test_true_false() -> None:
    question = q("welcome_not_diagnosis")
    assert check(question, False).correct
    assert not check(question, True).correct
    with pytest.raises(ValueError, match="True or False"):
        check(question, "false")


def test_multiple_select_gives_partial_credit() -> None:
    question = q("safety_infection_signs")
    assert isinstance(question, MultipleSelect)
    assert check(question, {"Fever", "Warmth", "Red streaks"}).correct
    partial = check(question, ["Fever", "Warmth"])
    assert not partial.correct
    assert partial.score == pytest.approx(2 / 3)
    assert partial.missed == ("Red streaks",)
    extra = check(question, ["Fever", "Warmth", "Red streaks", "Sudden swelling"])
    assert not extra.correct
    assert extra.extra == ("Sudden swelling",)
    assert extra.score == pytest.approx(2 / 3)
    assert check(question, ["Sudden swelling"]).score == 0
    with pytest.raises(ValueError, match="collection"):
        check(question, "Fever")


def test_order_steps() -> None:
    question = q("core_order")
    assert isinstance(question, OrderSteps)
    assert check(question, list(question.steps)).correct
    swapped = [question.steps[1], question.steps[0], *question.steps[2:]]
    result = check(question, swapped)
    assert not result.correct
    assert result.in_place == len(question.steps) - 2
    with pytest.raises(ValueError, match="every step exactly once"):
        check(question, list(question.steps[:-1]))


def test_order_steps_start_shuffled_and_stable() -> None:
    for question in BANK:
        if isinstance(question, OrderSteps):
            shuffled = question.shuffled()
            assert shuffled != question.steps
            assert sorted(shuffled) == sorted(question.steps)
            assert shuffled == question.shuffled()


def test_find_on_diagram() -> None:
    question = q("anatomy_find_cfl")
    assert check(question, "calcaneofibular_ligament").correct
    assert not check(question, "anterior_talofibular_ligament").correct
    with pytest.raises(ValueError, match="unknown structure"):
        check(question, "wing")


def test_scenario_decision_accepts_names_and_enum() -> None:
    question = q("safety_card_sharp_numb")
    assert check(question, "STOP").correct
    assert check(question, Decision.STOP).correct
    assert not check(question, "PROCEED_WITH_CAUTION").correct
    with pytest.raises(ValueError, match="not one of the options"):
        check(question, "MAYBE")


def test_feedback_hint_on_wrong_explanation_on_right() -> None:
    question = q("lig_cross_fibre_direction")
    wrong = feedback(question, check(question, True))
    assert wrong[0] == "Not quite."
    assert wrong[-1] == question.hint
    right = feedback(question, check(question, False))
    assert right[0] == "Correct."
    assert right[-1] == question.explanation


def test_feedback_partial_and_reveal() -> None:
    question = q("core_order")
    assert isinstance(question, OrderSteps)
    lines = feedback(question, check(question, list(question.shuffled())))
    assert any("steps are in the right place" in line for line in lines)
    revealed = feedback(question, check(question, list(question.shuffled())), reveal=True)
    assert any(line.startswith("Answer: Effleurage → Petrissage") for line in revealed)


def test_scenario_feedback_quotes_the_engine_reasons() -> None:
    question = q("safety_card_calf_signs_varicose")
    lines = feedback(question, check(question, "SEEK_URGENT_CARE"))
    rules = {r.id: r for r in load_content().rules}
    assert rules["dvt-signs"].explanation in lines
    assert rules["varicose"].explanation in lines


def test_correct_answer_in_words() -> None:
    assert correct_answer(q("welcome_not_diagnosis")) == "False"
    assert correct_answer(q("anatomy_find_deltoid")) == "Deltoid ligament"
    assert correct_answer(q("safety_card_persistent_moderate")) == "Refer to a professional (REFER)"


# --- validation errors name file, record and field ---------------------------------------------
def _write(folder: Path, name: str, questions: list[dict[str, object]], **top: object) -> None:
    data = {"schema_version": 1, "lesson": name, "questions": questions, **top}
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")


def _base(**changes: object) -> dict[str, object]:
    item: dict[str, object] = {
        "id": "x_one",
        "type": "single_choice",
        "prompt": "Pick.",
        "options": ["a", "b", "c"],
        "answer": "a",
        "hint": "h",
        "explanation": "e",
        "checks": ["guide Safety"],
    }
    item.update(changes)
    return item


def _load(folder: Path) -> Bank:
    return load_bank(folder, load_content())


@pytest.mark.parametrize(
    ("item", "field", "message"),
    [
        (_base(type="essay"), "type", "not one of"),
        (_base(answer="d"), "-", "answer must be one of the options"),
        (_base(options=["a", "b"]), "options", "at least 3 items"),
        (_base(hint=""), "hint", "at least 1 character"),
        (_base(checks=["blog post"]), "source", "unknown source 'blog'"),
        (_base(colour="red"), "colour", "Extra inputs"),
        (
            _base(type="find_on_diagram", view="lateral", structure="wing", options=None),
            "structure",
            "unknown structure",
        ),
        (
            {**_base(type="find_on_diagram", structure="talus", view="top")},
            "view",
            "Input should be",
        ),
        (
            {
                **{k: v for k, v in _base().items() if k not in ("options",)},
                "type": "scenario_decision",
                "situation": {"pain": 11},
                "answer": "STOP",
            },
            "situation.pain",
            "less than or equal to 10",
        ),
        (
            {
                **{k: v for k, v in _base().items() if k not in ("options",)},
                "type": "scenario_decision",
                "situation": {"fever": True},
                "answer": "PROCEED",
            },
            "answer",
            "disagrees with the safety policy (DO_NOT_MASSAGE)",
        ),
    ],
)
def test_bad_questions_name_file_record_and_field(
    tmp_path: Path, item: dict[str, object], field: str, message: str
) -> None:
    item = {k: v for k, v in item.items() if v is not None}
    if item["type"] == "find_on_diagram":
        item.pop("answer", None)
        item.pop("options", None)
    _write(tmp_path, "05_safety", [item])
    with pytest.raises(ContentError) as caught:
        _load(tmp_path)
    error = caught.value
    assert error.file == "selfcheck/05_safety.yaml"
    assert error.record == "'x_one'"
    assert error.field == field
    assert message in error.problem


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    _write(tmp_path, "00_welcome", [_base()])
    _write(tmp_path, "05_safety", [_base()])
    with pytest.raises(ContentError, match=r"05_safety.yaml: record 'x_one': field id: duplicate"):
        _load(tmp_path)


def test_lesson_must_match_the_file_name(tmp_path: Path) -> None:
    _write(tmp_path, "05_safety", [_base()], lesson="01_anatomy")
    with pytest.raises(ContentError, match="field lesson: must be '05_safety'"):
        _load(tmp_path)


def test_unsupported_schema_version(tmp_path: Path) -> None:
    _write(tmp_path, "05_safety", [_base()], schema_version=9)
    with pytest.raises(ContentError, match="schema_version"):
        _load(tmp_path)


def test_a_valid_copy_loads(tmp_path: Path) -> None:
    _write(tmp_path, "05_safety", [_base()])
    bank = _load(tmp_path)
    assert len(bank) == 1
    assert bank.for_lesson("01_anatomy") == ()
    assert json.dumps([x.model_dump() for x in bank])


# --- the instructor guide ------------------------------------------------------------------
def _cell_text(value: str) -> str:
    return value.replace("|", "\\|")


def test_instructor_guide_answer_key_and_timings_match_the_data() -> None:
    from course.quiz.answer_key import generated_blocks, update_guide

    guide = (REPO / "docs" / "instructor_guide.md").read_text(encoding="utf-8")
    assert update_guide(guide) == guide, "run python -m course.quiz.answer_key on the guide"
    blocks = generated_blocks()
    for question in BANK:
        assert _cell_text(question.prompt) in blocks["answers"], question.id
        assert _cell_text(correct_answer(question)) in blocks["answers"], question.id
    for lesson in load_content().lessons:
        assert f"| `{lesson.id}` {lesson.title} | {lesson.minutes} |" in blocks["timings"]
    for heading in ("Timings per lesson", "Running a class", "On JupyterHub", "misconceptions"):
        assert heading in guide


def test_answer_key_tool_rejects_a_guide_without_markers(tmp_path: Path) -> None:
    from course.quiz.answer_key import main

    page = tmp_path / "guide.md"
    page.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no generated block"):
        main([str(page)])
    assert main([]) == 2
