"""Graded picture questions: "Which structure is marked?", answered by a name.

The picture is a still of a ``course.diagrams`` view without labels, one structure drawn with
a thick outline and pointed at by an arrow, the others faded. Any id, name or synonym that
``course.anatomy.find()`` resolves to the marked structure is right, and so is a name the
course itself lists as ambiguous (``ambiguous_names`` of ``anatomy.yaml``: "ankle bone") when
the marked structure is one of its candidates. The alt text lists what
the view shows and where the marked structure lies in the drawing, never which one it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["names_structure", "question_alt_text", "question_png"]


def names_structure(answer: Any, structure_id: str) -> bool:
    """True when ``answer`` is text that ``course.anatomy.find()`` resolves to the structure,
    or an everyday name the course teaches for several structures, the marked one among them
    ("ankle bone" for the talus or either malleolus)."""
    if not isinstance(answer, str):
        return False
    from course.content.anatomy import AmbiguousNameError, find

    try:
        return find(answer).id == structure_id
    except AmbiguousNameError as ambiguous:
        return any(s.id == structure_id for s in ambiguous.candidates)
    except LookupError:
        return False


def question_png(view: str, layers: Iterable[str], structure: str, dpi: float = 100) -> bytes:
    """PNG bytes of the question's picture: no labels, ``structure`` marked."""
    import io

    import matplotlib

    from course.diagrams.draw import RC, draw_view, layout_for, new_figure
    from course.diagrams.geometry import load_view

    geometry = load_view(view)
    layout = layout_for(geometry)
    with matplotlib.rc_context(RC):
        fig, ax = new_figure(view, dpi=dpi)
        draw_view(ax, view, tuple(layers), highlighted=(structure,), labels="none")
        x, y = geometry.structures[structure].anchor
        xmin, xmax, ymin, ymax = geometry.extent
        left = x - xmin < xmax - x
        start_x = layout.label_left_x if left else layout.label_right_x
        start_y = min(y + 0.2 * (ymax - ymin), ymax)
        ax.annotate(
            "",
            xy=(x, y),
            xytext=(start_x, start_y),
            arrowprops={
                "arrowstyle": "-|>",
                "linewidth": 2.0,
                "color": "#000000",
                "mutation_scale": 18,
                "shrinkB": 7,
            },
            zorder=60,
            annotation_clip=False,
        )
        # no label columns: crop to the drawing and the arrow, keeping millimetres square
        pad = 0.1 / layout.scale
        low, high = min(xmin, start_x) - pad, max(xmax, start_x) + pad
        ax.set_xlim(low, high)
        fig.set_size_inches((high - low) * layout.scale, fig.get_size_inches()[1])
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return _small_png(buffer.getvalue())


def _small_png(png: bytes) -> bytes:
    """The same picture in 64 colours: a quarter of the bytes (it travels in every release)."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        reduced = image.convert("RGB").quantize(colors=64, dither=Image.Dither.NONE)
        out = io.BytesIO()
        reduced.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _where(view: str, structure: str) -> str:
    from course.content.text import ui_text
    from course.diagrams.geometry import load_view

    geometry = load_view(view)
    xmin, xmax, ymin, ymax = geometry.extent
    x, y = geometry.structures[structure].anchor
    third_x = (x - xmin) / (xmax - xmin)
    third_y = (y - ymin) / (ymax - ymin)
    horizontal = "left" if third_x < 1 / 3 else "right" if third_x > 2 / 3 else "centre"
    vertical = "lower" if third_y < 1 / 3 else "upper" if third_y > 2 / 3 else "middle"
    return ui_text(
        "alt.where.part",
        vertical=ui_text(f"alt.where.{vertical}"),
        horizontal=ui_text(f"alt.where.{horizontal}"),
    )


def question_alt_text(view: str, layers: Iterable[str], structure: str) -> str:
    """The picture's text alternative: the view, the structures it shows, and where the marked
    one lies (in thirds of the drawing), without naming or describing it."""
    from course.content.text import ui_text
    from course.diagrams import alt_text

    return f"{alt_text(view, tuple(layers))} {ui_text('alt.marked', where=_where(view, structure))}"


def question_text() -> str:
    """The question under the picture."""
    from course.content.text import ui_text

    return ui_text("alt.marked_question")
