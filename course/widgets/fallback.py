"""What a widget shows where no widget front-end runs (nbconvert HTML, a terminal, a viewer).

:class:`StaticFallback` is the one ``_repr_mimebundle_`` override: JupyterLab prefers the
widget view; other front-ends show ``text/html`` (and terminals ``text/plain``: the widget's
own words, or its class name). :class:`StaticPicture` is the fallback of the diagram widgets:
still pictures, a caption with the full description, a list and a note.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from ipywidgets import __protocol_version__

from course.content.text import ui_text
from course.display import img_tag

__all__ = ["WIDGET_VIEW", "StaticFallback", "StaticPicture"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_PROTOCOL = tuple(int(part) for part in __protocol_version__.split(".")[:2])


class StaticFallback:
    """Mixin (first base, before the ipywidgets class): the widget's bundle is its widget view,
    ``static_html()`` as ``text/html`` and ``static_text()`` as ``text/plain`` (None: the
    class name)."""

    def static_html(self) -> str:
        raise NotImplementedError

    def static_text(self) -> str | None:
        return None

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # The widget view, as ipywidgets gives it, without ipywidgets' text/plain: that is the
        # repr of the whole widget tree (every child's traits, cut to 110 characters), work
        # the kernel did for every widget output of a lesson and nobody read (issue 25).
        plain = self.static_text()
        bundle: dict[str, Any] = {
            WIDGET_VIEW: {
                "version_major": _PROTOCOL[0],
                "version_minor": _PROTOCOL[1],
                "model_id": self.model_id,  # type: ignore[attr-defined]
            },
            "text/plain": plain if plain is not None else f"{type(self).__name__}(…)",
            "text/html": self.static_html(),
        }
        return bundle


class StaticPicture(StaticFallback):
    """The diagram widgets' fallback: pictures with alt text, a caption, a list and a note."""

    def static_png(self) -> bytes:
        raise NotImplementedError

    def static_alt(self) -> str:
        raise NotImplementedError

    def static_items(self) -> Sequence[str]:
        return ()

    def static_heading(self) -> str:
        return ui_text("explorer.list_heading")

    def static_images(self) -> Sequence[tuple[bytes, str]]:
        """The still pictures, each with its own short text alternative; the caption below them
        (:meth:`static_caption`) describes them in full, so the two never say the same."""
        return [(self.static_png(), ui_text("fallback.alt"))]

    def static_caption(self) -> str:
        """The visible caption under the still pictures: the full description."""
        return self.static_alt()

    def static_html(self) -> str:
        images = "".join(
            img_tag(png, alt, style="max-width:100%;height:auto")
            for png, alt in self.static_images()
        )
        caption = html.escape(self.static_caption())
        items = "".join(f"<li>{html.escape(i)}</li>" for i in self.static_items())
        listing = (
            f"<details><summary>{html.escape(self.static_heading())}</summary><ul>{items}</ul>"
            "</details>"
            if items
            else ""
        )
        note = html.escape(ui_text("fallback.note"))
        return (
            f'<figure class="ankle-static">{images}<figcaption>{caption}</figcaption></figure>'
            f"{listing}<p><small>{note}</small></p>"
        )

    def static_text(self) -> str:
        lines = [self.static_alt()]
        items = list(self.static_items())
        if items:
            lines += ["", self.static_heading() + ":", *(f"  - {i}" for i in items)]
        return "\n".join(lines)
