"""The roadmap: triggered actions in dependency order, three phases, security before go-live."""

from __future__ import annotations

from readiness.assess import run_assessment
from readiness.model import Content
from tests.conftest import extreme_value, make_answers


def _worst(content: Content):  # type: ignore[no-untyped-def]
    return run_assessment(content, make_answers(content, lambda q: extreme_value(q, False)))


def test_prerequisites_come_first_and_never_in_a_later_phase(content: Content) -> None:
    roadmap = _worst(content).roadmap
    position = {item.id: i for i, item in enumerate(roadmap)}
    phase = {item.id: item.phase for item in roadmap}
    assert len(roadmap) >= 30
    for item in roadmap:
        for dep in item.depends_on:
            assert position[dep] < position[item.id], (dep, item.id)
            assert phase[dep] <= phase[item.id]
    assert [item.phase for item in roadmap] == sorted(item.phase for item in roadmap)
    assert {item.phase for item in roadmap} == {1, 2, 3}


def test_security_controls_precede_any_go_live(content: Content) -> None:
    roadmap = _worst(content).roadmap
    actions = {a.id: a for a in content.rubric.actions}
    position = {item.id: i for i, item in enumerate(roadmap)}
    controls = [i for i in position if actions[i].security_control]
    live = [i for i in position if actions[i].goes_live]
    assert controls and live
    assert max(position[c] for c in controls) < min(position[g] for g in live)


def test_a_strong_enterprise_gets_a_short_roadmap(content: Content) -> None:
    best = run_assessment(content, make_answers(content, lambda q: extreme_value(q, True)))
    assert len(best.roadmap) < len(_worst(content).roadmap) / 3


def test_every_action_can_be_triggered(content: Content) -> None:
    from readiness import rules
    from readiness.decide import derive_factors
    from readiness.roadmap import triggered_actions
    from readiness.scoring import make_facts, score_steps

    fired: set[str] = set()
    edge_heavy = {"compute.latency_need": "real_time", "compute.acts_on_equipment": "closed_loop",
                  "compute.data_residency": "must_stay", "compute.connectivity": "unreliable"}
    mixed_use = {"models.use_cases": ["knowledge_qa", "visual_inspection"], "models.prior_ai_use": "prompt_rag_pilot"}
    for best in (False, True):
        for overrides in ({}, edge_heavy, mixed_use):
            answers = make_answers(content, lambda q, b=best, o=overrides: o.get(q.id, extreme_value(q, b)))
            facts: rules.Facts = make_facts(content, answers.value)
            score_steps(content, answers, facts, "en")
            derive_factors(content.rubric, facts)
            fired |= {a.id for a in triggered_actions(content.rubric, facts)}
    never = sorted({a.id for a in content.rubric.actions} - fired)
    assert never == []
