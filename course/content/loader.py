"""Load the course content from YAML into validated, cross-checked, immutable models."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from course.content.models import Lesson, Source, Structure, Technique
from course.content.records import check_refs, check_sources, load_sources, parse_records, read_yaml
from course.content.resources import content_dir
from course.errors import ContentError
from course.safety.policy import (
    POLICY_FILE,
    DecisionInfo,
    Policy,
    SafetyRule,
    load_policy,
    parse_policy,
)

__all__ = ["CourseContent", "load_content"]


@dataclass(frozen=True)
class CourseContent:
    """The whole course content, validated and cross-checked."""

    sources: Mapping[str, Source]
    structures: Mapping[str, Structure]
    techniques: tuple[Technique, ...]
    decisions: Mapping[str, DecisionInfo]
    rules: tuple[SafetyRule, ...]
    lessons: tuple[Lesson, ...]
    disclaimer: str

    def technique(self, technique_id: str) -> Technique:
        """The technique with this id; ``ValueError`` listing the valid ids otherwise."""
        for technique in self.techniques:
            if technique.id == technique_id:
                return technique
        valid = ", ".join(t.id for t in self.techniques)
        raise ValueError(f"unknown technique {technique_id!r}; valid: {valid}")

    def never_on(self, technique_id: str) -> tuple[str, ...]:
        """Structures the technique never works directly (e.g. petrissage: the shin bone)."""
        technique = self.technique(technique_id)
        return tuple(s for s in technique.avoid if self.structures[s].kind != "caution_zone")

    def light_touch_only(self, technique_id: str) -> tuple[str, ...]:
        """What the technique's strokes pass with light touch only, never pressing: caution
        zones, and for effleurage the shin bone. A zone the strokes go around is not here."""
        return self.technique(technique_id).light_over

    def zones_near(self, technique_id: str) -> tuple[str, ...]:
        """The caution zones near the technique: those it goes around, then those it passes
        lightly."""
        technique = self.technique(technique_id)
        return tuple(
            s
            for s in (*technique.avoid, *technique.light_over)
            if self.structures[s].kind == "caution_zone"
        )

    def lesson(self, lesson_id: str) -> Lesson:
        """The lesson with this id; ``ValueError`` listing the valid ids otherwise."""
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        valid = ", ".join(lesson.id for lesson in self.lessons)
        raise ValueError(f"unknown lesson {lesson_id!r}; valid: {valid}")


def load_content(directory: Path | None = None) -> CourseContent:
    """Load and cross-validate the content (cached for the packaged content)."""
    if directory is None:
        return _load_packaged()
    return _load(directory)


@cache
def _load_packaged() -> CourseContent:
    return _load(content_dir(), load_policy())


def _load(directory: Path, policy: Policy | None = None) -> CourseContent:
    sources = load_sources(directory)

    anatomy = parse_records(
        read_yaml(directory / "anatomy.yaml"), "anatomy.yaml", "structures", Structure
    )
    structures = {s.id: s for s in anatomy}
    for s in anatomy:
        check_sources("anatomy.yaml", repr(s.id), s.source, sources)
        check_refs("anatomy.yaml", repr(s.id), "contains", s.contains, structures)
        ends = (*((s.runs_from,) if s.runs_from else ()), *s.runs_to)
        check_refs("anatomy.yaml", repr(s.id), "runs_from/runs_to", ends, structures)

    techniques = parse_records(
        read_yaml(directory / "techniques.yaml"), "techniques.yaml", "techniques", Technique
    )
    for t in techniques:
        check_sources("techniques.yaml", repr(t.id), t.source, sources)
        check_refs("techniques.yaml", repr(t.id), "structures", t.structures, structures)
        check_refs("techniques.yaml", repr(t.id), "avoid", t.avoid, structures)
        check_refs("techniques.yaml", repr(t.id), "light_over", t.light_over, structures)
    orders = sorted(t.order for t in techniques)
    if orders != list(range(1, len(techniques) + 1)):
        raise ContentError(
            "techniques.yaml", "-", "order", f"must run 1..{len(techniques)}, got {orders}"
        )
    techniques = tuple(sorted(techniques, key=lambda t: t.order))

    if policy is None:
        policy = parse_policy(read_yaml(directory / POLICY_FILE), sources)

    lessons = parse_records(
        read_yaml(directory / "lessons.yaml"), "lessons.yaml", "lessons", Lesson
    )
    lesson_ids = {lesson.id: lesson for lesson in lessons}
    technique_ids = {t.id: t for t in techniques}
    for lesson in lessons:
        label = repr(lesson.id)
        check_sources("lessons.yaml", label, lesson.source, sources)
        check_refs("lessons.yaml", label, "structures", lesson.structures, structures)
        check_refs("lessons.yaml", label, "techniques", lesson.techniques, technique_ids)
        check_refs("lessons.yaml", label, "prerequisites", lesson.prerequisites, lesson_ids)

    return CourseContent(
        sources=MappingProxyType(sources),
        structures=MappingProxyType(structures),
        techniques=techniques,
        decisions=policy.decisions,
        rules=policy.rules,
        lessons=lessons,
        disclaimer=policy.disclaimer,
    )
