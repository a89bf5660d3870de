"""The closed condition language used by show_if, gates, factors and action triggers.

A condition is an all/any/not tree over leaves `{question|points|factor|score|level, op, value}`.
Operators live in OPERATORS; an operator that is not there is a load error, never an eval.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import NOT_APPLICABLE, UNKNOWN, All, Any_, Condition, Leaf, Not, leaves

__all__ = ["OPERATORS", "Facts", "evaluate", "leaves"]


def _includes(actual: Any, expected: Any) -> bool:
    return isinstance(actual, list) and expected in actual


def _includes_any(actual: Any, expected: Any) -> bool:
    return isinstance(actual, list) and any(item in actual for item in _as_list(expected))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def test(actual: Any, expected: Any) -> bool:
        numeric = (int, float)
        if isinstance(actual, bool) or not isinstance(actual, numeric):
            return False
        return isinstance(expected, numeric) and compare(actual, expected)

    return test


# Operators that compare a present value. Absent, unknown or not-applicable answers fail them all.
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda actual, expected: actual == expected,
    "ne": lambda actual, expected: actual != expected,
    "in": lambda actual, expected: actual in _as_list(expected),
    "not_in": lambda actual, expected: actual not in _as_list(expected),
    "gt": _ordered(lambda a, b: a > b),
    "gte": _ordered(lambda a, b: a >= b),
    "lt": _ordered(lambda a, b: a < b),
    "lte": _ordered(lambda a, b: a <= b),
    "includes": _includes,
    "includes_any": _includes_any,
}
# Operators about the state of an answer; they take no value.
STATE_OPERATORS: dict[str, Callable[[Any], bool]] = {
    "answered": lambda raw: raw is not None and raw not in (UNKNOWN, NOT_APPLICABLE),
    "is_unknown": lambda raw: raw == UNKNOWN,
    "is_not_applicable": lambda raw: raw == NOT_APPLICABLE,
}
ALL_OPERATORS = frozenset(OPERATORS) | frozenset(STATE_OPERATORS)
ORDERED_OPERATORS = frozenset({"gt", "gte", "lt", "lte"})


@dataclass
class Facts:
    """What conditions can look at. Fields are filled as the assessment proceeds."""

    raw: Callable[[str], Any]  # question id -> raw answer (None when unanswered)
    points: Callable[[str], float | None]  # question id -> value in [0, 1], None when not scored
    factor_order: Mapping[str, list[Any]] = field(default_factory=dict)  # factor -> ordered values
    factors: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)  # step id or "overall" -> 0-100
    levels: dict[str, int] = field(default_factory=dict)


def evaluate(condition: Condition, facts: Facts) -> bool:
    if isinstance(condition, All):
        return all(evaluate(c, facts) for c in condition.all)
    if isinstance(condition, Any_):
        return any(evaluate(c, facts) for c in condition.any)
    if isinstance(condition, Not):
        return not evaluate(condition.not_, facts)
    return _evaluate_leaf(condition, facts)


def _evaluate_leaf(leaf: Leaf, facts: Facts) -> bool:
    kind, subject = leaf.kind, leaf.subject
    if kind == "question":
        raw = facts.raw(subject)
        if leaf.op in STATE_OPERATORS:
            return STATE_OPERATORS[leaf.op](raw)
        if raw is None or raw in (UNKNOWN, NOT_APPLICABLE):
            return False
        return OPERATORS[leaf.op](raw, leaf.value)
    if kind == "points":
        actual: Any = facts.points(subject)
    elif kind == "factor":
        order = facts.factor_order[subject]
        actual = order.index(facts.factors[subject])
        expected = [order.index(v) for v in _as_list(leaf.value)]
        return OPERATORS[leaf.op](actual, expected if isinstance(leaf.value, list) else expected[0])
    elif kind == "score":
        actual = facts.scores.get(subject)
    else:
        actual = facts.levels.get(subject)
    if leaf.op in STATE_OPERATORS:
        return actual is not None
    return actual is not None and OPERATORS[leaf.op](actual, leaf.value)
