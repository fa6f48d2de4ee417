"""The ``ankle-course`` command line.

Heavy modules (matplotlib, ipywidgets, nbgrader, jupyter) are imported inside the commands
that need them, so ``ankle-course assess`` and ``ankle-course validate`` start quickly.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

# Each sub-command's module keeps its heavy imports inside the command function.
from course.cli.output import fail
from course.cli.voila_app import CONTEXT as VOILA_CONTEXT
from course.cli.voila_app import app as voila_app_command
from course.export_html import export_html_command
from course.grading.cli import app as grade_app
from course.hub.cli import app as hub_app
from course.progress.cli import progress as progress_command
from course.safety.situation import Situation

app = typer.Typer(
    name="ankle-course",
    help="A Jupyter course on safe ankle massage. Education, not diagnosis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_out = Console(soft_wrap=True)
_err = Console(stderr=True, soft_wrap=True)


@app.command()
def lab(
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir", help="Your course folder (default: $ANKLE_COURSE_HOME or ~/ankle-course)."
        ),
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port for JupyterLab.", min=1, max=65535)] = None,
    browser: Annotated[bool, typer.Option(help="Open a web browser.")] = True,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Prepare the folder and print the command only.")
    ] = False,
) -> None:
    """Open the course in JupyterLab, starting at the welcome notebook."""
    from course.workspace import default_workspace, lab_command, lab_environment, sync_workspace

    workspace = (directory or default_workspace()).expanduser().resolve()
    try:
        report = sync_workspace(workspace)
    except OSError as exc:
        fail(str(exc))
    if report.copied:
        _out.print(f"Copied {len(report.copied)} notebooks into {workspace}")
    for name in report.new_versions:
        _out.print(f"Kept your edited notebook; the course's new version is {name}")
    command = lab_command(workspace, port=port, open_browser=browser)
    try:
        env = lab_environment(workspace)
    except OSError as exc:
        fail(f"cannot write the course's JupyterLab settings in {workspace}: {exc.strerror}")
    if dry_run:
        config_path = f"JUPYTER_CONFIG_PATH={env['JUPYTER_CONFIG_PATH']}"
        _out.print(" ".join([config_path, *command]), markup=False, highlight=False)
        return
    _out.print(f"Opening the course in JupyterLab from {workspace} (Ctrl+C to stop)")
    try:
        raise typer.Exit(subprocess.call(command, cwd=workspace, env=env))
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


@app.command()
def validate() -> None:
    """Check every course data file; report problems by file, record and field."""
    from course.validate import run_checks

    failed = False
    for result in run_checks():
        mark = "[green]ok[/green]" if result.ok else "[red]FAILED[/red]"
        _out.print(f"{mark} {result.label}")
        if not result.ok:
            failed = True
            _err.print(f"  {result.message}", markup=False, highlight=False)
    if failed:
        raise typer.Exit(1)
    from course.content.loader import load_content

    content = load_content()
    _out.print(
        f"{len(content.structures)} structures, {len(content.techniques)} techniques, "
        f"{len(content.rules)} safety rules, {len(content.lessons)} lessons"
    )


def _assess(**fields: Any) -> None:
    """Decide whether massage is safe for a situation (education, not diagnosis)."""
    as_json = fields.pop("as_json")
    given = {name: value for name, value in fields.items() if value is not None}
    try:
        situation = Situation(**given)
    except ValidationError as exc:
        fail(_situation_error(exc))
    from course.safety import assess

    result = assess(situation)
    if as_json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    from course.content.loader import load_content

    info = load_content().decisions[result.decision.value]
    _out.print(f"[bold]Decision:[/bold] {info.label} ({result.decision.value}) — {info.meaning}")
    _out.print(f"[bold]Refer to a professional:[/bold] {'yes' if result.refer else 'no'}")
    _out.print("[bold]Reasons:[/bold]")
    for reason in result.reasons:
        _out.print(f"  • {escape('[' + reason.rule + ']')} {escape(reason.text)}", highlight=False)
    _out.print(f"[italic]{result.disclaimer}[/italic]")


def _situation_error(exc: ValidationError) -> str:
    """One line naming the option, e.g. ``--pain: Input should be ...``."""
    error = exc.errors()[0]
    message = str(error["msg"]).removeprefix("Value error, ")
    name = ".".join(str(p) for p in error["loc"])
    if not name:  # a whole-model rule: its message starts with the field name
        name, _, message = message.partition(": ")
    option = "--" + name.replace("_", "-") if name in Situation.model_fields else name
    return f"{option}: {message}"


def _option_type(annotation: Any) -> type:
    """The command-line type of a Situation field: bool, int, float, or str for choices."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (Union, UnionType, Annotated):
        return _option_type(args[0])
    if get_origin(annotation) is Literal or annotation is str:
        return str
    if annotation in (bool, int, float):
        return annotation  # type: ignore[no-any-return]
    raise TypeError(f"no command-line option type for {annotation!r}")


def _assess_signature() -> inspect.Signature:
    parameters = []
    for name, info in Situation.model_fields.items():
        option = "--" + name.replace("_", "-")
        value_type = _option_type(info.annotation)
        annotation: Any = value_type | None
        decls = [f"{option}/--no-{option[2:]}"] if value_type is bool else [option]
        default = info.default
        parameters.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=Annotated[
                    annotation,
                    typer.Option(
                        *decls,
                        help=f"{info.description} " + escape(f"[default: {default}]"),
                        show_default=False,
                    ),
                ],
            )
        )
    parameters.append(
        inspect.Parameter(
            "as_json",
            inspect.Parameter.KEYWORD_ONLY,
            default=False,
            annotation=Annotated[bool, typer.Option("--json", help="Print JSON for machines.")],
        )
    )
    return inspect.Signature(parameters)


_assess.__signature__ = _assess_signature()  # type: ignore[attr-defined]
app.command("assess")(_assess)

app.command("app", context_settings=VOILA_CONTEXT)(voila_app_command)
app.command("progress")(progress_command)
app.command("export-html")(export_html_command)
app.add_typer(grade_app, name="grade")
app.add_typer(hub_app, name="hub")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``ankle-course`` console script; returns the exit status."""
    try:
        result = app(args=argv, prog_name="ankle-course", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        _err.print("ankle-course: aborted")
        return 1
    except typer.TyperException as exc:
        # click usage errors: a wrong option, a bad value, a missing argument
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        _err.print(f"ankle-course: error: {message}", markup=False, highlight=False)
        return int(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        return 130
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
