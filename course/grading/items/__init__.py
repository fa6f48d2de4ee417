"""Item banks: their shape and the checks of their keys.

An item bank (``<course>/source/<assignment>.yaml``) holds an assessment's questions and answer
keys; ``bank`` knows its shape (typed, validated models) and ships no item and no key, and
``keys`` checks every scenario key against the safety policy and every choice key against the
content. The picture questions are ``course.grading.diagram_items`` (a name hidden tests import)
and a variant bank (a key per learner) is the ``course.grading.variants`` room's.
"""
