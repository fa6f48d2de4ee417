"""Load the course content from YAML into validated, cross-checked, immutable models."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar, get_args

import yaml
from pydantic import BaseModel, ValidationError

from course._conditions import ConditionError, compile_condition, is_otherwise
from course._resources import content_dir
from course.models import (
    DecisionInfo,
    DecisionName,
    Lesson,
    SafetyRule,
    Source,
    Structure,
    Technique,
)
from course.situation import SITUATION_FIELDS

SUPPORTED_SCHEMA_VERSIONS = frozenset({1})
# least to most severe: the order of the reference's section 4
DECISION_ORDER: tuple[str, ...] = get_args(DecisionName)

M = TypeVar("M", bound=BaseModel)


class ContentError(ValueError):
    """Invalid course content. The message names the file, the record and the field."""

    def __init__(self, file: str, record: str, field: str, problem: str) -> None:
        self.file, self.record, self.field, self.problem = file, record, field, problem
        super().__init__(f"{file}: record {record}: field {field}: {problem}")

    @classmethod
    def from_validation(
        cls, file: str, record: str, exc: ValidationError, prefix: tuple[str, ...] = ()
    ) -> ContentError:
        """The first problem of a pydantic error, with its field path (under ``prefix``)."""
        error = exc.errors()[0]
        field = ".".join([*prefix, *(str(part) for part in error["loc"])]) or "-"
        return cls(file, record, field, str(error["msg"]).removeprefix("Value error, "))


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
        """Caution zones near the technique: a stroke may pass them lightly, never press."""
        technique = self.technique(technique_id)
        return tuple(s for s in technique.avoid if self.structures[s].kind == "caution_zone")

    def lesson(self, lesson_id: str) -> Lesson:
        """The lesson with this id; ``ValueError`` listing the valid ids otherwise."""
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        valid = ", ".join(lesson.id for lesson in self.lessons)
        raise ValueError(f"unknown lesson {lesson_id!r}; valid: {valid}")


def read_yaml(path: Path) -> dict[str, Any]:
    """Read one content file: a YAML mapping with a supported ``schema_version``."""
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(name, "-", "-", "file is missing") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ContentError(name, "-", "-", f"not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise ContentError(name, "-", "-", "expected a mapping at the top level")
    version = data.get("schema_version")
    if version not in SUPPORTED_SCHEMA_VERSIONS:
        raise ContentError(
            name,
            "-",
            "schema_version",
            f"{version!r} is not supported (supported: {sorted(SUPPORTED_SCHEMA_VERSIONS)})",
        )
    return data


def parse_records(
    data: Mapping[str, Any], file: str, key: str, model: type[M], id_field: str = "id"
) -> tuple[M, ...]:
    """Validate the list ``data[key]`` into models; ids must be unique."""
    raw = data.get(key)
    if not isinstance(raw, list) or not raw:
        raise ContentError(file, "-", key, "expected a non-empty list of records")
    records: list[M] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        label = _record_label(item, index, id_field)
        try:
            record = model.model_validate(item)
        except ValidationError as exc:
            raise ContentError.from_validation(file, label, exc) from None
        record_id = str(getattr(record, id_field))
        if record_id in seen:
            raise ContentError(file, label, id_field, f"duplicate id {record_id!r}")
        seen.add(record_id)
        records.append(record)
    return tuple(records)


def _record_label(item: Any, index: int, id_field: str) -> str:
    if isinstance(item, dict) and isinstance(item.get(id_field), str):
        return repr(item[id_field])
    return f"#{index + 1}"


def check_sources(
    file: str, record: str, citations: Sequence[str], known: Mapping[str, Source]
) -> None:
    """Every citation starts with a declared source id."""
    for citation in citations:
        source_id = citation.split()[0]
        if source_id not in known:
            raise ContentError(
                file, record, "source", f"unknown source {source_id!r}; declare it in sources.yaml"
            )


def check_refs(
    file: str, record: str, field: str, refs: Sequence[str], known: Mapping[str, object]
) -> None:
    """Every id in ``refs`` names a known record."""
    for ref in refs:
        if ref not in known:
            raise ContentError(file, record, field, f"unknown id {ref!r}")


def load_content(directory: Path | None = None) -> CourseContent:
    """Load and cross-validate the content (cached for the packaged content)."""
    if directory is None:
        return _load_packaged()
    return _load(directory)


@cache
def _load_packaged() -> CourseContent:
    return _load(content_dir())


def _load(directory: Path) -> CourseContent:
    sources_data = read_yaml(directory / "sources.yaml")
    sources = {s.id: s for s in parse_records(sources_data, "sources.yaml", "sources", Source)}

    anatomy = parse_records(
        read_yaml(directory / "anatomy.yaml"), "anatomy.yaml", "structures", Structure
    )
    structures = {s.id: s for s in anatomy}
    for s in anatomy:
        check_sources("anatomy.yaml", repr(s.id), s.source, sources)
        check_refs("anatomy.yaml", repr(s.id), "contains", s.contains, structures)

    techniques = parse_records(
        read_yaml(directory / "techniques.yaml"), "techniques.yaml", "techniques", Technique
    )
    for t in techniques:
        check_sources("techniques.yaml", repr(t.id), t.source, sources)
        check_refs("techniques.yaml", repr(t.id), "structures", t.structures, structures)
        check_refs("techniques.yaml", repr(t.id), "avoid", t.avoid, structures)
    orders = sorted(t.order for t in techniques)
    if orders != list(range(1, len(techniques) + 1)):
        raise ContentError(
            "techniques.yaml", "-", "order", f"must run 1..{len(techniques)}, got {orders}"
        )
    techniques = tuple(sorted(techniques, key=lambda t: t.order))

    safety_data = read_yaml(directory / "safety.yaml")
    decisions, rules = _load_safety(safety_data, sources)
    disclaimer = safety_data.get("disclaimer")
    if not isinstance(disclaimer, str) or "education" not in disclaimer:
        raise ContentError("safety.yaml", "-", "disclaimer", "must say the course is education")

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
        decisions=MappingProxyType(decisions),
        rules=rules,
        lessons=lessons,
        disclaimer=disclaimer,
    )


def _load_safety(
    data: Mapping[str, Any], sources: Mapping[str, Source]
) -> tuple[dict[str, DecisionInfo], tuple[SafetyRule, ...]]:
    file = "safety.yaml"
    decision_records = parse_records(data, file, "decisions", DecisionInfo)
    if tuple(d.id for d in decision_records) != DECISION_ORDER:
        raise ContentError(
            file,
            "-",
            "decisions",
            f"must list every decision, least to most severe: {DECISION_ORDER}",
        )
    rules = parse_records(data, file, "rules", SafetyRule)
    catch_alls = [r.id for r in rules if is_otherwise(r.when)]
    if len(catch_alls) != 1:
        raise ContentError(
            file, "-", "rules", f"need exactly one {{otherwise: true}} rule, got {catch_alls}"
        )
    for rule in rules:
        check_sources(file, repr(rule.id), rule.source, sources)
        try:
            compile_condition(rule.when, SITUATION_FIELDS)
        except ConditionError as exc:
            raise ContentError(file, repr(rule.id), "when", str(exc)) from None
        if rule.red_flag and DECISION_ORDER.index(rule.decision) < DECISION_ORDER.index(
            "DO_NOT_MASSAGE"
        ):
            raise ContentError(
                file, repr(rule.id), "red_flag", "a red-flag rule must not allow massage"
            )
    return {d.id: d for d in decision_records}, rules
