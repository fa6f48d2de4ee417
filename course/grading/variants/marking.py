"""Marking a variant assessment: each submitter's own key, and whose cases the notebook showed.

The key of a submission is regenerated from the *submitting* learner's id (never from what
the notebook says it showed), so a copied notebook is marked against the copier's own cases.
The id and variant the notebook recorded when it showed the cases (``course.cases``) are
compared with the submitter's: a difference is a ``variant-mismatch``, reported with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from course.cases import RECORD_MIME
from course.grading.items.bank import Gradeable
from course.grading.variants.bank import VariantBank, VariantItem
from course.grading.variants.generate import generate

__all__ = [
    "MISMATCH",
    "find_record",
    "gradeables_for",
    "mismatch_problem",
    "template_gradeables",
]

#: Status of a submission whose notebook showed another learner's cases.
MISMATCH = "variant-mismatch"


def _gradeables(items: Iterable[VariantItem]) -> list[Gradeable]:
    cells: list[Gradeable] = []
    for item in items:
        cells.append(
            Gradeable(
                grade_id=item.id,
                item_id=item.id,
                variable=item.id,
                kind="decision" if item.kind == "scenario" else "structure",
                points=item.points,
                key=item.key,
            )
        )
        if item.ask_refer:
            refer = item.refer
            assert refer is not None
            cells.append(
                Gradeable(
                    grade_id=f"{item.id}_refer",
                    item_id=item.id,
                    variable=f"{item.id}_refer",
                    kind="refer",
                    points=item.refer_points,
                    key=refer,
                )
            )
    return cells


def gradeables_for(bank: VariantBank, student: str) -> tuple[Gradeable, ...]:
    """Every graded cell of ``student``'s variant with its key (``assess()``'s decision)."""
    return tuple(_gradeables(generate(bank, student)))


def critical_for(bank: VariantBank, student: str) -> frozenset[str]:
    """The ids of ``student``'s critical items."""
    return frozenset(item.id for item in generate(bank, student) if item.critical)


def template_gradeables(bank: VariantBank) -> tuple[Gradeable, ...]:
    """The graded cells every variant shares (ids, kinds, points): the released notebook's.

    Keys are those of a reference variant and mean nothing: use :func:`gradeables_for`.
    """
    return gradeables_for(bank, "\x00template")


def max_score(bank: VariantBank) -> float:
    return sum(g.points for g in template_gradeables(bank))


def _attempt_shown(bank: VariantBank, submitter: str, variant: object) -> int | None:
    """The other attempt (1 to a few past this one) whose variant the notebook showed."""
    from course.grading.variants.bank import with_attempt
    from course.grading.variants.release import variant_fingerprint

    for attempt in range(1, bank.attempt + 4):
        if attempt == bank.attempt:
            continue
        other = with_attempt(bank, attempt)
        if variant_fingerprint(other, submitter, generate(other, submitter)) == variant:
            return attempt
    return None


def find_record(nb: Any) -> dict[str, Any] | None:
    """What the notebook recorded when it showed the cases (None when it never showed them)."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []) or []:
            data = output.get("data") if isinstance(output, Mapping) else None
            if isinstance(data, Mapping) and isinstance(data.get(RECORD_MIME), Mapping):
                return dict(data[RECORD_MIME])
    return None


def mismatch_problem(
    bank: VariantBank, submitter: str, record: Mapping[str, Any] | None
) -> tuple[str, str] | None:
    """``(status, reason)`` when the notebook's record does not match the submitter.

    Another learner's id or variant is a :data:`MISMATCH`; no record at all (the cases cell
    never ran, or its output was cleared) is ``flagged``. Either way the answers are marked
    against the submitter's own cases.
    """
    from course.grading.variants.release import variant_fingerprint

    if record is None:
        return "flagged", (
            "the notebook has no record of whose cases it showed (the cases cell was not run, or "
            f"its output was removed); marked against {submitter}'s own cases"
        )
    shown = str(record.get("student", ""))
    if shown.strip() != submitter.strip():
        return MISMATCH, (
            f"the notebook showed the cases of {shown!r}, not {submitter!r}'s (a copied "
            f"notebook?); marked against {submitter}'s own cases"
        )
    expected = variant_fingerprint(bank, submitter, generate(bank, submitter))
    if record.get("variant") != expected:
        earlier = _attempt_shown(bank, submitter, record.get("variant"))
        if earlier is not None:
            return MISMATCH, (
                f"the notebook showed {submitter}'s cases of attempt {earlier}, not of attempt "
                f"{bank.attempt} (an earlier notebook handed in again?); marked against "
                f"attempt {bank.attempt}'s cases"
            )
        return MISMATCH, (
            f"the notebook showed variant {record.get('variant')!r}, but {submitter}'s is "
            f"{expected!r} (released with another seed or item bank?); marked against the "
            "current one"
        )
    return None
