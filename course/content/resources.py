"""Where the course's data files live, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # course/, not course/content/


def _shipped_or_checkout(name: str) -> Path:
    """A folder shipped inside the package (wheel) or, in a checkout, beside the package."""
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


def content_dir() -> Path:
    """The folder of validated YAML course content."""
    return _PACKAGE / "content"


def assets_dir() -> Path:
    """The folder of diagram geometry and images (top-level ``assets/`` in a checkout)."""
    return _shipped_or_checkout("assets")


def notebooks_dir() -> Path:
    """The folder of learner notebooks (top-level ``notebooks/`` in a checkout)."""
    return _shipped_or_checkout("notebooks")
