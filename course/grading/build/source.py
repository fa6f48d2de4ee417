"""Build a course directory's nbgrader source notebooks from its item banks.

``ankle-course grade build`` writes them, ``ankle-course grade build --check`` names the stale
ones. Every ``<course>/source/<assignment>.yaml`` is an assessment (no list to keep); its
notebook is ``<course>/source/<assignment>/<assignment>.ipynb``, which nbgrader releases.

INSTRUCTOR ONLY: the notebooks carry the keys as solution regions and hidden tests, which
nbgrader strips on release. The keys come from the item banks alone; scenario keys are checked
against ``course.safety.assess`` and anatomy keys against the course content before anything
is written, so a key never drifts from the policy. Every bank is built before the first file is
written: one bad bank writes nothing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from course.errors import CourseError, GradingError
from course.grading.build.cells import Regions, regions
from course.grading.build.fixed import fixed_notebook
from course.grading.build.variant import variant_notebook
from course.grading.items.bank import critical_items, item_bank_path, load_item_bank
from course.grading.items.keys import verify_keys
from course.grading.variants.bank import is_variant_bank, load_variant_bank

__all__ = ["Built", "assessments", "build_all", "notebook_path", "render", "write"]


@dataclass(frozen=True)
class Built:
    """A file built from the item banks, not yet written: a source notebook (``name``: its
    assignment) or the instructor's item page."""

    name: str
    path: Path
    text: str

    @property
    def current(self) -> bool:
        """True when the notebook on disk is exactly this one."""
        try:
            return self.path.read_text(encoding="utf-8") == self.text
        except (OSError, UnicodeDecodeError):
            return False


#: an assignment name that nbgrader's exchange and gradebook take as it is (no "+", which the
#: exchange uses as a separator, no space or path character)
_ASSIGNMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def assessments(course_dir: Path) -> list[str]:
    """The assessments of a course directory: one per ``source/<name>.yaml``, by name."""
    source = course_dir / "source"
    if not source.is_dir():
        raise GradingError(f"{source} does not exist: it should hold the item banks")
    names = sorted(path.stem for path in source.glob("*.yaml") if path.is_file())
    if not names:
        raise GradingError(f"{source} holds no item bank (<assignment>.yaml)")
    for name in names:
        if not _ASSIGNMENT_NAME.fullmatch(name):
            raise GradingError(
                f"{source / (name + '.yaml')}: {name!r} is not an assignment name nbgrader and "
                "every exchange accept: use letters, digits, _ and - only"
            )
    return names


def notebook_path(course_dir: Path, assignment: str) -> Path:
    """Where nbgrader expects the source notebook of ``assignment``."""
    return course_dir / "source" / assignment / f"{assignment}.ipynb"


def render(course_dir: Path, assignment: str, markers: Regions) -> str:
    """The text of ``assignment``'s source notebook; a bad bank's error names its file."""
    path = item_bank_path(course_dir, assignment)
    try:
        if is_variant_bank(course_dir, assignment):
            nb = variant_notebook(load_variant_bank(course_dir, assignment), markers)
        else:
            bank = load_item_bank(course_dir, assignment)
            verify_keys(bank)
            critical_items(bank)  # validates every situation
            nb = fixed_notebook(bank, markers)
    except CourseError as exc:
        message = " ".join(str(exc).split())
        if path.name in message:
            raise GradingError(message) from None
        raise GradingError(f"{path}: {message}") from None
    text: str = nbformat.writes(nb)  # type: ignore[no-untyped-call]
    return text + "\n"


def build_all(course_dir: Path, config: Any = None) -> list[Built]:
    """Every assessment's notebook, built in memory (``config``: the course's nbgrader
    configuration, whose region delimiters the notebooks use)."""
    markers = regions(config)
    return [
        Built(name, notebook_path(course_dir, name), render(course_dir, name, markers))
        for name in assessments(course_dir)
    ]


def write(built: Built) -> bool:
    """Write the file unless it is already current; True when it was written."""
    if built.current:
        return False
    built.path.parent.mkdir(parents=True, exist_ok=True)
    temporary = built.path.with_name(f".{built.path.name}.tmp")
    try:
        temporary.write_text(built.text, encoding="utf-8")
        os.replace(temporary, built.path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise GradingError(f"cannot write {built.path}: {exc.strerror or exc}") from None
    return True
