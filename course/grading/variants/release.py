"""Pack a variant assessment's stories for the release: ``release/<assignment>/cases.json.gz``.

One release serves the whole class: the table holds every learner's stories and pictures,
keyed by a hash of their id (``course.cases.learner_key``), and nothing that gives a key
away (no situation, no template, no structure id). Variants are deterministic, so releasing
again after adding learners changes nobody's cases.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from course.cases import CASES_FILE, learner_key
from course.errors import GradingError
from course.grading.variants.bank import VariantBank, VariantItem
from course.grading.variants.generate import generate

__all__ = ["pack", "variant_fingerprint", "write_cases"]


def variant_fingerprint(bank: VariantBank, student: str, items: Sequence[VariantItem]) -> str:
    """A short hash of what the learner is shown (stories and marked structures)."""
    digest = hashlib.sha256()
    parts: list[object] = [bank.seed, bank.assignment, student.strip()]
    if bank.attempt > 1:
        parts.append(f"attempt {bank.attempt}")
    for part in parts:
        digest.update(f"{part}\x1f".encode())
    for item in items:
        digest.update(f"{item.text}\x1f{item.view}\x1f{item.structure}\x1e".encode())
    return digest.hexdigest()[:12]


def _picture_token(bank: VariantBank, item: VariantItem) -> str:
    raw = f"{bank.seed}\x1f{bank.assignment}\x1f{item.view}\x1f{item.layers}\x1f{item.structure}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def pack(bank: VariantBank, students: Iterable[str]) -> dict[str, Any]:
    """The release table of ``students``' variants (JSON-ready)."""
    from course.grading.diagram_items import question_alt_text, question_png, question_text

    stories: list[str] = []
    index: dict[str, int] = {}
    pictures: dict[str, dict[str, str]] = {}
    learners: dict[str, dict[str, Any]] = {}
    for student in sorted({s.strip() for s in students if s and s.strip()}):
        items = generate(bank, student)
        refs: list[int | str] = []
        for item in items:
            if item.kind == "scenario":
                if item.text not in index:
                    index[item.text] = len(stories)
                    stories.append(item.text)
                refs.append(index[item.text])
            else:
                token = _picture_token(bank, item)
                if token not in pictures:
                    png = question_png(item.view, item.layers, item.structure, dpi=80)
                    pictures[token] = {
                        "png": base64.b64encode(png).decode("ascii"),
                        "alt": question_alt_text(item.view, item.layers, item.structure),
                        "question": question_text(),
                    }
                refs.append(token)
        learners[learner_key(bank.assignment, student)] = {
            "items": refs,
            "variant": variant_fingerprint(bank, student, items),
        }
    return {
        "schema_version": 1,
        "assignment": bank.assignment,
        "attempt": bank.attempt,
        "stories": stories,
        "pictures": pictures,
        "learners": learners,
    }


def write_cases(release_dir: Path, bank: VariantBank, students: Iterable[str]) -> Path:
    """Write ``release_dir/cases.json.gz``; returns its path."""
    wanted = list(students)
    if not wanted:
        raise GradingError(
            f"no learners to release {bank.assignment!r} to: add the class to the gradebook "
            "first (nbgrader db student import roster.csv); each learner gets their own cases"
        )
    table = pack(bank, wanted)
    data = gzip.compress(json.dumps(table, separators=(",", ":")).encode("utf-8"), mtime=0)
    path = release_dir / CASES_FILE
    try:
        release_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        raise GradingError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
