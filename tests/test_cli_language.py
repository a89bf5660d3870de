"""The command line speaks the chosen language: --lang, else the answers file's, else the system locale."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from readiness.cli import app

runner = CliRunner()
ENGLISH = {"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "en_US.UTF-8"}
CHINESE = {**ENGLISH, "LANG": "zh_CN.UTF-8"}


def _blank_template(tmp_path: Path, lang: str) -> Path:
    path = tmp_path / f"blank-{lang}.yaml"
    done = runner.invoke(app, ["init", "--lang", lang, "-o", str(path)], env=ENGLISH)
    assert done.exit_code == 0, done.output
    return path


def test_help_is_chinese_under_a_chinese_locale() -> None:
    env = {**os.environ, "LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8", "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-m", "readiness", "--help"], capture_output=True, text=True, env=env, check=True
    )
    assert "生成评估报告" in done.stdout and "检查本机能否生成报告" in done.stdout
    assert "显示版本并退出" in done.stdout
    english = subprocess.run(
        [sys.executable, "-m", "readiness", "report", "--help"],
        capture_output=True,
        text=True,
        env={**env, "LANG": "en_US.UTF-8"},
        check=True,
    )
    assert "Write the assessment report" in english.stdout and "报告" not in english.stdout


def test_an_error_under_a_chinese_answers_file_is_chinese(tmp_path: Path) -> None:
    path = _blank_template(tmp_path, "zh")
    done = runner.invoke(app, ["report", str(path), "-o", str(tmp_path / "r.pdf")], env=ENGLISH)
    assert done.exit_code == 1
    assert done.output.startswith("错误：答卷中有1个问题："), done.output
    assert "尚未回答任何问题" in done.output


def test_lang_wins_over_the_answers_file(tmp_path: Path) -> None:
    path = _blank_template(tmp_path, "zh")
    done = runner.invoke(app, ["report", str(path), "--lang", "en", "-o", str(tmp_path / "r.pdf")], env=CHINESE)
    assert done.output.startswith("error: 1 problem in the answers:"), done.output


def test_the_system_locale_speaks_where_nothing_else_does(tmp_path: Path) -> None:
    done = runner.invoke(app, ["merge", str(tmp_path / "a.yaml"), "-o", str(tmp_path / "m.yaml")], env=CHINESE)
    assert done.exit_code == 1 and done.output.startswith("错误：命令行中有1个问题："), done.output
    assert "请至少提供两个答卷文件" in done.output
    done = runner.invoke(app, ["merge", str(tmp_path / "a.yaml"), "-o", str(tmp_path / "m.yaml")], env=ENGLISH)
    assert done.output.startswith("error: 1 problem in the command line:"), done.output


def test_wrote_and_warning_follow_the_language(tmp_path: Path) -> None:
    zh = _blank_template(tmp_path, "zh")
    done = runner.invoke(app, ["init", "--lang", "zh", "-o", str(tmp_path / "b.yaml")], env=ENGLISH)
    assert done.output.startswith("已写入 "), done.output
    done = runner.invoke(app, ["validate", str(zh)], env=ENGLISH)
    assert "警告：" in done.output and "尚未回答任何问题" in done.output


def test_doctor_speaks_chinese_under_a_chinese_locale(tmp_path: Path) -> None:
    done = runner.invoke(app, ["doctor", "-o", str(tmp_path)], env=CHINESE)
    assert "readiness环境检查" in done.output and "检查项" in done.output and "输出文件夹" in done.output
    assert "可写入" in done.output
    english = runner.invoke(app, ["doctor", "-o", str(tmp_path)], env=ENGLISH)
    assert "Output folder" in english.output and "检查项" not in english.output
