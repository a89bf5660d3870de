"""The closed condition language used by show_if, gates, factors and action triggers.

A condition is an all/any/not tree over leaves `{question|points|factor|score|level|decision, op, value}`.
Operators live in OPERATORS; an operator that is not there is a load error, never an eval.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import NOT_APPLICABLE, UNKNOWN, All, Any_, Condition, Leaf, Not, leaves

__all__ = ["OPERATORS", "Facts", "as_list", "evaluate", "leaves"]


def _includes(actual: Any, expected: Any) -> bool:
    return isinstance(actual, list) and expected in actual


def _includes_any(actual: Any, expected: Any) -> bool:
    return isinstance(actual, list) and any(item in actual for item in as_list(expected))


def as_list(value: Any) -> list[Any]:
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
    "in": lambda actual, expected: actual in as_list(expected),
    "not_in": lambda actual, expected: actual not in as_list(expected),
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
_NUMERIC = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


@dataclass
class Facts:
    """What conditions can look at. Fields are filled as the assessment proceeds."""

    raw: Callable[[str], Any]  # question id -> raw answer (None when unanswered)
    points: Callable[[str], float | None]  # question id -> value in [0, 1], None when not scored
    factor_positions: Mapping[str, Mapping[Any, int]] = field(default_factory=dict)  # factor -> value -> place
    factors: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)  # step id or "overall" -> 0-100
    levels: dict[str, int] = field(default_factory=dict)  # after gates
    levels_before_gates: dict[str, int] = field(default_factory=dict)  # what decisions read
    decisions: dict[str, str] = field(default_factory=dict)  # decision id -> choice, once decided


Test = Callable[[Facts], bool]
# Conditions are compiled to closures once: the batch scorer evaluates thousands per second.
_compiled: dict[int, tuple[Condition, Test]] = {}
_NO_VALUE = (None, UNKNOWN, NOT_APPLICABLE)


def evaluate(condition: Condition, facts: Facts) -> bool:
    # The entry keeps the condition alive, so no other object can take its id meanwhile.
    entry = _compiled.get(id(condition))
    if entry is None:
        entry = _compiled[id(condition)] = (condition, _compile(condition))
    return entry[1](facts)


def _compile(condition: Condition) -> Test:
    if isinstance(condition, All):
        return _all_of([_compile(c) for c in condition.all])
    if isinstance(condition, Any_):
        return _any_of([_compile(c) for c in condition.any])
    if isinstance(condition, Not):
        inner = _compile(condition.not_)
        return lambda facts: not inner(facts)
    return _compile_leaf(condition)


# Most all/any lists hold one or two conditions: those are joined directly, without a generator
# (the same order, and the same early stop).
def _all_of(parts: list[Test]) -> Test:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda facts: first(facts) and second(facts)
    return lambda facts: all(part(facts) for part in parts)


def _any_of(parts: list[Test]) -> Test:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda facts: first(facts) or second(facts)
    return lambda facts: any(part(facts) for part in parts)


def _compile_leaf(leaf: Leaf) -> Test:
    kind, subject, op, value = leaf.kind, leaf.subject, leaf.op, leaf.value
    if kind == "question":
        return _compile_question(subject, op, value)
    if kind == "decision":
        compare = OPERATORS[op]

        def decision(facts: Facts) -> bool:
            choice = facts.decisions.get(subject)
            return choice is not None and compare(choice, value)

        return decision
    if kind == "factor":
        return _compile_factor(subject, op, value)
    if op in STATE_OPERATORS:  # "answered": whether there is a measure at all
        if kind == "points":
            return lambda facts: facts.points(subject) is not None
        return lambda facts: (facts.scores if kind == "score" else facts.levels).get(subject) is not None
    # Points, scores and levels are the engine's own numbers (or None), and the loader checked that
    # ordered operators get a number: they compare directly, without the type checks.
    compare_measure: Callable[[Any, Any], bool] = _NUMERIC.get(op) or OPERATORS[op]
    if kind == "points":

        def points(facts: Facts) -> bool:
            actual = facts.points(subject)
            return actual is not None and compare_measure(actual, value)

        return points

    def measured(facts: Facts) -> bool:
        actual = (facts.scores if kind == "score" else facts.levels).get(subject)
        return actual is not None and compare_measure(actual, value)

    return measured


def _compile_question(subject: str, op: str, value: Any) -> Test:
    """A test of the raw answer to a question."""
    if op in STATE_OPERATORS:
        state = STATE_OPERATORS[op]
        return lambda facts: state(facts.raw(subject))
    if op == "in" or (op == "eq" and not isinstance(value, list)):  # the most used, tested inline
        allowed = as_list(value)

        def question_among(facts: Facts) -> bool:
            raw = facts.raw(subject)
            return raw not in _NO_VALUE and raw in allowed

        return question_among
    compare = OPERATORS[op]

    def question(facts: Facts) -> bool:
        raw = facts.raw(subject)
        return raw not in _NO_VALUE and compare(raw, value)

    return question


def _compile_factor(subject: str, op: str, value: Any) -> Test:
    """A test of a factor's value, by its place in the factor's order."""
    compare = OPERATORS[op]
    # The outcome for each value of the factor, worked out once for the positions it is
    # evaluated against (always its own rubric's): factor tests run thousands of times a batch.
    outcomes: dict[Any, bool] = {}
    outcomes_of: object = None

    def factor(facts: Facts) -> bool:
        nonlocal outcomes, outcomes_of
        if outcomes_of is not facts.factor_positions:
            position = facts.factor_positions[subject]
            expected = [position[v] for v in value] if isinstance(value, list) else position[value]
            outcomes = {v: compare(place, expected) for v, place in position.items()}
            outcomes_of = facts.factor_positions
        return outcomes[facts.factors[subject]]

    return factor
