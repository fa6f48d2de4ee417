"""A lecture hall at nine o'clock: N learners (default 60) start at once on one JupyterHub.

Localhost only and bounded: sets up an instructor and N learners as throwaway Unix users
(``ac_l<hex>_`` names), a PostgreSQL gradebook and a hub on free 127.0.0.1 ports, learners'
servers in learner mode (``course.roles.HUB_LEARNER`` through ``course.hub.singleuser``).

* **Baseline**: the instructor's server starting alone, in the same run.
* **Cold**: every learner "logs in" at the same moment: server start, then the lesson opens
  (the JupyterLab page of ``01_anatomy.ipynb`` and its notebook content): seconds to a
  working lesson, p50/p95; meanwhile the hub's REST API is asked four times a second (latency
  p50/p95); then CPU-seconds and memory (PSS, ``/proc/PID/smaps_rollup``) of each idle
  learner server; then all learners fetch, answer and submit at once.
* **Warm**: the hub restarted (every server stopped); ``ankle-course hub warm``'s
  ``warm_servers`` starts them a few at a time; then every learner logs in at once again.
* The instructor collects, autogrades and exports; nothing may be lost: every learner
  submitted, was collected and graded with full marks.

Goals (issue 25, 60 learners on 2 cores): cold p95 <= 45 s, warm p95 <= 3 s, hub API p95 <=
500 ms during the cold start, idle learner server <= 150 MB PSS, start <= 0.7 CPU-s. Prints
each figure against its goal and exits 1 when one is missed or anything was lost. Everything
it started is stopped by PID and every user and folder removed, also on failure. Run as root:

    .venv/bin/python benchmarks/hub_load.py [--learners 60] [--jobs 2] [--parallel 4]

(develop with ``--learners 5``; the goals are for 60.)
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import pwd
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from course.hub import system
from course.hub.setup import SetupOptions, hub_paths, load_state, setup_hub, teardown_hub
from course.hub.warm import warm_servers

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from hub_harness import HubAdmin, HubProcess, TempPostgres, UserSession, answered
from local_services import cpu_seconds, proc_stat

REPO = Path(__file__).resolve().parent.parent
COURSE = "ankle-course"
ASSIGNMENT = "safety_scenarios"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
DEADLINE_SECONDS = 1500  # the whole run stops itself after this
LESSON = "ankle-course/01_anatomy.ipynb"
GOALS = {  # issue 25, for 60 learners on 2 cores
    "cold p95 s": 45.0,
    "warm p95 s": 3.0,
    "API p95 ms": 500.0,
    "idle PSS MB": 150.0,
    "start CPU-s": 0.7,
}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def timed(action: Callable[[], Any]) -> float:
    start = time.monotonic()
    action()
    return time.monotonic() - start


def open_lesson(
    hub: HubProcess, admin: HubAdmin, name: str, phases: dict[str, list[float]] | None = None
) -> None:
    """What a learner's browser loads first: the JupyterLab page of the lesson and its
    notebook (through the proxy, with the learner's own token). ``phases`` gets the seconds
    of each step (the hub's token, the page, the notebook)."""
    t = time.monotonic()
    session = UserSession(hub, name, admin.user_token(name))
    marks = [("token", time.monotonic() - t)]
    t = time.monotonic()
    page = f"{session.base}/lab/tree/{urllib.parse.quote(LESSON)}"
    req = urllib.request.Request(page, headers={"Authorization": f"token {session.token}"})
    with urllib.request.urlopen(req, timeout=300) as reply:
        if reply.status != 200 or b"JupyterLab" not in reply.read():
            raise RuntimeError(f"{name}: the lesson page did not load ({reply.status})")
    marks.append(("lab page", time.monotonic() - t))
    t = time.monotonic()
    if not session.read_json(LESSON).get("cells"):
        raise RuntimeError(f"{name}: the lesson notebook is empty")
    marks.append(("notebook", time.monotonic() - t))
    if phases is not None:
        for phase, seconds in marks:
            phases.setdefault(phase, []).append(seconds)


def login_all(
    hub: HubProcess,
    admin: HubAdmin,
    names: list[str],
    cpu_at_ready: dict[str, float],
    phases: dict[str, list[float]],
) -> list[float]:
    """Every learner at the same moment: start (or find) the server, then open the lesson;
    seconds to a working lesson each. ``cpu_at_ready`` gets each server's CPU-seconds when
    the hub first calls it ready (before the lesson page); ``phases`` the seconds of each
    step, to show where the time goes."""

    def one(name: str) -> float:
        began = time.monotonic()
        admin.start_server(name, timeout=600)
        phases.setdefault("server ready", []).append(time.monotonic() - began)
        cpu_at_ready[name] = server_cpu(hub, [name])[0]
        open_lesson(hub, admin, name, phases)
        return time.monotonic() - began

    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        return list(pool.map(one, names))


class ApiProbe:
    """The hub's REST API asked four times a second in a thread: its latency, in ms. (Asked
    twice a second, a 10 s cold start gave 17 answers, and their p95 was the single slowest.)"""

    def __init__(self, admin: HubAdmin, who: str) -> None:
        self.admin, self.who = admin, who
        self.latencies: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            began = time.monotonic()
            self.admin.api("GET", f"/users/{self.who}")
            self.latencies.append((time.monotonic() - began) * 1000)
            self._stop.wait(0.25)

    def __enter__(self) -> ApiProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def server_pss_mb(hub: HubProcess, names: list[str]) -> list[float]:
    """Proportional set size of each learner's server (its process alone), in MB."""
    sizes = []
    for name in names:
        text = Path(f"/proc/{hub.server_pids[name]}/smaps_rollup").read_text()
        kb = next(int(line.split()[1]) for line in text.splitlines() if line.startswith("Pss:"))
        sizes.append(kb / 1024)
    return sizes


def server_cpu(hub: HubProcess, names: list[str]) -> list[float]:
    """CPU-seconds each learner's server has used so far: user + system time of the process and
    of the child processes it has waited for (e.g. a Node.js process JupyterLab starts)."""
    return [cpu_seconds(proc_stat(hub.server_pids[name])) for name in names]


def _proc_stats() -> dict[int, list[str]]:
    """:func:`proc_stat` of every process."""
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stats[int(entry.name)] = proc_stat(entry.name)
    return stats


def cpu_by_part(hub: HubProcess) -> dict[str, float]:
    """CPU-seconds used so far by the hub, its proxy, every learner server and this script (the
    learners' HTTP clients, which a real class runs on its own machines): where a whole class's
    logins spend the machine."""
    hub_pid = hub.process.pid if hub.process is not None else -1
    servers = set(hub.server_pids.values())
    own = os.times()  # this script: the sixty learners' HTTP clients
    parts = {"hub": 0.0, "proxy": 0.0, "learner servers": 0.0, "clients": own.user + own.system}
    for pid, fields in _proc_stats().items():
        if pid == hub_pid:
            parts["hub"] += cpu_seconds(fields, children=False)
        elif pid == hub.proxy_pid:
            parts["proxy"] += cpu_seconds(fields, children=False)
        elif pid in servers:
            parts["learner servers"] += cpu_seconds(fields, children=False)
    return parts


def fork_server_cpu(hub: HubProcess) -> float:
    """CPU-seconds of the hub's fork server (course.hub.forkserver: the imports every forked
    learner server shares, paid once for the class), 0 when the hub forks none."""
    hub_pid = hub.process.pid if hub.process is not None else -1
    for pid, fields in _proc_stats().items():
        if int(fields[1]) != hub_pid:
            continue
        with contextlib.suppress(OSError):
            if b"course.hub.forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0"):
                return cpu_seconds(fields, children=False)
    return 0.0


def check(label: str, value: float, goal: float, unit: str, results: list[bool]) -> str:
    met = value <= goal
    results.append(met)
    return f"{label}: {value:.2f} {unit}   goal <= {goal:g} {unit}: {'met' if met else 'MISSED'}"


def spread(values: list[float], unit: str) -> str:
    return (
        f"p50 {statistics.median(values):.2f} {unit}, p95 {percentile(values, 95):.2f} {unit}, "
        f"max {max(values):.2f} {unit}"
    )


def phase_lines(phases: dict[str, list[float]]) -> str:
    """Where the time to a working lesson went, one line per step."""
    return "\n".join(f"    {phase}: {spread(values, 's')}" for phase, values in phases.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=2, help="parallel autograde processes")
    parser.add_argument("--parallel", type=int, default=4, help="servers warmed at a time")
    args = parser.parse_args()
    if not 1 <= args.learners <= 100:
        parser.error("--learners must be between 1 and 100")
    if os.geteuid() != 0:
        print("hub_load: must run as root (it creates Unix users)", file=sys.stderr)
        return 2
    began = time.monotonic()

    def out_of_time(signum: int, frame: object) -> None:
        raise TimeoutError(f"hub_load: stopped after {DEADLINE_SECONDS} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(DEADLINE_SECONDS)
    base = Path(tempfile.mkdtemp(prefix="ankle-hub-load-"))
    os.chmod(base, 0o755)
    prefix = f"ac_l{os.urandom(3).hex()}_"
    hub_dir = base / "hub"
    pg_user = prefix + "pg"
    postgres: TempPostgres | None = None
    hub: HubProcess | None = None
    try:
        roster = base / "roster.csv"
        names = [f"learner{i:02d}" for i in range(1, args.learners + 1)]
        roster.write_text("id\n" + "\n".join(names) + "\n", encoding="utf-8")
        system.create_user(pg_user, home=base / "pg-home", comment="ankle-course load db")
        postgres = TempPostgres(owner=pg_user, data_dir=base / "pg")
        postgres.start()
        db_url = postgres.create_database(prefix + "instructor", "gradebook")
        t_setup = time.monotonic()
        state = setup_hub(
            SetupOptions(
                roster=roster,
                hub_dir=hub_dir,
                course_source=REPO / "grading",
                prefix=prefix,
                home_base=base / "home",
                db_url=db_url,
                passwords=False,
            )
        ).state
        setup_seconds = time.monotonic() - t_setup
        hub = HubProcess(hub_dir=hub_dir)
        hub.start()
        token = (hub_paths(hub_dir)["secrets"] / "admin_token").read_text().strip()
        admin = HubAdmin(hub, token)
        learners = state.learner_names

        # baseline: the instructor's server alone (it also warms the disk cache); release
        alone = admin.start_server(state.instructor)
        teacher = UserSession(hub, state.instructor, admin.user_token(state.instructor))
        code, out = teacher.run(
            f"cd {state.course_dir} && nbgrader db student import students.csv && "
            f"ankle-course grade --course-dir . release {ASSIGNMENT} && "
            f"nbgrader release_assignment {ASSIGNMENT}"
        )
        if code != 0:
            raise RuntimeError(f"release failed:\n{out[-3000:]}")
        source = json.loads((Path(state.course_dir) / "source" / ASSIGNMENT / NOTEBOOK).read_text())

        # cold: everyone at once, the hub's API asked meanwhile
        at_ready: dict[str, float] = {}
        cold_phases: dict[str, list[float]] = {}
        with ApiProbe(admin, state.instructor) as probe:
            cold = login_all(hub, admin, learners, at_ready, cold_phases)
        # each forked server's own CPU, plus its share of the fork server's imports
        share = fork_server_cpu(hub) / len(learners)
        cpu_ready = [at_ready[name] + share for name in learners]
        cpu = [used + share for used in server_cpu(hub, learners)]
        time.sleep(5)  # idle: the start-up garbage collected, nothing running
        pss = server_pss_mb(hub, learners)
        with ThreadPoolExecutor(max_workers=len(learners)) as pool:
            sessions = [UserSession(hub, n, admin.user_token(n)) for n in learners]

            def fetch(session: UserSession) -> float:
                return timed(lambda: session.fetch(COURSE, ASSIGNMENT))

            def answer_and_submit(session: UserSession) -> float:
                path = f"{ASSIGNMENT}/{NOTEBOOK}"
                session.write_notebook(path, answered(session.read_json(path), source))
                return timed(lambda: session.submit(COURSE, ASSIGNMENT))

            fetches = list(pool.map(fetch, sessions))
            submits = list(pool.map(answer_and_submit, sessions))

        # warm: the hub restarted (every server stopped), servers started ahead, then logins
        hub.stop()
        hub = HubProcess(hub_dir=hub_dir)
        hub.start()
        admin = HubAdmin(hub, token)
        t_warm = time.monotonic()
        report = warm_servers(
            learners, api_url=f"{hub.url}/hub/api", token=token, parallel=args.parallel
        )
        warm_seconds = time.monotonic() - t_warm
        if report.failed:
            raise RuntimeError(f"warming failed: {report.failed}")
        warm_phases: dict[str, list[float]] = {}
        for name in learners:  # the warmed servers, to count their CPU
            server = admin.api("GET", f"/users/{name}")["servers"][""]
            hub.server_pids[name] = int(server["state"]["pid"])
        cpu_before, t_logins = cpu_by_part(hub), time.monotonic()
        warm = login_all(hub, admin, learners, {}, warm_phases)
        logins_seconds = time.monotonic() - t_logins
        warm_cpu = {k: v - cpu_before[k] for k, v in cpu_by_part(hub).items()}
        admin.start_server(state.instructor)
        teacher = UserSession(hub, state.instructor, admin.user_token(state.instructor))

        inbound = Path(state.exchange_root) / COURSE / "inbound"
        submitted = sorted(entry.split("+")[0] for entry in os.listdir(inbound))
        t_grade = time.monotonic()
        code, out = teacher.run(
            f"cd {state.course_dir} && nbgrader collect {ASSIGNMENT} && "
            f"ankle-course grade --course-dir . autograde {ASSIGNMENT} --jobs {args.jobs} && "
            f"ankle-course grade --course-dir . export {ASSIGNMENT} --to grades.csv",
            timeout=DEADLINE_SECONDS,
        )
        grade_seconds = time.monotonic() - t_grade
        if code != 0:
            raise RuntimeError(f"collect/autograde failed:\n{out[-3000:]}")
        rows = list(csv.DictReader(io.StringIO(teacher.read_text("ankle-course/grades.csv"))))
        collected = sorted(p.name for p in (Path(state.course_dir) / "submitted").iterdir())
        full = [r["student_id"] for r in rows if float(r["score"]) == float(r["max_score"])]

        results: list[bool] = []
        api_p95 = percentile(probe.latencies, 95)
        print(f"learners: {len(learners)}  (setup {setup_seconds:.1f} s, cores {os.cpu_count()})")
        print(f"baseline: one server starting alone (the instructor's): {alone:.1f} s")
        print(f"cold, all at once, to a working lesson: {spread(cold, 's')}")
        print(f"  cold p95 / one server alone: {percentile(cold, 95) / alone:.1f}")
        print(check("  cold p95", percentile(cold, 95), GOALS["cold p95 s"], "s", results))
        print(phase_lines(cold_phases))
        print(
            f"hub API during the cold start ({len(probe.latencies)} calls): "
            f"{spread(probe.latencies, 'ms')}"
        )
        print(check("  hub API p95", api_p95, GOALS["API p95 ms"], "ms", results))
        print(
            f"fork server (its imports, once for the class): {share * len(learners):.2f} CPU-s, "
            f"{share:.3f} CPU-s per learner, counted in each figure below"
        )
        print(f"CPU-seconds per learner server when ready: {spread(cpu_ready, 'CPU-s')}")
        start_cpu = statistics.median(cpu_ready)
        print(check("  start CPU p50", start_cpu, GOALS["start CPU-s"], "CPU-s", results))
        print(f"CPU-seconds per learner server after its lesson page: {spread(cpu, 'CPU-s')}")
        print(f"memory per idle learner server (PSS): {spread(pss, 'MB')}")
        print(check("  idle PSS p95", percentile(pss, 95), GOALS["idle PSS MB"], "MB", results))
        print(f"warm-up ({args.parallel} at a time): {warm_seconds:.1f} s for {len(learners)}")
        print(f"warm, all at once, to a working lesson: {spread(warm, 's')}")
        print(check("  warm p95", percentile(warm, 95), GOALS["warm p95 s"], "s", results))
        print(phase_lines(warm_phases))
        print(
            f"    CPU-s over the {logins_seconds:.1f} s of warm logins: "
            + ", ".join(f"{part} {used:.2f}" for part, used in warm_cpu.items())
        )
        for label, values in (("fetch", fetches), ("submit", submits)):
            print(f"{label} (all {len(values)} at once): {spread(values, 's')}")
        print(f"collect + autograde ({args.jobs} jobs) + export: {grade_seconds:.1f} s")
        print(
            f"submitted {len(submitted)}/{len(learners)}, collected {len(collected)}/"
            f"{len(learners)}, graded with full marks {len(full)}/{len(learners)}"
        )
        lost = sorted(set(learners) - set(submitted) | set(learners) - set(collected))
        lost += sorted(set(learners) - set(full))
        ok = submitted == learners and collected == learners and sorted(full) == learners
        print("nothing lost" if ok else f"LOST OR WRONG: {sorted(set(lost))}")
        print(f"total {time.monotonic() - began:.0f} s")
        return 0 if ok and all(results) else 1
    finally:
        signal.alarm(0)
        if hub is not None:
            hub.stop()
        if postgres is not None:
            postgres.stop()
        if load_state(hub_dir) is not None:
            teardown_hub(hub_dir)
        try:
            uid = pwd.getpwnam(pg_user).pw_uid
        except KeyError:
            uid = None
        if uid is not None:
            system.stop_pids(system.pids_of_uids([uid]))
            system.delete_user(pg_user)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
