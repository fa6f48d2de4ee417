"""Check answer keys against the policy and the content, so keys cannot drift from them."""

from __future__ import annotations

from typing import Any

from course.errors import GradingError
from course.grading.items.bank import ChoiceItem, ItemBank, ScenarioItem


def scenario_key(item: ScenarioItem) -> tuple[str, bool]:
    """The decision name and refer flag that ``course.safety.assess`` gives the item."""
    from course.safety import Situation, assess

    try:
        assessment = assess(Situation(**item.situation))
    except ValueError as exc:
        first = str(exc).strip().splitlines()[0]
        raise GradingError(f"item {item.id}: invalid situation: {first}") from None
    return assessment.decision.value, assessment.refer


def content_key(item: ChoiceItem) -> str | None:
    """The key an item's ``from_content`` names in the course content (None without one)."""
    spec: dict[str, Any] | None = item.from_content
    if spec is None:
        return None
    from course.content.loader import load_content

    content = load_content()
    if "hands" in spec:
        return _hands_key(item.id, spec)
    if "technique_order" in spec:
        for technique in content.techniques:
            if technique.order == spec["technique_order"]:
                return technique.id
        raise GradingError(f"item {item.id}: no technique has order {spec['technique_order']}")
    technique = content.technique(spec["technique"])
    value = getattr(technique, spec["field"])
    if spec["field"] == "hold_seconds" and value is not None:
        low, high = value
        return f"{low}-{high} seconds"
    return str(value)


def _hands_key(item_id: str, spec: dict[str, Any]) -> str:
    """What a decision's hands guidance does to a technique (``course.safety.hands``): the
    technique's own pressure when it is done as taught, else ``light``, ``leave_out`` or
    ``none``."""
    from course.content.loader import load_content
    from course.safety.hands import hands_for_decision

    content = load_content()
    try:
        hands = hands_for_decision(spec["hands"])
        technique = content.technique(spec["technique"])
    except (KeyError, ValueError) as exc:
        raise GradingError(f"item {item_id}: from_content: {exc}") from None
    treatment = hands.treatment(technique)
    return technique.pressure if treatment == "as_taught" else treatment


def verify_keys(bank: ItemBank) -> None:
    """Raise :class:`GradingError` naming the first item whose key disagrees with its origin."""
    for item in bank.items:
        if isinstance(item, ScenarioItem):
            decision, refer = scenario_key(item)
            if item.answer != decision:
                raise GradingError(
                    f"item {item.id}: key {item.answer} but the policy says {decision}"
                )
            if item.ask_refer and item.refer != refer:
                raise GradingError(
                    f"item {item.id}: refer key {item.refer} but the policy says {refer}"
                )
        elif item.picture is not None:
            _check_picture(item)
        else:
            expected = content_key(item)
            if expected is not None and expected != item.answer:
                raise GradingError(
                    f"item {item.id}: key {item.answer!r} but the content says {expected!r}"
                )


def _check_picture(item: ChoiceItem) -> None:
    """The marked structure exists and is drawn in the picture's view and layers."""
    from course.diagrams.draw import check_layers, visible_ids
    from course.diagrams.geometry import load_view

    assert item.picture is not None
    try:
        shown = visible_ids(load_view(item.picture.view), check_layers(item.picture.layers))
    except ValueError as exc:
        raise GradingError(f"item {item.id}: {exc}") from None
    if item.answer not in shown:
        raise GradingError(
            f"item {item.id}: {item.answer!r} is not drawn in the {item.picture.view} view "
            f"with layers {', '.join(item.picture.layers)}"
        )
