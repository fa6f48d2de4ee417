"""Several courses on one hub, planned and configured without a hub: account and group names,
each person's and each grader's nbgrader settings (loaded as nbgrader loads them), and the
JupyterHub services, groups and roles that ``deploy/hub/jupyterhub_config.py`` builds."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jupyterhub.roles import _validate_role_name
from jupyterhub.scopes import _check_scopes_exist
from traitlets.config import Config, PyFileConfigLoader

from course.errors import HubSetupError, RosterError
from course.hub.courses import (
    CoursePlan,
    course_dir_config,
    course_group,
    formgrade_group,
    grader_name,
    grader_nbgrader_config,
    hub_course_config,
    learner_group,
    merge_plans,
    person_nbgrader_config,
    plan_courses,
)
from course.hub.roster import _COURSE, Membership, Roster, safe_name

REPO = Path(__file__).resolve().parent.parent
PREFIX = "ac_"


def _roster() -> Roster:
    members = [
        Membership("ac_ines", "anat-a", "instructor"),
        Membership("ac_tom", "anat-a", "ta"),
        Membership("ac_lea", "anat-a", "learner"),
        Membership("ac_bo", "cohort_b", "instructor"),
        Membership("ac_lea", "cohort_b", "learner"),
        Membership("ac_max", "cohort_b", "learner"),
    ]
    return Roster((), tuple(members), True)


def _plans() -> list[CoursePlan]:
    return plan_courses(_roster(), PREFIX, Path("/srv/hub"), Path("/srv/hub/exchange"))


def _load(text: str) -> Config:
    config = Config()
    exec(compile(text, "nbgrader_config.py", "exec"), {"get_config": lambda: config})
    return config


def test_each_course_gets_its_own_grader_group_folder_and_exchange() -> None:
    a, b = _plans()
    assert a.course_id == "anat-a"
    assert a.grader == "ac_grader-anat-a"
    assert a.group == "ac_course-anat-a"
    assert a.course_dir == "/srv/hub/courses/anat-a"
    assert a.exchange_dir == "/srv/hub/exchange/anat-a"
    assert a.staff == ["ac_ines", "ac_tom"]
    assert a.learners == ["ac_lea"]
    assert b.learners == ["ac_lea", "ac_max"]
    assert CoursePlan.from_record(json.loads(json.dumps(a.record()))) == a


@settings(max_examples=200, deadline=None)
@given(
    raw=st.text(min_size=1, max_size=40),
    course=st.from_regex(r"[a-z][a-z0-9_-]{0,19}", fullmatch=True),
)
def test_no_roster_id_can_take_a_course_s_account_or_group_name(raw: str, course: str) -> None:
    try:
        name = safe_name(PREFIX, raw)
    except RosterError:
        return  # no letters or digits: refused by the roster anyway
    assert name not in {grader_name(PREFIX, course), course_group(PREFIX, course)}


@settings(max_examples=200, deadline=None)
@given(course=st.from_regex(_COURSE, fullmatch=True))
def test_every_name_the_hub_gets_from_an_accepted_course_is_valid_for_jupyterhub(
    course: str,
) -> None:
    """Any course name the roster accepts gives role names JupyterHub accepts (it refuses to
    start on one ending in '-' or '_')."""
    roster = Roster((), (Membership("ac_ines", course, "instructor"),), True)
    plans = plan_courses(roster, PREFIX, Path("/srv/hub"), Path("/srv/hub/exchange"))
    config = hub_course_config([plans[0].record()], [9000], ["x"], "/usr/bin")
    assert all(_validate_role_name(role["name"]) for role in config["roles"])


def test_a_learner_of_one_course_lists_only_it_and_keeps_submissions_private() -> None:
    one = _load(person_nbgrader_config("/srv/hub/exchange", ["anat-a"]))
    assert one.CourseDirectory.course_id == "anat-a"
    assert one.Exchange.root == "/srv/hub/exchange"
    assert one.Exchange.path_includes_course is True
    assert one.ExchangeFactory.submit == "course.hub.exchange.PrivateSubmit"
    # a learner of two courses lists exactly those; staff only: no course, nothing listed
    for courses in (["cohort_b", "anat-a"], []):
        config = _load(person_nbgrader_config("/x", courses))
        assert "course_id" not in config.CourseDirectory
        assert config.ExchangeFactory.list == "course.hub.exchange.OwnCoursesList"
        assert config.OwnCoursesList.courses == sorted(courses)


def test_a_made_up_course_in_the_exchange_is_not_listed(tmp_path: Path) -> None:
    """Anyone may write in the exchange root: a course a learner makes there stays unlisted."""
    from nbgrader.coursedir import CourseDirectory

    from course.hub.exchange import OwnCoursesList

    for course in ("anat-a", "cohort_b", "fake"):
        (tmp_path / course / "outbound" / "quiz").mkdir(parents=True)
    config = _load(person_nbgrader_config(str(tmp_path), ["anat-a", "cohort_b"]))
    config.CourseDirectory.root = str(tmp_path / "home")
    lister = OwnCoursesList(coursedir=CourseDirectory(config=config), config=config)
    lister.init_dest()
    listed = sorted(lister.parse_assignment(p)["course_id"] for p in lister.assignments)
    assert listed == ["anat-a", "cohort_b"]


def test_the_grader_s_settings_and_the_course_folder_both_name_the_course(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _plans()[0]
    grader = _load(grader_nbgrader_config(a, "/srv/hub/exchange"))
    assert grader.CourseDirectory.root == a.course_dir
    assert grader.CourseDirectory.course_id == "anat-a"
    assert grader.ExchangeFactory.collect == "course.hub.exchange.OwnerCheckedCollect"
    # the course folder's own config (loaded last, from the service's cwd) names the course
    # "ankle-course"; setup's addition makes the copy this course, with its gradebook beside it
    folder = tmp_path / "anat-a"
    folder.mkdir()
    shutil.copy(REPO / "grading" / "nbgrader_config.py", folder)
    with (folder / "nbgrader_config.py").open("a", encoding="utf-8") as handle:
        handle.write(course_dir_config("anat-a"))
    monkeypatch.delenv("ANKLE_COURSE_DB_URL", raising=False)
    loaded = PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()
    assert loaded.CourseDirectory.course_id == "anat-a"
    assert loaded.CourseDirectory.root == str(folder)
    assert loaded.CourseDirectory.db_url == f"sqlite:///{folder / 'gradebook.db'}"


def _hub(plans: list[CoursePlan]) -> dict[str, Any]:
    records = [plan.record() for plan in plans]
    return hub_course_config(records, [9001, 9002], ["python", "-m", "x"], "/venv/bin:/usr/bin")


def test_one_formgrader_service_per_course_run_by_its_grader() -> None:
    config = _hub(_plans())
    a, b = config["services"]
    assert a["name"] == "anat-a"
    assert a["url"] == "http://127.0.0.1:9001"
    assert a["user"] == "ac_grader-anat-a"
    assert a["cwd"] == a["environment"]["JUPYTERHUB_ROOT_DIR"] == "/srv/hub/courses/anat-a"
    assert a["environment"]["JUPYTERHUB_DEFAULT_URL"] == "/formgrader"
    assert a["command"] == ["python", "-m", "x"]
    assert b["user"] == "ac_grader-cohort_b"
    assert b["url"] == "http://127.0.0.1:9002"


def test_only_a_course_s_staff_may_open_its_formgrader() -> None:
    config = _hub(_plans())
    groups = config["groups"]
    assert groups[formgrade_group("anat-a")] == {"users": ["ac_ines", "ac_tom"]}
    assert groups[learner_group("anat-a")] == {"users": ["ac_lea"]}
    assert groups[formgrade_group("cohort_b")] == {"users": ["ac_bo"]}
    roles = {role["name"]: role for role in config["roles"]}
    for role in roles.values():
        _check_scopes_exist(role["scopes"])  # JupyterHub's own check: every scope exists
    access = {
        scope: role.get("groups", []) + role.get("users", [])
        for role in roles.values()
        for scope in role["scopes"]
        if scope.startswith("access:")
    }
    assert access == {
        "access:services!service=anat-a": ["formgrade-anat-a"],
        "access:services!service=cohort_b": ["formgrade-cohort_b"],
    }
    # instructors (not TAs) see their own course's learners and start or stop their servers
    teacher = roles["instructor-anat-a"]
    assert teacher["users"] == ["ac_ines"]
    assert "servers!group=nbgrader-anat-a" in teacher["scopes"]
    assert not any(s.startswith("access:servers") for s in teacher["scopes"])
    assert all("!" in s or s == "admin-ui" for s in teacher["scopes"])


def test_a_second_run_adds_people_and_courses_but_never_changes_a_role() -> None:
    a, b = _plans()
    grown = CoursePlan(**{**a.record(), "members": {"ac_new": "learner"}})
    merged = merge_plans([a.record()], [grown, b])
    assert [p.course_id for p in merged] == ["anat-a", "cohort_b"]
    assert merged[0].members == {**a.members, "ac_new": "learner"}
    changed = CoursePlan(**{**a.record(), "members": {"ac_tom": "instructor"}})
    with pytest.raises(HubSetupError, match=r"ac_tom is ta of course 'anat-a'.*does not change"):
        merge_plans([a.record()], [changed])


def test_the_hub_config_builds_the_course_services_from_hub_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """deploy/hub/jupyterhub_config.py itself, loaded by traitlets as JupyterHub loads it."""
    hub_dir = tmp_path / "hub"
    (hub_dir / "secrets").mkdir(parents=True)
    for name in ("proxy_token", "admin_token", "cookie_secret"):
        (hub_dir / "secrets" / name).write_text("x\n")
    settings_ = {
        "instructor": "",
        "learners": ["ac_ines", "ac_tom", "ac_lea", "ac_bo", "ac_max"],
        "venv_bin": "/venv/bin",
        "admin_service": "ankle-course-admin",
        "courses": [plan.record() for plan in _plans()],
    }
    (hub_dir / "hub.json").write_text(json.dumps(settings_))
    proxy = tmp_path / "bin" / "configurable-http-proxy"
    proxy.parent.mkdir()
    proxy.write_text("#!/bin/sh\n")
    proxy.chmod(0o755)
    monkeypatch.setenv("ANKLE_HUB_DIR", str(hub_dir))
    monkeypatch.setenv("PATH", f"{proxy.parent}:{os.environ['PATH']}")
    config_file = REPO / "deploy" / "hub" / "jupyterhub_config.py"
    loaded = PyFileConfigLoader(config_file.name, path=str(config_file.parent)).load_config()
    assert loaded.Authenticator.allowed_users == set(settings_["learners"])
    services = {s["name"]: s for s in loaded.JupyterHub.services}
    assert set(services) == {"ankle-course-admin", "anat-a", "cohort_b", "idle-culler"}
    assert services["anat-a"]["user"] == "ac_grader-anat-a"
    assert services["anat-a"]["url"] != services["cohort_b"]["url"]  # a free port each
    assert loaded.JupyterHub.load_groups["formgrade-anat-a"] == {"users": ["ac_ines", "ac_tom"]}
    names = [role["name"] for role in loaded.JupyterHub.load_roles]
    assert {"formgrade-anat-a", "instructor-cohort_b", "ankle-course-automation"} <= set(names)


def test_a_course_folder_someone_made_in_the_open_exchange_is_refused(tmp_path: Path) -> None:
    """Anyone may make a folder in the exchange root, even one this setup made: a course's
    exchange area must be setup's own, while a course folder in a home setup made is setup's."""
    from course.hub.course_setup import check_courses
    from course.hub.courses import one_course_plan
    from course.hub.state import HubState

    exchange, home = tmp_path / "exchange", tmp_path / "home" / "ac_instructor"
    (home / "spring").mkdir(parents=True)
    state = HubState(
        hub_dir=str(tmp_path / "hub"),
        course_id="spring",
        prefix="ac_",
        hub_group="ac_hub",
        instructor="ac_instructor",
        exchange_root=str(exchange),
        course_dir=str(home / "spring"),
        created_paths=[str(exchange), str(home)],
    )
    plan = one_course_plan("spring", "ac_instructor", state.course_dir, exchange, ["ac_dana"])
    check_courses([plan], state)  # the course folder is in the home setup made
    (exchange / "spring").mkdir(parents=True)  # a learner was first
    with pytest.raises(HubSetupError, match="exchange/spring already exists and was not created"):
        check_courses([plan], state)
    state.created_paths.append(str(exchange / "spring"))  # an earlier run made it: used
    check_courses([plan], state)
