"""Static figures with alt text: rendered once to PNG, shown the same in Lab and in HTML."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["StaticFigure", "png_bytes", "render"]


def png_bytes(figure: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (no pyplot, so no backend state is touched)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def img_tag(png: bytes, alt: str, width: int | None = None) -> str:
    """An ``<img>`` with a data URI and alt text."""
    data = base64.b64encode(png).decode("ascii")
    size = f' style="max-width:100%;width:{width}px"' if width else ' style="max-width:100%"'
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}"{size}>'


@dataclass(frozen=True)
class StaticFigure:
    """A picture and its alt text; displays as HTML ``<img alt=...>`` with PNG and text too."""

    png: bytes
    alt: str
    caption: str = ""
    width: int | None = None

    def html(self) -> str:
        """The figure as HTML (image with alt text, optional caption)."""
        caption = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return f"<figure>{img_tag(self.png, self.alt, self.width)}{caption}</figure>"

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        data = {
            "text/html": self.html(),
            "image/png": base64.b64encode(self.png).decode("ascii"),
            "text/plain": self.alt,
        }
        return data, {"image/png": {"alt": self.alt}}


def render(figure: Figure, alt: str, caption: str = "", width: int | None = None) -> StaticFigure:
    """Render a matplotlib figure to a :class:`StaticFigure`."""
    return StaticFigure(png_bytes(figure), alt, caption, width)
