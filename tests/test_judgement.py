"""Judgement: enterprises built from public case descriptions reach the outcome a consultant would
defend (tests/cases/enterprises/expected.yaml, written before the rules were run), and the advice is
stable: no one-notch change of an answer that feeds a decision makes it jump, and no better answer
lowers a score or takes away work the recommended strategy needs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from readiness.assess import run_assessment
from readiness.loader import load_answers
from readiness.model import NOT_APPLICABLE, UNKNOWN, Answers, Assessment, Content, Question
from readiness.report.wording import reason_text
from readiness.resources import bundled_examples, example_answers
from readiness.scoring import answer_points

CASES = Path(__file__).parent / "cases" / "enterprises"
EXPECTED = yaml.safe_load((CASES / "expected.yaml").read_text(encoding="utf-8"))
STAGES = ("prompt_engineering", "fine_tuning", "hybrid")
PILOTS = {
    "prompt_engineering": {"models.rag_pilot", "models.vendor_model_pilot"},
    "fine_tuning": {"models.fine_tune_pilot"},
    "hybrid": {"models.hybrid_pilot"},
}


def _suite(content: Content) -> dict[str, Answers]:
    found = {slug: load_answers(CASES / f"{slug}.yaml", content) for slug in EXPECTED}
    found |= {f"example:{name}": load_answers(example_answers(name), content) for name in bundled_examples()}
    return found


def test_every_enterprise_file_has_an_expectation() -> None:
    files = sorted(p.stem for p in CASES.glob("*.yaml") if p.stem != "expected")
    assert files == sorted(EXPECTED)
    assert len(files) >= 12
    sizes = {yaml.safe_load((CASES / f"{f}.yaml").read_text(encoding="utf-8"))["enterprise"]["size"] for f in files}
    assert sizes == {"micro", "small", "medium", "large"}
    outcomes = {(e["model_strategy"], e["deployment"]) for e in EXPECTED.values()}
    assert {s for s, _ in outcomes} == set(STAGES) and {d for _, d in outcomes} == {"cloud", "edge", "cloud_edge"}


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_expected_judgement(content: Content, slug: str) -> None:
    expected = EXPECTED[slug]
    answers = load_answers(CASES / f"{slug}.yaml", content)
    result = run_assessment(content, answers)
    strategy, deployment = result.decisions["model_strategy"], result.decisions["deployment"]
    why = [reason_text(content, r, "en") for r in (*strategy.reasons, *deployment.reasons)]
    assert (strategy.choice, deployment.choice) == (expected["model_strategy"], expected["deployment"]), why
    assert expected["overall_level_min"] <= result.overall.level <= expected["overall_level_max"]
    assert result.priority_scenario == expected["priority_scenario"]
    # The advice is built around the priority use case and sized to the firm.
    first = [item for item in result.roadmap if item.phase == 1]
    assert PILOTS[strategy.choice] & {item.id for item in result.roadmap}
    if answers.enterprise["size"] == "micro":
        assert len(first) <= 5
        assert PILOTS[strategy.choice] & {item.id for item in first}
    # Every deployment reason names the answers it rests on.
    assert all(r.questions for r in deployment.reasons if r.met)


# --- stability ---------------------------------------------------------------------------------


def _feeding(content: Content) -> tuple[str, ...]:
    """Every question whose answer feeds a decision: through a factor, or through a step level a
    factor reads (every question of that step counts towards it)."""
    rubric = content.rubric
    involved = {f for d in rubric.decisions for f in rubric.decision_factors[d.id]}
    found = {q for f in involved for q in content.factor_questions[f]}
    steps = {f.level_of for f in rubric.factors if f.id in involved and f.level_of}
    found |= {q.id for s in content.questionnaire.steps if s.id in steps for q in s.questions}
    return tuple(sorted(found))


def one_notch(question: Question, value: Any) -> Iterator[Any]:
    """The answers one notch away: the neighbouring options, the neighbouring bands, one item more
    or less on a checklist, the other of yes and no."""
    if value in (None, UNKNOWN, NOT_APPLICABLE) or question.options_from:
        return
    if question.type == "single":
        ids = question.option_ids
        if value in ids:
            at = ids.index(value)
            yield from (ids[i] for i in (at - 1, at + 1) if 0 <= i < len(ids))
    elif question.type == "multi" and isinstance(value, list):
        exclusive = {o.id for o in question.options if o.exclusive}
        for option in question.option_ids:
            if option in value:
                yield [v for v in value if v != option]
            elif option not in exclusive and not exclusive & set(value):
                yield [*value, option]
    elif question.type == "yes_no":
        yield not value
    elif question.type in ("number", "percent") and isinstance(value, int | float):
        edges = [b.min for b in question.bands] or [0, 100, 300, 1000, 5000]
        below = [e for e in edges if e < value]
        above = [e for e in edges if e > value]
        if below:
            yield below[-1]
        if above:
            yield above[0]


def _changed(answers: Answers, question_id: str, value: Any) -> Answers:
    if question_id.startswith("profile."):
        return answers.model_copy(update={"enterprise": {**answers.enterprise, question_id.split(".", 1)[1]: value}})
    return answers.model_copy(update={"answers": {**answers.answers, question_id: value}})


def _stage(result: Assessment) -> int:
    return STAGES.index(result.decisions["model_strategy"].choice)


def _check_stable(content: Content, feeding: tuple[str, ...], name: str, answers: Answers) -> int:
    index = content.questionnaire.question_index()
    before = run_assessment(content, answers)
    tried = 0
    for question_id in feeding:
        question = index[question_id]
        for value in one_notch(question, answers.value(question_id)):
            changed = _changed(answers, question_id, value)
            after = run_assessment(content, changed)
            tried += 1
            where = f"{name}: {question_id} {answers.value(question_id)!r} -> {value!r}"
            assert abs(_stage(after) - _stage(before)) <= 1, where
            planned = {item.id for item in after.roadmap}
            assert PILOTS[after.decisions["model_strategy"].choice] & planned, where
            assert "models.go_live" in planned, where
            better = (answer_points(question, value) or 0) > (answer_points(question, answers.value(question_id)) or 0)
            if question.weight and better:
                assert after.overall.score >= before.overall.score - 1e-9, where
                for old, new in zip(before.steps, after.steps, strict=True):
                    assert new.score >= old.score - 1e-9, (where, new.id)
                assert _stage(after) >= _stage(before), where
                if _stage(after) == _stage(before):
                    needed = {i.id for i in before.roadmap} & PILOTS[before.decisions["model_strategy"].choice]
                    assert needed <= planned, where
    return tried


def test_one_notch_changes_never_make_the_advice_jump(content: Content) -> None:
    feeding = _feeding(content)
    tried = sum(_check_stable(content, feeding, name, answers) for name, answers in _suite(content).items())
    assert tried >= 1000, tried
