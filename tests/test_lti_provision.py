"""Who becomes whom at a launch, without making accounts: account names from LMS claims, the
course of an LMS context, the hub groups of course roles, the hub's LTI roles and the pages
(course.lti.provision, course.lti.authenticator, course.lti.pages). Making the accounts for
real is tests/test_lti_hub.py's (as root, under the lock)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.errors import LaunchRefusedError
from course.hub.state import HubState
from course.lti.authenticator import groups_of, lti_roles
from course.lti.config import parse_platform
from course.lti.deep_link import Activity
from course.lti.launch import Launch
from course.lti.pages import chooser, new_tab, refusal
from course.lti.provision import account_name, course_for
from course.lti.store import Context, Store

ISS = "https://lms.example.org"
PLATFORM = parse_platform(
    {
        "issuer": ISS,
        "client_id": "c",
        "deployment_ids": ["d"],
        "authorize_url": f"{ISS}/auth",
        "jwks_url": f"{ISS}/jwks",
        "token_url": f"{ISS}/token",
        "courses": {"ctx-a": "spring-a"},
    },
    "PLATFORM.json",
)


def _launch(**changes: object) -> Launch:
    base: dict[str, object] = {
        "issuer": ISS,
        "sub": "u-1",
        "deployment_id": "d",
        "message_type": "LtiResourceLinkRequest",
        "roles": (),
        "context_id": "ctx-a",
    }
    return Launch(**{**base, **changes})  # type: ignore[arg-type]


def _state(tmp_path: Path, *courses: str) -> HubState:
    state = HubState(str(tmp_path), "", "ac_", "ac_hub", "", str(tmp_path / "x"), "")
    state.courses = [
        {
            "course_id": c,
            "grader": f"ac_grader-{c}",
            "group": f"ac_course-{c}",
            "course_dir": "",
            "exchange_dir": "",
            "members": {},
        }
        for c in courses
    ]
    return state


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path)
    yield opened
    opened.close()


def test_account_names_come_from_the_username_claim_made_safe() -> None:
    assert account_name(_launch(username="Léa.Martin"), "ac_") == "ac_lea_martin"
    assert account_name(_launch(username="bob+o'neil"), "ac_") == "ac_bob_o_neil"


def test_without_a_username_the_name_is_a_digest_of_issuer_and_sub() -> None:
    first = account_name(_launch(username=""), "ac_")
    assert first.startswith("ac_lms_")
    assert account_name(_launch(username="", sub="u-2"), "ac_") != first
    assert account_name(_launch(username="", issuer="https://other.example"), "ac_") != first
    assert account_name(_launch(username="***"), "ac_").startswith("ac_lms_")


@given(st.text(max_size=80), st.text(min_size=1, max_size=40))
def test_every_account_name_is_a_safe_unix_name(username: str, sub: str) -> None:
    name = account_name(_launch(username=username, sub=sub), "ac_")
    assert len(name) <= 32
    assert name.startswith("ac_")
    assert all(c.islower() or c.isdigit() or c == "_" for c in name)


def test_the_lms_course_selects_the_hub_course(tmp_path: Path, store: Store) -> None:
    state = _state(tmp_path, "spring-a", "spring-b")
    assert course_for(_launch(), "learner", PLATFORM, store, state) == ("spring-a", False)
    # a context recorded by an earlier launch wins over PLATFORM.json
    store.save_context(Context(ISS, "ctx-z", "spring-b"))
    assert course_for(_launch(context_id="ctx-z"), "learner", PLATFORM, store, state) == (
        "spring-b",
        False,
    )


def test_an_unknown_lms_course_is_refused_with_a_clear_reason(tmp_path: Path, store: Store) -> None:
    state = _state(tmp_path, "spring-a")
    unknown = _launch(context_id="ctx-new")
    with pytest.raises(LaunchRefusedError, match="not connected to a course on the hub yet"):
        course_for(unknown, "learner", PLATFORM, store, state)
    with pytest.raises(LaunchRefusedError, match=r"'ctx-new' to PLATFORM\.json's courses"):
        course_for(unknown, "instructor", PLATFORM, store, state)
    allowing = PLATFORM.model_copy(update={"allow_instructor_course_creation": True})
    course, new = course_for(unknown, "instructor", allowing, store, state)
    assert new
    assert course.startswith("lms-")
    with pytest.raises(LaunchRefusedError):  # a learner never creates a course
        course_for(unknown, "learner", allowing, store, state)
    with pytest.raises(LaunchRefusedError, match="no context"):
        course_for(_launch(context_id=""), "learner", PLATFORM, store, state)


def test_course_roles_become_hub_groups_never_admin() -> None:
    assert groups_of([("a", "learner")]) == ["nbgrader-a"]
    assert groups_of([("a", "ta")]) == ["formgrade-a"]
    assert groups_of([("a", "instructor"), ("b", "learner")]) == [
        "formgrade-a",
        "instructors-a",
        "nbgrader-b",
    ]


def test_instructor_roles_are_held_by_groups_on_an_lti_hub() -> None:
    roles = [
        {"name": "instructor-a", "users": ["x"], "scopes": ["admin-ui"]},
        {"name": "formgrade-a", "groups": ["formgrade-a"], "scopes": []},
    ]
    changed = lti_roles(roles)
    assert changed[0] == {
        "name": "instructor-a",
        "groups": ["instructors-a"],
        "scopes": ["admin-ui"],
    }
    assert changed[1] == roles[1]


def test_pages_escape_what_comes_from_outside() -> None:
    assert "<script>alert" not in refusal("<script>alert(1)</script>")
    assert "&lt;script&gt;" in refusal("<script>alert(1)</script>")
    page = new_tab('https://hub/login?x="><img src=x>')
    assert '"><img' not in page
    assert 'target="_blank"' in page
    form = chooser([Activity("assessment", "a", "<b>A</b>", 5.0)], "/hub/lti13/deep_link", "")
    assert "&lt;b&gt;A&lt;/b&gt; (5 points)" in form


def test_the_hub_config_of_an_lti_hub(tmp_path: Path) -> None:
    from traitlets.config import Config

    from course.lti.authenticator import CourseLTIAuthenticator, configure_hub
    from course.lti.keys import ensure_tool_key
    from course.lti.settings import platform_path

    platform_path(tmp_path).parent.mkdir(mode=0o700)
    platform_path(tmp_path).write_text(PLATFORM.model_dump_json(), encoding="utf-8")
    (tmp_path / "secrets").mkdir(mode=0o700)
    ensure_tool_key(tmp_path)
    calls: list[str] = []
    c = Config()
    c.Spawner.pre_spawn_hook = lambda spawner: calls.append("course hook")
    configure_hub(c, tmp_path, "https://jupyter.school.edu")
    assert c.JupyterHub.authenticator_class is CourseLTIAuthenticator
    assert c.CourseLTIAuthenticator.client_id == {"c"}
    assert c.CourseLTIAuthenticator.manage_groups is True
    settings = c.JupyterHub.tornado_settings
    assert settings["cookie_options"] == {"samesite": "None", "secure": True}
    assert settings["headers"]["Content-Security-Policy"] == f"frame-ancestors 'self' {ISS}"

    class Spawner:
        def __init__(self) -> None:
            self.environment = {"JUPYTER_CONFIG_PATH": "/srv/hub/jupyter/hub_learner"}

    spawner = Spawner()
    c.Spawner.pre_spawn_hook(spawner)
    assert calls == ["course hook"]  # the course's own hook still runs first
    # served over https: every person's server reads the folder with third-party cookies
    assert spawner.environment["JUPYTER_CONFIG_PATH"] == (
        f"{tmp_path}/jupyter/lti-https:/srv/hub/jupyter/hub_learner"
    )
    plain = Config()
    plain.Spawner.cmd = ["/venv/bin/python", "-m", "course.hub.singleuser"]
    plain.Spawner.environment = {"PATH": "/venv/bin:/usr/bin"}
    configure_hub(plain, tmp_path, "http://127.0.0.1:8000")
    assert "cookie_options" not in plain.JupyterHub.tornado_settings
    other = Spawner()
    plain.Spawner.pre_spawn_hook(other)
    assert other.environment["JUPYTER_CONFIG_PATH"].startswith(f"{tmp_path}/jupyter/lti:")
    # a course made at a launch gets its formgrader as the others do (course.lti.live_course)
    assert plain.CourseLTIAuthenticator.formgrader_command == list(plain.Spawner.cmd)
    assert plain.CourseLTIAuthenticator.formgrader_path == "/venv/bin:/usr/bin"


def test_a_course_made_at_a_launch_gets_the_roles_of_a_configured_one() -> None:
    """The roles the running hub is given for a course made at an instructor's launch
    (course.lti.live_course) are those a restart makes from hub.json: held by groups only."""
    from jupyterhub.scopes import _check_scopes_exist

    from course.hub.courses import hub_course_config
    from course.lti.live_course import course_roles

    record = {
        "course_id": "lms-0a1b2c3d",
        "grader": "ac_grader-lms-0a1b2c3d",
        "group": "ac_course-lms-0a1b2c3d",
        "course_dir": "/srv/hub/courses/lms-0a1b2c3d",
        "exchange_dir": "/srv/exchange/lms-0a1b2c3d",
        "members": {"ac_zoe": "instructor"},
    }
    made = course_roles(record)
    configured = lti_roles(hub_course_config([record], [9000], ["x"], "/usr/bin")["roles"])
    assert made == configured
    by_name = {r["name"]: r for r in made}
    assert by_name["formgrade-lms-0a1b2c3d"]["groups"] == ["formgrade-lms-0a1b2c3d"]
    assert "access:services!service=lms-0a1b2c3d" in by_name["formgrade-lms-0a1b2c3d"]["scopes"]
    assert by_name["instructor-lms-0a1b2c3d"]["groups"] == ["instructors-lms-0a1b2c3d"]
    assert all("users" not in r for r in made)  # membership comes from launches only
    for role in made:
        _check_scopes_exist(role["scopes"])
