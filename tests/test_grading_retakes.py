"""Retakes of a variant assessment: the attempt in the seed, the link file, the policies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from handin import copy_course
from hypothesis import given
from hypothesis import strategies as st

from course.errors import GradingError
from course.grading.export.attempts import pick
from course.grading.release import prepare_retake
from course.grading.variants import generate, layout, load_variant_bank, scenarios, with_attempt
from course.grading.variants.marking import MISMATCH, mismatch_problem
from course.grading.variants.release import variant_fingerprint
from course.grading.variants.retake import attempts_of, read_link, retake_name

REPO = Path(__file__).resolve().parent.parent


def blueprint_of(items: Any) -> list[tuple[str, bool, bool]]:
    return sorted((i.family, i.critical, i.ask_refer) for i in items if i.kind == "scenario")


GRADING = REPO / "grading"
ASSIGNMENT = "safety_cases"


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    return copy_course(tmp_path / "course")


def _stories(items: Any) -> list[str]:
    return [i.text for i in items if i.kind == "scenario"]


def test_attempt_one_is_the_first_variant_and_a_retake_has_new_stories() -> None:
    bank = load_variant_bank(GRADING, ASSIGNMENT)
    for number in range(40):
        student = f"s{number}"
        first = scenarios(ASSIGNMENT, student, course_dir=GRADING)
        assert first == scenarios(ASSIGNMENT, student, 1, course_dir=GRADING)
        assert first == generate(bank, student)
        second = scenarios(ASSIGNMENT, student, 2, course_dir=GRADING)
        third = scenarios(ASSIGNMENT, student, 3, course_dir=GRADING)
        assert blueprint_of(first) == blueprint_of(second) == blueprint_of(third)
        assert set(_stories(first)) != set(_stories(second))
        assert set(_stories(second)) != set(_stories(third))
        assert sum(a == b for a, b in zip(_stories(first), _stories(second), strict=True)) < 5
    retake = with_attempt(bank, 2)
    assert layout(retake) == layout(bank)  # one released notebook's cells fit every attempt
    assert with_attempt(bank, 2) is retake
    assert variant_fingerprint(bank, "s1", generate(bank, "s1")) != variant_fingerprint(
        retake, "s1", generate(retake, "s1")
    )


@pytest.mark.parametrize("attempt", [0, -1, True, 1.5, "2"])
def test_a_bad_attempt_is_refused(attempt: Any) -> None:
    with pytest.raises(GradingError, match="an attempt is a whole number from 1"):
        scenarios(ASSIGNMENT, "alice", attempt, course_dir=GRADING)


def test_prepare_retake_writes_the_link_and_the_notebook(course_dir: Path) -> None:
    from course.grading.build.source import build_all
    from course.grading.course import Course

    course = Course.open(course_dir)
    name = prepare_retake(course, ASSIGNMENT, 2)
    assert name == retake_name(ASSIGNMENT, 2) == "safety_cases_attempt2"
    link = read_link(course_dir, name)
    assert link is not None
    assert (link.of, link.attempt) == (ASSIGNMENT, 2)
    notebook = (course_dir / "source" / name / f"{name}.ipynb").read_text("utf-8")
    assert "Attempt 2: a retake" in notebook
    first = (course_dir / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text("utf-8")
    assert "Attempt 2" not in first
    assert all(b.current for b in build_all(course_dir))  # grade build --check agrees
    assert attempts_of(course_dir, ASSIGNMENT) == [(1, ASSIGNMENT), (2, name)]
    retake = load_variant_bank(course_dir, name)
    assert retake.attempt == 2
    assert generate(retake, "alice") == scenarios(ASSIGNMENT, "alice", 2, course_dir=course_dir)
    assert prepare_retake(course, ASSIGNMENT, 2) == name  # again: nothing changes


def test_retakes_are_refused_where_they_make_no_sense(course_dir: Path) -> None:
    from course.grading.course import Course

    course = Course.open(course_dir)
    with pytest.raises(GradingError, match="not a variant assessment"):
        prepare_retake(course, "safety_scenarios", 2)
    with pytest.raises(GradingError, match="a retake is attempt 2 or later"):
        prepare_retake(course, ASSIGNMENT, 1)
    name = prepare_retake(course, ASSIGNMENT, 2)
    with pytest.raises(GradingError, match="is itself a retake"):
        prepare_retake(course, name, 2)
    (course_dir / "source" / "safety_cases_attempt3.yaml").write_text("kind: variants\n")
    with pytest.raises(GradingError, match="is not a retake link"):
        prepare_retake(course, ASSIGNMENT, 3)


def test_a_hand_edited_link_is_named(course_dir: Path) -> None:
    path = course_dir / "source" / "safety_cases_attempt2.yaml"
    path.write_text("schema_version: 1\nkind: retake\nof: safety_cases\nattempt: 3\n")
    with pytest.raises(GradingError, match="links attempt 3 of 'safety_cases'"):
        load_variant_bank(course_dir, "safety_cases_attempt2")
    path.write_text("schema_version: 1\nkind: retake\nof: safety_cases\nattempt: one\n")
    with pytest.raises(GradingError, match=r"safety_cases_attempt2.yaml: invalid retake link"):
        load_variant_bank(course_dir, "safety_cases_attempt2")


def test_an_earlier_attempts_notebook_is_a_variant_mismatch() -> None:
    first = load_variant_bank(GRADING, ASSIGNMENT)
    retake = with_attempt(first, 2)
    shown = {
        "assignment": ASSIGNMENT,
        "student": "alice",
        "variant": variant_fingerprint(first, "alice", generate(first, "alice")),
        "attempt": 1,
    }
    problem = mismatch_problem(retake, "alice", shown)
    assert problem is not None
    assert problem[0] == MISMATCH
    assert "cases of attempt 1, not of attempt 2" in problem[1]
    own = dict(shown, variant=variant_fingerprint(retake, "alice", generate(retake, "alice")))
    assert mismatch_problem(retake, "alice", own) is None
    # the first attempt's marking flags a notebook of the retake the same way
    assert mismatch_problem(first, "alice", own) is not None


def _row(status: str, score: float, passed: bool) -> dict[str, Any]:
    return {"status": status, "score": score, "passed": passed}


_rows = st.lists(
    st.tuples(
        st.sampled_from(["graded", "missing", "flagged", "variant-mismatch", "ungraded"]),
        st.floats(min_value=0, max_value=54, allow_nan=False),
        st.booleans(),
    ),
    min_size=1,
    max_size=4,
)


@given(_rows)
def test_the_policies_pick_as_documented(raw: list[tuple[str, float, bool]]) -> None:
    rows = [(n, _row(*r)) for n, r in enumerate(raw, start=1)]
    taken = [(n, r) for n, r in rows if r["status"] != "missing"]
    first, last, best = (pick(rows, p) for p in ("first", "last", "best"))
    if not taken:
        assert first == last == best == rows[0]
        return
    assert first == taken[0]
    assert last == taken[-1]
    assert best in taken
    graded = [r for _n, r in taken if r["status"] != "ungraded"]
    if any(r["passed"] for r in graded):
        assert best[1]["passed"]
        assert best[1]["status"] != "ungraded"
    if graded:
        peers = [r for r in graded if r["passed"] == best[1]["passed"]]
        assert best[1]["score"] == max(r["score"] for r in peers)


def test_an_unknown_policy_is_refused() -> None:
    with pytest.raises(GradingError, match="valid: best, last, first"):
        pick([(1, _row("graded", 1, True))], "worst")  # type: ignore[arg-type]
