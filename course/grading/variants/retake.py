"""A retake's link file: ``source/<assignment>_attempt<N>.yaml`` with ``kind: retake``.

nbgrader knows one submission per learner and assignment name, so every attempt of a variant
assessment is an assignment of its own, linked by this file to the first one's bank: the same
blueprint, new stories (``course.grading.variants.bank.load_variant_bank`` puts the attempt in
the seed). ``ankle-course grade release <assignment> --attempt N`` writes it
(``course.grading.release.prepare_retake``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from course.errors import GradingError

__all__ = ["RetakeLink", "attempts_of", "read_link", "retake_name"]


class RetakeLink(BaseModel):
    """``source/<assignment>_attempt<N>.yaml``: a retake of a variant assessment.

    nbgrader knows one submission per learner and assignment name, so every attempt is an
    assignment of its own, linked here to the first one's bank: the same blueprint, new stories
    (the attempt is part of the seed).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1]
    kind: Literal["retake"]
    of: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
    attempt: int = Field(ge=2)


def retake_name(assignment: str, attempt: int) -> str:
    """The nbgrader assignment of ``attempt`` (the first attempt is ``assignment`` itself)."""
    return assignment if attempt == 1 else f"{assignment}_attempt{attempt}"


def read_link(course_dir: Path, assignment: str) -> RetakeLink | None:
    """The retake link of ``assignment``, or None when its bank is not ``kind: retake``."""
    path = (course_dir / "source" / f"{assignment}.yaml").resolve()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    if not isinstance(data, dict) or data.get("kind") != "retake":
        return None
    try:
        link = RetakeLink.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "-"
        raise GradingError(f"{path}: invalid retake link: {where}: {first['msg']}") from None
    if retake_name(link.of, link.attempt) != assignment:
        raise GradingError(
            f"{path}: links attempt {link.attempt} of {link.of!r}, which is named "
            f"{retake_name(link.of, link.attempt)!r}, not {assignment!r}"
        )
    return link


def attempts_of(course_dir: Path, assignment: str) -> list[tuple[int, str]]:
    """``(attempt, nbgrader assignment)`` of every attempt prepared so far, first to last."""
    found = [(1, assignment)]
    source = course_dir / "source"
    for path in sorted(source.glob(f"{assignment}_attempt*.yaml")):
        link = read_link(course_dir, path.stem)
        if link is not None and link.of == assignment:
            found.append((link.attempt, path.stem))
    return sorted(found)
