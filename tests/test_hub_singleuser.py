"""``course.hub.singleuser`` (JupyterHub's single-user command) and the start-up work it skips
(``course.startup``, shared with the grade commands)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys, time
{prepare}
started = time.process_time()
import jsonschema._format
from jsonschema import Draft7Validator
print(sys.modules.get("rfc3987_syntax") is not None, round(time.process_time() - started, 2))
print(Draft7Validator.FORMAT_CHECKER.conforms("https://example.org/a", "uri-reference"))
"""


# A stand-in for rfc3987-syntax, found first on the path: the set-up removes the real package
# from .venv (Makefile TRIM), and these tests are about what the launcher lets be imported.
FAKE_RFC3987_SYNTAX = "def is_valid_syntax(rule, value):\n    return True\n"


def _probe(prepare: str, template: str = PROBE, fake_dir: Path | None = None) -> list[str]:
    """What ``template`` prints, run in a fresh Python after ``prepare``."""
    code = template.format(prepare=prepare)
    # as on a hub machine: this environment's bin (the pinned Node.js, Makefile NODE) on PATH
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    env = {**os.environ, "PATH": path}
    if fake_dir is not None:
        env["PYTHONPATH"] = str(fake_dir)
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
        env=env,
    )
    return result.stdout.split()


def test_the_launcher_skips_only_the_iri_grammar(tmp_path: Path) -> None:
    (tmp_path / "rfc3987_syntax.py").write_text(FAKE_RFC3987_SYNTAX, encoding="utf-8")
    stock = _probe("", fake_dir=tmp_path)
    fast = _probe(
        "from course.startup import skip_slow_imports; skip_slow_imports()", fake_dir=tmp_path
    )
    assert stock[0] == "True"  # jsonschema imports it when it is installed and nothing stops it
    assert fast[0] == "False"
    assert stock[2] == fast[2] == "True"  # the other format checkers still work


def test_the_launcher_is_jupyterhub_singleuser() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "course.hub.singleuser", "--help-all"],
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
    )
    assert result.returncode == 0, result.stderr
    assert "--SingleUserNotebookApp" in result.stdout or "JupyterHub" in result.stdout


YARN_PROBE = """
import subprocess
{prepare}
calls = []
real = subprocess.check_output
def spy(args, *a, **k):
    calls.append(args)
    return real(args, *a, **k)
subprocess.check_output = spy
import jupyterlab, jupyterlab.labapp
print(sum(1 for c in calls if str(c[0]).endswith(("node", "nodejs"))))
print(jupyterlab.labapp.app_version == jupyterlab.__version__)
"""


def test_the_launcher_starts_no_node_process_for_jupyterlab() -> None:
    stock = _probe("", YARN_PROBE)
    fast = _probe("from course.startup import skip_yarn_config; skip_yarn_config()", YARN_PROBE)
    assert stock[0] == "1"  # JupyterLab asks yarn (Node.js, installed for the hub's proxy)
    assert fast[0] == "0"
    assert stock[1] == fast[1] == "True"  # JupyterLab still knows its own version


SERVER_PROBE = """
import sys
{prepare}
from jupyter_client.kernelspec import KernelSpecManager
import jsonschema._format
dirs = KernelSpecManager().kernel_dirs
print("IPython" in sys.modules, sys.modules.get("isoduration") is not None)
print(dirs[-1])
"""


def test_a_learner_server_skips_ipython_and_unused_format_checkers() -> None:
    stock = _probe("", SERVER_PROBE)
    fast = _probe(
        "from course.startup import skip_server_extras; skip_server_extras()", SERVER_PROBE
    )
    assert stock[:2] == ["True", "True"]  # jupyter_client imports IPython for one folder name
    assert fast[:2] == ["False", "False"]
    assert fast[2] == stock[2]  # the same kernel folder, ~/.ipython/kernels


HUB_PROBE = """
import sys
{prepare}
import jupyterhub.singleuser
from jupyterhub.log import log_request
print("alembic" in sys.modules, "sqlalchemy.orm" in sys.modules)
import jupyterhub.orm
print(jupyterhub.orm.User.__name__, "alembic" in sys.modules)  # the real ORM, once used
"""


def test_a_learner_server_imports_the_hubs_database_layer_only_if_used() -> None:
    stock = _probe("", HUB_PROBE)
    fast = _probe("from course.startup import skip_hub_internals; skip_hub_internals()", HUB_PROBE)
    assert stock[:2] == ["True", "True"]  # jupyterhub.log imports the hub's handlers and ORM
    assert fast[:2] == ["False", "False"]
    assert fast[2:] == stock[2:] == ["User", "True"]


def test_a_module_imported_on_first_use_is_the_real_one_once_used() -> None:
    out = _probe(
        "from course.startup import import_on_first_use; import_on_first_use('requests')",
        """
import sys
{prepare}
import requests
print("urllib3" in sys.modules, requests.codes.ok, "urllib3" in sys.modules)
import requests as again
print(again.Session.__module__, type(sys.modules["requests"]).__name__)
""",
    )
    assert out == ["False", "200", "True", "requests.sessions", "module"]


SQLALCHEMY_PROBE = """
import sys
{prepare}
import jupyterhub.singleuser
print("sqlalchemy" in sys.modules)
import sqlalchemy, sqlalchemy.exc
from sqlalchemy import func
import jupyterhub.roles, jupyterhub.scopes
print(type(sys.modules["sqlalchemy"]).__name__, sqlalchemy.exc.SADeprecationWarning.__name__)
print(jupyterhub.scopes.sa.inspect is sqlalchemy.inspect, jupyterhub.roles.func.count is not None)
from nbgrader.api import Gradebook
print(Gradebook.__name__)
"""


def test_a_learner_server_imports_sqlalchemy_only_when_something_uses_it() -> None:
    stock = _probe("", SQLALCHEMY_PROBE)
    fast = _probe(
        "from course.startup import skip_hub_internals; skip_hub_internals()", SQLALCHEMY_PROBE
    )
    assert stock[0] == "True"  # jupyterhub.utils, .scopes and .roles import it
    assert fast[0] == "False"
    # afterwards everything gets the real SQLAlchemy: nbgrader's gradebook, the hub's helpers
    assert fast[1:] == stock[1:] == ["module", "SADeprecationWarning", "True", "True", "Gradebook"]
