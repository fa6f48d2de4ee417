"""Submissions that collect refused, kept beside the course for ``ankle-course grade report``.

One JSON file per assignment, ``<course folder>/refused/<assignment>.json``: for each learner,
the entries of the inbound folder that the last collect refused and why. A learner's list is
replaced each time collect looks at their entries, so a fixed submission clears it. Standard
library only (read by the grading report without nbgrader's exchange).
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

FOLDER = "refused"


@dataclass(frozen=True)
class Refusal:
    """One inbound entry collect did not take."""

    student: str
    entry: str
    reason: str
    at: str  # when collect refused it (UTC, ISO 8601)


def refusals_path(course_root: Path, assignment: str) -> Path:
    return course_root / FOLDER / f"{assignment}.json"


def read_refusals(course_root: Path, assignment: str) -> list[Refusal]:
    """Every recorded refusal of ``assignment``, by learner then entry; [] when none."""
    path = refusals_path(course_root, assignment)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    found = []
    if isinstance(data, dict):
        for student, items in sorted(data.items()):
            for item in items if isinstance(items, list) else []:
                with contextlib.suppress(KeyError, TypeError):
                    found.append(
                        Refusal(
                            student=str(student),
                            entry=str(item["entry"]),
                            reason=str(item["reason"]),
                            at=str(item["at"]),
                        )
                    )
    return found


def record_refusals(
    course_root: Path, assignment: str, students: list[str], refusals: list[Refusal]
) -> None:
    """Replace the recorded refusals of ``students`` (those collect looked at) atomically."""
    path = refusals_path(course_root, assignment)
    current: dict[str, list[dict[str, str]]] = {}
    for old in read_refusals(course_root, assignment):
        if old.student not in students:
            current.setdefault(old.student, []).append(_plain(old))
    for new in refusals:
        current.setdefault(new.student, []).append(_plain(new))
    if not current and not path.exists():
        return
    path.parent.mkdir(mode=0o700, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.chmod(partial, 0o600)
    os.replace(partial, path)


def _plain(refusal: Refusal) -> dict[str, str]:
    data = asdict(refusal)
    del data["student"]
    return data
