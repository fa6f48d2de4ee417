"""Find anatomical structures by id, name or synonym."""

from __future__ import annotations

import difflib
import re
from functools import cache

from course.loader import load_content
from course.models import Structure

__all__ = ["find", "get", "structures"]


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().casefold())


@cache
def _index() -> dict[str, Structure]:
    index: dict[str, Structure] = {}
    for structure in load_content().structures.values():
        for term in (structure.id, structure.name, *structure.synonyms):
            index.setdefault(_key(term), structure)
    return index


def _contains_words(term: str, key: str) -> bool:
    """True when ``key`` is a whole-word part of ``term`` ("achilles" in "achilles tendon")."""
    return len(key) >= 3 and f" {key} " in f" {term} "


def structures() -> tuple[Structure, ...]:
    """Every structure of the course, in content order."""
    return tuple(load_content().structures.values())


def get(structure_id: str) -> Structure:
    """The structure with exactly this id; ``ValueError`` listing the valid ids otherwise."""
    known = load_content().structures
    if structure_id not in known:
        raise ValueError(f"unknown structure {structure_id!r}; valid: {', '.join(known)}")
    return known[structure_id]


def find(text: str) -> Structure:
    """Resolve an id, a name or a synonym, ignoring case, spaces, hyphens and underscores.

    Raises ``LookupError`` suggesting close matches when nothing matches.
    """
    if not isinstance(text, str):
        raise TypeError(f"find() takes a name as text, not {type(text).__name__}")
    index = _index()
    key = _key(text)
    if key in index:
        return index[key]
    partial = {s.id: s for term, s in index.items() if _contains_words(term, key)}
    if len(partial) == 1:
        return next(iter(partial.values()))
    if partial:
        several = ", ".join(repr(s.name) for s in partial.values())
        raise LookupError(f"{text!r} matches several structures: {several}")
    close = difflib.get_close_matches(key, index, n=6, cutoff=0.6)
    names = list(dict.fromkeys(index[c].name for c in close))[:3]
    hint = f"; did you mean {', '.join(repr(n) for n in names)}?" if names else ""
    raise LookupError(f"no structure matches {text!r}{hint}")
