"""``ankle-course hub sync-roster --course C``: the LMS course's members (LTI Names and Role
Provisioning Services 2.0) made into the hub course's accounts and roles.

Members the LMS lists as active get an account (the same code as a first launch,
:func:`course.lti.provision.provision`) and their role; members who are gone, inactive or
deleted in the LMS lose access to the course: out of its Unix group (the exchange) and of its
JupyterHub groups at their next log-in, their server stopped when the hub is reachable. Their
account and files are kept; nothing is deleted.
"""

from __future__ import annotations

import os
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from course.errors import LaunchRefusedError, LtiBusyError, LtiConfigError, LtiServiceError
from course.hub import system
from course.hub.state import load_state, save_state
from course.lti.launch import Launch
from course.lti.provision import locked, provision
from course.lti.roles import course_role
from course.lti.service import ServiceClient
from course.lti.settings import course_plan, load_lti
from course.lti.store import Member, Store

__all__ = ["SyncReport", "fetch_members", "sync_roster"]

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEDIA = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "sub: reason"
    stopped: list[str] = field(default_factory=list)


def fetch_members(client: ServiceClient, url: str) -> list[dict[str, Any]]:
    """Every member, following the ``Link: rel="next"`` pages."""
    members: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        try:
            answer = client.call(
                "GET", next_url, [NRPS_SCOPE], what="roster service", headers={"Accept": MEDIA}
            )
        except LtiBusyError as exc:
            raise LtiServiceError(
                f"the LMS's roster service kept failing ({exc.status}); "
                "nothing was changed, run the command again later"
            ) from None
        if answer.status_code != 200:
            raise LtiServiceError(f"the LMS's roster service answered HTTP {answer.status_code}")
        members.extend(answer.json().get("members", []))
        next_url = answer.links.get("next", {}).get("url")
    return members


def _launch_of(member: dict[str, Any], issuer: str, context_id: str) -> Launch:
    return Launch(
        issuer=issuer,
        sub=str(member.get("user_id", "")),
        deployment_id="",
        message_type="roster",
        roles=tuple(str(r) for r in member.get("roles", [])),
        context_id=context_id,
        name=str(member.get("name", "")),
        email=str(member.get("email", "")),
        username=str(member.get("username", "") or member.get("lis_person_sourcedid", "")),
    )


def _drop(hub_dir: Path, course: str, account: str, store: Store, role: str) -> None:
    with locked(hub_dir):
        state = load_state(hub_dir)
        assert state is not None
        for record in state.courses:
            if record["course_id"] == course:
                record["members"] = {
                    k: v for k, v in record.get("members", {}).items() if k != account
                }
        save_state(state)
        group = course_plan(hub_dir, course).group
        if system.user_exists(account):
            system.run(["gpasswd", "--delete", account, group])
        store.set_member(Member(course, account, role, False))


def _stop_server(hub_dir: Path, account: str) -> bool:
    """Stop ``account``'s server through the hub's API (the automation token); False when the
    hub is not running here."""
    token = (hub_dir / "secrets" / "admin_token").read_text(encoding="utf-8").strip()
    port = os.environ.get("ANKLE_HUB_API_PORT", "8081")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/hub/api/users/{account}/server",
        method="DELETE",
        headers={"Authorization": f"token {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30):
            return True
    except OSError:
        return False


def sync_roster(
    hub_dir: Path, course: str, *, session: requests.Session | None = None
) -> SyncReport:
    platform, key = load_lti(hub_dir)
    course_plan(hub_dir, course)  # an unknown course: one line
    store = Store.open(hub_dir)
    report = SyncReport()
    try:
        context = store.context_of_course(course)
        if context is None or not context.memberships_url:
            raise LtiConfigError(
                f"no launch from the LMS course linked to {course} has reached the hub yet (the "
                "roster service address comes with a launch): open the course's link once"
            )
        client = ServiceClient(platform, key, store, session or requests.Session())
        members = fetch_members(client, context.memberships_url)
        active: set[str] = set()
        for member in members:
            launch = _launch_of(member, platform.issuer, context.context_id)
            if member.get("status", "Active") != "Active" or course_role(launch.roles) is None:
                continue
            try:
                arrival = provision(hub_dir, platform, store, launch)
            except LaunchRefusedError as exc:
                report.refused.append(f"{launch.sub}: {exc}")
                continue
            active.add(arrival.account)
            (report.added if arrival.created else report.kept).append(arrival.account)
        for known in store.members(course):
            if known.active and known.account not in active:
                _drop(hub_dir, course, known.account, store, known.role)
                report.dropped.append(known.account)
                if _stop_server(hub_dir, known.account):
                    report.stopped.append(known.account)
        return report
    finally:
        store.close()
