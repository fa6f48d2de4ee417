"""PostgreSQL as the gradebook: a real server from Debian's postgresql package.

initdb and pg_ctl build and start a throw-away cluster in a temporary folder on a free port;
the class is released, autograded in parallel and exported through ``--db-url``; the server
is stopped by its PID.
"""

from __future__ import annotations

import csv
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hub_harness import free_port, postgres_bin
from test_grading_autograde import copy_course, fill, grade, released, right_answers, submit

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ASSIGNMENT = "safety_scenarios"


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A running PostgreSQL server; yields its db_url."""
    pg = postgres_bin()  # the newest installed major version
    folder = Path(tempfile.mkdtemp(prefix="ankle-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: use the package's account
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", free_port()
    subprocess.run(
        [
            *as_user,
            str(pg / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [
            *as_user,
            str(pg / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pid = int((data / "postmaster.pid").read_text().splitlines()[0])
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        os.kill(pid, signal.SIGINT)  # fast shutdown
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        shutil.rmtree(folder, ignore_errors=True)


def test_grading_against_postgresql(postgres: str, tmp_path: Path) -> None:
    import psycopg2

    course = copy_course(tmp_path / "course")
    done = grade(course, "release", ASSIGNMENT, db_url=postgres)
    assert done.returncode == 0, done.stderr
    right = right_answers(course)
    submit(course, "ana", fill(released(course), right))
    submit(course, "ben", fill(released(course), {**right, "q14": "PROCEED"}))
    submit(course, "chloé", fill(released(course), {**right, "q05": "PROCEED", "q04": "STOP"}))
    submit(course, "dev", fill(released(course), right))

    done = grade(course, "autograde", ASSIGNMENT, "--jobs", "2", db_url=postgres)
    assert done.returncode == 0, done.stderr
    assert "graded 4" in done.stdout
    assert not (course / "gradebook.db").exists()  # everything went to PostgreSQL

    out = tmp_path / "grades.csv"
    done = grade(course, "export", ASSIGNMENT, "--to", str(out), db_url=postgres)
    assert done.returncode == 0, done.stderr
    rows = {r["student_id"]: r for r in csv.DictReader(out.read_text("utf-8").splitlines())}
    assert {k: (r["score"], r["passed"], r["critical_misses"]) for k, r in rows.items()} == {
        "ana": ("52", "true", ""),
        "ben": ("50", "false", "q14"),
        "chloé": ("48", "true", ""),
        "dev": ("52", "true", ""),
    }

    with psycopg2.connect(postgres) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM submitted_assignment")
        assert cursor.fetchone() == (4,)
        cursor.execute("SELECT count(*) FROM grade WHERE auto_score IS NOT NULL")
        (graded_cells,) = cursor.fetchone()
        assert graded_cells == 4 * 30
    connection.close()
