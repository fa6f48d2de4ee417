"""PLATFORM.json (course.lti.config), the tool's key (course.lti.keys) and LTI roles
(course.lti.roles)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.errors import LtiConfigError
from course.lti.config import load_platform, tool_urls
from course.lti.keys import ensure_tool_key, load_tool_key, tool_key_path
from course.lti.roles import course_role

GOOD = {
    "issuer": "https://canvas.instructure.com",
    "client_id": "10000000000042",
    "deployment_ids": ["7:abc"],
    "authorize_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
    "jwks_url": "https://sso.canvaslms.com/api/lti/security/jwks",
    "token_url": "https://sso.canvaslms.com/login/oauth2/token",
    "courses": {"ctx-1": "spring-a"},
}


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "PLATFORM.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_good_platform_file_loads(tmp_path: Path) -> None:
    config = load_platform(_write(tmp_path, GOOD))
    assert config.deployment_ids == ("7:abc",)
    assert config.courses == {"ctx-1": "spring-a"}
    assert config.allow_instructor_course_creation is False


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"issuer": None}, "field issuer: missing"),
        ({"deployment_ids": []}, "field deployment_ids: "),
        ({"token_url": "http://lms.example.org/token"}, "token_url .* must use https"),
        ({"jwks_url": "ftp://lms.example.org/keys"}, "jwks_url .* is not a web address"),
        ({"courses": {"ctx": "Bad Name"}}, "context 'ctx': 'Bad Name' is not a safe course"),
        ({"colour": "red"}, "field colour: not a PLATFORM.json field"),
    ],
)
def test_a_wrong_platform_file_is_refused_in_one_line(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    data = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    with pytest.raises(LtiConfigError, match=message) as caught:
        load_platform(_write(tmp_path, data))
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith(str(tmp_path / "PLATFORM.json"))


def test_http_is_allowed_on_this_machine_only(tmp_path: Path) -> None:
    local = {**GOOD, "token_url": "http://127.0.0.1:9000/token", "jwks_url": "http://localhost/k"}
    assert load_platform(_write(tmp_path, local)).token_url.startswith("http://127.0.0.1")


def test_not_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "PLATFORM.json"
    path.write_text('{\n "issuer": ,\n}', encoding="utf-8")
    with pytest.raises(LtiConfigError, match="line 2: not valid JSON"):
        load_platform(path)


def test_tool_urls_are_under_the_public_address() -> None:
    urls = tool_urls("https://jupyter.school.edu")
    assert urls.login_url == "https://jupyter.school.edu/hub/lti13/oauth_login"
    assert urls.redirect_uri == "https://jupyter.school.edu/hub/lti13/oauth_callback"
    assert urls.jwks_url == "https://jupyter.school.edu/hub/lti13/jwks"
    with pytest.raises(ValueError, match="must use https"):
        tool_urls("http://jupyter.school.edu")


def test_the_tool_key_is_made_once_root_only_and_signs(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir(mode=0o700)
    key, made = ensure_tool_key(tmp_path)
    again, made_again = ensure_tool_key(tmp_path)
    assert made
    assert not made_again
    assert again.kid == key.kid
    assert stat.S_IMODE(tool_key_path(tmp_path).stat().st_mode) == 0o600
    jwks = key.jwks()
    assert set(jwks["keys"][0]) >= {"kty", "n", "e", "kid", "alg", "use"}
    assert "d" not in jwks["keys"][0]  # no private part is ever published
    token = key.sign({"iss": "tool", "aud": "lms"})
    public = jwt.PyJWKSet.from_dict(jwks).keys[0].key
    assert jwt.decode(token, public, algorithms=["RS256"], audience="lms")["iss"] == "tool"


def test_a_missing_tool_key_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(LtiConfigError, match="hub setup --lti"):
        load_tool_key(tmp_path)


CONTEXT = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
SYSTEM = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([CONTEXT + "Learner"], "learner"),
        (["Learner"], "learner"),
        ([CONTEXT + "TeachingAssistant"], "ta"),
        (
            [
                CONTEXT + "Instructor",
                "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
            ],
            "instructor",
        ),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"], "ta"),
        ([CONTEXT + "ContentDeveloper"], "instructor"),
        ([CONTEXT + "Learner", CONTEXT + "Instructor"], "instructor"),
        ([INSTITUTION + "Administrator", SYSTEM + "Administrator"], None),
        ([INSTITUTION + "Administrator", CONTEXT + "Learner"], "learner"),
        ([CONTEXT + "Mentor"], None),
        ([], None),
    ],
)
def test_lti_roles_become_course_roles(roles: list[str], expected: str | None) -> None:
    assert course_role(roles) == expected


@given(
    st.lists(
        st.sampled_from(
            [
                INSTITUTION + "Administrator",
                SYSTEM + "Administrator",
                SYSTEM + "SysAdmin",
                INSTITUTION + "Faculty",
            ]
        )
    )
)
def test_lms_administration_roles_never_give_a_course_role(roles: list[str]) -> None:
    assert course_role(roles) is None


def _setup(tmp_path: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from course.cli import main

    code = main(["hub", "setup", "--hub-dir", str(tmp_path / "hub"), *args])
    return code, capsys.readouterr().err


def test_setup_refuses_a_bad_platform_file_before_making_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _write(tmp_path, {**GOOD, "token_url": "http://lms.example.org/token"})
    code, error = _setup(tmp_path, "--lti", str(bad), capsys=capsys)
    assert code == 2
    assert error.strip().count("\n") == 0
    assert "token_url" in error
    assert "must use https" in error
    assert not (tmp_path / "hub").exists()


def test_setup_needs_a_roster_or_a_platform(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, error = _setup(tmp_path, capsys=capsys)
    assert code == 2
    assert "--students ROSTER.csv, --lti PLATFORM.json or both" in error


def test_a_user_who_is_not_root_hears_of_bad_input_first_then_that_root_is_needed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    bad = _write(tmp_path, {**GOOD, "token_url": "http://lms.example.org/token"})
    code, error = _setup(tmp_path, "--lti", str(bad), capsys=capsys)
    assert (code, "must use https" in error, "must run as root" in error) == (2, True, False)
    code, error = _setup(tmp_path, "--lti", str(_write(tmp_path, GOOD)), capsys=capsys)
    assert code == 2
    assert (
        error.strip() == "ankle-course: error: this command creates Unix users and must run as root"
    )
    assert not (tmp_path / "hub").exists()


def test_lti_needs_a_roster_of_courses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nalice\n", encoding="utf-8")
    platform = _write(tmp_path, GOOD)
    code, error = _setup(tmp_path, "--students", str(roster), "--lti", str(platform), capsys=capsys)
    assert code == 2
    assert "--lti needs a roster with course or role columns" in error
    assert not (tmp_path / "hub").exists()


def test_lti_config_without_lti_says_how_to_set_it_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from course.cli import main

    assert main(["hub", "lti-config", "--hub-dir", str(tmp_path)]) == 2
    assert "hub setup --lti PLATFORM.json" in capsys.readouterr().err


def test_the_lms_may_frame_the_hub_and_learner_settings_are_kept(tmp_path: Path) -> None:
    from course.lti.config import parse_platform
    from course.lti.frame import frame_folder, frame_headers, write_frame_config

    plain = parse_platform(GOOD, "PLATFORM.json")
    assert frame_headers(plain) == {
        "Content-Security-Policy": "frame-ancestors 'self' https://canvas.instructure.com"
    }
    school = parse_platform(
        {**GOOD, "frame_ancestors": ["https://school.instructure.com/courses"]}, "PLATFORM.json"
    )
    folder = write_frame_config(tmp_path, school)
    config = json.loads((folder / "jupyter_server_config.json").read_text())
    settings = config["ServerApp"]["tornado_settings"]
    assert settings["headers"]["Content-Security-Policy"] == (
        "frame-ancestors 'self' https://school.instructure.com"
    )
    assert settings["static_custom_path"] == [str(tmp_path.resolve() / "hub_learner" / "custom")]
    assert config["LabApp"] == {  # the learner's own: the stylesheet and default settings
        "custom_css": True,
        "app_settings_dir": str(tmp_path.resolve() / "hub_learner" / "lab" / "settings"),
    }
    assert "xsrf_cookie_kwargs" not in settings  # plain http: JupyterLab's cookies as they are
    # the twin read when the hub is served over https: the same, and the _xsrf cookie third-party
    https = frame_folder(tmp_path, "https://jupyter.school.edu")
    assert https != folder
    assert frame_folder(tmp_path, "http://127.0.0.1:8000") == folder
    assert frame_folder(tmp_path, None) == folder
    secure = json.loads((https / "jupyter_server_config.json").read_text())
    tornado = secure["ServerApp"]["tornado_settings"]
    assert tornado["xsrf_cookie_kwargs"] == {"samesite": "None", "secure": True}
    assert {k: v for k, v in tornado.items() if k != "xsrf_cookie_kwargs"} == settings
    assert {k: v for k, v in secure.items() if k != "ServerApp"} == {
        k: v for k, v in config.items() if k != "ServerApp"
    }
    with pytest.raises(LtiConfigError, match="frame_ancestors"):
        parse_platform({**GOOD, "frame_ancestors": ["http://lms.example.org"]}, "PLATFORM.json")
