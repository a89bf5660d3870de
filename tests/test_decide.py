"""Decisions as data (tests/cases/decisions.yaml), and how they explain themselves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from readiness import rules
from readiness.decide import Explainer, decide, derive_factors
from readiness.model import Content
from readiness.report.wording import flip_text, reason_text
from tests.conftest import extreme_value, make_answers

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "decisions.yaml").read_text(encoding="utf-8"))


def _decide_all(content: Content, factors: dict[str, Any], answers: dict[str, Any] | None = None) -> dict[str, Any]:
    rubric = content.rubric
    raw = answers or {}
    facts = rules.Facts(raw=raw.get, points=lambda _: None, levels={})
    derive_factors(rubric, facts, factors)
    explainer = Explainer(rubric, content.factor_questions)
    return {d.id: decide(d, rubric, facts, explainer) for d in rubric.decisions}


def test_cases_pin_every_answers_level_factor(content: Content) -> None:
    base = {f.id for f in content.rubric.factors if not f.depends_on} - {"use_case_span"}
    assert set(CASES["baseline"]) == base


@pytest.mark.parametrize("name", sorted(CASES["cases"]))
def test_decision_case(content: Content, name: str) -> None:
    case = CASES["cases"][name]
    factors = {**CASES["baseline"], **case["factors"]}
    results = _decide_all(content, factors, case.get("answers"))
    for decision, expected in case["expect"].items():
        assert results[decision].choice == expected, [reason_text(content, r, "en") for r in results[decision].reasons]


def test_each_choice_is_reached_by_some_case(content: Content) -> None:
    reached = {(d, c) for case in CASES["cases"].values() for d, c in case["expect"].items()}
    for decision in content.rubric.decisions:
        for choice in decision.choices:
            assert (decision.id, choice.id) in reached


def test_fallback_explains_what_blocks_the_higher_choices(content: Content) -> None:
    result = _decide_all(content, CASES["baseline"])["model_strategy"]
    blocked = [r for r in result.reasons if not r.met]
    assert {r.factor for r in blocked} == {"prior_use"}  # hybrid and fine-tuning both stop at prior use
    assert result.runner_up in ("fine_tuning", "hybrid")
    assert [s.status for s in result.path] == ["current", "next", "later"]
    assert result.path[1].when  # the open requirements before fine-tuning


def test_would_change_if_names_single_notch_flips(content: Content) -> None:
    factors = {
        **CASES["baseline"],
        "prior_use": "qualifying",
        "labelled_data": "enough",
        "data_maturity": 3,
        "ml_capability": "external",
        "training_compute": "available",
    }
    result = _decide_all(content, factors)["model_strategy"]
    assert result.choice == "fine_tuning"
    flips = {(f.factor, f.to_value, f.choice) for f in result.would_change_if}
    assert ("labelled_data", "some", "prompt_engineering") in flips
    assert ("data_maturity", 2, "prompt_engineering") in flips
    assert all(flip_text(content, "model_strategy", f, "en") for f in result.would_change_if)


def test_reasons_name_their_questions(content: Content) -> None:
    answers = make_answers(content, lambda q: extreme_value(q, True))
    from readiness.assess import run_assessment

    result = run_assessment(content, answers)
    reasons = result.decisions["deployment"].reasons + result.decisions["model_strategy"].reasons
    assert reasons
    for reason in reasons:
        if reason.factor not in ("data_maturity", "ops_maturity"):
            assert reason.questions, reason.factor
