"""PostgreSQL as the gradebook: a real server from Debian's postgresql package.

initdb and pg_ctl build and start a throw-away cluster in a temporary folder on a free port;
the class is released, autograded in parallel and exported through ``--db-url``; the server
is stopped by its PID.
"""

from __future__ import annotations

import csv
import getpass
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from handin import copy_course, grade, submit
from local_services import TempPostgres
from test_grading_autograde import fill, released, right_answers

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ASSIGNMENT = "safety_scenarios"


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A running PostgreSQL server (tests/local_services.py); yields a gradebook's db_url."""
    folder = Path(tempfile.mkdtemp(prefix="ankle-pg-"))
    # PostgreSQL refuses to run as root: then the package's own account runs it
    owner = "postgres" if os.geteuid() == 0 else getpass.getuser()
    server = TempPostgres(owner=owner, data_dir=folder / "cluster")
    os.chmod(folder, 0o755)
    try:
        server.start()
        yield server.create_database("gradebook_user", "gradebook")
    finally:
        server.stop()
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

    url = postgres.replace("+psycopg2", "")
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM submitted_assignment")
        assert cursor.fetchone() == (4,)
        cursor.execute("SELECT count(*) FROM grade WHERE auto_score IS NOT NULL")
        (graded_cells,) = cursor.fetchone()
        assert graded_cells == 4 * 30
    connection.close()
