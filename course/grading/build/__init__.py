"""Building a course directory's nbgrader source notebooks (and the item page) from its banks.

``source`` is ``ankle-course grade build``: it finds the assessments, builds every notebook before
writing any, and names the stale ones for ``--check``. ``cells`` holds what every notebook shares
and nbgrader's region markers, ``fixed`` and ``variant`` build the notebook of a fixed bank and
of a variant one, and ``item_docs`` writes the instructor's page of every item and its key.
INSTRUCTOR ONLY: what this room writes carries the keys, which nbgrader strips on release.
"""
