"""Pure functions behind the widgets: info panels, search, quiz state, routine, motion text.

Nothing here imports ipywidgets, so all of it is tested without a kernel.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from course.content.loader import CourseContent, load_content
from course.content.text import ui_text
from course.diagrams.draw import check_layers, check_structures, kind_of, visible_ids
from course.diagrams.geometry import VIEWS, check_view, load_view
from course.diagrams.palette import LAYERS, layer_of
from course.safety.hands import technique_changes

__all__ = [
    "QuizState",
    "SearchResult",
    "accessible_names",
    "info_html",
    "info_panels",
    "motion_valuetext",
    "quiz_answer",
    "quiz_labels",
    "quiz_skip",
    "quiz_start",
    "routine",
    "routine_step",
    "search",
    "technique_announcement",
    "technique_details_html",
    "views_showing",
]


def _content() -> CourseContent:
    return load_content()


# --- structures ------------------------------------------------------------------


def views_showing(structure_id: str) -> tuple[str, ...]:
    """The views that draw ``structure_id``."""
    return tuple(v for v in VIEWS if structure_id in load_view(v).structures)


@cache
def info_html(structure_id: str | None) -> str:
    """The info panel for a structure: name, synonyms, role, techniques, cautions."""
    if structure_id is None:
        return f'<p class="ankle-info-empty">{html.escape(ui_text("info.empty"))}</p>'
    from course.content.anatomy import get

    s = get(structure_id)
    content = _content()
    esc = html.escape
    rows: list[tuple[str, str]] = [(ui_text("info.kind"), ui_text(f"kinds.{s.kind}"))]
    if s.synonyms:
        rows.append((ui_text("info.synonyms"), ", ".join(s.synonyms)))
    works = [t.name for t in content.techniques if structure_id in t.structures]
    avoids = [t.name for t in content.techniques if structure_id in t.avoid]
    light = [t.name for t in content.techniques if structure_id in content.light_touch_only(t.id)]
    rows.append((ui_text("info.techniques"), ", ".join(works) or ui_text("info.none")))
    if avoids:
        rows.append((ui_text("info.avoided_by"), ", ".join(avoids)))
    if light:
        rows.append((ui_text("info.light_touch_by"), ", ".join(light)))
    if s.contains:
        rows.append(
            (ui_text("info.contains"), ", ".join(content.structures[c].name for c in s.contains))
        )
    rows.append(
        (
            ui_text("info.views"),
            ", ".join(ui_text(f"views.{v}") for v in views_showing(structure_id)),
        )
    )
    body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
    cautions = ""
    if s.cautions:
        items = "".join(f"<li>{esc(c)}</li>" for c in s.cautions)
        cautions = (
            f'<div class="ankle-caution" role="note"><strong>{esc(ui_text("info.cautions"))}'
            f"</strong><ul>{items}</ul></div>"
        )
    return (
        f'<h3 class="ankle-info-name">{esc(s.name)}</h3><p>{esc(s.description)}</p>'
        f'<dl class="ankle-info-facts">{body}</dl>{cautions}'
        f'<p class="ankle-disclaimer">{esc(content.disclaimer)}</p>'
    )


def info_panels(view: str, layers: Iterable[str] | None = None) -> dict[str, str]:
    """Info panel HTML of every visible structure, for the browser to switch without Python."""
    return {sid: info_html(sid) for sid in visible_ids(load_view(view), check_layers(layers))}


def accessible_names(view: str, layers: Iterable[str] | None = None) -> dict[str, str]:
    """Accessible name (``aria-label``) of each visible structure: its name and kind."""
    content = _content()
    ids = visible_ids(load_view(view), check_layers(layers))
    return {
        sid: f"{content.structures[sid].name} ({ui_text(f'kinds.{kind_of(sid)}')})" for sid in ids
    }


@dataclass(frozen=True)
class SearchResult:
    """Where a search lands: the structure, the view and layers to show it, and a message."""

    structure_id: str | None
    view: str
    layers: tuple[str, ...]
    message: str


def search(text: str, view: str, layers: Iterable[str] | None = None) -> SearchResult:
    """Resolve a name or synonym; switch view or add a layer when needed to show it."""
    from course.content.anatomy import AmbiguousNameError, find

    check_view(view)
    chosen = check_layers(layers)
    content = _content()
    try:
        structure = find(text)
    except AmbiguousNameError as exc:
        names = ", ".join(s.name for s in exc.candidates)
        message = ui_text(
            "explorer.ambiguous", text=text.strip(), explanation=exc.explanation, names=names
        )
        return SearchResult(None, view, chosen, message)
    except LookupError as exc:
        message = ui_text("explorer.not_found", text=text.strip())
        suggestion = str(exc).partition("did you mean ")[2].rstrip("?")
        if suggestion:
            message += " " + ui_text("explorer.suggest", names=suggestion)
        return SearchResult(None, view, chosen, message)
    sid = structure.id
    messages: list[str] = []
    target = view
    if sid not in load_view(view).structures:
        shown = views_showing(sid)
        if not shown:
            return SearchResult(None, view, chosen, ui_text("explorer.not_found", text=text))
        target = shown[0]
        messages.append(
            ui_text("explorer.switched_view", name=structure.name, view=ui_text(f"views.{target}"))
        )
    layer = layer_of(kind_of(sid))
    if layer not in chosen:
        chosen = tuple(x for x in LAYERS if x in (*chosen, layer))
        messages.append(
            ui_text("explorer.hidden_layer", name=structure.name, layer=ui_text(f"layers.{layer}"))
        )
    del content
    return SearchResult(sid, target, chosen, " ".join(messages))


# --- quiz ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizState:
    """A find-on-diagram quiz: targets in order, where we are, the score and the last feedback."""

    view: str
    targets: tuple[str, ...]
    index: int = 0
    score: int = 0
    missed: bool = False  # the current target already had a wrong answer
    found: tuple[str, ...] = ()
    revealed: tuple[str, ...] = ()
    feedback: str = ""
    history: tuple[tuple[str, str, bool], ...] = field(default=())

    @property
    def finished(self) -> bool:
        return self.index >= len(self.targets)

    @property
    def current(self) -> str | None:
        return None if self.finished else self.targets[self.index]

    @property
    def total(self) -> int:
        return len(self.targets)

    def prompt(self) -> str:
        if self.current is None:
            return ui_text("quiz.done", score=self.score, total=self.total)
        return ui_text("quiz.prompt", name=_content().structures[self.current].name)


def quiz_start(view: str, structures: Sequence[str] | None = None) -> QuizState:
    """A new quiz on ``view``; by default every structure drawn there, in drawing order."""
    geometry = load_view(check_view(view))
    targets = tuple(structures) if structures is not None else geometry.ids
    if not targets:
        raise ValueError("a find-on-diagram quiz needs at least one structure")
    check_structures(geometry, targets)
    return QuizState(view, targets)


def quiz_answer(state: QuizState, chosen: str) -> QuizState:
    """The state after the learner picks ``chosen``; a first-try hit scores a point."""
    if state.current is None:
        return state
    names = _content().structures
    target = state.current
    if chosen == target:
        return replace(
            state,
            index=state.index + 1,
            score=state.score + (0 if state.missed else 1),
            missed=False,
            found=(*state.found, target),
            feedback=ui_text("quiz.correct", name=names[target].name),
            history=(*state.history, (target, chosen, True)),
        )
    again = bool(state.history) and state.history[-1] == (target, chosen, False)
    if chosen not in names:
        wrong = ui_text("quiz.wrong_unnamed", name=names[target].name)
    else:
        # the same wrong pick twice in a row gets other words, so that it is heard again
        key = "quiz.wrong_again" if again else "quiz.wrong"
        wrong = ui_text(key, chosen=names[chosen].name, name=names[target].name)
    return replace(
        state, missed=True, feedback=wrong, history=(*state.history, (target, chosen, False))
    )


def quiz_skip(state: QuizState) -> QuizState:
    """Reveal the current target and move on without a point."""
    if state.current is None:
        return state
    target = state.current
    return replace(
        state,
        index=state.index + 1,
        missed=False,
        revealed=(*state.revealed, target),
        feedback=ui_text("quiz.revealed", name=_content().structures[target].name),
        history=(*state.history, (target, "", False)),
    )


def quiz_labels(view: str, ids: Sequence[str]) -> dict[str, str]:
    """Neutral accessible names for the quiz: a number and where the structure lies relative
    to its neighbours (``course.diagrams.spatial``), never its own name (that is the answer)."""
    from course.diagrams.spatial import spatial_descriptions

    where = spatial_descriptions(view, LAYERS)
    return {
        sid: ui_text("quiz.structure", n=n, total=len(ids), where=where[sid])
        for n, sid in enumerate(ids, start=1)
    }


# --- techniques ----------------------------------------------------------------------


def routine() -> tuple[str, ...]:
    """Technique ids in the guide's order."""
    return tuple(t.id for t in sorted(_content().techniques, key=lambda t: t.order))


def routine_step(technique_id: str, step: int) -> str:
    """The technique ``step`` places after (or before, if negative) ``technique_id``; clamped."""
    ids = routine()
    if technique_id not in ids:
        raise ValueError(f"unknown technique {technique_id!r}; valid: {', '.join(ids)}")
    index = min(max(ids.index(technique_id) + step, 0), len(ids) - 1)
    return ids[index]


def technique_announcement(technique_id: str, view: str) -> str:
    """What *Next technique* announces: the step and name, what it is for, the view shown
    and how many strokes it draws (the strokes themselves are in the picture's name)."""
    from course.diagrams.overlays import overlay_for

    t = _content().technique(technique_id)
    ids = routine()
    step = ui_text("technique.step_of", n=ids.index(t.id) + 1, total=len(ids), name=t.name)
    count = len(overlay_for(technique_id, view).strokes)
    strokes = (
        ui_text("technique.stroke_count_one")
        if count == 1
        else ui_text("technique.stroke_count", count=count)
    )
    view_name = ui_text(f"views.{view}").lower()
    return ui_text(
        "technique.announce", step=step, purpose=t.purpose, view=view_name, strokes=strokes
    )


def technique_details_html(technique_id: str) -> str:
    """The text beside a technique drawing, from the technique record."""
    content = _content()
    t = content.technique(technique_id)
    esc = html.escape
    ids = routine()
    rows = [
        (ui_text("technique.hand"), ui_text(f"hand_parts.{t.hand_part}")),
        (ui_text("technique.direction"), ui_text(f"directions.{t.direction}")),
        (ui_text("technique.pressure"), ui_text(f"pressures.{t.pressure}")),
    ]
    if t.repetitions:
        rows.append((ui_text("technique.repetitions"), t.repetitions))
    if t.hold_seconds:
        low, high = t.hold_seconds
        rows.append(
            (ui_text("technique.hold"), ui_text("technique.hold_range", low=low, high=high))
        )
    never_on = content.never_on(t.id)
    if never_on:
        rows.append(
            (ui_text("technique.avoid"), ", ".join(content.structures[s].name for s in never_on))
        )
    zones = content.zones_near(t.id)
    if zones:
        rows.append(
            (ui_text("technique.light_touch"), ", ".join(content.structures[s].name for s in zones))
        )
    light_over = [s for s in content.light_touch_only(t.id) if s not in zones]
    if light_over:
        rows.append(
            (
                ui_text("technique.light_over"),
                ", ".join(content.structures[s].name for s in light_over),
            )
        )
    facts = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
    # what the safety check's result changes: a list under the facts (a long label would not
    # fit the facts' label column)
    changes = "".join(
        f"<li><strong>{esc(ui_text('technique.under_decision', decision=d.lower()))}:</strong> "
        f"{esc(c)}</li>"
        for d, c in technique_changes(t)
    )
    steps = "".join(f"<li>{esc(s)}</li>" for s in t.steps)
    cautions = ""
    if t.cautions:
        items = "".join(f"<li>{esc(c)}</li>" for c in t.cautions)
        cautions = (
            f'<div class="ankle-caution" role="note"><strong>'
            f"{esc(ui_text('technique.cautions'))}</strong><ul>{items}</ul></div>"
        )
    heading = ui_text("technique.step_of", n=ids.index(t.id) + 1, total=len(ids), name=t.name)
    return (
        f"<h3>{esc(heading)}</h3><p>{esc(t.purpose)}</p><dl>{facts}</dl>"
        f'<div class="ankle-hands" role="note"><ul>{changes}</ul></div>'
        f"<strong>{esc(ui_text('technique.steps'))}</strong><ol>{steps}</ol>{cautions}"
        f'<p class="ankle-disclaimer">{esc(content.disclaimer)}</p>'
    )


# --- range of motion -------------------------------------------------------------------

RANGES: dict[str, tuple[int, int]] = {"dorsiflexion": (-50, 20), "inversion": (-15, 35)}


def motion_valuetext(movement: str, degrees: int) -> str:
    """Words for a slider value, e.g. ``"15° dorsiflexion (foot lifted)"``."""
    if movement not in RANGES:
        raise ValueError(f"unknown movement {movement!r}; valid: {', '.join(RANGES)}")
    low, high = RANGES[movement]
    if not low <= degrees <= high:
        raise ValueError(f"{movement} must be between {low} and {high} degrees, got {degrees}")
    if degrees == 0:
        return ui_text("motion.neutral_value")
    if movement == "dorsiflexion":
        key = "dorsiflexion_value" if degrees > 0 else "plantarflexion_value"
    else:
        key = "inversion_value" if degrees > 0 else "eversion_value"
    return ui_text(f"motion.{key}", degrees=abs(degrees))
