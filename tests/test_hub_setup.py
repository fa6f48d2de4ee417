"""Fast checks of ``ankle-course hub setup``/``teardown`` safety (no hub, no PostgreSQL).

The pure helpers are tested on temporary folders; the refusals and roll-backs call the real
``setup_hub`` as root with random ``ac_u<hex>_`` account names and a temporary course folder,
and check that nothing (user, group, ACL grant, folder, changed mode) is left behind.
"""

from __future__ import annotations

import grp
import os
import pwd
import secrets
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from hub_harness import grant_left_behind
from traitlets.config import Config, PyFileConfigLoader

from course.cli.hub import traverse_warning
from course.errors import HubSetupError
from course.hub import setup as hub_setup
from course.hub import system
from course.hub.courses import grader_nbgrader_config, one_course_plan, person_nbgrader_config
from course.hub.setup import (
    HubState,
    SetupOptions,
    check_names,
    close_to_others,
    course_private_paths,
    folder_problem,
    load_state,
    server_config,
    setup_hub,
    teardown_hub,
)

REPO = Path(__file__).resolve().parent.parent

# creates and removes Unix users, groups and ACL grants: make test runs it through sudo
pytestmark = pytest.mark.root


def _state(**changes: object) -> HubState:
    values: dict[str, object] = {
        "hub_dir": "/srv/x",
        "course_id": "ankle-course",
        "prefix": "ac_",
        "hub_group": "ac_hub",
        "instructor": "ac_instructor",
        "exchange_root": "/srv/x/exchange",
        "course_dir": "/home/ac_instructor/ankle-course",
    }
    values.update(changes)
    return HubState(**values)  # type: ignore[arg-type]


def _load(text: str) -> Config:
    config = Config()
    exec(compile(text, "nbgrader_config.py", "exec"), {"get_config": lambda: config})
    return config


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


# --- pure helpers -------------------------------------------------------------------------------


def test_the_course_folder_s_keys_gradebook_and_git_are_closed_and_restored(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "checkout"
    course = repo / "grading"
    (course / "source" / "safety_scenarios").mkdir(parents=True)
    (course / "source" / "safety_scenarios.yaml").write_text("key: refer\n")
    (course / "release").mkdir()
    (course / "gradebook.db").write_text("")
    (course / "nbgrader_config.py").write_text("")
    (repo / ".git").mkdir()
    for path in (course / "source", repo / ".git"):
        os.chmod(path, 0o755)
    os.chmod(course / "gradebook.db", 0o644)
    private = course_private_paths(course)
    assert private == [course / "source", course / "gradebook.db", repo / ".git"]
    state = _state()
    assert close_to_others(private, state) == [str(p) for p in private]
    assert _mode(course / "source") == 0o750
    assert _mode(course / "gradebook.db") == 0o640
    assert _mode(repo / ".git") == 0o750
    assert _mode(course / "release") == 0o755  # what is released stays readable
    assert close_to_others(private, state) == []  # already closed: nothing more to record
    assert state.closed_modes[str(course / "source")] == 0o755
    report = hub_setup.undo(state)
    assert sorted(report.restored_modes) == sorted(str(p) for p in private)  # and teardown says so
    assert _mode(course / "source") == 0o755
    assert _mode(course / "gradebook.db") == 0o644
    assert _mode(repo / ".git") == 0o755


def test_an_existing_folder_must_already_have_the_mode_setup_needs(tmp_path: Path) -> None:
    srv = tmp_path / "srv"
    srv.mkdir()
    os.chmod(srv, 0o755)
    problem = folder_problem(srv, 0o1777)
    assert problem is not None
    assert str(srv) in problem
    assert "needs mode 1777" in problem
    assert "\n" not in problem
    os.chmod(srv, 0o1777)
    assert folder_problem(srv, 0o1777, 0) is None
    assert folder_problem(tmp_path / "missing", 0o1777) is None  # setup will create it
    (tmp_path / "link").symlink_to(srv)
    assert "symlink" in (folder_problem(tmp_path / "link", 0o1777) or "")


def test_planned_names_must_be_free_as_users_and_as_groups() -> None:
    state = _state()
    accounts = [("ac_instructor", "the instructor account"), ("ac_hub", "roster row 3 (id 'Hub')")]
    with pytest.raises(HubSetupError, match=r"^roster row 3 \(id 'Hub'\) gives .*'ac_hub'.*group"):
        check_names(
            accounts, "ac_hub", state, user_exists=lambda n: False, group_exists=lambda n: False
        )
    only_groups = {"ac_dana"}
    with pytest.raises(HubSetupError, match=r"^roster row 2 \(id 'Dana'\): the group 'ac_dana'"):
        check_names(
            [("ac_dana", "roster row 2 (id 'Dana')")],
            "ac_hub",
            state,
            user_exists=lambda n: False,
            group_exists=lambda n: n in only_groups,
        )
    with pytest.raises(HubSetupError, match="already exists and was not created"):
        check_names([("root", "the instructor account")], "ac_hub", state)
    with pytest.raises(HubSetupError, match="class group 'root'"):
        check_names([], "root", state)
    # what this setup created before is fine (a second run with a longer roster)
    state.created_users.append("root")
    state.created_groups.append("ac_hub")
    check_names([("root", "x")], "ac_hub", state, group_exists=lambda n: True)


def test_the_acl_lock_lives_in_a_root_only_folder_and_never_follows_a_symlink(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "lock"
    fd = system.open_lock(folder, "acl.lock")
    os.close(fd)
    assert _mode(folder) == 0o700
    assert _mode(folder / "acl.lock") == 0o600
    (folder / "acl.lock").unlink()
    (folder / "acl.lock").symlink_to(tmp_path / "victim")
    with pytest.raises(system.HubSystemError, match="cannot open the lock"):
        system.open_lock(folder, "acl.lock")
    assert not (tmp_path / "victim").exists()
    open_folder = tmp_path / "open"
    open_folder.mkdir()
    os.chmod(open_folder, 0o1777)
    with pytest.raises(system.HubSystemError, match="mode 0700"):
        system.open_lock(open_folder, "acl.lock")
    assert str(system._ACL_LOCK_DIR).startswith("/run/")


def test_a_traverse_grant_s_warning_names_what_it_exposes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    for name, mode in ((".gitconfig", 0o644), ("secret.txt", 0o600)):
        (home / name).write_text("")
        os.chmod(home / name, mode)
    for name, mode in ((".cache", 0o755), ("private", 0o700)):
        (home / name).mkdir()
        os.chmod(home / name, mode)
    exposed = system.open_to_others(home)
    assert exposed == [".cache", ".gitconfig"]
    warning = traverse_warning(str(home), "ac_hub", exposed)
    assert warning.startswith(
        f"WARNING: every class account (group ac_hub) may now pass through {home}."
    )
    assert "Open to others there now: .cache, .gitconfig." in warning
    assert "system Python or a venv outside private homes" in warning


def test_a_hub_of_one_course_is_a_roster_of_one_course_kept_by_its_instructor() -> None:
    plan = one_course_plan(
        "spring",
        "ac_instructor",
        "/home/ac_instructor/spring",
        Path("/srv/x/exchange"),
        ["ac_dana", "ac_emile"],
    )
    assert plan.grader == "ac_instructor"
    assert plan.group == ""  # no course group: the exchange area is open to the hub
    assert plan.exchange_dir == "/srv/x/exchange/spring"
    assert plan.learners == ["ac_dana", "ac_emile"]
    assert plan.staff == ["ac_instructor"]
    keeper = _load(grader_nbgrader_config(plan, "/srv/x/exchange"))
    assert keeper.CourseDirectory.course_id == "spring"
    assert keeper.CourseDirectory.root == "/home/ac_instructor/spring"
    assert keeper.Exchange.root == "/srv/x/exchange"
    assert keeper.ExchangeFactory.collect == "course.hub.exchange.OwnerCheckedCollect"
    learner = _load(person_nbgrader_config("/srv/x/exchange", ["spring"], course_in_path=False))
    assert learner.CourseDirectory.course_id == "spring"
    assert learner.ExchangeFactory.submit == "course.hub.exchange.PrivateSubmit"
    assert "path_includes_course" not in learner.Exchange  # fetched into ~/<assignment>
    assert "root" not in learner.CourseDirectory
    assert "collect" not in learner.ExchangeFactory
    server = server_config()["ServerApp"]
    assert isinstance(server, dict)
    assert server["terminado_settings"] == {"shell_command": ["/bin/bash", "-l"]}
    # what a server loads is set by the hub for that launch, not in the person's files
    assert "jpserver_extensions" not in server


# --- the real setup, as root: refusals and roll-backs ------------------------------------------


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """A checkout-like copy of the course folder (with .git), as world-readable as a clone."""
    if os.geteuid() != 0:  # pragma: no cover - CI and the dev machines run as root
        pytest.fail("the hub setup tests create Unix users and must run as root")
    os.chmod(tmp_path, 0o755)
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    shutil.copytree(REPO / "grading" / "source", checkout / "grading" / "source")
    shutil.copy(REPO / "grading" / "nbgrader_config.py", checkout / "grading")
    (checkout / "grading" / "gradebook.db").write_text("")
    for path in [checkout, checkout / ".git", *(checkout / "grading").rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return checkout / "grading"


@pytest.fixture
def prefix() -> Iterator[str]:
    chosen = f"ac_u{secrets.token_hex(3)}_"
    yield chosen
    leftovers = [e.pw_name for e in pwd.getpwall() if e.pw_name.startswith(chosen)]
    leftovers += [g.gr_name for g in grp.getgrall() if g.gr_name.startswith(chosen)]
    for name in leftovers:  # only after a failure: the test then fails on the assert below
        system.delete_user(name)
        system.delete_group(name)
    assert not leftovers, f"left behind: {leftovers}"


def _options(base: Path, course: Path, prefix: str, roster: str, **extra: object) -> SetupOptions:
    (base / "roster.csv").write_text(roster, encoding="utf-8")
    values: dict[str, object] = {
        "roster": base / "roster.csv",
        "hub_dir": base / "hub",
        "course_source": course,
        "prefix": prefix,
        "home_base": base / "home",
        "passwords": False,
    }
    values.update(extra)
    return SetupOptions(**values)  # type: ignore[arg-type]


def _accounts(prefix: str) -> list[str]:
    users = [e.pw_name for e in pwd.getpwall() if e.pw_name.startswith(prefix)]
    return users + [g.gr_name for g in grp.getgrall() if g.gr_name.startswith(prefix)]


def _modes(course: Path) -> dict[str, int]:
    paths = [course / "source", course / "gradebook.db", course.parent / ".git"]
    return {str(p): _mode(p) for p in paths}


def test_a_roster_id_that_gives_the_class_group_s_name_is_refused_before_anything(
    tmp_path: Path, course_copy: Path, prefix: str
) -> None:
    options = _options(tmp_path, course_copy, prefix, "id\nDana\nHub\n")
    with pytest.raises(HubSetupError) as refused:
        setup_hub(options)
    message = str(refused.value)
    assert message.startswith(f"roster row 3 (id 'Hub') gives the account name '{prefix}hub'")
    assert "\n" not in message
    assert not (tmp_path / "hub").exists()
    assert not (tmp_path / "home").exists()
    assert _accounts(prefix) == []


def test_an_existing_group_with_a_planned_name_is_refused_before_anything(
    tmp_path: Path, course_copy: Path, prefix: str
) -> None:
    system.create_group(prefix + "dana")
    try:
        with pytest.raises(
            HubSetupError,
            match=rf"^roster row 2 \(id 'Dana'\): the group '{prefix}dana' already exists",
        ):
            setup_hub(_options(tmp_path, course_copy, prefix, "id\nDana\n"))
        assert _accounts(prefix) == [prefix + "dana"]
        assert not (tmp_path / "hub").exists()
    finally:
        system.delete_group(prefix + "dana")


def test_an_existing_exchange_or_hub_folder_is_never_opened_up(
    tmp_path: Path, course_copy: Path, prefix: str
) -> None:
    srv = tmp_path / "srv"
    srv.mkdir()
    os.chmod(srv, 0o755)
    options = _options(tmp_path, course_copy, prefix, "id\nDana\n", exchange_root=srv)
    with pytest.raises(
        HubSetupError, match=rf"^{srv} already exists with mode 0755; .*needs mode 1777"
    ):
        setup_hub(options)
    assert _mode(srv) == 0o755
    hub = tmp_path / "hub"
    hub.mkdir()
    os.chmod(hub, 0o750)
    with pytest.raises(
        HubSetupError, match=rf"^{hub} already exists with mode 0750; .*needs mode 0755"
    ):
        setup_hub(_options(tmp_path, course_copy, prefix, "id\nDana\n"))
    assert _mode(hub) == 0o750
    assert list(hub.iterdir()) == []
    assert _accounts(prefix) == []
    assert not (tmp_path / "home").exists()


def test_a_damaged_state_file_is_a_one_line_error_and_is_kept(
    tmp_path: Path, course_copy: Path, prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from course.cli import main

    hub = tmp_path / "hub"
    hub.mkdir()
    os.chmod(hub, 0o755)
    for damage in (b'{"hub_dir": "/srv/x", ', b"[1, 2]", b'{"hub_dir": 3}', b"\xff\xfe"):
        (hub / "state.json").write_bytes(damage)
        with pytest.raises(HubSetupError, match=r"state.json is unreadable or damaged \(") as bad:
            load_state(hub)
        assert "\n" not in str(bad.value)
        with pytest.raises(HubSetupError, match="damaged"):
            setup_hub(_options(tmp_path, course_copy, prefix, "id\nDana\n"))
        assert main(["hub", "teardown", "--hub-dir", str(hub), "--yes"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("ankle-course: error: ")
        assert len(err.strip().splitlines()) == 1
        assert (hub / "state.json").read_bytes() == damage
    assert _accounts(prefix) == []
    assert _modes(course_copy) == dict.fromkeys(_modes(course_copy), 0o755) | {
        str(course_copy / "gradebook.db"): 0o644
    }


class _Seen:
    state: HubState | None = None
    gid: int | None = None


def _failing_runtime_check(seen: type[_Seen], hub_dir: Path) -> object:
    def check(user: str) -> None:
        seen.state = load_state(hub_dir)
        assert seen.state is not None
        seen.gid = system.grp_gid(seen.state.hub_group)
        raise HubSetupError(f"learner {user} cannot run the course's Python: ImportError: boom")

    return check


def test_a_failed_runtime_check_removes_everything_this_run_created(
    tmp_path: Path, course_copy: Path, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = _modes(course_copy)
    options = _options(tmp_path, course_copy, prefix, "id\nDana\nEmile\n", passwords=True)
    seen = _Seen
    monkeypatch.setattr(
        hub_setup, "check_learner_runtime", _failing_runtime_check(seen, tmp_path / "hub")
    )
    with pytest.raises(HubSetupError) as failed:
        setup_hub(options)
    message = str(failed.value)
    assert message.startswith(f"learner {prefix}dana cannot run the course's Python")
    assert message.endswith("what this run created was removed again (nothing left behind)")
    assert seen.state is not None
    assert seen.gid is not None
    assert len(seen.state.created_users) == 3  # it got as far as the check
    assert _accounts(prefix) == []
    assert not (tmp_path / "hub").exists()
    assert not (tmp_path / "home").exists()
    for folder in seen.state.traverse_grants:
        assert not grant_left_behind(Path(folder), seen.gid)
    assert _modes(course_copy) == opened


def test_a_failure_partway_through_accounts_is_rolled_back(
    tmp_path: Path, course_copy: Path, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = system.create_user
    made: list[str] = []

    def second_fails(name: str, **kwargs: object) -> int:
        if made:
            raise system.HubSystemError("useradd failed: cannot lock /etc/passwd")
        made.append(name)
        return real(name, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(system, "create_user", second_fails)
    with pytest.raises(HubSetupError, match=r"^useradd failed: .*removed again"):
        setup_hub(_options(tmp_path, course_copy, prefix, "id\nDana\n"))
    assert made == [prefix + "instructor"]
    assert _accounts(prefix) == []
    assert not (tmp_path / "hub").exists()


def test_a_failed_second_run_keeps_the_first_run_s_class(
    tmp_path: Path, course_copy: Path, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = _modes(course_copy)
    monkeypatch.setattr(hub_setup, "check_learner_runtime", lambda user: None)
    first = setup_hub(_options(tmp_path, course_copy, prefix, "id\nDana\n"))
    assert sorted(first.new_users) == [prefix + "dana", prefix + "instructor"]
    assert all(_modes(course_copy)[p] & 0o007 == 0 for p in opened)  # closed to learners
    for name in first.new_users:
        assert pwd.getpwnam(name).pw_shell == system.NOLOGIN_SHELL
    exchange = Path(first.state.exchange_root)
    assert _mode(exchange) == 0o1777  # created by setup, so setup set its mode
    before = (tmp_path / "hub" / "state.json").read_text()

    seen = _Seen
    monkeypatch.setattr(
        hub_setup, "check_learner_runtime", _failing_runtime_check(seen, tmp_path / "hub")
    )
    with pytest.raises(HubSetupError, match="removed again"):
        setup_hub(_options(tmp_path, course_copy, prefix, "id\nDana\nEmile\n"))
    assert seen.state is not None
    assert prefix + "emile" in seen.state.created_users
    assert sorted(_accounts(prefix)) == sorted([*first.new_users, *first.new_users, prefix + "hub"])
    assert (tmp_path / "hub" / "state.json").read_text() == before
    assert not (tmp_path / "home" / f"{prefix}emile").exists()

    report = teardown_hub(tmp_path / "hub")
    assert sorted(report.removed_users) == sorted(first.new_users)
    assert _accounts(prefix) == []
    assert not (tmp_path / "hub").exists()
    assert _modes(course_copy) == opened


def test_a_hub_of_one_course_is_set_up_like_any_course_and_extended(
    tmp_path: Path, course_copy: Path, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The instructor's course folder names the hub's course id (the copied config says
    ankle-course and is loaded last), and a second run keeps the first run's learners."""
    monkeypatch.setattr(hub_setup, "check_learner_runtime", lambda user: None)
    monkeypatch.delenv("ANKLE_COURSE_DB_URL", raising=False)
    options = _options(
        tmp_path, course_copy, prefix, "id\nDana\n", course_id="spring", passwords=True
    )
    report = setup_hub(options)
    state = report.state
    instructor = prefix + "instructor"
    assert report.passwords_file is not None  # the instructor logs in too; no grader account
    logins = [row.split(",")[0] for row in report.passwords_file.read_text().splitlines()[1:]]
    assert sorted(logins) == [prefix + "dana", instructor]
    assert state.courses == []  # no formgrader service: formgrader is in the instructor's lab
    folder = tmp_path / "home" / instructor / "spring"
    assert state.course_dir == str(folder)
    loaded = PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()
    assert loaded.CourseDirectory.course_id == "spring"
    assert loaded.CourseDirectory.root == str(folder)
    assert (folder / "nbgrader_config.py").stat().st_uid == pwd.getpwnam(instructor).pw_uid
    exchange = Path(state.exchange_root) / "spring"
    assert _mode(exchange) == 0o755
    assert exchange.stat().st_uid == pwd.getpwnam(instructor).pw_uid
    assert _mode(exchange / "inbound") == 0o3733
    learner_file = tmp_path / "home" / f"{prefix}dana" / ".jupyter" / "nbgrader_config.py"
    learner = PyFileConfigLoader(learner_file.name, path=str(learner_file.parent)).load_config()
    assert learner.CourseDirectory.course_id == "spring"
    assert "path_includes_course" not in learner.Exchange

    again = setup_hub(_options(tmp_path, course_copy, prefix, "id\nEmile\n", course_id="spring"))
    assert again.new_users == [prefix + "emile"]
    students = (folder / "students.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in students[1:]] == [prefix + "dana", prefix + "emile"]
    text = (folder / "nbgrader_config.py").read_text()
    assert text.count("on this hub, this folder is course spring") == 1

    teardown_hub(tmp_path / "hub")
    assert _accounts(prefix) == []
    assert not folder.exists()


# --- several courses: refusals, roll-back and the command line ---------------------------------

_COURSES = (
    "id,course,role\nIna,class-a,instructor\nTom,class-a,ta\nLu,class-a,\nBo,class-b,instructor\n"
)


def test_a_failed_setup_of_several_courses_removes_graders_groups_and_folders(
    tmp_path: Path, course_copy: Path, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _Seen
    monkeypatch.setattr(
        hub_setup, "check_learner_runtime", _failing_runtime_check(seen, tmp_path / "hub")
    )
    with pytest.raises(HubSetupError, match="removed again"):
        setup_hub(_options(tmp_path, course_copy, prefix, _COURSES))
    assert seen.state is not None
    made = seen.state.created_users
    assert {f"{prefix}grader-class-a", f"{prefix}grader-class-b", f"{prefix}lu"} <= set(made)
    assert f"{prefix}course-class-a" in seen.state.created_groups
    courses = [Path(c["course_dir"]) for c in seen.state.courses]
    assert courses == [
        tmp_path / "hub" / "courses" / "class-a",
        tmp_path / "hub" / "courses" / "class-b",
    ]
    assert _accounts(prefix) == []
    assert not (tmp_path / "hub").exists()
    assert not (tmp_path / "home").exists()


def test_one_course_and_several_courses_never_mix_on_one_hub(
    tmp_path: Path, course_copy: Path, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_setup, "check_learner_runtime", lambda user: None)
    setup_hub(_options(tmp_path, course_copy, prefix, "id\nDana\n"))
    before = (tmp_path / "hub" / "state.json").read_text()
    with pytest.raises(HubSetupError, match=r"was set up for instructor .*; run teardown first"):
        setup_hub(_options(tmp_path, course_copy, prefix, _COURSES))
    other = tmp_path / "other"
    with pytest.raises(HubSetupError, match=r"^--db-url is for a roster of one course"):
        setup_hub(_options(tmp_path, course_copy, prefix, _COURSES, hub_dir=other, db_url="x"))
    with pytest.raises(HubSetupError, match=r"^--instructor is for a roster of one course"):
        setup_hub(_options(tmp_path, course_copy, prefix, _COURSES, hub_dir=other, instructor="t"))
    assert (tmp_path / "hub" / "state.json").read_text() == before
    assert not (tmp_path / "other").exists()
    teardown_hub(tmp_path / "hub")
    assert _accounts(prefix) == []


def test_the_cli_sets_up_several_courses_and_refuses_a_bad_roster_in_one_line(
    tmp_path: Path, course_copy: Path, prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from course.cli import main

    hub = tmp_path / "hub"
    args = ["hub", "setup", "--hub-dir", str(hub), "--prefix", prefix, "--no-passwords"]
    args += ["--home-base", str(tmp_path / "home"), "--course-dir", str(course_copy)]
    bad = tmp_path / "bad.csv"
    bad.write_text("id,course,role\nIna,class-a,teacher\n", encoding="utf-8")
    assert main([*args, "--students", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        f"ankle-course: error: {bad}: row 2: column role: unknown role 'teacher': "
        "use learner, ta or instructor"
    )
    assert _accounts(prefix) == []
    assert not hub.exists()

    good = tmp_path / "good.csv"
    good.write_text(_COURSES, encoding="utf-8")
    assert main([*args, "--students", str(good)]) == 0
    out = capsys.readouterr().out
    assert f"Course class-a: folder {hub}/courses/class-a (grader {prefix}grader-class-a)" in out
    assert f"instructors {prefix}ina; TAs {prefix}tom; learners 1" in out
    assert "formgrader /services/class-b/formgrader/" in out
    # between the runs, a learner (from her terminal) and a TA (from the grader's formgrader
    # terminal) point files setup rewrites at a file of root's: setup writes as each owner,
    # so the link is replaced, never followed with root's rights
    secret = tmp_path / "root-only.txt"
    secret.write_text("root's\n", encoding="utf-8")
    os.chmod(secret, 0o644)
    lu = pwd.getpwnam(f"{prefix}lu")
    grader = pwd.getpwnam(f"{prefix}grader-class-a")
    planted = {
        Path(lu.pw_dir) / ".profile": lu,
        Path(lu.pw_dir) / ".jupyter" / "nbgrader_config.py": lu,
        hub / "courses" / "class-a" / "students.csv": grader,
    }
    lesson = Path(lu.pw_dir) / "ankle-course" / "00_welcome.ipynb"
    lesson.unlink()
    lesson.symlink_to(secret)  # kept as the learner's own edit, and never written through
    os.lchown(lesson, lu.pw_uid, lu.pw_gid)
    for link, owner in planted.items():
        link.unlink()
        link.symlink_to(secret)
        os.lchown(link, owner.pw_uid, owner.pw_gid)
    # run again with one more learner: she joins her course's group, nothing else changes
    good.write_text(_COURSES + "Zoe,class-b,learner\n", encoding="utf-8")
    assert main([*args, "--students", str(good)]) == 0
    assert secret.read_text(encoding="utf-8") == "root's\n"
    assert (secret.stat().st_uid, secret.stat().st_mode & 0o777) == (0, 0o644)
    for link, owner in planted.items():
        assert not link.is_symlink()
        assert link.stat().st_uid == owner.pw_uid
    assert "ankle-course" in (Path(lu.pw_dir) / ".profile").read_text(encoding="utf-8")
    assert lesson.is_symlink()
    assert "Course class-b" in capsys.readouterr().out
    zoe = pwd.getpwnam(f"{prefix}zoe")
    zoe_groups = os.getgrouplist(zoe.pw_name, zoe.pw_gid)
    assert grp.getgrnam(f"{prefix}course-class-b").gr_gid in zoe_groups
    assert grp.getgrnam(f"{prefix}course-class-a").gr_gid not in zoe_groups
    state = load_state(hub)
    assert state is not None
    assert state.courses[1]["members"] == {f"{prefix}bo": "instructor", f"{prefix}zoe": "learner"}
    students = (hub / "courses" / "class-b" / "students.csv").read_text()
    assert students.splitlines()[1:] == [f"{prefix}zoe,,,"]
    assert main(["hub", "teardown", "--hub-dir", str(hub), "--yes"]) == 0
    assert "removed 7 accounts" in capsys.readouterr().out  # 5 people and 2 graders
    assert _accounts(prefix) == []
