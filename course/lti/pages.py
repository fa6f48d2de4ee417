"""The hub's LTI pages: a refusal, the "open in a new tab" fallback when the browser keeps the
hub's cookies out of the LMS's frame, the deep-linking chooser and the form that posts the
response back to the LMS. One HTML template (``templates/page.html``); every value from a
request or the LMS is escaped."""

from __future__ import annotations

from html import escape
from importlib import resources
from string import Template

from course.lti.deep_link import ASSESSMENT, Activity

__all__ = ["auto_post", "chooser", "new_tab", "refusal"]


def _page(title: str, body: str) -> str:
    text = resources.files("course.lti").joinpath("templates/page.html").read_text("utf-8")
    return Template(text).substitute(title=escape(title), body=body)


def refusal(reason: str) -> str:
    """Nobody was logged in: what went wrong, and what to do."""
    return _page(
        "This link could not open the course",
        f'<p class="reason" role="alert">{escape(reason)}</p>'
        "<p>Go back to your LMS and open the link again. If it keeps failing, tell your "
        "instructor what this page says.</p>",
    )


def new_tab(login_url: str) -> str:
    """The browser blocked the hub's cookies inside the LMS page: start again in a tab."""
    return _page(
        "Open the course in a new tab",
        "<p>Your browser does not let the course keep you logged in inside the LMS page "
        "(it blocks third-party cookies). Open it in a tab of its own instead:</p>"
        f'<p><a class="button" href="{escape(login_url)}" target="_blank" '
        'rel="noopener">Open the course in a new tab</a></p>',
    )


def chooser(activities: list[Activity], action: str, xsrf_field: str) -> str:
    """The instructor picks the lessons and assessments to add to the LMS course."""
    rows = []
    for index, activity in enumerate(activities):
        points = f" ({activity.max_score:g} points)" if activity.kind == ASSESSMENT else ""
        rows.append(
            f'<label><input type="checkbox" name="item" value="{escape(activity.key)}" '
            f'id="item{index}"> {escape(activity.title)}{escape(points)}</label>'
        )
    lessons = [r for r, a in zip(rows, activities, strict=True) if a.kind != ASSESSMENT]
    graded = [r for r, a in zip(rows, activities, strict=True) if a.kind == ASSESSMENT]
    return _page(
        "Add course activities to your LMS course",
        f'<form method="post" action="{escape(action)}">{xsrf_field}'
        f"<fieldset><legend>Lessons</legend>{''.join(lessons)}</fieldset>"
        "<fieldset><legend>Graded safety assessments (grades return to the LMS)</legend>"
        f"{''.join(graded)}</fieldset>"
        '<button type="submit">Add to the LMS course</button></form>',
    )


def auto_post(url: str, fields: dict[str, str]) -> str:
    """A form the browser posts at once (with a button when scripts are off)."""
    inputs = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in fields.items()
    )
    return _page(
        "Returning to your LMS",
        f'<form id="back" method="post" action="{escape(url)}">{inputs}'
        '<button type="submit">Continue to the LMS</button></form>'
        "<script>document.getElementById('back').submit()</script>",
    )
