"""Grade return (LTI Assignment and Grade Services 2.0): ``ankle-course grade passback``.

Each graded learner's result (the same rows and the same points as ``grade export --format
canvas``: zero on a missed critical item or a held variant) goes to the assessment's line item,
found by ``resourceId`` (the assignment name) and created when absent, as a score with
``activityProgress: Completed`` and ``gradingProgress: FullyGraded`` (``PendingManual`` when
the submission is flagged, tampered with or a ``variant-mismatch``, which the instructor must
look at). The comment says passed or not passed and names the critical items missed by their
titles, never an answer. With retakes and a policy across attempts (``--attempts``), the rows
are the attempts the policy picks and the comment says which (``Best of 2 attempts: attempt 2.``).

Nothing is lost: what was sent is remembered (``course.lti.store``), so a rerun sends only
changed scores, each with a later timestamp; learners who never launched from the LMS (no LMS
user id) are listed; 429/5xx are retried, then the learners not sent are listed.
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from course.errors import LtiBusyError, LtiServiceError
from course.lti.service import ServiceClient
from course.lti.store import Store

__all__ = ["PassbackReport", "Score", "plan_scores", "send_scores"]

LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPES = [LINEITEM_SCOPE, SCORE_SCOPE]
REVIEW = frozenset({"flagged", "tampered", "variant-mismatch"})
GRADED = frozenset({"graded", "flagged", "tampered", "variant-mismatch"})


@dataclass(frozen=True)
class Score:
    """One learner's score as the LMS receives it (without ``userId`` and ``timestamp``)."""

    account: str
    score_given: float
    score_maximum: float
    grading_progress: str
    comment: str
    attempt: int | None = None  # with a policy across attempts: the one that counts

    def fingerprint(self) -> str:
        text = json.dumps(
            [self.score_given, self.score_maximum, self.grading_progress, self.comment]
        )
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class PassbackReport:
    lineitem: str = ""
    sent: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    never_launched: list[str] = field(default_factory=list)
    not_graded: list[str] = field(default_factory=list)
    unsent: list[str] = field(default_factory=list)
    planned: list[Score] = field(default_factory=list)
    #: the policy across attempts as stated (``best of 2 attempts``); empty without retakes
    stated: str = ""
    #: retakes of the assessment left out because no ``--attempts`` policy was given
    retakes_ignored: list[str] = field(default_factory=list)


def _comment(row: dict[str, Any], titles: dict[str, str], review: bool, stated: str) -> str:
    parts = ["Passed." if row["passed"] else "Not passed."]
    if stated:
        parts.append(f"{stated[:1].upper()}{stated[1:]}: attempt {row['attempt']}.")
    misses = [titles.get(i, i) for i in row["critical_misses"]]
    if misses:
        parts.append("Critical safety items missed: " + "; ".join(misses) + ".")
    if review:
        parts.append("Held for the instructor's review.")
    parts.append("Education, not diagnosis.")
    return " ".join(parts)


def plan_scores(
    rows: list[dict[str, Any]],
    scores: dict[str, float],
    max_score: float,
    titles: dict[str, str],
    stated: str = "",
) -> tuple[list[Score], list[str]]:
    """The scores of graded learners (``scores``: account -> the export's points) and the
    accounts not graded yet. ``stated``: the policy across attempts (``best of 2 attempts``),
    for rows of ``collect_attempts`` (each with its ``attempt``)."""
    planned, not_graded = [], []
    for row in rows:
        account = str(row["student_id"])
        if row["status"] not in GRADED:
            not_graded.append(account)
            continue
        review = row["status"] in REVIEW
        planned.append(
            Score(
                account=account,
                score_given=scores[account],
                score_maximum=max_score,
                grading_progress="PendingManual" if review else "FullyGraded",
                comment=_comment(row, titles, review, stated),
                attempt=int(row["attempt"]) if stated else None,
            )
        )
    return planned, not_graded


def _with_query(url: str, **params: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query) + list(params.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _scores_url(lineitem: str) -> str:
    parts = urllib.parse.urlsplit(lineitem)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def find_lineitem(
    client: ServiceClient, lineitems_url: str, assignment: str, label: str, max_score: float
) -> str:
    """The line item of ``assignment`` (by ``resourceId``), created when absent."""
    accept = {"Accept": "application/vnd.ims.lis.v2.lineitemcontainer+json"}
    url = _with_query(lineitems_url, resource_id=assignment)
    found = client.call("GET", url, SCOPES, what="line item service", headers=accept)
    if found.status_code != 200:
        raise LtiServiceError(f"the LMS's line item service answered HTTP {found.status_code}")
    items = [i for i in found.json() if i.get("resourceId") == assignment]
    if items:
        return str(items[0]["id"])
    body = {"scoreMaximum": max_score, "label": label, "resourceId": assignment}
    made = client.call(
        "POST",
        lineitems_url,
        SCOPES,
        what="line item service",
        json=body,
        headers={"Content-Type": "application/vnd.ims.lis.v2.lineitem+json"},
    )
    if made.status_code not in (200, 201):
        raise LtiServiceError(f"the LMS did not create the line item (HTTP {made.status_code})")
    return str(made.json()["id"])


def _timestamp(previous: str | None) -> str:
    """Now, but always after the last timestamp sent for this learner (never backwards)."""
    now = datetime.now(UTC)
    if previous:
        before = datetime.fromisoformat(previous)
        now = max(now, before + timedelta(milliseconds=1))
    return now.isoformat(timespec="milliseconds")


def send_scores(
    client: ServiceClient,
    store: Store,
    *,
    course: str,
    assignment: str,
    lineitem: str,
    planned: list[Score],
    users: dict[str, str],
    report: PassbackReport,
) -> None:
    """Send the changed scores of learners with an LMS user id (``users``: account -> sub)."""
    sent = store.sent(course, assignment)
    url = _scores_url(lineitem)
    for index, score in enumerate(planned):
        sub = users.get(score.account)
        if sub is None:
            report.never_launched.append(score.account)
            continue
        previous = sent.get(score.account)
        if previous and previous[0] == score.fingerprint():
            report.unchanged.append(score.account)
            continue
        stamp = _timestamp(previous[1] if previous else None)
        body = {
            "userId": sub,
            "scoreGiven": score.score_given,
            "scoreMaximum": score.score_maximum,
            "comment": score.comment,
            "timestamp": stamp,
            "activityProgress": "Completed",
            "gradingProgress": score.grading_progress,
        }
        try:
            answer = client.call(
                "POST",
                url,
                SCOPES,
                what="score service",
                json=body,
                headers={"Content-Type": "application/vnd.ims.lis.v1.score+json"},
            )
        except LtiBusyError:
            report.unsent.extend(_still_to_send(planned[index:], users, sent))
            return
        if answer.status_code in (200, 201, 202, 204):
            store.mark_sent(course, assignment, score.account, score.fingerprint(), stamp)
            report.sent.append(score.account)
        else:
            report.unsent.append(score.account)


def _still_to_send(
    rest: list[Score], users: dict[str, str], sent: dict[str, tuple[str, str]]
) -> list[str]:
    return [
        s.account
        for s in rest
        if s.account in users and sent.get(s.account, ("", ""))[0] != s.fingerprint()
    ]
