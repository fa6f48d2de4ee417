"""Load and cross-validate the self-check questions (``content/selfcheck/*.yaml``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from course.content.loader import CourseContent, load_content
from course.content.records import check_sources, read_yaml
from course.content.resources import content_dir
from course.errors import ContentError
from course.quiz.models import QUESTION_MODELS, FindOnDiagram, Question, ScenarioDecision

__all__ = ["Bank", "load_bank"]

FOLDER = "selfcheck"


@dataclass(frozen=True)
class Bank:
    """Every self-check question, per lesson, in file order."""

    by_lesson: Mapping[str, tuple[Question, ...]]

    def for_lesson(self, lesson_id: str) -> tuple[Question, ...]:
        """The lesson's questions (empty when it has none); ``ValueError`` for an unknown id."""
        load_content().lesson(lesson_id)
        return self.by_lesson.get(lesson_id, ())

    def __iter__(self) -> Iterator[Question]:
        for questions in self.by_lesson.values():
            yield from questions

    def __len__(self) -> int:
        return sum(len(questions) for questions in self.by_lesson.values())

    def question(self, question_id: str) -> Question:
        """The question with this id; ``ValueError`` otherwise."""
        for question in self:
            if question.id == question_id:
                return question
        raise ValueError(f"unknown self-check question {question_id!r}")


def load_bank(directory: Path | None = None, content: CourseContent | None = None) -> Bank:
    """Load the bank (cached for the packaged content); errors name file, record and field."""
    if directory is None and content is None:
        return _packaged()
    return _load(directory or content_dir() / FOLDER, content or load_content())


@cache
def _packaged() -> Bank:
    return _load(content_dir() / FOLDER, load_content())


def _load(directory: Path, content: CourseContent) -> Bank:
    lesson_ids = [lesson.id for lesson in content.lessons]
    found: dict[str, tuple[Question, ...]] = {}
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        name = f"{FOLDER}/{path.name}"
        data = read_yaml(path)
        lesson = data.get("lesson")
        if lesson != path.stem:
            raise ContentError(name, "-", "lesson", f"must be {path.stem!r}, the file's name")
        if lesson not in lesson_ids:
            raise ContentError(name, "-", "lesson", f"unknown lesson {lesson!r}")
        raw = data.get("questions")
        if not isinstance(raw, list) or not raw:
            raise ContentError(name, "-", "questions", "expected a non-empty list of questions")
        questions = []
        for index, item in enumerate(raw):
            question = _parse(name, index, item, content)
            if question.id in seen:
                raise ContentError(
                    name, repr(question.id), "id", f"duplicate id (also in {seen[question.id]})"
                )
            seen[question.id] = name
            questions.append(question)
        found[lesson] = tuple(questions)
    ordered = {lesson_id: found[lesson_id] for lesson_id in lesson_ids if lesson_id in found}
    return Bank(MappingProxyType(ordered))


def _parse(file: str, index: int, item: Any, content: CourseContent) -> Question:
    label = repr(item["id"]) if isinstance(item, dict) and "id" in item else f"#{index + 1}"
    if not isinstance(item, dict):
        raise ContentError(file, label, "-", "expected a mapping")
    kind = item.get("type")
    model = QUESTION_MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise ContentError(
            file, label, "type", f"{kind!r} is not one of {', '.join(QUESTION_MODELS)}"
        )
    try:
        question = model.model_validate(item)
    except ValidationError as exc:
        raise ContentError.from_validation(file, label, exc) from None
    check_sources(file, label, question.checks, content.sources)
    if isinstance(question, FindOnDiagram) and question.structure not in content.structures:
        raise ContentError(file, label, "structure", f"unknown structure {question.structure!r}")
    if isinstance(question, ScenarioDecision):
        _check_scenario(file, label, question)
    return question


def _check_scenario(file: str, label: str, question: ScenarioDecision) -> None:
    from course.safety import Situation, assess

    try:
        situation = Situation.model_validate(question.situation)
    except ValidationError as exc:
        raise ContentError.from_validation(file, label, exc, prefix=("situation",)) from None
    decided = assess(situation).decision.value
    if decided != question.answer:
        raise ContentError(
            file, label, "answer", f"{question.answer} disagrees with the safety policy ({decided})"
        )
