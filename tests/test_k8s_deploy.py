"""deploy/k8s: the Zero to JupyterHub files are consistent with each other and with the course.

What this can check without a cluster or a container runtime: the Helm values and the volume
claim parse; they name the same image (the package version), volumes and exchange path; the
learner-mode settings are the course's own (``course.roles.HUB_LEARNER``) and the instructor
keeps every tool; the Dockerfile copies only files that exist. Building the image and running
the chart are not tested here (docs/scale.md says so).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from course.roles import HUB_LEARNER

REPO = Path(__file__).resolve().parent.parent
K8S = REPO / "deploy" / "k8s"


@pytest.fixture(scope="module")
def values() -> dict[str, Any]:
    data = yaml.safe_load((K8S / "values.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _version() -> str:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return str(project["version"])


def _roles_snippet(values: dict[str, Any]) -> dict[str, Any]:
    """Run the hub's extra config as the hub would, with a stand-in for its config object."""
    namespace: dict[str, Any] = {"c": SimpleNamespace(KubeSpawner=SimpleNamespace())}
    exec(values["hub"]["extraConfig"]["ankle-course-roles"], namespace)
    return namespace


def test_the_values_name_the_image_built_from_this_version(values: dict[str, Any]) -> None:
    image = values["singleuser"]["image"]
    assert image["tag"] == _version()
    dockerfile = (K8S / "Dockerfile").read_text(encoding="utf-8")
    assert f"-t {image['name']}:{image['tag']} ." in dockerfile


def test_the_exchange_volume_is_shared_and_mounted_where_nbgrader_looks(
    values: dict[str, Any],
) -> None:
    claim = yaml.safe_load((K8S / "exchange-pvc.yaml").read_text(encoding="utf-8"))
    assert claim["kind"] == "PersistentVolumeClaim"
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    storage = values["singleuser"]["storage"]
    volumes = {v["name"]: v for v in storage["extraVolumes"]}
    mounts = {m["name"]: m for m in storage["extraVolumeMounts"]}
    assert set(volumes) == set(mounts)
    exchange = volumes["nbgrader-exchange"]["persistentVolumeClaim"]["claimName"]
    assert exchange == claim["metadata"]["name"]
    nbgrader = values["singleuser"]["extraFiles"]["nbgrader-config"]["stringData"]
    root = re.search(r'c\.Exchange\.root = "([^"]+)"', nbgrader)
    assert root is not None
    assert root.group(1) == mounts["nbgrader-exchange"]["mountPath"]
    assert 'c.CourseDirectory.course_id = "ankle-course"' in nbgrader


def test_learners_get_learner_mode_and_the_instructor_everything(values: dict[str, Any]) -> None:
    roles = _roles_snippet(values)
    assert roles["LEARNER_ARGS"] == HUB_LEARNER.server_args()
    dockerfile = (K8S / "Dockerfile").read_text(encoding="utf-8")
    assert f"HUB_LEARNER.write_config_dir(Path('{roles['LEARNER_CONFIG_PATH']}'))" in dockerfile
    hook = roles["c"].KubeSpawner.pre_spawn_hook
    learner = SimpleNamespace(user=SimpleNamespace(name="ac_dana"), args=[], environment={})
    hook(learner)
    assert learner.args == HUB_LEARNER.server_args()
    assert learner.environment["JUPYTER_CONFIG_PATH"] == roles["LEARNER_CONFIG_PATH"]
    teacher = SimpleNamespace(
        user=SimpleNamespace(name=roles["INSTRUCTOR"]), args=[], environment={}
    )
    hook(teacher)
    assert teacher.args == []
    assert teacher.environment == {}
    assert values["hub"]["loadRoles"]["instructor"]["users"] == [roles["INSTRUCTOR"]]
    assert "access:servers" not in values["hub"]["loadRoles"]["instructor"]["scopes"]
    assert values["hub"]["config"]["Authenticator"]["admin_users"] == []


def test_servers_start_through_the_course_s_launcher(values: dict[str, Any]) -> None:
    cmd = values["singleuser"]["cmd"]
    assert cmd[-2:] == ["-m", "course.hub.singleuser"]
    assert (REPO / "course" / "hub" / "singleuser.py").is_file()


def test_learners_start_at_the_welcome_notebook(values: dict[str, Any]) -> None:
    url = values["singleuser"]["defaultUrl"]
    assert url == "/lab/tree/ankle-course/00_welcome.ipynb"
    assert (REPO / "notebooks" / "00_welcome.ipynb").is_file()
    hook = values["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert hook[:3] == ["ankle-course", "lab", "--dry-run"]


def test_the_dockerfile_copies_only_files_that_exist() -> None:
    dockerfile = (K8S / "Dockerfile").read_text(encoding="utf-8")
    copies = re.findall(r"^COPY (?!--from)(.+?) \S+$", dockerfile, re.MULTILINE)
    assert copies
    for sources in copies:
        for source in sources.split():
            assert (REPO / source).exists(), source
