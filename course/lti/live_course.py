"""A course made at an instructor's launch, served at once: no hub restart.

A course of the roster or of PLATFORM.json's ``courses`` gets its formgrader from
``deploy/hub/jupyterhub_config.py`` at hub start (:func:`course.hub.courses.hub_course_config`:
a *managed* hub service named after the course, run as the course's grader account, and the
roles ``formgrade-C`` and ``instructor-C`` for its groups). A course made later, when an
instructor launches from an LMS course the hub does not know
(``allow_instructor_course_creation``), gets exactly the same, in the running hub:

* JupyterHub's REST API (``POST /hub/api/services/NAME``) adds only *external* services at
  runtime ("Can not create managed service ... at runtime", JupyterHub 5 and 6), and the hub
  would then find a runtime service and a config service of the same name at its next start
  and keep neither working. So the launch (running inside the hub, in the authenticator) asks
  the hub application to do what it does for its configuration at start: ``service_from_spec``
  with the very spec :func:`hub_course_config` builds, ``start_service`` (the hub runs and
  supervises the process, and stops it with the hub), and the proxy route.
* The course's roles are made with JupyterHub's own ``roles.create_role`` / ``grant_role``,
  held by the groups ``formgrade-C`` and ``instructors-C``
  (:func:`~course.lti.hub_groups.lti_roles`).
* ``hub.json`` already lists the course (:mod:`course.lti.provision`), so a later restart makes
  the same service, groups and roles from configuration.
"""

from __future__ import annotations

import socket
from typing import Any

from jupyterhub import orm, roles

from course.errors import LaunchRefusedError
from course.hub.courses import hub_course_config
from course.lti.hub_groups import lti_roles

__all__ = ["serve_course"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _group(db: Any, name: str) -> Any:
    group = orm.Group.find(db, name)
    if group is None:
        group = orm.Group(name=name)
        db.add(group)
        db.commit()
    return group


def course_roles(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The course's hub roles as an LTI hub holds them (by groups, never by user lists)."""
    config = hub_course_config([record], [0], ["true"], "/usr/bin")
    return lti_roles(config["roles"])


async def serve_course(
    app: Any, settings: dict[str, Any], record: dict[str, Any], command: list[str], path: str
) -> None:
    """Give the running hub ``app`` the course ``record``'s groups, roles and formgrader
    service; raise :class:`LaunchRefusedError` when the formgrader does not start."""
    config = hub_course_config([record], [_free_port()], command, path)
    db = app.db
    for role in course_roles(record):
        orm_role = roles.create_role(
            db, {k: role[k] for k in ("name", "description", "scopes")}, commit=True
        )
        for group in role.get("groups", []):
            roles.grant_role(db, _group(db, group), orm_role)
    for group in config["groups"]:
        _group(db, group)
    spec = config["services"][0]
    service = app.service_from_spec(spec, from_config=True)
    if service is None:
        raise LaunchRefusedError(
            "The course was made, but the hub could not add its formgrader; ask the hub's "
            "administrator to restart the hub."
        )
    db.commit()
    if service.oauth_no_confirm:
        settings.setdefault("oauth_no_confirm_list", set()).add(service.oauth_client_id)
    started = await app.start_service(spec["name"], service)
    if not started:
        raise LaunchRefusedError(
            "The course was made, but its formgrader did not start; ask the hub's "
            "administrator to look at the hub's log."
        )
    await app.proxy.add_service(service)
