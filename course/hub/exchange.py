"""nbgrader exchange plugins that keep learners' submissions private on a shared server.

Stock nbgrader leaves every submission world-readable (folder 0777, files 0644) and relies on
a random suffix in the folder name to hide it. On a class server that is not enough: a learner
who learns the name (from a shared screen, a log, a guess) can read a classmate's answers.

``PrivateSubmit`` closes the submission folder to everyone but its owner and the instructor's
group: nbgrader creates ``inbound/`` with the set-group-id bit and the instructor's group, so
the new submission folder belongs to that group; mode 0770 then lets the instructor in and
keeps other learners out. ``OwnerCheckedCollect`` refuses submissions whose folder is not owned
by the learner named in it (a learner can run ``nbgrader submit --student OTHER``).

Enabled by the per-user nbgrader configuration that ``ankle-course hub setup`` writes.
"""

from __future__ import annotations

import os
import pwd
import stat
from typing import Any

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.submit import ExchangeSubmit

SUBMISSION_DIR_MODE = 0o770
SUBMISSION_SUBDIR_MODE = 0o750
SUBMISSION_FILE_MODE = 0o640


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


class OwnerCheckedCollect(ExchangeCollect):  # type: ignore[misc]
    """``nbgrader collect`` that ignores submissions filed under someone else's name."""

    def _path_to_record(self, path: str) -> dict[str, Any]:
        record: dict[str, Any] = super()._path_to_record(path)
        try:
            owner = pwd.getpwuid(os.stat(path).st_uid).pw_name
        except (KeyError, OSError):
            owner = "an unknown user"
        record["forged"] = owner != record["username"]
        if record["forged"]:
            self.log.error(
                "Ignoring %s: filed as %s but owned by %s", path, record["username"], owner
            )
        return record

    def _sort_by_timestamp(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Newest first, a learner's own submissions before any filed in their name by others."""
        return sorted(records, key=lambda r: (not r["forged"], r["timestamp"]), reverse=True)

    def init_src(self) -> None:
        super().init_src()
        records: list[dict[str, Any]] = getattr(self, "src_records", [])
        self.src_records = [record for record in records if not record["forged"]]
