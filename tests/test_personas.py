"""The bundled example and personas reach their expected outcomes for the expected reasons."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from readiness.assess import run_assessment
from readiness.loader import load_answers
from readiness.model import Content
from readiness.resources import bundled_examples, example_answers

EXPECTED = yaml.safe_load((Path(__file__).parent / "personas.yaml").read_text(encoding="utf-8"))


def test_every_bundled_example_has_expectations() -> None:
    assert sorted(EXPECTED) == bundled_examples()
    assert len(EXPECTED) >= 5


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_persona_outcome(content: Content, name: str) -> None:
    expected = EXPECTED[name]
    result = run_assessment(content, load_answers(example_answers(name), content))
    strategy, deployment = result.decisions["model_strategy"], result.decisions["deployment"]
    assert strategy.choice == expected["model_strategy"]
    assert deployment.choice == expected["deployment"]
    met = {r.factor for r in (*strategy.reasons, *deployment.reasons) if r.met}
    assert set(expected["reasons_include"]) <= met, met
    named = {q for r in deployment.reasons if r.met for q in r.questions}
    assert set(expected["deciding_answers"]) <= named, named
    assert expected["overall_level_min"] <= result.overall.level <= expected["overall_level_max"]
    assert result.roadmap
