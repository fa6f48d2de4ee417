"""An LMS for the tests: LTI 1.3 platform side from the independent PyPI package
``lti1p3platform`` (its Registration signs launches and deep-linking requests, checks the
tool's client assertions and deep-linking responses, issues and checks access tokens), served
on 127.0.0.1 by a small threaded HTTP server that keeps the line items, scores and course
members the tests read back. The tool's own code never plays this part.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


def new_private_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


class _Config(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return self._registration


class _Request(Request):
    def build_metadata(self, request: Any) -> Any:
        return {
            "method": "GET",
            "form_data": {},
            "get_data": request,
            "headers": {},
            "content_type": None,
            "path": "/",
            "json": None,
        }


class _Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return launch_data


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


@dataclass
class Person:
    sub: str
    roles: list[str]
    name: str = ""
    email: str = ""
    username: str = ""
    status: str = "Active"
    context_id: str = ""  # the LMS course they launch from (default: the platform's)


@dataclass
class Platform:
    """One LMS (issuer) with one tool registration, one deployment and one course."""

    issuer: str = "http://127.0.0.1:1/lms"
    client_id: str = "tool-client-1"
    deployment_id: str = "deployment-1"
    context_id: str = "lms-course-101"
    private_pem: str = field(default_factory=new_private_pem)
    tool_launch_url: str = "http://127.0.0.1:1/hub/lti13/oauth_callback"
    tool_login_url: str = "http://127.0.0.1:1/hub/lti13/oauth_login"
    tool_jwks: dict[str, Any] | None = None
    tool_jwks_url: str = ""  # the tool's published key set (the hub's /hub/lti13/jwks)
    members: list[Person] = field(default_factory=list)
    lineitems: list[dict[str, Any]] = field(default_factory=list)
    scores: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # lineitem id -> posts
    failures: list[int] = field(default_factory=list)  # statuses to answer next, in order
    token_requests: int = 0
    base_url: str = ""

    def registration(self, **changes: Any) -> Registration:
        reg = Registration()
        reg.set_iss(changes.get("iss", self.issuer))
        reg.set_client_id(changes.get("client_id", self.client_id))
        reg.set_deployment_id(changes.get("deployment_id", self.deployment_id))
        reg.set_launch_url(self.tool_launch_url)
        reg.set_deeplink_launch_url(self.tool_launch_url)
        reg.set_oidc_login_url(self.tool_login_url)
        key = changes.get("private_pem", self.private_pem)
        reg.set_platform_private_key(key)
        reg.set_platform_public_key(public_pem(key))
        if self.tool_jwks_url:
            reg.set_tool_key_set_url(self.tool_jwks_url)
        if self.tool_jwks is not None:
            reg.set_tool_key_set(self.tool_jwks)  # type: ignore[arg-type]
        return reg

    def config(self, **changes: Any) -> _Config:
        return _Config(registration=self.registration(**changes))

    def jwks(self) -> dict[str, Any]:
        return dict(self.config().get_jwks())

    # --- launches ----------------------------------------------------------------------
    def login_url(self, person: Person, hint: str = "resource-1") -> str:
        """The third-party-initiated login the LMS sends the browser to."""
        login = _Login(_Request({}), self.config())
        login.set_lti_message_hint(hint=hint)
        return str(login.initiate_login(person.sub))

    def id_token(
        self,
        person: Person,
        *,
        nonce: str = "",
        redirect_uri: str = "",
        deep_link: bool = False,
        custom: dict[str, str] | None = None,
        expires_in: int = 300,
        context_id: str | None = None,
        **changes: Any,
    ) -> str:
        """A launch signed by this platform (through lti1p3platform)."""
        preflight = {
            "nonce": nonce or uuid.uuid4().hex,
            "state": "s",
            "redirect_uri": redirect_uri or self.tool_launch_url,
            "client_id": changes.get("client_id", self.client_id),
        }
        launch = _Launch(_Request(preflight), self.config(**changes))
        launch.set_user_data(
            person.sub,
            person.roles,
            person.name or None,
            person.email or None,
            person.username or None,
        )
        launch.set_launch_context_claim(context_id or self.context_id, context_title="Ankle 101")
        launch.set_resource_link_claim("resource-1", title="Safety scenarios")
        if custom:
            launch.set_custom_parameters_claim(custom)
        launch.set_id_token_expiration(expires_in)
        if self.base_url:
            launch.set_ags(f"{self.base_url}/lineitems", allow_creating_lineitems=True)
            launch.set_nrps(f"{self.base_url}/memberships")
        if deep_link:
            launch.set_dl(
                f"{self.base_url or 'http://127.0.0.1:1'}/deep_link_return",
                title="Add",
                accept_types={"ltiResourceLink"},
                extra_data=None,
            )
        return str(launch.lti_launch()["id_token"])

    # --- services (checked by lti1p3platform) -----------------------------------------
    def access_token(self, form: dict[str, str]) -> dict[str, Any]:
        self.token_requests += 1
        return dict(self.config().get_access_token(form))

    def token_allows(self, header: str, scope: str) -> bool:
        if not header.startswith("Bearer "):
            return False
        try:
            return bool(self.config().validate_token(header[7:], allowed_scopes=[scope]))
        except Exception:
            return False

    def deep_link_items(self, response_jwt: str) -> list[dict[str, Any]]:
        return list(self.config().validate_deeplinking_resp({"JWT": response_jwt}))


class _Handler(BaseHTTPRequestHandler):
    platform: Platform

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any, kind: str = "application/json") -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _failure(self) -> bool:
        if self.platform.failures:
            status = self.platform.failures.pop(0)
            self._send(status, {"error": f"test failure {status}"})
            return True
        return False

    def do_GET(self) -> None:
        p = self.platform
        path = urllib.parse.urlsplit(self.path)
        if path.path == "/jwks":
            return self._send(200, p.jwks())
        if path.path == "/authorize":
            return self._authorize(dict(urllib.parse.parse_qsl(path.query)))
        if path.path == "/course_page":
            return self._course_page(dict(urllib.parse.parse_qsl(path.query)))
        if path.path == "/memberships":
            if not p.token_allows(self.headers.get("Authorization", ""), NRPS_SCOPE):
                return self._send(401, {"error": "invalid token"})
            members = [
                {
                    "user_id": m.sub,
                    "roles": m.roles,
                    "name": m.name,
                    "email": m.email,
                    "status": m.status,
                    **({"username": m.username} if m.username else {}),
                }
                for m in p.members
            ]
            return self._send(200, {"id": "m", "context": {"id": p.context_id}, "members": members})
        if path.path == "/lineitems":
            if not p.token_allows(self.headers.get("Authorization", ""), LINEITEM_SCOPE):
                return self._send(401, {"error": "invalid token"})
            query = dict(urllib.parse.parse_qsl(path.query))
            items = [
                i
                for i in p.lineitems
                if "resource_id" not in query or i["resourceId"] == query["resource_id"]
            ]
            return self._send(200, items)
        self._send(404, {"error": "not found"})

    def _course_page(self, query: dict[str, str]) -> None:
        """The LMS's page of an activity, showing the tool in a frame as LMSs do."""
        p = self.platform
        person = next((m for m in p.members if m.sub == query.get("user")), None)
        if person is None:
            return self._send(404, {"error": "unknown user"})
        start = p.login_url(person, query.get("hint", "resource-1"))
        page = (
            "<!doctype html><title>LMS course</title><h1>Ankle 101</h1>"
            f'<iframe id="tool" title="Ankle course" src="{html.escape(start)}" '
            'width="1000" height="700" allow="clipboard-write"></iframe>'
        )
        self._send(200, page, "text/html")

    def _authorize(self, query: dict[str, str]) -> None:
        """The OIDC authorization endpoint: the launch form, auto-posted to the tool."""
        p = self.platform
        person = next((m for m in p.members if m.sub == query.get("login_hint")), None)
        if person is None or query.get("client_id") != p.client_id:
            return self._send(400, {"error": "unknown user or client"})
        token = p.id_token(
            person,
            nonce=query["nonce"],
            redirect_uri=query["redirect_uri"],
            deep_link=query.get("lti_message_hint") == "deep-link",
            context_id=person.context_id or None,
            custom=json.loads(query.get("lti_message_hint", "{}"))
            if query.get("lti_message_hint", "").startswith("{")
            else None,
        )
        form = (
            f'<form id="f" method="post" action="{query["redirect_uri"]}">'
            f'<input type="hidden" name="id_token" value="{token}">'
            f'<input type="hidden" name="state" value="{query["state"]}"></form>'
            '<script>document.getElementById("f").submit()</script>'
        )
        self._send(200, form, "text/html")

    def do_POST(self) -> None:
        p = self.platform
        path = urllib.parse.urlsplit(self.path).path
        body = self._body()
        auth = self.headers.get("Authorization", "")
        if self._failure():
            return None
        if path == "/token":
            form = dict(urllib.parse.parse_qsl(body.decode()))
            try:
                return self._send(200, p.access_token(form))
            except Exception as exc:
                return self._send(401, {"error": "invalid_client", "detail": str(exc)})
        if path == "/lineitems":
            if not p.token_allows(auth, LINEITEM_SCOPE):
                return self._send(401, {"error": "invalid token"})
            item = json.loads(body)
            item["id"] = f"{p.base_url}/lineitems/{len(p.lineitems) + 1}"
            p.lineitems.append(item)
            return self._send(201, item)
        if path.startswith("/lineitems/") and path.endswith("/scores"):
            if not p.token_allows(auth, SCORE_SCOPE):
                return self._send(401, {"error": "invalid token"})
            item_id = f"{p.base_url}{path[: -len('/scores')]}"
            score = json.loads(body)
            posts = p.scores.setdefault(item_id, [])
            earlier = [s for s in posts if s["userId"] == score["userId"]]
            if earlier and earlier[-1]["timestamp"] >= score["timestamp"]:
                return self._send(409, {"error": "old timestamp"})
            posts.append(score)
            return self._send(200, {})
        self._send(404, {"error": "not found"})


class PlatformServer:
    """``platform`` served on 127.0.0.1 (a thread; :meth:`stop` ends it)."""

    def __init__(self, platform: Platform) -> None:
        handler = type("Handler", (_Handler,), {"platform": platform})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        platform.base_url = self.url
        platform.issuer = self.url
        self.platform = platform
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> PlatformServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def platform_json(self, **extra: Any) -> dict[str, Any]:
        p = self.platform
        return {
            "issuer": p.issuer,
            "client_id": p.client_id,
            "deployment_ids": [p.deployment_id],
            "authorize_url": f"{self.url}/authorize",
            "jwks_url": f"{self.url}/jwks",
            "token_url": f"{self.url}/token",
            **extra,
        }


def browser_launch(
    platform: Platform,
    person: Person,
    hint: str = "resource-1",
    browser: requests.Session | None = None,
    *,
    verify: bool | str = True,
) -> tuple[
    requests.Response,
    requests.Session,
    tuple[str, dict[str, str], requests.cookies.RequestsCookieJar],
]:
    """A launch from this LMS as a browser makes it (an HTTP session following the LMS's and
    the hub's redirects and forms): the login initiation, the LMS's authorization, the
    auto-posted form back to the tool. Returns the tool's answer to that form, the session,
    and the form as posted: action, fields and the browser's cookies at that moment (what a
    replay needs; the hub clears its state cookie once the launch is done)."""
    browser = browser or requests.Session()
    browser.verify = verify
    start = browser.get(platform.login_url(person, hint), allow_redirects=False, timeout=60)
    assert start.status_code == 302, start.text
    form = browser.get(start.headers["Location"], allow_redirects=False, timeout=60)
    assert form.status_code == 200, form.text
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.text))
    found = re.search(r'action="([^"]+)"', form.text)
    assert found is not None, form.text
    action = html.unescape(found.group(1))
    cookies = browser.cookies.copy()
    answer = browser.post(action, data=fields, allow_redirects=False, timeout=300)
    return answer, browser, (action, fields, cookies)


def latest_scores(platform: Platform, lineitem_id: str) -> dict[str, dict[str, Any]]:
    """userId -> the last score the platform accepted on a line item."""
    result: dict[str, dict[str, Any]] = {}
    for score in platform.scores.get(lineitem_id, []):
        result[score["userId"]] = score
    return result


def unsigned_token(claims: dict[str, Any]) -> str:
    """A token with ``alg: none`` (what a forger sends)."""
    return jwt.encode(
        {**claims, "iat": int(time.time()), "exp": int(time.time()) + 300}, None, algorithm="none"
    )
