"""``ankle-course assess`` speaks the words of ``study.yaml`` (``assess:`` and the scenario
explorer's ``scenario:``), not words of its own: the same words as the widgets, and edited with
the rest of the learner text."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from course.cli import main
from course.content import text

WORDS = {
    "assess.decision": "Entscheidung",
    "assess.refer": "An eine Fachperson verweisen",
    "assess.refer_yes": "ja",
    "assess.refer_no": "nein",
    "assess.reasons": "Gründe [siehe Kurs]",  # brackets are words, not console markup
    "scenario.hands": "Was die Hände tun",
}


@pytest.fixture
def reworded(monkeypatch: pytest.MonkeyPatch) -> None:
    study = copy.deepcopy(text.study())
    for key, words in WORDS.items():
        section, name = key.split(".")
        assert isinstance(study[section][name], str), key  # the key exists in study.yaml
        study[section][name] = words
    real = text._words

    def words_of(file: str) -> dict[str, Any]:
        return study if file == "study.yaml" else real(file)

    monkeypatch.setattr(text, "_words", words_of)


@pytest.mark.usefixtures("reworded")
@pytest.mark.parametrize(("flags", "refer"), [(["--fever"], "ja"), (["--pain", "2"], "nein")])
def test_assess_labels_come_from_the_content(
    capsys: pytest.CaptureFixture[str], flags: list[str], refer: str
) -> None:
    code = main(["assess", *flags])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[0].startswith("Entscheidung: ")
    assert "Was die Hände tun:" in lines
    assert f"An eine Fachperson verweisen: {refer}" in lines
    assert "Gründe [siehe Kurs]:" in lines
    english = ("Decision:", "Refer to a professional", "Reasons:", "What the hands do")
    assert not [line for line in lines if line.startswith(english)]
