"""Factors and the two decisions (model strategy, deployment), each explaining itself (pure)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from . import rules
from .model import (
    DEFAULT_CASE,
    Choice,
    Decision,
    DecisionResult,
    Factor,
    Flip,
    PathStage,
    Reason,
    Requirement,
    RequirementKind,
    RequirementRef,
    Rubric,
    StageStatus,
    Text,
)


def derive_factors(rubric: Rubric, facts: rules.Facts, fixed: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every factor's value, dependencies first. `fixed` pins some factors (for what-if runs)."""
    facts.factor_positions = rubric.factor_positions
    facts.factors = {}
    for factor in rubric.factors_in_order:
        if fixed and factor.id in fixed:
            facts.factors[factor.id] = fixed[factor.id]
        else:
            facts.factors[factor.id] = _derive(factor, facts, rubric)
    return dict(facts.factors)


def _derive(factor: Factor, facts: rules.Facts, rubric: Rubric) -> Any:
    if factor.level_of:  # decisions read levels before gates: a gate holds a level back, not a decision
        return facts.levels_before_gates[factor.level_of]
    if factor.approach_of:
        scenario = rubric.scenario_index.get(str(facts.raw(factor.approach_of)))
        return scenario.approach if scenario else factor.default
    for case in factor.cases:
        if rules.evaluate(case.when, facts):
            return case.value
    return factor.default


def _holds(req: Requirement, facts: rules.Facts) -> bool:
    entry = _OUTCOMES.get(id(req))
    if entry is None:
        entry = _OUTCOMES[id(req)] = (req, _outcomes(req, facts.factor_positions[req.factor]))
    return entry[1][facts.factors[req.factor]]


# A requirement's outcome for each value of its factor, worked out once per requirement: decisions
# and their what-if runs test requirements thousands of times per batch. The entry keeps the
# requirement alive, so no other object can take its id meanwhile.
_OUTCOMES: dict[int, tuple[Requirement, dict[Any, bool]]] = {}


def _outcomes(req: Requirement, position: Mapping[Any, int]) -> dict[Any, bool]:
    expected = [position[v] for v in req.value] if isinstance(req.value, list) else position[req.value]
    return {value: rules.OPERATORS[req.op](place, expected) for value, place in position.items()}


def choose(decision: Decision, facts: rules.Facts) -> Choice:
    """The first choice whose requirements all hold, else the last one (the fallback)."""
    choices = decision.choices
    for choice in choices[:-1]:
        for requirement in choice.requires:
            if not _holds(requirement, facts):
                break
        else:
            return choice
    return choices[-1]


def _runner_up(decision: Decision, chosen: Choice, facts: rules.Facts) -> Choice:
    """The other choice closest to being met; ties go to the neighbour of the chosen one.

    On a staged path (model strategy) it is simply the next stage, or the previous one at the top.

    A choice is measured by its requirements, or by its supporting reasons when it has none (the
    fallback), so the fallback is not runner-up by default.
    """

    if decision.stages:  # on a staged path the runner-up is the neighbouring stage
        stage = decision.stages.index(chosen.id)
        neighbour = decision.stages[stage + 1] if stage + 1 < len(decision.stages) else decision.stages[stage - 1]
        return next(c for c in decision.choices if c.id == neighbour)

    def share(choice: Choice) -> float:
        tests = choice.requires or choice.supports
        return sum(_holds(r, facts) for r in tests) / len(tests) if tests else 0.0

    here = decision.choices.index(chosen)
    others = [c for c in decision.choices if c.id != chosen.id]
    return max(others, key=lambda c: (share(c), -abs(decision.choices.index(c) - here), -decision.choices.index(c)))


class Explainer:
    """Turns factors into reasons a reader can check: the requirement, the case of the factor that
    words it, and the questions behind it (the words themselves come at the end, in the report)."""

    def __init__(self, rubric: Rubric, factor_questions: dict[str, list[str]]) -> None:
        self.rubric = rubric
        self.factors = rubric.factor_index
        self.factor_questions = factor_questions

    def reason(
        self,
        req: Requirement,
        ref: RequirementRef,
        facts: rules.Facts,
        met: bool,
        case: int | None = None,
        questions: list[str] | None = None,
    ) -> Reason:
        return Reason(
            factor=req.factor,
            value=facts.factors[req.factor],
            requirement=ref,
            case=case,
            questions=self.factor_questions[req.factor] if questions is None else questions,
            met=met,
        )

    def met_reasons(
        self, req: Requirement, ref: RequirementRef, facts: rules.Facts, generic: bool = True
    ) -> list[Reason]:
        """Why the requirement's factor has its value, in plain words: where its cases carry texts,
        every case that gave the factor its value names its own decisive answers; otherwise the
        requirement's text (or nothing, when `generic` is false)."""
        factor = self.factors[req.factor]
        value = facts.factors[req.factor]
        decisive = [
            (i, case)
            for i, case in enumerate(factor.cases)
            if case.text and case.value == value and rules.evaluate(case.when, facts)
        ]
        if decisive:
            return [self.reason(req, ref, facts, True, i, self._questions(case.when)) for i, case in decisive]
        if factor.default_text and value == factor.default:
            return [self.reason(req, ref, facts, True, DEFAULT_CASE)]
        return [self.reason(req, ref, facts, True)] if generic else []

    def wording(self, reason: Reason) -> Text:
        """The content text that words a reason (in both languages): what tells two reasons apart."""
        if reason.case is None:
            ref = reason.requirement
            return getattr(self.rubric.choice_index[(ref.decision, ref.choice)], ref.kind)[ref.position].text
        factor = self.factors[reason.factor]
        return factor.default_text if reason.case == DEFAULT_CASE else factor.cases[reason.case].text  # type: ignore[return-value]

    def _questions(self, condition: Any) -> list[str]:
        found: set[str] = set()
        for leaf in rules.leaves(condition):
            if leaf.kind == "factor":
                found.update(self.factor_questions[leaf.subject])
            elif leaf.kind in ("question", "points"):
                found.add(leaf.subject)
        return sorted(found)


def decide(decision: Decision, rubric: Rubric, facts: rules.Facts, explainer: Explainer) -> DecisionResult:
    chosen = choose(decision, facts)

    def ref(choice: Choice, kind: RequirementKind, index: int) -> RequirementRef:
        return RequirementRef(decision.id, choice.id, kind, index)

    reasons = [
        reason
        for i, r in enumerate(chosen.requires)
        for reason in explainer.met_reasons(r, ref(chosen, "requires", i), facts)
    ]
    reasons += [
        reason
        for i, r in enumerate(chosen.supports)
        if _holds(r, facts)
        for reason in explainer.met_reasons(r, ref(chosen, "supports", i), facts)
    ]
    # For a choice below the top, say what kept each higher choice out (its first unmet need), in
    # the words of the answers that set it where they are known. A reason worded the same as one
    # already given is not given twice.
    for higher in decision.choices[: decision.choices.index(chosen)]:
        index, blocking = next((i, r) for i, r in enumerate(higher.requires) if not _holds(r, facts))
        where = ref(higher, "requires", index)
        worded = explainer.met_reasons(blocking, where, facts, generic=False) or [
            explainer.reason(blocking, where, facts, False)
        ]
        for reason in worded:
            words = explainer.wording(reason)
            if all((r.factor, explainer.wording(r)) != (reason.factor, words) for r in reasons):
                reasons.append(reason._replace(met=False))

    path = []
    if decision.stages:
        current = decision.stages.index(chosen.id)
        by_id = {c.id: c for c in decision.choices}
        for i, stage_id in enumerate(decision.stages):
            status: StageStatus = (
                "done" if i < current else "current" if i == current else "next" if i == current + 1 else "later"
            )
            open_needs = [
                ref(by_id[stage_id], "requires", n)
                for n, r in enumerate(by_id[stage_id].requires)
                if not _holds(r, facts)
            ]
            path.append(PathStage(choice=stage_id, status=status, when=open_needs if i > current else []))

    flips = _flips(decision, rubric, facts, chosen)
    return DecisionResult(
        choice=chosen.id,
        runner_up=_runner_up(decision, chosen, facts).id,
        reasons=reasons,
        would_change_if=flips,
        path=path,
        nearest_change=() if flips else tuple(_nearest_change(decision, rubric, facts, chosen)),
    )


def _flips(decision: Decision, rubric: Rubric, facts: rules.Facts, chosen: Choice) -> list[Flip]:
    """The single-factor, one-notch changes that would change the choice."""
    baseline = dict(facts.factors)
    involved = rubric.decision_factors[decision.id]
    what_if = dataclasses.replace(facts, factors=dict(baseline))
    flips: list[Flip] = []
    for factor in rubric.factors:
        if factor.id not in involved or factor.depends_on:
            continue  # only answers-level factors move; composites follow them
        order = factor.order
        position = factor.position[baseline[factor.id]]
        composites = rubric.derived_from[factor.id]
        for step in (1, -1):
            if not 0 <= position + step < len(order):
                continue
            moved = order[position + step]
            # Move one factor and re-derive only the composites built on it (put back below).
            what_if.factors[factor.id] = moved
            for composite in composites:
                what_if.factors[composite.id] = _derive(composite, what_if, rubric)
            other = choose(decision, what_if)
            if other.id != chosen.id:
                flips.append(Flip(factor=factor.id, from_value=baseline[factor.id], to_value=moved, choice=other.id))
        what_if.factors[factor.id] = baseline[factor.id]
        for composite in composites:
            what_if.factors[composite.id] = baseline[composite.id]
    return flips


def open_requirements(
    rubric: Rubric, decision_id: str, choice_id: str, factors: dict[str, Any]
) -> list[RequirementRef]:
    """The requirements of one choice that these factor values do not meet: what stands between the
    enterprise and that choice (an assessment's `factors` suffice; nothing is re-derived)."""
    choice = rubric.choice_index[(decision_id, choice_id)]
    facts = rules.Facts(raw=lambda _: None, points=lambda _: None, factor_positions=rubric.factor_positions)
    facts.factors = dict(factors)
    return [
        RequirementRef(decision_id, choice_id, "requires", i)
        for i, r in enumerate(choice.requires)
        if not _holds(r, facts)
    ]


def _nearest_change(decision: Decision, rubric: Rubric, facts: rules.Facts, chosen: Choice) -> list[Flip]:
    """The fewest factor changes that would give another choice: for each other choice with
    requirements, move every factor it finds short to the value it asks for, and keep the
    smallest set that really changes the outcome (ties: the choice listed first)."""
    baseline = dict(facts.factors)
    what_if = dataclasses.replace(facts)
    best: list[Flip] = []
    for other in decision.choices:
        if other.id == chosen.id or not other.requires:
            continue
        moves = {r.factor: _target(r, rubric) for r in other.requires if not _holds(r, facts)}
        if not moves or (best and len(moves) >= len(best)):
            continue
        what_if.factors = {**baseline, **moves}
        for factor in moves:
            for composite in rubric.derived_from[factor]:
                if composite.id not in moves:
                    what_if.factors[composite.id] = _derive(composite, what_if, rubric)
        if all(_holds(r, what_if) for r in other.requires) and choose(decision, what_if).id == other.id:
            best = [Flip(f, baseline[f], to, other.id) for f, to in moves.items()]
    if best:
        return best
    # The choice holds by its own requirements alone (no other choice is short of anything): the
    # nearest change is one of those requirements failing, composites included.
    for req in chosen.requires:
        held = rubric.factor_index[req.factor]
        here = held.position[baseline[req.factor]]
        for value in sorted(held.order, key=lambda v: abs(held.position[v] - here)):
            what_if.factors = {**baseline, req.factor: value}
            for composite in rubric.derived_from[req.factor]:
                what_if.factors[composite.id] = _derive(composite, what_if, rubric)
            other = choose(decision, what_if)
            if other.id != chosen.id:
                return [Flip(req.factor, baseline[req.factor], value, other.id)]
    return []


def _target(req: Requirement, rubric: Rubric) -> Any:
    """The nearest value of the requirement's factor that meets it."""
    order = rubric.factor_index[req.factor].order
    if req.op in ("ne", "not_in"):
        return next(v for v in order if v not in rules.as_list(req.value))
    wanted = req.value[0] if isinstance(req.value, list) else req.value
    if req.op in ("eq", "in", "gte", "lte"):
        return wanted
    position = rubric.factor_positions[req.factor][wanted]
    return order[min(len(order) - 1, position + 1)] if req.op == "gt" else order[max(0, position - 1)]
