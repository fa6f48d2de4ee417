"""The nbgrader course directory: its configuration, folders and gradebook."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.errors import GradingError

RESULT_FILE = ".ankle-grading.json"


@dataclass
class Course:
    """An nbgrader course directory (``grading/`` in a checkout) and its configuration."""

    root: Path
    config: Any  # traitlets Config
    db_url: str

    @classmethod
    def open(cls, root: Path, db_url: str | None = None) -> Course:
        """Load ``root/nbgrader_config.py``; ``db_url`` overrides its gradebook URL."""
        from traitlets.config import Config
        from traitlets.config.loader import PyFileConfigLoader

        root = root.resolve()
        config_file = root / "nbgrader_config.py"
        if not config_file.is_file():
            raise GradingError(f"{root} is not a course directory (no nbgrader_config.py)")
        _alembic_on_path()
        try:
            config = PyFileConfigLoader(config_file.name, path=str(root)).load_config()
        except Exception as exc:
            raise GradingError(f"{config_file}: {type(exc).__name__}: {exc}") from None
        config = Config(config)
        config.CourseDirectory.root = str(root)
        if db_url:
            config.CourseDirectory.db_url = db_url
        url = str(config.CourseDirectory.get("db_url") or f"sqlite:///{root / 'gradebook.db'}")
        url = _postgres_driver(url)
        config.CourseDirectory.db_url = url
        return cls(root=root, config=config, db_url=url)

    @property
    def coursedir(self) -> Any:
        from nbgrader.coursedir import CourseDirectory

        return CourseDirectory(config=self.config)

    def source_dir(self, assignment: str) -> Path:
        return self.root / "source" / assignment

    def release_dir(self, assignment: str) -> Path:
        return self.root / "release" / assignment

    def submitted_dir(self, student: str, assignment: str) -> Path:
        return self.root / "submitted" / student / assignment

    def autograded_dir(self, student: str, assignment: str) -> Path:
        return self.root / "autograded" / student / assignment

    def feedback_dir(self, student: str, assignment: str) -> Path:
        return self.root / "feedback" / student / assignment

    def result_file(self, student: str, assignment: str) -> Path:
        return self.autograded_dir(student, assignment) / RESULT_FILE

    def check_assignment(self, assignment: str) -> None:
        if not self.source_dir(assignment).is_dir():
            known = sorted(p.name for p in (self.root / "source").iterdir() if p.is_dir())
            raise GradingError(
                f"unknown assignment {assignment!r}; known: {', '.join(known) or 'none'}"
            )

    def submitted_students(self, assignment: str) -> list[str]:
        base = self.root / "submitted"
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir())

    @contextmanager
    def gradebook(self) -> Iterator[Any]:
        from nbgrader.api import Gradebook

        try:
            gb = Gradebook(
                self.db_url, self.config.CourseDirectory.get("course_id", "default_course")
            )
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise GradingError(f"cannot open the gradebook {self.db_url}: {first}") from None
        with gb:
            yield gb


def _postgres_driver(url: str) -> str:
    """``postgresql://`` names SQLAlchemy's default driver (psycopg 3 since SQLAlchemy 2.1):
    use psycopg2 when only that one is installed."""
    import importlib.util

    if (
        url.startswith("postgresql://")
        and importlib.util.find_spec("psycopg") is None
        and importlib.util.find_spec("psycopg2") is not None
    ):
        return "postgresql+psycopg2://" + url.removeprefix("postgresql://")
    return url


def _alembic_on_path() -> None:
    """nbgrader runs ``alembic`` by name when it creates a gradebook: find ours."""
    if shutil.which("alembic"):
        return
    bin_dir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
