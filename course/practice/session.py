"""A learner's practice: draw a case, answer it, see why; kept in their progress file.

    p = Practice("ana")
    case = p.next_case()            # .id .family .text .asks_refer .situation
    fb = p.answer(case.id, "STOP", refer=False)
    fb.right, fb.reasons, fb.deciding, p.mastery(), p.ready()

Stories come from the practice templates (``course/content/practice.yaml``), never from the
graded bank, and from a seed space of their own (``"ankle-course practice"``, the learner,
the number of the draw), so practice can never show a learner one of their graded stories.
"""

from __future__ import annotations

import hashlib
import os
import uuid
import warnings
from dataclasses import dataclass

from pydantic import ValidationError

from course.content.text import text
from course.errors import PracticeError
from course.practice.bank import PracticeBank, Template
from course.practice.loader import load_practice_bank, profiles
from course.practice.schedule import (
    FamilyState,
    PracticeState,
    is_mastered,
    next_family,
    record,
)
from course.practice.stories import Span, Story, deciding_fields, render
from course.progress.store import ProgressStore, ProgressWarning
from course.safety import Assessment, Decision, Situation, assess

__all__ = ["DONT_KNOW", "SEED_SPACE", "Feedback", "Mastery", "Practice", "PracticeCase"]

#: The answer "I don't know": counted as wrong, and the explanation is shown.
DONT_KNOW = "DONT_KNOW"
#: The first part of every practice seed; the graded variants never use it.
SEED_SPACE = "ankle-course practice"
_TRIES = 24


def _digest(*parts: object) -> int:
    joined = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(joined.encode("utf-8")).digest()[:8], "big")


@dataclass(frozen=True)
class PracticeCase:
    """One practice story. Its key is not here: :meth:`Practice.answer` gives the feedback."""

    id: str
    family: str
    family_name: str
    text: str
    asks_refer: bool
    situation: Situation
    spans: tuple[Span, ...]
    template: str


@dataclass(frozen=True)
class Feedback:
    """What an answer earns: right or wrong, the policy's reasons and the deciding facts."""

    case: PracticeCase
    right: bool
    decision_right: bool
    refer_right: bool | None
    answered: str
    answered_refer: bool | None
    key: Decision
    refer: bool
    assessment: Assessment
    deciding: tuple[str, ...]
    """The situation fields whose change would change the decision."""
    highlighted: tuple[Span, ...]
    """The spans of the story that state a deciding fact."""
    mastered: bool
    ready: bool

    @property
    def reasons(self) -> tuple[tuple[str, str], ...]:
        """(rule id, explanation) of every rule that fires."""
        return tuple((r.rule, r.text) for r in self.assessment.reasons)

    @property
    def dont_know(self) -> bool:
        return self.answered == DONT_KNOW


@dataclass(frozen=True)
class Mastery:
    """One family's practice: mastered or not, its streak, box and counts."""

    family: str
    name: str
    critical: bool
    mastered: bool
    streak: int
    box: int
    right: int
    wrong: int


def _learner(given: str | None) -> str:
    if given is not None and str(given).strip():
        return str(given).strip()
    for name in ("ANKLE_COURSE_STUDENT", "JUPYTERHUB_USER"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return ""


class Practice:
    """Practise safety decisions until every critical rule family is mastered."""

    def __init__(self, learner: str | None = None, progress: ProgressStore | None = None) -> None:
        self.bank: PracticeBank = load_practice_bank()
        self.store = progress if progress is not None else ProgressStore()
        self.notice: str | None = None
        self.state = self._load()
        chosen = _learner(learner)
        if not chosen:
            chosen = self.state.learner or uuid.uuid4().hex[:12]
        if chosen != self.state.learner:
            self.state.learner = chosen
        self.learner = chosen
        self._pending: dict[str, tuple[PracticeCase, Template]] = {}
        self._critical = {
            family: any(profiles()[t.id].critical for t in self.bank.templates(family))
            for family in self.bank.families
        }

    # --- the progress file ---------------------------------------------------------------
    def _load(self) -> PracticeState:
        raw = self.store.practice()
        if raw is None:
            return PracticeState()
        try:
            state = PracticeState.model_validate(raw)
        except ValidationError:
            self.notice = text("practice.broken", path=self.store.path)
            warnings.warn(self.notice, ProgressWarning, stacklevel=3)
            return PracticeState()
        state.families = {k: v for k, v in state.families.items() if k in self.bank.families}
        return state

    def _save(self) -> None:
        self.store.save_practice(self.state.model_dump(mode="json"))

    def reset(self) -> bool:
        """Start practice afresh (the rest of the progress file is kept)."""
        self.state = PracticeState(learner=self.learner)
        self._pending.clear()
        return self.store.save_practice(None)

    # --- drawing --------------------------------------------------------------------------
    def families(self) -> tuple[tuple[str, bool], ...]:
        """(family, critical) in the content's order."""
        return tuple((family, self._critical[family]) for family in self.bank.families)

    def next_case(self, family: str | None = None) -> PracticeCase:
        """A fresh story: of ``family``, or of the family the boxes say is next."""
        if family is None:
            family = next_family(self.state, self.families())
        elif family not in self.bank.families:
            known = ", ".join(self.bank.families)
            raise PracticeError(text("practice.unknown_family", family=family, known=known))
        templates = self.bank.templates(family)
        avoid = {self.state.last_story, *self.state.family(family).streak}
        story: Story | None = None
        for attempt in range(_TRIES):
            seed = (SEED_SPACE, self.learner, self.state.drawn, attempt)
            template = templates[_digest(*seed, "template") % len(templates)]
            picked = {
                name: options[_digest(*seed, "choice", name) % len(options)]
                for name, options in sorted(template.choose.items())
            }
            story = render(
                self.bank,
                template,
                picked,
                _digest(*seed, "person"),
                _digest(*seed, "setting"),
            )
            key = _story_id(story.text)
            if key not in avoid:
                break
        assert story is not None
        self.state.drawn += 1
        asks_refer = _digest(SEED_SPACE, self.learner, key, "refer") % 2 == 0
        case = PracticeCase(
            id=key,
            family=family,
            family_name=self.bank.families[family].name,
            text=story.text,
            asks_refer=asks_refer,
            situation=story.situation,
            spans=story.spans,
            template=template.id,
        )
        self._pending = {key: (case, template)}
        return case

    # --- answering ------------------------------------------------------------------------
    def answer(
        self, case_id: str, decision: Decision | str | None, refer: bool | None = None
    ) -> Feedback:
        """Check an answer to the case just drawn, record it, and say why.

        ``decision`` is a :class:`~course.safety.Decision`, its name, or ``None`` /
        :data:`DONT_KNOW` for "I don't know" (wrong, with the explanation).
        """
        if case_id not in self._pending:
            raise PracticeError(text("practice.not_pending", case=case_id))
        answered = _decision_name(decision)
        case, _template = self._pending.pop(case_id)
        result = assess(case.situation)
        decision_right = answered == result.decision.value
        refer_right: bool | None = None
        if case.asks_refer:
            refer_right = refer is not None and bool(refer) == result.refer
        right = decision_right and refer_right is not False
        record(self.state, case.family, case.id, right)
        self._save()
        stated = sorted({f for span in case.spans for f in span.fields})
        deciding = deciding_fields(case.situation, stated)
        return Feedback(
            case=case,
            right=right,
            decision_right=decision_right,
            refer_right=refer_right,
            answered=answered,
            answered_refer=refer,
            key=result.decision,
            refer=result.refer,
            assessment=result,
            deciding=deciding,
            highlighted=tuple(s for s in case.spans if set(s.fields) & set(deciding)),
            mastered=is_mastered(self.state.family(case.family)),
            ready=self.ready(),
        )

    # --- mastery ---------------------------------------------------------------------------
    def mastery(self) -> dict[str, bool]:
        """Rule family -> mastered (right first time on three different stories in a row)."""
        return {
            family: is_mastered(self.state.families.get(family, FamilyState()))
            for family in self.bank.families
        }

    def table(self) -> tuple[Mastery, ...]:
        """Every family's mastery, box and counts, critical families first."""
        rows = []
        for family, critical in self.families():
            fam = self.state.families.get(family, FamilyState())
            rows.append(
                Mastery(
                    family=family,
                    name=self.bank.families[family].name,
                    critical=critical,
                    mastered=is_mastered(fam),
                    streak=len(set(fam.streak)),
                    box=fam.box,
                    right=fam.right,
                    wrong=fam.wrong,
                )
            )
        return tuple(sorted(rows, key=lambda r: not r.critical))

    def ready(self) -> bool:
        """Every critical family mastered: ready for the graded assessment."""
        done = self.mastery()
        return all(done[family] for family, critical in self.families() if critical)


def _story_id(story: str) -> str:
    return "p" + hashlib.sha256(story.encode("utf-8")).hexdigest()[:11]


def _decision_name(decision: Decision | str | None) -> str:
    if decision is None:
        return DONT_KNOW
    if isinstance(decision, Decision):
        return decision.value
    name = str(decision).strip().upper()
    valid = [d.value for d in Decision]
    if name in valid or name == DONT_KNOW:
        return name
    raise PracticeError(
        text("practice.bad_decision", value=decision, valid=", ".join([*valid, DONT_KNOW]))
    )
