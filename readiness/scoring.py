"""Answers -> question values -> step and overall scores, levels and confidence (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import rules
from .model import (
    NOT_APPLICABLE,
    STEP_IDS,
    UNKNOWN,
    Answers,
    AnswerValue,
    Content,
    Question,
    QuestionResult,
    QuestionStatus,
    Rubric,
    StepResult,
    leaves,
)


def answer_points(question: Question, raw: AnswerValue | None) -> float | None:
    """The answer's value in [0, 1]; None when the question does not count (not applicable, text)."""
    if raw == NOT_APPLICABLE or question.type == "text":
        return None
    if raw is None or raw == UNKNOWN:
        return 0.0
    if question.type == "single":
        option = question.option(str(raw))
        return option.points if option else 0.0
    if question.type == "multi":
        chosen = raw if isinstance(raw, list) else []
        return min(question.cap, sum(o.points for o in question.options if o.id in chosen))
    if question.type == "yes_no":
        return question.yes_points if raw is True else question.no_points
    if not question.bands or isinstance(raw, bool) or not isinstance(raw, int | float):
        return 0.0
    points = question.bands[0].points
    for band in question.bands:
        if raw >= band.min:
            points = band.points
    return points


_NOT_YET = object()  # a question whose points are not worked out yet (None means "not scored")


def make_facts(content: Content, value: Callable[[str], AnswerValue | None]) -> rules.Facts:
    """Facts over answers given as `value(question_id)`. A question left out by context has no points."""
    index = content.questionnaire.question_index()
    contextual = content.questionnaire.contextual
    facts = rules.Facts(raw=value, points=lambda _: None)

    known: dict[str, float | None] = {}  # answers do not change during one assessment

    def points(question_id: str) -> float | None:
        found = known.get(question_id, _NOT_YET)
        if found is not _NOT_YET:
            return found  # type: ignore[return-value]
        question = index.get(question_id)
        if question is None or (question_id in contextual and not is_visible(question, facts)):
            found = None
        else:
            found = answer_points(question, value(question_id))
        known[question_id] = found
        return found

    facts.points = points
    return facts


def is_visible(question: Question, facts: rules.Facts) -> bool:
    return question.show_if is None or rules.evaluate(question.show_if, facts)


def _follows_not_applicable(question: Question, answers: Answers) -> bool:
    return question.show_if is not None and any(
        leaf.kind in ("question", "points") and leaf.subject in answers.not_applicable
        for leaf in leaves(question.show_if)
    )


@dataclass(frozen=True)
class _Tally:
    score: float  # 0-100
    confidence: float  # 0-1
    answered: int
    total: int
    questions: list[QuestionResult]


def _score_questions(
    questions: list[Question], answers: Answers, facts: rules.Facts, contextual: frozenset[str]
) -> _Tally:
    """Weighted mean of answer values.

    A follow-up hidden by a scored answer (say, MES coverage when there is no MES) counts as 0: the
    capability it asks about is absent, and revealing it can only raise the score. A question hidden
    by context alone (Questionnaire.contextual) does not apply and leaves the denominator.
    """
    results: list[QuestionResult] = []
    weighted = counted = known = 0.0
    answered = total = 0
    value_of, points_of, evaluate = answers.lookup, facts.points, rules.evaluate  # looked up once per step
    for question in questions:
        raw = value_of(question.id)
        status: QuestionStatus
        if question.show_if is not None and not evaluate(question.show_if, facts):
            # A follow-up of a question that does not apply here does not apply either.
            hidden = question.id in contextual or _follows_not_applicable(question, answers)
            status = "hidden" if hidden else "not_reached"
            value = None if hidden else 0.0
        else:
            total += 1
            answered += raw is not None
            value = points_of(question.id)  # visible: its answer's points, worked out once
            if raw == NOT_APPLICABLE:
                status = "not_applicable"
            elif raw == UNKNOWN:
                status = "unknown"
            else:
                status = "answered" if raw is not None else "unanswered"
        results.append(QuestionResult(question.id, value, question.weight, status))  # (id, value, weight, status)
        if value is None or not question.weight:
            continue
        weighted += question.weight * value
        counted += question.weight
        if status in ("answered", "not_reached"):
            known += question.weight
    score = 100 * weighted / counted if counted else 0.0
    # Follow-ups not reached count as known only behind a given answer: with nothing answered,
    # nothing is known.
    confidence = known / counted if counted and answered else 0.0
    return _Tally(score, confidence, answered, total, results)


def score_steps(content: Content, answers: Answers, facts: rules.Facts) -> tuple[list[StepResult], StepResult]:
    """Score every step and the whole enterprise; fills facts.scores and facts.levels."""
    rubric = content.rubric
    contextual = content.questionnaire.contextual
    tallies = {
        step.id: _score_questions(step.questions, answers, facts, contextual)
        for step in content.questionnaire.playbook_steps
    }
    for step_id, tally in tallies.items():
        facts.scores[step_id] = round(tally.score, 1)
        facts.levels[step_id] = rubric.level_for(facts.scores[step_id]).level
    facts.levels_before_gates = dict(facts.levels)
    steps = []
    for step_id in STEP_IDS:
        tally = tallies[step_id]
        level, capped_by = _apply_gates(rubric, step_id, facts)
        steps.append(_result(step_id, tally, level, capped_by))
    for step in steps:  # gates settled: later conditions see the final levels
        facts.levels[step.id] = step.level

    total_weight = sum(rubric.step_weights[s] for s in STEP_IDS)
    overall_score = sum(rubric.step_weights[s] * tallies[s].score for s in STEP_IDS) / total_weight
    overall_conf = sum(rubric.step_weights[s] * tallies[s].confidence for s in STEP_IDS) / total_weight
    facts.scores["overall"] = round(overall_score, 1)
    facts.levels["overall"] = rubric.level_for(facts.scores["overall"]).level
    level, capped_by = _apply_gates(rubric, "overall", facts)
    facts.levels["overall"] = level
    overall = _result(
        "overall",
        _Tally(
            overall_score,
            overall_conf,
            sum(t.answered for t in tallies.values()),
            sum(t.total for t in tallies.values()),
            [],
        ),
        level,
        capped_by,
    )
    return steps, overall


def _apply_gates(rubric: Rubric, step_id: str, facts: rules.Facts) -> tuple[int, list[int]]:
    """The level after the step's gates, and the gates (positions in rubric.gates) that held it down."""
    level = facts.levels[step_id]
    capped_by = []
    for index, gate in rubric.gates_by_step.get(step_id, ()):
        if gate.level <= level and not rules.evaluate(gate.requires, facts):
            level = gate.level - 1
            capped_by.append(index)
    return level, capped_by


def _result(step_id: str, tally: _Tally, level: int, capped_by: list[int]) -> StepResult:
    return StepResult(
        id=step_id,
        score=round(tally.score, 1),
        level=level,
        confidence=round(tally.confidence, 2),
        answered=tally.answered,
        total=tally.total,
        capped_by=capped_by,
        questions=tally.questions,
    )
