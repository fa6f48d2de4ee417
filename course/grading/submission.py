"""Inspect one submitted notebook against its released version, before anything runs.

Finds tampering (through nbgrader's cell checksums and metadata), deleted answer cells, extra
cells and oversized saved outputs, and rebuilds a clean notebook to grade: the released
notebook with the learner's answer cells put back in. Learners' extra cells never run, and
tests always come from the instructor's source (nbgrader's OverwriteCells puts them back).
"""

from __future__ import annotations

import ast
import copy
import json
from dataclasses import dataclass, field
from typing import Any

#: Saved outputs larger than this are reported (they are always discarded before grading).
BIG_OUTPUT_BYTES = 1_000_000

#: Marker for an answer that is not a simple literal assignment.
NOT_SIMPLE = "<not a simple answer>"

_FLAGS = ("grade", "solution", "locked", "points", "cell_type")


@dataclass
class Inspection:
    """What :func:`inspect` found in a submission."""

    tampered: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    deleted_answers: list[str] = field(default_factory=list)
    notebook: Any = None  # the rebuilt nbformat notebook to grade


def _nbgrader(cell: Any) -> dict[str, Any]:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _checksum(cell: Any) -> str:
    from nbgrader.utils import compute_checksum

    return str(compute_checksum(cell))


def _output_bytes(cell: Any) -> int:
    outputs = cell.get("outputs") or []
    return len(json.dumps(outputs, default=str)) if outputs else 0


def inspect(submitted: Any, released: Any) -> Inspection:
    """Compare a submitted notebook with the released one; rebuild the notebook to grade."""
    result = Inspection()
    release_cells = {
        _nbgrader(c)["grade_id"]: c for c in released.cells if _nbgrader(c).get("grade_id")
    }
    seen: dict[str, Any] = {}
    extra_code = 0
    output_bytes = 0
    for cell in submitted.cells:
        output_bytes += _output_bytes(cell)
        grade_id = _nbgrader(cell).get("grade_id")
        if not grade_id:
            if cell.get("cell_type") == "code":
                extra_code += 1
            continue
        if grade_id in seen:
            result.tampered.append(f"cell {grade_id} appears twice")
            continue
        seen[grade_id] = cell
        original = release_cells.get(grade_id)
        if original is None:
            result.tampered.append(f"unknown cell id {grade_id!r} (a grade id was changed)")
            continue
        theirs, ours = _nbgrader(cell), _nbgrader(original)
        changed = [
            flag
            for flag in _FLAGS
            if (cell.get("cell_type") if flag == "cell_type" else theirs.get(flag))
            != (original.get("cell_type") if flag == "cell_type" else ours.get(flag))
        ]
        if changed:
            result.tampered.append(f"cell {grade_id}: metadata changed ({', '.join(changed)})")
        elif ours.get("locked") and _checksum(cell) != ours.get("checksum"):
            kind = "test cell" if ours.get("grade") else "read-only cell"
            result.tampered.append(f"{kind} {grade_id} was edited")
    for grade_id, original in release_cells.items():
        if grade_id in seen:
            continue
        meta = _nbgrader(original)
        if meta.get("solution"):
            result.deleted_answers.append(grade_id)
            result.flagged.append(f"answer cell {grade_id} was deleted")
        elif meta.get("grade") or original.get("cell_type") == "code":
            kind = "test cell" if meta.get("grade") else "read-only cell"
            result.tampered.append(f"{kind} {grade_id} was deleted")
    if extra_code:
        s = "s" if extra_code > 1 else ""
        result.flagged.append(f"{extra_code} extra code cell{s} ignored (only answers are graded)")
    if output_bytes > BIG_OUTPUT_BYTES:
        result.flagged.append(f"{output_bytes / 1e6:.1f} MB of saved output discarded")

    rebuilt = copy.deepcopy(released)
    for cell in rebuilt.cells:
        grade_id = _nbgrader(cell).get("grade_id")
        mine = seen.get(grade_id) if grade_id else None
        if mine is not None and _nbgrader(cell).get("solution"):
            source = mine.get("source", "")
            cell.source = "".join(source) if isinstance(source, list) else str(source)
    result.notebook = rebuilt
    return result


def read_answers(notebook: Any) -> tuple[dict[str, Any], list[str]]:
    """The literal values assigned in the answer cells, and the names that were not literals."""
    answers: dict[str, Any] = {}
    not_simple: list[str] = []
    for cell in notebook.cells:
        if not _nbgrader(cell).get("solution") or cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            not_simple.append(_nbgrader(cell)["grade_id"])
            continue
        for node in tree.body:
            if not isinstance(node, ast.Assign):
                continue
            for target in node.targets:
                if not isinstance(target, ast.Name):
                    continue
                try:
                    answers[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    answers[target.id] = NOT_SIMPLE
                    not_simple.append(target.id)
    return answers, not_simple
