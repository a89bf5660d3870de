"""report, demo and doctor through Typer's CliRunner: outputs, options, and clean errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader
from typer.testing import CliRunner

from readiness.cli import app, report_commands
from readiness.model import Content
from readiness.report import pdf
from tests.test_report_html import png, sample_answers

runner = CliRunner()
ENV = {"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb"}


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), env=ENV)


def clean_failure(result: Any, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return " ".join(result.output.split())


@pytest.fixture
def answers_file(tmp_path: Path, content: Content) -> Path:
    path = tmp_path / "acme.yaml"
    data = sample_answers(content, "en").model_dump(exclude_defaults=False)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def brand_file(tmp_path: Path) -> Path:
    (tmp_path / "logo.png").write_bytes(png())
    path = tmp_path / "brand.yaml"
    path.write_text("firm: Northwind Advisory\nlogo: logo.png\nprimary_colour: '#0b6e4f'\n", encoding="utf-8")
    return path


# --- report ---------------------------------------------------------------------------------


def test_report_formats_follow_the_output_extension(answers_file: Path, tmp_path: Path) -> None:
    for name in ("r.html", "r.md", "r.json"):
        result = run("report", str(answers_file), "-o", str(tmp_path / name))
        assert result.exit_code == 0, result.output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'id="roadmap"' in html
    assert "&lt;script&gt;" in html and "<script" not in html
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# ")
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["schema"] == "readiness.assessment/1"


def test_report_format_option_language_and_default_output(answers_file: Path) -> None:
    result = run("report", str(answers_file), "--format", "html", "--lang", "zh")
    assert result.exit_code == 0, result.output
    written = answers_file.with_suffix(".html")
    assert '<html lang="zh-CN">' in written.read_text(encoding="utf-8")
    assert str(written) in " ".join(result.output.split())


@pytest.mark.slow
def test_report_pdf_with_brand_and_variant(answers_file: Path, brand_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "acme.pdf"
    result = run("report", str(answers_file), "-o", str(out), "--brand", str(brand_file), "--pdf-variant", "pdf/a-3u")
    assert result.exit_code == 0, result.output
    reader = PdfReader(out)
    assert b'pdfaid:part="3"' in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert "Northwind Advisory" in reader.pages[0].extract_text()
    assert "pages" in result.output and "boxes" not in result.output
    assert not list(out.parent.glob(".*.tmp"))


def test_a_missing_answers_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    shown = clean_failure(run("report", str(missing), "-o", str(tmp_path / "x.pdf")))
    assert str(missing) in shown and "no such file" in shown
    assert not (tmp_path / "x.pdf").exists()


def test_a_bad_brand_colour_names_the_brand_file_and_line(answers_file: Path, tmp_path: Path) -> None:
    brand = tmp_path / "brand.yaml"
    brand.write_text("firm: X\nprimary_colour: blue\n", encoding="utf-8")
    shown = clean_failure(run("report", str(answers_file), "-o", str(tmp_path / "x.html"), "--brand", str(brand)))
    assert f"{brand}:2" in shown and "#rrggbb" in shown


def test_a_missing_logo_names_the_brand_file(answers_file: Path, tmp_path: Path) -> None:
    brand = tmp_path / "brand.yaml"
    brand.write_text("firm: X\nlogo: assets/logo.png\n", encoding="utf-8")
    shown = clean_failure(run("report", str(answers_file), "-o", str(tmp_path / "x.pdf"), "--brand", str(brand)))
    assert f"{brand}:2" in shown and "logo.png" in shown and "does not exist" in shown


def test_pdf_variant_values_are_checked(answers_file: Path, tmp_path: Path) -> None:
    clean_failure(run("report", str(answers_file), "-o", str(tmp_path / "x.pdf"), "--pdf-variant", "pdf/z"), 2)
    shown = clean_failure(
        run("report", str(answers_file), "-o", str(tmp_path / "x.html"), "--pdf-variant", "pdf/a-3u"), 2
    )
    assert "PDF output only" in shown


def test_chinese_pdf_without_a_cjk_font_says_what_to_install(
    answers_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "cjk_font_families", lambda: ())
    shown = clean_failure(run("report", str(answers_file), "--lang", "zh", "-o", str(tmp_path / "x.pdf")))
    assert "fonts-noto-cjk" in shown and "fonts-wqy-microhei" in shown


def test_an_unwritable_output_is_reported(answers_file: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    shown = clean_failure(run("report", str(answers_file), "-o", str(blocker / "x.html")))
    assert "cannot write" in shown


# --- demo -----------------------------------------------------------------------------------


def test_demo_writes_pdf_and_html_in_both_languages_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[tuple[str, Path, str | None]] = []

    def fake_produce(content: Any, answers: Any, fmt: Any, target: Path, **options: Any) -> None:
        made.append((fmt.value, target, options.get("lang")))

    monkeypatch.setattr(report_commands, "produce", fake_produce)
    result = run("demo", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    names = sorted(target.name for _, target, _ in made)
    assert names == ["example-en.html", "example-en.pdf", "example-zh.html", "example-zh.pdf"]
    assert all(target.parent == tmp_path / "out" for _, target, _ in made)
    assert {lang for *_, lang in made} == {"en", "zh"}
    for _, target, _ in made:
        assert str(target) in result.stdout


@pytest.mark.slow
def test_demo_in_one_language(tmp_path: Path) -> None:
    result = run("demo", "--lang", "zh", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "example-zh.pdf").read_bytes().startswith(b"%PDF")
    assert '<html lang="zh-CN">' in (tmp_path / "example-zh.html").read_text(encoding="utf-8")
    assert not (tmp_path / "example-en.pdf").exists()


@pytest.mark.slow
def test_demo_with_the_bundled_example(tmp_path: Path) -> None:
    result = run("demo", "--lang", "en", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "example-en.pdf").stat().st_size > 10_000


# --- doctor ---------------------------------------------------------------------------------


def test_doctor_on_this_machine(tmp_path: Path) -> None:
    result = run("doctor", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    for check in ("weasyprint", "jinja2", "pydantic", "typer", "Pango", "HarfBuzz", "Chinese fonts", "Output folder"):
        assert check in result.output


def test_doctor_fails_without_a_cjk_font_and_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "cjk_font_families", lambda: ())
    monkeypatch.setattr(pdf, "has_harfbuzz_subset", lambda: False)
    shown = clean_failure(run("doctor", "-o", str(tmp_path)))
    assert "fonts-noto-cjk" in shown and "libharfbuzz-subset0" in shown and "10x slower" in shown


def test_doctor_warns_only_without_harfbuzz_subset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "has_harfbuzz_subset", lambda: False)
    result = run("doctor", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "warning" in result.output and "libharfbuzz-subset0" in result.output


def test_doctor_fails_on_an_unwritable_output_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    shown = clean_failure(run("doctor", "-o", str(blocker / "reports")))
    assert "cannot be created" in shown or "cannot write" in shown
