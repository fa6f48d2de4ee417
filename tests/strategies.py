"""Hypothesis strategies shared by the test modules."""

from __future__ import annotations

from hypothesis import strategies as st

from course.safety import Situation


@st.composite
def situations(draw: st.DrawFn) -> Situation:
    """Any valid situation: every field drawn over its whole range."""
    injury = draw(st.sampled_from(["none", "sprain", "strain", "fracture"]))
    hours = (
        None
        if injury == "none"
        else draw(st.floats(min_value=0, max_value=24 * 365, allow_nan=False))
    )
    flags = {
        name: draw(st.booleans())
        for name in (
            "sudden_swelling",
            "warmth",
            "redness",
            "fever",
            "red_streaks",
            "unexplained_pain",
            "dvt_diagnosed",
            "dvt_signs",
            "sharp_pain_during",
            "improving",
            "skin_problem",
            "varicose_veins",
            "blood_thinners",
            "reduced_sensation",
        )
    }
    return Situation(
        injury=injury,
        hours_since_injury=hours,
        swelling=draw(st.sampled_from(["none", "mild", "severe"])),
        pain=draw(st.integers(min_value=0, max_value=10)),
        discomfort_days=draw(st.floats(min_value=0, max_value=400, allow_nan=False)),
        **flags,
    )
