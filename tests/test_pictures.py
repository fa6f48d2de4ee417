"""The committed pictures in docs/img/ still show what their source makes (``make pictures``).

Each picture a script can make (docs/pictures.py) is made again from the current code and
content and compared with the committed file (RMS tolerance, for anti-aliasing only): a picture
whose diagram, caption or figures changed fails here until ``make pictures`` is run and the new
picture looked at and committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from matplotlib.testing.compare import compare_images

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs"))
from pictures import IMG, pictures  # noqa: E402

TOLERANCE = 2.0  # RMS over 0-255 grey levels
MADE = pictures()
BROWSER = {"item_analysis.png"}  # photographed in Chromium


def _cases() -> list[object]:
    return [
        pytest.param(name, marks=[pytest.mark.browser, pytest.mark.slow])
        if name in BROWSER
        else name
        for name in sorted(MADE)
    ]


@pytest.mark.parametrize("name", _cases())
def test_the_committed_picture_matches_its_source(name: str, tmp_path: Path) -> None:
    committed = IMG / name
    assert committed.exists(), f"docs/img/{name} is missing: run make pictures"
    made = tmp_path / name
    made.write_bytes(MADE[name]())
    problem = compare_images(str(committed), str(made), tol=TOLERANCE)
    assert problem is None, f"docs/img/{name} is out of date (run make pictures): {problem}"


def test_every_picture_in_docs_img_is_made_by_the_script_or_said_to_be_a_screenshot() -> None:
    # screenshots the browser tests take (tests/browser/, tests/test_lti*.py), copied here
    screenshots = {p.name for pattern in ("browser_*.png", "lti_*.png") for p in IMG.glob(pattern)}
    assert {p.name for p in IMG.glob("*.png")} == set(MADE) | screenshots
    assert "browser tests take" in (ROOT / "docs" / "pictures.py").read_text(encoding="utf-8")
