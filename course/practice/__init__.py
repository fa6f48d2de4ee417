"""Practice until mastered: endless fresh safety cases for a self-paced learner.

    from course.practice import Practice
    practice = Practice("ana")
    case = practice.next_case()
    feedback = practice.answer(case.id, "DO_NOT_MASSAGE", refer=True)
    practice.mastery()      # {"injury": False, ...}

- :mod:`~course.practice.bank` -- the practice templates' models (``practice.yaml``);
- :mod:`~course.practice.loader` -- reading and checking them;
- :mod:`~course.practice.stories` -- a template filled into a story; the deciding facts;
- :mod:`~course.practice.schedule` -- Leitner boxes per rule family, and mastery;
- :mod:`~course.practice.session` -- :class:`Practice`, kept in the learner's progress file;
- :mod:`~course.practice.present` -- the feedback and the mastery table as HTML and text.

Importing this package loads no ipywidgets, matplotlib or nbgrader module.
"""

from course.practice.session import DONT_KNOW, Feedback, Mastery, Practice, PracticeCase

__all__ = ["DONT_KNOW", "Feedback", "Mastery", "Practice", "PracticeCase"]
