"""The one browser-side diagram widget (anywidget), and the static fallback shared by all."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from importlib.resources import files
from typing import Any

import anywidget
import traitlets

from course.content.text import ui_text

__all__ = ["DiagramView", "StaticFallback", "esm"]


def esm(name: str) -> str:
    """The text of a front-end module shipped in this package."""
    return files("course.widgets").joinpath(name).read_text(encoding="utf-8")


class DiagramView(anywidget.AnyWidget):
    """An SVG diagram whose structures are focusable, labelled buttons.

    Hover, selection highlight and keyboard moves happen in the browser; only ``selected``
    travels back to Python. ``mode`` is ``explore`` (info panel), ``quiz`` (no names shown)
    or ``technique`` (Play and hold-timer controls).
    """

    _esm = esm("diagram.js")
    svg = traitlets.Unicode("").tag(sync=True)
    names = traitlets.Dict().tag(sync=True)
    order = traitlets.List(traitlets.Unicode()).tag(sync=True)
    info = traitlets.Dict().tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    marks = traitlets.Dict().tag(sync=True)
    mode = traitlets.Enum(("explore", "quiz", "technique"), "explore").tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    strings = traitlets.Dict().tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    hold = traitlets.List(traitlets.Int()).tag(sync=True)


class StaticFallback:
    """``_repr_mimebundle_`` with a static picture, its alt text and a list.

    Front-ends without the widget manager (nbconvert HTML, a terminal) show ``text/html``
    or ``text/plain``; JupyterLab prefers the widget view and ignores them.
    """

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
            f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" '
            f'alt="{html.escape(alt, quote=True)}" style="max-width:100%;height:auto"/>'
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

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        base = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        data, metadata = base if isinstance(base, tuple) else (base, None)
        bundle: dict[str, Any] = dict(data or {})
        bundle["text/plain"] = self.static_text()
        bundle["text/html"] = self.static_html()
        return bundle if metadata is None else (bundle, metadata)
