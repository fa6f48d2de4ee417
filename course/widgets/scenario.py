"""ScenarioExplorer: describe an ankle with labelled controls, see the decision (lesson 05)."""

from __future__ import annotations

import html
from typing import Any, TypeVar

import ipywidgets as widgets

from course.content.loader import load_content
from course.content.text import text, texts
from course.safety import Assessment, Situation, assess
from course.safety.present import describe
from course.widgets.controls import LiveText
from course.widgets.fallback import StaticFallback
from course.widgets.shared_models import SharedLayout, build, layout, style, style_class

__all__ = ["ScenarioExplorer", "announcement"]


def announcement(assessment: Assessment) -> str:
    """What a change of the situation announces: the decision, whether to refer, and why."""
    label = load_content().decisions[assessment.decision.value].label
    parts = [f"{text('scenario.decision')}: {label}."]
    if assessment.refer:
        parts.append(f"{text('scenario.refer')}.")
    if assessment.reasons:
        reasons = " ".join(r.text.rstrip(".") + "." for r in assessment.reasons)
        parts.append(f"{text('scenario.reasons')}: {reasons}")
    return " ".join(parts)


_C = TypeVar("_C", bound=widgets.Widget)


def _control(cls: type[_C], **kwargs: Any) -> _C:
    """A control labelled at full width: its description's own width, the row's width."""
    klass = style_class(cls)
    assert klass is not None
    return build(
        cls, style=style(klass, description_width="initial"), layout=layout(width="auto"), **kwargs
    )


class ScenarioExplorer(StaticFallback, SharedLayout, widgets.VBox):  # type: ignore[misc]
    """Set a :class:`~course.safety.Situation` with labelled controls; see decision and reasons."""

    def __init__(self) -> None:
        labels: dict[str, str] = texts("scenario.fields")
        choices: dict[str, dict[str, str]] = texts("scenario.choices")
        self.controls: dict[str, widgets.ValueWidget] = {}
        defaults = Situation()
        for name in Situation.model_fields:
            value = getattr(defaults, name)
            control: widgets.ValueWidget
            if name in choices:
                options = [(label, key) for key, label in choices[name].items()]
                control = _control(widgets.Dropdown, options=options, value=value)
            elif name == "hours_since_injury":
                control = _control(
                    widgets.BoundedFloatText, value=24.0, min=0, max=100_000, step=1, disabled=True
                )
                control.tooltip = text("scenario.hours_help")
            elif name == "pain":
                control = _control(widgets.Dropdown, options=list(range(11)), value=value)
            elif name == "discomfort_days":
                control = _control(widgets.BoundedFloatText, value=value, min=0, max=3650, step=1)
                control.tooltip = text("scenario.days_help")
            else:
                control = _control(widgets.Checkbox, value=value, indent=False)
            control.description = labels[name]
            control.observe(self._changed, names="value")
            self.controls[name] = control
        self.result = build(widgets.HTML)
        # A short announcement of the decision; the full result is read by moving to it.
        self.announcement = LiveText(hidden_visually=True)
        heading = build(widgets.HTML, value=f"<h3>{html.escape(text('scenario.heading'))}</h3>")
        result_heading = build(
            widgets.HTML, value=f"<h3>{html.escape(text('scenario.result_heading'))}</h3>"
        )
        super().__init__(
            [heading, *self.controls.values(), self.announcement, result_heading, self.result]
        )
        self.add_class("ankle-reflow")
        self._changed(None)

    def situation(self) -> Situation:
        """The situation the controls describe."""
        values: dict[str, Any] = {name: c.value for name, c in self.controls.items()}
        if values["injury"] == "none":
            values["hours_since_injury"] = None
        else:
            values["hours_since_injury"] = float(values["hours_since_injury"])
        values["discomfort_days"] = float(values["discomfort_days"])
        return Situation(**values)

    def set(self, **values: Any) -> None:
        """Set controls by field name (for demos and tests)."""
        for name, value in values.items():
            self.controls[name].value = value

    def assessment(self) -> Assessment:
        """What the safety policy says for the current situation."""
        return assess(self.situation())

    def _changed(self, _change: Any) -> None:
        self.controls["hours_since_injury"].disabled = self.controls["injury"].value == "none"
        assessment = self.assessment()
        self.block = describe(assessment)
        self.result.value = self.block.html
        self.announcement.html = html.escape(announcement(assessment))

    def static_html(self) -> str:
        """The current decision and reasons as plain HTML (for HTML export)."""
        return self.block.html
