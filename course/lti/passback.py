"""``ankle-course grade passback``: one assessment's grades from a course's gradebook to the
LMS course it is linked to (the pieces are :mod:`course.lti.ags` and :mod:`course.lti.service`).

Runs as root on the hub: the tool's key and the LTI store are root's. The LMS course is the
one whose launches reached this hub course (their grade service URL is recorded at launch).

With retakes (``course.grading.variants.retake``) and ``attempts`` (``best``, ``last`` or
``first``), each learner's score is the attempt the policy picks, chosen as ``grade export
--attempts`` does (``course.grading.export.results.collect_attempts``), and goes to the first
attempt's line item; the comment states the policy and the attempt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import requests

from course.errors import GradingError, LtiConfigError
from course.lti.ags import PassbackReport, find_lineitem, plan_scores, send_scores
from course.lti.service import ServiceClient
from course.lti.settings import course_dir_of, load_lti
from course.lti.store import Store

__all__ = ["Grades", "grades_of", "passback"]


@dataclass(frozen=True)
class Grades:
    """What goes to the LMS for one assessment, before any learner's LMS id is looked up."""

    rows: list[dict[str, Any]]
    scores: dict[str, float]  # account -> the points of ``grade export --format canvas``
    max_score: float
    label: str
    titles: dict[str, str]  # critical item id -> its title, for the comment
    stated: str = ""  # the policy across attempts, as the export states it
    retakes_ignored: list[str] = field(default_factory=list)


def grades_of(
    course_dir: Path,
    assignment: str,
    *,
    attempts: Literal["best", "last", "first"] | None = None,
    db_url: str | None = None,
) -> Grades:
    """The rows and points of ``assignment`` (with ``attempts``: the attempt per learner its
    policy picks, across ``assignment`` and its retakes)."""
    from course.grading.course import Course
    from course.grading.export.attempts import policy_words
    from course.grading.export.results import canvas_score, collect, collect_attempts
    from course.grading.marking.banks import load_bank, max_score_of
    from course.grading.variants.retake import attempts_of, read_link

    course = Course.open(course_dir, db_url=db_url)
    course.check_assignment(assignment)
    link = read_link(course_dir, assignment)
    if link is not None and attempts is not None:
        raise GradingError(
            f"{assignment} is attempt {link.attempt} of {link.of}: give the first attempt, "
            f"`grade passback {link.of} --attempts {attempts}`, and every attempt is considered"
        )
    taken = attempts_of(course_dir, assignment) if link is None else []
    stated, ignored = "", []
    if attempts is not None and len(taken) > 1:
        rows = collect_attempts(course, assignment, attempts)
        stated = policy_words(attempts, len(taken))
    else:
        rows = collect(course, assignment)
        ignored = [name for _n, name in taken[1:]]
    bank = load_bank(course_dir, assignment)
    titles = {str(i.id): str(i.title) for i in getattr(bank, "items", ()) if hasattr(i, "title")}
    scores = {str(r["student_id"]): float(canvas_score(r, "zero")) for r in rows}
    return Grades(
        rows=rows,
        scores=scores,
        max_score=max_score_of(bank),
        label=" ".join(bank.title.split()),
        titles=titles,
        stated=stated,
        retakes_ignored=ignored,
    )


def passback(
    hub_dir: Path,
    course: str,
    assignment: str,
    *,
    dry_run: bool = False,
    attempts: Literal["best", "last", "first"] | None = None,
    db_url: str | None = None,
    session: requests.Session | None = None,
) -> PassbackReport:
    """Send (or with ``dry_run`` only plan) the grades of ``assignment`` in ``course``; with
    ``attempts`` and retakes, the attempt the policy picks, to ``assignment``'s line item."""
    platform, key = load_lti(hub_dir)
    course_dir = course_dir_of(hub_dir, course)
    grades = grades_of(course_dir, assignment, attempts=attempts, db_url=db_url)
    planned, not_graded = plan_scores(
        grades.rows, grades.scores, grades.max_score, grades.titles, grades.stated
    )
    store = Store.open(hub_dir)
    try:
        context = store.context_of_course(course)
        if context is None or not context.lineitems_url:
            raise LtiConfigError(
                f"no launch from the LMS course linked to {course} has reached the hub yet (the "
                "grade service address comes with a launch): open the course's link once"
            )
        users = {}
        for score in planned:
            identity = store.identity_of_account(score.account)
            if identity is not None and identity.issuer == platform.issuer:
                users[score.account] = identity.sub
        report = PassbackReport(
            planned=planned,
            not_graded=not_graded,
            stated=grades.stated,
            retakes_ignored=grades.retakes_ignored,
        )
        if dry_run:
            report.never_launched = [s.account for s in planned if s.account not in users]
            return report
        client = ServiceClient(platform, key, store, session or requests.Session())
        report.lineitem = find_lineitem(
            client, context.lineitems_url, assignment, grades.label, grades.max_score
        )
        send_scores(
            client,
            store,
            course=course,
            assignment=assignment,
            lineitem=report.lineitem,
            planned=planned,
            users=users,
            report=report,
        )
        return report
    finally:
        store.close()
