"""Who is who between the LMS and the hub, kept by the hub in ``HUB_DIR/lti/lti.sqlite`` (root
only): each LMS user (``sub`` per issuer) and the one account it maps to for good, the nonces
already used, each LMS course (context) and its service URLs, each person's role in it, the
scores already sent and the platform's access tokens until they expire.

SQLite gives what the rules need in one statement each: a nonce inserted twice fails, an
account can belong to one LMS user only (a unique column).
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["Context", "Identity", "Member", "Store", "store_path"]

FOLDER = "lti"
DB_FILE = "lti.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS identities (
    issuer TEXT NOT NULL, sub TEXT NOT NULL, account TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '', first_seen REAL NOT NULL,
    PRIMARY KEY (issuer, sub));
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS contexts (
    issuer TEXT NOT NULL, context_id TEXT NOT NULL, course TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '', lineitems_url TEXT NOT NULL DEFAULT '',
    memberships_url TEXT NOT NULL DEFAULT '', PRIMARY KEY (issuer, context_id));
CREATE TABLE IF NOT EXISTS members (
    course TEXT NOT NULL, account TEXT NOT NULL, role TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (course, account));
CREATE TABLE IF NOT EXISTS sent (
    course TEXT NOT NULL, assignment TEXT NOT NULL, account TEXT NOT NULL,
    fingerprint TEXT NOT NULL, timestamp TEXT NOT NULL,
    PRIMARY KEY (course, assignment, account));
CREATE TABLE IF NOT EXISTS tokens (scope TEXT PRIMARY KEY, token TEXT NOT NULL, expires REAL);
"""


def store_path(hub_dir: Path) -> Path:
    return hub_dir / FOLDER / DB_FILE


@dataclass(frozen=True)
class Identity:
    issuer: str
    sub: str
    account: str
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class Context:
    issuer: str
    context_id: str
    course: str
    title: str = ""
    lineitems_url: str = ""
    memberships_url: str = ""


@dataclass(frozen=True)
class Member:
    course: str
    account: str
    role: str
    active: bool = True


_Record = TypeVar("_Record", "Identity", "Context", "Member")
#: The table each record is a row of; its columns are the record's fields, in order.
_TABLES: dict[type[Any], str] = {Identity: "identities", Context: "contexts", Member: "members"}


class Store:
    """The LTI records of one hub. Open with :meth:`open` (creates a root-only file)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    @classmethod
    def open(cls, hub_dir: Path) -> Store:
        path = store_path(hub_dir)
        path.parent.mkdir(mode=0o700, exist_ok=True)
        os.chmod(path.parent, 0o700)
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        os.chmod(path, 0o600)
        connection.executescript(_SCHEMA)
        return cls(connection)

    def close(self) -> None:
        self._db.close()

    # --- nonces: each accepted once ------------------------------------------------------
    def use_nonce(self, nonce: str, expires: float) -> bool:
        """Record ``nonce``; False when it was used before (a replay)."""
        now = time.time()
        self._db.execute("DELETE FROM nonces WHERE expires < ?", (now,))
        try:
            self._db.execute("INSERT INTO nonces VALUES (?, ?)", (nonce, expires))
        except sqlite3.IntegrityError:
            return False
        return True

    # --- LMS users and accounts ----------------------------------------------------------
    def _rows(self, record: type[_Record], where: str, *params: str) -> list[_Record]:
        """The records of ``record``'s table that match ``where`` (SQL after WHERE)."""
        columns = fields(record)
        names = ", ".join(column.name for column in columns)
        rows = self._db.execute(f"SELECT {names} FROM {_TABLES[record]} WHERE {where}", params)
        found = []
        for row in rows:
            values: list[Any] = [
                bool(v) if c.type == "bool" else v for c, v in zip(columns, row, strict=True)
            ]
            found.append(record(*values))
        return found

    def _first(self, record: type[_Record], where: str, *params: str) -> _Record | None:
        found = self._rows(record, f"{where} LIMIT 1", *params)
        return found[0] if found else None

    def identity(self, issuer: str, sub: str) -> Identity | None:
        return self._first(Identity, "issuer=? AND sub=?", issuer, sub)

    def identity_of_account(self, account: str) -> Identity | None:
        return self._first(Identity, "account=?", account)

    def link(self, identity: Identity) -> None:
        """Map an LMS user to an account, for good (an account already linked: IntegrityError)."""
        self._db.execute(
            "INSERT INTO identities VALUES (?, ?, ?, ?, ?, ?)",
            (*_identity_row(identity), time.time()),
        )

    def update_details(self, identity: Identity) -> None:
        """A new name or e-mail from the LMS: the same account, details refreshed."""
        self._db.execute(
            "UPDATE identities SET name=?, email=? WHERE issuer=? AND sub=?",
            (identity.name, identity.email, identity.issuer, identity.sub),
        )

    # --- LMS courses (contexts) -----------------------------------------------------------
    def context(self, issuer: str, context_id: str) -> Context | None:
        return self._first(Context, "issuer=? AND context_id=?", issuer, context_id)

    def context_of_course(self, course: str) -> Context | None:
        """The first context recorded for ``course``."""
        return self._first(Context, "course=? ORDER BY rowid", course)

    def save_context(self, context: Context) -> None:
        """Record a context; service URLs given by a later launch replace older ones."""
        old = self.context(context.issuer, context.context_id)
        lineitems = context.lineitems_url or (old.lineitems_url if old else "")
        memberships = context.memberships_url or (old.memberships_url if old else "")
        self._db.execute(
            "INSERT OR REPLACE INTO contexts VALUES (?, ?, ?, ?, ?, ?)",
            (
                context.issuer,
                context.context_id,
                context.course,
                context.title,
                lineitems,
                memberships,
            ),
        )

    # --- course members ------------------------------------------------------------------
    def members(self, course: str) -> list[Member]:
        return self._rows(Member, "course=? ORDER BY account", course)

    def memberships(self, account: str) -> list[Member]:
        return self._rows(Member, "account=? ORDER BY course", account)

    def set_member(self, member: Member) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO members VALUES (?, ?, ?, ?)",
            (member.course, member.account, member.role, int(member.active)),
        )

    # --- grade return ---------------------------------------------------------------------
    def sent(self, course: str, assignment: str) -> dict[str, tuple[str, str]]:
        """account -> (fingerprint of the score sent, its timestamp)."""
        rows = self._db.execute(
            "SELECT account, fingerprint, timestamp FROM sent WHERE course=? AND assignment=?",
            (course, assignment),
        ).fetchall()
        return {a: (f, t) for a, f, t in rows}

    def mark_sent(
        self, course: str, assignment: str, account: str, fingerprint: str, stamp: str
    ) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO sent VALUES (?, ?, ?, ?, ?)",
            (course, assignment, account, fingerprint, stamp),
        )

    def token(self, scope: str) -> str | None:
        row = self._db.execute(
            "SELECT token FROM tokens WHERE scope=? AND expires > ?", (scope, time.time() + 30)
        ).fetchone()
        return str(row[0]) if row else None

    def save_token(self, scope: str, token: str, expires: float) -> None:
        self._db.execute("INSERT OR REPLACE INTO tokens VALUES (?, ?, ?)", (scope, token, expires))

    def forget_token(self, scope: str) -> None:
        self._db.execute("DELETE FROM tokens WHERE scope=?", (scope,))


def _identity_row(identity: Identity) -> tuple[str, str, str, str, str]:
    return (identity.issuer, identity.sub, identity.account, identity.name, identity.email)
