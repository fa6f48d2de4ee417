"""The tiny condition language of the safety rules (see ``course/content/safety.yaml``)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from course.errors import ConditionError

Predicate = Callable[[Mapping[str, Any]], bool]

_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "ge": lambda value, limit: value >= limit,
    "le": lambda value, limit: value <= limit,
    "gt": lambda value, limit: value > limit,
    "lt": lambda value, limit: value < limit,
}


def compile_condition(node: Any, fields: Collection[str], where: str = "when") -> Predicate:
    """Turn a condition mapping into a predicate over a situation's fields.

    ``{otherwise: true}`` compiles to a predicate that is always false: the engine fires
    such a rule itself when no other rule fired.
    """
    if not isinstance(node, Mapping):
        raise ConditionError(f"{where}: expected a mapping, got {type(node).__name__}")
    keys = set(node)
    if keys == {"all"} or keys == {"any"}:
        (op,) = keys
        items = node[op]
        if not isinstance(items, list) or not items:
            raise ConditionError(f"{where}.{op}: expected a non-empty list of conditions")
        parts = tuple(
            compile_condition(item, fields, f"{where}.{op}[{i}]") for i, item in enumerate(items)
        )
        if op == "all":
            return lambda s: all(p(s) for p in parts)
        return lambda s: any(p(s) for p in parts)
    if keys == {"not"}:
        inner = compile_condition(node["not"], fields, f"{where}.not")
        return lambda s: not inner(s)
    if keys == {"otherwise"}:
        if node["otherwise"] is not True:
            raise ConditionError(f"{where}.otherwise: must be true")
        return lambda s: False
    if "field" in keys:
        return _compile_test(node, fields, where)
    raise ConditionError(
        f"{where}: unknown condition keys {sorted(keys)}; use field, all, any, not or otherwise"
    )


def _compile_test(node: Mapping[str, Any], fields: Collection[str], where: str) -> Predicate:
    name = node["field"]
    if name not in fields:
        raise ConditionError(
            f"{where}.field: unknown situation field {name!r}; valid: {', '.join(fields)}"
        )
    ops = set(node) - {"field"}
    if len(ops) != 1:
        raise ConditionError(f"{where}: a field test takes exactly one of is, in, ge, le, gt, lt")
    (op,) = ops
    operand = node[op]
    if op == "is":
        return lambda s: bool(s[name] == operand)
    if op == "in":
        if not isinstance(operand, list) or not operand:
            raise ConditionError(f"{where}.in: expected a non-empty list")
        allowed = tuple(operand)
        return lambda s: s[name] in allowed
    if op in _COMPARISONS:
        if isinstance(operand, bool) or not isinstance(operand, int | float):
            raise ConditionError(f"{where}.{op}: expected a number")
        compare = _COMPARISONS[op]
        return lambda s: s[name] is not None and compare(s[name], operand)
    raise ConditionError(f"{where}: unknown test {op!r}; use is, in, ge, le, gt or lt")


def is_otherwise(node: Any) -> bool:
    """True for the catch-all ``{otherwise: true}`` condition."""
    return isinstance(node, Mapping) and set(node) == {"otherwise"}
