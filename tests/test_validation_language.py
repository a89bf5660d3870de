"""Problems with an answers file are worded in the file's language and name the question in words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from readiness.cli import app
from readiness.interview import parse_answer
from readiness.model import Content
from readiness.resources import example_answers

runner = CliRunner()
ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", "LANG": "en_US.UTF-8"}


def _bad_answers(tmp_path: Path, language: str) -> Path:
    """The small plant's answers with a word for a number, an option that does not exist and an unknown id."""
    data = yaml.safe_load(example_answers("small_plant").read_text(encoding="utf-8"))
    data["language"] = language
    data["answers"]["diagnosis.it_staff"] = "很多"
    data["answers"]["data.data_owner"] = "the_boss"
    data["answers"]["data.data_ownr"] = "cdo"
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _validate(path: Path) -> str:
    result = runner.invoke(app, ["validate", str(path)], env=ENV)
    assert result.exit_code == 1, result.output
    return result.output


def test_a_chinese_answers_file_is_told_its_problems_in_chinese(tmp_path: Path) -> None:
    path = _bad_answers(tmp_path, "zh-CN")
    output = _validate(path)
    assert "答卷中有3个问题" in output
    assert "diagnosis.it_staff（专职IT与数据人员）：应填写数字，实际为“很多”" in output
    assert "data.data_owner（数据负责人）：“the_boss”不是可选项；可选：none, part_time, named_owner, cdo" in output
    assert "未知的题目编号“data.data_ownr”；是否指“data.data_owner”？" in output
    assert f"{path}:" in output  # the location keeps its file:line:col: form
    assert "expected a number" not in output and "not an option" not in output


def test_an_english_answers_file_gets_english_messages_naming_the_question(tmp_path: Path) -> None:
    output = _validate(_bad_answers(tmp_path, "en"))
    assert "3 problems in the answers:" in output
    assert "diagnosis.it_staff (Full-time IT and data staff): expected a number, got '很多'" in output
    assert (
        "data.data_owner (Data owner): 'the_boss' is not an option; allowed: none, part_time, named_owner, cdo"
        in output
    )
    assert "unknown question id 'data.data_ownr'; did you mean 'data.data_owner'?" in output
    assert "专职IT与数据人员" not in output


def test_a_chinese_file_read_by_another_command_is_told_in_chinese(tmp_path: Path) -> None:
    result = runner.invoke(app, ["score", str(_bad_answers(tmp_path, "zh-CN"))], env=ENV)
    assert result.exit_code == 1, result.output
    assert "答卷中有3个问题" in result.output and "应填写数字，实际为“很多”" in result.output


def test_the_chinese_interview_words_an_out_of_range_number_in_chinese(content: Content) -> None:
    question = content.questionnaire.question_index()["diagnosis.mes_coverage"]
    with pytest.raises(ValueError, match="不能大于100"):
        parse_answer(question, "120", "zh")
    with pytest.raises(ValueError, match="largest allowed value is 100"):
        parse_answer(question, "120", "en")


def test_the_interview_words_other_problems_in_its_language(content: Content) -> None:
    question = next(q for q in content.questionnaire.question_index().values() if q.type == "multi")
    first = question.options[0].id if not question.options[0].exclusive else question.options[1].id
    with pytest.raises(ValueError, match="有选项重复填写"):
        parse_answer(question, f"{first} {first}", "zh")
    with pytest.raises(ValueError, match="an option is listed twice"):
        parse_answer(question, f"{first} {first}", "en")
