"""Scale check of a class on one JupyterHub: 20 learners fetch and submit at the same time.

Localhost only and bounded: sets up an instructor and N learners (default 20, at most 40) as
throwaway Unix users (``ac_l<hex>_`` names), a PostgreSQL gradebook and a hub on free
127.0.0.1 ports; starts every learner's server at once; all learners fetch, answer and submit
concurrently through their own servers; the instructor collects and autogrades in parallel.
Server start is measured twice in the same run, on the same machine and accounts: "before",
learners' servers as the course started them before learner mode (every server extension but
the formgrader), and "after", in learner mode (``course.roles.HUB_LEARNER``: only what learners
use, started through ``course.hub.singleuser``). The hub is restarted between the two (it
reads ``hub.json`` at start); the instructor's server, started alone first, warms the disk
cache for both. Prints both start p50/p95 and their
ratio, and fetch/submit p95, and fails (exit 1) unless every submission
was collected and graded with full marks, i.e. nothing was lost or mixed up. Everything it
started is stopped by PID and every user and folder removed, also on failure. Run as root:

    .venv/bin/python benchmarks/hub_load.py [--learners 20] [--jobs 2]
"""

from __future__ import annotations

import argparse
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
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from course.hub import system
from course.hub.setup import SetupOptions, hub_paths, load_state, setup_hub, teardown_hub

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from hub_harness import HubAdmin, HubProcess, TempPostgres, UserSession, answered

REPO = Path(__file__).resolve().parent.parent
COURSE = "ankle-course"
ASSIGNMENT = "safety_scenarios"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
DEADLINE_SECONDS = 1200  # the whole run stops itself after this
# learners' servers before learner mode: everything but nbgrader's formgrader extension
BEFORE_ARGS = ["--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=False"]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def timed(action: Callable[[], Any]) -> float:
    start = time.monotonic()
    action()
    return time.monotonic() - start


def start_all(admin: HubAdmin, names: list[str]) -> list[float]:
    """Start every learner's server at the same moment; seconds until each is ready."""
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        return list(pool.map(admin.start_server, names))


def server_cpu(hub: HubProcess, names: list[str]) -> list[float]:
    """CPU-seconds each learner's server has used so far: user + system time of the process and
    of the child processes it has waited for (e.g. a Node.js process JupyterLab starts)."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = []
    for name in names:
        fields = Path(f"/proc/{hub.server_pids[name]}/stat").read_text().rsplit(")", 1)[1].split()
        used.append(sum(int(f) for f in fields[11:15]) / ticks)
    return used


def use_learner_mode(hub_dir: Path, settings_text: str, *, on: bool) -> None:
    """Write hub.json for learners' servers in learner mode (as setup wrote it) or as before."""
    settings = json.loads(settings_text)
    if not on:
        settings["learner_args"] = BEFORE_ARGS
        settings.pop("learner_config_path", None)
        settings.pop("singleuser_cmd", None)  # JupyterHub's own jupyterhub-singleuser
    hub_paths(hub_dir)["settings"].write_text(json.dumps(settings, indent=2), encoding="utf-8")


def describe(label: str, starts: list[float]) -> str:
    return (
        f"server start {label}: p50 {statistics.median(starts):.1f} s, "
        f"p95 {percentile(starts, 95):.1f} s, max {max(starts):.1f} s (all started at once)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2, help="parallel autograde processes")
    args = parser.parse_args()
    if not 1 <= args.learners <= 40:
        parser.error("--learners must be between 1 and 40")
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
        settings_text = hub_paths(hub_dir)["settings"].read_text(encoding="utf-8")
        use_learner_mode(hub_dir, settings_text, on=False)
        hub = HubProcess(hub_dir=hub_dir)
        hub.start()
        token = (hub_paths(hub_dir)["secrets"] / "admin_token").read_text().strip()
        admin = HubAdmin(hub, token)
        learners = state.learner_names

        # the instructor releases (and their server, started alone, warms the disk cache)
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

        # before: every learner's server at once, as the course started them before
        before = start_all(admin, learners)
        cpu_before = server_cpu(hub, learners)
        hub.stop()  # stops every server; the hub reads hub.json again at its next start

        # after: the same, in learner mode
        use_learner_mode(hub_dir, settings_text, on=True)
        hub = HubProcess(hub_dir=hub_dir)
        hub.start()
        admin = HubAdmin(hub, token)
        starts = start_all(admin, learners)
        cpu_after = server_cpu(hub, learners)
        admin.start_server(state.instructor)
        teacher = UserSession(hub, state.instructor, admin.user_token(state.instructor))
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

        print(f"learners: {len(learners)}  (setup {setup_seconds:.1f} s)")
        print(f"one server starting alone (the instructor's): {alone:.1f} s")
        print(describe("before (every extension but the formgrader)", before))
        print(describe("after (learner mode)", starts))
        ratio = percentile(starts, 95) / percentile(before, 95)
        print(f"server start p95 after / before: {ratio:.2f}")
        for label, used in (("before", cpu_before), ("after", cpu_after)):
            print(
                f"CPU-seconds per learner server when ready, {label}: "
                f"p50 {statistics.median(used):.2f} s, max {max(used):.2f} s "
                f"(cores: {os.cpu_count()})"
            )
        for label, values in (("fetch", fetches), ("submit", submits)):
            p50, p95 = statistics.median(values), percentile(values, 95)
            print(f"{label}: p50 {p50:.2f} s, p95 {p95:.2f} s (all {len(values)} at once)")
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
        return 0 if ok else 1
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
