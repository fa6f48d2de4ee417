"""``python -m course.cli``: the ``ankle-course`` command."""

from course.cli import main

raise SystemExit(main())
