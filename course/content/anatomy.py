"""Find anatomical structures by id, name or synonym."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

from course.content.loader import load_content
from course.content.models import Structure
from course.content.records import check_sources, read_yaml
from course.content.resources import content_dir
from course.errors import AmbiguousNameError, ContentError

__all__ = ["Ambiguity", "AmbiguousNameError", "ambiguous_names", "find", "get", "structures"]


@dataclass(frozen=True)
class Ambiguity:
    """Everyday words that name several structures, and why (``anatomy.yaml``)."""

    terms: tuple[str, ...]
    candidates: tuple[Structure, ...]
    explanation: str


@cache
def ambiguous_names() -> tuple[Ambiguity, ...]:
    """The ``ambiguous_names`` of ``anatomy.yaml``, checked against the structures."""
    file = "anatomy.yaml"
    content = load_content()
    raw = read_yaml(content_dir() / file).get("ambiguous_names", [])
    if not isinstance(raw, list):
        raise ContentError(file, "-", "ambiguous_names", "expected a list")
    result = []
    for index, item in enumerate(raw):
        where = f"ambiguous_names[{index}]"
        if not isinstance(item, dict) or set(item) != {
            "terms",
            "candidates",
            "explanation",
            "source",
        }:
            raise ContentError(file, where, "-", "needs terms, candidates, explanation, source")
        terms, ids = item["terms"], item["candidates"]
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) for t in terms):
            raise ContentError(file, where, "terms", "expected a non-empty list of words")
        if not isinstance(ids, list) or len(ids) < 2:
            raise ContentError(file, where, "candidates", "expected at least two structure ids")
        unknown = [i for i in ids if i not in content.structures]
        if unknown:
            raise ContentError(file, where, "candidates", f"unknown structure {unknown[0]!r}")
        if not isinstance(item["explanation"], str) or not item["explanation"].strip():
            raise ContentError(file, where, "explanation", "expected text")
        check_sources(file, where, tuple(item["source"]), content.sources)
        candidates = tuple(content.structures[i] for i in ids)
        result.append(Ambiguity(tuple(terms), candidates, item["explanation"].strip()))
    return tuple(result)


def _key(text: str) -> str:
    """Case, spaces, hyphens, underscores, apostrophes and a leading article do not matter:
    "The Achilles' tendon" is "achilles tendon"."""
    key = re.sub(r"[\s_\-]+", " ", re.sub(r"['\u2019]", "", text).strip().casefold())
    return re.sub(r"^(the|an|a) ", "", key)


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
    """Resolve an id, a name or a synonym, ignoring case, spaces, hyphens, underscores,
    apostrophes and a leading "the", "a" or "an".

    Raises :class:`AmbiguousNameError` (a ``LookupError``) listing the candidates, with an
    explanation, for everyday words that name several structures ("ankle bone"), and
    ``LookupError`` suggesting close matches when nothing matches.
    """
    if not isinstance(text, str):
        raise TypeError(f"find() takes a name as text, not {type(text).__name__}")
    index = _index()
    key = _key(text)
    for ambiguity in ambiguous_names():
        if key in {_key(term) for term in ambiguity.terms}:
            raise AmbiguousNameError(text, ambiguity)
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
