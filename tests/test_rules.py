"""The condition language: all/any/not of any length give the logic's answer and stop as soon as it is known."""

from __future__ import annotations

from typing import Any

import pytest

from readiness import rules
from readiness.decide import Explainer, decide, derive_factors
from readiness.model import All, Any_, Content, Leaf, Not
from readiness.scoring import make_facts, score_steps
from tests.conftest import make_answers


def _facts(answers: dict[str, Any], asked: list[str]) -> rules.Facts:
    def raw(question_id: str) -> Any:
        asked.append(question_id)
        return answers.get(question_id)

    return rules.Facts(raw=raw, points=lambda _: None)


def _yes(question_id: str) -> Leaf:
    return Leaf(question=question_id, op="eq", value="yes")


@pytest.mark.parametrize("size", [1, 2, 3, 4])
@pytest.mark.parametrize("first_no", [None, 0, 1, 2, 3])
def test_all_holds_when_every_part_holds_and_stops_at_the_first_that_fails(size: int, first_no: int | None) -> None:
    ids = [f"q.part_{i}" for i in range(size)]
    answers = {q: "no" if i == first_no else "yes" for i, q in enumerate(ids)}
    asked: list[str] = []
    held = rules.evaluate(All(all=[_yes(q) for q in ids]), _facts(answers, asked))
    fails = first_no is not None and first_no < size
    assert held is (not fails)
    assert asked == (ids[: first_no + 1] if fails and first_no is not None else ids)


@pytest.mark.parametrize("size", [1, 2, 3, 4])
@pytest.mark.parametrize("first_yes", [None, 0, 1, 2, 3])
def test_any_holds_when_one_part_holds_and_stops_at_the_first_that_does(size: int, first_yes: int | None) -> None:
    ids = [f"q.part_{i}" for i in range(size)]
    answers = {q: "yes" if i == first_yes else "no" for i, q in enumerate(ids)}
    asked: list[str] = []
    held = rules.evaluate(Any_(any=[_yes(q) for q in ids]), _facts(answers, asked))
    holds = first_yes is not None and first_yes < size
    assert held is holds
    assert asked == (ids[: first_yes + 1] if holds and first_yes is not None else ids)


def test_nested_conditions_combine_as_written() -> None:
    condition = Any_(any=[All(all=[_yes("q.a"), Not(**{"not": _yes("q.b")})]), _yes("q.c")])
    for a in ("yes", "no"):
        for b in ("yes", "no"):
            for c in ("yes", "no"):
                expected = (a == "yes" and b != "yes") or c == "yes"
                facts = _facts({"q.a": a, "q.b": b, "q.c": c}, [])
                assert rules.evaluate(condition, facts) is expected


@pytest.mark.parametrize("level", ["low", "high"])
def test_deciding_leaves_the_enterprise_factors_as_they_were(content: Content, level: str) -> None:
    """The what-if runs behind "what would change the decision" move factors on a copy only."""
    answers = make_answers(content, lambda q: q.options[0 if level == "low" else -1].id if q.options else None)
    facts = make_facts(content, answers.value)
    score_steps(content, answers, facts)
    derived = derive_factors(content.rubric, facts)
    explainer = Explainer(content.rubric, content.factor_questions)
    for decision in content.rubric.decisions:
        decide(decision, content.rubric, facts, explainer)
        assert facts.factors == derived
