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


def answer_variables(released: Any) -> dict[str, tuple[str, ...]]:
    """The answer variables of each answer cell: the names its released stub assigns.

    ``q01 = None`` and ``q01_refer = None`` in the released cell ``q01_answer`` make
    ``{"q01_answer": ("q01", "q01_refer")}``.
    """
    variables: dict[str, tuple[str, ...]] = {}
    for cell in released.cells:
        meta = _nbgrader(cell)
        if not meta.get("solution") or cell.get("cell_type") != "code":
            continue
        names = [
            node.targets[0].id
            for node in ast.parse(_source(cell)).body
            if isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ]
        variables[meta["grade_id"]] = tuple(dict.fromkeys(names))
    return variables


def _source(cell: Any) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _bound_names(tree: ast.AST) -> list[tuple[str, ast.AST]]:
    """Every name a piece of code binds (assigns, deletes, imports, defines, declares global)."""
    bound: list[tuple[str, ast.AST]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.append((node.id, node))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.append((node.name, node))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound += [((a.asname or a.name).split(".")[0], node) for a in node.names]
        elif isinstance(node, ast.Global | ast.Nonlocal):
            bound += [(name, node) for name in node.names]
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
            bound.append((node.name, node))
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.append((node.rest, node))
    return bound


def read_cell(source: str, own: tuple[str, ...]) -> tuple[dict[str, Any], list[str], list[str]]:
    """Read the answers ``own`` from one answer cell's source, never running it.

    Returns the answers (absent when unanswered, :data:`NOT_SIMPLE` when not one plain literal
    assignment), the problems with those answers, and every other name the cell binds.
    """
    answers: dict[str, Any] = {}
    problems: list[str] = []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        for name in own:
            answers[name] = NOT_SIMPLE
            problems.append(f"{name} is not a simple answer")
        return answers, problems, []
    bound = _bound_names(tree)
    for name in own:
        nodes = [node for bound_name, node in bound if bound_name == name]
        if not nodes:
            continue
        plain = [
            stmt
            for stmt in tree.body
            if isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id == name
        ]
        value: Any = NOT_SIMPLE
        targets = [stmt.targets[0] for stmt in plain]
        # every binding is a top-level `name = ...`: the last one counts, as in Python
        if len(nodes) == len(plain) and all(any(n is t for t in targets) for n in nodes):
            try:
                value = ast.literal_eval(plain[-1].value)
            except Exception:  # ValueError, TypeError, RecursionError, MemoryError
                value = NOT_SIMPLE
        answers[name] = value
        if value is NOT_SIMPLE:
            problems.append(f"{name} is not a simple answer")
    others = sorted({bound_name for bound_name, _ in bound} - set(own))
    return answers, problems, others


def has_other_code(source: str, own: tuple[str, ...]) -> bool:
    """Whether an answer cell holds statements other than assignments to its own answers."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return True
    return any(
        not (
            isinstance(stmt, ast.Assign)
            and all(isinstance(t, ast.Name) and t.id in own for t in stmt.targets)
        )
        for stmt in tree.body
    )


def read_answers(
    notebook: Any, variables: dict[str, tuple[str, ...]], *, executed: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """The answers written in the answer cells, and one line per problem found.

    Each answer variable (``variables``: answer cell id -> its variable names) is read only
    from its own answer cell, and only from a single plain assignment of a literal
    (``q01 = "STOP"``, read with :func:`ast.literal_eval`, never run); when the cell assigns it
    more than once at top level (the ``q01 = None`` placeholder kept above the answer), the last
    assignment counts, as in Python. An answer written any other way (computed, rebound by an
    import, a loop, a nested block, ...) is :data:`NOT_SIMPLE`; an answer cell that assigns
    another item's variable is reported and that assignment never counts; an answer cell with
    any other code is reported (the code is never run, or with ``executed`` only in the grading
    sandbox). An unanswered variable is absent.
    """
    everyone = {name for names in variables.values() for name in names}
    answers: dict[str, Any] = {}
    problems: list[str] = []
    for cell in notebook.cells:
        meta = _nbgrader(cell)
        own = variables.get(meta.get("grade_id", ""))
        if not meta.get("solution") or cell.get("cell_type") != "code" or own is None:
            continue
        source = _source(cell)
        found, cell_problems, others = read_cell(source, own)
        answers.update(found)
        problems += cell_problems
        crossed = sorted(set(others) & everyone)
        for name in crossed:
            problems.append(
                f"answer cell {meta['grade_id']} assigns {name}, another item's answer (ignored)"
            )
        if not cell_problems and not crossed and has_other_code(source, own):
            where = "run only in the sandbox" if executed else "never run"
            problems.append(f"answer cell {meta['grade_id']} holds other code ({where})")
    return answers, problems
