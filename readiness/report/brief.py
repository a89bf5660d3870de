"""The executive brief: what a general manager reads in two minutes, built from this enterprise's
own results (levels, gates, weakest answers, missing prerequisites), never from template text.

Three findings, three risks, three moves for the next 90 days (owner, effort, indicative cost
where the content gives one), the two decisions in plain sentences with the change that would
alter each, and the support programmes that the planned actions can draw on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..catalogue import namespace
from ..model import Action, Answers, Assessment, Content, Flip, Frozen, leaves
from . import money, wording

FINDINGS = RISKS = MOVES = 3
PROGRAMMES = 4
EVIDENCE = 3  # decisive answers named under a decision
LIST_SHOWN = 3  # options of a long multiple-choice answer named in a sentence
NEAREST_SHOWN = 2  # of the nearest set of changes, the first ones named in the brief
COMPLETE_ENOUGH = 0.9  # below this share of answered weight, the unknowns are a risk of their own


class MoveView(Frozen):
    number: int  # the action's number in the roadmap
    title: str
    why: str  # the answer it answers to, or the decision it starts
    owner: str
    effort: str
    cost: str  # indicative cost from the content; empty when it gives none


class BriefDecision(Frozen):
    title: str
    label: str
    what: str  # what the choice means, one sentence
    why: str  # the decisive answers, in words
    change: str  # the one change that would alter it, or the nearest one


class Programme(Frozen):
    support: str
    actions: list[str]  # the planned actions it can fund


class BriefView(Frozen):
    words: dict[str, str]  # the brief's fixed wording (catalogue `brief.*`)
    findings: list[str]
    risks: list[str]
    moves: list[MoveView]
    show_cost: bool  # any move has a cost to show
    decisions: list[BriefDecision]
    programmes: list[Programme]


def words(lang: str) -> dict[str, str]:
    return dict(namespace(lang, "brief"))


def build_brief(
    assessment: Assessment, content: Content, answers: Answers, lang: str, steps: list[Any], actions: list[Any]
) -> BriefView:
    """`steps` are the report's StepViews, `actions` its scheduled ActionViews in roadmap order."""
    w = words(lang)
    findings, used = _findings(assessment, content, steps, w, lang)
    moves = [_move(content, answers, a, w, lang) for a in actions[:MOVES]]
    return BriefView(
        words=w,
        findings=findings,
        risks=_risks(assessment, content, steps, used, w, lang),
        moves=moves,
        show_cost=any(m.cost for m in moves),
        decisions=[_decision(d, assessment, content, answers, w, lang) for d in ("model_strategy", "deployment")],
        programmes=_programmes(content, actions, lang),
    )


def _findings(
    assessment: Assessment, content: Content, steps: list[Any], w: dict[str, str], lang: str
) -> tuple[list[str], set[str]]:
    """Where the enterprise stands, what it can build on, and what holds it back most."""
    overall = assessment.overall
    best = max(steps, key=lambda s: (s.score, -s.number))
    worst = min(steps, key=lambda s: (s.score, s.number))
    found = [
        w["finding_position"].format(
            level=wording.level_name(content, overall.level, lang),
            score=f"{overall.score:.0f}",
            best=best.short_title,
            best_score=f"{best.score:.0f}",
            worst=worst.short_title,
            worst_score=f"{worst.score:.0f}",
        )
    ]
    used: set[str] = set()
    strong = next((s for s in sorted(steps, key=lambda s: -s.score) if s.strengths), None)
    if strong:
        line = strong.strengths[0]
        answer = _shortened(line.answer, w)
        found.append(w["finding_strength"].format(step=strong.short_title, what=line.short, answer=answer))
    gates = wording.gate_texts(content, overall, lang)
    if gates:
        found.append(w["finding_gate"].format(text=gates[0]))
    for step in sorted(steps, key=lambda s: (s.score, s.number)):
        if len(found) >= FINDINGS:
            break
        if step.gaps:
            gap = step.gaps[0]
            first = not used
            used.add(gap.short)
            found.append(_gap_sentence(w["finding_gap" if first else "finding_gap_next"], step, gap, w))
    return found[:FINDINGS], used


def _gap_sentence(template: str, step: Any, gap: Any, w: dict[str, str]) -> str:
    answer = _shortened(gap.answer, w)
    return template.format(step=step.short_title, what=gap.short, answer=answer, consequence=gap.consequence)


def _shortened(answer: str, w: dict[str, str]) -> str:
    """A long list of chosen options, as its first few and how many more."""
    items = answer.split(w["list_sep"])
    if len(items) <= LIST_SHOWN:
        return answer
    return w["list_sep"].join(items[:LIST_SHOWN]) + w["nearest_more"].format(more=len(items) - LIST_SHOWN)


def _risks(
    assessment: Assessment, content: Content, steps: list[Any], used: set[str], w: dict[str, str], lang: str
) -> list[str]:
    """What could go wrong if nothing changes: the priority use case's missing prerequisites, the
    unknowns in the answers, and the heaviest gaps not named among the findings."""
    risks: list[str] = []
    priority = next((s for s in assessment.scenarios if s.id == assessment.priority_scenario), None)
    if priority and priority.blocked_by:
        needs = [wording.blocker_text(content, b, lang) for b in priority.blocked_by]
        risks.append(
            w["risk_priority"].format(
                title=wording.scenario_title(content, priority.id, lang), needs=w["list_sep"].join(needs[:2])
            )
        )
    if assessment.overall.confidence < COMPLETE_ENOUGH:
        risks.append(w["risk_unknowns"].format(share=f"{(1 - assessment.overall.confidence) * 100:.0f}%"))
    # One gap per step, heaviest first: the security step leads once a model is meant to go live.
    candidates = [(s, g) for s in steps for g in s.gaps[:1] if g.short not in used]
    candidates.sort(key=lambda pair: (pair[0].id != "security", pair[0].score))
    for step, gap in candidates:
        if len(risks) >= RISKS:
            break
        risks.append(_gap_sentence(w["risk_gap"], step, gap, w))
    return risks[:RISKS]


def _move(content: Content, answers: Answers, view: Any, w: dict[str, str], lang: str) -> MoveView:
    action = content.rubric.action_index[view.id]
    owner = action.owner or content.rubric.owners.get(action.step)
    return MoveView(
        number=view.number,
        title=view.title,
        why=_why(content, answers, action, w, lang),
        owner=owner.get(lang) if owner else w["owner_unnamed"],
        effort=view.effort_label,
        cost=money.cost_text(action.cost, money.size_of(answers), lang),
    )


def _why(content: Content, answers: Answers, action: Action, w: dict[str, str], lang: str) -> str:
    """The answer that triggered the action, named in words; or the decision it puts to work."""
    from .context import answer_text

    index = content.questionnaire.question_index()
    asked = [index[leaf.subject] for leaf in leaves(action.trigger) if leaf.kind in ("question", "points")]
    asked = [q for q in asked if q.id in index]
    if not asked:
        return w["why_decision"]
    # A follow-up that was never reached: its parent's answer is the reason.
    for q in list(asked):
        if answers.value(q.id) is None and q.show_if is not None:
            parents = [f.subject for f in leaves(q.show_if) if f.kind in ("question", "points")]
            asked += [index[p] for p in parents if p in index]
    question = next((q for q in asked if answers.value(q.id) is not None), asked[0])
    return w["why_answer"].format(
        what=wording.question_name(question, lang), answer=answer_text(question, answers.value(question.id), lang)
    )


def _decision(
    decision_id: str, assessment: Assessment, content: Content, answers: Answers, w: dict[str, str], lang: str
) -> BriefDecision:
    from .context import answer_text

    result = assessment.decisions[decision_id]
    decision = content.rubric.decision_index[decision_id]
    chosen = content.rubric.choice_index[(decision_id, result.choice)]
    index = content.questionnaire.question_index()
    evidence: list[str] = []  # the first answer behind each decisive reason
    for reason in (r for r in result.reasons if r.met):
        for qid in reason.questions:
            raw = answers.value(qid)
            if qid in index and raw is not None:
                said = w["evidence"].format(
                    what=wording.question_name(index[qid], lang), answer=answer_text(index[qid], raw, lang)
                )
                if said not in evidence:
                    evidence.append(said)
                    break
    why = (
        w["decided_by"].format(answers=w["list_sep"].join(evidence[:EVIDENCE]))
        if evidence
        else wording.reason_text(content, next(r for r in result.reasons), lang)
        if result.reasons
        else ""
    )
    return BriefDecision(
        title=decision.title.get(lang),
        label=chosen.label.get(lang),
        what=_first_sentence(chosen.summary.get(lang)),
        why=why,
        change=change_text(content, decision_id, result.would_change_if, result.nearest_change, lang, NEAREST_SHOWN),
    )


def change_text(
    content: Content,
    decision: str,
    flips: Sequence[Flip],
    nearest: Sequence[Flip],
    lang: str,
    shown: int | None = None,
) -> str:
    """The one change that would alter a decision (a gain in capability before a change of
    circumstance), or, when no single change does, the nearest set of changes."""
    w = words(lang)
    if flips:
        factors = content.rubric.factor_index
        ranked = sorted(
            flips,
            key=lambda f: factors[f.factor].position[f.to_value] < factors[f.factor].position[f.from_value],
        )
        return wording.flip_text(content, decision, ranked[0], lang)
    if nearest:
        changes = w["list_sep"].join(
            w["nearest_item"].format(
                factor=wording.factor_label(content, f.factor, lang),
                after=wording.value_label(content, f.factor, f.to_value, lang),
            )
            for f in nearest[:shown]
        )
        if shown is not None and len(nearest) > shown:
            changes += w["nearest_more"].format(more=len(nearest) - shown)
        choice = wording.choice_label(content, decision, nearest[0].choice, lang)
        key = "nearest_one" if len(nearest) == 1 else "nearest_many"
        return w[key].format(choice=choice, count=len(nearest), changes=changes)
    return w["no_nearest"]


_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_FOLDED = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")  # spaces a folded YAML line left in Chinese
_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+")


def _first_sentence(text: str) -> str:
    return _SENTENCE_END.split(_FOLDED.sub("", " ".join(text.split())), maxsplit=1)[0].strip()


def _programmes(content: Content, actions: list[Any], lang: str) -> list[Programme]:
    """The public support the planned actions can draw on (content text, already calibrated),
    earliest actions first, each support named once with the actions it serves."""
    found: dict[str, list[str]] = {}
    for view in actions:
        support = wording.action_support(content, view.id, lang)
        if support:
            found.setdefault(support.strip(), []).append(f"{view.number}. {view.title}")
    return [Programme(support=s, actions=a) for s, a in list(found.items())[:PROGRAMMES]]
