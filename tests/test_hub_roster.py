"""The hub's roster: people, courses (or cohorts) and roles, and every way a roster is refused
(pure parsing, no accounts; runs without the heavy lock)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.errors import RosterError
from course.hub.config import ADMIN_SERVICE
from course.hub.roster import (
    RESERVED_COURSES,
    ROLES,
    Learner,
    Membership,
    Roster,
    read_class_roster,
    read_roster,
    safe_name,
)

REPO = Path(__file__).resolve().parent.parent


def roster_csv(roster: Roster) -> str:
    """The roster as a school would export it, for the round trip through read_class_roster."""
    people = {p.name: p for p in roster.people}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["id", "first_name", "last_name", "email", "course", "role"])
    for member in roster.memberships:
        p = people[member.name]
        row = [p.roster_id, p.first_name, p.last_name, p.email, member.course, member.role]
        writer.writerow(row)
    return buffer.getvalue()


PREFIX = "ac_"
DEFAULT = "ankle-course"
_HYPOTHESIS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _read(tmp_path: Path, text: str) -> Roster:
    return read_class_roster(_write(tmp_path, text), PREFIX, DEFAULT)


def test_a_roster_without_course_columns_is_one_course_of_learners(tmp_path: Path) -> None:
    text = "id,first_name,last_name,email\nAlice.Martin,Alice,Martin,a@example.org\nBob,Bob,,\n"
    roster = _read(tmp_path, text)
    assert not roster.by_course
    assert roster.courses() == [DEFAULT]
    assert roster.members(DEFAULT) == {"ac_alice_martin": "learner", "ac_bob": "learner"}
    assert roster.people[0] == Learner(
        "Alice.Martin", "ac_alice_martin", "Alice", "Martin", "a@example.org", row=2
    )
    # the one-course reader gives the same people, as before
    assert read_roster(_write(tmp_path, text), PREFIX) == list(roster.people)


def test_courses_roles_and_a_person_in_two_courses(tmp_path: Path) -> None:
    text = (
        "id,first_name,course,role\n"
        "Ines,Ines,anat-a,instructor\n"
        "Tom,Tom,anat-a,TA\n"
        "Lea,Lea,anat-a,\n"
        "Ines,,cohort_b,learner\n"
        "Bo,Bo,cohort_b,instructor\n"
    )
    roster = _read(tmp_path, text)
    assert roster.by_course
    assert roster.courses() == ["anat-a", "cohort_b"]
    expected = {"ac_ines": "instructor", "ac_tom": "ta", "ac_lea": "learner"}
    assert roster.members("anat-a") == expected
    assert roster.members("cohort_b") == {"ac_ines": "learner", "ac_bo": "instructor"}
    assert [p.name for p in roster.people] == ["ac_ines", "ac_tom", "ac_lea", "ac_bo"]
    assert roster.people[0].first_name == "Ines"  # a blank detail in a later row is no conflict
    assert Membership("ac_tom", "anat-a", "ta", 3) in roster.memberships


def test_cohort_is_another_name_for_the_course_column(tmp_path: Path) -> None:
    roster = _read(tmp_path, "id,cohort,role\nIna,spring,instructor\nLu,spring,learner\n")
    assert roster.members("spring") == {"ac_ina": "instructor", "ac_lu": "learner"}


def test_a_role_column_alone_gives_the_default_course_its_staff(tmp_path: Path) -> None:
    roster = _read(tmp_path, "id,role\nIna,instructor\nTa,ta\nLu,\n")
    assert roster.by_course
    assert roster.members(DEFAULT) == {"ac_ina": "instructor", "ac_ta": "ta", "ac_lu": "learner"}


@pytest.mark.parametrize(
    ("text", "row", "column", "says"),
    [
        ("id,course,role\nIna,a,instructor\nLu,a,teacher\n", 3, "role", "unknown role 'teacher'"),
        ("id,course,role\nIna,Course A,instructor\n", 2, "course", "not a safe course name"),
        ("id,course,role\nIna,a/b,instructor\n", 2, "course", "not a safe course name"),
        ("id,course,role\nIna,1a,instructor\n", 2, "course", "not a safe course name"),
        ("id,course,role\nIna,spring-,instructor\n", 2, "course", "not a safe course name"),
        ("id,course,role\nIna,spring_,instructor\n", 2, "course", "not a safe course name"),
        ("id,course,role\nIna,,instructor\n", 2, "course", "empty"),
        (f"id,course,role\nIna,{ADMIN_SERVICE},instructor\n", 2, "course", "hub's own services"),
        ("id,course,role\nIna,a,instructor\nIna,a,ta\n", 3, "role", "already instructor of"),
        ("id,course,role\nIna,a,instructor\nLu,a,learner\nLu,a,learner\n", 4, None, "duplicate"),
        ("id,course,role\nIna,a,instructor\nLu,b,learner\nMo,b,ta\n", 3, "role", "no instructor"),
        ("id,email,course,role\nIna,x@a,a,instructor\nIna,y@a,b,instructor\n", 3, "email", "dif"),
        ("id,course,role\nAnn.Lee,a,instructor\nann lee,a,learner\n", 3, "id", "already used"),
        ("id,course,role\nIna,a,instructor\n,a,learner\n", 3, "id", "empty id"),
        ("id,course,cohort\nIna,a,a\n", 1, None, "both given"),
        ("name,course\nIna,a\n", 1, None, "'id' column"),
    ],
)
def test_a_bad_roster_is_one_line_naming_file_row_and_column(
    tmp_path: Path, text: str, row: int, column: str | None, says: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(RosterError) as refused:
        read_class_roster(path, PREFIX, DEFAULT)
    message = str(refused.value)
    where = f"{path}: row {row}: " + (f"column {column}: " if column else "")
    assert message.startswith(where), message
    assert says in message
    assert "\n" not in message


def test_a_course_too_long_for_its_account_names_is_refused_with_the_prefix(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, "id,course,role\nIna,abcdefghijklmnopqrst,instructor\n")
    assert read_class_roster(path, PREFIX, DEFAULT).courses() == ["abcdefghijklmnopqrst"]
    with pytest.raises(RosterError, match=r"row 2: column course: .*would have 42 characters"):
        read_class_roster(path, "ac_long_prefix_", DEFAULT)


def test_the_example_roster_in_the_hub_guide_reads_as_it_says(tmp_path: Path) -> None:
    guide = (REPO / "docs" / "hub.md").read_text(encoding="utf-8")
    section = guide.split("## 5. Several courses and TAs", 1)[1]
    example = section.split("```csv\n", 1)[1].split("```", 1)[0]
    roster = _read(tmp_path, example)
    assert roster.courses() == ["spring-a", "spring-b"]
    assert roster.members("spring-a")["ac_ines_alvarez"] == "instructor"
    assert roster.members("spring-b") == {
        "ac_bo_dahl": "instructor",
        "ac_ines_alvarez": "ta",
        "ac_max_eze": "learner",
    }


def test_the_hub_s_own_service_name_is_reserved() -> None:
    assert ADMIN_SERVICE in RESERVED_COURSES


# --- properties ---------------------------------------------------------------------------------

_COURSE_IDS = st.from_regex(r"[a-z]([a-z0-9_-]{0,8}[a-z0-9])?", fullmatch=True)
_IDS = st.from_regex(r"[A-Za-z][A-Za-z0-9 .'+-]{0,10}[A-Za-z0-9]", fullmatch=True)
_DETAIL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12
).map(str.strip)


@st.composite
def rosters(draw: st.DrawFn) -> Roster:
    """Any valid roster with courses: unique people, each course with an instructor."""
    ids = draw(st.lists(_IDS, min_size=1, max_size=6, unique_by=lambda i: safe_name(PREFIX, i)))
    people = tuple(
        Learner(i, safe_name(PREFIX, i), draw(_DETAIL), draw(_DETAIL), draw(_DETAIL)) for i in ids
    )
    courses = draw(st.lists(_COURSE_IDS, min_size=1, max_size=3, unique=True))
    memberships = []
    for course in courses:
        chosen = draw(st.lists(st.sampled_from(people), min_size=1, unique=True))
        for index, person in enumerate(chosen):
            role = "instructor" if index == 0 else draw(st.sampled_from(ROLES))
            memberships.append(Membership(person.name, course, role))
    used = {m.name for m in memberships}
    return Roster(tuple(p for p in people if p.name in used), tuple(memberships), True)


def _without_rows(roster: Roster) -> tuple[object, ...]:
    people = sorted(
        (p.roster_id, p.name, p.first_name, p.last_name, p.email) for p in roster.people
    )
    members = sorted((m.name, m.course, m.role) for m in roster.memberships)
    return tuple(people), tuple(members)


@_HYPOTHESIS
@given(roster=rosters())
def test_any_valid_roster_round_trips_through_its_csv(tmp_path: Path, roster: Roster) -> None:
    again = _read(tmp_path, roster_csv(roster))
    assert _without_rows(again) == _without_rows(roster)
    assert again.by_course


@_HYPOTHESIS
@given(role=st.text(max_size=12).filter(lambda r: r.strip().lower() not in (*ROLES, "")))
def test_any_other_role_is_refused_naming_its_row(tmp_path: Path, role: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)  # a cell may hold any character
    writer.writerows([["id", "course", "role"], ["Ina", "a", "instructor"], ["Lu", "a", role]])
    path = _write(tmp_path, buffer.getvalue())
    with pytest.raises(RosterError) as refused:
        read_class_roster(path, PREFIX, DEFAULT)
    message = str(refused.value)
    assert message.startswith(f"{path}: row 3: column role: unknown role") or (
        "not valid CSV" in message  # a NUL character: the file is not CSV at all
    )


@_HYPOTHESIS
@given(course=st.text(max_size=24))
def test_a_course_name_is_accepted_only_when_safe(tmp_path: Path, course: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerows([["id", "course", "role"], ["Ina", course, "instructor"]])
    path = _write(tmp_path, buffer.getvalue())
    # a letter first, then letters, digits, _ and -, a letter or digit last (JupyterHub's
    # role names end so), at most 20 characters
    safe = re.fullmatch(r"[a-z]([a-z0-9_-]{0,18}[a-z0-9])?", course.strip()) and (
        course.strip() not in RESERVED_COURSES
    )
    if safe:
        assert read_class_roster(path, PREFIX, DEFAULT).courses() == [course.strip()]
    else:
        with pytest.raises(RosterError, match=r"row (2: column course|\d+: not valid CSV)"):
            read_class_roster(path, PREFIX, DEFAULT)
