"""The scenario catalogue and the scenario fit of an enterprise."""

from __future__ import annotations

from typing import Any

import pytest

from readiness import rules
from readiness.assess import run_assessment
from readiness.loader import load_answers
from readiness.model import INDUSTRIES, STAGES, Answers, Content
from readiness.resources import example_answers


def test_every_industry_has_scenarios_in_every_stage(content: Content) -> None:
    scenarios = content.rubric.scenarios
    assert len(scenarios) >= 60
    for industry in INDUSTRIES:
        mine = [s for s in scenarios if industry in s.industries or "all" in s.industries]
        assert {s.stage for s in mine} == set(STAGES), industry
        if industry != "other":
            assert sum(1 for s in scenarios if industry in s.industries) >= 3, industry


def test_every_prerequisite_points_to_real_questions_and_actions(content: Content) -> None:
    questions = content.questionnaire.question_index()
    actions = {a.id for a in content.rubric.actions}
    for scenario in content.rubric.scenarios:
        for need in scenario.requires:
            asked = [leaf.subject for leaf in rules.leaves(need.when) if leaf.kind in ("question", "points")]
            assert asked or need.unblocked_by, scenario.id
            assert set(asked) <= set(questions), scenario.id
            assert set(need.unblocked_by) <= actions, scenario.id
        if scenario.agent:
            levels = [leaf for need in scenario.requires for leaf in rules.leaves(need.when) if leaf.kind == "level"]
            assert any(leaf.subject == "security" for leaf in levels), scenario.id


def test_industry_questions_are_shown_only_to_their_industry(content: Content) -> None:
    industry_step = next(s for s in content.questionnaire.steps if s.id == "industry")
    assert {s.id for s in industry_step.sections} == set(INDUSTRIES) - {"other"}
    for section in industry_step.sections:
        assert 3 <= len(section.questions) <= 8
        for question in section.questions:
            assert question.weight == 0 and question.show_if is not None
            subjects = {leaf.subject for leaf in rules.leaves(question.show_if)}
            assert subjects <= {"profile.industry", "profile.secondary_industries"}


def _fit(content: Content, answers: Answers, scenario_id: str) -> Any:
    result = run_assessment(content, answers)
    return next(s for s in result.scenarios if s.id == scenario_id)


def _changed(answers: Answers, **changes: Any) -> Answers:
    return answers.model_copy(update={"answers": {**answers.answers, **changes}})


@pytest.fixture
def mature(content: Content) -> Answers:
    return load_answers(example_answers("mature_finetune"), content)


def test_visual_inspection_ready_with_labels_and_network(content: Content, mature: Answers) -> None:
    fit = _fit(content, mature, "production.visual_inspection")
    assert fit.fit == "ready_now" and fit.blocked_by == []


def test_labels_block_a_fine_tuning_start(content: Content, mature: Answers) -> None:
    fit = _fit(content, _changed(mature, **{"data.labelling_practice": "pass_fail"}), "production.visual_inspection")
    assert fit.approach_now == "fine_tuning"
    assert fit.fit in ("after_phase_1", "after_phase_2", "not_yet")
    assert [b.actions for b in fit.blocked_by] == [["data.label_samples"]]


def test_labels_are_no_blocker_for_a_vendor_model_start(content: Content, mature: Answers) -> None:
    """Under prompt engineering a vision scenario starts with a vendor model and a person reviewing
    every result: the reviews are the labels, so missing labels do not hold it back."""
    answers = _changed(mature, **{"models.labelled_examples": 0, "data.labelling_practice": "pass_fail"})
    fit = _fit(content, answers, "production.visual_inspection")
    assert fit.approach_now == "vendor_review"
    assert fit.fit == "ready_now" and fit.blocked_by == []


def test_visual_inspection_without_networked_equipment(content: Content, mature: Answers) -> None:
    fit = _fit(content, _changed(mature, **{"infrastructure.networked_equipment": 5}), "production.visual_inspection")
    assert fit.fit != "ready_now"
    blockers = {b.questions[0]: b.actions for b in fit.blocked_by if b.questions}
    assert blockers["infrastructure.networked_equipment"] == ["infrastructure.connect_key_equipment"]


def test_without_labels_and_network_both_block(content: Content, mature: Answers) -> None:
    answers = _changed(mature, **{"data.labelling_practice": "pass_fail", "infrastructure.networked_equipment": 5})
    fit = _fit(content, answers, "production.visual_inspection")
    assert len(fit.blocked_by) == 2


def test_scenarios_follow_industry_and_stages(content: Content, mature: Answers) -> None:
    result = run_assessment(content, mature)
    industry = mature.enterprise["industry"]
    stages = mature.enterprise.get("value_chain_stages")
    assert result.scenarios
    for fit in result.scenarios:
        scenario = next(s for s in content.rubric.scenarios if s.id == fit.id)
        assert "all" in scenario.industries or industry in scenario.industries
        assert not stages or scenario.stage in stages
    order = ["ready_now", "after_phase_1", "after_phase_2", "not_yet"]
    assert [order.index(s.fit) for s in result.scenarios] == sorted(order.index(s.fit) for s in result.scenarios)


def test_approach_never_runs_ahead_of_the_model_strategy(content: Content) -> None:
    small = load_answers(example_answers("small_plant"), content)
    result = run_assessment(content, small)
    assert result.decisions["model_strategy"].choice == "prompt_engineering"
    assert {s.approach_now for s in result.scenarios} <= {"prompt_engineering", "vendor_review"}


def test_agents_need_security(content: Content) -> None:
    small = load_answers(example_answers("small_plant"), content)
    agents = [s for s in run_assessment(content, small).scenarios if s.agent]
    assert agents and all(s.fit != "ready_now" for s in agents)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_explains_the_top_scenarios(content: Content, lang: str) -> None:
    from readiness.report.context import build_context
    from readiness.report.html import render_html
    from readiness.report.markdown import render_markdown

    answers = load_answers(example_answers("example"), content)
    ctx = build_context(run_assessment(content, answers), content, answers, lang=lang)
    assert ctx.scenarios and sum(count for *_, count in ctx.scenario_counts) >= len(ctx.scenarios)
    html = render_html(ctx)
    assert 'id="scenarios"' in html and 'href="#scenarios"' in html
    first = ctx.scenarios[0]
    assert first.title in html and first.fit_label in html
    closed_by = ctx.t["dash"] + ctx.t["closed_by"] + ctx.t["colon"]  # "——对应行动：" in Chinese
    assert any(closed_by in b for s in ctx.scenarios for b in s.blockers)  # blockers name the actions that clear them
    assert first.title in render_markdown(ctx)


def test_the_report_always_shows_scenarios_of_the_own_industry(content: Content) -> None:
    from readiness.report.context import OWN_INDUSTRY, TOP_SCENARIOS, shown_scenarios

    result = run_assessment(content, load_answers(example_answers("example"), content))
    own_available = sum(1 for s in result.scenarios if s.industry_specific)
    shown = shown_scenarios(result)
    assert len(shown) == TOP_SCENARIOS
    assert sum(1 for s in shown if s.industry_specific) >= min(OWN_INDUSTRY, own_available)
    assert shown[0].id == result.priority_scenario
