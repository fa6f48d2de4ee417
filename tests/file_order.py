"""The order in which pytest-xdist hands out test files: the longest first.

``make test`` runs ``pytest -n 2 --dist loadfile --no-loadscope-reorder``: each xdist worker
takes a whole file, and takes the next one in collection order as soon as it has two tests
left of its own. Left to itself, xdist would order the files by their number of tests, so the
few-test files that start a JupyterHub, a JupyterLab or a PostgreSQL server came last, and one
worker waited for the other at the end (and a worker with one long test left had already
queued the next file behind it). Longest first ("longest processing time first", a classic
rule for balancing jobs on machines) leaves the short files for the end, where they fill in.

The order changes when a test runs, never what it checks: every file runs whole, in its own
order, on one worker. Outside xdist (``pytest tests/x.py``, ``-n 0``) nothing is reordered.

:data:`FILE_SECONDS` is a rough figure of what each long file takes in CI (from the slowest
durations ``make test`` prints); a file not listed counts :data:`DEFAULT_SECONDS` a test. A
stale figure costs some balance, never a check: refresh it when a file grows or shrinks a lot.
"""

from __future__ import annotations

import os

import pytest

#: Seconds a test of an unlisted file counts for.
DEFAULT_SECONDS = 0.3

#: Rough CI seconds (one worker of a 2-core machine) of the files that take longest.
FILE_SECONDS: dict[str, float] = {
    "tests/browser/test_accessibility.py": 360,
    "tests/browser/test_wcag.py": 20,
    "tests/browser/test_screen_reader.py": 100,
    "tests/test_hub.py": 150,
    "tests/test_hub_multicourse.py": 130,
    "tests/test_lti_hub.py": 125,
    "tests/test_lti_hub_courses.py": 120,
    "tests/test_grading_nbgrader.py": 110,
    "tests/test_hub_collect.py": 100,
    "tests/test_grading_retakes_e2e.py": 95,
    "tests/test_grading_autograde.py": 90,
    "tests/test_grading_cases_e2e.py": 80,
    "tests/browser/test_voila_app.py": 75,
    "tests/browser/test_learner_journeys.py": 95,
    "tests/test_grading_build.py": 70,
    "tests/test_lti_hub_https.py": 70,
    "tests/test_grading_sandbox.py": 65,
    "tests/test_grading_canvas.py": 55,
    "tests/test_pictures.py": 45,
    "tests/test_grading_items.py": 40,
    "tests/test_hub_setup.py": 35,
    "tests/test_grading_formgrader.py": 35,
    "tests/test_hub_warm.py": 35,
    "tests/browser/test_voila_practice.py": 35,
    "tests/browser/test_learner_mode.py": 35,
    "tests/test_notebooks.py": 35,
    "tests/test_structure.py": 30,
    "tests/test_export_html.py": 30,
    "tests/test_item_docs.py": 25,
    "tests/test_grading_retakes.py": 25,
    "tests/test_grading_postgres.py": 25,
    "tests/test_hub_exchange.py": 16,
    "tests/test_grading.py": 15,
    "tests/test_lazy_nbgrader.py": 13,
    "tests/test_lti_ags.py": 12,
    "tests/test_lab.py": 10,
}


def file_seconds(path: str, tests: int) -> float:
    """The estimate for ``path`` (relative to the repository, as in a test id)."""
    return FILE_SECONDS.get(path, DEFAULT_SECONDS * tests)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist, the files longest first; each file's tests stay together, in their order."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    order = sorted(files, key=lambda path: -file_seconds(path, len(files[path])))
    items[:] = [item for path in order for item in files[path]]
