"""Make every picture in docs/img/ that a script can make: ``make pictures``.

    .venv/bin/python docs/pictures.py [NAME ...]      (no name: all of them)

- ``ankle_<view>.png``: each diagram view, ``course.diagrams.render.render_png(view, dpi=90)``;
- ``technique_<id>.png``: the technique drawings, ``render_technique_png(id, dpi=90)``;
- ``range_of_motion.png``: the RangeOfMotion widget's two stills side by side, the foot pointed
  30 degrees down (lateral) and turned 25 degrees in (posterior),
  ``course.diagrams.motion.motion_png(movement, degrees, dpi=90)``;
- ``item_analysis.png``: the ``ankle-course grade report --html`` page of a seeded class of 300
  in safety_cases (``tests/class_factory.py``), photographed in Debian's Chromium, 1480 px wide.

``tests/test_pictures.py`` fails when a committed picture no longer matches what this script
makes from the current code and content (within a small tolerance): run ``make pictures``, look
at every changed picture, and commit it. Not made here: ``browser_*.png`` and ``lti_*.png`` are
copies of the screenshots the browser tests take (of the course in JupyterLab,
docs/browser_tests.md, and of the LMS launch, docs/lti.md).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"
TECHNIQUES = ("malleolar_friction", "petrissage", "thumb_circles")


def _view(view: str) -> Callable[[], bytes]:
    def make() -> bytes:
        from course.diagrams.render import render_png

        return render_png(view, dpi=90)

    return make


def _technique(technique: str) -> Callable[[], bytes]:
    def make() -> bytes:
        from course.diagrams.render import render_technique_png

        return render_technique_png(technique, dpi=90)

    return make


#: The stills of range_of_motion.png: (movement, degrees), left to right.
MOTION_STILLS = (("dorsiflexion", -30), ("inversion", 25))


def range_of_motion() -> bytes:
    """The two RangeOfMotion stills side by side on white, their floors (y = 0) level, each
    cropped to its drawing (with a margin) sideways."""
    import io

    from PIL import Image, ImageChops

    from course.diagrams.motion import motion_png
    from course.diagrams.motion_layout import motion_layout

    dpi = 90
    stills, floors = [], []
    for movement, degrees in MOTION_STILLS:
        still = Image.open(io.BytesIO(motion_png(movement, degrees, dpi=dpi))).convert("RGB")
        box = ImageChops.difference(still, Image.new("RGB", still.size, "white")).getbbox()
        assert box is not None, f"the {movement} still is blank"
        left, right = max(box[0] - 20, 0), min(box[2] + 20, still.width)
        stills.append(still.crop((left, 0, right, still.height)))
        layout = motion_layout(movement)
        floors.append(round(layout.ylim[1] * layout.scale * dpi))  # pixel row of y = 0
    tops = [max(floors) - floor for floor in floors]
    width = sum(still.width for still in stills)
    height = max(top + still.height for top, still in zip(tops, stills, strict=True))
    picture = Image.new("RGB", (width, height), "white")
    left = 0
    for top, still in zip(tops, stills, strict=True):
        picture.paste(still, (left, top))
        left += still.width
    buffer = io.BytesIO()
    picture.save(buffer, format="png")
    return buffer.getvalue()


def item_analysis() -> bytes:
    """The item-analysis page of a seeded class of 300 learners, as Chromium shows it."""
    sys.path[:0] = [str(ROOT / "tests")]
    from browser.harness import launch_chromium
    from class_factory import class_rows
    from playwright.sync_api import sync_playwright

    from course.grading.analysis.report import analysis_for, write_html

    course = ROOT / "grading"
    rows = class_rows(course, "safety_cases", 300)
    with tempfile.TemporaryDirectory(prefix="ankle-pictures-") as tmp:
        page_file = write_html(analysis_for(course, "safety_cases", rows), Path(tmp))
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_page(viewport={"width": 1480, "height": 600})
                page.goto(page_file.as_uri())
                page.wait_for_load_state("load")
                return bytes(page.screenshot())
            finally:
                browser.close()


def pictures() -> dict[str, Callable[[], bytes]]:
    """Each picture's file name in docs/img/ and the function that makes its PNG bytes."""
    from course.diagrams.geometry import VIEWS

    made: dict[str, Callable[[], bytes]] = {f"ankle_{v}.png": _view(v) for v in VIEWS}
    made |= {f"technique_{t}.png": _technique(t) for t in TECHNIQUES}
    made["range_of_motion.png"] = range_of_motion
    made["item_analysis.png"] = item_analysis
    return made


def main(names: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    made = pictures()
    unknown = sorted(set(names) - set(made))
    if unknown:
        print(f"no script makes {', '.join(unknown)}; these are made: {', '.join(made)}")
        return 2
    for name in names or list(made):
        (IMG / name).write_bytes(made[name]())
        print(f"wrote docs/img/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
