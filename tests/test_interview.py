"""The guided interview, driven through CliRunner with scripted keystrokes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from readiness.assess import run_assessment
from readiness.cli import app
from readiness.errors import ContentError
from readiness.interview import Interview
from readiness.loader import load_answers, write_answers
from readiness.model import NOT_APPLICABLE, STEP_IDS, UNKNOWN, Answers, Content, Question
from readiness.report.result import result_dict
from readiness.resources import example_answers

runner = CliRunner()
ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}


def keystroke(question: Question, value: Any, interview: Interview | None = None) -> str:
    if value == UNKNOWN:
        return "u"
    if value == NOT_APPLICABLE:
        return "n"
    ids = [o.id for o in (interview.choices(question) if interview else question.options)]
    if question.type == "single":
        return str(ids.index(value) + 1)
    if question.type == "multi":
        return ",".join(str(ids.index(v) + 1) for v in value) or "0"
    if question.type == "yes_no":
        return "1" if value else "2"
    return str(value)


def script(content: Content, target: Answers, state: dict[str, Any] | None = None) -> list[str]:
    """The keystrokes a person would type to reach `target`, from `state` (a saved file) or from scratch."""
    interview = Interview(content, state) if state else Interview.start(content, target.lang)
    lines = [] if interview.data["respondents"] else ["Li Wei", "Plant manager"]
    slot = interview.next_open()
    while slot is not None:
        value = target.value(slot.question.id)
        assert value is not None, f"the persona does not answer {slot.question.id}"
        lines.append(keystroke(slot.question, value, interview))
        interview.set(slot.question.id, value)
        nxt = interview.next_open()
        if slot.step.id in STEP_IDS and nxt is not None and nxt.step.id != slot.step.id:
            lines.append("")  # the step summary waits for Enter
        slot = nxt
    return lines


def assess(path: Path, lines: list[str], *extra: str) -> Any:
    return runner.invoke(app, ["assess", "--answers", str(path), *extra], input="\n".join(lines) + "\n", env=ENV)


def comparable(content: Content, answers: Answers) -> dict[str, Any]:
    return result_dict(run_assessment(content, answers), content)


@pytest.mark.parametrize(("persona", "lang"), [("mature_finetune", "en"), ("example", "zh")])
def test_full_interview_reproduces_the_persona(tmp_path: Path, content: Content, persona: str, lang: str) -> None:
    target = load_answers(example_answers(persona), content)
    path = tmp_path / "answers.yaml"
    result = assess(path, script(content, target), "--lang", lang)
    assert result.exit_code == 0, result.output[-2000:]
    saved = load_answers(path, content)
    assert saved.respondents[0].name == "Li Wei"
    assert comparable(content, saved) == comparable(content, target)
    words = ("All questions answered", "readiness report") if lang == "en" else ("全部问题已答完", "readiness report")
    for word in words:
        assert word in result.output
    assert ("Step 3 of 6" if lang == "en" else "第3步（共6步）") in result.output


@pytest.mark.parametrize("stop_after", [1, 5, 30, 60])
def test_resume_after_interruption(tmp_path: Path, content: Content, stop_after: int) -> None:
    target = load_answers(example_answers("small_plant"), content)
    path = tmp_path / "answers.yaml"
    first = assess(path, script(content, target)[:stop_after])
    assert first.exit_code == 130
    assert "Resume with:" in first.output or "Resume with:" in (first.stderr or "")
    state = yaml.safe_load(path.read_text(encoding="utf-8"))
    rest = assess(path, script(content, target, state))
    assert rest.exit_code == 0, rest.output[-2000:]
    assert comparable(content, load_answers(path, content)) == comparable(content, target)


def test_save_and_quit_keeps_answers(tmp_path: Path, content: Content) -> None:
    path = tmp_path / "answers.yaml"
    result = assess(path, ["Li Wei", "Owner", "Acme", "s"])
    assert result.exit_code == 0
    assert "readiness assess --answers" in result.output
    assert load_answers(path, content).enterprise == {"name": "Acme"}


def test_back_goes_to_the_previous_question(tmp_path: Path, content: Content) -> None:
    path = tmp_path / "answers.yaml"
    result = assess(path, ["Li Wei", "Owner", "Acme", "Zhejiang", "b", "Jiangsu", "s"])
    assert result.exit_code == 0, result.output
    assert load_answers(path, content).enterprise["region"] == "Jiangsu"
    assert "Current answer: Zhejiang" in result.output


def test_invalid_inputs_are_asked_again(tmp_path: Path, content: Content) -> None:
    target = load_answers(example_answers("small_plant"), content)
    state = target.model_dump(mode="json")
    for key in ("infrastructure.networked_equipment", "data.data_owner", "diagnosis.it_staff"):
        state["answers"].pop(key)
    path = tmp_path / "answers.yaml"
    write_answers(path, state)
    lines = ["-2", "1.2k", "3", ""]  # diagnosis.it_staff: a negative count, a shorthand, then 3; the summary
    lines += ["abc", "150", "35", ""]  # infrastructure.networked_equipment: letters, over 100, then 35; summary
    lines += ["n", "9", "2", "s"]  # data.data_owner: not applicable refused, out of range, then option 2
    result = assess(path, lines)
    assert result.exit_code == 0, result.output[-3000:]
    output = result.output
    assert "The smallest allowed value is 0" in output
    assert "'1.2k' is not a number" in output
    assert "'abc' is not a number" in output
    assert "The largest allowed value is 100" in output
    assert "This question always applies" in output
    assert "Choose a number from 1 to 4" in output
    saved = load_answers(path, content)
    assert saved.answers["diagnosis.it_staff"] == 3
    assert saved.answers["infrastructure.networked_equipment"] == 35
    assert saved.answers["data.data_owner"] == "part_time"


def test_review_changes_one_answer(tmp_path: Path, content: Content) -> None:
    path = tmp_path / "answers.yaml"
    source = load_answers(example_answers("small_plant"), content)
    write_answers(path, source.model_dump(mode="json"))
    visible = [
        s for s in Interview.resume(content, source).step_slots("data") if Interview.resume(content, source).visible(s)
    ]
    first = visible[0].question
    assert first.id == "data.data_owner"
    lines = ["4"] + [""] * (len(visible) - 1)
    result = assess(path, lines, "--review", "data")
    assert result.exit_code == 0, result.output[-2000:]
    saved = load_answers(path, content)
    assert saved.answers["data.data_owner"] == "cdo"
    others = {k: v for k, v in saved.answers.items() if k != "data.data_owner"}
    assert others == {k: v for k, v in source.answers.items() if k != "data.data_owner"}
    assert "Review of" in result.output


def test_note_is_saved(tmp_path: Path, content: Content) -> None:
    path = tmp_path / "answers.yaml"
    result = assess(path, ["Li Wei", "Owner", "+", "Registered name as on the business licence", "Acme", "s"])
    assert result.exit_code == 0, result.output
    assert load_answers(path, content).notes == {"profile.name": "Registered name as on the business licence"}


def test_unknown_review_step(tmp_path: Path) -> None:
    result = assess(tmp_path / "a.yaml", [], "--review", "marketing")
    assert result.exit_code == 1 and "unknown step 'marketing'" in result.output


def test_no_terminal_and_no_file_fails_fast() -> None:
    result = runner.invoke(app, ["assess"], input="", env=ENV)
    assert result.exit_code == 1
    assert "needs a terminal" in result.output


def test_a_broken_answers_file_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(
        "questionnaire: ai_manufacturing\nquestionnaire_version: 1\nenterprise: {name: [\n", encoding="utf-8"
    )
    before = path.read_bytes()
    result = assess(path, ["Li Wei"])
    assert result.exit_code == 1 and f"{path}:" in result.output
    assert path.read_bytes() == before


def test_atomic_save_keeps_the_previous_file_on_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "answers.yaml"
    write_answers(path, {"enterprise": {"name": "Before"}})
    before = path.read_bytes()

    def crash(*_: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(ContentError, match="cannot write the file"):
        write_answers(path, {"enterprise": {"name": "After"}})
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["answers.yaml"]  # no temp file left behind
