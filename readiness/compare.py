"""Progress of one enterprise over two or more assessments (pure: ids, values and reason codes).

Every assessment is run against today's content, so a change in the questionnaire or rubric never
shows up as progress; answers that today's questionnaire no longer takes are listed as not compared.
The report layer (readiness/report/progress.py) words what is found here.

What the answers can tell apart about an action on the earlier roadmap that is gone from the later
one (the tool sees answers, not the work itself):

- **done**: every answer its trigger reads that changed has improved (more points), its step's level
  rose, or the model strategy moved on to a later stage; and none of them merely became unanswered,
  "don't know", "does not apply" or hidden;
- **no longer triggered**, for the first of these reasons: the question is no longer asked (another
  answer hides it), answered "does not apply", left unanswered, answered "don't know", last time's
  answer was "don't know" (the work may or may not have happened), the profile changed (size band,
  industry), an answer changed without improving, or the recommendation changed otherwise.
"""

from __future__ import annotations

import datetime
import unicodedata
from typing import Literal, NamedTuple

from .decide import open_requirements
from .model import (
    NOT_APPLICABLE,
    PROFILE_STEP,
    UNKNOWN,
    Answers,
    AnswerValue,
    Assessment,
    Content,
    Leaf,
    RequirementRef,
    leaves,
)
from .scoring import answer_points

# Reason codes, for actions gone from the roadmap and for actions new on it.
DONE_REASONS = ("improved", "level_up", "moved_on")
GONE_REASONS = (  # in order of precedence: the first found is the one given
    "hidden",
    "not_applicable",
    "unanswered",
    "unknown",
    "was_unknown",
    "profile",
    "changed",
    "decision_changed",
)
NEW_REASONS = ("moved_on", "worse", "was_unanswered", "was_unknown", "was_hidden", "profile", "changed", "level_down")
Direction = Literal["better", "worse", "changed"]
Mismatch = Literal["enterprise_id", "name", "industry"]


class Snapshot(NamedTuple):
    """One assessment: where it came from, when, and its result."""

    file: str  # the file's name, for the reader to tell them apart
    answers: Answers
    assessment: Assessment

    @property
    def date(self) -> datetime.date | None:
        return self.answers.assessment.date


class Evidence(NamedTuple):
    """What moved behind an action: a question's answer, a step's level or a decision's choice."""

    kind: Literal["question", "level", "decision"]
    subject: str  # question id, step id or decision id
    before: AnswerValue | int | None
    after: AnswerValue | int | None


class ActionChange(NamedTuple):
    action: str
    reason: str  # one of DONE_REASONS, GONE_REASONS or NEW_REASONS
    evidence: list[Evidence]


class AnswerChange(NamedTuple):
    question: str
    before: AnswerValue | None
    after: AnswerValue | None
    direction: Direction


class DecisionProgress(NamedTuple):
    decision: str
    before: str  # choice ids
    after: str
    target: str | None  # the next stage (staged decisions) or the runner-up; None at the last stage
    still_open: list[RequirementRef]  # what the target still needs
    met_since: list[RequirementRef]  # what it needed at the first assessment and no longer does


class Progress(NamedTuple):
    snapshots: list[Snapshot]  # in date order
    ordered_by_date: bool  # False: some assessment has no date, so the order given was kept
    answers_changed: list[AnswerChange]  # first -> latest
    done: list[ActionChange]
    no_longer_triggered: list[ActionChange]
    new: list[ActionChange]
    still_open: list[str]  # on both roadmaps
    decisions: list[DecisionProgress]


def enterprise_key(answers: Answers) -> tuple[str, str]:
    """What identifies the enterprise: its id when the file has one, else its name and industry."""
    name = unicodedata.normalize("NFKC", str(answers.enterprise.get("name", "")))
    return (answers.assessment.enterprise_id.strip(), "".join(name.split()).casefold())


def mismatch(first: Answers, other: Answers) -> Mismatch | None:
    """Why two answers files do not describe one enterprise, or None when they may.

    Both with an enterprise id: the ids decide (a renamed firm keeps its id). Otherwise the names
    (ignoring spaces and case) and, where both give one, the industries must agree.
    """
    (id_a, name_a), (id_b, name_b) = enterprise_key(first), enterprise_key(other)
    if id_a and id_b:
        return None if id_a == id_b else "enterprise_id"
    if name_a != name_b:
        return "name"
    industry_a, industry_b = first.enterprise.get("industry"), other.enterprise.get("industry")
    if industry_a and industry_b and industry_a != industry_b:
        return "industry"
    return None


def in_date_order(snapshots: list[Snapshot]) -> tuple[list[Snapshot], bool]:
    """By assessment date when every assessment has one (ties keep the order given), else as given."""
    if all(s.date is not None for s in snapshots):
        return sorted(snapshots, key=lambda s: s.date or datetime.date.min), True
    return list(snapshots), False


def compare(content: Content, snapshots: list[Snapshot], not_compared: frozenset[str] = frozenset()) -> Progress:
    """The progress between the first and the latest of `snapshots` (two or more, in any order)."""
    ordered, by_date = in_date_order(snapshots)
    first, latest = ordered[0], ordered[-1]
    reader = _Reader(content, first, latest)
    old = {item.id for item in (*first.assessment.roadmap, *first.assessment.later)}
    new = {item.id for item in (*latest.assessment.roadmap, *latest.assessment.later)}
    done: list[ActionChange] = []
    dropped: list[ActionChange] = []
    for action_id in _in_catalogue_order(content, old - new):
        change = reader.gone(action_id)
        (done if change.reason in DONE_REASONS else dropped).append(change)
    return Progress(
        snapshots=ordered,
        ordered_by_date=by_date,
        answers_changed=reader.answer_changes(not_compared),
        done=done,
        no_longer_triggered=dropped,
        new=[reader.came(a) for a in _in_catalogue_order(content, new - old)],
        still_open=[item.id for item in (*latest.assessment.roadmap, *latest.assessment.later) if item.id in old],
        decisions=[_decision(content, d.id, first.assessment, latest.assessment) for d in content.rubric.decisions],
    )


def _in_catalogue_order(content: Content, ids: set[str]) -> list[str]:
    return [a.id for a in content.rubric.actions if a.id in ids]


class _Reader:
    """Reads the two assessments side by side: answers, their standing and their points."""

    def __init__(self, content: Content, first: Snapshot, latest: Snapshot) -> None:
        self.content = content
        self.index = content.questionnaire.question_index()
        self.first, self.latest = first, latest
        self.status = [{q.id: q.status for step in s.assessment.steps for q in step.questions} for s in (first, latest)]

    def raw(self, side: int, question: str) -> AnswerValue | None:
        return (self.first, self.latest)[side].answers.value(question)

    def points(self, side: int, question: str) -> float | None:
        found = self.index.get(question)
        return answer_points(found, self.raw(side, question)) if found else None

    def answer_changes(self, not_compared: frozenset[str]) -> list[AnswerChange]:
        changes = []
        for step in self.content.questionnaire.steps:
            for question in step.questions:
                before, after = self.raw(0, question.id), self.raw(1, question.id)
                if before != after and question.id not in not_compared:
                    changes.append(AnswerChange(question.id, before, after, self._direction(question.id)))
        return changes

    def _direction(self, question: str) -> Direction:
        before, after = self.points(0, question), self.points(1, question)
        if self.index[question].weight and before is not None and after is not None and before != after:
            if self.raw(0, question) == UNKNOWN or self.raw(1, question) == UNKNOWN:
                return "changed"  # finding out is not progress, forgetting is not decline
            return "better" if after > before else "worse"
        return "changed"

    # --- why an action left or joined the roadmap ---------------------------------------------

    def gone(self, action_id: str) -> ActionChange:
        reasons, evidence = self._moves(action_id)
        found = [r for r in GONE_REASONS if r in reasons]
        if found:
            return ActionChange(action_id, found[0], evidence)
        improving = [r for r in DONE_REASONS if r in reasons]
        return ActionChange(action_id, improving[0] if improving else "changed", evidence)

    def came(self, action_id: str) -> ActionChange:
        reasons, evidence = self._moves(action_id)
        return ActionChange(action_id, next((r for r in NEW_REASONS if r in reasons), "changed"), evidence)

    def _moves(self, action_id: str) -> tuple[set[str], list[Evidence]]:
        """The reason codes of every subject of the action's trigger that moved, and the evidence."""
        reasons: set[str] = set()
        evidence: list[Evidence] = []
        for leaf in leaves(self.content.rubric.action_index[action_id].trigger):
            for reason, item in self._leaf_moves(leaf):
                reasons.add(reason)
                if item not in evidence:
                    evidence.append(item)
        return reasons, evidence

    def _leaf_moves(self, leaf: Leaf) -> list[tuple[str, Evidence]]:
        if leaf.kind in ("question", "points"):
            move = self._question_move(leaf.subject)
            return [move] if move else []
        if leaf.kind == "factor":
            moves = [self._question_move(q) for q in self.content.factor_questions[leaf.subject]]
            return [m for m in moves if m]
        if leaf.kind in ("level", "score"):
            step = leaf.subject
            low, high = (self._level(s, step) for s in (self.first, self.latest))
            if low == high:
                return []
            return [("level_up" if high > low else "level_down", Evidence("level", step, low, high))]
        # decision
        was, now = (s.assessment.decisions[leaf.subject].choice for s in (self.first, self.latest))
        if was == now:
            return []
        stages = self.content.rubric.decision_index[leaf.subject].stages
        forward = bool(stages) and stages.index(now) > stages.index(was)
        return [("moved_on" if forward else "decision_changed", Evidence("decision", leaf.subject, was, now))]

    @staticmethod
    def _level(snapshot: Snapshot, step: str) -> int:
        if step == "overall":
            return snapshot.assessment.overall.level
        return next(s.level for s in snapshot.assessment.steps if s.id == step)

    def _question_move(self, question: str) -> tuple[str, Evidence] | None:
        """How one answer moved, as a reason code. A scored answer improved when it earns more points."""
        before, after = self.raw(0, question), self.raw(1, question)
        if before == after:
            return None
        item = Evidence("question", question, before, after)
        hidden = ("hidden", "not_reached")
        status_before, status_after = (self.status[side].get(question) for side in (0, 1))
        if status_after in hidden:
            return "hidden", item
        if status_before in hidden:
            return "was_hidden", item
        if after == NOT_APPLICABLE:
            return "not_applicable", item
        if after is None:
            return "unanswered", item
        if before is None:
            return "was_unanswered", item
        if after == UNKNOWN:
            return "unknown", item
        if before == UNKNOWN:
            return "was_unknown", item
        if question.startswith(f"{PROFILE_STEP}."):
            return "profile", item
        old, new = self.points(0, question), self.points(1, question)
        if self.index[question].weight and old is not None and new is not None and old != new:
            return ("improved" if new > old else "worse"), item
        return "changed", item


def _decision(content: Content, decision_id: str, first: Assessment, latest: Assessment) -> DecisionProgress:
    """Where a decision stands now and what stands between the enterprise and its next stage (for a
    staged decision) or its runner-up (otherwise), compared with the first assessment."""
    decision = content.rubric.decision_index[decision_id]
    before, after = first.decisions[decision_id], latest.decisions[decision_id]
    if decision.stages:
        at = decision.stages.index(after.choice)
        target = decision.stages[at + 1] if at + 1 < len(decision.stages) else None
    else:
        target = after.runner_up
    still_open = open_requirements(content.rubric, decision_id, target, latest.factors) if target else []
    was_open = open_requirements(content.rubric, decision_id, target, first.factors) if target else []
    return DecisionProgress(
        decision=decision_id,
        before=before.choice,
        after=after.choice,
        target=target,
        still_open=still_open,
        met_since=[ref for ref in was_open if ref not in still_open],
    )
