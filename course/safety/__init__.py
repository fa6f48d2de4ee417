"""The safety policy of the course: is massage safe for this ankle? (Education, not diagnosis.)

    from course.safety import Situation, assess
    assess(Situation(injury="sprain", hours_since_injury=3)).decision   # Decision.STOP

- :mod:`~course.safety.situation` -- :class:`Situation`, the input;
- :mod:`~course.safety.conditions` -- the condition language of the rules' ``when:``;
- :mod:`~course.safety.decisions` -- :class:`Decision` and the severity order;
- :mod:`~course.safety.policy` -- ``safety.yaml`` read into validated records;
- :mod:`~course.safety.engine` -- :func:`assess`;
- :mod:`~course.safety.present` -- tables, flowchart and the learner's view of an assessment.

Importing this package loads no matplotlib, ipywidgets, nbgrader or jupyter module.
"""

from course.safety.decisions import Decision
from course.safety.engine import Assessment, Reason, assess, rules
from course.safety.situation import Situation

__all__ = ["Assessment", "Decision", "Reason", "Situation", "assess", "rules"]
