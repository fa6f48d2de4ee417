"""RangeOfMotion: turn the foot at the ankle, and the whole foot in and out under it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import anywidget
import traitlets

from course.content.text import ui_text
from course.diagrams.geometry import load_view
from course.diagrams.motion import MOTION_VIEWS, TYPICAL, motion_png, motion_svg
from course.widgets.fallback import StaticPicture
from course.widgets.frontend import module
from course.widgets.logic import motion_valuetext
from course.widgets.shared_models import SharedLayout

__all__ = ["RangeOfMotion"]

_STRING_KEYS = (
    "dorsiflexion",
    "inversion",
    "dorsiflexion_value",
    "plantarflexion_value",
    "inversion_value",
    "eversion_value",
    "neutral_value",
    "typical_note",
)


class RangeOfMotion(StaticPicture, SharedLayout, anywidget.AnyWidget):
    """Two labelled sliders: ``dorsiflexion`` (-50 plantarflexion .. 20 dorsiflexion) turns
    the foot in the lateral view, ``inversion`` (-15 eversion .. 35 inversion) turns the whole
    foot (heel bone and forefoot) in the posterior view. Typical ranges are marked on the
    pictures."""

    _esm = module("motion.js")
    dorsiflexion = traitlets.Int(0).tag(sync=True)
    inversion = traitlets.Int(0).tag(sync=True)
    svgs = traitlets.Dict().tag(sync=True)
    pivots = traitlets.Dict().tag(sync=True)
    moving = traitlets.Dict().tag(sync=True)
    ranges = traitlets.Dict().tag(sync=True)
    captions = traitlets.Dict().tag(sync=True)
    strings = traitlets.Dict().tag(sync=True)

    def __init__(self, dorsiflexion: int = 0, inversion: int = 0, **kwargs: Any) -> None:
        svgs, pivots, moving = {}, {}, {}
        for movement, view in MOTION_VIEWS.items():
            svg, (px, py) = motion_svg(movement)
            spec = load_view(view).motion
            assert spec is not None
            svgs[movement] = svg
            pivots[movement] = [px, py, spec.positive_is_counterclockwise]
            moving[movement] = list(spec.moving)
        super().__init__(
            svgs=svgs,
            pivots=pivots,
            moving=moving,
            ranges={k: list(v) for k, v in TYPICAL.items()},
            captions={
                "dorsiflexion": ui_text("motion.lateral_caption"),
                "inversion": ui_text("motion.posterior_caption"),
            },
            strings={k: ui_text(f"motion.{k}") for k in _STRING_KEYS},
            **kwargs,
        )
        self.dorsiflexion = dorsiflexion
        self.inversion = inversion

    @traitlets.validate("dorsiflexion", "inversion")
    def _in_range(self, proposal: Any) -> int:
        movement = proposal["trait"].name
        value = int(proposal["value"])
        motion_valuetext(movement, value)  # ValueError outside the typical range
        return value

    def valuetext(self, movement: str) -> str:
        """What a screen reader hears for the slider, e.g. ``"15° plantarflexion ..."``."""
        return motion_valuetext(movement, int(getattr(self, movement)))

    @property
    def alt_text(self) -> str:
        return ui_text(
            "motion.alt",
            lateral=ui_text("motion.lateral_caption"),
            posterior=ui_text("motion.posterior_caption"),
            dorsi=self.valuetext("dorsiflexion"),
            inv=self.valuetext("inversion"),
        )

    def static_png(self) -> bytes:
        return motion_png("dorsiflexion", self.dorsiflexion)

    def static_images(self) -> Sequence[tuple[bytes, str]]:
        """Both views, each named by its own caption text (the figure caption gives the angles)."""
        return [
            (motion_png("dorsiflexion", self.dorsiflexion), ui_text("motion.lateral_caption")),
            (motion_png("inversion", self.inversion), ui_text("motion.posterior_caption")),
        ]

    def static_caption(self) -> str:
        return ui_text(
            "motion.caption",
            dorsi=self.valuetext("dorsiflexion"),
            inv=self.valuetext("inversion"),
        )

    def static_alt(self) -> str:
        return self.alt_text

    def static_heading(self) -> str:
        return ui_text("motion.typical")

    def static_items(self) -> Sequence[str]:
        return [ui_text("motion.typical_note")]
