"""CPU-seconds a learner's server spends until it answers, against a stock one, hub-started.

Starts, alternately and ``--runs`` times each (default 5), on free 127.0.0.1 ports in
temporary folders, JupyterHub's single-user server with a stand-in hub API on 127.0.0.1 (it
answers the version check every single-user server makes at start):

* **learner**: as the class hub starts a learner's server: ``python -m course.hub.singleuser``
  (the start-up work ``course.startup`` skips) with ``course.roles.HUB_LEARNER``'s options and
  config folder;
* **forked** (as root, as the class hub starts it): the same learner server forked by the hub's
  fork server (``course.hub.forkserver``, which imported Jupyter once) as the unprivileged
  user ``nobody``; its own CPU time counts from the fork. The fork server's imports are paid
  once per hub: they are printed, and a ``--class-size``-th of them (default 60) is added to
  each forked server's figure;
* **baseline**: the stock ``jupyterhub-singleuser`` with every installed extension.

Each server is timed from its start until it first answers HTTP (any status: the page asks
for a hub login); its CPU time (user + system, from ``/proc/PID/stat``) is read then and the
server stopped. Prints p50/max per kind, the ratio learner/baseline, and checks issue 25's
goal: a learner server's start <= 0.7 CPU-s (p50; the forked figure, with its share of the fork
server, when run as root); exits 1 when missed. Where the time goes:
``--importtime`` prints the learner server's slowest imports (``python -X importtime``).

Run: ``.venv/bin/python benchmarks/server_start.py [--runs 5]`` (under the shared lock).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jupyterhub

from course.hub.spawner import _ForkServer
from course.roles import HUB_LEARNER

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from local_services import cpu_seconds, free_port, proc_stat, stop_group

GOAL_CPU_S = 0.7
RUNS = 5
CLASS_SIZE = 60
USER = "learner"
FORK_USER = "nobody"  # the forked server's Unix user (it only needs its folder)


class _Hub(BaseHTTPRequestHandler):
    """The hub's API as far as a starting single-user server asks it: its version."""

    def do_GET(self) -> None:
        body = json.dumps({"version": jupyterhub.__version__}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-JupyterHub-Version", jupyterhub.__version__)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def start_once(
    kind: str,
    folder: Path,
    hub_url: str,
    extra: tuple[str, ...] = (),
    fork: _ForkServer | None = None,
) -> tuple[float, float]:
    """Start one server of ``kind`` (learner, forked or baseline): (CPU-s, wall s) until it
    answers."""
    port = free_port()
    prefix = f"/user/{USER}/"
    env = {
        **os.environ,
        "HOME": str(folder),
        "JUPYTER_CONFIG_DIR": str(folder / "user-config"),
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
        "JUPYTER_DATA_DIR": str(folder / "data"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "JUPYTERHUB_API_TOKEN": "ankle-start-bench",
        "JUPYTERHUB_API_URL": f"{hub_url}/hub/api",
        "JUPYTERHUB_BASE_URL": "/",
        "JUPYTERHUB_USER": USER,
        "JUPYTERHUB_SERVICE_PREFIX": prefix,
        "JUPYTERHUB_SERVICE_URL": f"http://127.0.0.1:{port}{prefix}",
        "JUPYTERHUB_CLIENT_ID": f"jupyterhub-user-{USER}",
        "JUPYTERHUB_OAUTH_CALLBACK_URL": f"{prefix}oauth_callback",
        "JUPYTERHUB_ACTIVITY_URL": f"{hub_url}/hub/api/users/{USER}/activity",
    }
    common = [f"--ServerApp.root_dir={folder}"]
    if os.geteuid() == 0:
        common.append("--allow-root")
    if kind in ("learner", "forked"):
        env["JUPYTER_CONFIG_PATH"] = str(HUB_LEARNER.write_config_dir(folder / "role"))
        command = [
            sys.executable,
            *extra,
            "-m",
            "course.hub.singleuser",
            *HUB_LEARNER.server_args(),
            *common,
        ]
    else:
        command = [sys.executable, *extra, "-m", "jupyterhub.singleuser", *common]
    began = time.monotonic()
    if kind == "forked":
        assert fork is not None
        env["USER"] = FORK_USER
        env["PATH"] = f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin"
        args = [*HUB_LEARNER.server_args(), f"--ServerApp.root_dir={folder}"]
        pid = asyncio.run(fork.start(FORK_USER, env, args))
        process: Any = _Forked(pid)
    else:
        with (folder / f"{kind}.log").open("w") as log:
            process = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{kind} server exited:\n{(folder / f'{kind}.log').read_text()}")
            if time.monotonic() - began > 180:
                raise RuntimeError(f"{kind} server did not answer within 180 s")
            try:
                url = f"http://127.0.0.1:{port}{prefix}api/status"
                with urllib.request.urlopen(url, timeout=5) as reply:
                    reply.read()
                break
            except urllib.error.HTTPError as exc:  # it answers: a login is asked for
                exc.close()
                break
            except OSError:
                time.sleep(0.05)
        return cpu_seconds(proc_stat(process.pid)), time.monotonic() - began
    finally:
        stop_group(process)


class _Forked:
    """A server forked by the fork server (which reaps it): poll and wait by its pid."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def poll(self) -> int | None:
        return None if Path(f"/proc/{self.pid}").exists() else 0

    def wait(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("forked server", timeout)
            time.sleep(0.05)
        return 0


def fork_server(log: Path) -> tuple[_ForkServer, float]:
    """The hub's fork server, started as the spawner starts it: (it, its CPU-s when ready)."""
    with log.open("wb") as output:
        fork = _ForkServer(output)
    asyncio.run(fork.ready())
    return fork, cpu_seconds(proc_stat(fork.process.pid))


def importtime(folder: Path, hub_url: str, top: int = 30) -> None:
    """The learner server's slowest imports (cumulative ms, as ``python -X importtime``)."""
    cpu, _wall = start_once("learner", folder, hub_url, ("-X", "importtime"))
    rows = []
    for line in (folder / "learner.log").read_text().splitlines():
        if line.startswith("import time:") and "|" in line:
            own, cumulative, name = line[len("import time:") :].split("|", 2)
            if own.strip().isdigit():
                rows.append((int(cumulative), int(own), name.rstrip()))
    print(f"learner server with -X importtime: {cpu:.2f} CPU-s (importtime itself adds some)")
    print(f"imports: {sum(r[1] for r in rows) / 1e6:.2f} s in all; slowest (cumulative ms):")
    for cumulative, own, name in sorted(rows, reverse=True)[:top]:
        print(f"{cumulative / 1000:9.1f} {own / 1000:8.1f}  {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--importtime", action="store_true", help="where the time goes")
    parser.add_argument(
        "--class-size", type=int, default=CLASS_SIZE, help="servers sharing one fork server"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ankle-start-"))
    fork: _ForkServer | None = None
    fork_cpu = 0.0
    forked_folder = Path(tempfile.mkdtemp(prefix="ankle-start-forked-"))
    hub = ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    threading.Thread(target=hub.serve_forever, daemon=True).start()
    hub_url = f"http://127.0.0.1:{hub.server_address[1]}"
    try:
        if args.importtime:
            importtime(folder, hub_url)
            return 0
        samples: dict[str, list[tuple[float, float]]] = {"learner": [], "baseline": []}
        start_once("learner", folder, hub_url)  # warms the disk cache: not counted
        if os.geteuid() == 0:  # the hub's way: fork servers from one process, as nobody
            forked_folder.chmod(0o755)
            shutil.chown(forked_folder, FORK_USER)
            fork, fork_cpu = fork_server(folder / "forkserver.log")
            samples = {"forked": [], **samples}
        for _ in range(args.runs):
            for kind in samples:
                where = forked_folder if kind == "forked" else folder
                samples[kind].append(start_once(kind, where, hub_url, fork=fork))
    finally:
        hub.shutdown()
        hub.server_close()
        if fork is not None and fork.process.stdin is not None:
            fork.process.stdin.close()
            fork.process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(forked_folder, ignore_errors=True)
    load = os.getloadavg()[0]
    print(
        f"Server start until it answers, {args.runs} runs each, alternating "
        f"({os.cpu_count()} cores, load average {load:.1f} at the end)"
    )
    print(f"{'':34}{'CPU-s p50':>10}{'CPU-s max':>10}{'wall p50':>10}")
    share = fork_cpu / args.class_size
    for kind, label in (
        ("forked", f"forked (+ 1/{args.class_size} fork server)"),
        ("learner", "learner (hub learner mode)"),
        ("baseline", "baseline (stock singleuser)"),
    ):
        if kind not in samples:
            continue
        extra = share if kind == "forked" else 0.0
        cpu = [c + extra for c, _w in samples[kind]]
        wall = [w for _c, w in samples[kind]]
        print(
            f"{label:<34}{statistics.median(cpu):>10.2f}{max(cpu):>10.2f}{statistics.median(wall):>10.2f}"
        )
    if fork is not None:
        print(f"fork server: {fork_cpu:.2f} CPU-s once (its imports), {share:.3f} per server")
    learner = statistics.median(c for c, _w in samples["learner"])
    baseline = statistics.median(c for c, _w in samples["baseline"])
    print(f"learner / baseline: {learner / baseline:.2f}")
    if "forked" in samples:
        forked = statistics.median(c + share for c, _w in samples["forked"])
        print(f"forked / baseline: {forked / baseline:.2f}")
        label, checked = "forked learner start CPU p50", forked
    else:
        label, checked = "learner start CPU p50", learner
    met = checked <= GOAL_CPU_S
    print(
        f"{label}: {checked:.2f} CPU-s   goal <= {GOAL_CPU_S} CPU-s: {'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
