"""LMS courses the hub does not know yet, and roster accounts meeting their LMS users, on the
real hub (marker ``hub``; root) against the independent LMS of tests/lti_platform.py.

The hub is set up from a roster (one course, its people with e-mails, no passwords) and
PLATFORM.json. Stages run once per module, after the stages they need, so every test can run
on its own (``pytest tests/test_lti_hub_courses.py::NAME``) as well as in file order:

* a learner's launch in Chromium ends in her own JupyterLab with the lesson open; over plain
  http the cookies are as JupyterHub and JupyterLab set them;
* roster people arriving from the LMS take their roster account when the roster's e-mail is the
  launch's; a username that would take a roster account with another e-mail is refused;
* with ``allow_instructor_course_creation`` off, launches from an unknown LMS course are refused
  with a clear page and nothing is made;
* switched on (setup run again), an instructor's launch makes the course (folder, gradebook,
  exchange, grader, groups) and its formgrader answers her at once, with the hub's process the
  same; she releases there; a learner launching from that LMS course lands in its assignment;
  after a restart the course is served from configuration alike.
"""

from __future__ import annotations

import grp
import html
import json
import os
import pwd
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from hub_harness import HubAdmin, HubProcess, ServiceSession, stop_and_tear_down

from course.hub import system
from course.hub.setup import SetupOptions, hub_paths, load_state, setup_hub, teardown_hub
from course.lti.store import Store
from tests.lti_browser import CookieLog, attributes, cookie_name, launch_browser, wait_for_notebook
from tests.lti_platform import ROLE, Person, Platform, PlatformServer, browser_launch

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.root]

REPO = Path(__file__).resolve().parent.parent
COURSE = "lti-c"
CONTEXT = "lms-course-301"
NEW_CONTEXT = "lms-course-302"
ASSIGNMENT = "safety_scenarios"
LESSON = "05_safety"
LESSON_HEADING = "Safety, contraindications and when to refer"
ROSTER = f"""id,first_name,last_name,email,course,role
Ines,Ines,Alvarez,ines@example.org,{COURSE},instructor
Ana,Ana,Silva,ana@example.org,{COURSE},learner
Bruno,Bruno,Costa,bruno@example.org,{COURSE},learner
"""


@dataclass
class Room:
    base: Path
    prefix: str
    hub_dir: Path
    server: PlatformServer
    people: dict[str, Person]
    hub: HubProcess | None = None
    set_up: bool = False
    allowed: bool = False
    new_course: str = ""
    released: bool = False
    browsers: dict[str, requests.Session] = field(default_factory=dict)

    @property
    def platform(self) -> Platform:
        return self.server.platform

    def account(self, who: str) -> str:
        return f"{self.prefix}{who}"

    def launch(self, who: str | Person, hint: str = "resource-1") -> requests.Response:
        person = who if isinstance(who, Person) else self.people[who]
        answer, browser, _form = browser_launch(self.platform, person, hint)
        assert answer.status_code < 500, self.hub.log_tail(60) if self.hub else answer.text
        if answer.status_code == 302:
            self.browsers[person.sub] = browser
        return answer

    def admin(self) -> HubAdmin:
        assert self.hub is not None
        token = (hub_paths(self.hub_dir)["secrets"] / "admin_token").read_text().strip()
        return HubAdmin(self.hub, token)

    def hub_user(self, name: str) -> dict[str, object] | None:
        try:
            return dict(self.admin().api("GET", f"/users/{name}"))
        except Exception:
            return None


@pytest.fixture(scope="module")
def room() -> Iterator[Room]:
    if os.geteuid() != 0:  # pragma: no cover - CI and the dev machines run as root
        pytest.fail("the hub tests create Unix users and must run as root")
    base = Path(tempfile.mkdtemp(prefix="ankle-lti-courses-"))
    os.chmod(base, 0o755)
    learner, instructor = [ROLE + "Learner"], [ROLE + "Instructor"]
    people = {
        "ines": Person("lms-ines", instructor, "Ines Alvarez", "ines@example.org", "ines"),
        "ana": Person("lms-ana", learner, "Ana Silva", "Ana@Example.org", "ana"),
        # a second LMS user with Ana's username and e-mail, after Ana has taken her account
        "ana2": Person("lms-ana-2", learner, "Ana Silva", "ana@example.org", "ana"),
        # another LMS user whose username gives Bruno's roster account, with another e-mail
        "bruno2": Person("lms-bruno-2", learner, "Bruno Dias", "dias@example.org", "bruno"),
        "lia": Person("lms-lia", learner, "Lia Moreau", "", "lia"),
        "zoe": Person("lms-zoe", instructor, "Zoe Park", "", "zoe", context_id=NEW_CONTEXT),
        "kim": Person("lms-kim", learner, "Kim Lee", "", "kim", context_id=NEW_CONTEXT),
    }
    server = PlatformServer(Platform(context_id=CONTEXT, members=list(people.values())))
    server.__enter__()
    room = Room(base, f"ac_c{secrets.token_hex(3)}_", base / "hub", server, people)
    try:
        yield room
    finally:
        stop_and_tear_down(room)


def _setup(room: Room, *, allow: bool) -> None:
    platform_json = room.base / "PLATFORM.json"
    platform_json.write_text(
        json.dumps(
            room.server.platform_json(
                courses={CONTEXT: COURSE}, allow_instructor_course_creation=allow
            )
        )
    )
    roster = room.base / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    setup_hub(
        SetupOptions(
            roster=roster,
            lti=platform_json,
            hub_dir=room.hub_dir,
            prefix=room.prefix,
            home_base=room.base / "home",
        )
    )


def _hub_up(room: Room) -> HubProcess:
    """Stage 1: set up from the roster and PLATFORM.json (no course creation), hub started."""
    if not room.set_up:
        _setup(room, allow=False)
        room.set_up = True
    if room.hub is None:
        room.hub = HubProcess(hub_dir=room.hub_dir)
        room.hub.start()
        p = room.platform
        p.tool_login_url = f"{room.hub.url}/hub/lti13/oauth_login"
        p.tool_launch_url = f"{room.hub.url}/hub/lti13/oauth_callback"
        p.tool_jwks_url = f"{room.hub.url}/hub/lti13/jwks"
    return room.hub


def _ana_linked(room: Room) -> None:
    """Stage 1b: Ana, of the roster, has launched from the LMS once."""
    _hub_up(room)
    if room.people["ana"].sub not in room.browsers:
        assert room.launch("ana").status_code == 302


def _allow_creation(room: Room) -> None:
    """Stage 2: the administrator allows instructors to make courses (setup again; the hub
    keeps running and reads PLATFORM.json at each launch)."""
    _hub_up(room)
    if not room.allowed:
        _setup(room, allow=True)
        room.allowed = True


def _course_made(room: Room) -> str:
    """Stage 3: Zoe, an instructor, launches from the LMS course the hub does not know."""
    _allow_creation(room)
    if not room.new_course:
        answer = room.launch("zoe")
        assert answer.status_code == 302, answer.text
        state = load_state(room.hub_dir)
        assert state is not None
        (made,) = [c["course_id"] for c in state.courses if c["course_id"] != COURSE]
        room.new_course = made
    return room.new_course


def _formgrader(room: Room, who: str, course: str) -> ServiceSession:
    admin = room.admin()
    token = admin.user_token(room.account(who))
    assert room.hub is not None
    return ServiceSession(room.hub, room.account(who), token, service=course)


def _released(room: Room) -> str:
    """Stage 4: Zoe releases the assessment in the new course's formgrader's terminal."""
    course = _course_made(room)
    if not room.released:
        formgrader = _formgrader(room, "zoe", course)
        formgrader.wait_ready()
        status, output = formgrader.run(
            f"whoami && ankle-course grade --course-dir . release {ASSIGNMENT} && "
            f"nbgrader release_assignment {ASSIGNMENT}"
        )
        assert status == 0, output
        state = load_state(room.hub_dir)
        assert state is not None
        grader = next(c["grader"] for c in state.courses if c["course_id"] == course)
        assert grader in output  # run as the course's grader account
        room.released = True
    return course


def test_roster_people_take_their_roster_accounts_by_e_mail(room: Room) -> None:
    _hub_up(room)
    ana = room.account("ana")
    uid = pwd.getpwnam(ana).pw_uid  # made by setup from the roster, before any launch
    state = load_state(room.hub_dir)
    assert state is not None
    users_before = list(state.created_users)
    answer = room.launch("ana")  # the LMS's e-mail differs in case only
    assert answer.status_code == 302, answer.text
    assert pwd.getpwnam(ana).pw_uid == uid
    assert load_state(room.hub_dir).created_users == users_before  # type: ignore[union-attr]
    model = room.hub_user(ana)
    assert model is not None
    assert model["groups"] == [f"nbgrader-{COURSE}"]
    store = Store.open(room.hub_dir)
    try:
        linked = store.identity(room.platform.issuer, room.people["ana"].sub)
    finally:
        store.close()
    assert linked is not None
    assert linked.account == ana
    # linked for good: a new username in the LMS still lands in the same account
    room.people["ana"].username = "ana.silva"
    assert room.launch("ana").status_code == 302
    assert not system.user_exists(room.account("ana_silva"))
    # the roster's instructor too, with her course rights
    assert room.launch("ines").status_code == 302
    assert room.hub_user(room.account("ines"))["groups"] == [  # type: ignore[index]
        f"formgrade-{COURSE}",
        f"instructors-{COURSE}",
    ]


def test_a_learner_s_chromium_lands_in_her_jupyterlab_on_the_lesson_and_cookies_stay_plain(
    room: Room,
) -> None:
    """Over plain http on 127.0.0.1 the hub's and her server's cookies are as JupyterHub and
    JupyterLab set them (no ``SameSite=None``, no ``Secure``: browsers refuse those on http)."""
    from playwright.sync_api import sync_playwright

    hub = _hub_up(room)
    lia = room.account("lia")
    log = CookieLog()
    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            context = browser.new_context()
            log.listen(context)
            page = context.new_page()
            page.goto(room.platform.login_url(room.people["lia"], json.dumps({"lesson": LESSON})))
            wait_for_notebook(page, f"{LESSON}.ipynb", LESSON_HEADING)
            assert f"/user/{lia}/lab/tree/ankle-course/{LESSON}.ipynb" in page.url
            stored = context.cookies([hub.url])
        finally:
            browser.close()
    from_hub, from_server = log.under("/hub/"), log.under(f"/user/{lia}/")
    assert "jupyterhub-session-id" in {cookie_name(h) for _u, h in from_hub}
    assert f"jupyterhub-user-{lia}" in {cookie_name(h) for _u, h in from_server}
    for url, header in [*from_hub, *from_server]:
        assert "samesite=none" not in attributes(header), (url, header)
        assert "secure" not in attributes(header), (url, header)
    assert stored
    assert not any(cookie["secure"] for cookie in stored)


def test_a_username_that_would_take_a_roster_account_is_refused(room: Room) -> None:
    _hub_up(room)
    answer = room.launch("bruno2")  # username "bruno", e-mail not the roster's
    assert answer.status_code == 403
    page = html.unescape(answer.text)
    assert "already used on this hub by someone else" in page
    assert "jupyterhub-hub-login" not in answer.cookies  # nobody logged in
    bruno = room.hub_user(room.account("bruno"))  # known to the hub from the roster only
    assert bruno is not None
    assert bruno["last_activity"] is None
    # a roster account taken by its LMS user is never shared, even with the same e-mail
    _ana_linked(room)
    twin = room.launch("ana2")
    assert twin.status_code == 403
    assert "jupyterhub-hub-login" not in twin.cookies
    assert "already used on this hub by someone else" in html.unescape(twin.text)
    store = Store.open(room.hub_dir)
    try:
        assert store.identity_of_account(room.account("bruno")) is None
        assert store.identity(room.platform.issuer, room.people["ana2"].sub) is None
        linked = store.identity_of_account(room.account("ana"))
        assert linked is not None
        assert linked.sub == room.people["ana"].sub
    finally:
        store.close()


def _unix_groups_of(room: Room) -> set[str]:
    """This hub's Unix groups (every one it makes starts with its prefix). Not all of the
    machine's: a hub test on the other xdist worker makes and removes groups of its own."""
    return {g.gr_name for g in grp.getgrall() if g.gr_name.startswith(room.prefix)}


def test_an_unknown_lms_course_is_refused_without_permission_and_nothing_is_made(
    room: Room,
) -> None:
    _hub_up(room)
    if room.allowed:  # run after the course-creation tests: the administrator switches it off
        _setup(room, allow=False)
        room.allowed = False
    groups_before = _unix_groups_of(room)
    refused = room.launch("zoe")
    assert refused.status_code == 403
    page = html.unescape(refused.text)
    assert "instructors may not create courses here" in page
    assert NEW_CONTEXT in page  # what the administrator adds to PLATFORM.json's courses
    learner = room.launch("kim")
    assert learner.status_code == 403
    assert "not connected to a course on the hub yet" in html.unescape(learner.text)
    state = load_state(room.hub_dir)
    assert state is not None
    assert [c["course_id"] for c in state.courses] == [COURSE]
    for who in ("zoe", "kim"):
        assert not system.user_exists(room.account(who))
        assert room.hub_user(room.account(who)) is None
    assert _unix_groups_of(room) == groups_before
    assert not any(p.name.startswith("lms-") for p in (room.hub_dir / "courses").iterdir())


def test_an_instructor_makes_the_course_at_launch_and_its_formgrader_answers_at_once(
    room: Room,
) -> None:
    _allow_creation(room)
    hub = _hub_up(room)
    pid = hub.process.pid if hub.process else None
    course = _course_made(room)
    assert course.startswith("lms-")
    assert hub.process is not None
    assert hub.process.pid == pid  # the same hub: no restart
    assert hub.process.poll() is None
    state = load_state(room.hub_dir)
    assert state is not None
    record = next(c for c in state.courses if c["course_id"] == course)
    zoe = room.account("zoe")
    assert record["members"] == {zoe: "instructor"}
    folder = Path(record["course_dir"])
    grader = pwd.getpwnam(record["grader"])
    assert folder.stat().st_uid == grader.pw_uid
    assert (folder / "source" / ASSIGNMENT).is_dir()
    exchange = Path(record["exchange_dir"])
    assert exchange.stat().st_gid == grp.getgrnam(record["group"]).gr_gid
    assert zoe in grp.getgrnam(record["group"]).gr_mem
    settings = json.loads((room.hub_dir / "hub.json").read_text())
    assert course in [c["course_id"] for c in settings["courses"]]  # a restart serves it too
    model = room.hub_user(zoe)
    assert model is not None
    assert model["admin"] is False
    assert model["groups"] == [f"formgrade-{course}", f"instructors-{course}"]
    # her browser opens the formgrader through the hub's log-in, without a restart
    page = room.browsers[room.people["zoe"].sub].get(
        f"{hub.url}/services/{course}/formgrader", timeout=120
    )
    assert page.status_code == 200, page.text[-2000:]
    assert f"/services/{course}/formgrader" in page.url
    assert "Manage Assignments" in page.text
    # and the other course's instructor cannot
    if room.people["ines"].sub not in room.browsers:
        assert room.launch("ines").status_code == 302
    ines = room.browsers[room.people["ines"].sub]
    other = ines.get(f"{hub.url}/services/{course}/formgrader", timeout=120)
    assert other.status_code == 403
    # the gradebook is the course's own: the formgrader's API lists its assessments
    formgrader = _formgrader(room, "zoe", course)
    formgrader.wait_ready()
    names = [a["name"] for a in formgrader.api("GET", "/formgrader/api/assignments")]
    assert ASSIGNMENT in names
    assert (folder / "gradebook.db").is_file()


def test_a_learner_of_the_new_lms_course_lands_in_its_assignment(room: Room) -> None:
    course = _released(room)
    answer = room.launch("kim", json.dumps({"assignment": ASSIGNMENT}))
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].endswith(
        f"/hub/user-redirect/lab/tree/{course}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    )
    kim = room.account("kim")
    fetched = Path(pwd.getpwnam(kim).pw_dir) / course / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert fetched.is_file()
    assert fetched.stat().st_uid == pwd.getpwnam(kim).pw_uid
    assert room.hub_user(kim)["groups"] == [f"nbgrader-{course}"]  # type: ignore[index]
    # the new course's instructor sees her learner on the hub (the instructor-C role)
    admin = room.admin()
    token = admin.user_token(room.account("zoe"))
    assert room.hub is not None
    seen = requests.get(
        f"{room.hub.url}/hub/api/users/{kim}",
        headers={"Authorization": f"token {token}"},
        timeout=60,
    )
    assert seen.status_code == 200
    assert seen.json()["name"] == kim


def test_after_a_restart_the_new_course_is_served_from_configuration(room: Room) -> None:
    course = _course_made(room)
    assert room.hub is not None
    room.hub.stop()
    room.hub = None
    hub = _hub_up(room)
    answer = room.launch("zoe")
    assert answer.status_code == 302, answer.text
    page = room.browsers[room.people["zoe"].sub].get(
        f"{hub.url}/services/{course}/formgrader", timeout=120
    )
    assert page.status_code == 200
    assert "Manage Assignments" in page.text


def test_teardown_removes_the_course_made_at_launch(room: Room) -> None:
    course = _course_made(room)
    assert room.hub is not None
    room.hub.stop()
    room.hub = None
    state = load_state(room.hub_dir)
    assert state is not None
    record = next(c for c in state.courses if c["course_id"] == course)
    created = list(state.created_users)
    assert record["grader"] in created
    teardown_hub(room.hub_dir)
    assert [u for u in created if system.user_exists(u)] == []
    assert not system.group_exists(record["group"])
