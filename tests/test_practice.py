"""Practice until mastered (course.practice): fresh cases, Leitner boxes, mastery, persistence."""

from __future__ import annotations

import itertools
import json
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.content.text import text
from course.errors import ContentError, PracticeError
from course.grading.variants import generate
from course.grading.variants.bank import VariantBank
from course.practice import DONT_KNOW, Practice, PracticeCase
from course.practice.bank import PracticeBank
from course.practice.loader import bank_path, load_practice_bank, profiles, read_bank
from course.practice.present import feedback_lines, marked_story, mastery_table
from course.practice.schedule import MASTERY_STREAK, MISSED_AFTER
from course.practice.stories import deciding_fields, render
from course.progress.store import ProgressStore, ProgressWarning
from course.safety import Situation, assess

GRADING = Path(__file__).resolve().parent.parent / "grading"


def _store(tmp_path: Path, name: str = "progress.json") -> ProgressStore:
    return ProgressStore(tmp_path / name)


def _key(case: PracticeCase) -> tuple[str, bool]:
    result = assess(case.situation)
    return result.decision.value, result.refer


def _answer_right(practice: Practice, case: PracticeCase) -> bool:
    decision, refer = _key(case)
    return practice.answer(case.id, decision, refer if case.asks_refer else None).right


def _wrong(case: PracticeCase) -> str:
    decision, _refer = _key(case)
    return "PROCEED" if decision != "PROCEED" else "STOP"


# --- the templates ---------------------------------------------------------------------------


def test_every_family_has_templates_and_the_graded_families_are_covered() -> None:
    """Practice and the graded bank share the rule families (names and rules, one by one) and
    what counts as critical, so "ready" means every family the graded blueprint holds a
    critical item of is mastered."""
    from course.grading.variants import load_variant_bank

    bank = load_practice_bank()
    graded = load_variant_bank(GRADING, "safety_cases")
    assert {f: set(m.rules) for f, m in bank.families.items()} == {
        f: set(rules) for f, rules in graded.families.items()
    }
    for family in bank.families:
        assert bank.templates(family), family
    critical = {f for f, c in Practice("t").families() if c}
    assert critical == {slot.family for slot in graded.blueprint if slot.critical}
    assert {"injury", "fracture", "dvt", "infection"} <= critical
    assert not critical & {"proceed", "cautions"}


def test_no_practice_template_is_a_graded_template() -> None:
    """The wheel carries practice.yaml: nothing of a graded template may be in it (the same
    needles as the wheel test of the graded bank)."""
    graded = yaml.safe_load((GRADING / "source" / "safety_cases.yaml").read_text("utf-8"))
    needles = {c["story"][:50] for c in graded["cases"]}
    needles |= {
        o["text"][:40]
        for c in graded["cases"]
        for opts in c.get("choose", {}).values()
        for o in opts
        if len(o["text"]) > 25
    }
    bank = load_practice_bank()
    texts = [c.story for c in bank.cases]
    texts += [o.text for c in bank.cases for opts in c.choose.values() for o in opts]
    texts.append(bank_path().read_text("utf-8"))
    assert not [n for n in needles for t in texts if n in t]
    graded_people = {p["who"] for p in graded["people"]}
    assert not {p["who"] for p in bank.people} & graded_people


def test_practice_never_shows_a_learner_their_graded_stories(tmp_path: Path) -> None:
    from course.grading.variants import generate, load_variant_bank

    graded = load_variant_bank(GRADING, "safety_cases")
    families = list(load_practice_bank().families)
    for number in range(300):
        learner = f"learner{number:03d}"
        own = {item.text for item in generate(graded, learner) if item.kind == "scenario"}
        practice = Practice(learner, _store(tmp_path))
        drawn = {practice.next_case(families[i % len(families)]).text for i in range(33)}
        assert len(drawn) > 20  # fresh stories, not a handful
        assert not drawn & own, learner


def _every_story(bank: PracticeBank) -> set[str]:
    """Every story the templates of ``bank`` can make: a lookup from story to template."""
    return {
        render(bank, template, picked, person, setting).text
        for template in bank.cases
        for picked in template.combinations()
        for person in range(len(bank.people))
        for setting in range(len(bank.settings))
    }


def _as_practice_bank(graded: VariantBank) -> PracticeBank:
    """The graded templates as if practice shipped them (what main deliberately does not)."""
    families = {f: {"name": f, "rules": list(rules)} for f, rules in graded.families.items()}
    return PracticeBank.model_validate(
        {
            "schema_version": 1,
            "families": families,
            "people": list(graded.people),
            "settings": list(graded.settings),
            "cases": [case.model_dump() for case in graded.cases],
        }
    )


@pytest.mark.slow
def test_what_practice_can_write_decodes_no_graded_story() -> None:
    """Practice runs on the learner's machine, so whatever stories it can write, a learner can
    write too, each with its situation, and look their graded story up among them (the Voila
    practice test reads practice stories that way). Built from the graded templates, that
    lookup finds every graded story, key and all; built from the shipped practice templates
    (any template, option, person, setting), it must find none: checked against every
    scenario of 300 learners, first attempt and retake."""
    from course.grading.variants import load_variant_bank, with_attempt

    graded = load_variant_bank(GRADING, "safety_cases")
    practice = load_practice_bank()
    writable = _every_story(practice)
    combinations = sum(len(list(t.combinations())) for t in practice.cases)
    assert len(writable) == combinations * len(practice.people) * len(practice.settings)
    decoder = _every_story(_as_practice_bank(graded))
    seen = 0
    for attempt in (1, 2):
        bank = with_attempt(graded, attempt)
        for number in range(300):
            for item in generate(bank, f"learner{number:03d}"):
                if item.kind == "scenario":
                    seen += 1
                    assert item.text in decoder  # had practice the graded templates
                    assert item.text not in writable, (attempt, number, item.text)
    assert seen == 2 * 300 * len(graded.blueprint)


def test_a_family_without_a_template_fails_validation(tmp_path: Path) -> None:
    data = yaml.safe_load(bank_path().read_text("utf-8"))
    data["cases"] = [c for c in data["cases"] if c["family"] != "dvt"]
    path = tmp_path / "practice.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ContentError, match=r"practice.yaml: record dvt: field cases"):
        read_bank(path)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda c: c.update(family="skin-and-sensation"), r"record maybe-broken: field family"),
        (lambda c: c["spans"].update(injury="a phrase not in it"), r"spans.injury"),
        (lambda c: c.pop("spans"), r"record maybe-broken: field spans"),
        (
            lambda c: c["choose"]["cause"].append({"text": "x", "set": {"injury": "none"}}),
            r"record maybe-broken",
        ),
    ],
)
def test_a_broken_template_is_named(
    tmp_path: Path, change: Callable[[dict[str, object]], None], match: str
) -> None:
    data = yaml.safe_load(bank_path().read_text("utf-8"))
    case = next(c for c in data["cases"] if c["id"] == "maybe-broken")
    change(case)
    path = tmp_path / "practice.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ContentError, match=match):
        read_bank(path)


def test_validate_reports_a_template_that_cannot_make_a_case(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from course import validate
    from course.cli import main
    from course.practice import loader

    data = yaml.safe_load(bank_path().read_text("utf-8"))
    data["cases"] = [c for c in data["cases"] if c["family"] != "persistent"]
    path = tmp_path / "practice.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setattr(loader, "bank_path", lambda: path)
    monkeypatch.setattr(
        validate, "VALIDATORS", (("practice cases", "course.practice.loader:validate"),)
    )
    assert main(["validate"]) == 1
    out = capsys.readouterr()
    assert "persistent" in out.out + out.err


# --- one case ---------------------------------------------------------------------------------


def test_a_case_tells_right_from_wrong_with_reasons_and_deciding_facts(tmp_path: Path) -> None:
    practice = Practice("ana", _store(tmp_path))
    case = practice.next_case("fracture")
    assert case.family == "fracture"
    assert case.text
    assert case.situation.injury == "fracture"
    wrong = practice.answer(case.id, "PROCEED", False)
    assert not wrong.right
    assert wrong.key.value == "DO_NOT_MASSAGE"
    assert ("fracture", assess(case.situation).reasons[0].text) in wrong.reasons
    assert "injury" in wrong.deciding
    marked = [case.text[s.start : s.end] for s in wrong.highlighted]
    assert marked
    assert all(m in case.text for m in marked)
    html = marked_story(case.text, wrong.highlighted)
    assert html.count("<mark>") == len(marked)
    lines = feedback_lines(wrong)
    assert lines[0] == "Not quite."
    assert any("Do not massage" in line for line in lines)


def test_deciding_facts_are_exactly_those_whose_change_changes_the_decision() -> None:
    sprain = Situation(injury="sprain", hours_since_injury=24, fever=False)
    assert deciding_fields(sprain, ["injury", "hours_since_injury", "fever"]) == (
        "injury",
        "hours_since_injury",
    )
    swollen = Situation(swelling="mild")
    assert deciding_fields(swollen, ["swelling"]) == ("swelling",)


def test_i_dont_know_is_wrong_and_explained(tmp_path: Path) -> None:
    practice = Practice("ana", _store(tmp_path))
    case = practice.next_case("sharp-pain")
    feedback = practice.answer(case.id, None)
    assert not feedback.right
    assert feedback.dont_know
    assert feedback.reasons
    assert feedback.key.value == "STOP"
    assert practice.state.families["sharp-pain"].wrong == 1
    second = practice.next_case("sharp-pain")
    assert not practice.answer(second.id, DONT_KNOW).right


def test_bad_answers_and_unknown_cases_are_clear_errors(tmp_path: Path) -> None:
    practice = Practice("ana", _store(tmp_path))
    case = practice.next_case()
    with pytest.raises(PracticeError, match="'MAYBE' is not a decision; valid: PROCEED"):
        practice.answer(case.id, "MAYBE")
    with pytest.raises(PracticeError, match="not the case you were shown last"):
        practice.answer("p00000000000", "STOP")
    practice.answer(case.id, "STOP")
    with pytest.raises(PracticeError):
        practice.answer(case.id, "STOP")  # one answer per case: the first one counts
    with pytest.raises(PracticeError, match="no rule family 'gout'"):
        practice.next_case("gout")


# --- scheduling and mastery: a simulated learner ----------------------------------------------


def test_critical_families_come_first(tmp_path: Path) -> None:
    practice = Practice("ana", _store(tmp_path))
    critical = [f for f, c in practice.families() if c]
    seen = []
    for _ in range(len(critical)):
        case = practice.next_case()
        seen.append(case.family)
        _answer_right(practice, case)
    assert sorted(seen) == sorted(critical)


def _simulate(tmp_path: Path, weak: str | None, turns: int) -> list[str]:
    practice = Practice("sim", _store(tmp_path, f"{weak}.json"))
    families = []
    for _ in range(turns):
        case = practice.next_case()
        families.append(case.family)
        if case.family == weak:
            practice.answer(case.id, _wrong(case), not _key(case)[1])
        else:
            _answer_right(practice, case)
    return families


def test_a_family_the_learner_misses_comes_back_sooner(tmp_path: Path) -> None:
    turns = 60
    with_misses = _simulate(tmp_path, "swelling", turns)
    all_right = _simulate(tmp_path, None, turns)
    assert with_misses.count("swelling") > 2 * all_right.count("swelling")
    first = with_misses.index("swelling")
    assert with_misses[first + 1 : first + MISSED_AFTER + 2].count("swelling") == 1
    gaps_right = [b - a for a, b in _pairs(all_right, "swelling")]
    gaps_missed = [b - a for a, b in _pairs(with_misses, "swelling")]
    assert max(gaps_missed) < min(gaps_right)


def _pairs(families: list[str], family: str) -> list[tuple[int, int]]:
    at = [i for i, f in enumerate(families) if f == family]
    return list(itertools.pairwise(at))


def test_a_simulated_learner_practises_until_ready(tmp_path: Path) -> None:
    """Only ``next_case()`` chooses (the schedule): the learner misses every swelling story
    until they have met three, then answers everything right. Each missed swelling comes back
    after MISSED_AFTER other cases; it is mastered on its third different story right first
    time in a row, not before; practice goes on until the dashboard says ready."""
    from course.progress import ProgressSummary

    store = _store(tmp_path)
    practice = Practice("night-owl", store)
    families: list[str] = []
    misses: list[int] = []
    run: list[str] = []
    for turn in range(300):
        case = practice.next_case()
        families.append(case.family)
        if case.family == "swelling" and len(misses) < MASTERY_STREAK:
            misses.append(turn)
            feedback = practice.answer(case.id, _wrong(case), None)
            assert not feedback.right
            run = []
        else:
            feedback = practice.answer(
                case.id, _key(case)[0], _key(case)[1] if case.asks_refer else None
            )
            assert feedback.right
            if case.family == "swelling":
                run.append(case.text)
        assert practice.mastery()["swelling"] == (len(set(run)) >= MASTERY_STREAK), turn
        if practice.ready():
            break
    assert practice.ready(), families
    for turn in misses:  # back sooner: after exactly MISSED_AFTER other cases
        assert families[turn + 1 : turn + MISSED_AFTER + 2].index("swelling") == MISSED_AFTER
    assert len(run) >= MASTERY_STREAK
    assert len(set(run)) == len(run)  # different stories
    summary = ProgressSummary(store)
    assert text("practice.ready") in summary._mastery.value


def test_mastery_needs_three_different_stories_right_first_time_in_a_row(tmp_path: Path) -> None:
    practice = Practice("ana", _store(tmp_path))
    stories = []
    case = practice.next_case("pain")
    _answer_right(practice, case)
    case = practice.next_case("pain")
    practice.answer(case.id, _wrong(case), None)  # a miss starts the run again
    for number in range(MASTERY_STREAK):
        assert not practice.mastery()["pain"]
        case = practice.next_case("pain")
        stories.append(case.text)
        feedback = practice.answer(
            case.id, _key(case)[0], _key(case)[1] if case.asks_refer else None
        )
        assert feedback.mastered is (number == MASTERY_STREAK - 1)
    assert len(set(stories)) == MASTERY_STREAK
    assert practice.mastery()["pain"]
    assert sum(practice.mastery().values()) == 1


def test_the_same_story_never_comes_twice_in_a_row(tmp_path: Path) -> None:
    practice = Practice("ana", _store(tmp_path))
    previous = ""
    for turn in range(120):
        case = practice.next_case("sharp-pain" if turn % 3 else None)
        assert case.id != previous
        previous = case.id
        _answer_right(practice, case) if turn % 2 else practice.answer(case.id, None)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(learner=st.text(min_size=1, max_size=12), answers=st.lists(st.booleans(), max_size=40))
def test_any_learner_any_answers(tmp_path: Path, learner: str, answers: list[bool]) -> None:
    """Whatever the learner answers: no story twice in a row, mastery only after a right run,
    and the state survives a reload."""
    store = ProgressStore(tmp_path / f"{abs(hash((learner, tuple(answers))))}.json")
    practice = Practice(learner, store)
    previous = ""
    runs: dict[str, list[str]] = {}
    for right in answers:
        case = practice.next_case()
        assert case.id != previous
        previous = case.id
        if right:
            _answer_right(practice, case)
            runs.setdefault(case.family, []).append(case.id)
        else:
            practice.answer(case.id, _wrong(case), None)
            runs[case.family] = []
    for family, mastered in practice.mastery().items():
        assert mastered == (len(set(runs.get(family, [])[-MASTERY_STREAK:])) >= MASTERY_STREAK)
    again = Practice(None, store)
    assert again.mastery() == practice.mastery()
    if answers:  # the first answer saves who practises (their seed)
        assert again.learner == practice.learner
        assert again.state.drawn == practice.state.drawn


def test_ready_once_every_critical_family_is_mastered(tmp_path: Path) -> None:
    practice = Practice("ana", _store(tmp_path))
    critical = [f for f, c in practice.families() if c]
    for family in critical:
        assert not practice.ready()
        for _ in range(MASTERY_STREAK):
            _answer_right(practice, practice.next_case(family))
    assert practice.ready()
    assert not all(practice.mastery().values())  # the other families are not needed
    assert "Ready for the graded assessment" in mastery_table(practice.table()).plain


# --- the progress file ------------------------------------------------------------------------


def test_practice_is_kept_in_the_progress_file_next_to_the_lessons(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.open_section("05_safety", "decisions")
    practice = Practice("ana", store)
    for _ in range(MASTERY_STREAK):
        _answer_right(practice, practice.next_case("dvt"))
    data = json.loads(store.path.read_text("utf-8"))
    assert data["lessons"]["05_safety"]["sections"]["decisions"]
    assert data["practice"]["families"]["dvt"]["right"] == MASTERY_STREAK
    assert Practice("ana", store).mastery()["dvt"]


@pytest.mark.parametrize(
    "broken",
    [
        "not a dict",
        {"version": 1, "families": {"dvt": {"box": 99}}},
        {"version": 7},
        {"version": 1, "answered": -3},
    ],
)
def test_broken_practice_data_starts_practice_afresh_and_keeps_the_rest(
    tmp_path: Path, broken: object
) -> None:
    store = _store(tmp_path)
    store.open_section("05_safety", "decisions")
    data = json.loads(store.path.read_text("utf-8"))
    data["practice"] = broken
    store.path.write_text(json.dumps(data), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        practice = Practice("ana", store)
    messages = [str(w.message) for w in caught if issubclass(w.category, ProgressWarning)]
    assert len(messages) == 1
    assert "\n" not in messages[0]
    assert "practice starts afresh" in messages[0]
    assert not any(practice.mastery().values())
    _answer_right(practice, practice.next_case())
    kept = json.loads(store.path.read_text("utf-8"))
    assert kept["lessons"]["05_safety"]["sections"]["decisions"]
    assert kept["practice"]["answered"] == 1


def test_reset_clears_practice_only(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.open_section("05_safety", "decisions")
    practice = Practice("ana", store)
    _answer_right(practice, practice.next_case())
    assert practice.reset()
    data = json.loads(store.path.read_text("utf-8"))
    assert "practice" not in data
    assert data["lessons"]["05_safety"]
    assert Practice("ana", store).state.answered == 0


def test_every_template_profile_is_one_key() -> None:
    for template in load_practice_bank().cases:
        keys = {assess(template.situation_for(p)).decision for p in template.combinations()}
        assert keys == {profiles()[template.id].decision}
