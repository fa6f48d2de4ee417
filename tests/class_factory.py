"""A seeded class of graded learners (the rows ``collect`` returns), for item-analysis tests
and benchmarks: each learner has a skill; harder rule families are missed more often, and a
wrong decision is usually a neighbour of the right one in the policy's ordering."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from course.grading.items.bank import load_item_bank
from course.grading.marking.score import critical_misses, mark
from course.grading.variants.bank import is_variant_bank, load_variant_bank
from course.grading.variants.generate import generate
from course.safety.decisions import DECISION_ORDER

#: How much harder than average each family is (0: as hard as the learner's skill says).
HARDER = {"injury": 0.25, "infection": 0.15, "skin-and-sensation": 0.2, "cautions": 0.1}


def _wrong(rng: random.Random, key: str) -> str:
    if key not in DECISION_ORDER:
        return rng.choice(["talus", "tibia", "navicular", "ankle bone"])
    index = DECISION_ORDER.index(key)
    near = [d for d in DECISION_ORDER if d != key and abs(DECISION_ORDER.index(d) - index) <= 3]
    weights = [1.0 / abs(DECISION_ORDER.index(d) - index) for d in near]
    return rng.choices(near, weights)[0]


def class_rows(
    course_dir: Path, assignment: str, count: int, seed: int = 14
) -> list[dict[str, Any]]:
    """``count`` graded learners ``learner000``..., seeded answers, marked as the course does."""
    rng = random.Random(seed)
    rows = []
    variants = is_variant_bank(course_dir, assignment)
    for n in range(count):
        student = f"learner{n:03d}"
        skill = rng.uniform(0.45, 1.0)
        answers: dict[str, Any] = {}
        score = 0.0
        if variants:
            bank = load_variant_bank(course_dir, assignment)
            items = generate(bank, student)
            critical = [i.id for i in items if i.critical]
            max_score = sum(i.points + i.refer_points for i in items)
            pass_percent = bank.pass_percent
            for item in items:
                right = rng.random() < skill - HARDER.get(item.family, 0.0)
                answers[item.id] = item.key if right else _wrong(rng, item.key)
                score += item.points if right else 0.0
                if item.ask_refer:
                    refer_right = rng.random() < skill
                    answers[f"{item.id}_refer"] = item.refer if refer_right else not item.refer
                    score += item.refer_points if refer_right else 0.0
        else:
            fixed = load_item_bank(course_dir, assignment)
            from course.grading.items.bank import critical_items

            critical = sorted(critical_items(fixed))
            max_score = fixed.max_score
            pass_percent = fixed.pass_percent
            for g in fixed.gradeables:
                right = rng.random() < skill
                if g.kind == "refer":
                    answers[g.variable] = g.key if right else not g.key
                else:
                    answers[g.variable] = g.key if right else _wrong(rng, str(g.key))
                score += g.points if right else 0.0
        marked = mark(
            score=score,
            max_score=max_score,
            pass_percent=pass_percent,
            critical=critical,
            answers=answers,
            status="graded",
        )
        assert marked.critical_misses == critical_misses(critical, answers)
        rows.append(
            {
                "student_id": student,
                "score": marked.score,
                "max_score": marked.max_score,
                "percent": marked.percent,
                "passed": marked.passed,
                "critical_misses": list(marked.critical_misses),
                "status": "graded",
                "problems": [],
                "answers": answers,
            }
        )
    return rows
