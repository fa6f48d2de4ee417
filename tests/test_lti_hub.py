"""The course as an LTI 1.3 tool of an LMS, end to end on the real hub (marker ``hub``; root).

The LMS is the independent platform implementation lti1p3platform (tests/lti_platform.py),
served on 127.0.0.1; a browser is played by an HTTP session that follows the LMS's and the
hub's redirects and forms as a browser would. The hub is set up from PLATFORM.json alone (no
roster). Each test can run on its own: the stages it needs (set-up, the hub started with the
assessment released, a person's first launch) are made by ``_set_up``, ``_hub_up`` and
``_launched`` when the tests before it have not made them. In file order: learner, TA and
instructor launches land in the right course with the right rights; an LMS administrator, a
replayed launch and a colliding username are refused with no account made; the instructor's
deep-linking request returns a signed item the LMS accepts; the learner submits, the grader
autogrades, and ``grade passback`` puts in the LMS's gradebook the scores ``grade export``
gives; the learner cannot read the tool's key; a member dropped in the LMS loses the course on
``hub sync-roster`` but keeps their files; teardown leaves nothing.
"""

from __future__ import annotations

import csv
import grp
import html
import json
import pwd
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from hub_harness import HubProcess, answered, run_as, stop_and_tear_down

from course.cli import main
from course.hub import system
from course.hub.setup import load_state
from course.lti.keys import tool_key_path
from tests.lti_platform import (
    ROLE,
    Person,
    browser_launch,
    latest_scores,
)
from tests.lti_room import LmsRoom, open_room

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.root]

REPO = Path(__file__).resolve().parent.parent
COURSE = "lti-a"
CONTEXT = "lms-course-101"
ASSIGNMENT = "safety_scenarios"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
INSTITUTION_ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"


@dataclass
class Lms(LmsRoom):
    notes: dict[str, Any] = field(default_factory=dict)

    def admin_api(self, path: str) -> Any:
        assert self.hub is not None
        answer = requests.get(
            f"{self.hub.url}/hub/api{path}",
            timeout=30,
            headers={"Authorization": f"token {self.admin_token()}"},
        )
        return answer.json() if answer.status_code == 200 else None

    def launch(
        self, who: str | Person, hint: str = "resource-1", browser: requests.Session | None = None
    ) -> tuple[requests.Response, requests.Session]:
        """A launch from the LMS as a browser makes it: login initiation, the LMS's
        authorization, the auto-posted form back to the hub."""
        person = who if isinstance(who, Person) else self.people[who]
        answer, browser, form = browser_launch(self.platform, person, hint, browser)
        self.notes["last_form"] = form  # action, fields and the cookies as posted
        assert answer.status_code < 500, self.hub.log_tail(60) if self.hub else answer.text
        return answer, browser


@pytest.fixture(scope="module")
def lms() -> Iterator[Lms]:
    people = {
        "lea": Person("lms-u-lea", [ROLE + "Learner"], "Lea Chen", "lea@example.org", "lea"),
        "max": Person("lms-u-max", [ROLE + "Learner"], "Max Eze", "max@example.org", "max"),
        "tomas": Person("lms-u-tomas", [ROLE + "TeachingAssistant"], "Tomas Berg", "", "tomas"),
        "ines": Person("lms-u-ines", [ROLE + "Instructor"], "Ines Alvarez", "", "ines"),
        "root": Person("lms-u-admin", [INSTITUTION_ADMIN], "LMS Admin", "", "admin"),
    }
    with open_room(Lms, "lti", "t", CONTEXT, people) as room:
        yield room


ASSESSMENT_LINK = json.dumps({"assignment": ASSIGNMENT})
LESSON_LINK = json.dumps({"lesson": "05_safety"})


def _set_up(lms: Lms) -> None:
    """Stage 1: the hub set up from PLATFORM.json alone (once)."""
    if load_state(lms.hub_dir) is None:
        lms.set_up({CONTEXT: COURSE})


def _hub_up(lms: Lms) -> HubProcess:
    """Stage 2: the hub started, the LMS told its URLs, the assessment released (once)."""
    _set_up(lms)
    if lms.hub is None:
        lms.start()
        lms.release(ASSIGNMENT)
    assert lms.hub is not None
    return lms.hub


def _launched(lms: Lms, who: str, hint: str = ASSESSMENT_LINK) -> requests.Session:
    """Stage 3: ``who`` has launched from the LMS at least once (an assessment link fetches
    the assessment); the browser of that first launch."""
    _hub_up(lms)
    browsers: dict[str, requests.Session] = lms.notes.setdefault("browsers", {})
    if who not in browsers:
        answer, browsers[who] = lms.launch(who, hint)
        assert answer.status_code == 302, answer.text
    return browsers[who]


def _pages(lms: Lms) -> dict[str, str]:
    """The pages of the walkthrough, made here when the tests that keep them have not run."""
    pages: dict[str, str] = lms.notes.setdefault("pages", {})
    if "refused" not in pages:
        _hub_up(lms)
        pages["refused"] = lms.launch("root")[0].text
    if "new_tab" not in pages:
        _hub_up(lms)
        lms.launch("max", LESSON_LINK)
        action, fields, _ = lms.notes["last_form"]
        pages["new_tab"] = requests.post(
            action, data=fields, allow_redirects=False, timeout=60
        ).text
    if "chooser" not in pages:
        pages["chooser"] = lms.launch("ines", "deep-link")[0].text
    return pages


def test_setup_from_platform_json_alone(lms: Lms) -> None:
    _set_up(lms)
    state = load_state(lms.hub_dir)
    assert state is not None
    assert [c["course_id"] for c in state.courses] == [COURSE]
    key = tool_key_path(lms.hub_dir)
    assert key.stat().st_uid == 0
    assert key.stat().st_mode & 0o777 == 0o600
    assert json.loads((lms.hub_dir / "hub.json").read_text())["authenticator"].endswith(
        "CourseLTIAuthenticator"
    )


def test_lti_config_prints_what_the_lms_needs(lms: Lms, capsys: pytest.CaptureFixture[str]) -> None:
    _set_up(lms)
    assert (
        main(
            [
                "hub",
                "lti-config",
                "--hub-dir",
                str(lms.hub_dir),
                "--public-url",
                "https://jupyter.school.edu",
            ]
        )
        == 0
    )
    shown = json.loads(capsys.readouterr().out)
    assert shown["login_url"] == "https://jupyter.school.edu/hub/lti13/oauth_login"
    assert shown["redirect_uri"] == "https://jupyter.school.edu/hub/lti13/oauth_callback"
    assert shown["jwks_url"] == "https://jupyter.school.edu/hub/lti13/jwks"
    assert "BEGIN PUBLIC KEY" in shown["public_key_pem"]
    assert "d" not in shown["public_jwk"]


def test_the_hub_starts_and_serves_the_tool_key_set(lms: Lms) -> None:
    _hub_up(lms)  # set up, started, the assessment released by the grader
    keys = requests.get(lms.platform.tool_jwks_url, timeout=30).json()["keys"]
    assert len(keys) == 1
    assert "d" not in keys[0]
    state = load_state(lms.hub_dir)
    assert state is not None
    released = Path(state.courses[0]["course_dir"]) / "release" / ASSIGNMENT / NOTEBOOK
    assert released.is_file()


def test_a_learner_lands_in_her_fetched_assessment(lms: Lms) -> None:
    _hub_up(lms)
    answer, browser = lms.launch("lea", ASSESSMENT_LINK)
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].endswith(
        f"/hub/user-redirect/lab/tree/{COURSE}/{ASSIGNMENT}/{NOTEBOOK}"
    )
    lea = lms.account("lea")
    model = lms.admin_api(f"/users/{lea}")
    assert model["admin"] is False
    assert model["groups"] == [f"nbgrader-{COURSE}"]
    fetched = Path(pwd.getpwnam(lea).pw_dir) / COURSE / ASSIGNMENT / NOTEBOOK
    assert fetched.is_file()
    assert fetched.stat().st_uid == pwd.getpwnam(lea).pw_uid  # fetched as her, not as root
    # she is logged in: the hub knows her from the browser's cookie
    me = browser.get(f"{lms.hub.url}/hub/home", allow_redirects=False, timeout=60)  # type: ignore[union-attr]
    assert me.status_code == 200
    lms.notes.setdefault("browsers", {}).setdefault("lea", browser)


def test_a_lesson_link_opens_that_lesson(lms: Lms) -> None:
    _hub_up(lms)
    answer, browser = lms.launch("max", LESSON_LINK)
    lms.notes.setdefault("browsers", {}).setdefault("max", browser)
    assert answer.headers["Location"].endswith(
        "/hub/user-redirect/lab/tree/ankle-course/05_safety.ipynb"
    )


def test_staff_get_the_formgrader_and_never_admin(lms: Lms) -> None:
    _hub_up(lms)
    answer, _ = lms.launch("tomas", ASSESSMENT_LINK)
    assert answer.headers["Location"].endswith(f"/services/{COURSE}/formgrader")
    ta = lms.admin_api(f"/users/{lms.account('tomas')}")
    assert ta["groups"] == [f"formgrade-{COURSE}"]
    assert ta["admin"] is False
    lms.launch("ines")
    ines = lms.admin_api(f"/users/{lms.account('ines')}")
    assert ines["groups"] == [f"formgrade-{COURSE}", f"instructors-{COURSE}"]
    assert ines["admin"] is False


def test_refused_launches_log_nobody_in_and_make_no_account(lms: Lms) -> None:
    _launched(lms, "lea")  # her account exists (the colliding username below)
    answer, _ = lms.launch("root")  # an LMS administrator with no role in the course
    assert answer.status_code == 403
    assert "gives no access" in html.unescape(answer.text)
    lms.notes.setdefault("pages", {})["refused"] = answer.text
    assert not system.user_exists(lms.account("admin"))
    assert lms.admin_api(f"/users/{lms.account('admin')}") is None
    # the same id_token posted again (a replay) is refused, and logs nobody in
    action, fields, cookies = lms.notes["last_form"]
    replay = requests.Session()
    replay.cookies.update(cookies)  # the state and nonce cookies of that browser, copied too
    again = replay.post(action, data=fields, allow_redirects=False, timeout=60)
    assert again.status_code == 403
    assert "already used" in html.unescape(again.text)
    # a browser that kept the hub's cookies out of the LMS's frame: the new-tab page
    blocked = requests.post(action, data=fields, allow_redirects=False, timeout=60)
    assert blocked.status_code == 400
    assert "Open the course in a new tab" in blocked.text
    assert "lti13/oauth_login?" in blocked.text
    lms.notes["pages"]["new_tab"] = blocked.text
    assert (
        replay.get(f"{lms.hub.url}/hub/home", allow_redirects=False, timeout=60).status_code == 302
    )  # type: ignore[union-attr]
    # another LMS user whose username gives an existing account is refused, not merged
    twin = Person("lms-u-other-lea", [ROLE + "Learner"], "Lea Other", "other@example.org", "lea")
    lms.platform.members.append(twin)
    refused, _ = lms.launch(twin)
    assert refused.status_code == 403
    assert "already used on this hub by someone else" in html.unescape(refused.text)


def test_a_new_name_in_the_lms_keeps_the_same_account(lms: Lms) -> None:
    _launched(lms, "lea")
    lms.people["lea"].name = "Lea Chen-Martin"
    lms.people["lea"].username = "lea.chen.martin"
    answer, _ = lms.launch("lea")
    assert answer.status_code == 302
    assert not system.user_exists(lms.account("lea_chen_martin"))


def test_deep_linking_returns_a_signed_assessment_link(lms: Lms) -> None:
    _hub_up(lms)
    answer, browser = lms.launch("ines", "deep-link")
    assert answer.status_code == 200, answer.text
    assert "Graded safety assessments" in answer.text
    lms.notes.setdefault("pages", {})["chooser"] = answer.text
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', answer.text).group(1)  # type: ignore[union-attr]
    action = f"{lms.hub.url}/hub/lti13/deep_link"  # type: ignore[union-attr]
    back = browser.post(
        action, data={"_xsrf": html.unescape(xsrf), "item": f"assessment:{ASSIGNMENT}"}, timeout=60
    )
    assert back.status_code == 200, back.text
    jwt_value = html.unescape(re.search(r'name="JWT" value="([^"]+)"', back.text).group(1))  # type: ignore[union-attr]
    items = lms.platform.deep_link_items(jwt_value)  # checked with the hub's published key
    assert items[0]["custom"] == {"assignment": ASSIGNMENT}
    assert items[0]["lineItem"]["resourceId"] == ASSIGNMENT
    assert items[0]["lineItem"]["scoreMaximum"] > 0


def test_grades_return_to_the_lms_as_grade_export_gives_them(lms: Lms, tmp_path: Path) -> None:
    _launched(lms, "lea")  # her assessment fetched at launch
    _launched(lms, "max", LESSON_LINK)  # he fetches it below
    state = load_state(lms.hub_dir)
    assert state is not None
    course = state.courses[0]
    folder = Path(course["course_dir"])
    source = json.loads((REPO / "grading" / "source" / ASSIGNMENT / NOTEBOOK).read_text())
    for who, share in (("lea", 1.0), ("max", 0.5)):
        name = lms.account(who)
        home = Path(pwd.getpwnam(name).pw_dir)
        if who == "max":
            run_as(
                name,
                sys.executable,
                "-m",
                "nbgrader",
                "fetch_assignment",
                ASSIGNMENT,
                "--course",
                COURSE,
            )
        path = home / COURSE / ASSIGNMENT / NOTEBOOK
        system.write_file(
            path,
            json.dumps(answered(json.loads(path.read_text()), source, share)),
            owner=name,
            mode=0o644,
        )
        submit = (sys.executable, "-m", "nbgrader", "submit", ASSIGNMENT, "--course", COURSE)
        done = run_as(name, *submit)
        assert done.returncode == 0, done.stderr
    graded = run_as(
        course["grader"],
        "bash",
        "-c",
        f"nbgrader db student import students.csv && nbgrader collect {ASSIGNMENT} && "
        f"ankle-course grade --course-dir . autograde {ASSIGNMENT}",
        cwd=folder,
    )
    assert graded.returncode == 0, graded.stdout[-2000:] + graded.stderr[-2000:]
    assert (
        main(["grade", "passback", ASSIGNMENT, "--course", COURSE, "--hub-dir", str(lms.hub_dir)])
        == 0
    )
    export = tmp_path / "canvas.csv"
    assert (
        main(
            [
                "grade",
                "--course-dir",
                str(folder),
                "export",
                ASSIGNMENT,
                "--to",
                str(export),
                "--format",
                "canvas",
                "--missing",
                "zero",
            ]
        )
        == 0
    )
    rows = list(csv.reader(export.read_text(encoding="utf-8").splitlines()))
    exported = {r[3]: float(r[5]) for r in rows[2:]}  # SIS Login ID column = the account
    (lineitem,) = [i["id"] for i in lms.platform.lineitems if i["resourceId"] == ASSIGNMENT]
    subs = {lms.people[w].sub: lms.account(w) for w in ("lea", "max")}
    returned = {subs[u]: s["scoreGiven"] for u, s in latest_scores(lms.platform, lineitem).items()}
    assert returned == {a: exported[a] for a in returned}
    assert set(returned) == {lms.account("lea"), lms.account("max")}
    assert returned[lms.account("lea")] > returned[lms.account("max")]
    # a rerun sends nothing new
    before = len(lms.platform.scores[lineitem])
    assert (
        main(["grade", "passback", ASSIGNMENT, "--course", COURSE, "--hub-dir", str(lms.hub_dir)])
        == 0
    )
    assert len(lms.platform.scores[lineitem]) == before


def test_a_learner_cannot_read_the_tool_key(lms: Lms) -> None:
    _launched(lms, "lea")
    probe = run_as(lms.account("lea"), "cat", str(tool_key_path(lms.hub_dir)))
    assert probe.returncode != 0
    assert "Permission denied" in probe.stderr
    store = run_as(lms.account("lea"), "cat", str(lms.hub_dir / "lti" / "lti.sqlite"))
    assert store.returncode != 0


def test_a_member_dropped_in_the_lms_loses_the_course_but_keeps_files(lms: Lms) -> None:
    _launched(lms, "lea")
    _launched(lms, "max")  # alone, his launch fetches the assessment (in file order: grades)
    lms.people["max"].status = "Deleted"
    assert main(["hub", "sync-roster", "--course", COURSE, "--hub-dir", str(lms.hub_dir)]) == 0
    max_ = lms.account("max")
    state = load_state(lms.hub_dir)
    assert state is not None
    group = state.courses[0]["group"]
    assert max_ not in grp.getgrnam(group).gr_mem
    assert max_ not in state.courses[0]["members"]
    assert (Path(pwd.getpwnam(max_).pw_dir) / COURSE / ASSIGNMENT / NOTEBOOK).is_file()
    assert lms.account("lea") in state.courses[0]["members"]


def test_walkthrough_pictures_of_the_pages_people_see(lms: Lms) -> None:
    """The hub's LTI pages as this run served them, in Chromium (artifacts/lti/, for
    docs/lti.md)."""
    from playwright.sync_api import sync_playwright

    from tests.browser.harness import launch_chromium

    target = REPO / "artifacts" / "lti"
    target.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 860, "height": 540})
            for name, text in _pages(lms).items():
                page.set_content(text)
                picture = target / f"lti_{name}.png"
                page.screenshot(path=str(picture), full_page=True)
                assert picture.stat().st_size > 5000
        finally:
            browser.close()


def test_teardown_leaves_no_account(lms: Lms) -> None:
    _hub_up(lms)
    created = stop_and_tear_down(lms)
    assert created
    assert [u for u in created if system.user_exists(u)] == []
