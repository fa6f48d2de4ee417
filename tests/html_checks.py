"""Checks on exported HTML pages: what a browser would fetch, and how images are described."""

from __future__ import annotations

import html
import re

_EXTERNAL = re.compile(r"(?:https?:)?//[^\s\"'<>)]+", re.IGNORECASE)


def external_resources(page: str) -> list[str]:
    """Every network address a browser would load for ``page``: in a ``<script>`` (its
    ``src`` or an import in its code), a ``<link href>``, an ``<img src>``, or a CSS
    ``url(...)``/``@import``. Addresses in CSS comments and plain links are not loaded."""
    found = []
    for tag in re.findall(r"<(?:script|link|img)\b[^>]*>", page, re.IGNORECASE):
        for attribute in re.findall(r"\b(?:src|href)\s*=\s*[\"']?([^\"'\s>]+)", tag):
            if _EXTERNAL.match(attribute):
                found.append(attribute)
    for code in re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.IGNORECASE | re.DOTALL):
        found += _EXTERNAL.findall(re.sub(r"/\*.*?\*/", "", code, flags=re.DOTALL))
    for css in re.findall(r"<style\b[^>]*>(.*?)</style>", page, re.IGNORECASE | re.DOTALL):
        css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
        found += re.findall(r"(?:url\(|@import\s+)[\"']?((?:https?:)?//[^\"')\s]+)", css)
    return found


def figure_alt_problems(page: str) -> list[str]:
    """Images without a text alternative, or whose text alternative the figure's caption
    repeats (a screen reader would read it twice)."""
    problems = []
    for image in re.findall(r"<img\b[^>]*>", page):
        alt = re.search(r'\balt="([^"]*)"', image)
        if alt is None or not alt.group(1).strip():
            problems.append(f"no text alternative: {image[:80]}")
    for figure in re.findall(r"<figure\b.*?</figure>", page, re.DOTALL):
        caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, re.DOTALL)
        if caption is None:
            continue
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", caption.group(1))).split())
        for alt in re.findall(r'<img\b[^>]*\balt="([^"]*)"', figure):
            said = " ".join(html.unescape(alt).split())
            if said and (said in text or text in said):
                problems.append(f"caption repeats the alt text: {said[:80]}")
    return problems
