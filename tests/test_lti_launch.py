"""LTI 1.3 launches checked by the tool (course.lti.launch): real id_tokens signed through the
independent platform implementation lti1p3platform (tests/lti_platform.py), served on
127.0.0.1 so the tool fetches the platform's keys as in production. Every forged launch is
refused with a plain reason and uses up no nonce."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest

from course.errors import LaunchRefusedError
from course.lti.config import PlatformConfig, parse_platform
from course.lti.launch import DEEP_LINKING, RESOURCE_LINK, check_launch, jwks_resolver
from course.lti.store import Store
from tests.lti_platform import (
    ROLE,
    Person,
    Platform,
    PlatformServer,
    new_private_pem,
    unsigned_token,
)

LEARNER = Person("lms-user-1", [ROLE + "Learner"], "Alice Martin", "alice@example.org", "alice")


@pytest.fixture(scope="module")
def server() -> Iterator[PlatformServer]:
    with PlatformServer(Platform(members=[LEARNER])) as running:
        yield running


@pytest.fixture
def platform(server: PlatformServer) -> Platform:
    return server.platform


@pytest.fixture
def config(server: PlatformServer) -> PlatformConfig:
    return parse_platform(server.platform_json(), "PLATFORM.json")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path)
    yield opened
    opened.close()


def _check(token: str, config: PlatformConfig, store: Store) -> object:
    return check_launch(token, config, jwks_resolver(config.jwks_url), store)


def test_a_real_launch_is_accepted_with_its_claims(
    platform: Platform, config: PlatformConfig, store: Store
) -> None:
    launch = _check(platform.id_token(LEARNER, custom={"lesson": "01_anatomy"}), config, store)
    assert launch.sub == "lms-user-1"  # type: ignore[attr-defined]
    assert launch.message_type == RESOURCE_LINK  # type: ignore[attr-defined]
    assert launch.context_id == platform.context_id  # type: ignore[attr-defined]
    assert launch.roles == (ROLE + "Learner",)  # type: ignore[attr-defined]
    assert launch.custom == {"lesson": "01_anatomy"}  # type: ignore[attr-defined]
    assert launch.username == "alice"  # type: ignore[attr-defined]
    assert launch.lineitems_url.endswith("/lineitems")  # type: ignore[attr-defined]
    assert launch.memberships_url.endswith("/memberships")  # type: ignore[attr-defined]


def test_a_deep_linking_request_is_accepted(
    platform: Platform, config: PlatformConfig, store: Store
) -> None:
    staff = Person("lms-teacher", [ROLE + "Instructor"])
    launch = _check(platform.id_token(staff, deep_link=True), config, store)
    assert launch.message_type == DEEP_LINKING  # type: ignore[attr-defined]
    assert launch.deep_link_return_url.endswith("/deep_link_return")  # type: ignore[attr-defined]


def _forged(platform: Platform, kind: str) -> str:
    if kind == "wrong audience":
        return platform.id_token(LEARNER, client_id="another-tool")
    if kind == "expired":
        return platform.id_token(LEARNER, expires_in=-5)
    if kind == "wrong issuer":
        return platform.id_token(LEARNER, iss="https://evil.example.org")
    if kind == "other key, unknown kid":
        return platform.id_token(LEARNER, private_pem=new_private_pem())
    if kind == "other key, platform's kid":
        genuine = platform.id_token(LEARNER)
        header = jwt.get_unverified_header(genuine)
        claims = jwt.decode(genuine, options={"verify_signature": False})
        return jwt.encode(claims, new_private_pem(), algorithm="RS256", headers=header)
    if kind == "alg none":
        genuine = platform.id_token(LEARNER)
        return unsigned_token(jwt.decode(genuine, options={"verify_signature": False}))
    if kind == "alg HS256 with the public key":
        genuine = platform.id_token(LEARNER)
        claims = jwt.decode(genuine, options={"verify_signature": False})
        return jwt.encode(claims, "not-a-secret-" * 4, algorithm="HS256")
    if kind == "unknown deployment":
        return platform.id_token(LEARNER, deployment_id="someone-elses-deployment")
    if kind == "missing deployment":
        return platform.id_token(LEARNER, deployment_id=None)
    raise AssertionError(kind)


FORGED = {
    "wrong audience": "another tool",
    "expired": "expired",
    "wrong issuer": "not registered with",
    "other key, unknown kid": "key the LMS does not publish",
    "other key, platform's kid": "signature does not match",
    "alg none": "not RS256",
    "alg HS256 with the public key": "not RS256",
    "unknown deployment": "deployment this hub is not registered with",
    "missing deployment": "names no deployment",
}


@pytest.mark.parametrize("kind", sorted(FORGED))
def test_a_forged_launch_is_refused_in_plain_words(
    kind: str, platform: Platform, config: PlatformConfig, store: Store
) -> None:
    token = _forged(platform, kind)
    with pytest.raises(LaunchRefusedError, match=FORGED[kind]) as caught:
        _check(token, config, store)
    assert str(caught.value).startswith("This link from your LMS was refused: ")
    # the nonce of a forged token is not used up: a genuine launch with it still works
    nonce = jwt.decode(token, options={"verify_signature": False}).get("nonce")
    if nonce:
        assert store.use_nonce(nonce, time.time() + 60)


def test_a_replayed_launch_is_refused(
    platform: Platform, config: PlatformConfig, store: Store
) -> None:
    token = platform.id_token(LEARNER)
    _check(token, config, store)
    with pytest.raises(LaunchRefusedError, match="already used"):
        _check(token, config, store)


def test_a_launch_must_answer_this_browsers_nonce(
    platform: Platform, config: PlatformConfig, store: Store
) -> None:
    token = platform.id_token(LEARNER, nonce="n-platform")
    with pytest.raises(LaunchRefusedError, match="nonce"):
        check_launch(token, config, jwks_resolver(config.jwks_url), store, expected_nonce="n-mine")


def test_several_audiences_need_this_tool_as_authorized_party(
    server: PlatformServer, config: PlatformConfig, store: Store
) -> None:
    genuine = server.platform.id_token(LEARNER)
    claims = jwt.decode(genuine, options={"verify_signature": False})
    claims.update(aud=[config.client_id, "other"], azp="other")
    header = jwt.get_unverified_header(genuine)
    token = jwt.encode(claims, server.platform.private_pem, algorithm="RS256", headers=header)
    with pytest.raises(LaunchRefusedError, match="several tools"):
        _check(token, config, store)
