"""What the notebooks display: blocks of HTML and text, static figures with alt text, images.

``Block`` pairs HTML (Lab, HTML export) with plain text (terminals); ``StaticFigure`` is a
picture rendered once to PNG with its alt text; :func:`img_tag` is the one ``<img>`` builder.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "Block",
    "Parts",
    "StaticFigure",
    "escape",
    "html_list",
    "html_table",
    "img_tag",
    "plain_table",
    "png_bytes",
    "render",
]


def png_bytes(figure: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (no pyplot, so no backend state is touched)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def img_tag(
    png: bytes | str, alt: str, *, width: int | None = None, style: str = "max-width:100%"
) -> str:
    """The one ``<img>`` of the course: a PNG (bytes, or already base64 text) as a data URI,
    with its alt text. ``width`` (pixels) is added to ``style``."""
    data = png if isinstance(png, str) else base64.b64encode(png).decode("ascii")
    size = f"{style};width:{width}px" if width else style
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" style="{size}">'


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
        return f"<figure>{img_tag(self.png, self.alt, width=self.width)}{caption}</figure>"

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


@dataclass(frozen=True)
class Block:
    """A piece of lesson content: HTML for Lab and HTML export, plain text for terminals."""

    html: str
    plain: str

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        return {"text/html": self.html, "text/plain": self.plain}


@dataclass(frozen=True)
class Parts:
    """Several things shown one after the other as one cell's outputs (a section's marker, its
    widget and its table): a lesson needs fewer code cells, and JupyterLab does work for each
    code cell on every Run All."""

    items: tuple[object, ...]

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(*self.items)  # type: ignore[no-untyped-call]


def escape(value: object) -> str:
    return html.escape(str(value))


def html_list(items: Iterable[str], tag: str = "ul") -> str:
    return f"<{tag}>" + "".join(f"<li>{escape(i)}</li>" for i in items) + f"</{tag}>"


def html_table(
    columns: Sequence[str], rows: Iterable[Sequence[str]], *, stacked: bool = False
) -> str:
    """A data table. ``stacked``: in a box whose stylesheet (``widgets/static/table.css``) lays
    each row out as a short list on a narrow output; each cell names its column in
    ``data-label``, and the table's roles are set explicitly, as a browser may drop a table's
    semantics once its rows are no longer laid out as a table."""
    if not stacked:
        head = "".join(f"<th scope='col'>{escape(c)}</th>" for c in columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    head = "".join(f"<th scope='col' role='columnheader'>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr role='row'>"
        + "".join(
            f"<td role='cell' data-label='{escape(label)}'>{escape(c)}</td>"
            for label, c in zip(columns, row, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return (
        "<div class='ankle-stack-box'><table class='ankle-stacked' role='table'>"
        f"<thead role='rowgroup'><tr role='row'>{head}</tr></thead>"
        f"<tbody role='rowgroup'>{body}</tbody></table></div>"
    )


def plain_table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    return "\n".join(" | ".join(row) for row in [list(columns), *rows])
