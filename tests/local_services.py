"""Local services the tests start for real and stop by PID: a free port, a PostgreSQL cluster.

One ``free_port`` for every server the tests start on 127.0.0.1, one ``stop_group`` that stops
a server started in a session of its own with everything it started, one reader of a process's
CPU time (``proc_stat``, ``cpu_seconds``: the hub benchmarks and the fork server's test), and
one throw-away PostgreSQL (``TempPostgres``: Debian's initdb and pg_ctl in a temporary folder,
run by a non-root account, since PostgreSQL refuses root) for the gradebook tests, the hub tests
and benchmarks/hub_load.py.
"""

from __future__ import annotations

import contextlib
import getpass
import glob
import os
import pwd
import re
import secrets
import signal
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.hub import system


class HarnessError(RuntimeError):
    """A step of the class run failed; the message says which and why."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_group(process: subprocess.Popen[Any], grace: float = 20.0) -> None:
    """Stop a server started with ``start_new_session=True`` and all it started: SIGTERM to its
    process group, SIGKILL when it has not ended ``grace`` seconds later."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def proc_stat(pid: int | str) -> list[str]:
    """A process's ``/proc/PID/stat`` fields after the command name (``[1]`` the parent,
    ``[11:13]`` its own user and system ticks, ``[13:15]`` its waited-for children's)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(fields: list[str], *, children: bool = True) -> float:
    """User + system CPU-seconds in :func:`proc_stat` ``fields``: the process's own, and with
    ``children`` those of the child processes it has waited for too."""
    return sum(int(f) for f in fields[11 : 15 if children else 13]) / os.sysconf("SC_CLK_TCK")


# --- PostgreSQL, from Debian's package, in a temporary folder --------------------------------


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version_key)
    if not found:
        raise HarnessError("PostgreSQL is not installed (Debian package postgresql)")
    return Path(found[-1]).parent


def _version_key(path: str) -> int:
    match = re.search(r"/postgresql/(\d+)/", path)
    return int(match.group(1)) if match else 0


@dataclass
class TempPostgres:
    """A PostgreSQL cluster run by the non-root Unix user ``owner`` (postgres refuses root)."""

    owner: str
    data_dir: Path
    port: int = field(default_factory=free_port)
    superuser_password: str = field(default_factory=lambda: secrets.token_hex(16))
    pid: int | None = None

    def _as_owner(self, *command: str) -> None:
        runuser = [] if self.owner == getpass.getuser() else ["runuser", "-u", self.owner, "--"]
        result = subprocess.run(
            [*runuser, *command],
            capture_output=True,
            text=True,
            check=False,
            cwd="/",
        )
        if result.returncode != 0:
            raise HarnessError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")

    def start(self) -> None:
        binaries = postgres_bin()
        entry = pwd.getpwnam(self.owner)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        os.chmod(self.data_dir, 0o700)
        pwfile = self.data_dir.parent / f".{self.data_dir.name}.pw"
        pwfile.write_text(self.superuser_password + "\n")
        os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        os.chmod(pwfile, 0o600)
        try:
            self._as_owner(
                str(binaries / "initdb"),
                "-D",
                str(self.data_dir / "data"),
                "-U",
                "gradebook_admin",
                "--auth=scram-sha-256",
                f"--pwfile={pwfile}",
                "--encoding=UTF8",
                "--no-instructions",
            )
        finally:
            pwfile.unlink()
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data_dir}"
        self._as_owner(
            str(binaries / "pg_ctl"),
            "-D",
            str(self.data_dir / "data"),
            "-l",
            str(self.data_dir / "postgres.log"),
            "-o",
            options,
            "-w",
            "start",
        )
        pid_line = (self.data_dir / "data" / "postmaster.pid").read_text().splitlines()[0]
        self.pid = int(pid_line)

    def create_database(self, role: str, database: str) -> str:
        """Create ``role`` (with a random password) owning ``database``; return its URL."""
        import psycopg2  # type: ignore[import-untyped]

        password = secrets.token_hex(16)
        conn = psycopg2.connect(
            host="127.0.0.1",
            port=self.port,
            user="gradebook_admin",
            password=self.superuser_password,
            dbname="postgres",
        )
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(f'CREATE ROLE "{role}" LOGIN PASSWORD %s', (password,))
                cur.execute(f'CREATE DATABASE "{database}" OWNER "{role}"')
        finally:
            conn.close()
        return f"postgresql+psycopg2://{role}:{password}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        if self.pid is None:
            return
        if system.pid_alive(self.pid):
            with contextlib.suppress(HarnessError):
                self._as_owner(
                    str(postgres_bin() / "pg_ctl"), "-D", str(self.data_dir / "data"), "-m",
                    "fast", "-w", "stop",
                )  # fmt: skip
        system.stop_pids([self.pid])
        self.pid = None
