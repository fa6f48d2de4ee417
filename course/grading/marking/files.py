"""Where a course directory's grading files are, and how they are read and written.

The item banks and released notebooks (cached while unchanged), the result file beside an
autograded notebook, and atomic JSON writes; shared by the nbgrader preprocessors
(:mod:`course.grading.preprocessors`) and the gradebook record
(:mod:`course.grading.marking.record`).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import nbformat

from course.errors import GradingError
from course.grading.items.bank import ItemBank, critical_items
from course.grading.marking.banks import AnyBank, load_bank

__all__ = [
    "META",
    "bank_of",
    "course_root",
    "released_notebook",
    "write_json_atomic",
]

#: Where the sanitize pass leaves what it found, for the autograde pass.
META = "ankle_course"


def course_root(config: Any) -> Path:
    """The course directory of an nbgrader configuration (its ``CourseDirectory.root``)."""
    from nbgrader.coursedir import CourseDirectory

    return Path(CourseDirectory(config=config).root).resolve()


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


@lru_cache(maxsize=16)
def _bank(path: Path, mtime: int) -> tuple[AnyBank, frozenset[str]]:
    del mtime  # part of the cache key: an edited item bank is read again
    bank = load_bank(path.parent.parent, path.stem)
    return bank, critical_items(bank) if isinstance(bank, ItemBank) else frozenset()


def bank_of(root: Path, assignment: str) -> tuple[AnyBank, frozenset[str]]:
    """The item bank of ``assignment`` and its critical items (cached while unchanged; a
    variant bank's critical items are each learner's: ``banks.critical_of``)."""
    path = root / "source" / f"{assignment}.yaml"
    return _bank(path, _mtime(path))


@lru_cache(maxsize=16)
def _released(path: Path, mtime: int) -> Any:
    del mtime
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise GradingError(
            f"{path} is missing: release the assignment first (`ankle-course grade release`)"
        ) from None
    return nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]


def released_notebook(root: Path, assignment: str, notebook: str) -> Any:
    """The released version of a notebook, which every submission is compared with.

    Cached while the file is unchanged: callers must not modify it (``inspect`` copies it).
    """
    path = root / "release" / assignment / f"{notebook}.ipynb"
    return _released(path, _mtime(path))


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
