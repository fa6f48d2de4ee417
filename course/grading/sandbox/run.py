"""Execute one learner's notebook in a sandbox: no instructor rights, no network, hard limits.

For assessments whose item bank says ``execute: true`` (code questions), the learner's kernel
must run, but not as the instructor. ``execute_sandboxed`` runs one submission notebook:

* as a **fresh unprivileged uid** (a high number with no account, no groups, no capabilities,
  ``no_new_privs``), unique to this run, so limits per user apply to this run alone and
  anything left behind can be found and killed by uid;
* in **its own network namespace** (``unshare --net``: no interface is up, so no socket
  reaches this machine's services or the internet; the kernel talks to nbclient over Unix
  sockets), and its own PID, IPC, UTS and mount namespaces;
* in a **new, nearly empty root**: read-only ``/usr`` and the Python installation, a private
  size-limited working copy ``/sandbox`` holding only this submission, a small private
  ``/tmp``; the course folder (``source/`` with the keys, the gradebook), other learners'
  folders, the exchange and every home folder do not exist in there, whatever their modes;
* under **resource limits** (``setrlimit``): CPU seconds, address space, processes, file
  size, open files, no core files; a wall-clock limit for the whole notebook ends the run by
  killing the PID namespace (every process in it dies with its first process).

Needs root (the namespaces and the uid switch) and ``unshare`` from util-linux;
``sandbox_problem`` says why the sandbox cannot run here. ``run_sandboxed`` returns the
executed notebook or a reason to flag the submission; ``execute_sandboxed`` is the grading
pipeline's hook (``MarkAnswers`` calls it for ``execute: true`` item banks). Nothing here ever
runs learner code any other way.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from course.errors import SandboxUnavailableError

_HERE = Path(__file__).resolve().parent
_LAUNCHER = _HERE / "_launch.py"
_RUNNER = _HERE / "_runner.py"
# sandbox uids: above any range useradd hands out, below the 32-bit "no uid" values
_UID_RANGE = (1 << 30, (1 << 31) - 2)
_META = "ankle_course"  # the submission's problems, as the marking preprocessors keep them
_NAMESPACES = ("--net", "--mount", "--pid", "--ipc", "--uts", "--fork", "--kill-child")


@dataclass(frozen=True)
class SandboxLimits:
    """What one submission's run may use. Memory is address space per process."""

    wall_seconds: float = 120.0
    cell_timeout: int = 10
    startup_timeout: int = 60
    cpu_seconds: int = 60
    memory_bytes: int = 1536 << 20
    processes: int = 64
    file_bytes: int = 32 << 20
    open_files: int = 256
    workspace_bytes: int = 64 << 20


@dataclass(frozen=True)
class SandboxResult:
    """The executed notebook (None when nothing usable came back) and why to flag, if so."""

    notebook: Any | None
    flagged: str | None
    seconds: float
    uid: int

    @property
    def ok(self) -> bool:
        return self.flagged is None and self.notebook is not None


def sandbox_problem() -> str | None:
    """Why ``execute_sandboxed`` cannot run on this machine, or None when it can."""
    if sys.platform != "linux":
        return "the grading sandbox needs Linux (namespaces)"
    if os.geteuid() != 0:
        return (
            "executing learners' code needs the grading sandbox, which must start as root "
            "(it switches to an unprivileged uid with no network); run autograde as root"
        )
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return (
            "the grading sandbox needs unshare and mount (Debian: apt-get install util-linux mount)"
        )
    return None


def _free_uid() -> int:
    for _ in range(100):
        uid = _UID_RANGE[0] + secrets.randbelow(_UID_RANGE[1] - _UID_RANGE[0])
        try:
            pwd.getpwuid(uid)
        except KeyError:
            if not _pids_of_uid(uid):
                return uid
    raise SandboxUnavailableError("no free sandbox uid found")  # pragma: no cover - 2^30 candidates


def _pids_of_uid(uid: int) -> list[int]:
    """Processes (not zombies) whose real, effective or saved uid is ``uid``."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", encoding="utf-8") as handle:
                status = handle.read()
        except OSError:
            continue
        if "\nState:\tZ" in status:
            continue
        for line in status.splitlines():
            if line.startswith("Uid:"):
                if uid in (int(x) for x in line.split()[1:]):
                    found.append(int(entry.name))
                break
    return found


def _kill_uid(uid: int, timeout: float = 10.0) -> None:
    """SIGKILL whatever still runs as ``uid`` (the PID namespace's end kills it all; this
    waits for that, and is the second line if it did not)."""
    deadline = time.monotonic() + timeout
    while True:
        pids = _pids_of_uid(uid)
        if not pids or time.monotonic() > deadline:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)


def _python_binds() -> list[str]:
    """The folders the sandbox's Python needs (installation and virtual environment)."""
    candidates = {
        os.path.realpath(p)
        for p in (sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix)
    }
    candidates.add(os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))))
    # a venv keeps its own path in bin/python's shebang-free symlink: bind it where it is
    candidates.add(os.path.abspath(sys.prefix))
    kept: list[str] = []
    for path in sorted(candidates, key=len):
        if path in ("/", "/usr") or path.startswith("/usr/"):
            continue
        if not any(path == k or path.startswith(k + "/") for k in kept):
            kept.append(path)
    return kept


def _rlimits(limits: SandboxLimits) -> dict[str, int]:
    return {
        "RLIMIT_CPU": limits.cpu_seconds,
        "RLIMIT_AS": limits.memory_bytes,
        "RLIMIT_NPROC": limits.processes,
        "RLIMIT_FSIZE": limits.file_bytes,
        "RLIMIT_NOFILE": limits.open_files,
        "RLIMIT_CORE": 0,
    }


def _tail(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1][:200] if lines else ""


def _exit_reason(code: int, stderr: Path) -> str:
    if code < 0 or code > 128:
        number = -code if code < 0 else code - 128
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        return f"the sandbox was ended by {name} (a resource limit was reached)"
    last = _tail(stderr)
    return f"the sandbox stopped with status {code}" + (f": {last}" if last else "")


def run_sandboxed(
    notebook: Any, *, limits: SandboxLimits | None = None, kernel_name: str = "python3"
) -> SandboxResult:
    """Run every cell of ``notebook`` (an nbformat v4 notebook) in the sandbox.

    Returns the executed notebook (cell errors, including a stopped cell, are outputs as with
    nbgrader's ``Execute``), and ``flagged`` set to a one-line reason when the run did not
    finish normally: the wall-clock limit, a dead kernel, a limit that ended the runner, an
    unreadable reply. Raises ``SandboxUnavailableError`` only when the sandbox cannot run at
    all (see ``sandbox_problem``); the input notebook is not modified.
    """
    import nbformat

    problem = sandbox_problem()
    if problem is not None:
        raise SandboxUnavailableError(problem)
    limits = limits or SandboxLimits()
    uid = _free_uid()
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="ankle-sandbox-"))  # root only (0700)
    try:
        root = scratch / "root"
        root.mkdir(mode=0o700)
        request = {
            "root": str(root),
            "uid": uid,
            "gid": uid,
            "binds": _python_binds(),
            "python": os.path.abspath(sys.executable),
            "runner": _RUNNER.read_text(encoding="utf-8"),
            "limits": _rlimits(limits),
            "workspace_bytes": limits.workspace_bytes,
            "notebook": nbformat.writes(notebook),  # type: ignore[no-untyped-call]
            "runner_options": {
                "kernel_name": kernel_name,
                "cell_timeout": limits.cell_timeout,
                "startup_timeout": limits.startup_timeout,
            },
        }
        reply_path, err_path = scratch / "reply.json", scratch / "stderr.txt"
        command = ["unshare", *_NAMESPACES, sys.executable, "-I", str(_LAUNCHER)]
        with reply_path.open("wb") as reply, err_path.open("wb") as err:
            process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=reply, stderr=err, cwd="/"
            )
            try:
                process.communicate(json.dumps(request).encode(), timeout=limits.wall_seconds)
            except subprocess.TimeoutExpired:
                process.kill()  # --kill-child: the PID namespace's first process dies, and all
                process.wait()
                return SandboxResult(
                    None,
                    f"ran longer than {limits.wall_seconds:g} s in the sandbox and was stopped",
                    time.monotonic() - started,
                    uid,
                )
        if process.returncode != 0:
            return SandboxResult(
                None, _exit_reason(process.returncode, err_path), time.monotonic() - started, uid
            )
        try:
            data = json.loads(reply_path.read_text(encoding="utf-8"))
            executed = nbformat.reads(data["notebook"], as_version=4)  # type: ignore[no-untyped-call]
            flagged = data.get("problem")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            return SandboxResult(
                None,
                f"the sandbox's reply was unreadable ({type(exc).__name__})",
                time.monotonic() - started,
                uid,
            )
        return SandboxResult(
            executed, str(flagged) if flagged else None, time.monotonic() - started, uid
        )
    finally:
        _kill_uid(uid)
        shutil.rmtree(scratch, ignore_errors=True)


def limits_from_config(config: Any) -> SandboxLimits:
    """``SandboxLimits`` with any ``c.Sandbox.<field>`` of the course's nbgrader configuration."""
    section = config.get("Sandbox", {}) if config is not None else {}
    defaults = asdict(SandboxLimits())
    values = {}
    for name, default in defaults.items():
        if name in section:
            values[name] = type(default)(section[name])
    return SandboxLimits(**values)


def execute_sandboxed(nb: Any, resources: Any, config: Any) -> Any:
    """The grading pipeline's hook for ``execute: true``: ``nb`` with the sandbox's outputs.

    ``nb`` is one learner's rebuilt submission (hidden tests restored), ``resources["nbgrader"]``
    names the assignment and student, ``config`` is the course's traitlets configuration
    (``c.Sandbox.*`` overrides ``SandboxLimits``). When the run was stopped or failed, the
    reason is added to the submission's problems (``nb.metadata["ankle_course"]["problems"]``:
    status ``flagged``) and every test cell that did not run gets an error output, so
    nbgrader's ``determine_grade`` gives it 0, never full marks for a test that never ran.
    Raises ``SandboxUnavailableError`` (nothing run) when the sandbox cannot run here.
    """
    info = resources.get("nbgrader", {})
    problem = sandbox_problem()
    if problem is not None:
        raise SandboxUnavailableError(
            f"assignment {info.get('assignment', '?')!r} has `execute: true` in its item bank: "
            f"its learners' code needs the sandbox, which cannot run here ({problem}); "
            "nothing was run"
        )
    result = run_sandboxed(nb, limits=limits_from_config(config))
    if result.flagged is None and result.notebook is not None:
        return result.notebook
    executed = result.notebook if result.notebook is not None else nb
    reason = f"the sandbox flagged this submission: {result.flagged}"
    found = executed.metadata.get(_META)
    if isinstance(found, dict):
        found.setdefault("problems", []).append(reason)
    else:
        executed.metadata[_META] = {"problems": [reason]}
    _fail_unrun_tests(executed, str(result.flagged))
    return executed


def _fail_unrun_tests(nb: Any, reason: str) -> None:
    import nbformat

    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        if cell.get("execution_count") is None:
            cell.outputs = [
                nbformat.v4.new_output(  # type: ignore[no-untyped-call]
                    "error",
                    ename="SandboxStopped",
                    evalue=f"this test did not run: {reason}",
                    traceback=[f"SandboxStopped: this test did not run: {reason}"],
                )
            ]
