"""``ankle-course hub warm`` and the idle culler on a real JupyterHub (marker ``hub``; root).

Three learners (random ``ac_w<hex>_`` names), a hub on free localhost ports with the culler
set to a short idle time: warm two servers through the CLI, warm again (nothing started twice),
then the culler stops the unused servers and the learners' files stay.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import secrets
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hub_harness import HubAdmin, HubProcess
from typer.testing import CliRunner

from course.cli import app
from course.hub.setup import SetupOptions, hub_paths, load_state, setup_hub, teardown_hub

REPO = Path(__file__).resolve().parent.parent
IDLE_SECONDS = 20
ROSTER = [("Ada", "Ada", "L", ""), ("Ben", "Ben", "K", ""), ("Cleo", "Cleo", "M", "")]

# creates and removes Unix users, groups and ACL grants: make test runs it through sudo
pytestmark = pytest.mark.root


def _warm(*args: str) -> Any:
    return CliRunner().invoke(app, ["hub", "warm", *args])


def test_warm_refuses_bad_input_without_a_hub(tmp_path: Path) -> None:
    empty = _warm("--course", "c", "--hub-dir", str(tmp_path))
    assert empty.exit_code == 2
    assert "no state.json" in empty.output
    assert "Traceback" not in empty.output


@pytest.fixture(scope="module")
def hub() -> Iterator[tuple[HubProcess, HubAdmin, list[str]]]:
    if os.geteuid() != 0:  # pragma: no cover - CI and the dev machines run as root
        pytest.fail("the hub tests create Unix users and must run as root")
    base = Path(tempfile.mkdtemp(prefix="ankle-warm-test-"))
    os.chmod(base, 0o755)
    hub_dir = base / "hub"
    roster = base / "roster.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([("id", "first_name", "last_name", "email"), *ROSTER])
    roster.write_text(buffer.getvalue(), encoding="utf-8")
    process = HubProcess(hub_dir=hub_dir, env={"ANKLE_HUB_IDLE_TIMEOUT": str(IDLE_SECONDS)})
    try:
        state = setup_hub(
            SetupOptions(
                roster=roster,
                hub_dir=hub_dir,
                course_source=REPO / "grading",
                prefix=f"ac_w{secrets.token_hex(3)}_",
                home_base=base / "home",
                passwords=False,
            )
        ).state
        process.start()
        token = (hub_paths(hub_dir)["secrets"] / "admin_token").read_text().strip()
        yield process, HubAdmin(process, token), state.learner_names
    finally:
        process.stop()
        if load_state(hub_dir) is not None:
            teardown_hub(hub_dir)
        shutil.rmtree(base, ignore_errors=True)


def _ready(admin: HubAdmin, name: str) -> bool:
    server = admin.api("GET", f"/users/{name}").get("servers", {}).get("")
    return bool(server and server.get("ready"))


@pytest.mark.hub
@pytest.mark.slow
def test_warm_starts_servers_and_the_culler_stops_unused_ones(
    hub: tuple[HubProcess, HubAdmin, list[str]],
) -> None:
    process, admin, learners = hub
    hub_dir = str(process.hub_dir)
    api = ["--hub-dir", hub_dir, "--api-url", process.api_url]

    wrong = _warm("--course", "physics", *api)
    assert wrong.exit_code != 0
    assert "no course 'physics'" in wrong.output
    assert "its course is 'ankle-course'" in wrong.output
    bad_count = _warm("--course", "ankle-course", "--learners", "some", *api)
    assert bad_count.exit_code == 2
    assert "number or 'all'" in bad_count.output

    first = _warm("--course", "ankle-course", "--learners", "2", "--parallel", "2", *api)
    assert first.exit_code == 0, first.output
    assert "Started 2, already running 0, failed 0" in first.output
    assert [_ready(admin, name) for name in learners] == [True, True, False]

    again = _warm("--course", "ankle-course", "--learners", "all", *api)
    assert again.exit_code == 0, again.output
    assert "Started 1, already running 2, failed 0" in again.output
    assert all(_ready(admin, name) for name in learners)

    # nobody uses them: the culler stops all three, and their lessons stay
    deadline = time.monotonic() + IDLE_SECONDS * 6
    while any(_ready(admin, n) for n in learners) and time.monotonic() < deadline:
        time.sleep(2)
    assert not any(_ready(admin, n) for n in learners), process.log_tail()
    assert "idle-culler" in process.log_path.read_text(errors="replace")
    for learner in learners:
        home = Path(os.path.expanduser(f"~{learner}"))
        assert (home / "ankle-course" / "00_welcome.ipynb").is_file()


@pytest.mark.hub
def test_the_hub_database_does_not_wait_for_the_disk_and_its_own_token_is_not_stretched(
    hub: tuple[HubProcess, HubAdmin, list[str]],
) -> None:
    """What keeps a class logging in at once from queueing on the hub's one event loop
    (benchmarks/hub_load.py): SQLite in WAL mode, and the automation token (32 random bytes)
    hashed once, not 16384 times, on every request it signs."""
    process, admin, learners = hub
    assert admin.api("GET", f"/users/{learners[0]}")["name"] == learners[0]  # it answers
    service = json.loads((process.hub_dir / "hub.json").read_text())["admin_service"]
    db = process.hub_dir / "runtime" / "jupyterhub.sqlite"
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        hashed = con.execute(
            "SELECT api_tokens.hashed FROM api_tokens JOIN services"
            " ON api_tokens.service_id = services.id WHERE services.name = ?",
            (service,),
        ).fetchall()
    assert len(hashed) == 1
    assert hashed[0][0].split(":")[:2] == ["sha512", "1"], hashed


def _load_hub_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, timeout: str | None) -> Any:
    """deploy/hub/jupyterhub_config.py, loaded by traitlets as JupyterHub loads it."""
    from traitlets.config.loader import PyFileConfigLoader

    hub_dir = tmp_path / "hub"
    (hub_dir / "secrets").mkdir(parents=True)
    for name in ("proxy_token", "admin_token", "cookie_secret"):
        (hub_dir / "secrets" / name).write_text("x\n")
    settings = {"instructor": "ac_t", "learners": ["ac_a"], "venv_bin": "/venv/bin"}
    (hub_dir / "hub.json").write_text(json.dumps({**settings, "admin_service": "admin"}))
    proxy = tmp_path / "bin" / "configurable-http-proxy"
    proxy.parent.mkdir()
    proxy.write_text("#!/bin/sh\n")
    proxy.chmod(0o755)
    monkeypatch.setenv("ANKLE_HUB_DIR", str(hub_dir))
    monkeypatch.setenv("PATH", f"{proxy.parent}:{os.environ['PATH']}")
    if timeout is None:
        monkeypatch.delenv("ANKLE_HUB_IDLE_TIMEOUT", raising=False)
    else:
        monkeypatch.setenv("ANKLE_HUB_IDLE_TIMEOUT", timeout)
    config = REPO / "deploy" / "hub" / "jupyterhub_config.py"
    return PyFileConfigLoader(config.name, path=str(config.parent)).load_config()


def test_the_hub_runs_the_idle_culler_with_only_its_scopes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyterhub.scopes import scope_definitions
    from jupyterhub_idle_culler import IdleCuller

    loaded = _load_hub_config(tmp_path, monkeypatch, None)
    services = {s["name"]: s for s in loaded.JupyterHub.services}
    command = services["idle-culler"]["command"]
    assert command[:3] == ["/venv/bin/python", "-m", "jupyterhub_idle_culler"]
    culler = IdleCuller()
    culler.parse_command_line(command[3:])  # the maintained culler accepts these options
    assert culler.timeout == 3600  # an hour without activity by default
    assert 0 < culler.cull_every <= 300
    role = next(r for r in loaded.JupyterHub.load_roles if r["name"] == "idle-culler")
    assert role["services"] == ["idle-culler"]
    assert set(role["scopes"]) <= set(scope_definitions)
    assert not {"admin:users", "admin:servers", "access:servers"} & set(role["scopes"])

    (tmp_path / "off").mkdir()
    off = _load_hub_config(tmp_path / "off", monkeypatch, "0")
    assert "idle-culler" not in {s["name"] for s in off.JupyterHub.services}
