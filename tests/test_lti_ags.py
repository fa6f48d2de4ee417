"""Grade return (course.lti.ags, course.lti.service) against the LMS stand-in: lti1p3platform
checks the tool's signed client assertion and issues the access token the score service
checks; the line items and scores are read back from the stand-in's store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from handin import copy_course

from course.errors import GradingError, LtiServiceError
from course.lti.ags import PassbackReport, Score, find_lineitem, plan_scores, send_scores
from course.lti.config import parse_platform
from course.lti.keys import ToolKey, ensure_tool_key
from course.lti.passback import Grades, grades_of
from course.lti.service import ServiceClient
from course.lti.store import Store
from tests.lti_platform import Platform, PlatformServer, latest_scores

ASSIGNMENT = "safety_scenarios"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def key(tmp_path: Path) -> ToolKey:
    (tmp_path / "secrets").mkdir(mode=0o700)
    return ensure_tool_key(tmp_path)[0]


@pytest.fixture
def server(key: ToolKey) -> Iterator[PlatformServer]:
    with PlatformServer(Platform(tool_jwks=key.jwks())) as running:
        yield running


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path)
    yield opened
    opened.close()


def _client(server: PlatformServer, key: ToolKey, store: Store) -> ServiceClient:
    config = parse_platform(server.platform_json(), "PLATFORM.json")
    return ServiceClient(config, key, store, requests.Session(), sleep=lambda _s: None)


def _row(account: str, status: str, passed: bool, misses: list[str]) -> dict[str, Any]:
    return {"student_id": account, "status": status, "passed": passed, "critical_misses": misses}


ROWS = [
    _row("ac_alice", "graded", True, []),
    _row("ac_bob", "graded", False, ["s07"]),
    _row("ac_carol", "flagged", True, []),
    _row("ac_dan", "variant-mismatch", False, []),
    _row("ac_erin", "missing", False, []),
    _row("ac_frank", "graded", True, []),  # never launched from the LMS
]
SCORES = {
    "ac_alice": 48.0,
    "ac_bob": 0.0,
    "ac_carol": 40.0,
    "ac_dan": 0.0,
    "ac_erin": 0.0,
    "ac_frank": 50.0,
}
USERS = {"ac_alice": "sub-a", "ac_bob": "sub-b", "ac_carol": "sub-c", "ac_dan": "sub-d"}
TITLES = {"s07": "Swollen calf after a long flight"}


def _plan(scores: dict[str, float] = SCORES) -> list[Score]:
    planned, not_graded = plan_scores(ROWS, scores, 52.0, TITLES)
    assert not_graded == ["ac_erin"]
    return planned


def _send(
    client: ServiceClient,
    store: Store,
    planned: list[Score],
    lineitem: str,
    assignment: str = ASSIGNMENT,
    users: dict[str, str] = USERS,
) -> PassbackReport:
    report = PassbackReport()
    send_scores(
        client,
        store,
        course="spring-a",
        assignment=assignment,
        lineitem=lineitem,
        planned=planned,
        users=users,
        report=report,
    )
    return report


def test_grades_reach_the_line_item_made_by_resource_id(
    server: PlatformServer, key: ToolKey, store: Store
) -> None:
    client = _client(server, key, store)
    lineitems = f"{server.url}/lineitems"
    lineitem = find_lineitem(client, lineitems, ASSIGNMENT, "Safety scenarios", 52.0)
    assert server.platform.lineitems == [
        {
            "scoreMaximum": 52.0,
            "label": "Safety scenarios",
            "resourceId": ASSIGNMENT,
            "id": lineitem,
        }
    ]
    # found again by resourceId, not made twice
    assert find_lineitem(client, lineitems, ASSIGNMENT, "Safety scenarios", 52.0) == lineitem
    assert len(server.platform.lineitems) == 1

    report = _send(client, store, _plan(), lineitem)
    assert report.sent == ["ac_alice", "ac_bob", "ac_carol", "ac_dan"]
    assert report.never_launched == ["ac_frank"]
    got = latest_scores(server.platform, lineitem)
    assert {u: s["scoreGiven"] for u, s in got.items()} == {
        "sub-a": 48.0,
        "sub-b": 0.0,
        "sub-c": 40.0,
        "sub-d": 0.0,
    }
    assert {s["scoreMaximum"] for s in got.values()} == {52.0}
    assert {s["activityProgress"] for s in got.values()} == {"Completed"}
    progress = {u: s["gradingProgress"] for u, s in got.items()}
    assert progress == {
        "sub-a": "FullyGraded",
        "sub-b": "FullyGraded",
        "sub-c": "PendingManual",
        "sub-d": "PendingManual",
    }
    assert got["sub-b"]["comment"].startswith(
        "Not passed. Critical safety items missed: Swollen calf after a long flight."
    )
    assert "s07" not in got["sub-b"]["comment"]
    assert got["sub-a"]["comment"].startswith("Passed.")
    assert server.platform.token_requests == 1  # one token for everything, reused


def test_a_rerun_sends_only_what_changed_with_a_later_timestamp(
    server: PlatformServer, key: ToolKey, store: Store
) -> None:
    client = _client(server, key, store)
    lineitem = find_lineitem(client, f"{server.url}/lineitems", ASSIGNMENT, "S", 52.0)
    _send(client, store, _plan(), lineitem)
    first = latest_scores(server.platform, lineitem)["sub-a"]["timestamp"]
    again = _send(client, store, _plan(), lineitem)
    assert again.sent == []
    assert again.unchanged == ["ac_alice", "ac_bob", "ac_carol", "ac_dan"]
    changed = _send(client, store, _plan({**SCORES, "ac_alice": 50.0}), lineitem)
    assert changed.sent == ["ac_alice"]
    latest = latest_scores(server.platform, lineitem)["sub-a"]
    assert latest["scoreGiven"] == 50.0
    assert latest["timestamp"] > first
    assert server.platform.token_requests == 1


def test_busy_lms_is_retried_then_the_unsent_are_listed_and_a_rerun_sends_them(
    server: PlatformServer, key: ToolKey, store: Store
) -> None:
    client = _client(server, key, store)
    lineitem = find_lineitem(client, f"{server.url}/lineitems", ASSIGNMENT, "S", 52.0)
    server.platform.failures = [503, 429]  # two refusals, then the first score gets through
    report = _send(client, store, _plan(), lineitem)
    assert report.sent == ["ac_alice", "ac_bob", "ac_carol", "ac_dan"]
    server.platform.failures = [503] * 20  # the LMS stays down
    changed = _send(client, store, _plan({**SCORES, "ac_alice": 1.0, "ac_bob": 2.0}), lineitem)
    assert changed.sent == []
    assert changed.unsent == ["ac_alice", "ac_bob"]
    server.platform.failures = []
    later = _send(client, store, _plan({**SCORES, "ac_alice": 1.0, "ac_bob": 2.0}), lineitem)
    assert later.sent == ["ac_alice", "ac_bob"]


def test_a_tool_the_lms_does_not_know_gets_one_line(
    server: PlatformServer, store: Store, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    (other / "secrets").mkdir(parents=True, mode=0o700)
    stranger = ensure_tool_key(other)[0]  # a key the LMS was never given
    client = _client(server, stranger, store)
    with pytest.raises(LtiServiceError, match="token endpoint refused the tool") as caught:
        find_lineitem(client, f"{server.url}/lineitems", ASSIGNMENT, "S", 52.0)
    assert "\n" not in str(caught.value)


def test_nobody_posts_a_score_without_the_tools_token(
    server: PlatformServer, key: ToolKey, store: Store
) -> None:
    client = _client(server, key, store)
    lineitem = find_lineitem(client, f"{server.url}/lineitems", ASSIGNMENT, "S", 52.0)
    forged = {
        "userId": "sub-b",
        "scoreGiven": 52.0,
        "scoreMaximum": 52.0,
        "timestamp": "2030-01-01T00:00:00.000+00:00",
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
    }
    for headers in ({}, {"Authorization": "Bearer made-up"}):
        answer = requests.post(
            f"{lineitem}/scores", data=json.dumps(forged), headers=headers, timeout=10
        )
        assert answer.status_code == 401
    assert latest_scores(server.platform, lineitem) == {}


def test_a_403_stops_with_one_line_and_a_rerun_later_works(
    server: PlatformServer, key: ToolKey, store: Store
) -> None:
    client = _client(server, key, store)
    lineitem = find_lineitem(client, f"{server.url}/lineitems", ASSIGNMENT, "S", 52.0)
    server.platform.failures = [403]
    with pytest.raises(LtiServiceError, match=r"refused the score service \(HTTP 403\)") as caught:
        _send(client, store, _plan(), lineitem)
    assert "\n" not in str(caught.value)
    assert latest_scores(server.platform, lineitem) == {}
    report = _send(client, store, _plan(), lineitem)
    assert report.sent == ["ac_alice", "ac_bob", "ac_carol", "ac_dan"]


FIRST, RETAKE = "safety_cases", "safety_cases_attempt2"


@pytest.fixture(scope="module")
def retaken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the course with attempt 2 of safety_cases and hand-ins of both attempts:
    alice handed in both (the first not autograded yet), bob only the first, carol only the
    retake (held for review)."""

    from course.grading.course import Course
    from course.grading.release import prepare_retake

    target = copy_course(tmp_path_factory.mktemp("retaken") / "course")
    course = Course.open(target)
    assert prepare_retake(course, FIRST, 2) == RETAKE
    handed_in = {
        ("alice", FIRST): None,
        ("alice", RETAKE): "graded",
        ("bob", FIRST): "graded",
        ("carol", RETAKE): "flagged",
    }
    for (student, assignment), status in handed_in.items():
        course.submitted_dir(student, assignment).mkdir(parents=True)
        if status is not None:
            result = course.result_file(student, assignment)
            result.parent.mkdir(parents=True)
            result.write_text(json.dumps({"status": status, "answers": {}, "problems": []}))
    return target


def _plan_of(grades: Grades) -> tuple[list[Score], list[str]]:
    return plan_scores(grades.rows, grades.scores, grades.max_score, grades.titles, grades.stated)


def test_retakes_send_one_score_per_learner_to_the_first_attempts_line_item(
    server: PlatformServer, key: ToolKey, store: Store, retaken: Path
) -> None:
    users = {"alice": "sub-a", "bob": "sub-b", "carol": "sub-c"}
    client = _client(server, key, store)
    grades = grades_of(retaken, FIRST, attempts="best")
    assert grades.stated == "best of 2 attempts"
    planned, not_graded = _plan_of(grades)
    assert not_graded == []
    assert {s.account: s.attempt for s in planned} == {"alice": 2, "bob": 1, "carol": 2}
    lineitem = find_lineitem(client, f"{server.url}/lineitems", FIRST, grades.label, 54.0)
    report = _send(client, store, planned, lineitem, FIRST, users)
    assert report.sent == ["alice", "bob", "carol"]
    assert [i["resourceId"] for i in server.platform.lineitems] == [FIRST]  # no retake column
    got = latest_scores(server.platform, lineitem)
    assert set(got) == {"sub-a", "sub-b", "sub-c"}
    assert "Best of 2 attempts: attempt 2." in got["sub-a"]["comment"]
    assert "Best of 2 attempts: attempt 1." in got["sub-b"]["comment"]
    assert got["sub-c"]["gradingProgress"] == "PendingManual"  # the retake was flagged
    assert "Best of 2 attempts: attempt 2." in got["sub-c"]["comment"]

    # another policy: alice's first attempt is not graded yet, so she gets nothing; bob's
    # score is the same attempt but its comment changed, so it is sent again
    grades = grades_of(retaken, FIRST, attempts="first")
    planned, not_graded = _plan_of(grades)
    assert not_graded == ["alice"]
    again = _send(client, store, planned, lineitem, FIRST, users)
    assert again.sent == ["bob", "carol"]
    got = latest_scores(server.platform, lineitem)
    assert "First of 2 attempts: attempt 1." in got["sub-b"]["comment"]
    assert "First of 2 attempts: attempt 2." in got["sub-c"]["comment"]


def test_without_a_policy_or_without_retakes_nothing_changes(retaken: Path) -> None:
    plain = grades_of(retaken, FIRST)
    assert plain.stated == ""
    assert plain.retakes_ignored == [RETAKE]  # the command says so
    planned, not_graded = _plan_of(plain)
    assert not_graded == ["alice"]  # the first attempt alone (carol never sat it)
    assert [s.account for s in planned] == ["bob"]
    assert planned[0].attempt is None
    assert "attempt" not in planned[0].comment
    # with the policy, bob's score and progress stay; only the comment states the attempt
    with_policy = {s.account: s for s in _plan_of(grades_of(retaken, FIRST, attempts="last"))[0]}
    assert with_policy["bob"].score_given == planned[0].score_given
    assert with_policy["bob"].comment != planned[0].comment
    # an assessment with no retakes: the same scores and comments with or without a policy
    single = grades_of(retaken, ASSIGNMENT, attempts="best")
    assert (single.stated, single.retakes_ignored) == ("", [])
    assert _plan_of(single) == _plan_of(grades_of(retaken, ASSIGNMENT))


def test_a_retake_named_with_a_policy_is_refused(retaken: Path) -> None:
    with pytest.raises(GradingError, match=r"attempt 2 of safety_cases.*--attempts best"):
        grades_of(retaken, RETAKE, attempts="best")


def test_the_command_states_the_policy_and_each_learners_attempt(
    retaken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from course.cli.grade_passback import show_report

    grades = grades_of(retaken, FIRST, attempts="last")
    planned, not_graded = _plan_of(grades)
    report = PassbackReport(planned=planned, not_graded=not_graded, stated=grades.stated)
    show_report(report, FIRST, dry_run=True)
    shown = capsys.readouterr().out.splitlines()
    assert shown[0] == "safety_cases: last of 2 attempts, one score per learner"
    assert any(line.startswith("would send alice: ") and "(attempt 2)" in line for line in shown)
    assert any(line.startswith("would send bob: ") and "(attempt 1)" in line for line in shown)
    plain = grades_of(retaken, FIRST)
    show_report(PassbackReport(retakes_ignored=plain.retakes_ignored), FIRST, dry_run=True)
    note = capsys.readouterr().out
    assert "retakes left out: safety_cases_attempt2" in note
    assert "--attempts best|last|first" in note
