"""Showing the hub inside the LMS's page (an iframe).

Browsers show a page in another site's frame only when the page's ``Content-Security-Policy``
names that site in ``frame-ancestors``; JupyterHub and Jupyter Server allow ``'self'`` only.
On an LTI hub both pages name the LMS's addresses (PLATFORM.json's ``frame_ancestors``, else the
issuer's origin): the hub through its ``tornado_settings``, every person's server through a
config folder put first on ``JUPYTER_CONFIG_PATH`` by the hub (``HUB_DIR/jupyter/lti``), which
repeats the learner role's own ``tornado_settings`` (:data:`course.roles.HUB_LEARNER`) because
a later setting of the same name replaces, not extends, an earlier one.

Served over HTTPS, the hub's pages sit in the LMS's frame as a third party: browsers send their
cookies there only when marked ``SameSite=None; Secure``. The hub's own cookies take that from
its ``cookie_options`` (which JupyterHub also hands every person's server for its log-in
cookies, ``JUPYTERHUB_COOKIE_OPTIONS``); a person's JupyterLab sets its ``_xsrf`` cookie from its
own ``xsrf_cookie_kwargs``, in the second folder ``HUB_DIR/jupyter/lti-https`` that the hub puts
first instead when its public address is ``https``. Over plain http both stay as they are.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

from course.lti.config import PlatformConfig
from course.roles import HUB_LEARNER

__all__ = [
    "FRAME_FOLDER",
    "THIRD_PARTY_COOKIES",
    "frame_folder",
    "frame_headers",
    "is_https",
    "write_frame_config",
]

FRAME_FOLDER = "lti"  # HUB_DIR/jupyter/lti
HTTPS_FOLDER = "lti-https"  # HUB_DIR/jupyter/lti-https: the same, with third-party cookies
#: how cookies must be set to reach a page in another site's frame (browsers require Secure)
THIRD_PARTY_COOKIES = {"samesite": "None", "secure": True}


def is_https(public_url: str | None) -> bool:
    return bool(public_url) and urlsplit(str(public_url)).scheme == "https"


def frame_folder(jupyter_folder: Path, public_url: str | None) -> Path:
    """The config folder every person's server reads first on an LTI hub."""
    return jupyter_folder / (HTTPS_FOLDER if is_https(public_url) else FRAME_FOLDER)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def frame_headers(platform: PlatformConfig) -> dict[str, str]:
    """The header that lets the LMS's pages frame the hub's."""
    origins = platform.frame_ancestors or (_origin(platform.issuer),)
    sources = " ".join(dict.fromkeys(_origin(o) for o in origins))
    return {"Content-Security-Policy": f"frame-ancestors 'self' {sources}"}


def write_frame_config(jupyter_folder: Path, platform: PlatformConfig) -> Path:
    """``HUB_DIR/jupyter/lti/jupyter_server_config.json`` and its ``lti-https`` twin (readable
    by all, written by root); returns the first."""
    learner = HUB_LEARNER.server_config(jupyter_folder / HUB_LEARNER.name)
    server = dict(learner.get("ServerApp", {}))  # type: ignore[call-overload]
    settings = dict(server.get("tornado_settings", {}))
    settings["headers"] = frame_headers(platform)
    for name, extra in ((FRAME_FOLDER, {}), (HTTPS_FOLDER, THIRD_PARTY_COOKIES)):
        folder = jupyter_folder / name
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o755)
        tornado = {**settings, **({"xsrf_cookie_kwargs": dict(extra)} if extra else {})}
        config = {**learner, "ServerApp": {**server, "tornado_settings": tornado}}
        path = folder / "jupyter_server_config.json"
        path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        os.chmod(path, 0o644)
    return jupyter_folder / FRAME_FOLDER
