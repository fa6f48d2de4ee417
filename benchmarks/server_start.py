"""CPU-seconds a learner's Jupyter server spends until it answers, against a stock JupyterLab.

Starts, alternately and ``--runs`` times each (default 5), on free 127.0.0.1 ports in
temporary folders:

* **learner**: JupyterLab as the class hub starts a learner's server: ``course.roles.
  HUB_LEARNER``'s options and config folder, and the start-up work ``course.hub.singleuser``
  skips (``course.startup``);
* **baseline**: a stock ``jupyter lab`` (every installed extension, nothing skipped).

Each server is timed from its start until it first answers ``/api/status``; its CPU time (user
+ system, from ``/proc/PID/stat``) is read then and the server stopped. Prints p50/max per
kind, the ratio learner/baseline, and checks issue 25's goal: a learner server's start <= 0.7
CPU-s (p50); exits 1 when missed. Where the time goes: ``--importtime`` prints the learner
server's slowest imports (``python -X importtime``) instead.

Run: ``.venv/bin/python benchmarks/server_start.py [--runs 5]`` (under the shared lock).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from course.roles import HUB_LEARNER

GOAL_CPU_S = 0.7
RUNS = 5
TOKEN = "ankle-start-bench"
# what course.hub.singleuser does before jupyterhub-singleuser, then JupyterLab's own main
LEARNER = (
    "import sys\n"
    "from course.startup import skip_server_extras, skip_slow_imports, skip_yarn_config\n"
    "skip_slow_imports(); skip_server_extras(); skip_yarn_config()\n"
    "from jupyterlab.labapp import main\n"
    "sys.argv[0] = 'jupyter-lab'\n"
    "sys.exit(main())\n"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def start_once(kind: str, folder: Path, extra: tuple[str, ...] = ()) -> tuple[float, float]:
    """Start one server of ``kind`` (learner or baseline): (CPU-s, wall s) until it answers."""
    port = _free_port()
    env = {
        **os.environ,
        "HOME": str(folder),
        "JUPYTER_CONFIG_DIR": str(folder / "user-config"),
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
        "JUPYTER_DATA_DIR": str(folder / "data"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    common = [
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--ServerApp.root_dir={folder}",
        f"--IdentityProvider.token={TOKEN}",
    ]
    if os.geteuid() == 0:
        common.append("--allow-root")
    if kind == "learner":
        env["JUPYTER_CONFIG_PATH"] = str(HUB_LEARNER.write_config_dir(folder / "role"))
        command = [sys.executable, *extra, "-c", LEARNER, *HUB_LEARNER.server_args(), *common]
    else:
        command = [sys.executable, *extra, "-m", "jupyterlab", *common]
    began = time.monotonic()
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
                url = f"http://127.0.0.1:{port}/api/status?token={TOKEN}"
                with urllib.request.urlopen(url, timeout=5) as reply:
                    reply.read()
                break
            except OSError:
                time.sleep(0.05)
        return _cpu_seconds(process.pid), time.monotonic() - began
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def importtime(folder: Path, top: int = 30) -> None:
    """The learner server's slowest imports (cumulative ms, as ``python -X importtime``)."""
    cpu, _wall = start_once("learner", folder, ("-X", "importtime"))
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
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ankle-start-"))
    try:
        if args.importtime:
            importtime(folder)
            return 0
        samples: dict[str, list[tuple[float, float]]] = {"learner": [], "baseline": []}
        start_once("learner", folder)  # warms the disk cache: not counted
        for _ in range(args.runs):
            for kind in samples:
                samples[kind].append(start_once(kind, folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    load = os.getloadavg()[0]
    print(
        f"Server start until it answers, {args.runs} runs each, alternating "
        f"({os.cpu_count()} cores, load average {load:.1f} at the end)"
    )
    print(f"{'':34}{'CPU-s p50':>10}{'CPU-s max':>10}{'wall p50':>10}")
    for kind, label in (
        ("learner", "learner (hub learner mode)"),
        ("baseline", "baseline (stock jupyter lab)"),
    ):
        cpu = [c for c, _w in samples[kind]]
        wall = [w for _c, w in samples[kind]]
        print(
            f"{label:<34}{statistics.median(cpu):>10.2f}{max(cpu):>10.2f}{statistics.median(wall):>10.2f}"
        )
    learner = statistics.median(c for c, _w in samples["learner"])
    baseline = statistics.median(c for c, _w in samples["baseline"])
    met = learner <= GOAL_CPU_S
    print(f"learner / baseline: {learner / baseline:.2f}")
    print(
        f"learner start CPU p50: {learner:.2f} CPU-s   goal <= {GOAL_CPU_S} CPU-s: "
        f"{'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
