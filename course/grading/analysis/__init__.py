"""Item analysis: how a class answered each item (fixed banks) or rule family (variant banks).

``items`` computes it from the learners' graded rows (pure functions: percent right,
discrimination, the most common wrong answer, critical misses); ``figures`` draws it with alt text
from the numbers; ``report`` prints it as a table and writes the web page
(``ankle-course grade report A --items`` and ``--html DIR``).
"""
