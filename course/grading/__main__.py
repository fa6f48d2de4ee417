"""``python -m course.grading``: the ``ankle-course grade`` commands."""

from course.cli.grade import app

app(prog_name="ankle-course grade")
