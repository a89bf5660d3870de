"""The small custom content set in examples/: it validates strictly, scores, and fails clearly when broken."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from readiness.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "custom_content"
ANSWERS = EXAMPLE / "answers.yaml"
ENV = {"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb", "READINESS_CONTENT": None}
runner = CliRunner()


def run(*args: str, env: dict[str, str | None] | None = None) -> object:
    return runner.invoke(app, list(args), env={**ENV, **(env or {})})


def test_example_validates_strictly() -> None:
    result = run("validate", "--content-dir", str(EXAMPLE), "--strict")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    assert "ok content ai_manufacturing v1" in result.output


def test_example_answers_validate() -> None:
    result = run("validate", "--content-dir", str(EXAMPLE), str(ANSWERS))
    assert result.exit_code == 0, result.output
    assert f"ok {ANSWERS}" in result.output


def test_example_scores_through_the_cli() -> None:
    result = run("score", str(ANSWERS), "--content-dir", str(EXAMPLE), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    roadmap = [item["id"] for item in data["roadmap"]]
    assert "infrastructure.connect_key_equipment" in roadmap  # the action of EXAMPLE (2)
    assert roadmap[-1] == "models.go_live"  # after every security control
    table = run("score", str(ANSWERS), "--content-dir", str(EXAMPLE))
    assert table.exit_code == 0 and "Ningbo Hengrui" in table.output


def test_environment_variable_is_honoured(tmp_path: Path) -> None:
    env = {"READINESS_CONTENT": str(EXAMPLE)}
    checked = run("validate", "--strict", env=env)
    assert checked.exit_code == 0, checked.output
    assert f"({EXAMPLE})" in checked.output and "23 questions" in checked.output
    scored = run("score", str(ANSWERS), "--format", "json", env=env)
    assert scored.exit_code == 0, scored.output
    assert "infrastructure.retrofit_sensors" in {item["id"] for item in json.loads(scored.stdout)["roadmap"]}
    # The example has no report_templates/: the report falls back to the shipped templates.
    target = tmp_path / "custom.html"
    report = run("report", str(ANSWERS), "-o", str(target), env=env)
    assert report.exit_code == 0, report.output
    assert "quick check (example content)" in target.read_text(encoding="utf-8")


def test_broken_copy_names_the_file_and_line(tmp_path: Path) -> None:
    copy = tmp_path / "content"
    shutil.copytree(EXAMPLE, copy)
    step_file = copy / "rubrics" / "ai_manufacturing" / "steps" / "infrastructure.yaml"
    lines = step_file.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if line.lstrip().startswith("trigger:") and "op: lt," in line)
    lines[number - 1] = lines[number - 1].replace("op: lt,", "op: lesser,")
    step_file.write_text("".join(lines), encoding="utf-8")

    result = run("validate", "--content-dir", str(copy), "--strict")
    assert result.exit_code == 1, result.output
    assert f"{step_file}:{number}:" in result.output
    assert "unknown operator 'lesser'" in result.output
    assert "Traceback" not in result.output


def test_the_three_changes_are_marked() -> None:
    marked = "".join(p.read_text(encoding="utf-8") for p in sorted(EXAMPLE.rglob("*.yaml")))
    for number in ("(1)", "(2)", "(3)"):
        assert f"# EXAMPLE: {number}" in marked
