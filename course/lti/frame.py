"""Showing the hub inside the LMS's page (an iframe).

Browsers show a page in another site's frame only when the page's ``Content-Security-Policy``
names that site in ``frame-ancestors``; JupyterHub and Jupyter Server allow ``'self'`` only.
On an LTI hub both pages name the LMS's addresses (PLATFORM.json's ``frame_ancestors``, else the
issuer's origin): the hub through its ``tornado_settings``, every person's server through a
config folder put first on ``JUPYTER_CONFIG_PATH`` by the hub (``HUB_DIR/jupyter/lti``), which
repeats the learner role's own ``tornado_settings`` (:data:`course.roles.HUB_LEARNER`) because
a later setting of the same name replaces, not extends, an earlier one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

from course.lti.config import PlatformConfig
from course.roles import HUB_LEARNER

__all__ = ["FRAME_FOLDER", "frame_headers", "write_frame_config"]

FRAME_FOLDER = "lti"  # HUB_DIR/jupyter/lti


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def frame_headers(platform: PlatformConfig) -> dict[str, str]:
    """The header that lets the LMS's pages frame the hub's."""
    origins = platform.frame_ancestors or (_origin(platform.issuer),)
    sources = " ".join(dict.fromkeys(_origin(o) for o in origins))
    return {"Content-Security-Policy": f"frame-ancestors 'self' {sources}"}


def write_frame_config(jupyter_folder: Path, platform: PlatformConfig) -> Path:
    """``HUB_DIR/jupyter/lti/jupyter_server_config.json`` (readable by all, written by root)."""
    folder = jupyter_folder / FRAME_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o755)
    learner = HUB_LEARNER.server_config(jupyter_folder / HUB_LEARNER.name)
    server = dict(learner.get("ServerApp", {}))  # type: ignore[call-overload]
    settings = dict(server.get("tornado_settings", {}))
    settings["headers"] = frame_headers(platform)
    config = {**learner, "ServerApp": {**server, "tornado_settings": settings}}
    path = folder / "jupyter_server_config.json"
    path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    os.chmod(path, 0o644)
    return folder
