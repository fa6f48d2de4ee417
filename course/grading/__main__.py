"""``python -m course.grading``: the ``ankle-course grade`` commands."""

from course.grading.cli import app

app(prog_name="ankle-course grade")
