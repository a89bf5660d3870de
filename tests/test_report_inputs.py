"""No silent wrong output: the report's format matches its file name, and a blank answers file
gives no report about nobody."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from readiness.cli import app
from readiness.resources import example_answers

runner = CliRunner()


@pytest.mark.parametrize("name", ["report.docx", "report.txt", "report.PDFX"])
def test_an_unknown_extension_is_refused(tmp_path: Path, name: str) -> None:
    result = runner.invoke(app, ["report", str(example_answers("small_plant")), "-o", str(tmp_path / name)])
    assert result.exit_code == 2
    assert "is not a report format" in result.output
    assert not (tmp_path / name).exists()


def test_a_format_that_contradicts_the_file_name_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    result = runner.invoke(app, ["report", str(example_answers("small_plant")), "-o", str(target), "-f", "html"])
    assert result.exit_code == 2 and "--format says html" in result.output
    assert not target.exists()


def test_a_matching_format_and_a_bare_name_still_work(tmp_path: Path) -> None:
    answers = str(example_answers("small_plant"))
    assert runner.invoke(app, ["report", answers, "-o", str(tmp_path / "r.md"), "-f", "md"]).exit_code == 0
    assert runner.invoke(app, ["report", answers, "-o", str(tmp_path / "r"), "-f", "md"]).exit_code == 0
    assert (tmp_path / "r").read_text(encoding="utf-8").startswith("# ")


def test_a_blank_template_gives_no_report(tmp_path: Path) -> None:
    blank = tmp_path / "blank.yaml"
    assert runner.invoke(app, ["init", "-o", str(blank)]).exit_code == 0
    result = runner.invoke(app, ["report", str(blank), "-o", str(tmp_path / "blank.md")])
    assert result.exit_code == 1 and "no question is answered yet" in result.output
    assert not (tmp_path / "blank.md").exists()
    checked = runner.invoke(app, ["validate", str(blank)])
    assert checked.exit_code == 0 and "no question is answered yet" in checked.output
    assert runner.invoke(app, ["validate", "--strict", str(blank)]).exit_code == 1
