"""Deep linking (course.lti.deep_link): the catalogue of a course folder and the signed
response, checked by the independent platform implementation lti1p3platform."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.errors import LaunchRefusedError
from course.lti.config import parse_platform
from course.lti.deep_link import ASSESSMENT, LESSON, catalogue, deep_link_response
from course.lti.keys import ensure_tool_key
from tests.lti_platform import Platform, PlatformServer

GRADING = Path(__file__).resolve().parents[1] / "grading"
LAUNCH = "https://hub.example.org/hub/lti13/oauth_callback"


def test_the_catalogue_lists_lessons_and_assessments_with_points() -> None:
    items = catalogue(GRADING)
    lessons = [a.name for a in items if a.kind == LESSON]
    assert lessons[0] == "00_welcome"
    assert "05_safety" in lessons
    scored = {a.name: a.max_score for a in items if a.kind == ASSESSMENT}
    assert set(scored) == {"anatomy_techniques", "safety_cases", "safety_scenarios"}
    assert all(points > 0 for points in scored.values())


def test_the_platform_accepts_the_signed_response(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir(mode=0o700)
    key = ensure_tool_key(tmp_path)[0]
    items = catalogue(GRADING)
    chosen = [next(a for a in items if a.name == "safety_scenarios"), items[1]]
    with PlatformServer(Platform(tool_jwks=key.jwks())) as server:
        config = parse_platform(server.platform_json(), "PLATFORM.json")
        token = deep_link_response(
            key,
            config,
            deployment_id=server.platform.deployment_id,
            data="opaque-42",
            chosen=chosen,
            launch_url=LAUNCH,
        )
        got = server.platform.deep_link_items(token)
        assert got[0]["type"] == "ltiResourceLink"
        assert got[0]["url"] == LAUNCH
        assert got[0]["custom"] == {"assignment": "safety_scenarios"}
        assert got[0]["lineItem"] == {
            "label": chosen[0].title,
            "resourceId": "safety_scenarios",
            "scoreMaximum": chosen[0].max_score,
        }
        assert got[1]["custom"] == {"lesson": "01_anatomy"}
        assert "lineItem" not in got[1]
        # a response signed by another key is refused by the platform
        other = tmp_path / "other"
        (other / "secrets").mkdir(parents=True, mode=0o700)
        stranger = ensure_tool_key(other)[0]
        forged = deep_link_response(
            stranger,
            config,
            deployment_id=server.platform.deployment_id,
            data=None,
            chosen=chosen,
            launch_url=LAUNCH,
        )
        with pytest.raises(Exception, match="public key"):
            server.platform.deep_link_items(forged)
        with pytest.raises(LaunchRefusedError):
            deep_link_response(
                key, config, deployment_id="other", data=None, chosen=chosen, launch_url=LAUNCH
            )
