"""The LMS (platform) registration: ``PLATFORM.json``, checked into a typed model, and the tool's
own URLs that the LMS administrator pastes into the LMS (``ankle-course hub lti-config``).

PLATFORM.json holds what the LMS shows when the tool is registered::

    {
      "issuer": "https://canvas.instructure.com",
      "client_id": "10000000000042",
      "deployment_ids": ["7:8865aa05b4b79b64a91a86042e43af5ea8ae79eb"],
      "authorize_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
      "jwks_url": "https://sso.canvaslms.com/api/lti/security/jwks",
      "token_url": "https://sso.canvaslms.com/login/oauth2/token",
      "courses": {"a8b2c1d0": "spring-a"},
      "allow_instructor_course_creation": false,
      "frame_ancestors": ["https://school.instructure.com"]
    }

Every URL must be ``https``, except on ``127.0.0.1`` or ``localhost`` (a test LMS).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from course.errors import LtiConfigError
from course.hub.roster import check_course_id

__all__ = ["PlatformConfig", "ToolUrls", "load_platform", "tool_urls"]

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
NonEmpty = Annotated[str, Field(min_length=1)]


def check_url(url: str, *, field: str) -> str:
    """``url`` if it is https (or http on this machine); raise ValueError naming ``field``."""
    parts = urlsplit(url)
    if not parts.netloc or parts.scheme not in ("https", "http"):
        raise ValueError(f"{field} {url!r} is not a web address")
    if parts.scheme == "http" and parts.hostname not in _LOCAL_HOSTS:
        raise ValueError(f"{field} {url!r} must use https (http only on 127.0.0.1 or localhost)")
    return url


class PlatformConfig(BaseModel):
    """One LMS registration of the tool (an issuer and its client id)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    issuer: NonEmpty
    client_id: NonEmpty
    deployment_ids: Annotated[tuple[NonEmpty, ...], Field(min_length=1)]
    authorize_url: str
    jwks_url: str
    token_url: str
    courses: dict[str, str] = Field(default_factory=dict)
    allow_instructor_course_creation: bool = False
    # the LMS's addresses whose pages may show the hub in a frame (default: the issuer's)
    frame_ancestors: tuple[str, ...] = ()

    @field_validator("frame_ancestors")
    @classmethod
    def _frame_addresses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_url(url, field="frame_ancestors") for url in value)

    @field_validator("issuer", "authorize_url", "jwks_url", "token_url")
    @classmethod
    def _web_address(cls, value: str, info: object) -> str:
        return check_url(value, field=str(getattr(info, "field_name", "url")))

    @field_validator("courses")
    @classmethod
    def _course_names(cls, value: dict[str, str]) -> dict[str, str]:
        for context, course in value.items():
            if not context:
                raise ValueError("an LMS context id is empty")
            problem = check_course_id(course, "ac_")
            if problem:
                raise ValueError(f"context {context!r}: {problem}")
        return value


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "missing":
        return f"field {where}: missing"
    if error["type"] == "extra_forbidden":
        return f"field {where}: not a PLATFORM.json field"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"field {where}: {message}"


def parse_platform(data: object, source: str) -> PlatformConfig:
    """Check a decoded PLATFORM.json; raise :class:`LtiConfigError` with the first problem."""
    if not isinstance(data, dict):
        raise LtiConfigError(f"{source}: not a JSON object")
    try:
        return PlatformConfig.model_validate(data)
    except ValidationError as exc:
        raise LtiConfigError(f"{source}: {_first_problem(exc)}") from None


def load_platform(path: Path) -> PlatformConfig:
    """Read PLATFORM.json; one line naming the file and the field when it is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LtiConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise LtiConfigError(f"{path}: not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LtiConfigError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    return parse_platform(data, str(path))


class ToolUrls(BaseModel):
    """The tool's URLs as the LMS must know them (``ankle-course hub lti-config``)."""

    model_config = ConfigDict(frozen=True)

    login_url: str
    redirect_uri: str
    target_link_uri: str
    deep_link_url: str
    jwks_url: str


LOGIN_PATH = "hub/lti13/oauth_login"
LAUNCH_PATH = "hub/lti13/oauth_callback"
JWKS_PATH = "hub/lti13/jwks"
DEEP_LINK_PATH = "hub/lti13/deep_link"


def tool_urls(public_url: str) -> ToolUrls:
    """The tool's URLs under the hub's public address (e.g. ``https://jupyter.school.edu/``)."""
    base = check_url(public_url, field="public URL").rstrip("/") + "/"
    return ToolUrls(
        login_url=base + LOGIN_PATH,
        redirect_uri=base + LAUNCH_PATH,
        target_link_uri=base + LAUNCH_PATH,
        deep_link_url=base + LAUNCH_PATH,
        jwks_url=base + JWKS_PATH,
    )
