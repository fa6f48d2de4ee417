"""nbgrader exchange plugins that keep learners' submissions private on a shared server.

Stock nbgrader leaves every submission world-readable (folder 0777, files 0644) and relies on
a random suffix in the folder name to hide it. On a class server that is not enough: a learner
who learns the name (from a shared screen, a log, a guess) can read a classmate's answers.

``PrivateSubmit`` closes the submission folder to everyone but its owner and the instructor's
group: nbgrader creates ``inbound/`` with the set-group-id bit and the instructor's group, so
the new submission folder belongs to that group; mode 0770 then lets the instructor in and
keeps other learners out. ``OwnerCheckedCollect`` refuses submissions whose folder is not owned
by the learner named in it (a learner can run ``nbgrader submit --student OTHER``).

``OwnerCheckedCollect`` trusts nothing a learner made: learners can write into ``inbound/``
(that is how a submission gets there), so any entry may be hand-made. It takes only folders
owned by the learner named in them holding only that learner's regular files and folders
(checked with ``lstat``, copied without following links), dates each submission by the latest
of its claimed time and its change time, and refuses the rest one entry at a time, recording
why (``course.hub.refusals``) for ``ankle-course grade report``. ``inbound/`` is sticky, so a
learner cannot rename or remove another's entry.

``OwnCoursesList`` lists only the person's own courses. The exchange root is writable by
everyone (nbgrader requires it), so any learner could make ``exchange/OTHER/outbound/x``; a
learner of several courses (who has no single ``CourseDirectory.course_id``) would otherwise
see such a made-up course in the Assignments tab.

Enabled by the per-user nbgrader configuration that ``ankle-course hub setup`` writes.
"""

from __future__ import annotations

import datetime
import fnmatch
import os
import pwd
import secrets
import shutil
import stat
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.list import ExchangeList
from nbgrader.exchange.default.submit import ExchangeSubmit
from nbgrader.utils import check_mode, parse_utc
from traitlets import List, Unicode

from course.errors import RefusedError
from course.hub.refusals import Refusal, record_refusals
from course.hub.safe_walk import OPEN_DIR, OPEN_FILE, CollectLimits, Walk, owner_name

SUBMISSION_DIR_MODE = 0o770
SUBMISSION_SUBDIR_MODE = 0o750
SUBMISSION_FILE_MODE = 0o640


class OwnCoursesList(ExchangeList):  # type: ignore[misc]
    """``nbgrader list`` (and the Assignments tab) showing only the courses in ``courses``."""

    courses = List(Unicode(), help="The course ids this person belongs to.").tag(config=True)

    def init_dest(self) -> None:
        super().init_dest()
        own = set(self.courses)
        found: list[str] = self.assignments  # type: ignore[has-type]
        self.assignments = [p for p in found if self.parse_assignment(p)["course_id"] in own]


class PrivateSubmit(ExchangeSubmit):  # type: ignore[misc]
    """``nbgrader submit`` that leaves the submission readable by the instructor only."""

    def copy_files(self) -> None:
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        inbound_gid = os.stat(self.inbound_path).st_gid
        if os.stat(dest).st_gid != inbound_gid:
            self.fail(
                f"The submission folder {dest} did not get the instructor's group; the inbound "
                "folder must have the set-group-id bit (ask your instructor)."
            )
        for root, dirs, files in os.walk(dest):
            for name in files:
                path = os.path.join(root, name)
                os.chmod(path, SUBMISSION_FILE_MODE)
                # files written after the copy (timestamp, secret) have the learner's group
                if os.stat(path).st_gid != inbound_gid:
                    os.chmod(path, SUBMISSION_FILE_MODE | stat.S_IROTH)
            for name in dirs:
                os.chmod(os.path.join(root, name), SUBMISSION_SUBDIR_MODE | stat.S_IXOTH)
        # the one way in: rwx for the owner and the instructor's group, nothing for others
        os.chmod(dest, SUBMISSION_DIR_MODE)


def _parse_utc(text: str) -> datetime.datetime:
    parsed: datetime.datetime = parse_utc(text)
    return parsed


#: What checking or copying one inbound entry may expect: a refusal, or the file system saying
#: no (an entry removed meanwhile, a disk full). Anything else is a bug, and keeps its traceback
#: instead of being reported as the learner's refused submission.
_EXPECTED = (RefusedError, OSError)


def _reason(exc: RefusedError | OSError) -> str:
    if isinstance(exc, RefusedError):
        return str(exc)
    return f"cannot be read ({exc.strerror or exc})"


def _utc(seconds: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).replace(tzinfo=None)


class OwnerCheckedCollect(ExchangeCollect):  # type: ignore[misc]
    """``nbgrader collect`` that takes only what the learner's own ``nbgrader submit`` made.

    Each inbound entry must be a folder (not a link) owned by the learner named in it, holding
    only regular files and folders owned by that learner; everything is checked with ``lstat``
    and copied through file descriptors opened without following links. A submission's time is
    the latest of its name, its ``timestamp.txt`` and the change time (``ctime``) of anything in
    it, which a learner cannot set back; the collected ``timestamp.txt`` says that time. An entry
    that fails is refused (logged with the reason, recorded for ``ankle-course grade report``)
    and never stops the collection of the others; the learner's newest acceptable submission is
    collected instead, if any.
    """

    limits = CollectLimits()

    def _parse(self, filename: str) -> tuple[str, datetime.datetime]:
        parts = filename.rsplit("+", 3)
        if len(parts) < 3:
            raise RefusedError("its name is not STUDENT+ASSIGNMENT+TIMESTAMP")
        try:
            claimed = _parse_utc(parts[2])
        except (ValueError, OverflowError):
            raise RefusedError("its name holds no valid timestamp") from None
        return parts[0], claimed

    def _walk(self, uid: int) -> Walk:
        limits = CollectLimits(
            max_file_bytes=int(self.coursedir.max_file_size) * 1000,
            max_total_bytes=int(self.coursedir.max_dir_size) * 1000,
        )
        return Walk(uid, limits, list(self.coursedir.ignore))

    def _claimed_file_time(self, inbound_fd: int, filename: str, uid: int) -> datetime.datetime:
        """The time in the entry's ``timestamp.txt`` (checked like every file), or the epoch."""
        try:
            fd = os.open(f"{filename}/timestamp.txt", OPEN_FILE, dir_fd=inbound_fd)
        except OSError:
            return datetime.datetime(1970, 1, 1)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != uid:
                return datetime.datetime(1970, 1, 1)
            text = handle.read(200).decode("utf-8", errors="replace").strip()
        try:
            return _parse_utc(text)
        except (ValueError, OverflowError):
            return datetime.datetime(1970, 1, 1)

    def _scan(self, inbound_fd: int, filename: str) -> dict[str, Any]:
        """Check one entry (no copy); its record, or ``RefusedError``."""
        username, claimed = self._parse(filename)
        try:
            uid = pwd.getpwnam(username).pw_uid
        except KeyError:
            raise RefusedError(f"there is no account named {username}") from None
        info = os.stat(filename, dir_fd=inbound_fd, follow_symlinks=False)
        if stat.S_ISDIR(info.st_mode) and info.st_uid != uid:
            owner = owner_name(info.st_uid)
            raise RefusedError(f"filed as {username} but owned by {owner}")
        walk = self._walk(uid)
        walk.folder(inbound_fd, filename, "the submission", None, 0)
        changed = _utc(walk.newest)
        in_file = self._claimed_file_time(inbound_fd, filename, uid)
        timestamp = max(claimed, in_file, changed)
        if timestamp - max(claimed, in_file) > datetime.timedelta(minutes=1):
            self.log.warning(
                "%s claims %s but was last changed at %s: collected as submitted then",
                filename,
                max(claimed, in_file),
                changed,
            )
        return {"username": username, "filename": filename, "timestamp": timestamp, "uid": uid}

    def _refuse(self, username: str, filename: str, reason: str) -> None:
        self.log.error("Refused %s (%s): %s", filename, username, reason)
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        self._refusals.append(Refusal(username, filename, reason, now))
        self._seen.add(username)

    def init_src(self) -> None:
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        self._refusals: list[Refusal] = []
        self._seen: set[str] = set()
        student = self.coursedir.student_id or "*"
        pattern = f"{student}+{self.coursedir.assignment_id}+*"
        inbound_fd = os.open(self.inbound_path, OPEN_DIR)
        self._inbound_fd = inbound_fd
        candidates: dict[str, list[dict[str, Any]]] = {}
        for filename in sorted(os.listdir(inbound_fd)):
            if filename.startswith(".") or not fnmatch.fnmatchcase(filename, pattern):
                continue
            parts = filename.rsplit("+", 3)
            username = parts[0] if len(parts) >= 3 else filename.split("+", 1)[0]
            self._seen.add(username)
            try:
                record = self._scan(inbound_fd, filename)
            except _EXPECTED as exc:  # one entry's problem never stops the others
                self._refuse(username, filename, _reason(exc))
                continue
            candidates.setdefault(record["username"], []).append(record)

        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self._candidates: dict[str, list[dict[str, Any]]] = {}
        for username, records in candidates.items():
            ordered = self._sort_by_timestamp(records)
            if self.duedate is not None and self.before_duedate:
                on_time = [r for r in ordered if r["timestamp"] <= self.duedate]
                ordered = on_time + [r for r in ordered if r not in on_time]
            self._candidates[username] = ordered
        self.src_records = [records[0] for records in self._candidates.values()]

    def _copy(self, record: dict[str, Any], dest: Path) -> None:
        """Copy one checked entry to ``dest`` through a staging folder (all or nothing)."""
        staging = dest.parent / f".{dest.name}.collecting-{secrets.token_hex(4)}"
        previous = dest.parent / f".{dest.name}.replaced-{secrets.token_hex(4)}"
        moved = False
        try:
            walk = self._walk(record["uid"])
            walk.folder(self._inbound_fd, record["filename"], "the submission", staging, 0)
            (staging / "timestamp.txt").write_text(
                record["timestamp"].strftime("%Y-%m-%d %H:%M:%S.%f") + " UTC", encoding="utf-8"
            )
            if dest.exists():
                os.rename(dest, previous)  # the earlier collected copy stays until this is in
                moved = True
            os.rename(staging, dest)
        except BaseException:
            if moved and not dest.exists():
                os.rename(previous, dest)
                moved = False
            raise
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
            if moved:
                shutil.rmtree(previous, ignore_errors=True)

    def _wanted(self, record: dict[str, Any], dest: Path) -> bool:
        """Stock nbgrader's rule: copy when new, or newer with --update, or --before-duedate."""
        if not dest.is_dir():
            return True
        existing = self.coursedir.get_existing_timestamp(str(dest))
        if self.update and (existing is None or record["timestamp"] > existing):
            return True
        return bool(self.before_duedate and existing != record["timestamp"])

    def copy_files(self) -> None:
        assignment = self.coursedir.assignment_id
        if not self._candidates:
            self.log.warning(
                "No submissions of '%s' for course '%s' to collect",
                assignment,
                self.coursedir.course_id,
            )
        try:
            for username, records in sorted(self._candidates.items()):
                dest = Path(
                    self.coursedir.format_path(
                        self.coursedir.submitted_directory, username, assignment
                    )
                )
                dest.parent.mkdir(parents=True, exist_ok=True)
                for record in records:
                    if not self._wanted(record, dest):
                        self.log.info(
                            "No newer submission to collect (use --update): %s %s",
                            username,
                            assignment,
                        )
                        break
                    try:
                        self._copy(record, dest)
                    except _EXPECTED as exc:  # one entry's problem never stops the others
                        self._refuse(username, record["filename"], _reason(exc))
                        continue
                    self.log.info("Collected submission: %s %s", username, assignment)
                    break
        finally:
            os.close(self._inbound_fd)
            record_refusals(
                Path(self.coursedir.root), assignment, sorted(self._seen), self._refusals
            )
