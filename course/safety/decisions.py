"""The seven decisions of the safety policy, least to most severe."""

from __future__ import annotations

import enum
from functools import total_ordering
from typing import Literal, get_args

__all__ = ["DECISION_ORDER", "Decision", "DecisionName"]

DecisionName = Literal[
    "PROCEED",
    "PROCEED_WITH_CAUTION",
    "AVOID_AREA",
    "REFER",
    "STOP",
    "DO_NOT_MASSAGE",
    "SEEK_URGENT_CARE",
]
# least to most severe: the order of the reference's section 4
DECISION_ORDER: tuple[str, ...] = get_args(DecisionName)


@total_ordering
class Decision(enum.Enum):
    """What to do, least to most severe; members compare by severity."""

    PROCEED = "PROCEED"
    PROCEED_WITH_CAUTION = "PROCEED_WITH_CAUTION"
    AVOID_AREA = "AVOID_AREA"
    REFER = "REFER"
    STOP = "STOP"
    DO_NOT_MASSAGE = "DO_NOT_MASSAGE"
    SEEK_URGENT_CARE = "SEEK_URGENT_CARE"

    @property
    def severity(self) -> int:
        """0 for PROCEED up to 6 for SEEK_URGENT_CARE."""
        return DECISION_ORDER.index(self.value)

    @property
    def allows_massage(self) -> bool:
        """True for PROCEED and PROCEED_WITH_CAUTION."""
        return self in (Decision.PROCEED, Decision.PROCEED_WITH_CAUTION)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return self.severity < other.severity
