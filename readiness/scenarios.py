"""Which AI scenarios fit this enterprise now, after which roadmap phase, or not yet (pure).

A scenario is relevant when it belongs to the enterprise's industries (or to all) and to a
value-chain stage the enterprise cares about. Each unmet prerequisite is a blocker; a blocker
clears in the phase of the last roadmap action that meets it. Blockers that no roadmap action
meets, or only phase-3 actions do, leave the scenario "not yet".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import rules
from .model import NOT_APPLICABLE, STAGES, Blocker, RoadmapItem, Rubric, Scenario, ScenarioFit

# The model strategy stage a scenario's approach needs (see decisions.yaml `stages`).
APPROACH_STAGE = {
    "prompt_retrieval": "prompt_engineering",
    "agent": "prompt_engineering",
    "classical_ml": "fine_tuning",
    "fine_tuned_small": "fine_tuning",
    "hybrid": "hybrid",
}
FIT_ORDER = ("ready_now", "after_phase_1", "after_phase_2", "not_yet")


def relevance(enterprise: dict[str, Any]) -> Callable[[Scenario], bool]:
    """Whether a scenario belongs to the enterprise's industries (or all) and chosen value-chain stages."""
    industries = {enterprise.get("industry"), *(enterprise.get("secondary_industries") or []), "all"}
    stages = set(enterprise.get("value_chain_stages") or STAGES)
    return lambda scenario: scenario.stage in stages and not industries.isdisjoint(scenario.industries)


def fit_scenarios(
    rubric: Rubric,
    facts: rules.Facts,
    enterprise: dict[str, Any],
    roadmap: list[RoadmapItem],
    strategy: str,
    stages: list[str],
    lang: str,
) -> list[ScenarioFit]:
    phase_of = {item.id: item.phase for item in roadmap}
    is_relevant = relevance(enterprise)
    fits = []
    for position, scenario in enumerate(rubric.scenarios):
        if not is_relevant(scenario) or _ruled_out(scenario, facts):
            continue
        blockers, clears_in = [], 0
        for number, need in enumerate(scenario.requires, start=1):
            if rules.evaluate(need.when, facts):
                continue
            actions = [a for a in need.unblocked_by if a in phase_of]
            clears_in = max(clears_in, max((phase_of[a] for a in actions), default=99))
            questions = sorted({leaf.subject for leaf in rules.leaves(need.when) if leaf.kind in ("question", "points")})
            blockers.append(
                Blocker(id=f"{scenario.id}#{number}", text=need.text.get(lang), questions=questions, actions=actions)
            )
        fit = "ready_now" if not blockers else f"after_phase_{clears_in}" if clears_in <= 2 else "not_yet"
        needed = APPROACH_STAGE[scenario.approach]
        approach_now = needed if stages.index(needed) <= stages.index(strategy) else strategy
        fits.append(
            (
                # best fit first; within a fit, plain scenarios before agents, own industry before general
                (FIT_ORDER.index(fit), scenario.agent, "all" in scenario.industries, len(blockers), position),
                ScenarioFit(
                    id=scenario.id,
                    title=scenario.title.get(lang),
                    description=scenario.description.get(lang),
                    stage=scenario.stage,
                    industry_specific="all" not in scenario.industries,
                    fit=fit,
                    blocked_by=blockers,
                    value=scenario.value.get(lang),
                    data_needs=scenario.data_needs.get(lang),
                    latency=scenario.latency,
                    approach=scenario.approach,
                    approach_now=approach_now,
                    deployment=_deployment(scenario, facts.factors.get("data_residency")),
                    agent=scenario.agent,
                ),
            )
        )
    return [fit for _, fit in sorted(fits, key=lambda pair: pair[0])]


def _ruled_out(scenario: Scenario, facts: rules.Facts) -> bool:
    """The enterprise said a question this scenario depends on does not apply to it (no welding, say)."""
    return any(facts.raw(question) == NOT_APPLICABLE for question in scenario.asked)


def _deployment(scenario: Scenario, residency: Any) -> str:
    """The scenario's usual deployment, kept on site as far as this enterprise's data rules require."""
    if scenario.deployment == "cloud" and residency == "must_stay":
        return "edge"
    if scenario.deployment == "cloud" and residency == "desensitised_only":
        return "cloud_edge"
    return scenario.deployment
