"""Real servers and a real browser for the browser tests and the browser benchmarks.

Nothing here is mocked: :class:`Server` starts ``jupyter lab`` or ``ankle-course app`` (Voila)
as a child process in its own process group and stops it by PID; :func:`launch_chromium` starts
Debian's Chromium through Playwright's Python API (Playwright's own browser download does not
work on the course's machines).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local_services import free_port as free_port  # browser tests import it from here too
from local_services import stop_group

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("ANKLE_COURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

# JupyterLab settings for a quiet, predictable test session: no news or update toasts over
# the notebook, and every cell kept in the DOM (windowing "none") so that checks of
# "all outputs" see all of them.
LAB_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


class BrowserMissingError(RuntimeError):
    """Chromium is not installed where the tests expect it."""


def chromium_path() -> str:
    """The Chromium executable, or :class:`BrowserMissingError` naming how to install it."""
    path = shutil.which(CHROMIUM) or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
    if path is None:
        raise BrowserMissingError(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` "
            "(or `make system-deps`), or set ANKLE_COURSE_CHROMIUM"
        )
    return path


def axe_source() -> str:
    """The pinned axe-core script; run ``make browser-deps`` to install it."""
    if not AXE_JS.is_file():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `make browser-deps`")
    return AXE_JS.read_text(encoding="utf-8")


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless, driven by Playwright."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def course_env(home: Path) -> dict[str, str]:
    """Environment for a server whose kernels must never touch the real learner's files."""
    env = dict(os.environ)
    env.update(
        {
            "ANKLE_COURSE_PROGRESS": str(home / "progress.json"),
            "ANKLE_COURSE_HOME": str(home / "ankle-course"),
            "JUPYTER_CONFIG_DIR": str(home / "jupyter-config"),
            "JUPYTER_RUNTIME_DIR": str(home / "jupyter-runtime"),
            "JUPYTER_DATA_DIR": str(home / "jupyter-data"),
            "JUPYTER_PLATFORM_DIRS": "1",
            "IPYTHONDIR": str(home / "ipython"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("MPLBACKEND", None)
    return env


class Server:
    """A Jupyter server process (JupyterLab or Voila) with a token, stopped by PID."""

    def __init__(
        self, command: Sequence[str], *, port: int, token: str, env: dict[str, str], log: Path
    ) -> None:
        self.command = list(command)
        self.port = port
        self.token = token
        self.env = env
        self.log = log
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}/{path.lstrip('/')}{sep}token={self.token}"

    def start(self, ready_path: str, timeout: float = 90.0) -> Server:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url(ready_path), timeout=5) as response:
                    if response.status == 200:
                        return self
            except (OSError, urllib.error.URLError):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"server did not start: {' '.join(self.command)}\n{self.tail_log()}"
                )
            time.sleep(0.25)

    def tail_log(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            stop_group(process, grace=15.0)


def copy_notebooks(target: Path) -> list[str]:
    """Copy the course notebooks into ``target``; return their names."""
    from course.content.resources import notebooks_dir

    target.mkdir(parents=True, exist_ok=True)
    names = []
    for notebook in sorted(notebooks_dir().glob("*.ipynb")):
        shutil.copyfile(notebook, target / notebook.name)
        names.append(notebook.name)
    return names


def start_lab(home: Path, extra_files: dict[str, str] | None = None) -> Server:
    """``jupyter lab`` on a free port over a temporary copy of the notebooks."""
    root = home / "notebooks"
    copy_notebooks(root)
    for name, text in (extra_files or {}).items():
        (root / name).write_text(text, encoding="utf-8")
    settings = home / "lab-settings"
    for relative, values in LAB_SETTINGS.items():
        path = settings / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    port = free_port()
    token = f"ankle-{os.getpid()}-{port}"
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={home / 'lab-workspaces'}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--expose-app-in-browser",
    ]
    if is_root():
        command.append("--allow-root")
    server = Server(command, port=port, token=token, env=course_env(home), log=home / "lab.log")
    return server.start("api/status")


def start_app(home: Path) -> Server:
    """``ankle-course app`` (Voila) on a free port, as a non-programmer would open it."""
    port = free_port()
    token = f"ankle-app-{os.getpid()}-{port}"
    command = [
        sys.executable,
        "-m",
        "course.cli",
        "app",
        "--no-browser",
        "--port",
        str(port),
        "--token",
        token,
    ]
    server = Server(command, port=port, token=token, env=course_env(home), log=home / "app.log")
    return server.start("")


def temporary_home(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


@dataclass
class LabSession:
    """A running JupyterLab, and one Chromium page for it (:func:`lab_session`)."""

    home: Path
    server: Server
    browser: Any
    page: Any


@contextmanager
def lab_session(
    prefix: str, extra_files: dict[str, str] | None = None, *, keep: bool = False
) -> Iterator[LabSession]:
    """JupyterLab over a temporary home (:func:`start_lab`) and Chromium with one 1280 x 1000
    page, for the benchmarks; both stopped afterwards, the home removed unless ``keep``."""
    from playwright.sync_api import sync_playwright

    home = temporary_home(prefix)
    server = start_lab(home, extra_files)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                yield LabSession(home, server, browser, page)
            finally:
                browser.close()
    finally:
        server.stop()
        if not keep:
            shutil.rmtree(home, ignore_errors=True)
