"""The class roster: a CSV of learners turned into safe, unique Unix account names.

The CSV uses nbgrader's student-import columns: ``id`` (required) and optionally
``first_name``, ``last_name`` and ``email``. Each id becomes ``PREFIX + safe(id)``: lower
case ASCII letters, digits and ``_`` only, at most 32 characters, so it is a valid Unix user
name, a valid JupyterHub user name and a valid nbgrader student id (no ``+`` or ``*``).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from course.errors import RosterError

MAX_NAME = 32
_PREFIX = re.compile(r"^[a-z][a-z0-9_]{0,15}$")


@dataclass(frozen=True)
class Learner:
    """One learner: the roster id, the Unix/hub/nbgrader name and the optional details."""

    roster_id: str
    name: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    row: int = 0  # the line of the roster file (2 is the first learner), for messages

    def describe(self) -> str:
        where = f"roster row {self.row}" if self.row else "roster"
        return f"{where} (id {self.roster_id!r})"


def check_prefix(prefix: str) -> str:
    """A prefix for every account the setup creates, e.g. ``ac_``."""
    if not _PREFIX.match(prefix):
        raise RosterError(
            f"account prefix {prefix!r} must start with a lower-case letter and use only "
            "a-z, 0-9 and _ (at most 16 characters)"
        )
    return prefix


def safe_name(prefix: str, raw: str) -> str:
    """``prefix`` + a Unix-safe form of ``raw`` (accents folded, other characters to ``_``)."""
    folded = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")
    body = re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_")
    if not body:
        raise RosterError(f"id {raw!r} has no letters or digits to build an account name from")
    name = (prefix + body)[:MAX_NAME].rstrip("_")
    return name


def read_roster(path: Path, prefix: str) -> list[Learner]:
    """Read and check the roster; raise ``RosterError`` naming file and row on any problem."""
    check_prefix(prefix)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RosterError(f"{path}: cannot read the roster: {exc.strerror}") from None
    reader = csv.DictReader(text.splitlines())
    rows = [(reader.line_num, row) for row in reader]  # the file's line of each row
    if not rows:
        raise RosterError(f"{path}: the roster has no learners (expected a header row with 'id')")
    header = [h.strip() for h in rows[0][1]]
    if "id" not in header:
        raise RosterError(f"{path}: the header row must have an 'id' column; found {header}")
    learners: list[Learner] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        fields = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        raw = fields.get("id", "")
        if not raw:
            raise RosterError(f"{path}: row {number}: empty id")
        try:
            name = safe_name(prefix, raw)
        except RosterError as exc:
            raise RosterError(f"{path}: row {number}: {exc}") from None
        if name in seen:
            raise RosterError(
                f"{path}: row {number}: id {raw!r} gives the account name {name!r}, "
                f"already used by row {seen[name]}"
            )
        seen[name] = number
        learners.append(
            Learner(
                roster_id=raw,
                name=name,
                first_name=fields.get("first_name", ""),
                last_name=fields.get("last_name", ""),
                email=fields.get("email", ""),
                row=number,
            )
        )
    return learners


def gradebook_csv(learners: list[Learner]) -> str:
    """The roster in ``nbgrader db student import`` form, keyed by the account names."""
    lines = ["id,first_name,last_name,email"]
    for learner in learners:
        cells = [learner.name, learner.first_name, learner.last_name, learner.email]
        lines.append(",".join(_csv_cell(c) for c in cells))
    return "\n".join(lines) + "\n"


def _csv_cell(value: str) -> str:
    if any(ch in value for ch in ',"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value
