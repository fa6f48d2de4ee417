"""Both banks of stories (the graded variant bank and the practice bank) check their people and
case ids alike, through the one :class:`~course.grading.variants.bank.StoryBank`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ValidationError

from course.grading.variants.bank import StoryBank, VariantBank
from course.practice.bank import PracticeBank
from course.practice.loader import bank_path

ROOT = Path(__file__).resolve().parent.parent
BANKS: dict[type[BaseModel], Path] = {
    VariantBank: ROOT / "grading" / "source" / "safety_cases.yaml",
    PracticeBank: bank_path(),
}


def _data(model: type[BaseModel]) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(BANKS[model].read_text(encoding="utf-8"))
    model.model_validate(data)  # the shipped bank is valid as it stands
    return data


@pytest.mark.parametrize("model", list(BANKS), ids=lambda m: m.__name__)
def test_a_person_without_every_pronoun_field_is_refused(model: type[BaseModel]) -> None:
    assert issubclass(model, StoryBank)
    data = _data(model)
    data["people"] = [*data["people"], {k: v for k, v in data["people"][0].items() if k != "s"}]
    with pytest.raises(ValidationError, match=rf"people\[{len(data['people']) - 1}\]: needs"):
        model.model_validate(data)


@pytest.mark.parametrize("model", list(BANKS), ids=lambda m: m.__name__)
def test_a_case_id_used_twice_is_refused(model: type[BaseModel]) -> None:
    data = _data(model)
    twice = data["cases"][0]["id"]
    data["cases"] = [*data["cases"], data["cases"][0]]
    with pytest.raises(ValidationError, match=f"duplicate case ids: {twice}"):
        model.model_validate(data)
