"""``ankle-course assess``: the safety decision for a situation given as options.

One option per :class:`course.safety.Situation` field, generated from the model, so a new
field is a new option without an edit here.
"""

from __future__ import annotations

import inspect
import json
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import typer
from pydantic import ValidationError
from rich.markup import escape

from course.cli.output import fail, out
from course.safety.situation import Situation

__all__ = ["assess"]


def _assess(**fields: Any) -> None:
    """Decide whether massage is safe for a situation (education, not diagnosis)."""
    as_json = fields.pop("as_json")
    given = {name: value for name, value in fields.items() if value is not None}
    try:
        situation = Situation(**given)
    except ValidationError as exc:
        fail(_situation_error(exc))
    from course.content.loader import load_content
    from course.content.text import text
    from course.safety import assess
    from course.safety.hands import hands_for

    result = assess(situation)
    content = load_content()
    hands = hands_for(result)
    if as_json:
        data = {**result.to_dict(), "hands": hands.to_dict(content.techniques)}
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    info = content.decisions[result.decision.value]
    decision = f"{info.label} ({result.decision.value}) — {info.meaning}"
    _line(text("assess.decision"), decision)
    _line(text("scenario.hands"))
    for line in hands.summaries:
        out().print(f"  • {escape(line)}", highlight=False)
    left_out = hands.left_out(content.techniques)
    if left_out:
        _line(text("scenario.left_out"), "; ".join(f"{t.order}. {t.name}" for t in left_out))
    _line(text("assess.refer"), text("assess.refer_yes" if result.refer else "assess.refer_no"))
    _line(text("assess.reasons"))
    for reason in result.reasons:
        out().print(f"  • {escape('[' + reason.rule + ']')} {escape(reason.text)}", highlight=False)
    out().print(f"[italic]{escape(result.disclaimer)}[/italic]")


def _line(label: str, value: str = "") -> None:
    """``label:`` in bold, then ``value``: both content words, never read as markup."""
    out().print(f"[bold]{escape(label)}:[/bold] {escape(value)}".rstrip(), highlight=False)


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


assess = _assess
