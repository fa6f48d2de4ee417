"""The learner's side of a variant assessment: show *your own* scenarios in the notebook.

The release folder holds ``cases.json.gz`` (written by ``ankle-course grade release``): the
stories and pictures of every learner of the class, by a hash of their id, and no key, no
template and no situation. ``load_cases()`` finds who is running the notebook
(``ANKLE_COURSE_STUDENT``, else ``JUPYTERHUB_USER``, else the id typed once and saved beside
the notebook), shows whose cases these are and records it in the cell's output, which the
grader reads back to flag a notebook that showed someone else's cases.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.content.text import text
from course.display import img_tag
from course.errors import CasesError

__all__ = ["CASES_FILE", "ID_FILE", "RECORD_MIME", "Cases", "learner_key", "load_cases"]

#: The per-class table of stories in the release folder.
CASES_FILE = "cases.json.gz"
#: Where a typed course id is kept, beside the notebook (so it is typed once).
ID_FILE = ".ankle-course-id"
#: The output type that records which learner's cases a notebook showed.
RECORD_MIME = "application/vnd.ankle-course.variant+json"


def learner_key(assignment: str, student: str) -> str:
    """The table's key for a learner: a hash, so the file is not a list of the class's ids."""
    digest = hashlib.sha256(f"ankle-course\x1f{assignment}\x1f{student}".encode())
    return digest.hexdigest()[:24]


@dataclass(frozen=True)
class Cases:
    """One learner's scenarios and pictures, ready to show."""

    assignment: str
    student: str
    variant: str
    items: tuple[
        dict[str, str], ...
    ]  # {"text": ...} or {"png": base64, "alt": ..., "question": ...}
    attempt: int = 1

    def record(self) -> dict[str, str | int]:
        """What the notebook records: whose cases it showed, and of which attempt."""
        return {
            "assignment": self.assignment,
            "student": self.student,
            "variant": self.variant,
            "attempt": self.attempt,
        }

    def _bundle(self, number: int) -> dict[str, Any]:
        if not 1 <= number <= len(self.items):
            raise CasesError(text("cases.no_item", number=number, count=len(self.items)))
        item = self.items[number - 1]
        if "text" in item:
            words = text("cases.scenario", number=number, text=item["text"])
            return {"text/markdown": words, "text/plain": words.replace("**", "")}
        question = text("cases.picture", number=number, question=item["question"])
        image = img_tag(item["png"], item["alt"])
        return {
            "text/html": f"<p>{html.escape(question).replace('**', '')}</p>{image}",
            "text/plain": f"{question.replace('**', '')}\n{item['alt']}",
        }

    def show(self, number: int) -> None:
        """Display scenario or picture question ``number`` (1-based) in the notebook."""
        from IPython.display import display

        display(self._bundle(number), raw=True)  # type: ignore[no-untyped-call]

    def text_of(self, number: int) -> str:
        """The plain text of item ``number`` (the story, or the question and the alt text)."""
        return str(self._bundle(number)["text/plain"])


def _read_table(folder: Path) -> dict[str, Any]:
    path = folder / CASES_FILE
    if not path.is_file():
        raise CasesError(text("cases.no_table", filename=CASES_FILE))
    try:
        data = json.loads(gzip.decompress(path.read_bytes()))
        if not isinstance(data, dict) or not isinstance(data.get("learners"), dict):
            raise ValueError("not a table of cases")
    except (OSError, ValueError, EOFError) as exc:
        raise CasesError(text("cases.damaged", filename=CASES_FILE, problem=exc)) from None
    return data


def _student_id(folder: Path, ask: bool) -> str | None:
    for name in ("ANKLE_COURSE_STUDENT", "JUPYTERHUB_USER"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    saved = folder / ID_FILE
    if saved.is_file():
        value = saved.read_text(encoding="utf-8").strip()
        if value:
            return value
    if not ask:
        return None
    return input(text("cases.ask_id")).strip() or None


def cases_for(table: dict[str, Any], student: str) -> Cases:
    """The cases of ``student`` in a table; :class:`CasesError` when they have none."""
    assignment = str(table.get("assignment", ""))
    entry = table["learners"].get(learner_key(assignment, student))
    if entry is None:
        raise CasesError(text("cases.unknown", student=student))
    stories = table["stories"]
    pictures = table["pictures"]
    items = []
    for ref in entry["items"]:
        if isinstance(ref, int):
            items.append({"text": stories[ref]})
        else:
            items.append(dict(pictures[ref]))
    attempt = table.get("attempt", 1)
    attempt = attempt if isinstance(attempt, int) and not isinstance(attempt, bool) else 1
    return Cases(assignment, student, str(entry["variant"]), tuple(items), attempt)


def load_cases(folder: str | Path | None = None, *, ask: bool = True) -> Cases:
    """Find who runs the notebook, show whose cases follow, and record it in the output."""
    from IPython.display import display

    where = Path(folder) if folder is not None else Path.cwd()
    table = _read_table(where)
    student = _student_id(where, ask)
    if student is None:
        raise CasesError(text("cases.unknown", student=""))
    cases = cases_for(table, student)
    typed = not any(
        os.environ.get(n, "").strip() for n in ("ANKLE_COURSE_STUDENT", "JUPYTERHUB_USER")
    )
    saved = where / ID_FILE
    if typed and not saved.is_file():
        try:
            saved.write_text(student + "\n", encoding="utf-8")
            print(text("cases.saved", filename=ID_FILE))
        except OSError:
            pass  # read-only folder: the learner types the id again next time
    words = text("cases.shown", student=student, variant=cases.variant)
    display(
        {
            "text/markdown": words,
            "text/plain": words.replace("**", ""),
            RECORD_MIME: cases.record(),
        },
        raw=True,
    )  # type: ignore[no-untyped-call]
    return cases
