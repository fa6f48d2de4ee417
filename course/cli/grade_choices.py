"""The fixed choices of ``ankle-course grade`` options (export format, Canvas key, missing
cells, the policy across attempts), as the enums typer shows in ``--help``."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

__all__ = ["Attempts", "CanvasKey", "ExportFormat", "Missing", "policy_of"]


class ExportFormat(StrEnum):
    csv = "csv"
    canvas = "canvas"


class CanvasKey(StrEnum):
    id = "id"
    sis_user_id = "sis_user_id"
    sis_login_id = "sis_login_id"


class Attempts(StrEnum):
    best = "best"
    last = "last"
    first = "first"


_POLICIES: dict[Attempts, Literal["best", "last", "first"]] = {
    Attempts.best: "best",
    Attempts.last: "last",
    Attempts.first: "first",
}


def policy_of(attempts: Attempts | None) -> Literal["best", "last", "first"] | None:
    """The library's name of the policy (None: one assignment, no policy across attempts)."""
    return None if attempts is None else _POLICIES[attempts]


class Missing(StrEnum):
    blank = "blank"
    zero = "zero"
    excused = "excused"
