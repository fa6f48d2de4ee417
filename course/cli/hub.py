"""``ankle-course hub``: set up and tear down a class on one JupyterHub server (run as root)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from course.cli.output import err, fail, guarded, out
from course.errors import CourseError, LtiConfigError

app = typer.Typer(
    name="hub",
    help="Run a class on one server with JupyterHub: accounts, nbgrader exchange, teardown.",
    no_args_is_help=True,
    add_completion=False,
)

HubDir = Annotated[
    Path,
    typer.Option("--hub-dir", help="Folder for the hub's settings, secrets, state and exchange."),
]


def traverse_warning(folder: str, group: str, exposed: list[str]) -> str:
    """The plain warning printed when setup lets the class pass through a private folder."""
    shown = ", ".join(exposed[:8]) + (f" and {len(exposed) - 8} more" if len(exposed) > 8 else "")
    open_now = f" Open to others there now: {shown}." if exposed else ""
    return (
        f"WARNING: every class account (group {group}) may now pass through {folder}. They "
        "cannot list it, but can open any file or folder inside that other users may read, "
        f"if they know or guess its path.{open_now} For a class, install the course with a "
        "system Python or a venv outside private homes (docs/hub.md, section 2)."
    )


@app.command()
def setup(
    students: Annotated[
        Path | None,
        typer.Option(
            "--students",
            help=(
                "Roster CSV with an 'id' column (optional first_name, last_name, email; "
                "course or cohort, and role: learner, ta or instructor, for several courses)."
            ),
        ),
    ] = None,
    lti: Annotated[
        Path | None,
        typer.Option(
            "--lti",
            help="PLATFORM.json: people log in from the school's LMS (LTI 1.3, docs/lti.md).",
        ),
    ] = None,
    hub_dir: HubDir = Path("/srv/ankle-course"),
    course_dir: Annotated[
        Path | None,
        typer.Option("--course-dir", help="The nbgrader course folder to copy for the instructor."),
    ] = None,
    prefix: Annotated[str, typer.Option(help="Prefix of every account name.")] = "ac_",
    instructor: Annotated[
        str,
        typer.Option(help="Instructor account name (after prefix), for a roster without courses."),
    ] = "instructor",
    course_id: Annotated[
        str,
        typer.Option("--course-id", help="nbgrader course id (of a roster with no course column)."),
    ] = "ankle-course",
    exchange: Annotated[
        Path | None, typer.Option(help="nbgrader exchange root (default HUB_DIR/exchange).")
    ] = None,
    home_base: Annotated[
        Path | None, typer.Option("--home-base", help="Parent of the home folders (/home).")
    ] = None,
    db_url: Annotated[
        str | None,
        typer.Option("--db-url", help="Gradebook URL for the instructor, e.g. postgresql://..."),
    ] = None,
    passwords: Annotated[
        bool, typer.Option(help="Give new accounts random passwords (for PAM login).")
    ] = True,
) -> None:
    """Create the instructor and learner accounts, the exchange and per-user nbgrader config."""
    from course.hub.setup import SetupOptions, setup_hub

    options = SetupOptions(
        roster=students,
        hub_dir=hub_dir,
        course_source=course_dir,
        prefix=prefix,
        instructor=instructor,
        course_id=course_id,
        exchange_root=exchange,
        home_base=home_base,
        db_url=db_url,
        passwords=passwords,
        lti=lti,
    )
    try:
        report = setup_hub(options)
    except CourseError as exc:
        fail(str(exc), exc.exit_code)
    state = report.state
    if state.by_course:
        _print_courses(state.courses)
        out().print(f"People: {len(state.learners)}")
    else:
        out().print(f"Instructor: {state.instructor} (course folder {state.course_dir})")
        out().print(f"Learners: {len(state.learners)}")
    for learner in state.learners:
        out().print(f"  {learner['roster_id']} -> {learner['name']}", highlight=False)
    if not state.by_course:
        out().print(f"Exchange: {state.exchange_root}/{state.course_id}")
    if report.new_users:
        out().print(f"Created {len(report.new_users)} accounts")
    if report.passwords_file:
        out().print(f"Initial passwords (root only): {report.passwords_file}")
    for path in report.closed:
        out().print(f"Closed to other users until teardown (chmod o-rwx): {path}", highlight=False)
    for folder in report.traverse_grants:
        out().print(
            f"Group {state.hub_group} may pass through (ACL --x): {folder}", highlight=False
        )
    for folder in report.new_grants:
        warning = traverse_warning(folder, state.hub_group, report.exposed.get(folder, []))
        err().print(warning, markup=False, highlight=False)
    if lti is not None:
        out().print(
            "LMS log-in (LTI 1.3) is on. The values to register in the LMS: ankle-course hub "
            f"lti-config --hub-dir {state.hub_dir} --public-url https://YOUR-HUB",
            highlight=False,
        )
    out().print(
        f"Start the hub: ANKLE_HUB_DIR={state.hub_dir} "
        "jupyterhub -f deploy/hub/jupyterhub_config.py"
    )


def _print_courses(courses: list[dict[str, Any]]) -> None:
    from course.hub.courses import FORMGRADER_URL, CoursePlan

    for record in courses:
        plan = CoursePlan.from_record(record)
        roles = {role: plan.with_role(role) for role in ("instructor", "ta", "learner")}
        out().print(
            f"Course {plan.course_id}: folder {plan.course_dir} (grader {plan.grader}), exchange "
            f"{plan.exchange_dir}, formgrader /services/{plan.course_id}{FORMGRADER_URL}/; "
            f"instructors {', '.join(roles['instructor'])}; "
            f"TAs {', '.join(roles['ta']) or 'none'}; learners {len(roles['learner'])}",
            highlight=False,
        )


def _how_many(text: str, available: int) -> int:
    if text.strip().lower() == "all":
        return available
    try:
        wanted = int(text)
    except ValueError:
        fail(f"--learners takes a number or 'all', not {text!r}")
    if wanted < 1:
        fail(f"--learners must be at least 1, not {wanted}")
    return min(wanted, available)


@app.command()
def warm(
    course: Annotated[str, typer.Option("--course", help="The course whose learners to start.")],
    learners: Annotated[
        str, typer.Option("--learners", help="How many learners' servers: a number or 'all'.")
    ] = "all",
    hub_dir: HubDir = Path("/srv/ankle-course"),
    api_url: Annotated[
        str, typer.Option("--api-url", help="The hub's REST API (ANKLE_HUB_API_PORT, 8081).")
    ] = "http://127.0.0.1:8081/hub/api",
    parallel: Annotated[
        int, typer.Option("--parallel", help="Servers starting at the same time.")
    ] = 4,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds one server may take to start.")
    ] = 180.0,
) -> None:
    """Start learners' servers before a lecture, a few at a time, so logins find them ready.

    Servers nobody uses are stopped again by the hub's idle culler (ANKLE_HUB_IDLE_TIMEOUT).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from course.hub.state import load_state
    from course.hub.warm import admin_token, course_learners, warm_servers

    try:
        state = load_state(hub_dir.resolve())
        if state is None:
            fail(f"{hub_dir} has no state.json: run `ankle-course hub setup` first")
        names = course_learners(state, course)
        if not names:
            fail(f"course {course!r} has no learners")
        names = names[: _how_many(learners, len(names))]
        token = admin_token(hub_dir.resolve())
        columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err(), transient=False) as bar:
            task = bar.add_task(f"Starting servers of {course}", total=len(names))
            report = warm_servers(
                names,
                api_url=api_url,
                token=token,
                parallel=parallel,
                timeout=timeout,
                on_done=lambda _name, _outcome: bar.advance(task),
            )
    except CourseError as exc:
        fail(str(exc), exc.exit_code)
    slowest = max(report.seconds.values(), default=0.0)
    out().print(
        f"Started {len(report.started)}, already running {len(report.running)}, "
        f"failed {len(report.failed)} (slowest start {slowest:.1f} s)"
    )
    for name, reason in report.failed.items():
        err().print(f"  {name}: {reason}", markup=False, highlight=False)
    if report.failed:
        raise typer.Exit(1)


@app.command()
def teardown(
    hub_dir: HubDir = Path("/srv/ankle-course"),
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove every account, home folder, grant and folder that setup created."""
    from course.hub.setup import teardown_hub
    from course.hub.state import load_state

    try:
        state = load_state(hub_dir.resolve())
    except CourseError as exc:
        fail(str(exc), exc.exit_code)
    if state is None:
        fail(f"{hub_dir} has no state.json: nothing that setup created")
    if not yes:
        typer.confirm(
            f"Delete {len(state.created_users)} accounts with their home folders "
            f"(and the gradebook copies in them, and every course folder)?",
            abort=True,
        )
    try:
        report = teardown_hub(hub_dir)
    except CourseError as exc:
        fail(str(exc), exc.exit_code)
    out().print(
        f"Stopped {len(report.stopped_pids)} processes, removed {len(report.removed_users)} "
        f"accounts and {len(report.removed_paths)} folders, revoked "
        f"{len(report.revoked_grants)} grants, and gave {len(report.restored_modes)} closed "
        "paths of the course folder their modes back"
    )


@app.command("return-feedback")
def return_feedback(
    assignment: Annotated[str, typer.Argument(help="Assignment name.")],
    course_dir: Annotated[
        Path, typer.Option("--course-dir", help="The instructor's nbgrader course folder.")
    ] = Path("."),
) -> None:
    """Put the feedback pages into the exchange, where each learner fetches only their own."""
    from course.hub.feedback import return_feedback as do_return

    try:
        students = do_return(course_dir, assignment)
    except CourseError as exc:
        fail(str(exc), exc.exit_code)
    out().print(f"returned feedback on {assignment} to {len(students)} learner(s)")


@app.command("lti-config")
@guarded
def lti_config(
    hub_dir: HubDir = Path("/srv/ankle-course"),
    public_url: Annotated[
        str,
        typer.Option("--public-url", help="The hub's address as browsers reach it (https)."),
    ] = "https://localhost:8000",
) -> None:
    """Print, as JSON, what the LMS administrator registers: URLs and the tool's public key."""
    import json

    from course.lti.config import tool_urls
    from course.lti.settings import load_lti

    platform, key = load_lti(hub_dir.resolve())
    try:
        urls = tool_urls(public_url)
    except ValueError as exc:
        raise LtiConfigError(f"--public-url: {exc}") from None
    shown = {
        **urls.model_dump(),
        "client_id": platform.client_id,
        "deployment_ids": list(platform.deployment_ids),
        "public_jwk": key.public_jwk(),
        "public_key_pem": key.public_pem(),
        "scopes": [
            "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
            "https://purl.imsglobal.org/spec/lti-ags/scope/score",
            "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
        ],
        "custom_parameters": {
            "lesson": "a lesson id, e.g. 01_anatomy",
            "assignment": "an assessment, e.g. safety_scenarios",
        },
    }
    typer.echo(json.dumps(shown, indent=2))


@app.command("sync-roster")
@guarded
def sync_roster(
    course: Annotated[str, typer.Option("--course", help="The hub course to bring up to date.")],
    hub_dir: HubDir = Path("/srv/ankle-course"),
) -> None:
    """Bring a course's accounts and roles up to date with its LMS course (LTI NRPS)."""
    from course.lti.nrps import sync_roster as do_sync

    report = do_sync(hub_dir.resolve(), course)
    out().print(
        f"{course}: {len(report.added)} new account(s), {len(report.kept)} unchanged or updated, "
        f"{len(report.dropped)} dropped (access removed, files kept)",
        highlight=False,
    )
    for name in report.dropped:
        stopped = " (server stopped)" if name in report.stopped else ""
        out().print(f"  dropped: {name}{stopped}", highlight=False)
    for line in report.refused:
        err().print(f"  not added: {line}", markup=False, highlight=False)
