"""The learner's progress: a small JSON file under the Jupyter data directory.

Writes are atomic (a temporary file in the same folder, then ``os.replace``) and serialised
between kernels with a lock file. A file that is not valid JSON, or not an ankle-course
progress file, is moved aside (never deleted) with a :class:`ProgressWarning`, and a fresh
file is started.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from course.content.loader import load_content
from course.content.sections import section, sections
from course.content.text import text
from course.errors import ProgressError

__all__ = [
    "ENV_VAR",
    "Attempt",
    "LessonProgress",
    "LessonRecord",
    "ProgressData",
    "ProgressStore",
    "ProgressWarning",
    "default_path",
]

ENV_VAR = "ANKLE_COURSE_PROGRESS"
FORMAT = "ankle-course-progress"
VERSION = 1


class ProgressWarning(UserWarning):
    """The progress file had a problem; the learner's work goes on."""


def default_path() -> Path:
    """``$ANKLE_COURSE_PROGRESS``, or ``<jupyter data dir>/ankle-course/progress.json``."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "ankle-course" / "progress.json"


class Attempt(BaseModel):
    """One answer to a self-check question."""

    model_config = ConfigDict(extra="forbid")

    question: str
    correct: bool
    score: Annotated[float, Field(ge=0, le=1)]
    seconds: Annotated[float, Field(ge=0)]
    at: str


class LessonRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sections: dict[str, str] = Field(default_factory=dict)
    """Section id -> when it was first opened (ISO 8601, UTC)."""
    attempts: list[Attempt] = Field(default_factory=list)


class ProgressData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["ankle-course-progress"]
    version: Literal[1]
    lessons: dict[str, LessonRecord] = Field(default_factory=dict)
    practice: Any = None
    """The practice part (``course.practice``), checked by its owner: a broken part is
    started afresh there, and never costs the rest of the file."""


def _dump(data: ProgressData) -> dict[str, Any]:
    """JSON data of the file; no ``practice`` key until the learner practises."""
    return data.model_dump(mode="json", exclude={"practice"} if data.practice is None else None)


def _fresh() -> ProgressData:
    return ProgressData(format=FORMAT, version=VERSION)


@dataclass(frozen=True)
class LessonProgress:
    """One lesson's progress, for the summary widget and the terminal."""

    lesson: str
    title: str
    sections_total: int
    sections_opened: tuple[str, ...]
    questions_total: int
    questions_tried: int
    questions_correct: int
    attempts: int
    seconds: float

    @property
    def section_share(self) -> float:
        """Share of the lesson's sections opened, 0 to 1."""
        return len(self.sections_opened) / self.sections_total if self.sections_total else 0.0

    @property
    def score_share(self) -> float:
        """Share of the lesson's self-check questions whose latest answer was right."""
        return self.questions_correct / self.questions_total if self.questions_total else 0.0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ProgressStore:
    """Read and update one progress file (default: :func:`default_path`)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()

    # --- reading -----------------------------------------------------------------------
    def read(self) -> ProgressData:
        """The stored progress; a missing file is empty, a bad one is moved aside."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return _fresh()
        except OSError as exc:
            self._warn_unsaved(exc, "progress.not_read")
            return _fresh()
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            self._move_aside("corrupt", text("progress.problem_corrupt"))
            return _fresh()
        try:
            return ProgressData.model_validate(data)
        except ValidationError:
            self._move_aside("foreign", text("progress.problem_foreign"))
            return _fresh()

    def _move_aside(self, kind: str, problem: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        backup = self.path.with_name(f"{self.path.name}.{kind}-{stamp}")
        counter = 1
        while backup.exists():
            counter += 1
            backup = self.path.with_name(f"{self.path.name}.{kind}-{stamp}-{counter}")
        try:
            os.replace(self.path, backup)
        except OSError as exc:
            self._warn_unsaved(exc)
            return
        warnings.warn(
            text("progress.moved_aside", path=self.path, problem=problem, backup=backup.name),
            ProgressWarning,
            stacklevel=4,
        )

    # --- writing -----------------------------------------------------------------------
    def _write(self, data: ProgressData) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(_dump(data), indent=1, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(f".{self.path.name}.lock")
        with open(lock_path, "a+b") as lock:
            try:
                import fcntl
            except ImportError:  # pragma: no cover - Windows: atomic replace only
                yield
                return
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _update(self, change: Callable[[ProgressData], None]) -> bool:
        """Read, change and write back under the lock; warn (never raise) if it cannot. A
        change that changes nothing (a section opened before) writes nothing."""
        try:
            with self._locked():
                data = self.read()
                before = _dump(data) if self.path.exists() else None
                change(data)
                if _dump(data) != before:
                    self._write(data)
        except OSError as exc:
            self._warn_unsaved(exc)
            return False
        return True

    def _warn_unsaved(self, exc: OSError, message: str = "progress.not_saved") -> None:
        problem = exc.strerror or type(exc).__name__
        warnings.warn(
            text(message, path=self.path, problem=problem),
            ProgressWarning,
            stacklevel=4,
        )

    # --- the API -------------------------------------------------------------------------
    def open_section(self, lesson_id: str, section_id: str) -> bool:
        """Record that a section was opened (the first time counts); False if not saved."""
        section(lesson_id, section_id)  # ValueError for unknown ids

        def change(data: ProgressData) -> None:
            record = data.lessons.setdefault(lesson_id, LessonRecord())
            record.sections.setdefault(section_id, _now())

        return self._update(change)

    def record_attempt(
        self, lesson_id: str, question_id: str, *, score: float, correct: bool, seconds: float
    ) -> bool:
        """Record one self-check answer; False if it could not be saved."""
        from course.quiz.bank import load_bank

        if question_id not in {q.id for q in load_bank().for_lesson(lesson_id)}:
            raise ValueError(f"{question_id!r} is not a self-check question of {lesson_id}")
        attempt = Attempt(
            question=question_id,
            correct=correct,
            score=score,
            seconds=round(max(seconds, 0.0), 1),
            at=_now(),
        )

        def change(data: ProgressData) -> None:
            data.lessons.setdefault(lesson_id, LessonRecord()).attempts.append(attempt)

        return self._update(change)

    def practice(self) -> Any:
        """The stored practice part as plain JSON data (None when there is none)."""
        return self.read().practice

    def save_practice(self, value: dict[str, Any] | None) -> bool:
        """Replace the practice part (None removes it); False if it could not be saved."""

        def change(data: ProgressData) -> None:
            data.practice = value

        return self._update(change)

    def reset(self) -> bool:
        """Delete the progress file; False if there was none.

        Raises :class:`~course.errors.ProgressError` (an ``OSError``) with a one-line message
        when the file cannot be deleted.
        """
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            problem = exc.strerror or type(exc).__name__
            raise ProgressError(
                text("progress.reset_failed", path=self.path, problem=problem)
            ) from None
        return True

    def summary(self) -> tuple[LessonProgress, ...]:
        """Every lesson's progress, in course order."""
        from course.quiz.bank import load_bank

        data = self.read()
        bank = load_bank()
        rows = []
        for lesson in load_content().lessons:
            record = data.lessons.get(lesson.id, LessonRecord())
            known = [s.id for s in sections(lesson.id)]
            question_ids = {q.id for q in bank.for_lesson(lesson.id)}
            latest: dict[str, Attempt] = {}
            for attempt in record.attempts:
                if attempt.question in question_ids:
                    latest[attempt.question] = attempt
            rows.append(
                LessonProgress(
                    lesson=lesson.id,
                    title=lesson.title,
                    sections_total=len(known),
                    sections_opened=tuple(s for s in known if s in record.sections),
                    questions_total=len(question_ids),
                    questions_tried=len(latest),
                    questions_correct=sum(1 for a in latest.values() if a.correct),
                    attempts=len(record.attempts),
                    seconds=sum(a.seconds for a in record.attempts),
                )
            )
        return tuple(rows)

    def as_dict(self) -> dict[str, Any]:
        """The stored progress as plain JSON data."""
        return _dump(self.read())
