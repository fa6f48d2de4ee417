"""What leaves the gradebook: results, the class report, and feedback pages for learners.

``results`` collects every learner's result (gradebook scores plus the marking layer) and writes
the CSV and Canvas exports; ``report`` is the table of statuses and the line per problem of
``ankle-course grade report``; ``feedback`` writes each learner's feedback page from the item bank
(``templates/``), never from a notebook's test cells, so no hidden test reaches a learner.
"""
