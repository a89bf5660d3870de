"""Scoring semantics (DESIGN §2.3): bounds, not applicable, unknown, gates, determinism, monotonicity."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from readiness.assess import run_assessment
from readiness.model import UNKNOWN, Answers, Content, Question, leaves
from readiness.report.result import render_json
from readiness.report.wording import gate_texts
from readiness.scoring import answer_points
from tests.conftest import extreme_value, make_answers


def _with(answers: Answers, **changes: Any) -> Answers:
    return answers.model_copy(update={"answers": {**answers.answers, **changes}})


def _step(assessment: Any, step_id: str) -> Any:
    return next(s for s in assessment.steps if s.id == step_id)


def test_best_and_worst_answers_span_the_scale(content: Content) -> None:
    best = run_assessment(content, make_answers(content, lambda q: extreme_value(q, True)))
    worst = run_assessment(content, make_answers(content, lambda q: extreme_value(q, False)))
    assert best.overall.score == 100.0 and best.overall.level == 5
    assert worst.overall.score == 0.0 and worst.overall.level == 1
    for step in best.steps:
        assert step.score == 100.0 and step.confidence == 1.0
    for step in worst.steps:
        assert step.score == 0.0


def test_not_applicable_leaves_the_denominator(content: Content) -> None:
    question = next(
        q for s in content.questionnaire.playbook_steps for q in s.questions if q.allow_not_applicable and q.weight
    )
    step_id = question.id.split(".")[0]
    base = make_answers(content, lambda q: extreme_value(q, True))
    worst_here = _with(base, **{question.id: extreme_value(question, False)})
    not_applicable = _with(base, **{question.id: "not_applicable"})
    assert _step(run_assessment(content, not_applicable), step_id).score == 100.0
    assert _step(run_assessment(content, worst_here), step_id).score < 100.0


def test_unknown_scores_zero_and_lowers_confidence(content: Content) -> None:
    base = make_answers(content, lambda q: extreme_value(q, True))
    question = content.questionnaire.question_index()["data.data_owner"]
    unknown = run_assessment(content, _with(base, **{question.id: UNKNOWN}))
    data = _step(unknown, "data")
    expected_share = 1 - question.weight / sum(
        q.weight for q in next(s for s in content.questionnaire.steps if s.id == "data").questions
    )
    assert data.confidence == round(expected_share, 2)
    assert data.score < 100.0
    assert unknown.overall.confidence < 1.0


def test_gate_caps_the_level_and_says_why(content: Content) -> None:
    base = make_answers(content, lambda q: extreme_value(q, True))
    capped = run_assessment(content, _with(base, **{"data.data_owner": "part_time"}))
    data = _step(capped, "data")
    assert data.score >= 80 and data.level == 2
    assert any("owner" in text for text in gate_texts(content, data, "en"))


def test_overall_gate_needs_security(content: Content) -> None:
    def strong_but_insecure(q: Question) -> Any:
        if q.id in ("security.input_filtering", "security.output_checking"):
            return "none"
        return extreme_value(q, True)

    result = run_assessment(content, make_answers(content, strong_but_insecure))
    assert _step(result, "security").level <= 2
    assert result.overall.score >= 60 and result.overall.level == 3
    assert result.overall.capped_by


def test_points_for_each_question_type(content: Content) -> None:
    index = content.questionnaire.question_index()
    labelled = index["models.labelled_examples"]
    assert answer_points(labelled, 0) == labelled.bands[0].points
    assert answer_points(labelled, 10**6) == labelled.bands[-1].points
    assert answer_points(labelled, UNKNOWN) == 0.0
    assert answer_points(labelled, "not_applicable") is None
    multi = next(q for q in index.values() if q.type == "multi" and q.weight)
    everything = [o.id for o in multi.options if not o.exclusive]
    assert answer_points(multi, everything) == multi.cap


def test_same_input_gives_byte_identical_json(content: Content) -> None:
    answers = make_answers(content, lambda q: extreme_value(q, False))
    first = render_json(run_assessment(content, answers), content)
    second = render_json(run_assessment(content, answers.model_copy(deep=True)), content)
    assert first == second


# --- monotonicity: a better answer never lowers any score -----------------------------------


def _candidates(question: Question) -> list[Any]:
    """Possible answers, each with its points, for the property test."""
    if question.type == "single":
        return [o.id for o in question.options] + [UNKNOWN]
    if question.type == "multi":
        plain = [o.id for o in question.options if not o.exclusive]
        return [plain[:i] for i in range(len(plain) + 1)] + [UNKNOWN]
    if question.type in ("number", "percent"):
        return [b.min for b in question.bands] + [UNKNOWN]
    if question.type == "yes_no":
        return [False, True, UNKNOWN]
    return []


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_improving_one_answer_never_lowers_a_score(content: Content, data: st.DataObject) -> None:
    scored = [q for s in content.questionnaire.playbook_steps for q in s.questions if q.weight and _candidates(q)]

    def pick(q: Question) -> Any:
        return data.draw(st.sampled_from(_candidates(q)), label=q.id) if q.type != "text" else None

    base = make_answers(content, pick)
    question = data.draw(st.sampled_from(scored), label="improved")
    current = answer_points(question, base.answers.get(question.id))
    better = [v for v in _candidates(question) if (answer_points(question, v) or 0) > (current or 0)]
    if not better:
        return
    improved = _with(base, **{question.id: data.draw(st.sampled_from(better), label="to")})
    before, after = run_assessment(content, base), run_assessment(content, improved)
    assert after.overall.score >= before.overall.score
    for old, new in zip(before.steps, after.steps, strict=True):
        assert new.score >= old.score, (question.id, old.id)
        assert new.level >= old.level, (question.id, old.id)


def test_follow_ups_of_a_not_applicable_question_do_not_apply(content: Content) -> None:
    """A firm without production equipment answers the equipment questions "not applicable"; their
    follow-ups leave the calculation too, instead of counting as absent capabilities."""
    best = make_answers(content, lambda q: extreme_value(q, True))
    step = next(s for s in content.questionnaire.playbook_steps if s.id == "infrastructure")
    parents = {leaf.subject for q in step.questions if q.show_if for leaf in leaves(q.show_if)}
    without = _with(
        best, **{q.id: "not_applicable" for q in step.questions if q.allow_not_applicable and q.id in parents}
    )
    result = _step(run_assessment(content, without), "infrastructure")
    follow_ups = [q for q in result.questions if q.status in ("hidden", "not_reached")]
    assert follow_ups and all(q.status == "hidden" for q in follow_ups)
    assert result.score == 100.0
