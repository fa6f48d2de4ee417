"""Write one file in a person's own folders, as that person (run by ``course.hub.system``).

Setup runs as root, but the folders it writes into (a home, ``~/.jupyter``, a grader's course
folder) belong to people who may have replaced any part of them with a symbolic link. Run as the
owner, this process can only do what the owner could do anyway: a link to ``/etc/passwd`` is
refused by the system, not followed with root's rights.

    python -I -m course.hub._user_writer write PATH MODE            (text on stdin)
    python -I -m course.hub._user_writer append-once PATH MODE MARK (text on stdin)
    python -I -m course.hub._user_writer sync-lessons FOLDER

``write`` replaces PATH; ``append-once`` appends the text unless PATH already holds MARK. The new
file is written beside PATH (created exclusively, never through a link) and renamed over it.
``sync-lessons`` copies the lesson notebooks and the explorers app into FOLDER, keeping the
person's edits (``course.workspace.sync_workspace``).
"""

from __future__ import annotations

import os
import sys


def _write(path: str, text: str, mode: int) -> None:
    parent = os.path.dirname(path) or "."
    os.makedirs(parent, exist_ok=True)
    tmp = os.path.join(parent, f".{os.path.basename(path)}.ankle-course-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise


def main(argv: list[str]) -> int:
    if argv[0] == "sync-lessons":
        from pathlib import Path

        from course.app import APP_NOTEBOOK
        from course.workspace import sync_workspace

        sync_workspace(Path(argv[1]), extra=[APP_NOTEBOOK])
        return 0
    operation, path, mode = argv[0], argv[1], int(argv[2], 8)
    text = sys.stdin.read()
    if operation == "append-once":
        try:
            with open(path, encoding="utf-8") as stream:
                current = stream.read()
        except FileNotFoundError:
            current = ""
        if argv[3] in current:
            return 0
        text = current + text
    elif operation != "write":
        raise SystemExit(f"unknown operation {operation!r}")
    _write(path, text, mode)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
