"""``ankle-course grade``: build, release, autograde, feedback, export and report.

nbgrader and jupyter are imported inside the commands, so ``ankle-course assess`` stays light.
Expected problems print one line and exit 2; autograde exits 1 only when some submission
could not be graded at all, ``build --check`` when a built file is stale.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from course.cli.grade_choices import Attempts, CanvasKey, ExportFormat, Missing, policy_of
from course.cli.output import err, fail, guarded, out
from course.startup import skip_slow_imports

app = typer.Typer(
    help="Graded safety assessments with nbgrader (instructor commands).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@dataclass(frozen=True)
class GradeOptions:
    """The options given before the sub-command (``ctx.obj`` of every ``grade`` command)."""

    course_dir: Path
    db_url: str | None


_COURSE_DIR_HELP = "The nbgrader course directory (before or after the sub-command)."
_DB_URL_HELP = "Gradebook URL, sqlite:///... or postgresql://... (before or after the sub-command)."
CourseDirOption = Annotated[
    Path, typer.Option("--course-dir", help=_COURSE_DIR_HELP, show_default=True)
]
#: The same two options on every sub-command: ``grade release A --course-dir X`` works too.
CourseDirAfter = Annotated[
    Path | None, typer.Option("--course-dir", help=_COURSE_DIR_HELP, show_default=False)
]
DbUrlAfter = Annotated[str | None, typer.Option("--db-url", help=_DB_URL_HELP)]


def _course(ctx: typer.Context, course_dir: Path | None = None, db_url: str | None = None) -> Any:
    """The course of the options given after the sub-command, else before it."""
    skip_slow_imports()  # nbgrader's schemas use no iri format; a second saved per command
    from course.grading.course import Course

    before = ctx.find_object(GradeOptions) or GradeOptions(Path("grading"), None)
    root: Path = course_dir if course_dir is not None else before.course_dir
    if not root.is_dir():
        fail(f"course directory {root} does not exist")
    return Course.open(root, db_url=db_url if db_url is not None else before.db_url)


@app.callback()
def main(
    ctx: typer.Context,
    course_dir: CourseDirOption = Path("grading"),
    db_url: DbUrlAfter = None,
) -> None:
    """Graded safety assessments with nbgrader. Education, not diagnosis."""
    ctx.obj = GradeOptions(course_dir, db_url)


def _disclaimer() -> None:
    from course.content.loader import load_content

    typer.echo(load_content().disclaimer)


@app.command()
@guarded
def build(
    ctx: typer.Context,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 naming every stale file.")
    ] = False,
    item_docs: Annotated[
        Path | None,
        typer.Option(
            "--item-docs",
            help="Also write (or check) the instructor's page of every item and key, e.g. "
            "docs/assessment_items.md.",
        ),
    ] = None,
    course_dir: CourseDirAfter = None,
) -> None:
    """Build the source notebooks source/<a>/<a>.ipynb from the item banks source/*.yaml."""
    from rich.markup import escape

    from course.grading.build.source import Built, build_all, write

    course = _course(ctx, course_dir)
    files = build_all(course.root, course.config)
    if item_docs is not None:
        from course.grading.build.item_docs import render

        files.append(Built("item docs", item_docs, render(course.root)))
    if check:
        stale = [b for b in files if not b.current]
        for b in stale:
            err().print(f"stale: {_shown(b.path)}", markup=False, highlight=False)
        if stale:
            fail("rebuild with `ankle-course grade build` (same options, without --check)", 1)
        out().print(f"{len(files)} file(s) up to date", highlight=False)
        return
    for b in files:
        verb = "[green]wrote[/green]" if write(b) else "up to date"
        out().print(f"{escape(b.name)}: {verb} {escape(_shown(b.path))}", highlight=False)


def _shown(path: Path) -> str:
    """``path`` relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@app.command()
@guarded
def release(
    ctx: typer.Context,
    assignment: Annotated[str, typer.Argument(help="Assignment name.")],
    attempt: Annotated[
        int,
        typer.Option(
            "--attempt",
            min=1,
            help="A retake of a variant assessment: attempt N is the assignment "
            "<assignment>_attemptN, with new cases on the same blueprint.",
        ),
    ] = 1,
    course_dir: CourseDirAfter = None,
    db_url: DbUrlAfter = None,
) -> None:
    """Generate the learners' version (no solutions, no hidden tests) in release/."""
    from course.grading.release import release as do_release

    course = _course(ctx, course_dir, db_url)
    name = assignment
    if attempt > 1:
        from course.grading.release import prepare_retake

        name = prepare_retake(course, assignment, attempt)
    path = do_release(course, name)
    typer.echo(f"released {name} to {path}")


@app.command()
@guarded
def autograde(
    ctx: typer.Context,
    assignment: Annotated[str, typer.Argument(help="Assignment name.")],
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Parallel grading processes.")] = 2,
    force: Annotated[bool, typer.Option("--force", help="Regrade unchanged submissions.")] = False,
    student: Annotated[
        list[str] | None, typer.Option("--student", help="Grade only this learner (repeat).")
    ] = None,
    course_dir: CourseDirAfter = None,
    db_url: DbUrlAfter = None,
) -> None:
    """Mark every submission in submitted/ without running it (the gradebook written serially)."""
    from course.grading.autograde.run import autograde as do_autograde
    from course.grading.export.report import problem_lines

    course = _course(ctx, course_dir, db_url)
    summary = do_autograde(
        course, assignment, jobs=jobs, force=force, students=student, progress=sys.stderr.isatty()
    )
    graded = len(summary.graded)
    typer.echo(f"{assignment}: graded {graded}, unchanged and skipped {len(summary.skipped)}")
    for line in problem_lines(summary.graded):
        typer.echo(line)
    _disclaimer()
    if summary.ungradable:
        names = ", ".join(r["student_id"] for r in summary.ungradable)
        typer.echo(f"could not grade: {names}", err=True)
        raise typer.Exit(1)


@app.command()
@guarded
def feedback(
    ctx: typer.Context,
    assignment: Annotated[str, typer.Argument(help="Assignment name.")],
    student: Annotated[
        list[str] | None, typer.Option("--student", help="Only this learner (repeat).")
    ] = None,
    with_answers: Annotated[
        bool,
        typer.Option(
            "--with-answers",
            help="Also show the right answers and the rules (only once every learner has "
            "submitted: the pages then hold the key).",
        ),
    ] = False,
    course_dir: CourseDirAfter = None,
    db_url: DbUrlAfter = None,
) -> None:
    """Write HTML feedback to feedback/<student>/<assignment>/ (no key unless asked)."""
    from course.grading.export.feedback import generate_feedback

    written = generate_feedback(
        _course(ctx, course_dir, db_url), assignment, students=student, with_answers=with_answers
    )
    typer.echo(f"wrote {len(written)} feedback page(s) for {assignment}")


@app.command()
@guarded
def export(
    ctx: typer.Context,
    assignment: Annotated[str, typer.Argument(help="Assignment name.")],
    to: Annotated[Path, typer.Option("--to", help="The CSV file to write.")],
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", help="csv (all columns) or canvas (gradebook import)."),
    ] = ExportFormat.csv,
    canvas_assignment_id: Annotated[
        int | None,
        typer.Option(
            "--canvas-assignment-id",
            min=1,
            help="Canvas's numeric id of the assignment (its URL ends /assignments/N): the "
            "column is then 'Title (N)', which Canvas matches to that assignment.",
        ),
    ] = None,
    canvas_key: Annotated[
        CanvasKey,
        typer.Option("--canvas-key", help="The Canvas column that carries each learner's id."),
    ] = CanvasKey.sis_login_id,
    roster: Annotated[
        Path | None,
        typer.Option(
            "--roster",
            help="CSV with id, first_name, last_name (and optional section): "
            "names as 'Last, First' in the Student column.",
        ),
    ] = None,
    missing: Annotated[
        Missing,
        typer.Option("--missing", help="Canvas cell of a learner with no graded submission."),
    ] = Missing.blank,
    attempts: Annotated[
        Attempts | None,
        typer.Option(
            "--attempts",
            help="With retakes: which attempt counts per learner (best, last or first); "
            "the export states it.",
        ),
    ] = None,
    course_dir: CourseDirAfter = None,
    db_url: DbUrlAfter = None,
) -> None:
    """Export grades: plain CSV (all columns) or a Canvas gradebook import file."""
    from course.grading.export.results import CanvasOptions
    from course.grading.export.results import export as do_export

    canvas = CanvasOptions(
        assignment_id=canvas_assignment_id,
        key=canvas_key.value,
        roster=roster,
        missing=missing.value,
    )
    if fmt is not ExportFormat.canvas and (canvas_assignment_id is not None or roster is not None):
        fail("--canvas-assignment-id and --roster need --format canvas")
    policy = policy_of(attempts)
    count = do_export(
        _course(ctx, course_dir, db_url), assignment, to, fmt.value, canvas, attempts=policy
    )
    stated = f" ({policy} attempt per learner)" if policy else ""
    typer.echo(f"exported {count} learner(s) of {assignment}{stated} to {to}")
    _disclaimer()


@app.command()
@guarded
def report(
    ctx: typer.Context,
    assignment: Annotated[str, typer.Argument(help="Assignment name.")],
    items: Annotated[
        bool,
        typer.Option(
            "--items", help="Item analysis: per item (per rule family for variant assessments)."
        ),
    ] = False,
    html_dir: Annotated[
        Path | None,
        typer.Option("--html", help="Also write the item analysis with figures to this folder."),
    ] = None,
    attempts: Annotated[
        Attempts | None,
        typer.Option(
            "--attempts", help="With retakes: one row per learner, the best, last or first attempt."
        ),
    ] = None,
    attempt: Annotated[
        int | None,
        typer.Option("--attempt", min=1, help="Report on one attempt (a retake) only."),
    ] = None,
    course_dir: CourseDirAfter = None,
    db_url: DbUrlAfter = None,
) -> None:
    """A table of every learner's status, then one line per problem (or the item analysis)."""
    from rich.console import Console

    from course.grading.variants.retake import retake_name

    course = _course(ctx, course_dir, db_url)
    console = Console()
    if attempts is not None and attempt is not None:
        fail(
            "--attempts (a policy across attempts) and --attempt N (one attempt) exclude each other"
        )
    if attempt is not None:
        assignment = retake_name(assignment, attempt)
    if not items and html_dir is None:
        from course.grading.export.report import report as do_report

        do_report(course, assignment, console, attempts=policy_of(attempts))
        return
    if attempts is not None:
        fail("--attempts reports statuses; for the item analysis of one attempt use --attempt N")
    from course.grading.analysis.report import analysis_for, print_items, write_html
    from course.grading.export.results import collect

    analysis = analysis_for(course.root, assignment, collect(course, assignment))
    if items:
        print_items(analysis, console)
    if html_dir is not None:
        page = write_html(analysis, html_dir)
        typer.echo(f"wrote {page}")
    _disclaimer()


@app.command()
@guarded
def passback(
    assignment: Annotated[str, typer.Argument(help="Assignment name.")],
    course: Annotated[
        str, typer.Option("--course", help="The hub course whose grades go to its LMS course.")
    ],
    hub_dir: Annotated[
        Path, typer.Option("--hub-dir", help="The hub folder (hub setup's --hub-dir).")
    ] = Path("/srv/ankle-course"),
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be sent; send nothing.")
    ] = False,
    attempts: Annotated[
        Attempts | None,
        typer.Option(
            "--attempts",
            help="With retakes: which attempt counts per learner (best, last or first); one "
            "score to the first attempt's line item, its comment states it.",
        ),
    ] = None,
    db_url: DbUrlAfter = None,
) -> None:
    """Send every graded learner's score to the LMS gradebook (LTI Assignment and Grade
    Services); a rerun sends only what changed. Run as root on the hub."""
    skip_slow_imports()
    from course.cli.grade_passback import show_report
    from course.lti.passback import passback as do_passback

    report = do_passback(
        hub_dir.resolve(),
        course,
        assignment,
        dry_run=dry_run,
        attempts=policy_of(attempts),
        db_url=db_url,
    )
    show_report(report, assignment, dry_run=dry_run)
    _disclaimer()


if __name__ == "__main__":
    app()
