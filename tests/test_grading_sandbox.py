"""Hostile submissions in the grading sandbox (``execute: true`` assessments); runs as root.

Each hostile notebook tries one thing, then answers one item (``answer = 42``) whose test cell
passes only if it ran. A batch of hostile and honest notebooks runs two at a time, as a parallel
autograde would: each hostile one is contained (nothing on this machine is read or changed,
no process outlives its run), the honest ones in the same batch are graded normally, and every
submission is either graded (its test cell ran) or flagged with a reason.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from course.grading.sandbox.run import SandboxLimits, SandboxResult, _pids_of_uid, run_sandboxed

pytestmark = [pytest.mark.slow, pytest.mark.root]

SECRET = "KEY-q03-is-STOP-7f3a"
LIMITS = SandboxLimits(wall_seconds=25, cell_timeout=3, startup_timeout=30, cpu_seconds=20)
ANSWER = "answer = 42"
TEST = "assert answer == 42\nprint('test passed')"


@dataclass
class Host:
    """What the instructor's machine holds that a submission must not reach."""

    course: Path
    key: Path
    gradebook: Path
    neighbour: Path
    listener_port: int
    connections: list[Any]


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    if os.geteuid() != 0:  # pragma: no cover - CI and the dev machines run as root
        pytest.fail("the sandbox tests need root (CI runs as root)")
    course = tmp_path_factory.mktemp("course")
    # deliberately world-readable, like a fresh checkout: the sandbox must not rely on modes
    for folder in (course, course.parent):
        os.chmod(folder, 0o755)
    (course / "source").mkdir(mode=0o755)
    key = course / "source" / "safety_scenarios.yaml"
    key.write_text(f"answer_key: {SECRET}\n", encoding="utf-8")
    os.chmod(key, 0o644)
    gradebook = course / "gradebook.db"
    with sqlite3.connect(gradebook) as db:
        db.execute("CREATE TABLE grade (student TEXT, score REAL)")
        db.execute("INSERT INTO grade VALUES ('alice', 52)")
    os.chmod(gradebook, 0o666)
    neighbour = course / "submitted" / "bob" / "safety_scenarios" / "answers.ipynb"
    neighbour.parent.mkdir(parents=True)
    neighbour.write_text(SECRET, encoding="utf-8")
    os.chmod(neighbour, 0o644)
    # a service on this machine's localhost (the hub, PostgreSQL, ...)
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    connections: list[Any] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connections.append(server.accept())
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield Host(course, key, gradebook, neighbour, server.getsockname()[1], connections)
    finally:
        stop.set()
        thread.join()
        server.close()


def _hostile(host: Host) -> dict[str, str]:
    escape = host.course / "escaped.txt"
    return {
        "read the keys": (
            "found = []\n"
            f"for path in [{str(host.key)!r}, {str(host.neighbour)!r}, '/root/.bash_history',\n"
            f"             {str(host.course / 'source')!r}, '/home', '/root']:\n"
            "    try:\n"
            "        found.append(open(path).read())\n"
            "    except Exception as exc:\n"
            "        found.append(type(exc).__name__)\n"
            "print(found)"
        ),
        "write outside the folder": (
            "import os\n"
            f"for path in [{str(escape)!r}, '/usr/escaped.txt', '/etc/escaped.txt']:\n"
            "    try:\n"
            "        open(path, 'w').write('escaped')\n"
            "    except OSError as exc:\n"
            "        print(path, type(exc).__name__)\n"
            "open('/tmp/escaped.txt', 'w').write('only in the sandbox')"
        ),
        "open the gradebook": (
            "import sqlite3\n"
            "try:\n"
            f"    db = sqlite3.connect({str(host.gradebook)!r})\n"
            '    db.execute("UPDATE grade SET score = 0")\n'
            "    db.commit()\n"
            "except Exception as exc:\n"
            "    print(type(exc).__name__, exc)"
        ),
        "fork bomb": (
            "import os\n"
            "children = 0\n"
            "for _ in range(100000):\n"
            "    try:\n"
            "        if os.fork() == 0:\n"
            "            while True:\n"
            "                try:\n"
            "                    os.fork()\n"
            "                except OSError:\n"
            "                    pass\n"
            "        children += 1\n"
            "    except OSError:\n"
            "        break\n"
            "print('forked', children)"
        ),
        "allocate 8 GB": "hog = bytearray(8 * 1024**3)\nhog[::4096] = b'x' * len(hog[::4096])",
        "open a socket": (
            "import socket\n"
            f"for address in [('127.0.0.1', {host.listener_port}), ('1.1.1.1', 53)]:\n"
            "    try:\n"
            "        socket.create_connection(address, timeout=2)\n"
            "        print('connected', address)\n"
            "    except OSError as exc:\n"
            "        print(address, type(exc).__name__, exc)"
        ),
        "read the hidden tests": (
            "import glob, os\n"
            f"mark = {SECRET[:6]!r} + {SECRET[6:]!r}\n"
            "paths = glob.glob('/proc/[0-9]*/fd/*') + glob.glob('/proc/[0-9]*/environ')\n"
            "paths += glob.glob('/proc/[0-9]*/cmdline')\n"
            "for top in ('/sandbox', '/tmp'):\n"
            "    for folder, _, files in os.walk(top):\n"
            "        paths += [os.path.join(folder, name) for name in files]\n"
            "found = []\n"
            "for path in paths:\n"
            "    try:\n"
            "        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)\n"
            "        try:\n"
            "            if mark.encode() in os.read(fd, 1 << 22):\n"
            "                found.append(path)\n"
            "        finally:\n"
            "            os.close(fd)\n"
            "    except OSError:\n"
            "        pass\n"
            "print('searched', len(paths), 'found', found)"
        ),
        "sleep forever": (
            "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(10**6)"
        ),
    }


def _notebook(first: str) -> Any:
    """The hostile cell, an answer, its test, and a hidden test holding a secret."""
    hidden = new_code_cell(f"# hidden test: {SECRET}\nassert answer == 42")
    cells = [new_code_cell(first), new_code_cell(ANSWER), new_code_cell(TEST), hidden]
    return new_notebook(cells=cells)


def _text(result: SandboxResult) -> str:
    assert result.notebook is not None
    return "\n".join(
        str(output.get("text", "")) + str(output.get("evalue", "")) + str(output.get("data", ""))
        for cell in result.notebook.cells
        for output in cell.get("outputs", [])
    )


def _graded(result: SandboxResult) -> bool:
    """The item's test cell ran and passed (what nbgrader scores)."""
    if result.notebook is None:
        return False
    outputs = result.notebook.cells[2].get("outputs", [])
    return any(o.get("text", "").strip() == "test passed" for o in outputs)


@pytest.fixture(scope="module")
def batch(host: Host) -> dict[str, tuple[SandboxResult, float]]:
    key_before = host.key.read_bytes()
    book_before = host.gradebook.read_bytes()
    jobs = {**_hostile(host), "honest 1": "print('hello')", "honest 2": "x = 1 + 1"}

    def run(name: str) -> tuple[str, SandboxResult, float]:
        started = time.monotonic()
        result = run_sandboxed(_notebook(jobs[name]), limits=LIMITS)
        return name, result, time.monotonic() - started

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = {name: (r, s) for name, r, s in pool.map(run, jobs)}
    assert host.key.read_bytes() == key_before
    assert host.gradebook.read_bytes() == book_before
    return results


def test_every_submission_is_graded_or_flagged_and_no_process_outlives_its_run(
    batch: dict[str, tuple[SandboxResult, float]],
) -> None:
    for name, (result, seconds) in batch.items():
        assert result.ok == (result.flagged is None and result.notebook is not None)
        assert _graded(result) or result.flagged, f"{name}: neither graded nor flagged"
        assert seconds < LIMITS.wall_seconds + 15, f"{name} took {seconds:.0f} s"
        assert _pids_of_uid(result.uid) == [], f"{name} left processes behind"
        assert result.uid >= 1 << 30  # an unprivileged uid with no account
    uids = [result.uid for result, _ in batch.values()]
    assert len(set(uids)) == len(uids)  # each run has its own uid (limits per run)


def test_honest_submissions_in_the_same_batch_are_graded(
    batch: dict[str, tuple[SandboxResult, float]],
) -> None:
    for name in ("honest 1", "honest 2"):
        result, _ = batch[name]
        assert result.ok, result.flagged
        assert _graded(result)


def test_the_keys_other_learners_and_homes_do_not_exist_in_the_sandbox(
    batch: dict[str, tuple[SandboxResult, float]],
) -> None:
    result, _ = batch["read the keys"]
    assert result.ok
    text = _text(result)
    assert SECRET not in text
    assert "FileNotFoundError" in text
    assert _graded(result)


def test_later_cells_and_the_runner_are_out_of_the_learner_s_reach(
    batch: dict[str, tuple[SandboxResult, float]],
) -> None:
    result, _ = batch["read the hidden tests"]
    assert result.ok, result.flagged
    text = _text(result)
    assert "found []" in text, text
    assert SECRET not in text
    assert _graded(result)


def test_writes_outside_the_working_copy_fail_or_stay_inside(
    host: Host, batch: dict[str, tuple[SandboxResult, float]]
) -> None:
    result, _ = batch["write outside the folder"]
    text = _text(result)
    assert not (host.course / "escaped.txt").exists()
    assert not Path("/usr/escaped.txt").exists()
    assert not Path("/etc/escaped.txt").exists()
    assert "/usr/escaped.txt" in text  # refused (read-only)
    assert _graded(result)


def test_the_gradebook_is_out_of_reach(
    host: Host, batch: dict[str, tuple[SandboxResult, float]]
) -> None:
    result, _ = batch["open the gradebook"]
    assert "OperationalError" in _text(result)
    with sqlite3.connect(host.gradebook) as db:
        assert db.execute("SELECT score FROM grade").fetchall() == [(52,)]
    assert _graded(result)


def test_a_fork_bomb_is_contained(batch: dict[str, tuple[SandboxResult, float]]) -> None:
    result, _ = batch["fork bomb"]
    # stopped by the process limit and the clock; either way its uid has no process left
    assert result.flagged or "forked" in _text(result)


def test_an_8_gb_allocation_fails_inside(batch: dict[str, tuple[SandboxResult, float]]) -> None:
    result, _ = batch["allocate 8 GB"]
    assert result.ok, result.flagged
    assert "MemoryError" in str(result.notebook.cells[0].outputs)  # type: ignore[union-attr]
    assert _graded(result)


def test_no_socket_reaches_this_machine_or_the_internet(
    host: Host, batch: dict[str, tuple[SandboxResult, float]]
) -> None:
    result, _ = batch["open a socket"]
    text = _text(result)
    assert "connected" not in text
    assert text.count("OSError") + text.count("unreachable") >= 2
    assert host.connections == []
    assert _graded(result)


def test_sleeping_forever_is_stopped_and_flagged(
    batch: dict[str, tuple[SandboxResult, float]],
) -> None:
    result, seconds = batch["sleep forever"]
    assert result.flagged
    assert "ran longer" in result.flagged or "could not be interrupted" in result.flagged
    assert seconds < LIMITS.wall_seconds + 15


def test_the_sandbox_refuses_to_run_without_root(monkeypatch: pytest.MonkeyPatch) -> None:
    from course.grading.sandbox import run as sandbox

    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 1000)
    assert "root" in (sandbox.sandbox_problem() or "")
    with pytest.raises(sandbox.SandboxUnavailableError, match="root"):
        run_sandboxed(_notebook("1"))
    resources = {"nbgrader": {"assignment": "code_quiz", "student": "ann"}}
    with pytest.raises(sandbox.SandboxUnavailableError, match="'code_quiz' has `execute: true`"):
        sandbox.execute_sandboxed(_notebook("1"), resources, Config())


def _graded_notebook(first: str) -> Any:
    """As nbgrader's pipeline hands it over: grade cells marked, the problems list kept."""
    nb = _notebook(first)
    for index, cell in enumerate(nb.cells[1:], start=1):
        cell.metadata["nbgrader"] = {
            "grade": index > 1,
            "solution": index == 1,
            "grade_id": f"cell{index}",
            "points": 1,
        }
    nb.metadata["ankle_course"] = {"answers": {}, "problems": []}
    return nb


def test_the_pipeline_hook_flags_a_stopped_run_and_fails_the_tests_that_did_not_run() -> None:
    from nbgrader.utils import determine_grade

    from course.grading.sandbox.run import execute_sandboxed

    config = Config()
    config.Sandbox.wall_seconds = 12
    config.Sandbox.cell_timeout = 2
    resources = {"nbgrader": {"assignment": "code_quiz", "student": "ann"}}
    hostile = _graded_notebook(_hostile_sleep())
    executed = execute_sandboxed(hostile, resources, config)
    problems = executed.metadata["ankle_course"]["problems"]
    assert problems == [
        "the sandbox flagged this submission: ran longer than 12 s in the sandbox and was stopped"
    ]
    for cell in executed.cells[2:]:
        assert determine_grade(cell) == (0, 1)  # never full marks for a test that never ran
    honest = execute_sandboxed(_graded_notebook("x = 1"), resources, config)
    assert honest.metadata["ankle_course"]["problems"] == []
    assert [determine_grade(cell) for cell in honest.cells[2:]] == [(1, 1), (1, 1)]


def _hostile_sleep() -> str:
    return "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(10**6)"
