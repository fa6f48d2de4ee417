"""Node.js >= 20 comes from the pinned PyPI wheel inside .venv, whatever ``node`` is on PATH.

Debian 12's own nodejs is 18, too old for configurable-http-proxy 5. Each test puts a fake
``node`` that says it is 18 first on ``PATH`` and checks that what the project runs is not it:
the Makefile's npm installs and test runs (``WITH_NODE``) and the hub's proxy command.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from traitlets.config import PyFileConfigLoader

REPO = Path(__file__).resolve().parent.parent


def _major(version: str) -> int:
    return int(version.strip().lstrip("v").split(".")[0])


@pytest.fixture
def old_node_first(tmp_path: Path) -> dict[str, str]:
    """An environment whose first ``node`` on PATH is an old one (a script that says v18)."""
    bin_dir = tmp_path / "old-node"
    bin_dir.mkdir()
    fake = bin_dir / "node"
    fake.write_text("#!/bin/sh\necho v18.19.0\n")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    assert subprocess.run(["node", "--version"], env=env, capture_output=True, text=True).stdout
    return env


def test_the_fake_is_what_a_plain_path_finds(old_node_first: dict[str, str]) -> None:
    """The premise of the other tests: without the project's care, node would be 18."""
    found = subprocess.run(
        ["node", "--version"], env=old_node_first, capture_output=True, text=True
    )
    assert _major(found.stdout) == 18


def test_make_runs_npm_and_the_suite_with_the_pinned_node(old_node_first: dict[str, str]) -> None:
    probe = "node-probe: ; @$(WITH_NODE) node --version && $(WITH_NODE) npm --version"
    result = subprocess.run(
        ["make", "-s", "-C", str(REPO), "--eval", probe, "node-probe"],
        env=old_node_first,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    node_version, npm_version = result.stdout.split()
    assert _major(node_version) >= 20
    assert _major(npm_version) >= 10  # the wheel's npm, run by its node (npm 10 refuses node 18)


def test_the_hub_proxy_runs_on_the_pinned_node(
    tmp_path: Path, old_node_first: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """deploy/hub/jupyterhub_config.py, loaded as JupyterHub loads it, with node 18 on PATH."""
    hub_dir = tmp_path / "hub"
    (hub_dir / "secrets").mkdir(parents=True)
    for name in ("proxy_token", "admin_token", "cookie_secret"):
        (hub_dir / "secrets" / name).write_text("x\n")
    settings = {
        "instructor": "",
        "learners": [],
        "venv_bin": "/venv/bin",
        "admin_service": "ankle-course-admin",
        "courses": [],
    }
    (hub_dir / "hub.json").write_text(json.dumps(settings))
    monkeypatch.setenv("ANKLE_HUB_DIR", str(hub_dir))
    monkeypatch.setenv("PATH", old_node_first["PATH"])
    config_file = REPO / "deploy" / "hub" / "jupyterhub_config.py"
    if not (config_file.parent / "node_modules").exists():
        proxy_dir = tmp_path / "proxy"
        proxy_dir.mkdir()
        (proxy_dir / "configurable-http-proxy").write_text("")
        (proxy_dir / "configurable-http-proxy").chmod(0o755)
        monkeypatch.setenv("PATH", f"{old_node_first['PATH']}:{proxy_dir}")
    loaded = PyFileConfigLoader(config_file.name, path=str(config_file.parent)).load_config()
    node, *_ = loaded.ConfigurableHTTPProxy.command
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    assert _major(version.stdout) >= 20
