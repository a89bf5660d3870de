"""The one place where results become words.

The engine (run_assessment) speaks in ids, values and references into the content; these
functions word them in one language, from the content and the fixed wording (labels.py). Every
output (JSON result, report context, terminal, comparison, portfolio, interview) words through
here, so one assessment can be rendered in any language without running the engine again.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import (
    DEFAULT_CASE,
    AnswerWarning,
    Assessment,
    Blocker,
    Content,
    Flip,
    Question,
    Reason,
    RequirementRef,
    StepResult,
)
from .labels import LABELS


def step_title(content: Content, step_id: str, lang: str) -> str:
    return content.questionnaire.step_index[step_id].title.get(lang)


def level_name(content: Content, level: int, lang: str) -> str:
    return content.rubric.levels[level - 1].name.get(lang)


def gate_text(content: Content, gate: int, lang: str) -> str:
    """A gate (its position in the rubric's gates) as the condition that holds a level back."""
    return content.rubric.gates[gate].text.get(lang)


def gate_texts(content: Content, result: StepResult, lang: str) -> list[str]:
    """The gates that held a step (or the whole enterprise) back."""
    gates = content.rubric.gates
    return [gates[g].text.get(lang) for g in result.capped_by]


def choice_label(content: Content, decision: str, choice: str, lang: str) -> str:
    return content.rubric.choice_index[(decision, choice)].label.get(lang)


def factor_label(content: Content, factor: str, lang: str) -> str:
    return content.rubric.factor_index[factor].label.get(lang)


def value_label(content: Content, factor: str, value: Any, lang: str) -> str:
    """A factor's value in words: a level's name, or the value's label."""
    rubric = content.rubric
    found = rubric.factor_index[factor]
    if found.level_of:
        return rubric.levels[int(value) - 1].name.get(lang)
    return next(v.label.get(lang) for v in found.values if v.id == value)


def requirement_text(content: Content, ref: RequirementRef, lang: str) -> str:
    choice = content.rubric.choice_index[(ref.decision, ref.choice)]
    return (choice.requires if ref.kind == "requires" else choice.supports)[ref.position].text.get(lang)


def reason_text(content: Content, reason: Reason, lang: str) -> str:
    """A reason in plain words: the factor case that decided it, the factor's default, or the
    requirement it explains."""
    if reason.case is None:
        return requirement_text(content, reason.requirement, lang)
    factor = content.rubric.factor_index[reason.factor]
    text = factor.default_text if reason.case == DEFAULT_CASE else factor.cases[reason.case].text
    assert text is not None  # the engine refers only to cases and defaults that have a text
    return text.get(lang)


def flip_text(content: Content, decision: str, flip: Flip, lang: str) -> str:
    """What would change a decision, as a sentence."""
    return LABELS[lang]["flip"].format(
        factor=factor_label(content, flip.factor, lang),
        before=value_label(content, flip.factor, flip.from_value, lang),
        after=value_label(content, flip.factor, flip.to_value, lang),
        choice=choice_label(content, decision, flip.choice, lang),
    )


def action_title(content: Content, action: str, lang: str) -> str:
    return content.rubric.action_index[action].title.get(lang)


def action_description(content: Content, action: str, lang: str) -> str:
    return content.rubric.action_index[action].description.get(lang)


def action_support(content: Content, action: str, lang: str) -> str | None:
    """The public support for an action (compute vouchers ...), if any."""
    support = content.rubric.action_index[action].support
    return support.get(lang) if support else None


def scenario_title(content: Content, scenario: str, lang: str) -> str:
    return content.rubric.scenario_index[scenario].title.get(lang)


def scenario_description(content: Content, scenario: str, lang: str) -> str:
    return content.rubric.scenario_index[scenario].description.get(lang)


def scenario_value(content: Content, scenario: str, lang: str) -> str:
    return content.rubric.scenario_index[scenario].value.get(lang)


def scenario_data_needs(content: Content, scenario: str, lang: str) -> str:
    return content.rubric.scenario_index[scenario].data_needs.get(lang)


def blocker_text(content: Content, blocker: Blocker, lang: str) -> str:
    """The unmet prerequisite, stated positively."""
    return content.rubric.scenario_index[blocker.scenario].requires[blocker.position].text.get(lang)


def prerequisite_text(content: Content, blocker_id: str, lang: str) -> str:
    """A prerequisite by its id, "<scenario id>#<prerequisite number>" (Blocker.id)."""
    scenario, number = blocker_id.rsplit("#", 1)
    return content.rubric.scenario_index[scenario].requires[int(number) - 1].text.get(lang)


def warning_text(content: Content, assessment: Assessment, warning: AnswerWarning, lang: str) -> str:
    """What to check in the answers, naming steps and questions as the report does (never by id)."""
    t = LABELS[lang]
    if warning.kind == "no_name":
        return t["warn_no_name"]
    questionnaire = content.questionnaire
    number = next(n for n, s in enumerate(assessment.steps, start=1) if s.id == warning.step)
    step = questionnaire.step_index.get(warning.step or "")
    title = re.split(r"[:：]", step.title.get(lang), maxsplit=1)[0].strip() if step else warning.step
    where = t["warn_where"].format(number=number, title=title)
    if warning.kind == "low_confidence":
        confidence = assessment.steps[number - 1].confidence
        return t["warn_low_confidence"].format(where=where, confidence=confidence)
    index = questionnaire.question_index()
    shown = [question_name(index[q], lang) for q in warning.questions if q in index]
    asked = t["warn_question_sep"].join(t["warn_question"].format(label=label) for label in shown)
    return t[f"warn_{warning.kind}"].format(where=where, count=len(warning.questions), questions=asked)


def warning_texts(content: Content, assessment: Assessment, lang: str) -> list[str]:
    return [warning_text(content, assessment, w, lang) for w in assessment.warnings]


def question_name(question: Question, lang: str) -> str:
    """What a question asks, as a name: its short label, else its text without the question mark."""
    if question.short:
        return question.short.get(lang)
    return question.text.get(lang).rstrip("？?").strip()
