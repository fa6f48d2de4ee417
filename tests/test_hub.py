"""A whole class on a real JupyterHub, end to end (marker ``hub``; runs as root).

One instructor and three learners are real Unix users (random ``ac_t<hex>_`` names). The hub,
its configurable-http-proxy and every single-user server run on free localhost ports; the
gradebook is a PostgreSQL cluster started from Debian's package in a temporary folder. The
tests share the class, which goes through stages: setup, the hub started, release, fetch and
submit through each learner's own server, two hostile hand-ins, collect, parallel autograde,
feedback, export, teardown. Each stage is a function that runs once per module, after the
stages it needs, so every test can run on its own (``pytest tests/test_hub.py::NAME``) as well
as in file order.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pwd
import re
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hub_harness import (
    HttpError,
    HubAdmin,
    HubProcess,
    TempPostgres,
    UserSession,
    answered,
    grant_left_behind,
)

from course.hub import system
from course.hub.setup import SetupOptions, hub_paths, load_state, setup_hub, teardown_hub

pytestmark = [pytest.mark.hub, pytest.mark.postgres, pytest.mark.slow, pytest.mark.root]

REPO = Path(__file__).resolve().parent.parent
COURSE = "ankle-course"
ASSIGNMENT = "safety_scenarios"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
ROSTER = [
    # roster ids as a school would export them; setup turns them into safe Unix names
    ("Alice.Martin", "Alice", "Martin", "alice@example.org"),
    ("bob+o'neil", "Bob", "O'Neil", "bob@example.org"),
    ("Carol Lee", "Carol", "Lee", ""),
]


@dataclass
class Classroom:
    base: Path
    prefix: str
    hub_dir: Path
    pg_user: str
    postgres: TempPostgres | None = None
    hub: HubProcess | None = None
    admin: HubAdmin | None = None
    sessions: dict[str, UserSession] = field(default_factory=dict)
    start_seconds: dict[str, float] = field(default_factory=dict)
    report: Any = None  # setup_hub's report, once set up
    passwords: dict[str, str] = field(default_factory=dict)
    checkout_modes: dict[Path, int] = field(default_factory=dict)  # before setup
    submissions: dict[str, Path] | None = None  # learner -> inbound entry
    forged: str | None = None  # carol's entry filed under alice's name
    linked: str | None = None  # carol's hand-made entry linking the key
    grading_output: str | None = None

    @property
    def state(self) -> Any:
        state = load_state(self.hub_dir)
        assert state is not None
        return state

    def learner(self, index: int) -> str:
        return str(self.state.learner_names[index])

    def session(self, name: str) -> UserSession:
        return self.sessions[name]


def _checkout_private() -> list[Path]:
    """What in this checkout holds answer keys or grades: closed to learners by setup."""
    candidates = [
        REPO / "grading" / "source",
        REPO / "grading" / "gradebook.db",  # a developer's local gradebook, when present
        REPO / ".git",  # the keys are in the history
    ]
    return [p for p in candidates if p.exists()]


def _uid(name: str) -> int | None:
    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        return None


def _cleanup(room: Classroom) -> None:
    """Stop everything by PID and remove every user and folder, whatever state we are in."""
    if room.hub is not None:
        room.hub.stop()
    if room.postgres is not None:
        room.postgres.stop()
    if load_state(room.hub_dir) is not None:
        teardown_hub(room.hub_dir)
    pg_uid = _uid(room.pg_user)
    if pg_uid is not None:
        system.stop_pids(system.pids_of_uids([pg_uid]))
        system.delete_user(room.pg_user)
    shutil.rmtree(room.base, ignore_errors=True)


@pytest.fixture(scope="module")
def room() -> Iterator[Classroom]:
    if os.geteuid() != 0:  # pragma: no cover - CI and the dev machines run as root
        pytest.fail("the hub tests create Unix users and must run as root")
    base = Path(tempfile.mkdtemp(prefix="ankle-hub-test-"))
    os.chmod(base, 0o755)  # the learners' homes and the exchange live below
    prefix = f"ac_t{secrets.token_hex(3)}_"
    room = Classroom(base=base, prefix=prefix, hub_dir=base / "hub", pg_user=prefix + "pg")
    try:
        system.create_user(room.pg_user, home=base / "pg-home", comment="ankle-course test db")
        room.postgres = TempPostgres(owner=room.pg_user, data_dir=base / "pg")
        room.postgres.start()
        yield room
    finally:
        _cleanup(room)


# --- 1. setup ---------------------------------------------------------------------------------


def _set_up(room: Classroom) -> Any:
    """Stage 1: the class set up from the roster, with a PostgreSQL gradebook."""
    if room.report is None:
        roster = room.base / "roster.csv"
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["id", "first_name", "last_name", "email"])
        writer.writerows(ROSTER)
        roster.write_text(buffer.getvalue(), encoding="utf-8")
        assert room.postgres is not None
        db_url = room.postgres.create_database(room.prefix + "instructor", "gradebook")
        room.checkout_modes = {p: stat.S_IMODE(p.stat().st_mode) for p in _checkout_private()}
        room.report = setup_hub(
            SetupOptions(
                roster=roster,
                hub_dir=room.hub_dir,
                course_source=REPO / "grading",
                prefix=room.prefix,
                home_base=room.base / "home",
                db_url=db_url,
            )
        )
        passwords = hub_paths(room.hub_dir)["secrets"] / "initial-passwords.csv"
        lines = passwords.read_text().splitlines()[1:]
        room.passwords = dict(line.split(",", 1) for line in lines)
    return room.report


def test_setup_creates_isolated_accounts_and_exchange(room: Classroom) -> None:
    report = _set_up(room)
    state = report.state
    assert state.learner_names == [
        f"{room.prefix}alice_martin",
        f"{room.prefix}bob_o_neil",
        f"{room.prefix}carol_lee",
    ]
    assert sorted(report.new_users) == sorted([state.instructor, *state.learner_names])
    hub_gid = system.grp_gid(state.hub_group)
    for name in [state.instructor, *state.learner_names]:
        entry = pwd.getpwnam(name)
        assert entry.pw_shell == system.NOLOGIN_SHELL  # hub logins only, no ssh or su shell
        home = Path(entry.pw_dir)
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        assert home.stat().st_uid == entry.pw_uid
        assert hub_gid in os.getgrouplist(name, entry.pw_gid)
    # no learner is in the instructor's group (the group that may read submissions)
    instructor_gid = pwd.getpwnam(state.instructor).pw_gid
    for name in state.learner_names:
        assert instructor_gid not in os.getgrouplist(name, pwd.getpwnam(name).pw_gid)
    exchange = Path(state.exchange_root)
    assert stat.S_IMODE(exchange.stat().st_mode) == 0o1777
    inbound = exchange / COURSE / "inbound"
    assert stat.S_IMODE(inbound.stat().st_mode) == 0o3733  # sticky: no renaming of others
    assert inbound.stat().st_gid == instructor_gid
    course_dir = Path(state.course_dir)
    assert (course_dir / "source" / ASSIGNMENT / NOTEBOOK).is_file()
    assert stat.S_IMODE(course_dir.stat().st_mode) == 0o700
    assert (
        (course_dir / "students.csv")
        .read_text()
        .splitlines()[1]
        .startswith(f"{room.prefix}alice_martin,Alice,Martin,")
    )
    secrets_dir = hub_paths(room.hub_dir)["secrets"]
    assert stat.S_IMODE(secrets_dir.stat().st_mode) == 0o700
    env_text = (secrets_dir / "instructor.env").read_text()
    assert env_text.startswith("ANKLE_COURSE_DB_URL=postgresql+psycopg2://")
    passwords = (secrets_dir / "initial-passwords.csv").read_text().splitlines()
    assert len(passwords) == 1 + 4
    # every traverse grant is on a folder that blocked others before (e.g. /root for pyenv)
    for folder in state.traverse_grants:
        assert system.has_traverse_grant(Path(folder), hub_gid)
    # the checkout's answer keys and grades are closed to other users until teardown
    for path in _checkout_private():
        assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0, path
    # closed by this setup, unless a hub test on the other xdist worker closed it first (its
    # teardown then gives the mode back): set-ups from one checkout share these paths
    hubs = Path(tempfile.gettempdir()).glob("ankle-*/hub*/hub.json")
    others = [p for p in hubs if p.parent.resolve() != room.hub_dir.resolve()]
    assert str(REPO / "grading" / "source") in report.closed or others


def test_setup_refuses_unsafe_rosters_and_existing_accounts(room: Classroom) -> None:
    from course.errors import HubSetupError, RosterError
    from course.hub.roster import read_roster

    _set_up(room)  # the accounts that a second setup must not adopt
    clash = room.base / "clash.csv"
    clash.write_text("id\nAnn.Lee\nann lee\n", encoding="utf-8")
    with pytest.raises(RosterError, match=r"row 3.*already used by row 2"):
        read_roster(clash, "ac_")
    empty = room.base / "noid.csv"
    empty.write_text("name\nann\n", encoding="utf-8")
    with pytest.raises(RosterError, match="'id' column"):
        read_roster(empty, "ac_")
    # an account that exists but that this setup did not create is never adopted
    other = room.base / "other-hub"
    with pytest.raises(HubSetupError, match="already exists and was not created"):
        setup_hub(
            SetupOptions(
                roster=room.base / "roster.csv",
                hub_dir=other,
                course_source=REPO / "grading",
                prefix=room.prefix,
                home_base=room.base / "home2",
            )
        )
    assert not other.exists()  # refused before anything was created
    # nor is a folder that already sits where a new account's home would go
    fresh = f"ac_z{secrets.token_hex(3)}_"
    (room.base / "home3" / f"{fresh}instructor").mkdir(parents=True)
    with pytest.raises(HubSetupError, match="already exists; it would become a home"):
        setup_hub(
            SetupOptions(
                roster=room.base / "roster.csv",
                hub_dir=other,
                course_source=REPO / "grading",
                prefix=fresh,
                home_base=room.base / "home3",
            )
        )
    assert _uid(f"{fresh}instructor") is None
    assert not other.exists()


# --- 2. the hub and everyone's own server -------------------------------------------------------


def _hub_up(room: Classroom) -> HubProcess:
    """Stage 2: the hub started, and everyone's own server in it."""
    _set_up(room)
    if room.hub is None:
        room.hub = HubProcess(hub_dir=room.hub_dir)
        room.hub.start()
        token = (hub_paths(room.hub_dir)["secrets"] / "admin_token").read_text().strip()
        room.admin = HubAdmin(room.hub, token)
        state = room.state
        for name in [state.instructor, *state.learner_names]:
            room.start_seconds[name] = room.admin.start_server(name)
            room.sessions[name] = UserSession(room.hub, name, room.admin.user_token(name))
    return room.hub


def test_hub_starts_everyone_s_own_server(room: Classroom) -> None:
    hub = _hub_up(room)
    state = room.state
    # each server runs as its own Unix user
    for name, pid in hub.server_pids.items():
        status = Path(f"/proc/{pid}/status").read_text()
        uid_line = next(line for line in status.splitlines() if line.startswith("Uid:"))
        assert int(uid_line.split()[1]) == pwd.getpwnam(name).pw_uid
        # forked from the hub's fork server (course.hub.forkserver), which the hub started
        parent = int(next(x for x in status.splitlines() if x.startswith("PPid:")).split()[1])
        assert b"course.hub.forkserver" in Path(f"/proc/{parent}/cmdline").read_bytes()
        assert hub.process is not None
        assert f"PPid:\t{hub.process.pid}\n" in Path(f"/proc/{parent}/status").read_text()
    assert set(hub.server_pids) == {state.instructor, *state.learner_names}
    # learners find the lessons in their own home, and land on the welcome notebook
    alice = room.session(state.learner_names[0])
    assert "00_welcome.ipynb" in alice.list_dir("ankle-course")


def test_tokens_open_only_their_owner_s_server(room: Classroom) -> None:
    _hub_up(room)
    state = room.state
    alice, bob = state.learner_names[0], state.learner_names[1]
    assert room.session(alice).api("GET", "/api/status")["kernels"] == 0
    intruders = [room.session(bob), room.session(state.instructor)]
    for intruder in intruders:
        spoof = UserSession(room.hub, alice, intruder.token)  # type: ignore[arg-type]
        with pytest.raises(HttpError) as denied:
            spoof.api("GET", "/api/contents")
        assert denied.value.status == 403
    # learners have no formgrader; the instructor has it
    with pytest.raises(HttpError) as missing:
        room.session(alice).api("GET", "/formgrader/api/assignments")
    assert missing.value.status == 404


def test_pam_login_with_the_initial_password(room: Classroom) -> None:
    import http.cookiejar
    import urllib.parse
    import urllib.request

    hub = _hub_up(room)
    alice = room.state.learner_names[0]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{hub.url}/hub/login", timeout=30) as page:
        assert page.status == 200
    xsrf = next(c.value for c in jar if c.name == "_xsrf")

    def login(password: str) -> str:
        form = urllib.parse.urlencode(
            {"username": alice, "password": password, "_xsrf": xsrf}
        ).encode()
        with opener.open(f"{hub.url}/hub/login?next=", data=form, timeout=60) as reply:
            return str(reply.url)

    with pytest.raises(urllib.error.HTTPError) as wrong:
        login("not-the-password")
    wrong.value.close()
    assert wrong.value.code == 403
    landed = login(room.passwords[alice])
    # through the hub's OAuth handshake into her own server, at the welcome notebook
    assert landed.endswith(f"/user/{alice}/lab/tree/ankle-course/00_welcome.ipynb"), landed


def _browser_login(browser: Any, hub: HubProcess, name: str, password: str) -> Any:
    """A fresh Chromium tab logged in through the hub's own login form; it lands where the
    hub sends that person."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")
    return page


@pytest.mark.browser
def test_each_role_sees_its_own_jupyterlab_and_learners_reach_the_explorers(
    room: Classroom,
) -> None:
    """In Chromium, through the hub: a learner's JupyterLab has no instructor tools and no news
    prompt but keeps Assignments (Validate shows on graded assessments, not on this lesson:
    tests/browser/test_learner_mode.py); the explorers app opens from the learner's own
    server through Voila, without code; the instructor's JupyterLab has every tool."""
    from browser.harness import launch_chromium
    from lab_tools import lab_tools, nbgrader_menu_items, wait_for_notebook
    from playwright.sync_api import sync_playwright

    _hub_up(room)
    assert room.hub is not None
    state = room.state
    alice = state.learner_names[0]
    shots = Path(REPO / "artifacts" / "screenshots" / "hub_roles")
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = _browser_login(browser, room.hub, alice, room.passwords[alice])
            page.wait_for_url(f"**/user/{alice}/lab/tree/ankle-course/00_welcome.ipynb*")
            wait_for_notebook(page)
            learner = lab_tools(page)
            page.screenshot(path=str(shots / "01_learner_lab.png"))
            assert "Formgrader" not in learner["menu"]
            assert "Course List" not in learner["menu"]
            assert "Assignment List" in learner["menu"]  # learners still fetch and submit
            assert not learner["create_assignment"]
            assert not learner["validate"]  # a lesson: Validate shows on graded assessments only
            assert not learner["news_prompt"]
            # the explorers, through Voila on the learner's own server: no code on the page
            page.goto(f"{room.hub.url}/hub/user-redirect/voila/render/ankle-course/explorer.ipynb")
            page.get_by_role("checkbox", name="The person has a fever").wait_for(timeout=120_000)
            page.get_by_role("checkbox", name="The person has a fever").check()
            page.wait_for_timeout(500)
            page.screenshot(path=str(shots / "02_learner_explorers.png"))
            code = ".jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .CodeMirror, .cm-editor"
            assert page.locator(code).count() == 0
            body = page.inner_text("body")
            assert "from course" not in body
            assert "not diagnosis" in body
            page.context.close()
            # the learner closes the explorers: their kernel is shut down, as Lab's does
            session = room.session(alice)
            for kernel in session.api("GET", "/api/kernels"):
                session.api("DELETE", f"/api/kernels/{kernel['id']}")

            teacher = state.instructor
            page = _browser_login(browser, room.hub, teacher, room.passwords[teacher])
            page.wait_for_url(f"**/user/{teacher}/lab*")
            page.locator(".lm-MenuBar-item", has_text="Nbgrader").wait_for(timeout=120_000)
            page.locator('[data-id="nbgrader-create_assignemnt"]').wait_for(timeout=60_000)
            menu = nbgrader_menu_items(page)
            page.screenshot(path=str(shots / "03_instructor_lab.png"))
            assert "Formgrader" in menu
            assert "Course List" in menu
            page.context.close()
        finally:
            browser.close()


# --- 3. release, fetch, answer, submit ----------------------------------------------------------


def _submitted(room: Classroom) -> dict[str, Path]:
    """Stage 3: released; every learner fetched, answered (alice all, bob half, carol
    nothing) and submitted through their own server. Learner -> inbound entry."""
    _hub_up(room)
    if room.submissions is None:
        state = room.state
        teacher = room.session(state.instructor)
        status, output = teacher.run(
            f"cd {state.course_dir} && nbgrader db student import students.csv && "
            f"ankle-course grade --course-dir . release {ASSIGNMENT} && "
            f"nbgrader release_assignment {ASSIGNMENT}"
        )
        assert status == 0, output
        course_dir = Path(state.course_dir)
        source = json.loads((course_dir / "source" / ASSIGNMENT / NOTEBOOK).read_text())
        for index, name in enumerate(state.learner_names):
            learner = room.session(name)
            assert learner.status(COURSE, ASSIGNMENT) == {"released"}
            learner.fetch(COURSE, ASSIGNMENT)
            path = f"{ASSIGNMENT}/{NOTEBOOK}"
            released = learner.read_json(path)
            assert "BEGIN SOLUTION" not in json.dumps(released)
            share = [1.0, 0.5, 0.0][index]
            learner.write_notebook(path, answered(released, source, share))
            learner.submit(COURSE, ASSIGNMENT)
        inbound = Path(state.exchange_root) / COURSE / "inbound"
        room.submissions = {e.split("+")[0]: inbound / e for e in sorted(os.listdir(inbound))}
    return room.submissions


def test_instructor_releases_and_learners_fetch_answer_and_submit(room: Classroom) -> None:
    submissions = _submitted(room)
    assert list(submissions) == room.state.learner_names
    for name, entry in submissions.items():
        assert entry.stat().st_uid == pwd.getpwnam(name).pw_uid
        assert (entry / NOTEBOOK).is_file()


# --- 4. isolation ---------------------------------------------------------------------------------


def test_a_learner_cannot_read_another_s_submission_or_the_instructor_s_source(
    room: Classroom,
) -> None:
    submissions = _submitted(room)
    state = room.state
    alice, bob = state.learner_names[0], state.learner_names[1]
    alice_submission = submissions[alice]
    exchange = Path(state.exchange_root) / COURSE
    targets = {
        "alice's submission folder": str(alice_submission),
        "alice's submitted notebook": str(alice_submission / NOTEBOOK),
        "alice's submission secret": str(alice_submission / "submission_secret.txt"),
        "the list of submissions": str(exchange / "inbound"),
        "the instructor's source": str(Path(state.course_dir) / "source"),
        "the instructor's solutions": str(
            Path(state.course_dir) / "source" / ASSIGNMENT / NOTEBOOK
        ),
        "the gradebook config": str(hub_paths(room.hub_dir)["secrets"] / "instructor.env"),
        "alice's home": pwd.getpwnam(alice).pw_dir,
        "alice's fetched notebook": str(Path(pwd.getpwnam(alice).pw_dir) / ASSIGNMENT / NOTEBOOK),
        # the checkout the instructor's copy came from: item data with keys, hidden tests
        "the checkout's item data": str(REPO / "grading" / "source" / f"{ASSIGNMENT}.yaml"),
        "the checkout's source notebook": str(REPO / "grading" / "source" / ASSIGNMENT / NOTEBOOK),
    }
    if (REPO / "grading" / "gradebook.db").exists():
        targets["the checkout's gradebook"] = str(REPO / "grading" / "gradebook.db")
    if (REPO / ".git").is_dir():
        targets["the checkout's git history"] = str(REPO / ".git" / "objects")
    released = str(exchange / "outbound" / ASSIGNMENT / NOTEBOOK)
    results = room.session(bob).probe([*targets.values(), released])
    assert results[released] == "ok"  # the control: bob's shell can read what is released
    for what, path in targets.items():
        assert results[path] == "PermissionError", f"bob could read {what}: {results[path]}"


def _forged(room: Classroom) -> str:
    """Stage 4a: carol hands in her (empty) notebook as alice. Its inbound entry."""
    _submitted(room)
    if room.forged is None:
        state = room.state
        alice, carol = state.learner_names[0], state.learner_names[2]
        status, output = room.session(carol).run(
            f"cd ~ && nbgrader submit {ASSIGNMENT} --course {COURSE} --student {alice}"
        )
        assert status == 0, output
        inbound = Path(state.exchange_root) / COURSE / "inbound"
        forged = [
            e for e in os.listdir(inbound) if e.startswith(alice + "+")
            and (inbound / e).stat().st_uid == pwd.getpwnam(carol).pw_uid
        ]  # fmt: skip
        assert len(forged) == 1
        room.forged = forged[0]
    return room.forged


def test_a_submission_filed_under_another_name_is_not_collected(room: Classroom) -> None:
    """nbgrader lets carol file a submission under alice's name; collect refuses it
    (the refusal itself: test_instructor_collects_grades_in_parallel_and_returns_feedback)."""
    forged = _forged(room)
    state = room.state
    alice, carol = state.learner_names[0], state.learner_names[2]
    entry = Path(state.exchange_root) / COURSE / "inbound" / forged
    assert forged.startswith(alice + "+")
    assert entry.stat().st_uid == pwd.getpwnam(carol).pw_uid
    assert forged in _graded(room)


def _linked(room: Classroom) -> str:
    """Stage 4b: carol guesses where the instructor's source notebook is and links it in a
    folder of her own making, dated now (later than her real, empty submission)."""
    from datetime import UTC, datetime

    _submitted(room)
    if room.linked is None:
        state = room.state
        carol = state.learner_names[2]
        key = Path(state.course_dir) / "source" / ASSIGNMENT / NOTEBOOK
        inbound = Path(state.exchange_root) / COURSE / "inbound"
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
        name = f"{carol}+{ASSIGNMENT}+{stamp}+handmade"
        status, output = room.session(carol).run(
            f"cd {inbound} && mkdir '{name}' && ln -s {key} '{name}/{NOTEBOOK}'"
        )
        assert status == 0, output
        room.linked = name
    return room.linked


def test_a_hand_made_submission_linking_the_key_is_not_collected(room: Classroom) -> None:
    linked = _linked(room)
    inbound = Path(room.state.exchange_root) / COURSE / "inbound"
    assert (inbound / linked / NOTEBOOK).is_symlink()
    output = _graded(room)
    assert any(linked in line and "symbolic link" in line for line in output.splitlines())


# --- 5. collect, autograde in parallel, feedback, export ---------------------------------------


def _graded(room: Classroom) -> str:
    """Stage 5: the instructor collects (with both hostile entries in the inbound), autogrades
    in parallel, returns feedback, exports and reports, in one shell. Its output."""
    _forged(room)
    _linked(room)
    if room.grading_output is None:
        state = room.state
        status, output = room.session(state.instructor).run(
            f"cd {state.course_dir} && nbgrader collect {ASSIGNMENT} && "
            f"ankle-course grade --course-dir . autograde {ASSIGNMENT} --jobs 3 && "
            f"ankle-course grade --course-dir . feedback {ASSIGNMENT} && "
            f"ankle-course hub return-feedback {ASSIGNMENT} --course-dir . && "
            f"ankle-course grade --course-dir . export {ASSIGNMENT} --to grades.csv && "
            f"ankle-course grade --course-dir . report {ASSIGNMENT}",
            timeout=600,
        )
        assert status == 0, output
        room.grading_output = output
    return room.grading_output


def test_instructor_collects_grades_in_parallel_and_returns_feedback(room: Classroom) -> None:
    output = _graded(room)
    forged, linked = _forged(room), _linked(room)
    state = room.state
    teacher = room.session(state.instructor)
    assert "but owned by" in output
    assert forged in output
    # the hand-made entry with the key linked in is refused; carol's own (empty) one counts
    assert "symbolic link" in output
    refused = [line for line in output.splitlines() if "refused at collect" in line]
    assert any(linked in line and "symbolic link" in line for line in refused)
    assert any(forged in line and "but owned by" in line for line in refused)
    assert f"{ASSIGNMENT}: graded 3" in output
    rows = list(csv.DictReader(io.StringIO(teacher.read_text("ankle-course/grades.csv"))))
    scores = {row["student_id"]: float(row["score"]) for row in rows}
    alice, bob, carol = state.learner_names
    assert set(scores) == {alice, bob, carol}
    maximum = float(rows[0]["max_score"])
    assert scores[alice] == maximum
    assert 0 < scores[bob] < maximum
    assert scores[carol] == 0
    # the gradebook is PostgreSQL, and it has every learner's submission
    import psycopg2

    url = (hub_paths(room.hub_dir)["secrets"] / "instructor.env").read_text().split("=", 1)[1]
    url = url.replace("+psycopg2", "")
    with psycopg2.connect(url.strip()) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT student.id FROM submitted_assignment "
            "JOIN student ON student.id = submitted_assignment.student_id"
        )
        assert sorted(r[0] for r in cur.fetchall()) == sorted(state.learner_names)


def test_learners_fetch_their_own_feedback(room: Classroom) -> None:
    _graded(room)
    state = room.state
    for name in state.learner_names:
        learner = room.session(name)
        with_feedback = learner.fetch_feedback(COURSE, ASSIGNMENT)
        assert with_feedback, f"{name} got no feedback"
        feedback_root = f"{ASSIGNMENT}/feedback"
        stamps = learner.list_dir(feedback_root)
        page = learner.read_text(f"{feedback_root}/{stamps[0]}/{ASSIGNMENT}.html")
        assert name in page
        assert "not diagnosis" in page


# --- 6. teardown ---------------------------------------------------------------------------------


def test_teardown_stops_every_process_and_removes_users_and_folders(room: Classroom) -> None:
    _hub_up(room)
    assert room.hub is not None
    assert room.postgres is not None
    state = room.state
    pids = room.hub.pids()
    assert len(pids) == 2 + 4  # hub, proxy, four servers
    roles = {pid: name for name, pid in room.hub.server_pids.items()}
    roles |= {room.hub.proxy_pid: "the proxy"} if room.hub.proxy_pid else {}
    leftovers = room.hub.stop()
    # the hub stopped its proxy and every server itself
    assert leftovers == [], [roles.get(pid, "the hub") for pid in leftovers]
    room.hub = None
    pg_pid = room.postgres.pid
    room.postgres.stop()
    assert pg_pid is not None
    assert not system.pid_alive(pg_pid)
    room.postgres = None
    for pid in pids:
        assert not system.pid_alive(pid)
    uids = [_uid(name) for name in state.created_users]
    hub_gid = system.grp_gid(state.hub_group)
    report = teardown_hub(room.hub_dir)
    assert report.stopped_pids == []  # nothing of the class was still running
    assert not system.pids_of_uids([u for u in uids if u is not None])
    for name in state.created_users:
        assert _uid(name) is None
        assert not system.group_exists(name)
    assert not system.group_exists(state.hub_group)
    assert not room.hub_dir.exists()
    assert not Path(state.course_dir).exists()
    for folder in state.traverse_grants:
        assert not grant_left_behind(Path(folder), hub_gid)
    # the checkout's modes are as they were before setup
    restored = {p: stat.S_IMODE(p.stat().st_mode) for p in _checkout_private()}
    assert restored == room.checkout_modes


# --- the command line ---------------------------------------------------------------------------


def test_cli_setup_and_teardown_round_trip(capsys: pytest.CaptureFixture[str]) -> None:
    from course.cli import main

    base = Path(tempfile.mkdtemp(prefix="ankle-hub-cli-"))
    os.chmod(base, 0o755)
    prefix = f"ac_c{secrets.token_hex(3)}_"
    hub_dir = base / "hub"
    try:
        bad = base / "bad.csv"
        bad.write_text("id\nsame\nSAME\n", encoding="utf-8")
        args = ["hub", "setup", "--hub-dir", str(hub_dir), "--prefix", prefix]
        args += ["--home-base", str(base / "home"), "--course-dir", str(REPO / "grading")]
        assert main([*args, "--students", str(bad)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("ankle-course: error: ")
        assert "already used by row 2" in err
        assert len(err.strip().splitlines()) == 1
        assert _uid(prefix + "instructor") is None

        roster = base / "roster.csv"
        roster.write_text("id\nDana\nÉmile\n", encoding="utf-8")
        assert main([*args, "--students", str(roster), "--no-passwords"]) == 0
        out = capsys.readouterr().out
        assert f"Émile -> {prefix}emile" in out
        for name in ("instructor", "dana", "emile"):
            assert _uid(prefix + name) is not None
        assert not (hub_dir / "secrets" / "initial-passwords.csv").exists()

        assert main(["hub", "teardown", "--hub-dir", str(hub_dir), "--yes"]) == 0
        torn_down = capsys.readouterr().out
        assert "removed 3 accounts" in torn_down
        restored = r"gave \d+ closed paths of the course folder their modes back"
        assert re.search(restored, torn_down)
        for name in ("instructor", "dana", "emile"):
            assert _uid(prefix + name) is None
        assert not hub_dir.exists()
        assert main(["hub", "teardown", "--hub-dir", str(hub_dir), "--yes"]) == 2
    finally:
        if load_state(hub_dir) is not None:
            teardown_hub(hub_dir)
        shutil.rmtree(base, ignore_errors=True)
