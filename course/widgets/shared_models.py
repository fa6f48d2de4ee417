"""Layout and style models shared by the course's widgets: fewer widget models per lesson.

ipywidgets gives every widget its own ``Layout`` model and every control its own style model,
even when they all say the same thing: lesson 01's five anatomy explorers and its self-checks
made 358 widget models, 187 of them layouts and styles. Each model is a message from the kernel
and an object the browser builds before the lesson is painted (issue 25). A model may be shown
by any number of views, so widgets whose layout or style is the same share one model here:
:func:`layout` and :func:`style` return one model per set of settings (per kernel), and
:class:`SharedLayout` gives a widget class the shared plain layout by default. Nothing may
change a shared model afterwards (set a widget's own ``layout=`` for that).
"""

from __future__ import annotations

from typing import Any, TypeVar

import ipywidgets as widgets
import traitlets

__all__ = ["SharedLayout", "build", "layout", "style", "style_class"]

_M = TypeVar("_M", bound=widgets.Widget)
_SHARED: dict[tuple[type[widgets.Widget], tuple[tuple[str, Any], ...]], widgets.Widget] = {}


def _shared(cls: type[_M], settings: dict[str, Any]) -> _M:
    key = (cls, tuple(sorted(settings.items())))
    model = _SHARED.get(key)
    if model is None or model.comm is None:  # new, or closed (e.g. Widget.close_all())
        model = _SHARED[key] = cls(**settings)
    assert isinstance(model, cls)
    return model


def layout(**settings: Any) -> widgets.Layout:
    """The shared ``Layout`` model with these settings (``width="auto"``, ...)."""
    return _shared(widgets.Layout, settings)


def style(cls: type[_M], **settings: Any) -> _M:
    """The shared style model of class ``cls`` (e.g. ``widgets.CheckboxStyle``) with these
    settings."""
    return _shared(cls, settings)


def style_class(cls: type[widgets.Widget]) -> type[widgets.Widget] | None:
    """The style model class of widget class ``cls`` (None when it has no style)."""
    trait = cls.class_traits().get("style")
    klass = getattr(trait, "klass", None)
    return klass if isinstance(klass, type) else None


def build(cls: type[_M], **kwargs: Any) -> _M:
    """A new ``cls`` widget with the shared plain layout and default style unless
    ``kwargs`` give its own (``layout=layout(width="auto")``, ...)."""
    kwargs.setdefault("layout", layout())
    klass = style_class(cls)
    if klass is not None:
        kwargs.setdefault("style", style(klass))
    made: _M = cls(**kwargs)
    return made


class SharedLayout(widgets.DOMWidget):  # type: ignore[misc]
    """Mixin: the widget's default layout is the shared plain one, not a model of its own."""

    @traitlets.default("layout")
    def _shared_layout(self) -> widgets.Layout:
        return layout()
