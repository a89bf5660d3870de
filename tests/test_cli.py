"""The CLI through Typer's CliRunner: happy paths, bad inputs, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from readiness.cli import app
from readiness.model import Content
from readiness.resources import example_answers
from tests.conftest import extreme_value, make_answers

runner = CliRunner()
ENV = {"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb"}


def run(*args: str) -> object:
    return runner.invoke(app, list(args), env=ENV)


def _answers_file(tmp_path: Path, content: Content, text: str | None = None) -> Path:
    path = tmp_path / "answers.yaml"
    if text is None:
        import yaml

        answers = make_answers(content, lambda q: extreme_value(q, False))
        text = yaml.safe_dump(answers.model_dump(), allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.output.startswith("readiness ")


def test_help_does_not_import_the_renderers() -> None:
    code = (
        "import sys; from readiness.cli import app; sys.argv=['readiness','--help']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "bad = [m for m in ('weasyprint', 'jinja2', 'yaml') if m in sys.modules]\nprint('LOADED', bad)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "LOADED ['yaml']" in done.stdout or "LOADED []" in done.stdout, done.stdout
    assert "weasyprint" not in done.stdout.split("LOADED")[1] and "jinja2" not in done.stdout.split("LOADED")[1]


def test_validate_shipped_content_strictly() -> None:
    result = run("validate", "--strict")
    assert result.exit_code == 0, result.output
    assert "ok content ai_manufacturing" in result.output


def test_score_table_and_json(tmp_path: Path, content: Content) -> None:
    path = _answers_file(tmp_path, content)
    table = run("score", str(path))
    assert table.exit_code == 0, table.output
    assert "Model strategy" in table.output and "Deployment" in table.output
    as_json = run("score", str(path), "--format", "json")
    data = json.loads(as_json.stdout)
    assert data["schema"] == "readiness.assessment/1"
    assert [s["id"] for s in data["steps"]] == ["diagnosis", "infrastructure", "data", "compute", "models", "security"]
    for key in (
        "enterprise",
        "questionnaire",
        "overall",
        "model_strategy",
        "deployment",
        "scenarios",
        "roadmap",
        "warnings",
    ):
        assert key in data
    assert data["model_strategy"]["choice"] in ("prompt_engineering", "fine_tuning", "hybrid")
    assert {"choice", "runner_up", "reasons", "would_change_if", "path"} <= set(data["model_strategy"])
    assert {"id", "step", "phase", "title", "effort", "impact", "depends_on"} <= set(data["roadmap"][0])


def test_score_in_chinese(tmp_path: Path, content: Content) -> None:
    result = run("score", str(_answers_file(tmp_path, content)), "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert "模型路线" in result.output and "实施路线图" in result.output


def test_bundled_example_scores() -> None:
    result = run("score", str(example_answers("example")), "--format", "json")
    assert result.exit_code == 0, result.output


def test_init_template_validates_and_scores_once_filled(tmp_path: Path, content: Content) -> None:
    for lang in ("en", "zh"):
        target = tmp_path / f"template-{lang}.yaml"
        result = run("init", "--lang", lang, "-o", str(target))
        assert result.exit_code == 0, result.output
        text = target.read_text(encoding="utf-8")
        for question in content.questionnaire.question_index().values():
            assert question.text.get(lang).splitlines()[0][:20] in text
        filled = text.replace("  name:\n", "  name: Template Works\n", 1)
        target.write_text(filled, encoding="utf-8")
        check = run("validate", str(target))
        assert check.exit_code == 0, check.output
    again = run("init", "-o", str(tmp_path / "template-en.yaml"))
    assert again.exit_code == 1 and "--force" in again.output


BAD_ANSWERS = {
    "malformed_yaml": ("enterprise: {name: [unclosed\n", "not valid YAML", 2),
    "wrong_type": (
        "questionnaire: ai_manufacturing\nquestionnaire_version: 1\nenterprise: {name: X}\n"
        "answers:\n  models.labelled_examples: lots\n",
        "expected a number",
        5,
    ),
    "unknown_question": (
        "questionnaire: ai_manufacturing\nquestionnaire_version: 1\nenterprise: {name: X}\n"
        "answers:\n  data.data_ownr: cdo\n",
        "did you mean 'data.data_owner'",
        5,
    ),
    "option_not_in_question": (
        "questionnaire: ai_manufacturing\nquestionnaire_version: 1\nenterprise: {name: X}\n"
        "answers:\n  data.data_owner: the_boss\n",
        "allowed: none, part_time, named_owner, cdo",
        5,
    ),
    "not_applicable_refused": (
        "questionnaire: ai_manufacturing\nquestionnaire_version: 1\nenterprise: {name: X}\n"
        "answers:\n  data.data_owner: not_applicable\n",
        "cannot be answered not_applicable",
        5,
    ),
    "alias_bomb": (
        'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
        "anchors and aliases",
        1,
    ),
    "empty_file": ("", "the file is empty", None),
    "old_version": (
        "questionnaire: ai_manufacturing\nquestionnaire_version: 0\nenterprise: {name: X}\n",
        "readiness init",
        2,
    ),
    "not_a_mapping": ("- just\n- a list\n", "expected an answers file", None),
}


@pytest.mark.parametrize("case", sorted(BAD_ANSWERS))
@pytest.mark.parametrize("command", ["score", "validate"])
def test_bad_answers_get_one_clear_message(tmp_path: Path, content: Content, case: str, command: str) -> None:
    text, message, line = BAD_ANSWERS[case]
    path = _answers_file(tmp_path, content, text)
    result = run(command, str(path))
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert str(path) + (f":{line}" if line else "") in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("enterprise:\n  name: 苏州精工\n".encode("gbk"))
    result = run("score", str(path))
    assert result.exit_code == 1
    assert f"{path}:2" in result.output and "not UTF-8" in result.output


def test_missing_file(tmp_path: Path) -> None:
    result = run("score", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1 and "no such file" in result.output


def test_usage_error_exits_2() -> None:
    assert run("score").exit_code == 2
