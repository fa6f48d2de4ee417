"""``ankle-course hub``: set up and tear down a class on one JupyterHub server (run as root)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from course.cli.output import err, fail, out
from course.errors import CourseError

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
        Path,
        typer.Option(
            "--students",
            help=(
                "Roster CSV with an 'id' column (optional first_name, last_name, email; "
                "course or cohort, and role: learner, ta or instructor, for several courses)."
            ),
        ),
    ],
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
