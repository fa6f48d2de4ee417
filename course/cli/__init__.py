"""The ``ankle-course`` command line: one thin module per command group (like nbgrader's apps).

Each module parses options, calls the library and prints; expected errors are
:class:`course.errors.CourseError` subclasses printed once by :mod:`course.cli.output`. Heavy
modules (matplotlib, ipywidgets, nbgrader, jupyter) are imported inside the commands that need
them, so ``ankle-course assess`` and ``ankle-course validate`` start quickly.
"""

from __future__ import annotations

import typer

from course.cli import assess, export_html, grade, hub, lab, progress, validate, voila_app
from course.cli.output import err
from course.errors import CourseError

__all__ = ["app", "main"]

app = typer.Typer(
    name="ankle-course",
    help="A Jupyter course on safe ankle massage. Education, not diagnosis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("lab")(lab.lab)
app.command("validate")(validate.validate)
app.command("assess")(assess.assess)
app.command("app", context_settings=voila_app.CONTEXT)(voila_app.app)
app.command("progress")(progress.progress)
app.command("export-html")(export_html.export_html)
app.add_typer(grade.app, name="grade")
app.add_typer(hub.app, name="hub")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``ankle-course`` console script; returns the exit status."""
    try:
        result = app(args=argv, prog_name="ankle-course", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        err().print("ankle-course: aborted")
        return 1
    except typer.TyperException as exc:
        # click usage errors: a wrong option, a bad value, a missing argument
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        err().print(f"ankle-course: error: {message}", markup=False, highlight=False)
        return int(getattr(exc, "exit_code", 2))
    except CourseError as exc:  # a command without @guarded: still one line, no traceback
        err().print(f"ankle-course: error: {exc}", markup=False, highlight=False)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    return result if isinstance(result, int) else 0
