"""The marking layer: reading answers, scoring them, and recording the result in the gradebook.

``submission`` reads a learner's answers from their notebook (never by running their code);
``score`` is the safety rule (points, the pass mark, and a critical item that fails the
assessment whatever the total); ``banks`` asks either kind of bank for a learner's cells and key;
``record`` is the only writer of the gradebook and ``files`` where its files are read and
written. nbgrader runs this layer through ``course.grading.preprocessors``, and learners' own
kernels check the form of an answer with ``course.grading.wellformed``: both stay at the top of
the package because files outside it (``nbgrader_config.py``, notebooks) import them by name.
"""
