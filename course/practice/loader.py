"""Reading and checking the practice templates (``course/content/practice.yaml``).

The checks run when the bank is loaded and by ``ankle-course validate``: every combination of
a template's options gives one key, the rules that decide it belong to the template's family,
every fact the template sets can be found in its story, and every family has a template.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from course.content.resources import content_dir
from course.errors import ContentError
from course.grading.variants.bank import critical
from course.practice.bank import CAPITALISED, FILE, PERSON_FIELDS, PracticeBank, Template
from course.practice.stories import render
from course.safety import Decision, Situation, assess, rules

__all__ = [
    "Profile",
    "bank_path",
    "check_bank",
    "is_critical",
    "load_practice_bank",
    "profiles",
    "read_bank",
    "validate",
]


@dataclass(frozen=True)
class Profile:
    """What every story of a template has in common: its key and whether it is critical."""

    decision: Decision
    refer: bool
    critical: bool


def is_critical(situation: Situation) -> bool:
    """Critical exactly as in the graded assessment (:func:`course.grading.variants.bank.
    critical`): the key stops the massage or keeps it from starting, or a red flag fires."""
    return critical(situation)


def bank_path() -> Path:
    """The shipped practice templates: ``course/content/practice.yaml``."""
    return content_dir() / FILE


def read_bank(path: Path) -> PracticeBank:
    """Read and check a practice bank; :class:`ContentError` names the file, template, field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(FILE, "-", "-", f"cannot be read: {exc}") from None
    try:
        bank = PracticeBank.model_validate(data)
    except ValidationError as exc:
        raise ContentError.from_validation(FILE, "-", exc) from None
    check_bank(bank)
    return bank


@cache
def load_practice_bank() -> PracticeBank:
    """The shipped practice bank, read and checked once."""
    return read_bank(bank_path())


def validate() -> None:
    """For ``ankle-course validate``: read and check the shipped bank afresh."""
    read_bank(bank_path())


@cache
def profiles() -> dict[str, Profile]:
    """The profile of every template of the shipped bank, by template id."""
    bank = load_practice_bank()
    return {case.id: _profile(bank, case) for case in bank.cases}


def check_bank(bank: PracticeBank) -> None:
    """Raise :class:`ContentError` for the first template or family that cannot be practised."""
    _family_of_rules(bank)
    for case in bank.cases:
        _profile(bank, case)
    for family in bank.families:
        if not bank.templates(family):
            raise ContentError(
                FILE, family, "cases", "no template can produce a case for this family"
            )


def _family_of_rules(bank: PracticeBank) -> dict[str, str]:
    family: dict[str, str] = {}
    for name, members in bank.families.items():
        for rule in members.rules:
            if rule in family:
                raise ContentError(
                    FILE, name, "rules", f"rule {rule!r} is also in family {family[rule]}"
                )
            family[rule] = name
    missing = [rule.id for rule in rules() if rule.id not in family]
    if missing:
        raise ContentError(
            FILE, "families", "rules", f"the rule(s) {', '.join(missing)} belong to no family"
        )
    return family


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _profile(bank: PracticeBank, case: Template) -> Profile:
    if case.family not in bank.families:
        known = ", ".join(bank.families)
        raise ContentError(FILE, case.id, "family", f"unknown family; known: {known}")
    allowed = (
        set(PERSON_FIELDS) | {n.capitalize() for n in CAPITALISED} | {"setting"} | set(case.choose)
    )
    for text in [case.story, *(o.text for opts in case.choose.values() for o in opts)]:
        unknown = _placeholders(text) - allowed
        if unknown:
            raise ContentError(FILE, case.id, "story", f"unknown placeholder(s) {sorted(unknown)}")
    unspanned = sorted(set(case.situation) - set(case.spans))
    if unspanned:
        raise ContentError(FILE, case.id, "spans", f"no phrase states {', '.join(unspanned)}")
    family_of = _family_of_rules(bank)
    found: set[tuple[Decision, bool, bool]] = set()
    for picked in case.combinations():
        try:
            situation = case.situation_for(picked)
        except ValidationError as exc:
            raise ContentError.from_validation(FILE, case.id, exc, ("situation",)) from None
        result = assess(situation)
        deciding = {r.rule for r in result.reasons if _decision_of(r.rule) == result.decision}
        strays = sorted(rule for rule in deciding if family_of.get(rule) != case.family)
        if strays:
            raise ContentError(
                FILE,
                case.id,
                "family",
                f"decided by {', '.join(strays)}, not by a rule of family {case.family}",
            )
        found.add((result.decision, result.refer, is_critical(situation)))
        for person in range(len(bank.people)):
            render(bank, case, picked, person, 0)  # every stated fact is found in the story
    if len(found) > 1:
        keys = sorted(f"{d.value}/refer={r}" for d, r, _ in found)
        raise ContentError(
            FILE, case.id, "choose", f"options give different keys ({', '.join(keys)})"
        )
    decision, refer, critical = found.pop()
    return Profile(decision, refer, critical)


@cache
def _decisions() -> dict[str, Decision]:
    return {rule.id: Decision(rule.decision) for rule in rules()}


def _decision_of(rule_id: str) -> Decision:
    return _decisions()[rule_id]
