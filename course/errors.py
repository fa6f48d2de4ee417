"""Every expected error of the course, in one hierarchy.

An expected problem (bad data, a missing folder, a failed system command) raises a
:class:`CourseError` subclass whose message is one line a person can act on. The command line
prints it as ``ankle-course: error: MESSAGE`` and exits with :attr:`CourseError.exit_code`
(``course.cli.output.guarded``); anything else is a bug and keeps its traceback.

The second base class of each family (``ValueError``, ``OSError``, ``RuntimeError``) is the
built-in type the error was before it joined this hierarchy, so existing ``except`` clauses
keep working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from subprocess import CompletedProcess

    from pydantic import ValidationError

__all__ = [
    "AmbiguousNameError",
    "AnswerError",
    "CasesError",
    "ConditionError",
    "ContentError",
    "CourseError",
    "ExportError",
    "FeedbackError",
    "GeometryError",
    "GradingError",
    "HubError",
    "HubSetupError",
    "HubSystemError",
    "LaunchRefusedError",
    "LtiBusyError",
    "LtiConfigError",
    "LtiError",
    "LtiServiceError",
    "PracticeError",
    "ProgressError",
    "RefusedError",
    "RosterError",
    "SandboxUnavailableError",
    "WorkspaceError",
    "command_error",
]


class CourseError(Exception):
    """An expected problem; the message is one line for a person to read."""

    exit_code = 2


# --- course data ---------------------------------------------------------------------------
class ContentError(CourseError, ValueError):
    """Invalid course content. The message names the file, the record and the field."""

    def __init__(self, file: str, record: str, field: str, problem: str) -> None:
        self.file, self.record, self.field, self.problem = file, record, field, problem
        super().__init__(f"{file}: record {record}: field {field}: {problem}")

    @classmethod
    def from_validation(
        cls, file: str, record: str, exc: ValidationError, prefix: tuple[str, ...] = ()
    ) -> ContentError:
        """The first problem of a pydantic error, with its field path (under ``prefix``)."""
        error = exc.errors()[0]
        field = ".".join([*prefix, *(str(part) for part in error["loc"])]) or "-"
        return cls(file, record, field, str(error["msg"]).removeprefix("Value error, "))


class _Named(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...


class _Ambiguity(Protocol):
    @property
    def candidates(self) -> tuple[_Named, ...]: ...
    @property
    def explanation(self) -> str: ...


class AmbiguousNameError(CourseError, LookupError):
    """The words name several structures; ``candidates`` and ``explanation`` say which and why.

    Raised by ``course.content.anatomy.find`` with an ``Ambiguity`` of ``anatomy.yaml``.
    """

    def __init__(self, text: str, ambiguity: _Ambiguity) -> None:
        self.candidates = ambiguity.candidates
        self.explanation = ambiguity.explanation
        names = ", ".join(repr(s.name) for s in ambiguity.candidates)
        super().__init__(f"{text!r} can mean several structures: {names}. {self.explanation}")


class ConditionError(CourseError, ValueError):
    """A malformed safety-rule condition; the message says where in the condition."""


class GeometryError(CourseError, ValueError):
    """Malformed diagram geometry; the message names the file and the structure."""

    def __init__(self, file: str, structure: str, problem: str) -> None:
        self.file, self.structure, self.problem = file, structure, problem
        super().__init__(f"{file}: structure {structure}: {problem}")


# --- learners' files ---------------------------------------------------------------------------
class WorkspaceError(CourseError, OSError):
    """The learner's course folder cannot be prepared (``ankle-course lab``)."""


class ProgressError(CourseError, OSError):
    """The learner's progress file cannot be changed (``ankle-course progress --reset``).

    Reading never raises it: a damaged or unreadable file gives a ``ProgressWarning``.
    """


class PracticeError(CourseError, ValueError):
    """A practice case that does not exist, or an answer that is not one of the decisions."""


class ExportError(CourseError, OSError):
    """The lessons cannot be exported to HTML (no notebooks, no folder, a notebook failed)."""


class CasesError(CourseError):
    """A learner's variant cases cannot be shown (no table, unknown id, damaged file)."""


# --- graded assessments ----------------------------------------------------------------------
class GradingError(CourseError):
    """An expected grading problem (bad course directory, unknown assignment, ...)."""


class SandboxUnavailableError(GradingError):
    """Submissions that must run cannot be executed safely here."""


class AnswerError(GradingError):
    """An answer that is missing, not a valid name or not a plain literal (never: wrong).

    Raised in learners' kernels by ``course.grading.wellformed.AnswerCheck``.
    """

    def _render_traceback_(self) -> list[str]:
        """What IPython (and so ``nbgrader validate``) shows: the message, no traceback,
        wrapped so nbgrader's 90-column report never cuts it."""
        import textwrap

        return textwrap.wrap(f"{type(self).__name__}: {self}", width=80)


# --- a class on one server (JupyterHub) -----------------------------------------------------
class HubError(CourseError, RuntimeError):
    """An expected problem while running a class on one server."""


class HubSetupError(HubError):
    """An expected problem during setup or teardown."""


class HubSystemError(HubError):
    """A system command failed; the message names the command and its error output."""


class FeedbackError(HubError):
    """Feedback could not be released; the message says why."""


class RosterError(HubError, ValueError):
    """A problem with the roster file; the message names the file and the row."""


class RefusedError(HubError):
    """An inbound entry that collect will not take; the message is the reason."""


# --- the school's LMS (LTI 1.3) -------------------------------------------------------------
class LtiError(HubError):
    """An expected problem with the LMS connection (LTI 1.3)."""


class LtiConfigError(LtiError, ValueError):
    """PLATFORM.json or the tool's key is missing, unreadable or wrong; the message names the
    file and the field."""


class LaunchRefusedError(LtiError):
    """A launch (or deep-linking request) from the LMS that is refused; the message is what the
    person sees on the refusal page (never a secret)."""

    status = 403


class LtiServiceError(LtiError):
    """The LMS's grade or roster service refused a request or could not be reached; the message
    names the service and the cause in one line."""


class LtiBusyError(LtiServiceError):
    """The LMS kept answering 429 or 5xx (or did not answer) after the retries."""

    def __init__(self, status: int | str) -> None:
        super().__init__(f"the LMS kept failing ({status}); run the command again later")
        self.status = status


# --- a failed command ----------------------------------------------------------------------
_E = TypeVar("_E", bound=CourseError)


def command_error(error: type[_E], what: str, result: CompletedProcess[str]) -> _E:
    """``error("WHAT: LAST")`` for a command that failed: LAST is the last line of its stderr
    (else of its standard output, else its exit status), which is where a tool says why."""
    lines = (result.stderr or result.stdout or "").strip().splitlines()
    return error(f"{what}: {lines[-1].strip() if lines else f'exit status {result.returncode}'}")
