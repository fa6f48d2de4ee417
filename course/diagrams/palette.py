"""Colour-blind-safe styles: Okabe-Ito colours, and a line style or hatch per kind.

Colour is never the only cue: each kind also differs by hatch and/or line style, so the
diagrams survive greyscale printing and every form of colour blindness.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "KIND_LAYER",
    "LAYERS",
    "OKABE_ITO",
    "PRESSURE_STYLES",
    "STYLES",
    "KindStyle",
    "PressureStyle",
    "layer_of",
    "tint",
]

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

# Layers the learner can switch on and off, in drawing order (bottom to top).
LAYERS: tuple[str, ...] = (
    "muscles",
    "bones",
    "joints",
    "ligaments",
    "tendons",
    "retinacula",
    "vessels_nerves",
    "caution_zones",
)

KIND_LAYER: dict[str, str] = {
    "muscle": "muscles",
    "bone": "bones",
    "joint": "joints",
    "fascia": "tendons",
    "ligament": "ligaments",
    "tendon": "tendons",
    "retinaculum": "retinacula",
    "vessel": "vessels_nerves",
    "nerve": "vessels_nerves",
    "caution_zone": "caution_zones",
}


def layer_of(kind: str) -> str:
    return KIND_LAYER[kind]


def tint(colour: str, amount: float) -> str:
    """Mix ``colour`` with white; ``amount`` 1 keeps the colour, 0 gives white."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(255 - (255 - c) * amount) for c in rgb]
    return "#" + "".join(f"{c:02X}" for c in mixed)


@dataclass(frozen=True)
class KindStyle:
    """How one kind of structure is drawn."""

    face: str
    edge: str
    linestyle: str
    linewidth: float
    hatch: str | None
    alpha: float
    zorder: float


_C = OKABE_ITO
STYLES: dict[str, KindStyle] = {
    "muscle": KindStyle(tint(_C["vermillion"], 0.30), _C["vermillion"], "dashed", 0.8, None, 1, 2),
    "bone": KindStyle(tint(_C["yellow"], 0.22), "#3A3A3A", "solid", 1.0, None, 1, 3),
    "joint": KindStyle("#FFFFFF", _C["black"], "dotted", 1.0, None, 1, 4),
    "fascia": KindStyle(
        tint(_C["bluish_green"], 0.45), _C["bluish_green"], "dashdot", 0.9, "..", 1, 5
    ),
    "ligament": KindStyle(tint(_C["blue"], 0.45), _C["blue"], "solid", 0.9, "////", 1, 6),
    "tendon": KindStyle(tint(_C["sky_blue"], 0.65), "#1F6C9A", "solid", 0.9, "||", 1, 7),
    "retinaculum": KindStyle(
        tint(_C["reddish_purple"], 0.45), "#8E3E6E", "dashed", 0.9, "\\\\\\", 0.85, 8
    ),
    "vessel": KindStyle(_C["reddish_purple"], "#6B2450", "dashdot", 0.8, None, 1, 9),
    "nerve": KindStyle(_C["yellow"], _C["black"], "dotted", 0.9, "..", 1, 9),
    "caution_zone": KindStyle(tint(_C["orange"], 0.25), "#A86F00", "dashed", 1.4, "xx", 0.55, 10),
}

OUTLINE_FACE = "#FBF3EC"
OUTLINE_EDGE = "#7A6A5E"
HIGHLIGHT_EDGE = _C["black"]
DIMMED_ALPHA = 0.35


@dataclass(frozen=True)
class PressureStyle:
    """Pressure encoded twice: by stroke width and by colour."""

    colour: str
    width: float
    rank: int


PRESSURE_STYLES: dict[str, PressureStyle] = {
    "gentle": PressureStyle(_C["sky_blue"], 2.0, 1),
    "light_to_moderate": PressureStyle(_C["bluish_green"], 3.0, 2),
    "moderate": PressureStyle(_C["orange"], 4.2, 3),
    "deeper_comfortable": PressureStyle(_C["reddish_purple"], 4.9, 4),
    "firm_not_painful": PressureStyle(_C["vermillion"], 5.6, 5),
    "not_set": PressureStyle("#6E6E6E", 3.0, 0),
}
