"""The guide's positions (self-massage, partner massage) as side-view figures."""

from __future__ import annotations

import textwrap
from functools import cache

from course.content.positions import load_positions
from course.display import StaticFigure, render

__all__ = ["positions"]

_ROLE_COLOURS = {
    "person": "#0072B2",
    "person_far": "#56B4E9",
    "partner": "#D55E00",
    "support": "#999999",
    "floor": "#555555",
}


@cache
def positions() -> StaticFigure:
    """Side-view figures of the guide's positions (``positions.yaml``), with alt text."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, Ellipse, Rectangle

    items = load_positions()
    figure = Figure(figsize=(5.2 * len(items), 5.6))
    for index, item in enumerate(items, start=1):
        ax = figure.add_subplot(1, len(items), index)
        ax.set_xlim(0, 12)
        ax.set_ylim(0, 11)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(item.title, fontsize=12, weight="bold")
        for shape in item.shapes:
            colour = _ROLE_COLOURS[shape.role]
            if shape.line is not None:
                xs, ys = zip(*shape.line.points, strict=True)
                ax.plot(
                    xs,
                    ys,
                    color=colour,
                    linewidth=shape.line.width,
                    solid_capstyle="round",
                    solid_joinstyle="round",
                )
            elif shape.circle is not None:
                ax.add_patch(Circle(shape.circle.center, shape.circle.radius, color=colour))
            elif shape.rect is not None:
                ax.add_patch(Rectangle(shape.rect.corner, *shape.rect.size, color=colour))
            elif shape.ellipse is not None:
                ax.add_patch(Ellipse(shape.ellipse.center, *shape.ellipse.size, color=colour))
        for label in item.labels:
            ax.annotate(
                label.text,
                xy=label.points_to,
                xytext=label.at,
                fontsize=9,
                arrowprops={"arrowstyle": "->", "color": "black"},
            )
        ax.text(
            0.1,
            -0.4,
            "\n".join(textwrap.wrap(item.caption, 58)),
            fontsize=8.5,
            va="top",
            transform=ax.transData,
        )
    figure.subplots_adjust(bottom=0.2, wspace=0.05)
    alt = " ".join(f"{item.title}: {item.alt.strip()}" for item in items)
    return render(figure, alt, width=860)
