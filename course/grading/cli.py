"""``ankle-course grade``: release, autograde, feedback, export and report.

nbgrader and jupyter are imported inside the commands, so ``ankle-course assess`` stays light.
Expected problems print one line and exit 2; autograde exits 1 only when some submission
could not be graded at all.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from course.grading import GradingError

app = typer.Typer(
    help="Graded safety assessments with nbgrader (instructor commands).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_STATE: dict[str, Any] = {}

CourseDirOption = Annotated[
    Path, typer.Option("--course-dir", help="The nbgrader course directory.", show_default=True)
]


class ExportFormat(StrEnum):
    csv = "csv"
    canvas = "canvas"


def _fail(message: str) -> NoReturn:
    typer.echo(f"ankle-course: error: {message}", err=True)
    raise typer.Exit(2)


def _course(timeout: int | None = None) -> Any:
    from course.grading.course import Course

    root: Path = _STATE["course_dir"]
    if not root.is_dir():
        _fail(f"course directory {root} does not exist")
    return Course.open(root, db_url=_STATE.get("db_url"), timeout=timeout)


@app.callback()
def main(
    course_dir: CourseDirOption = Path("grading"),
    db_url: Annotated[
        str | None,
        typer.Option("--db-url", help="Gradebook URL (sqlite:///... or postgresql://...)."),
    ] = None,
) -> None:
    """Graded safety assessments with nbgrader. Education, not diagnosis."""
    _STATE["course_dir"] = course_dir
    _STATE["db_url"] = db_url


def _disclaimer() -> None:
    from course.loader import load_content

    typer.echo(load_content().disclaimer)


def _guard(func: Any) -> Any:
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GradingError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            typer.echo("interrupted: run the command again to finish", err=True)
            raise typer.Exit(130) from None

    return wrapper


@app.command()
@_guard
def release(assignment: Annotated[str, typer.Argument(help="Assignment name.")]) -> None:
    """Generate the learners' version (no solutions, no hidden tests) in release/."""
    from course.grading.release import release as do_release

    path = do_release(_course(), assignment)
    typer.echo(f"released {assignment} to {path}")


@app.command()
@_guard
def autograde(
    assignment: Annotated[str, typer.Argument(help="Assignment name.")],
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Parallel grading processes.")] = 2,
    timeout: Annotated[
        int | None, typer.Option("--timeout", help="Seconds a cell may run (default: config).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Regrade unchanged submissions.")] = False,
    student: Annotated[
        list[str] | None, typer.Option("--student", help="Grade only this learner (repeat).")
    ] = None,
) -> None:
    """Grade every submission in submitted/ (in parallel; the gradebook is written serially)."""
    from course.grading.autograde import autograde as do_autograde
    from course.grading.report import problem_lines

    course = _course(timeout=timeout)
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
@_guard
def feedback(
    assignment: Annotated[str, typer.Argument(help="Assignment name.")],
    student: Annotated[
        list[str] | None, typer.Option("--student", help="Only this learner (repeat).")
    ] = None,
) -> None:
    """Write leak-free HTML feedback to feedback/<student>/<assignment>/."""
    from course.grading.feedback import generate_feedback

    written = generate_feedback(_course(), assignment, students=student)
    typer.echo(f"wrote {len(written)} feedback page(s) for {assignment}")


@app.command()
@_guard
def export(
    assignment: Annotated[str, typer.Argument(help="Assignment name.")],
    to: Annotated[Path, typer.Option("--to", help="The CSV file to write.")],
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", help="csv (all columns) or canvas (gradebook import)."),
    ] = ExportFormat.csv,
) -> None:
    """Export grades: student_id,score,max_score,percent,passed,critical_misses,status."""
    from course.grading.export import export as do_export

    count = do_export(_course(), assignment, to, fmt.value)
    typer.echo(f"exported {count} learner(s) of {assignment} to {to}")
    _disclaimer()


@app.command()
@_guard
def report(
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
) -> None:
    """A table of every learner's status, then one line per problem (or the item analysis)."""
    from rich.console import Console

    course = _course()
    console = Console()
    if not items and html_dir is None:
        from course.grading.report import report as do_report

        do_report(course, assignment, console)
        return
    from course.grading.export import collect
    from course.grading.item_report import analysis_for, print_items, write_html

    analysis = analysis_for(course.root, assignment, collect(course, assignment))
    if items:
        print_items(analysis, console)
    if html_dir is not None:
        page = write_html(analysis, html_dir)
        typer.echo(f"wrote {page}")
    _disclaimer()


if __name__ == "__main__":
    app()
