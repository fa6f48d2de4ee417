"""The hub side of LTI 1.3: ``jupyterhub-ltiauthenticator``'s LTI 1.3 authenticator, wrapped.

The library runs the OIDC third-party-initiated login (state and nonce in encrypted cookies).
This class adds what it lacks (:mod:`course.lti.launch`): only registered deployments, the
issuer/client pair, a nonce used once on this hub; then :mod:`course.lti.provision` makes or
finds the account and its course, the course role becomes JupyterHub groups (never admin), and
the launch lands where its link says. It also serves the tool's public key set and answers
deep-linking requests. A refused launch shows a page with the reason; nobody is logged in.

Configured by ``deploy/hub/jupyterhub_config.py`` through :func:`configure_hub`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

from jupyterhub.handlers import BaseHandler
from jupyterhub.utils import url_path_join
from ltiauthenticator.lti13.auth import LTI13Authenticator
from ltiauthenticator.lti13.handlers import (
    LTI13CallbackHandler,
    LTI13LoginInitHandler,
    get_nonce,
)
from tornado import web
from traitlets import List, Unicode

from course.errors import LaunchRefusedError, LtiError
from course.hub.config import ROLE_FOLDER
from course.lti import pages
from course.lti.deep_link import ASSESSMENT, CUSTOM, LESSON, catalogue, deep_link_response
from course.lti.frame import THIRD_PARTY_COOKIES, frame_folder, frame_headers, is_https
from course.lti.hub_groups import groups_of, lti_roles
from course.lti.launch import DEEP_LINKING, Launch, check_launch, jwks_resolver
from course.lti.live_course import serve_course
from course.lti.provision import Arrival, fetch_for, provision
from course.lti.settings import course_dir_of, course_plan, load_lti
from course.lti.store import Store

__all__ = ["CourseLTIAuthenticator", "configure_hub", "groups_of", "lti_roles"]

DEEP_LINK_COOKIE = "ankle-lti-deep-link"
_LESSONS_FOLDER = "ankle-course"


def _refuse_page(handler: BaseHandler, reason: str, status: int = 403) -> None:
    handler.set_status(status)
    handler.set_header("Content-Type", "text/html; charset=utf-8")
    handler.finish(pages.refusal(reason))


class CourseLoginHandler(LTI13LoginInitHandler):  # type: ignore[misc]
    """OIDC login initiation; the state also carries the login request, so that a browser that
    blocks the hub's cookies in the LMS's frame can be offered the same login in a new tab."""

    def get_state(self) -> str:
        if getattr(self, "_state", None) is None:
            login = {
                k: self.get_argument(k, "")
                for k in (
                    "iss",
                    "login_hint",
                    "target_link_uri",
                    "lti_message_hint",
                    "client_id",
                    "lti_deployment_id",
                )
            }
            state = {
                "state_id": base64.urlsafe_b64encode(os.urandom(16)).decode(),
                "next_url": None,
                "login": {k: v for k, v in login.items() if v},
            }
            self._state = base64.urlsafe_b64encode(json.dumps(state).encode()).decode("ascii")
        return str(self._state)


class CourseCallbackHandler(LTI13CallbackHandler):  # type: ignore[misc]
    """The launch: checked, provisioned, logged in, sent where the link says."""

    async def post(self) -> None:
        authenticator: CourseLTIAuthenticator = self.authenticator
        if not self._get_state_cookie():
            return self._cookies_blocked()
        try:
            self.check_state()
        except web.HTTPError:
            return _refuse_page(
                self, "The log-in did not come back to the browser that started it."
            )
        nonce_state = self._get_nonce_state_cookie()
        if not nonce_state:
            return self._cookies_blocked()
        token = self.get_argument("id_token", "")
        try:
            launch = authenticator.check(token, expected_nonce=get_nonce(nonce_state))
            user = await self.login_user(launch)
        except LaunchRefusedError as exc:
            return _refuse_page(self, str(exc))
        if user is None:
            return _refuse_page(self, "The hub did not log you in.")
        arrival: Arrival = authenticator.last_arrivals.pop(user.name)
        if launch.message_type == DEEP_LINKING:
            return await self._choose(launch, arrival)
        self.redirect(await authenticator.landing(self.hub.base_url, launch, arrival))

    def _cookies_blocked(self) -> None:
        state = self.get_argument("state", "")
        try:
            login = json.loads(base64.urlsafe_b64decode(state.encode()))["login"]
        except (ValueError, KeyError, TypeError):
            login = {}
        url = self.authenticator.login_url(self.hub.base_url)
        query = urllib.parse.urlencode({k: str(v) for k, v in dict(login).items()})
        self.set_status(400)
        self.finish(pages.new_tab(f"{url}?{query}" if query else url))

    async def _choose(self, launch: Launch, arrival: Arrival) -> None:
        if arrival.role == "learner":
            return _refuse_page(self, "Only the course's instructors and TAs can add activities.")
        pending = {
            "return_url": launch.deep_link_return_url,
            "data": launch.deep_link_data,
            "deployment_id": launch.deployment_id,
            "course": arrival.course,
            "account": arrival.account,
            "expires": time.time() + 900,
        }
        self._set_cookie(DEEP_LINK_COOKIE, json.dumps(pending), encrypted=True)
        hub_dir = Path(self.authenticator.hub_dir)
        activities = catalogue(course_dir_of(hub_dir, arrival.course))
        action = url_path_join(self.hub.base_url, "lti13", "deep_link")
        self.finish(pages.chooser(activities, action, self.xsrf_form_html()))


class DeepLinkHandler(BaseHandler):  # type: ignore[misc]
    """The instructor's choice, answered with the signed LtiDeepLinkingResponse."""

    @web.authenticated
    async def post(self) -> None:
        raw = self.get_secure_cookie(DEEP_LINK_COOKIE, max_age_days=1)
        self.clear_cookie(DEEP_LINK_COOKIE)
        pending = json.loads(raw) if raw else None
        if (
            not pending
            or pending["account"] != self.current_user.name
            or pending["expires"] < time.time()
        ):
            return _refuse_page(
                self, "This choice has expired: add the activity from the LMS again."
            )
        hub_dir = Path(self.authenticator.hub_dir)
        platform, key = load_lti(hub_dir)
        wanted = set(self.get_arguments("item"))
        chosen = [
            a for a in catalogue(course_dir_of(hub_dir, pending["course"])) if a.key in wanted
        ]
        launch_url = self.authenticator.launch_url(self.request, self.hub.base_url)
        token = deep_link_response(
            key,
            platform,
            deployment_id=pending["deployment_id"],
            data=pending["data"],
            chosen=chosen,
            launch_url=launch_url,
        )
        self.finish(pages.auto_post(pending["return_url"], {"JWT": token}))


class JwksHandler(BaseHandler):  # type: ignore[misc]
    """The tool's public key set, at a stable URL the LMS fetches."""

    async def get(self) -> None:
        _platform, key = load_lti(Path(self.authenticator.hub_dir))
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "public, max-age=3600")
        self.finish(json.dumps(key.jwks()))


class CourseLTIAuthenticator(LTI13Authenticator):  # type: ignore[misc]
    """LTI 1.3 log-in for the course's hub (see the module's docstring)."""

    login_service = "your LMS"
    login_handler = CourseLoginHandler
    callback_handler = CourseCallbackHandler
    hub_dir = Unicode("/srv/ankle-course", config=True, help="The hub folder (setup's --hub-dir).")
    formgrader_command = List(
        Unicode(), config=True, help="How a course's formgrader service starts (Spawner.cmd)."
    )
    formgrader_path = Unicode("/usr/bin:/bin", config=True, help="The formgrader's PATH.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.last_arrivals: dict[str, Arrival] = {}
        # accounts are made at launch (useradd, usermod, gpasswd): the hub's PATH may lack sbin
        path = os.environ.get("PATH", "/usr/bin:/bin").split(":")
        os.environ["PATH"] = ":".join(
            [*path, *(d for d in ("/usr/sbin", "/sbin") if d not in path)]
        )

    def get_handlers(self, app: Any) -> list[tuple[str, Any]]:
        return [
            *super().get_handlers(app),
            ("/lti13/jwks", JwksHandler),
            ("/lti13/deep_link", DeepLinkHandler),
        ]

    def launch_url(self, request: Any, hub_base_url: str) -> str:
        scheme = self.get_uri_scheme(request)
        return f"{scheme}://{request.host}{self.callback_url(hub_base_url)}"

    def check(self, token: str, *, expected_nonce: str) -> Launch:
        platform, _key = load_lti(Path(self.hub_dir))
        store = Store.open(Path(self.hub_dir))
        try:
            return check_launch(
                token,
                platform,
                self._resolver(platform.jwks_url),
                store,
                expected_nonce=expected_nonce,
            )
        finally:
            store.close()

    def _resolver(self, jwks_url: str) -> Any:
        cached = getattr(self, "_resolvers", {})
        if jwks_url not in cached:
            cached[jwks_url] = jwks_resolver(jwks_url)
            self._resolvers = cached
        return cached[jwks_url]

    async def authenticate(self, handler: Any, data: Launch | None = None) -> dict[str, Any]:
        if not isinstance(data, Launch):
            raise LaunchRefusedError("Log in from your LMS: open the course's link there.")
        hub_dir = Path(self.hub_dir)
        platform, _key = load_lti(hub_dir)

        def work() -> tuple[Arrival, list[tuple[str, str]]]:
            store = Store.open(hub_dir)
            try:
                arrival = provision(hub_dir, platform, store, data)
                active = [
                    (m.course, m.role) for m in store.memberships(arrival.account) if m.active
                ]
                return arrival, active
            finally:
                store.close()

        try:
            arrival, active = await asyncio.to_thread(work)
        except LtiError:
            raise
        if arrival.course not in handler.services:  # made at a launch since the hub started
            await self._serve(handler, arrival.course)
        self.last_arrivals[arrival.account] = arrival
        return {"name": arrival.account, "admin": False, "groups": groups_of(active)}

    async def _serve(self, handler: Any, course: str) -> None:
        """The course's formgrader, groups and roles, in the running hub (live_course)."""
        record = course_plan(Path(self.hub_dir), course).record()
        command = list(self.formgrader_command) or [sys.executable, "-m", "course.hub.singleuser"]
        await serve_course(self.parent, handler.settings, record, command, self.formgrader_path)

    async def check_allowed(self, username: str, authentication: Any = None) -> bool:
        # only accounts this authenticator provisioned from a checked launch reach here
        return bool(authentication and authentication.get("name") == username)

    async def landing(self, hub_base: str, launch: Launch, arrival: Arrival) -> str:
        """Where the launch goes: the lesson, the fetched assignment, or the formgrader."""
        redirect = url_path_join(hub_base, "user-redirect")
        lesson = launch.custom.get(CUSTOM[LESSON], "")
        assignment = launch.custom.get(CUSTOM[ASSESSMENT], "")
        known = {a.name for a in catalogue(course_dir_of(Path(self.hub_dir), arrival.course))}
        if lesson and lesson in known:
            return str(url_path_join(redirect, "lab/tree", _LESSONS_FOLDER, f"{lesson}.ipynb"))
        if assignment and assignment in known:
            if arrival.role != "learner":
                base = hub_base.removesuffix("hub/")
                return str(url_path_join(base, "services", arrival.course, "formgrader"))
            await asyncio.to_thread(fetch_for, arrival.account, arrival.course, assignment)
            opened = await asyncio.to_thread(_assignment_notebook, arrival, assignment)
            return str(url_path_join(redirect, "lab/tree", arrival.course, assignment, *opened))
        return str(url_path_join(redirect, "lab"))


def _assignment_notebook(arrival: Arrival, assignment: str) -> list[str]:
    """The fetched assignment's notebook to open (``<assignment>.ipynb``, else its only one);
    none: the folder opens."""
    import pwd

    folder = Path(pwd.getpwnam(arrival.account).pw_dir) / arrival.course / assignment
    try:
        notebooks = sorted(p.name for p in folder.iterdir() if p.suffix == ".ipynb")
    except OSError:
        return []
    if f"{assignment}.ipynb" in notebooks:
        return [f"{assignment}.ipynb"]
    return notebooks if len(notebooks) == 1 else []


def configure_hub(c: Any, hub_dir: Path, public_url: str | None) -> None:
    """Set the hub's LTI log-in (called by deploy/hub/jupyterhub_config.py on an LTI hub)."""
    platform, _key = load_lti(hub_dir)
    c.JupyterHub.authenticator_class = CourseLTIAuthenticator
    c.CourseLTIAuthenticator.hub_dir = str(hub_dir)
    c.CourseLTIAuthenticator.issuer = platform.issuer
    c.CourseLTIAuthenticator.client_id = {platform.client_id}
    c.CourseLTIAuthenticator.authorize_url = platform.authorize_url
    c.CourseLTIAuthenticator.jwks_endpoint = platform.jwks_url
    c.CourseLTIAuthenticator.manage_groups = True  # groups come from each launch's role
    c.CourseLTIAuthenticator.admin_users = set()
    # a course made at an instructor's launch gets its formgrader as the others do
    if "cmd" in c.Spawner:
        c.CourseLTIAuthenticator.formgrader_command = list(c.Spawner.cmd)
    if "environment" in c.Spawner and "PATH" in c.Spawner.environment:
        c.CourseLTIAuthenticator.formgrader_path = str(c.Spawner.environment["PATH"])
    settings: dict[str, Any] = {"headers": frame_headers(platform)}  # the LMS may frame the hub
    if is_https(public_url):
        # inside the LMS's iframe the hub's cookies are third-party: they must say so (the hub
        # hands these options to every person's server too: JUPYTERHUB_COOKIE_OPTIONS)
        settings["cookie_options"] = dict(THIRD_PARTY_COOKIES)
    c.JupyterHub.tornado_settings = settings
    # every person's server: the LMS may frame it too (course.lti.frame)
    frame_config = frame_folder(hub_dir / ROLE_FOLDER, public_url)
    previous = c.Spawner.pre_spawn_hook

    def pre_spawn(spawner: Any) -> None:
        if callable(previous):
            previous(spawner)
        env = dict(spawner.environment)
        rest = env.get("JUPYTER_CONFIG_PATH")
        env["JUPYTER_CONFIG_PATH"] = f"{frame_config}:{rest}" if rest else str(frame_config)
        spawner.environment = env

    c.Spawner.pre_spawn_hook = pre_spawn
