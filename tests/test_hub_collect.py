"""Collect on the hub trusts nothing a learner made (runs as root; creates Unix users).

A class is set up with ``ankle-course hub setup`` (no hub process is needed: the exchange is a
folder). Learners are real Unix users acting with their own rights (``runuser``), exactly as
in their JupyterLab terminals: some submit with ``nbgrader submit``, others hand-make entries
in ``inbound/``. The instructor then runs plain ``nbgrader collect`` with the configuration
setup wrote, and ``ankle-course grade report`` lists what was refused and why.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook, writes

from course.hub import system
from course.hub.refusals import read_refusals
from course.hub.setup import INBOUND_MODE, SetupOptions, load_state, setup_hub, teardown_hub

pytestmark = [pytest.mark.slow, pytest.mark.root]

REPO = Path(__file__).resolve().parent.parent
COURSE = "ankle-course"
ASSIGNMENT = "safety_scenarios"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
ROSTER = ["alice", "bob", "carol", "dave", "erin", "frank"]
BIN = Path(sys.prefix) / "bin"


@dataclass
class Room:
    base: Path
    hub_dir: Path
    prefix: str
    names: dict[str, str] = field(default_factory=dict)
    started: datetime.datetime = field(default_factory=lambda: datetime.datetime(1970, 1, 1))
    collect_output: str = ""

    @property
    def state(self) -> object:
        return load_state(self.hub_dir)

    @property
    def inbound(self) -> Path:
        return Path(self.exchange) / COURSE / "inbound"

    @property
    def exchange(self) -> str:
        state = load_state(self.hub_dir)
        assert state is not None
        return state.exchange_root

    @property
    def course_dir(self) -> Path:
        state = load_state(self.hub_dir)
        assert state is not None
        return Path(state.course_dir)

    @property
    def instructor(self) -> str:
        return self.prefix + "instructor"


def as_user(user: str, command: str, *, cwd: str | None = None) -> tuple[int, str]:
    """Run a shell command as ``user`` with their own home and nothing of root's environment."""
    home = pwd.getpwnam(user).pw_dir
    env = {"HOME": home, "PATH": f"{BIN}:/usr/bin:/bin", "LANG": "C.UTF-8", "USER": user}
    result = subprocess.run(
        [shutil.which("runuser") or "runuser", "-u", user, "--", "/bin/sh", "-c", command],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or home,
        timeout=180,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def _released() -> str:
    nb = new_notebook(cells=[new_code_cell("q01 = None")])
    return str(writes(nb))


@pytest.fixture(scope="module")
def room() -> Iterator[Room]:
    if os.geteuid() != 0:  # pragma: no cover - CI and the dev machines run as root
        pytest.fail("the hub collect tests create Unix users and must run as root")
    base = Path(tempfile.mkdtemp(prefix="ankle-collect-test-"))
    os.chmod(base, 0o755)
    prefix = f"ac_k{secrets.token_hex(3)}_"
    room = Room(base=base, hub_dir=base / "hub", prefix=prefix)
    try:
        roster = base / "roster.csv"
        roster.write_text("id\n" + "\n".join(ROSTER) + "\n", encoding="utf-8")
        setup_hub(
            SetupOptions(
                roster=roster,
                hub_dir=room.hub_dir,
                course_source=REPO / "grading",
                prefix=prefix,
                home_base=base / "home",
                passwords=False,
            )
        )
        room.names = {name: prefix + name for name in ROSTER}
        # the released assignment, as `nbgrader release_assignment` leaves it
        outbound = Path(room.exchange) / COURSE / "outbound" / ASSIGNMENT
        system.write_file(outbound / NOTEBOOK, _released(), owner=room.instructor, mode=0o644)
        os.chmod(outbound, 0o755)
        room.started = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        yield room
    finally:
        if load_state(room.hub_dir) is not None:
            teardown_hub(room.hub_dir)
        shutil.rmtree(base, ignore_errors=True)


def submit(room: Room, who: str) -> str:
    """``nbgrader submit`` as the learner, from a copy of the release in their home."""
    user = room.names[who]
    release = Path(room.exchange) / COURSE / "outbound" / ASSIGNMENT / NOTEBOOK
    status, output = as_user(
        user,
        f"mkdir -p {ASSIGNMENT} && cp {release} {ASSIGNMENT}/ && "
        f"nbgrader submit {ASSIGNMENT} --course {COURSE}",
    )
    assert status == 0, output
    return _newest_entry(room, user)


def _newest_entry(room: Room, user: str) -> str:
    uid = pwd.getpwnam(user).pw_uid
    mine = [e for e in os.listdir(room.inbound) if (room.inbound / e).lstat().st_uid == uid]
    return sorted(mine, key=lambda e: (room.inbound / e).lstat().st_ctime)[-1]


def hand_make(room: Room, who: str, stamp: str, script: str) -> str:
    """A learner's own folder in inbound/, made without nbgrader; ``script`` runs inside it."""
    user = room.names[who]
    name = f"{user}+{ASSIGNMENT}+{stamp}+{secrets.token_hex(4)}"
    status, output = as_user(
        user, f"cd {room.inbound} && mkdir '{name}' && cd '{name}' && {script}"
    )
    assert status == 0, output
    return name


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


@pytest.fixture(scope="module")
def collected(room: Room) -> dict[str, str]:
    """Every attack made, then one plain `nbgrader collect` by the instructor."""
    key = room.course_dir / "source" / ASSIGNMENT / NOTEBOOK
    assert key.is_file()
    entries: dict[str, str] = {}
    entries["alice"] = submit(room, "alice")
    # bob: a symlink to the instructor's source notebook (the answer key)
    entries["bob"] = hand_make(room, "bob", _now(), f"ln -s {key} {NOTEBOOK}")
    # carol: a real submission, then a later hand-made one holding a hard link to a file of
    # the instructor's that she may write (protected_hardlinks allows linking to those)
    entries["carol real"] = submit(room, "carol")
    shared = room.base / "shared-notes.ipynb"
    shared.write_text(_released(), encoding="utf-8")  # made by the test (root), then given
    owner = pwd.getpwnam(room.instructor)
    os.chown(shared, owner.pw_uid, owner.pw_gid)
    os.chmod(shared, 0o666)
    entries["carol"] = hand_make(room, "carol", _now(), f"ln {shared} {NOTEBOOK}")
    # dave: a named pipe where the notebook should be (a naive copy would hang on it)
    entries["dave"] = hand_make(room, "dave", _now(), f"mkfifo {NOTEBOOK}")
    # erin: a hand-made entry whose name and timestamp.txt claim 2020
    old = "2020-01-01 00:00:00.000000 UTC"
    cp = f"cp {Path(room.exchange) / COURSE / 'outbound' / ASSIGNMENT / NOTEBOOK} ."
    entries["erin"] = hand_make(room, "erin", old, f"{cp} && printf '{old}' > timestamp.txt")
    # frank: submits, then closes his folder to everyone (an unreadable folder)
    entries["frank"] = submit(room, "frank")
    status, output = as_user(room.names["frank"], f"chmod 000 '{room.inbound / entries['frank']}'")
    assert status == 0, output

    status, output = as_user(
        room.instructor, f"nbgrader collect {ASSIGNMENT}", cwd=str(room.course_dir)
    )
    assert status == 0, output  # hostile entries never stop the collection of the others
    room.collect_output = output
    return entries


def _submitted(room: Room, who: str) -> Path:
    return room.course_dir / "submitted" / room.names[who] / ASSIGNMENT


def _refusals(room: Room) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for refusal in read_refusals(room.course_dir, ASSIGNMENT):
        found.setdefault(refusal.student, []).append(f"{refusal.entry}: {refusal.reason}")
    return found


def test_inbound_is_sticky_so_a_neighbour_s_entry_cannot_be_renamed(
    room: Room, collected: dict[str, str]
) -> None:
    assert stat.S_IMODE(room.inbound.stat().st_mode) == INBOUND_MODE
    assert room.inbound.stat().st_mode & stat.S_ISVTX
    alice_entry = collected["alice"]
    hidden = f"{room.names['alice']}+{ASSIGNMENT}+hidden"
    status, output = as_user(
        room.names["bob"], f"mv '{room.inbound / alice_entry}' '{room.inbound / hidden}'"
    )
    assert status != 0
    assert "Operation not permitted" in output
    status, output = as_user(room.names["bob"], f"rm -rf '{room.inbound / alice_entry}'")
    assert status != 0
    assert (room.inbound / alice_entry).is_dir()
    assert not (room.inbound / hidden).exists()


def test_the_honest_submission_is_collected(room: Room, collected: dict[str, str]) -> None:
    notebook = _submitted(room, "alice") / NOTEBOOK
    assert "".join(json.loads(notebook.read_text())["cells"][0]["source"]) == "q01 = None"
    assert room.names["alice"] not in _refusals(room)


def test_a_symlink_to_the_key_is_refused_and_nothing_is_copied(
    room: Room, collected: dict[str, str]
) -> None:
    assert not _submitted(room, "bob").exists()
    reasons = _refusals(room)[room.names["bob"]]
    assert reasons == [f"{collected['bob']}: the submission/{NOTEBOOK} is a symbolic link; "
                       "only files and folders are collected"]  # fmt: skip
    assert "symbolic link" in room.collect_output
    # nothing of the key anywhere in what was collected
    key_text = (room.course_dir / "source" / ASSIGNMENT / NOTEBOOK).read_text()
    marker = "BEGIN SOLUTION"
    assert marker in key_text
    for path in (room.course_dir / "submitted").rglob("*.ipynb"):
        assert marker not in path.read_text(), path


def test_a_hard_link_to_another_s_file_is_refused_and_the_real_submission_kept(
    room: Room, collected: dict[str, str]
) -> None:
    reasons = _refusals(room)[room.names["carol"]]
    assert len(reasons) == 1
    assert reasons[0].startswith(collected["carol"])
    assert f"belongs to {room.instructor}, not the learner (a hard link" in reasons[0]
    # her earlier real submission is collected instead
    assert (_submitted(room, "carol") / NOTEBOOK).is_file()
    secret = (room.inbound / collected["carol real"] / "submission_secret.txt").read_text()
    assert (_submitted(room, "carol") / "submission_secret.txt").read_text() == secret


def test_a_fifo_is_refused_without_hanging(room: Room, collected: dict[str, str]) -> None:
    reasons = _refusals(room)[room.names["dave"]]
    assert reasons == [f"{collected['dave']}: the submission/{NOTEBOOK} is a named pipe (FIFO); "
                       "only files and folders are collected"]  # fmt: skip
    assert not _submitted(room, "dave").exists()


def test_a_backdated_name_and_timestamp_cannot_backdate_the_submission(
    room: Room, collected: dict[str, str]
) -> None:
    stamp = (_submitted(room, "erin") / "timestamp.txt").read_text().strip()
    collected_at = datetime.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f UTC")
    assert collected_at >= room.started - datetime.timedelta(seconds=2)
    assert "claims 2020-01-01 00:00:00" in room.collect_output


def test_an_unreadable_folder_is_refused_and_the_others_still_collected(
    room: Room, collected: dict[str, str]
) -> None:
    reasons = _refusals(room)[room.names["frank"]]
    assert reasons == [f"{collected['frank']}: the submission cannot be read (its owner closed it)"]
    assert not _submitted(room, "frank").exists()
    for who in ("alice", "carol", "erin"):
        assert _submitted(room, who).is_dir(), who


def test_grade_report_lists_every_refusal_with_its_reason(
    room: Room, collected: dict[str, str]
) -> None:
    students = room.course_dir / "students.csv"
    rows = list(csv.DictReader(io.StringIO(students.read_text())))
    assert {r["id"] for r in rows} >= set(room.names.values())
    status, output = as_user(
        room.instructor,
        f"nbgrader db student import students.csv >/dev/null 2>&1; "
        f"ankle-course grade --course-dir . release {ASSIGNMENT} >/dev/null && "
        f"ankle-course grade --course-dir . report {ASSIGNMENT}",
        cwd=str(room.course_dir),
    )
    assert status == 0, output
    lines = [line for line in output.splitlines() if "refused at collect" in line]
    assert len(lines) == 4, output
    for who, entry in (
        ("bob", collected["bob"]),
        ("carol", collected["carol"]),
        ("dave", collected["dave"]),
        ("frank", collected["frank"]),
    ):
        line = next(x for x in lines if x.startswith(room.names[who] + ":"))
        assert entry in line
    assert any("symbolic link" in x for x in lines)
    assert any("cannot be read" in x for x in lines)


def test_refusals_are_replaced_per_learner_and_a_damaged_record_reads_as_none(
    tmp_path: Path,
) -> None:
    from course.hub.refusals import Refusal, record_refusals, refusals_path

    first = [
        Refusal("ann", "ann+a+1", "the submission is a symbolic link", "2026-12-01T10:00:00"),
        Refusal("ben", "ben+a+1", "the submission cannot be read", "2026-12-01T10:00:00"),
    ]
    record_refusals(tmp_path, "a", ["ann", "ben"], first)
    assert read_refusals(tmp_path, "a") == first
    assert stat.S_IMODE(refusals_path(tmp_path, "a").stat().st_mode) == 0o600
    # ann's next collect went through: her refusal is cleared, ben's is kept
    record_refusals(tmp_path, "a", ["ann"], [])
    assert read_refusals(tmp_path, "a") == first[1:]
    assert read_refusals(tmp_path, "other") == []
    refusals_path(tmp_path, "a").write_text("{not json", encoding="utf-8")
    assert read_refusals(tmp_path, "a") == []


def test_collect_update_takes_a_resubmission_and_keeps_the_refusals(
    room: Room, collected: dict[str, str]
) -> None:
    newer = submit(room, "alice")
    status, output = as_user(
        room.instructor, f"nbgrader collect --update {ASSIGNMENT}", cwd=str(room.course_dir)
    )
    assert status == 0, output
    secret = (room.inbound / newer / "submission_secret.txt").read_text()
    assert (_submitted(room, "alice") / "submission_secret.txt").read_text() == secret
    leftovers = [p.name for p in _submitted(room, "alice").parent.iterdir()]
    assert leftovers == [ASSIGNMENT]  # no staging or replaced copy left behind
    assert sorted(_refusals(room)) == sorted(
        room.names[w] for w in ("bob", "carol", "dave", "frank")
    )
