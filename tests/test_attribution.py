"""Quotation marks only around the guide's own words.

The course's source text is a condensed paraphrase of the guide (reference §1), so no sentence
of it may be put in quotes as the guide's words: learner-facing text paraphrases with
attribution ("the guide advises ..."). This test reads every learner-facing string (content
data, item banks, diagram data, notebooks' text) and the docs, and fails on a quoted passage in a
sentence that attributes it to the guide.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
_QUOTED = re.compile(r"\"([^\"\n]{2,})\"|\u201c([^\u201d]{2,})\u201d|(?<!\w)'([^'\n]{12,})'(?!\w)")
_SENTENCE_END = re.compile(r"(?:[.!?](?:\s|$)|\n\s*\n|\n\s*[-*|#])")


def _strings(node: object, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, f"{where}[{index}]")


def _texts() -> Iterator[tuple[str, str]]:
    yamls = [
        *sorted((REPO / "course" / "content").rglob("*.yaml")),
        *sorted((REPO / "grading" / "source").glob("*.yaml")),
        *sorted((REPO / "assets" / "ankle").glob("*.yaml")),
    ]
    for path in yamls:
        yield from _strings(yaml.safe_load(path.read_text(encoding="utf-8")), _rel(path))
    notebooks = [*sorted((REPO / "notebooks").glob("*.ipynb")), REPO / "course/app/explorer.ipynb"]
    for path in notebooks:
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "markdown":
                yield f"{_rel(path)} cell {index}", cell.source
    docs = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    for path in docs:
        if path.name != "reference.md":  # the reference itself, copied verbatim
            yield _rel(path), path.read_text(encoding="utf-8")


def _rel(path: Path) -> str:
    return str(path.relative_to(REPO))


def quoted_as_the_guide(text: str) -> list[str]:
    """Quoted passages that the same sentence attributes to the guide."""
    found = []
    for match in _QUOTED.finditer(text):
        before = text[: match.start()]
        ends = list(_SENTENCE_END.finditer(before))
        sentence_before = before[ends[-1].end() :] if ends else before
        after = text[match.end() :]
        end = _SENTENCE_END.search(after)
        sentence_after = after[: end.start()] if end else after
        if re.search(r"\bguide\b", sentence_before, re.IGNORECASE) or re.search(
            r"\bguide\b\s+(says|said|advises|puts it|writes)", sentence_after, re.IGNORECASE
        ):
            found.append(match.group(0))
    return found


@pytest.mark.parametrize(
    "text",
    [
        'This is an acute injury. The guide says: "Do not massage an acute injury": the tissue...',
        "The guide says \u201cstop the technique immediately\u201d.",
        '"Unexplained or severe pain: do not massage," the guide says.',
        "Following the guide, the 'deeper pressure movements' knead the calf.",
    ],
)
def test_the_check_catches_quotes_attributed_to_the_guide(text: str) -> None:
    assert quoted_as_the_guide(text)


@pytest.mark.parametrize(
    "text",
    [
        'The guide advises against it. A "high ankle" sprain is different.',
        'Cite it as the guide. Search for "heel bone".',
        'The guide\'s order matters.\n\n- *"Massage can fix an injury."* It cannot.',
    ],
)
def test_the_check_lets_other_quotes_pass(text: str) -> None:
    assert not quoted_as_the_guide(text)


def test_no_learner_text_puts_the_guide_in_quotes() -> None:
    offenders = [
        f"{where}: {quote}" for where, text in _texts() for quote in quoted_as_the_guide(text)
    ]
    assert not offenders, "paraphrase with attribution instead:\n" + "\n".join(offenders)


# Claims of the guide that the course passes on but does not teach as fact: every sentence
# that makes one says whose claim it is ("the guide says ...").
GUIDE_CLAIMS = ("metabolic waste",)


def claims_without_attribution(text: str) -> list[str]:
    """Sentences of ``text`` that make one of GUIDE_CLAIMS without naming the guide."""
    found = []
    for claim in GUIDE_CLAIMS:
        for match in re.finditer(re.escape(claim), text, re.IGNORECASE):
            before = text[: match.start()]
            ends = list(_SENTENCE_END.finditer(before))
            start = ends[-1].end() if ends else 0
            end = _SENTENCE_END.search(text, match.end())
            sentence = text[start : end.start() if end else len(text)]
            if not re.search(r"\bguide\b", sentence, re.IGNORECASE):
                found.append(sentence.strip())
    return found


def test_the_claim_check_tells_attributed_from_stated() -> None:
    assert claims_without_attribution("- better circulation, which helps flush metabolic waste;")
    assert not claims_without_attribution(
        "- better circulation, which, the guide says, helps flush metabolic waste;"
    )


def test_the_guides_claims_are_attributed_to_the_guide() -> None:
    offenders = [
        f"{where}: {sentence}"
        for where, text in _texts()
        for sentence in claims_without_attribution(text)
    ]
    assert not offenders, "say whose claim it is (the guide says ...):\n" + "\n".join(offenders)
