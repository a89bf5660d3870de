"""The roadmap: triggered actions in dependency order, phases sized to the enterprise, the
strategy's own work first, security controls in place before the model goes live."""

from __future__ import annotations

from typing import Any

import pytest

from readiness.assess import run_assessment
from readiness.model import Assessment, Content
from tests.conftest import extreme_value, make_answers

SIZES = ("micro", "small", "medium", "large")
PILOTS = {
    "prompt_engineering": {"models.rag_pilot", "models.vendor_model_pilot"},
    "fine_tuning": {"models.fine_tune_pilot"},
    "hybrid": {"models.hybrid_pilot"},
}


def _assess(content: Content, best: bool, size: str = "small", **overrides: Any) -> Assessment:
    enterprise = {"name": "Test Works", "industry": "machine_tools", "size": size, "sites": 1}
    answers = make_answers(content, lambda q: overrides.get(q.id, extreme_value(q, best)), enterprise)
    return run_assessment(content, answers)


def test_prerequisites_come_first_and_never_in_a_later_phase(content: Content) -> None:
    result = _assess(content, False, "large")
    roadmap = result.roadmap
    position = {item.id: i for i, item in enumerate(roadmap)}
    phase = {item.id: item.phase for item in roadmap}
    later = {item.id for item in result.later}
    assert len(roadmap) >= 20
    for item in roadmap:
        for dep in item.depends_on:
            assert dep not in later, (dep, item.id)
            assert position[dep] < position[item.id], (dep, item.id)
            assert phase[dep] <= phase[item.id]
    assert [item.phase for item in roadmap] == sorted(item.phase for item in roadmap)
    assert {item.phase for item in roadmap} == {1, 2, 3}


def test_security_controls_precede_any_go_live(content: Content) -> None:
    roadmap = _assess(content, False).roadmap
    actions = {a.id: a for a in content.rubric.actions}
    position = {item.id: i for i, item in enumerate(roadmap)}
    controls = [i for i in position if actions[i].security_control]
    live = [i for i in position if actions[i].goes_live]
    assert controls and live
    assert max(position[c] for c in controls) < min(position[g] for g in live)


def test_controls_only_a_go_live_needs_come_with_it_not_in_quarter_one(content: Content) -> None:
    result = _assess(content, False, "micro")
    phase = {item.id: item.phase for item in result.roadmap}
    live = phase["models.go_live"]
    assert live == 2
    assert phase["security.access_audit"] == live  # tied to the go-live, not put first
    assert phase["security.classify_data"] == 1  # the pilot itself needs it


@pytest.mark.parametrize("size", SIZES)
def test_phases_are_capped_by_size_and_the_rest_is_listed_later(content: Content, size: str) -> None:
    result = _assess(content, False, size)
    caps = content.rubric.roadmap.capacity[size]  # type: ignore[union-attr]
    strategy_work = _strategy_work(content, result)
    # The cap holds for everything but the strategy's own work, which is never left for later.
    others = [sum(1 for i in result.roadmap if i.phase == p and i.id not in strategy_work) for p in (1, 2, 3)]
    assert all(count <= cap for count, cap in zip(others, caps, strict=True)), others
    assert result.later, "the worst answers trigger more than any enterprise can carry"
    assert not {i.id for i in result.roadmap} & {i.id for i in result.later}


def _strategy_work(content: Content, result: Assessment) -> set[str]:
    """The pilot and go-live actions on this roadmap and everything they depend on."""
    deps = {item.id: item.depends_on for item in result.roadmap}
    actions = {a.id: a for a in content.rubric.actions}
    found: set[str] = set()
    pending = [i for i in deps if actions[i].pilot]
    while pending:
        action_id = pending.pop()
        if action_id not in found:
            found.add(action_id)
            pending.extend(deps[action_id])
    return found


def test_the_smaller_the_firm_the_shorter_the_plan(content: Content) -> None:
    totals = [len(_assess(content, False, size).roadmap) for size in SIZES]
    assert totals == sorted(totals) and totals[0] < totals[-1], totals


def test_a_micro_firm_starts_with_its_priority_pilot(content: Content) -> None:
    result = _assess(content, False, "micro")
    first = [item.id for item in result.roadmap if item.phase == 1]
    assert len(first) <= 5
    assert result.decisions["model_strategy"].choice == "prompt_engineering"
    assert PILOTS["prompt_engineering"] & set(first)
    assert "data.appoint_cdo" not in {i.id for i in (*result.roadmap, *result.later)}  # a part-time owner instead
    assert "data.name_data_owner" in {i.id for i in (*result.roadmap, *result.later)}


@pytest.mark.parametrize(
    ("overrides", "strategy"),
    [
        ({}, "prompt_engineering"),
        ({"models.use_cases": ["visual_inspection"]}, "fine_tuning"),
        ({}, "hybrid"),
    ],
)
def test_every_strategy_brings_its_pilot_and_go_live(
    content: Content, overrides: dict[str, Any], strategy: str
) -> None:
    result = _assess(content, strategy != "prompt_engineering", "medium", **overrides)
    assert result.decisions["model_strategy"].choice == strategy
    ids = {item.id for item in result.roadmap}
    assert PILOTS[strategy] & ids, ids
    assert "models.go_live" in ids


def test_a_strong_enterprise_gets_a_short_roadmap(content: Content) -> None:
    best = _assess(content, True, "large")
    worst = _assess(content, False, "large")
    assert len(best.roadmap) < len(worst.roadmap) / 3


def test_every_action_can_be_triggered(content: Content) -> None:
    edge_heavy = {
        "compute.latency_need": "real_time",
        "compute.acts_on_equipment": "closed_loop",
        "compute.data_residency": "must_stay",
        "compute.connectivity": "unreliable",
    }
    mixed_use = {"models.use_cases": ["knowledge_qa", "visual_inspection"], "models.prior_ai_use": "prompt_rag_pilot"}
    vision_only = {
        "models.use_cases": ["visual_inspection"],
        "compute.priority_scenario": "production.visual_inspection",
    }
    knowledge_priority = {"compute.priority_scenario": "rnd_design.code_generation"}
    fired: set[str] = set()
    for best in (False, True):
        for size in SIZES:
            for overrides in ({}, edge_heavy, mixed_use, vision_only, knowledge_priority):
                result = _assess(content, best, size, **overrides)
                fired |= {item.id for item in (*result.roadmap, *result.later)}
    never = sorted({a.id for a in content.rubric.actions} - fired)
    assert never == []
