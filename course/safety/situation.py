"""The situation a learner describes before a massage: the input of ``course.safety``."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

Injury = Literal["none", "sprain", "strain", "fracture"]
Swelling = Literal["none", "mild", "severe"]


class Situation(BaseModel):
    """An ankle before a massage. Every field defaults to a healthy ankle; keyword-only."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)

    injury: Injury = Field("none", description="Recent injury: none, sprain, strain or fracture.")
    hours_since_injury: Annotated[float, Field(ge=0)] | None = Field(
        None, description="Hours since the injury (required with an injury)."
    )
    swelling: Swelling = Field("none", description="Swelling: none, mild or severe.")
    sudden_swelling: bool = Field(False, description="Swelling came on suddenly.")
    warmth: bool = Field(False, description="The ankle feels warm.")
    redness: bool = Field(False, description="The skin at the ankle is red.")
    fever: bool = Field(False, description="The person has a fever.")
    red_streaks: bool = Field(False, description="Red streaks spread from the area.")
    pain: Annotated[int, Field(ge=0, le=10)] = Field(0, description="Pain at rest, 0 to 10.")
    unexplained_pain: bool = Field(False, description="Pain with no known cause.")
    dvt_diagnosed: bool = Field(False, description="Deep vein thrombosis has been diagnosed.")
    dvt_signs: bool = Field(False, description="One-sided calf pain and swelling (DVT signs).")
    sharp_pain_during: bool = Field(False, description="Sharp increase in pain during massage.")
    discomfort_days: Annotated[float, Field(ge=0)] = Field(
        0.0, description="Days the discomfort has lasted."
    )
    improving: bool = Field(True, description="The discomfort improves with self-care.")
    skin_problem: bool = Field(False, description="Open wound, bruise, rash or burn at the ankle.")
    varicose_veins: bool = Field(False, description="Varicose veins at the ankle or calf.")
    blood_thinners: bool = Field(False, description="Takes blood-thinning medication.")
    reduced_sensation: bool = Field(False, description="Reduced sensation, e.g. neuropathy.")

    @model_validator(mode="after")
    def _injury_needs_hours(self) -> Self:
        if self.injury != "none" and self.hours_since_injury is None:
            raise ValueError(
                f"hours_since_injury: required when injury is {self.injury!r} "
                "(how many hours ago did it happen?)"
            )
        if self.injury == "none" and self.hours_since_injury is not None:
            raise ValueError("hours_since_injury: must be left out when injury is 'none'")
        return self


SITUATION_FIELDS: tuple[str, ...] = tuple(Situation.model_fields)
