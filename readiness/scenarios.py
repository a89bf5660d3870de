"""Which AI scenarios fit this enterprise now, after which roadmap phase, or not yet (pure).

A scenario is relevant when it belongs to the enterprise's industries (or to all) and to a
value-chain stage the enterprise cares about. Each unmet prerequisite is a blocker; a blocker
clears in the phase of the last roadmap action that meets it. Blockers that no roadmap action
meets, or only phase-3 actions do, leave the scenario "not yet".
"""

from __future__ import annotations

from typing import Any

from . import rules
from .model import STAGES, Answers, Blocker, Fit, RoadmapItem, Rubric, Scenario, ScenarioFit

# The model strategy stage a scenario's approach needs (see decisions.yaml `stages`).
APPROACH_STAGE = {
    "prompt_retrieval": "prompt_engineering",
    "agent": "prompt_engineering",
    "classical_ml": "fine_tuning",
    "fine_tuned_small": "fine_tuning",
    "mechanism_data": "fine_tuning",
    "hybrid": "hybrid",
}
FIT_ORDER: tuple[Fit, ...] = ("ready_now", "after_phase_1", "after_phase_2", "not_yet")
_FIT_RANK = {fit: i for i, fit in enumerate(FIT_ORDER)}
# Approaches that need a task model trained on labelled data; under prompt engineering they start
# with a vendor model and a person reviewing every result.
TASK_MODEL_APPROACHES = frozenset({"classical_ml", "fine_tuned_small", "mechanism_data"})


def relevant_scenarios(rubric: Rubric, enterprise: dict[str, Any]) -> list[tuple[int, Scenario]]:
    """The scenarios (with their catalogue positions) of the enterprise's industries, or of all
    industries, in the value-chain stages it chose."""
    industries = frozenset({enterprise.get("industry"), *(enterprise.get("secondary_industries") or []), "all"})
    return rubric.scenarios_for(industries, frozenset(enterprise.get("value_chain_stages") or STAGES))


def fit_scenarios(
    rubric: Rubric,
    facts: rules.Facts,
    answers: Answers,
    roadmap: list[RoadmapItem],
    strategy: str,
    stages: list[str],
) -> list[ScenarioFit]:
    phase_of = {item.id: item.phase for item in roadmap}
    stage_at = {stage: i for i, stage in enumerate(stages)}
    strategy_at = stage_at[strategy]
    residency = facts.factors.get("data_residency")
    fits = []
    for position, scenario in relevant_scenarios(rubric, answers.enterprise):
        # Ruled out when the enterprise said a question it depends on does not apply (no welding, say).
        if not scenario.asked.isdisjoint(answers.not_applicable):
            continue
        blockers, clears_in = [], 0
        reviewed_start = strategy == "prompt_engineering" and scenario.approach in TASK_MODEL_APPROACHES
        for index, need in enumerate(scenario.requires):
            if (need.labels and reviewed_start) or rules.evaluate(need.when, facts):
                continue
            actions = [a for a in need.unblocked_by if a in phase_of]
            clears_in = max(clears_in, max([phase_of[a] for a in actions]) if actions else 99)
            blockers.append(Blocker(scenario=scenario.id, position=index, questions=need.questions, actions=actions))
        fit: Fit = "ready_now" if not blockers else FIT_ORDER[clears_in] if clears_in <= 2 else "not_yet"
        needed = APPROACH_STAGE[scenario.approach]
        fits.append(
            (
                # best fit first; within a fit, plain scenarios before agents, own industry before general
                (_FIT_RANK[fit], scenario.agent, "all" in scenario.industries, len(blockers), position),
                ScenarioFit(
                    id=scenario.id,
                    stage=scenario.stage,
                    industry_specific="all" not in scenario.industries,
                    fit=fit,
                    blocked_by=blockers,
                    latency=scenario.latency,
                    approach=scenario.approach,
                    approach_now=(
                        "vendor_review" if reviewed_start else needed if stage_at[needed] <= strategy_at else strategy
                    ),
                    deployment=_deployment(scenario, residency),
                    agent=scenario.agent,
                ),
            )
        )
    return [fit for _, fit in sorted(fits, key=lambda pair: pair[0])]


def _deployment(scenario: Scenario, residency: Any) -> str:
    """The scenario's usual deployment, kept on site as far as this enterprise's data rules require."""
    if scenario.deployment == "cloud" and residency == "must_stay":
        return "edge"
    if scenario.deployment == "cloud" and residency == "desensitised_only":
        return "cloud_edge"
    return scenario.deployment
