"""Any item bank: a fixed one (one key for the class) or a variant one (a key per learner).

The marking layer asks the same few things of both: the graded cells and key of a learner,
their critical items, the points and the pass mark. The functions here answer for either kind:
a variant bank's graded cells come from generating variants (``variants.marking``), which the
bank's own module (``variants.bank``, below the generation) cannot import.
"""

from __future__ import annotations

from pathlib import Path

from course.grading.items.bank import Gradeable, ItemBank, critical_items, load_item_bank
from course.grading.variants.bank import VariantBank, is_variant_bank, load_variant_bank
from course.grading.variants.marking import critical_for, gradeables_for, template_gradeables

__all__ = ["AnyBank", "critical_of", "gradeables_of", "key_of", "load_bank", "max_score_of"]

AnyBank = ItemBank | VariantBank


def load_bank(course_dir: Path, assignment: str) -> AnyBank:
    """The item bank of ``assignment``, fixed or variant (``kind: variants``)."""
    if is_variant_bank(course_dir, assignment):
        return load_variant_bank(course_dir, assignment)
    return load_item_bank(course_dir, assignment)


def gradeables_of(bank: AnyBank) -> tuple[Gradeable, ...]:
    """The graded cells of the assessment's notebook (ids, kinds, points). A variant bank's
    are the same for every learner; their keys are not anyone's: use :func:`key_of`."""
    if isinstance(bank, VariantBank):
        return template_gradeables(bank)
    return bank.gradeables


def max_score_of(bank: AnyBank) -> float:
    """The points of the whole assessment (the same for every learner)."""
    return float(sum(g.points for g in gradeables_of(bank)))


def key_of(bank: AnyBank, student: str) -> dict[str, Gradeable]:
    """Grade cell id -> graded cell with ``student``'s key (their own variant's, if any)."""
    if isinstance(bank, VariantBank):
        return {g.grade_id: g for g in gradeables_for(bank, student)}
    return {g.grade_id: g for g in bank.gradeables}


def critical_of(bank: AnyBank, student: str, fixed: frozenset[str] | None = None) -> frozenset[str]:
    """``student``'s critical items (``fixed``: the fixed bank's, when already computed)."""
    if isinstance(bank, VariantBank):
        return critical_for(bank, student)
    return fixed if fixed is not None else critical_items(bank)
