"""The shipped questionnaire and rubric: valid in strict mode, complete and sized as promised."""

from __future__ import annotations

from readiness.loader import load_content
from readiness.model import STEP_IDS, Content
from readiness.resources import content_dir


def test_shipped_content_is_valid_without_warnings() -> None:
    _, warnings = load_content(content_dir())
    assert warnings == []


def test_questionnaire_covers_the_playbook(content: Content) -> None:
    steps = content.questionnaire.steps
    assert [s.id for s in steps] == ["profile", "industry", *STEP_IDS]
    per_step = {s.id: sum(1 for q in s.questions if q.weight) for s in content.questionnaire.playbook_steps}
    assert all(8 <= n <= 15 for n in per_step.values()), per_step  # scored questions; decision inputs aside
    assert 60 <= sum(per_step.values()) <= 90
    for step in content.questionnaire.playbook_steps:
        assert sum(1 for q in step.questions if q.show_if) >= 2, f"{step.id} has no conditional follow-ups"
        assert all(q.help.en and q.help.zh for q in step.questions)


def test_every_step_has_level_descriptions_and_actions(content: Content) -> None:
    rubric = content.rubric
    assert len(rubric.actions) >= 40
    for step in STEP_IDS:
        assert sorted(rubric.step_levels[step]) == [1, 2, 3, 4, 5]
        assert sum(1 for a in rubric.actions if a.step == step) >= 5


def test_security_controls_and_go_live_actions_exist(content: Content) -> None:
    assert any(a.goes_live for a in content.rubric.actions)
    assert any(a.security_control for a in content.rubric.actions)
    assert not any(a.goes_live and a.security_control for a in content.rubric.actions)
