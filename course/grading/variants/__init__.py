"""Variant assessments: a key per learner, generated from a bank's story templates.

``bank`` is the variant bank's model (blueprint, families, templates, scoring) and its checks
against the policy; ``generate`` makes a learner's variant from it (``scenarios(assignment,
student_id, attempt=1)`` prints an instructor's view of a learner's items and keys);
``release`` writes each learner's cases beside the released notebook; ``marking`` regenerates
a submitter's graded cells and keys for the marking layer; ``retake`` links a retake (attempt
2, 3, ...) to its first attempt's bank. The public names are importable from here, as before
this room existed: ``from course.grading.variants import scenarios``.
"""

from __future__ import annotations

from course.grading.variants.bank import (
    Case,
    Slot,
    VariantBank,
    VariantItem,
    is_variant_bank,
    load_variant_bank,
    with_attempt,
)
from course.grading.variants.generate import generate, layout, scenarios
from course.grading.variants.retake import retake_name

__all__ = [
    "Case",
    "Slot",
    "VariantBank",
    "VariantItem",
    "generate",
    "is_variant_bank",
    "layout",
    "load_variant_bank",
    "retake_name",
    "scenarios",
    "with_attempt",
]
