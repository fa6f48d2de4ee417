"""Whether an answer is *well formed*: the learners' check cells and ``nbgrader validate``.

The released notebooks' setup cell makes ``check = AnswerCheck(ANSWERS, globals())``; each
visible test cell calls ``check("q01")``. A well-formed answer prints one line; an answer that
is missing, not one of the valid names (or True/False), or not written as a plain literal in
the cell (``q01 = "ST" + "OP"``: the grader reads answers, it never runs them) raises
:class:`AnswerError` naming the item, so ``nbgrader validate`` and the Validate button
fail on it. Nothing here knows a key: a check never says whether an answer is right.

The same :func:`form_problem` words the grader's own check output in the autograded notebook.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from course.content.text import text
from course.errors import AnswerError
from course.grading.marking.submission import NOT_SIMPLE, read_cell

__all__ = ["AnswerCheck", "AnswerError", "form_problem"]

Options = Sequence[Any]

#: The options of a picture question: any name ``course.content.anatomy.find()`` resolves is well
#: formed (whether it names the *marked* structure is never said).
STRUCTURE_NAME: tuple[str] = ("<any name of a structure of the course>",)


def _is_bool_options(options: Options) -> bool:
    return tuple(options) == (True, False)


def _form(name: str, options: Options) -> str:
    """How to write ``name`` (no example value: an example could be read as a hint)."""
    key = "graded.form_bool" if _is_bool_options(options) else "graded.form_name"
    return text(key, name=name)


def form_problem(name: str, value: Any, options: Options) -> str | None:
    """Why ``value`` is not a well-formed answer called ``name`` (None when it is).

    ``value`` is what the cell holds (None: unanswered; :data:`NOT_SIMPLE`: not a literal).
    """
    if value is None:
        return text("graded.unanswered", name=name)
    if isinstance(value, str) and value == NOT_SIMPLE:
        return text("graded.not_simple", name=name, form=_form(name, options))
    if _is_bool_options(options):
        if value is True or value is False:
            return None
        return text("graded.not_bool", name=name, value=repr(value))
    if tuple(options) == STRUCTURE_NAME:
        return _structure_problem(name, value)
    if isinstance(value, str) and value in options:
        return None
    return text(
        "graded.not_option", name=name, value=repr(value), options=", ".join(map(str, options))
    )


def _structure_problem(name: str, value: Any) -> str | None:
    """None when ``value`` names a structure of the course (any one), else why not."""
    from course.content.anatomy import find

    if not isinstance(value, str):
        return text("graded.not_structure", name=name, problem=f"{value!r} is not a name")
    try:
        find(value)
    except LookupError as exc:
        return text("graded.not_structure", name=name, problem=str(exc))
    return None


def _history_answer(namespace: Mapping[str, Any], name: str) -> Any:
    """The answer ``name`` as the grader would read it from the last cell run that binds it.

    IPython keeps every cell run in ``In``; the last one that binds ``name`` (the cell now
    running excluded) is read statically. ``...`` (Ellipsis) when there is no such history.
    """
    history = namespace.get("In")
    if not isinstance(history, list) or len(history) < 2:
        return ...
    for source in reversed(history[:-1]):
        if not isinstance(source, str) or name not in source:
            continue
        found, _, others = read_cell(source, (name,))
        if name in found:
            return found[name]
        if name in others:  # bound some other way (a loop, an import, ...)
            return NOT_SIMPLE
    return ...


class AnswerCheck:
    """``check("q01")`` in a graded notebook; ``check.all()`` checks every answer."""

    def __init__(self, answers: Mapping[str, Options], namespace: MutableMapping[str, Any]):
        self.answers = dict(answers)
        self.namespace = namespace

    def problem(self, name: str) -> str | None:
        """Why the answer ``name`` is not well formed now (None when it is)."""
        options = self.answers[name]
        value = self.namespace.get(name)
        problem = form_problem(name, value, options)
        if problem is None:
            written = _history_answer(self.namespace, name)
            if written is not ... and (written is NOT_SIMPLE or written != value):
                problem = form_problem(name, NOT_SIMPLE, options)
        return problem

    def __call__(self, name: str) -> None:
        problem = self.problem(name)
        if problem is not None:
            raise AnswerError(problem)
        print(text("graded.well_formed", name=name))

    def all(self) -> None:
        """Print one line per answer; never raises (the check cells carry the failures)."""
        failed = []
        for name in self.answers:
            problem = self.problem(name)
            print(problem or text("graded.well_formed", name=name))
            if problem is not None:
                failed.append(name)
        print(
            text("graded.failed", names=", ".join(failed)) if failed else text("graded.summary_ok")
        )
