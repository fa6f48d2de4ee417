"""How every ``ankle-course`` command talks to a person: one error printer, two consoles.

Expected problems are :class:`course.errors.CourseError` subclasses; :func:`guarded` prints
them as ``ankle-course: error: MESSAGE`` (no traceback) and exits with their ``exit_code``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console

from course.errors import CourseError

__all__ = ["err", "fail", "guarded", "out", "warn"]

P = ParamSpec("P")
R = TypeVar("R")


def out() -> Console:
    """Standard output (soft-wrapped)."""
    return Console(soft_wrap=True)


def err() -> Console:
    """Standard error (soft-wrapped)."""
    return Console(stderr=True, soft_wrap=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``ankle-course: error: MESSAGE`` on standard error and exit with ``code``."""
    err().print(f"ankle-course: error: {message}", markup=False, highlight=False)
    raise typer.Exit(code)


def warn(message: str) -> None:
    """Print ``ankle-course: warning: MESSAGE`` on standard error."""
    err().print(f"ankle-course: warning: {message}", markup=False, highlight=False)


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """A command whose expected errors print one line and exit non-zero (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CourseError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted: run the command again to finish", 130)

    return wrapper
