"""Combine the answers of several respondents of one enterprise (pure).

Where respondents disagree, the default keeps the more conservative answer (the one worth fewer
points), so a merged assessment never claims more than the most cautious respondent. Every
disagreement is recorded with who said what.
"""

from __future__ import annotations

from typing import Any, Literal

from .errors import AnswersError, Issue
from .model import NOT_APPLICABLE, UNKNOWN, Answers, AnswerValue, Content, Disagreement, Respondent
from .scoring import answer_points

Rule = Literal["conservative", "optimistic", "first"]


def merge_answers(sources: list[tuple[str, Answers]], content: Content, rule: Rule = "conservative") -> Answers:
    """Merge answers files given as (file name, answers), in order."""
    _check_same_enterprise(sources)
    index = content.questionnaire.question_index()
    respondents: list[Respondent] = []
    labels: list[str] = []
    for name, answers in sources:
        people = answers.respondents or [Respondent(name=name)]
        respondents += [p for p in people if p not in respondents]
        labels.append(" / ".join(p.name for p in people))

    merged: dict[str, AnswerValue] = {}
    disagreements = []
    order = list(dict.fromkeys(key for _, answers in sources for key in answers.answers))
    for key in order:
        given = [(label, a.answers[key]) for label, (_, a) in zip(labels, sources, strict=True) if key in a.answers]
        values = [value for _, value in given]
        kept = values[0]
        if any(value != kept for value in values[1:]):
            kept = _pick(values, index[key], rule)
            disagreements.append(Disagreement(question=key, kept=kept, answers=dict(given)))
        merged[key] = kept

    notes: dict[str, str] = {}
    for label, (_, answers) in zip(labels, sources, strict=True):
        for key, text in answers.notes.items():
            notes[key] = f"{notes[key]}\n{label}: {text}" if key in notes else f"{label}: {text}"
    enterprise: dict[str, Any] = {}
    for _, answers in sources:
        enterprise.update({k: v for k, v in answers.enterprise.items() if k not in enterprise})
    first = sources[0][1]
    return Answers(
        questionnaire=first.questionnaire,
        questionnaire_version=first.questionnaire_version,
        language=first.language,
        enterprise=enterprise,
        respondents=respondents,
        answers=merged,
        notes=notes,
        disagreements=disagreements,
    )


def _pick(values: list[AnswerValue], question: Any, rule: Rule) -> AnswerValue:
    if rule == "first" or not question.weight:
        return values[0]  # unscored answers (decision inputs) have no "more conservative" side
    known = [v for v in values if v not in (UNKNOWN, NOT_APPLICABLE)] or values
    worth = [(answer_points(question, v) or 0.0, i) for i, v in enumerate(known)]
    _, position = min(worth) if rule == "conservative" else max(worth, key=lambda w: (w[0], -w[1]))
    return known[position]


def _check_same_enterprise(sources: list[tuple[str, Answers]]) -> None:
    issues = []
    first_name, first = sources[0]
    for name, answers in sources[1:]:
        if (answers.questionnaire, answers.questionnaire_version) != (first.questionnaire, first.questionnaire_version):
            issues.append(
                Issue(
                    name,
                    f"answers questionnaire version {answers.questionnaire_version}; {first_name} answers "
                    f"version {first.questionnaire_version}",
                )
            )
        for key in sorted(set(first.enterprise) & set(answers.enterprise)):
            if first.enterprise[key] != answers.enterprise[key]:
                issues.append(
                    Issue(
                        name,
                        f"enterprise.{key} is {answers.enterprise[key]!r} here but {first.enterprise[key]!r} in "
                        f"{first_name}: these files describe different enterprises, or one profile needs fixing",
                    )
                )
    if issues:
        raise AnswersError(issues)
