"""Progress between two assessments of one enterprise (pure)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from .model import Answers, Assessment, Content, StepResult
from .report import wording
from .report.context import answer_text
from .report.labels import LABELS


class Plain(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepChange(Plain):
    id: str
    title: str
    score_before: float
    score_after: float
    change: float
    level_before: int
    level_after: int
    level_name_before: str
    level_name_after: str


class AnswerChange(Plain):
    question: str
    text: str
    before: str
    after: str


class DecisionChange(Plain):
    id: str
    before: str
    after: str
    changed: bool
    why: list[str]  # the reasons behind the new choice, when it changed


class Comparison(Plain):
    schema_: str = "readiness.comparison/1"
    enterprise: str
    overall: StepChange
    steps: list[StepChange]
    answers_changed: list[AnswerChange]
    actions_completed: list[str]  # on the first roadmap, gone from the second
    actions_new: list[str]
    decisions: list[DecisionChange]
    not_compared: list[str]  # answers left out because the questionnaire changed

    def to_json(self) -> dict[str, Any]:
        data = self.model_dump()
        data["schema"] = data.pop("schema_")
        return data


def compare(
    content: Content,
    before: tuple[Answers, Assessment],
    after: tuple[Answers, Assessment],
    not_compared: list[str],
    lang: str | None = None,
) -> Comparison:
    """Worded in `lang` (default: the language of the later answers)."""
    (old_answers, old), (new_answers, new) = before, after
    lang = lang or new.language
    titles = {s.id: s.title.get(lang) for s in content.questionnaire.steps}
    titles["overall"] = LABELS[lang]["overall"]
    index = content.questionnaire.question_index()
    changed = []
    for step in content.questionnaire.steps:
        for question in step.questions:
            was, now = old_answers.value(question.id), new_answers.value(question.id)
            if was != now and question.id not in not_compared:
                changed.append(
                    AnswerChange(
                        question=question.id,
                        text=question.text.get(lang),
                        before=answer_text(index[question.id], was, lang),
                        after=answer_text(index[question.id], now, lang),
                    )
                )
    # Actions held for later are still open: only an action no longer triggered at all is done.
    old_actions = {item.id: wording.action_title(content, item.id, lang) for item in (*old.roadmap, *old.later)}
    new_actions = {item.id: wording.action_title(content, item.id, lang) for item in (*new.roadmap, *new.later)}
    labels = {d.id: {c.id: c.label.get(lang) for c in d.choices} for d in content.rubric.decisions}
    decisions = []
    for decision_id, result in new.decisions.items():
        was = old.decisions[decision_id].choice
        moved = was != result.choice
        decisions.append(
            DecisionChange(
                id=decision_id,
                before=labels[decision_id][was],
                after=labels[decision_id][result.choice],
                changed=moved,
                why=[wording.reason_text(content, r, lang) for r in result.reasons if r.met] if moved else [],
            )
        )
    return Comparison(
        enterprise=str(new_answers.enterprise.get("name", "")),
        overall=_step_change(content, old.overall, new.overall, titles["overall"], lang),
        steps=[_step_change(content, a, b, titles[a.id], lang) for a, b in zip(old.steps, new.steps, strict=True)],
        answers_changed=changed,
        actions_completed=[title for key, title in old_actions.items() if key not in new_actions],
        actions_new=[title for key, title in new_actions.items() if key not in old_actions],
        decisions=decisions,
        not_compared=not_compared,
    )


def _step_change(content: Content, before: StepResult, after: StepResult, title: str, lang: str) -> StepChange:
    return StepChange(
        id=before.id,
        title=title,
        score_before=before.score,
        score_after=after.score,
        change=round(after.score - before.score, 1),
        level_before=before.level,
        level_after=after.level,
        level_name_before=wording.level_name(content, before.level, lang),
        level_name_after=wording.level_name(content, after.level, lang),
    )
