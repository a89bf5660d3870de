"""The command line speaks the chosen language: --lang, else the answers file's, else the system locale."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
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


# Typer's own words, in English, that must not reach a Chinese screen.
TYPER_WORDS = """Usage: | Options | Arguments | Commands | Try ' | Error: | Show this message | default: | required
    | Missing | No such | Invalid value | Input should | Got unexpected | requires an | is not one of"""
TYPER_ENGLISH = re.compile("|".join(re.escape(w.strip()) for w in TYPER_WORDS.split("|")))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--bogus"], "没有此选项：--bogus"),
        (["report"], "缺少参数"),
        (["score", "a.yaml", "b.yaml"], "多余的参数：b.yaml"),
        (["reportt"], "没有此命令：'reportt'。是否想用'report'？"),
        (["init", "-o"], "选项'-o'后面需要填写一个值。"),
        (["batch", ".", "-o", "out", "--jobs", "many"], "的值无效：应填写整数"),
        (["score", "x.yaml", "--format", "pdf"], "不是可选值；可选："),
    ],
)
def test_usage_errors_are_chinese_under_a_chinese_locale(args: list[str], expected: str) -> None:
    done = runner.invoke(app, args, env=CHINESE)
    assert done.exit_code == 2, done.output
    assert expected in done.output and "错误：" in done.output, done.output
    assert not TYPER_ENGLISH.search(done.output), done.output


def test_usage_errors_stay_typers_own_words_in_english() -> None:
    done = runner.invoke(app, ["report"], env=ENGLISH)
    assert done.exit_code == 2
    assert "Usage: readiness report [OPTIONS] {ANSWERS}" in done.output
    assert "Try 'readiness report --help' for help." in done.output
    assert "Error: Missing argument 'ANSWERS'." in done.output


def test_help_screens_have_no_english_of_typer_under_a_chinese_locale() -> None:
    # A process of its own: help texts are worded when the command line is imported.
    env = {**os.environ, "LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8", "COLUMNS": "120"}
    for command in ([], ["report"], ["batch"], ["init"], ["serve"]):
        done = subprocess.run(
            [sys.executable, "-m", "readiness", *command, "--help"], capture_output=True, text=True, env=env, check=True
        )
        assert "用法：readiness" in done.stdout and "显示本帮助并退出。" in done.stdout, done.stdout
        assert not TYPER_ENGLISH.search(done.stdout), done.stdout


def test_every_usage_error_template_recognises_its_own_english() -> None:
    from readiness.catalogue import text
    from readiness.cli.usage_words import ERROR_KEYS, translate

    for key in ERROR_KEYS:
        english = text("en", f"usage.{key}")
        sample = re.sub(r"\{(\w+)\}", lambda m: f"<{m[1]}>", english)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("LANG", "zh_CN.UTF-8")
            patch.delenv("LC_ALL", raising=False)
            patch.delenv("LC_MESSAGES", raising=False)
            assert translate(sample) != sample, key
