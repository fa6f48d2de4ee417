"""Two courses and a TA on one real JupyterHub, end to end (marker ``hub``; runs as root).

One roster with ``course`` and ``role`` columns: course ``class-a`` has an instructor, a TA and
a learner, course ``class-b`` an instructor and a learner (random ``ac_m<hex>_`` names). Setup
gives each course its grader account, folder, gradebook, exchange area and Unix group; the hub
runs each course's formgrader as a service. The tests run in file order and share one hub:
each instructor releases through their course's formgrader; the learner of A fetches and
submits A's assignment through her own server and sees nothing of B; the TA of A opens A's
formgrader through the hub's login, collects and autogrades there, and is refused B's; teardown
leaves no user, group, ACL entry or process.
"""

from __future__ import annotations

import grp
import http.cookiejar
import json
import os
import pwd
import secrets
import shutil
import stat
import struct
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hub_harness import (
    HttpError,
    HubAdmin,
    HubProcess,
    ServiceSession,
    UserSession,
    answered,
    request,
)

from course.hub import system
from course.hub.courses import CoursePlan
from course.hub.folders import runtime_paths
from course.hub.setup import SetupOptions, hub_paths, load_state, setup_hub, teardown_hub

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.root]

REPO = Path(__file__).resolve().parent.parent
A, B = "class-a", "class-b"
ASSIGNMENT = "safety_scenarios"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
ROSTER = f"""id,first_name,last_name,course,role
Ines,Ines,Alvarez,{A},instructor
Tomas,Tomas,Berg,{A},ta
Lea,Lea,Chen,{A},learner
Bo,Bo,Dahl,{B},instructor
Max,Max,Eze,{B},learner
"""
_ACL = "system.posix_acl_access"


@dataclass
class Hub:
    base: Path
    prefix: str
    hub_dir: Path
    acls_before: dict[str, bytes | None] = field(default_factory=dict)
    hub: HubProcess | None = None
    admin: HubAdmin | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    report: Any = None  # setup_hub's report, once set up
    passwords: dict[str, str] = field(default_factory=dict)
    released: bool = False
    learners_up: bool = False
    submitted: bool = False

    def name(self, person: str) -> str:
        return f"{self.prefix}{person}"

    def course(self, course_id: str) -> CoursePlan:
        state = load_state(self.hub_dir)
        assert state is not None
        return next(CoursePlan.from_record(r) for r in state.courses if r["course_id"] == course_id)

    def token(self, person: str) -> str:
        name = self.name(person)
        if name not in self.tokens:
            assert self.admin is not None
            self.tokens[name] = self.admin.user_token(name)
        return self.tokens[name]

    def user(self, person: str) -> UserSession:
        assert self.hub is not None
        return UserSession(self.hub, self.name(person), self.token(person))

    def formgrader(self, person: str, course_id: str) -> ServiceSession:
        assert self.hub is not None
        return ServiceSession(self.hub, self.name(person), self.token(person), service=course_id)


def _acl(path: Path) -> bytes | None:
    try:
        return os.getxattr(path, _ACL)
    except OSError:
        return None


_ACL_USER, _ACL_GROUP = 0x02, 0x08


def _acl_ids(acl: bytes | None) -> set[tuple[int, int]]:
    """The (tag, id) pairs of the users and groups named in a POSIX ACL xattr (version header,
    then tag/perm/id): a uid and a gid of the same number are different accounts."""
    if not acl:
        return set()
    entries = struct.iter_unpack("<HHI", acl[4:])
    return {(tag, i) for tag, _perm, i in entries if tag in (_ACL_USER, _ACL_GROUP)}


def _now_someone_else(tag: int, number: int) -> bool:
    """Whether the id, freed by this hub's teardown, already names another hub's account."""
    try:
        (pwd.getpwuid if tag == _ACL_USER else grp.getgrgid)(number)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="module")
def hub() -> Iterator[Hub]:
    if os.geteuid() != 0:  # pragma: no cover - CI and the dev machines run as root
        pytest.fail("the hub tests create Unix users and must run as root")
    base = Path(tempfile.mkdtemp(prefix="ankle-hub-courses-"))
    os.chmod(base, 0o755)
    room = Hub(base=base, prefix=f"ac_m{secrets.token_hex(3)}_", hub_dir=base / "hub")
    # every folder a setup could give the class group an ACL entry on, as it is now
    room.acls_before = {
        str(p): _acl(p) for p in system.needs_traverse([*runtime_paths(), base, base / "home"])
    }
    try:
        yield room
    finally:
        if room.hub is not None:
            room.hub.stop()
        if load_state(room.hub_dir) is not None:
            teardown_hub(room.hub_dir)
        shutil.rmtree(base, ignore_errors=True)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


# Stages: each runs once per module, after the stages it needs, so every test can run on its
# own (pytest tests/test_hub_multicourse.py::NAME) as well as in file order.


def _set_up(hub: Hub) -> Any:
    """Stage 1: the hub of two courses set up from the roster."""
    if hub.report is None:
        roster = hub.base / "roster.csv"
        roster.write_text(ROSTER, encoding="utf-8")
        hub.report = setup_hub(
            SetupOptions(
                roster=roster,
                hub_dir=hub.hub_dir,
                course_source=REPO / "grading",
                prefix=hub.prefix,
                home_base=hub.base / "home",
            )
        )
        passwords = hub_paths(hub.hub_dir)["secrets"] / "initial-passwords.csv"
        lines = passwords.read_text().splitlines()[1:]
        hub.passwords = dict(line.split(",", 1) for line in lines)
    return hub.report


def _hub_up(hub: Hub) -> HubProcess:
    """Stage 2: the hub started, with each course's formgrader as a service."""
    _set_up(hub)
    if hub.hub is None:
        hub.hub = HubProcess(hub_dir=hub.hub_dir)
        hub.hub.start()
        token = (hub_paths(hub.hub_dir)["secrets"] / "admin_token").read_text().strip()
        hub.admin = HubAdmin(hub.hub, token)
    return hub.hub


def _release(hub: Hub) -> None:
    """Stage 3: each course's instructor releases the assignment in their formgrader."""
    _hub_up(hub)
    if not hub.released:
        for person, course_id in (("ines", A), ("bo", B)):
            formgrader = hub.formgrader(person, course_id)
            formgrader.wait_ready()
            status, output = formgrader.run(
                "whoami && nbgrader db student import students.csv && "
                f"ankle-course grade --course-dir . release {ASSIGNMENT} && "
                f"nbgrader release_assignment {ASSIGNMENT}"
            )
            assert status == 0, output
            assert hub.course(course_id).grader in output  # the grader account's terminal
        hub.released = True


def _learners_up(hub: Hub) -> None:
    """Stage 3b: lea's (course A) and max's (course B) own servers started."""
    _hub_up(hub)
    if not hub.learners_up:
        assert hub.admin is not None
        for person in ("lea", "max"):
            hub.admin.start_server(hub.name(person))
        hub.learners_up = True


def _submit(hub: Hub) -> None:
    """Stage 4: lea fetches course A's assignment, answers everything and submits."""
    _release(hub)
    _learners_up(hub)
    if not hub.submitted:
        lea = hub.user("lea")
        lea.fetch(A, ASSIGNMENT)
        path = f"{A}/{ASSIGNMENT}/{NOTEBOOK}"  # nbgrader's path_includes_course layout
        released = lea.read_json(path)
        source = json.loads(
            (Path(hub.course(A).course_dir) / "source" / ASSIGNMENT / NOTEBOOK).read_text()
        )
        lea.write_notebook(path, answered(released, source))
        lea.submit(A, ASSIGNMENT)
        hub.submitted = True


def test_setup_gives_each_course_its_folder_exchange_group_and_grader(hub: Hub) -> None:
    report = _set_up(hub)
    state = report.state
    assert [r["course_id"] for r in state.courses] == [A, B]
    a, b = hub.course(A), hub.course(B)
    assert a.members == {
        hub.name("ines"): "instructor",
        hub.name("tomas"): "ta",
        hub.name("lea"): "learner",
    }
    for plan in (a, b):
        grader = pwd.getpwnam(plan.grader)
        folder = Path(plan.course_dir)
        assert folder == hub.hub_dir / "courses" / plan.course_id
        assert (folder.stat().st_uid, _mode(folder)) == (grader.pw_uid, 0o700)
        assert (folder / "source" / ASSIGNMENT / NOTEBOOK).is_file()
        exchange = Path(plan.exchange_dir)
        assert exchange == Path(state.exchange_root) / plan.course_id
        assert _mode(exchange) == 0o750
        assert exchange.stat().st_gid == system.grp_gid(plan.group)
        assert _mode(exchange / "inbound") == 0o3733
        assert (exchange / "inbound").stat().st_gid == grader.pw_gid
    lea = pwd.getpwnam(hub.name("lea"))
    groups = os.getgrouplist(lea.pw_name, lea.pw_gid)
    assert system.grp_gid(a.group) in groups
    assert system.grp_gid(b.group) not in groups
    tomas = pwd.getpwnam(hub.name("tomas"))
    assert system.grp_gid(a.group) in os.getgrouplist(tomas.pw_name, tomas.pw_gid)
    assert hub.name("lea") in hub.passwords
    assert a.grader not in hub.passwords  # graders never log in


def test_each_instructor_releases_through_their_course_s_formgrader(hub: Hub) -> None:
    _release(hub)
    for course_id in (A, B):
        outbound = Path(hub.course(course_id).exchange_dir) / "outbound" / ASSIGNMENT
        assert (outbound / NOTEBOOK).is_file()


def test_a_learner_fetches_and_submits_her_course_s_assignment(hub: Hub) -> None:
    _release(hub)
    _learners_up(hub)
    lea = hub.user("lea")
    listed = lea.assignments("")  # the Assignments tab: her course, from her settings
    assert {(x["course_id"], x["assignment_id"]) for x in listed} == {(A, ASSIGNMENT)}
    _submit(hub)
    inbound = Path(hub.course(A).exchange_dir) / "inbound"
    assert [e.split("+")[0] for e in os.listdir(inbound)] == [hub.name("lea")]


def test_a_learner_sees_nothing_of_the_other_course(hub: Hub) -> None:
    _release(hub)
    _learners_up(hub)
    lea, max_ = hub.user("lea"), hub.user("max")
    assert [x["course_id"] for x in max_.assignments(B)] == [B]  # the control: B is released
    assert lea.assignments(B) == []
    b, a = hub.course(B), hub.course(A)
    exchange_b = Path(b.exchange_dir)
    targets = [
        exchange_b,
        exchange_b / "outbound",
        exchange_b / "outbound" / ASSIGNMENT / NOTEBOOK,
        exchange_b / "inbound",
        Path(b.course_dir),
        Path(a.course_dir),  # her own course's folder is the grader's alone
    ]
    released_a = Path(a.exchange_dir) / "outbound" / ASSIGNMENT / NOTEBOOK
    results = lea.probe([str(p) for p in [*targets, released_a]])
    assert results[str(released_a)] == "ok"
    for target in targets:
        assert results[str(target)] == "PermissionError", target
    status, output = lea.run(f"cd ~ && nbgrader fetch_assignment {ASSIGNMENT} --course {B}")
    assert status != 0, output


def _login(hub: Hub, person: str) -> urllib.request.OpenerDirector:
    """A browser-like session logged in through the hub's form (cookies, redirects)."""
    assert hub.hub is not None
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{hub.hub.url}/hub/login", timeout=30):
        pass
    xsrf = next(c.value for c in jar if c.name == "_xsrf")
    name = hub.name(person)
    form = {"username": name, "password": hub.passwords[name], "_xsrf": xsrf}
    with opener.open(
        f"{hub.hub.url}/hub/login?next=", data=urllib.parse.urlencode(form).encode(), timeout=60
    ):
        pass
    return opener


def test_a_ta_grades_in_her_course_s_formgrader_and_is_refused_the_other(hub: Hub) -> None:
    _submit(hub)
    assert hub.hub is not None
    browser = _login(hub, "tomas")
    with browser.open(f"{hub.hub.url}/hub/home", timeout=60) as home:
        menu = home.read().decode()  # the hub's Services menu lists the formgraders she may open
    assert f"/services/{A}/" in menu
    assert f"/services/{B}/" not in menu
    with browser.open(f"{hub.hub.url}/services/{A}/formgrader", timeout=60) as page:
        assert page.status == 200
        assert f"/services/{A}/formgrader/" in page.url  # through the hub's OAuth
        assert "Manage Assignments" in page.read().decode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        browser.open(f"{hub.hub.url}/services/{B}/formgrader", timeout=60)
    refused.value.close()
    assert refused.value.code == 403

    formgrader = hub.formgrader("tomas", A)
    lea = hub.name("lea")
    collected = formgrader.api("POST", f"/formgrader/api/assignment/{ASSIGNMENT}/collect")
    assert collected["success"], collected
    graded = formgrader.api("POST", f"/formgrader/api/submission/{ASSIGNMENT}/{lea}/autograde")
    assert graded["success"], graded
    rows = formgrader.api("GET", f"/formgrader/api/submissions/{ASSIGNMENT}")
    mine = next(row for row in rows if row["student"] == lea)
    assert mine["autograded"]
    assert mine["score"] == mine["max_score"] > 0  # she answered everything
    assert (Path(hub.course(A).course_dir) / "gradebook.db").is_file()  # A's own gradebook
    assert not (Path(hub.course(B).course_dir) / "submitted").exists()
    with pytest.raises(HttpError) as other:
        hub.formgrader("tomas", B).api("GET", "/formgrader/api/assignments")
    assert other.value.status == 403
    # the hub: instructors see their own course's learners; a TA sees none
    hub_api = f"{hub.hub.url}/hub/api/users"
    assert request("GET", f"{hub_api}/{lea}", hub.token("ines"))["name"] == lea
    for token, learner in ((hub.token("ines"), "max"), (hub.token("tomas"), "lea")):
        with pytest.raises(HttpError) as hidden:
            request("GET", f"{hub_api}/{hub.name(learner)}", token)
        assert hidden.value.status in (403, 404)


@pytest.mark.browser
def test_in_chromium_the_ta_s_formgrader_shows_her_course_and_refuses_the_other(
    hub: Hub,
) -> None:
    """What the TA sees: the hub's login form, then A's formgrader with A's graded assignment;
    B's formgrader is the hub's 403 page."""
    from browser.harness import launch_chromium
    from playwright.sync_api import sync_playwright

    _release(hub)
    assert hub.hub is not None
    shots = REPO / "artifacts" / "screenshots" / "hub_courses"
    shots.mkdir(parents=True, exist_ok=True)
    name = hub.name("tomas")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(60_000)
            page.goto(f"{hub.hub.url}/hub/login?next=/services/{A}/formgrader")
            page.fill("#username_input", name)
            page.fill("#password_input", hub.passwords[name])
            page.click("#login_submit")
            page.wait_for_url(f"**/services/{A}/formgrader/**")
            page.get_by_text(ASSIGNMENT).first.wait_for()
            page.screenshot(path=str(shots / "01_ta_formgrader_course_a.png"))
            reply = page.goto(f"{hub.hub.url}/services/{B}/formgrader")
            assert reply is not None
            assert reply.status == 403
            page.screenshot(path=str(shots / "02_ta_refused_course_b.png"))
        finally:
            browser.close()


def test_teardown_leaves_no_users_groups_acls_or_processes(hub: Hub) -> None:
    _hub_up(hub)
    assert hub.hub is not None
    state = load_state(hub.hub_dir)
    assert state is not None
    uids = [pwd.getpwnam(name).pw_uid for name in state.created_users]
    pgids = [pwd.getpwnam(name).pw_gid for name in state.created_users]  # their own groups
    services = system.pids_of_uids([pwd.getpwnam(c["grader"]).pw_uid for c in state.courses])
    assert len(services) >= 2  # each course's formgrader, run as its grader
    pids = [*hub.hub.pids(), *services]
    assert hub.hub.stop() == []  # the hub stopped its proxy, servers and services itself
    hub.hub = None
    assert not [pid for pid in pids if system.pid_alive(pid)]
    groups = [*state.created_groups]
    assert len(groups) == 3  # the class group and one per course
    gids = [grp.getgrnam(group).gr_gid for group in groups]
    report = teardown_hub(hub.hub_dir)
    assert report.stopped_pids == []
    assert not system.pids_of_uids(uids)
    for name in state.created_users:
        assert not system.user_exists(name)
        assert not system.group_exists(name)
    for group in groups:
        assert not system.group_exists(group)
    assert not hub.hub_dir.exists()
    assert not (hub.base / "home").exists() or not any((hub.base / "home").iterdir())
    # no folder's ACL names any of this hub's users or groups any more. Another hub test
    # running beside this one may hold grants of its own on the same folders meanwhile, under
    # a gid that equals one of our uids, or under one of our freed ids that it has just reused.
    ours = {*((_ACL_USER, uid) for uid in uids), *((_ACL_GROUP, gid) for gid in [*gids, *pgids])}
    left = {
        p: {entry for entry in _acl_ids(_acl(Path(p))) & ours if not _now_someone_else(*entry)}
        for p in hub.acls_before
    }
    assert {p: ids for p, ids in left.items() if ids} == {}
    for folder in state.traverse_grants:
        assert folder in hub.acls_before
