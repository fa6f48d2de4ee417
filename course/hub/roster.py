"""The class roster: a CSV of people turned into safe, unique Unix account names.

The CSV uses nbgrader's student-import columns: ``id`` (required) and optionally
``first_name``, ``last_name`` and ``email``. Each id becomes ``PREFIX + safe(id)``: lower
case ASCII letters, digits and ``_`` only, at most 32 characters, so it is a valid Unix user
name, a valid JupyterHub user name and a valid nbgrader student id (no ``+`` or ``*``).

Two optional columns put several courses (or cohorts) and their staff on one hub: ``course``
(or ``cohort``) names the course of the row, ``role`` is ``learner`` (the default), ``ta`` or
``instructor``. A person appears once per course. A roster with neither column is one course
of learners, as before (:attr:`Roster.by_course` is then false).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from course.errors import RosterError

MAX_NAME = 32
_PREFIX = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
ROLES = ("learner", "ta", "instructor")
STAFF_ROLES = ("ta", "instructor")
COURSE_COLUMNS = ("course", "cohort")
MAX_COURSE = 20
_COURSE = re.compile(r"^[a-z](?:[a-z0-9_-]{0,18}[a-z0-9])?$")  # ends alphanumeric
# names a course cannot take: they are the hub's own service names (course.hub.config)
RESERVED_COURSES = ("ankle-course-admin",)
# the longest name built from a course id: PREFIX + "grader-" + course (course.hub.courses)
GRADER_INFIX = "grader-"
_DETAILS = ("first_name", "last_name", "email")


@dataclass(frozen=True)
class Learner:
    """One person: the roster id, the Unix/hub/nbgrader name and the optional details."""

    roster_id: str
    name: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    row: int = 0  # the line of the roster file (2 is the first learner), for messages

    def describe(self) -> str:
        where = f"roster row {self.row}" if self.row else "roster"
        return f"{where} (id {self.roster_id!r})"


@dataclass(frozen=True)
class Membership:
    """One row of a roster with courses: this person has this role in this course."""

    name: str
    course: str
    role: str
    row: int = 0


@dataclass(frozen=True)
class Roster:
    """Everyone on the roster (each once) and who is what in which course."""

    people: tuple[Learner, ...]
    memberships: tuple[Membership, ...]
    by_course: bool = False  # the file has a course/cohort or role column

    def courses(self) -> list[str]:
        """The course ids, in the order of their first row."""
        return list(dict.fromkeys(m.course for m in self.memberships))

    def members(self, course: str) -> dict[str, str]:
        """Account name -> role, for one course."""
        return {m.name: m.role for m in self.memberships if m.course == course}


def check_prefix(prefix: str) -> str:
    """A prefix for every account the setup creates, e.g. ``ac_``."""
    if not _PREFIX.match(prefix):
        raise RosterError(
            f"account prefix {prefix!r} must start with a lower-case letter and use only "
            "a-z, 0-9 and _ (at most 16 characters)"
        )
    return prefix


def check_course_id(course: str, prefix: str) -> str | None:
    """Why ``course`` cannot name a course on the hub (or None)."""
    if not _COURSE.match(course):
        return (
            f"{course!r} is not a safe course name: use a lower-case letter first, then a-z, "
            f"0-9, _ or -, ending with a letter or digit (at most {MAX_COURSE} characters)"
        )
    if course in RESERVED_COURSES:
        return f"{course!r} is the name of one of the hub's own services; choose another"
    longest = prefix + GRADER_INFIX + course
    if len(longest) > MAX_NAME:
        return (
            f"{course!r} is too long with the prefix {prefix!r}: its grader account "
            f"{longest!r} would have {len(longest)} characters (at most {MAX_NAME})"
        )
    return None


def safe_name(prefix: str, raw: str) -> str:
    """``prefix`` + a Unix-safe form of ``raw`` (accents folded, other characters to ``_``)."""
    folded = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")
    body = re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_")
    if not body:
        raise RosterError(f"id {raw!r} has no letters or digits to build an account name from")
    name = (prefix + body)[:MAX_NAME].rstrip("_")
    return name


def _rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RosterError(f"{path}: cannot read the roster: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise RosterError(f"{path}: the roster is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = []
    try:
        header = [h.strip() for h in reader.fieldnames or []]
        first_line = reader.line_num + 1  # a row's first line (a quoted cell may span lines)
        for row in reader:
            cells = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
            rows.append((first_line, cells))
            first_line = reader.line_num + 1
    except csv.Error as exc:
        raise RosterError(f"{path}: row {reader.line_num}: not valid CSV ({exc})") from None
    return header, rows


def _course_column(path: Path, header: list[str]) -> str | None:
    given = [c for c in COURSE_COLUMNS if c in header]
    if len(given) > 1:
        raise RosterError(f"{path}: row 1: columns 'course' and 'cohort' both given; use one")
    return given[0] if given else None


def _membership(
    path: Path, number: int, fields: dict[str, str], column: str | None, default_course: str,
    prefix: str, name: str,
) -> Membership:  # fmt: skip
    where = f"{path}: row {number}"
    if column is None:  # checked once by the caller when needed
        course = default_course
    else:
        course = fields.get(column, "")
        if not course:
            raise RosterError(f"{where}: column {column}: empty (every row names its {column})")
        problem = check_course_id(course, prefix)
        if problem:
            raise RosterError(f"{where}: column {column}: {problem}")
    role = (fields.get("role") or "learner").lower()
    if role not in ROLES:
        shown = fields.get("role", "")
        raise RosterError(
            f"{where}: column role: unknown role {shown!r}: use learner, ta or instructor"
        )
    return Membership(name=name, course=course, role=role, row=number)


def read_class_roster(path: Path, prefix: str, default_course: str) -> Roster:
    """Read and check the roster; raise ``RosterError`` naming file, row and column.

    Without a course (or cohort) column every row is in ``default_course``; without a role
    column everyone is a learner.
    """
    check_prefix(prefix)
    header, rows = _rows(path)
    if not rows:
        raise RosterError(f"{path}: the roster has no people (expected a header row with 'id')")
    if "id" not in header:
        raise RosterError(f"{path}: row 1: the header must have an 'id' column; found {header}")
    column = _course_column(path, header)
    by_course = column is not None or "role" in header
    problem = check_course_id(default_course, prefix)
    if by_course and column is None and problem:
        raise RosterError(f"{path}: the roster has no course column, and the course id {problem}")
    people: dict[str, Learner] = {}
    memberships: dict[tuple[str, str], Membership] = {}
    for number, fields in rows:
        where = f"{path}: row {number}"
        raw = fields.get("id", "")
        if not raw:
            raise RosterError(f"{where}: column id: empty id")
        try:
            name = safe_name(prefix, raw)
        except RosterError as exc:
            raise RosterError(f"{where}: column id: {exc}") from None
        person = Learner(
            roster_id=raw,
            name=name,
            first_name=fields.get("first_name", ""),
            last_name=fields.get("last_name", ""),
            email=fields.get("email", ""),
            row=number,
        )
        known = people.get(name)
        if known is None:
            people[name] = person
        elif known.roster_id != raw:
            raise RosterError(
                f"{where}: column id: id {raw!r} gives the account name {name!r}, "
                f"already used by row {known.row}"
            )
        else:
            _same_details(where, known, person)
        member = _membership(path, number, fields, column, default_course, prefix, name)
        earlier = memberships.get((name, member.course))
        if earlier is not None:
            if earlier.role == member.role:
                raise RosterError(
                    f"{where}: duplicate of row {earlier.row} (id {raw!r} in course "
                    f"{member.course!r})"
                )
            raise RosterError(
                f"{where}: column role: id {raw!r} is already {earlier.role} of course "
                f"{member.course!r} in row {earlier.row}; a person has one role per course"
            )
        memberships[(name, member.course)] = member
    roster = Roster(tuple(people.values()), tuple(memberships.values()), by_course)
    if by_course:
        _check_instructors(path, roster)
    return roster


def _same_details(where: str, known: Learner, person: Learner) -> None:
    for detail in _DETAILS:
        mine, theirs = getattr(person, detail), getattr(known, detail)
        if mine and theirs and mine != theirs:
            raise RosterError(
                f"{where}: column {detail}: {mine!r} differs from row {known.row} "
                f"({theirs!r}) for id {person.roster_id!r}"
            )


def _check_instructors(path: Path, roster: Roster) -> None:
    for course in roster.courses():
        rows = [m.row for m in roster.memberships if m.course == course]
        if "instructor" not in roster.members(course).values():
            raise RosterError(
                f"{path}: row {rows[0]}: column role: course {course!r} has no instructor "
                f"(rows {', '.join(map(str, rows))}); give it at least one"
            )


def read_roster(path: Path, prefix: str) -> list[Learner]:
    """The people of a roster (one course of learners when it has no course columns)."""
    return list(read_class_roster(path, prefix, "ankle-course").people)


def gradebook_csv(learners: list[Learner]) -> str:
    """The roster in ``nbgrader db student import`` form, keyed by the account names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", *_DETAILS])
    for learner in learners:
        writer.writerow([learner.name, learner.first_name, learner.last_name, learner.email])
    return buffer.getvalue()
