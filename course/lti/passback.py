"""``ankle-course grade passback``: one assessment's grades from a course's gradebook to the
LMS course it is linked to (the pieces are :mod:`course.lti.ags` and :mod:`course.lti.service`).

Runs as root on the hub: the tool's key and the LTI store are root's. The LMS course is the
one whose launches reached this hub course (their grade service URL is recorded at launch).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from course.errors import LtiConfigError
from course.lti.ags import PassbackReport, find_lineitem, plan_scores, send_scores
from course.lti.service import ServiceClient
from course.lti.settings import course_dir_of, load_lti
from course.lti.store import Store

__all__ = ["passback"]


def _grades(course_dir: Path, assignment: str, db_url: str | None) -> tuple[Any, ...]:
    from course.grading.course import Course
    from course.grading.export.results import canvas_score, collect
    from course.grading.marking.banks import load_bank, max_score_of

    course = Course.open(course_dir, db_url=db_url)
    rows = collect(course, assignment)
    bank = load_bank(course_dir, assignment)
    titles = {str(i.id): str(i.title) for i in getattr(bank, "items", ()) if hasattr(i, "title")}
    scores = {str(r["student_id"]): float(canvas_score(r, "zero")) for r in rows}
    return rows, scores, max_score_of(bank), " ".join(bank.title.split()), titles


def passback(
    hub_dir: Path,
    course: str,
    assignment: str,
    *,
    dry_run: bool = False,
    db_url: str | None = None,
    session: requests.Session | None = None,
) -> PassbackReport:
    """Send (or with ``dry_run`` only plan) the grades of ``assignment`` in ``course``."""
    platform, key = load_lti(hub_dir)
    course_dir = course_dir_of(hub_dir, course)
    rows, scores, max_score, label, titles = _grades(course_dir, assignment, db_url)
    planned, not_graded = plan_scores(rows, scores, max_score, titles)
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
        report = PassbackReport(planned=planned, not_graded=not_graded)
        if dry_run:
            report.never_launched = [s.account for s in planned if s.account not in users]
            return report
        client = ServiceClient(platform, key, store, session or requests.Session())
        report.lineitem = find_lineitem(client, context.lineitems_url, assignment, label, max_score)
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
