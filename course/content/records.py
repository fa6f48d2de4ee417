"""Read one content file and validate its records: the helpers every content loader shares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from course.content.models import Source
from course.errors import ContentError

__all__ = [
    "SUPPORTED_SCHEMA_VERSIONS",
    "check_refs",
    "check_sources",
    "load_sources",
    "parse_records",
    "read_yaml",
]

SUPPORTED_SCHEMA_VERSIONS = frozenset({1})

M = TypeVar("M", bound=BaseModel)


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


def load_sources(directory: Path) -> dict[str, Source]:
    """The documents the content cites (``sources.yaml``), by id."""
    data = read_yaml(directory / "sources.yaml")
    return {s.id: s for s in parse_records(data, "sources.yaml", "sources", Source)}
