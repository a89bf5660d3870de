"""Batch runs over a folder, the park portfolio and its tables."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from readiness import batch
from readiness.assess import run_assessment
from readiness.batch import safe_stem
from readiness.cli import app
from readiness.loader import load_answers, write_answers
from readiness.model import Content
from readiness.portfolio import build_portfolio, enterprise_code, portfolio_entry, summed
from readiness.report.tables import render_csv, render_xlsx
from readiness.resources import bundled_examples, example_answers

runner = CliRunner()
ENV = {"COLUMNS": "120", "NO_COLOR": "1"}


@pytest.fixture
def park(tmp_path: Path, content: Content) -> Path:
    """Good files, a malformed one, two with the same enterprise name and one with a hostile name."""
    folder = tmp_path / "park"
    folder.mkdir()
    for name in ("small_plant", "mature_finetune", "example"):
        shutil.copy(example_answers(name), folder / f"{name}.yaml")
    again = load_answers(example_answers("small_plant"), content).model_dump(mode="json")
    again["enterprise"]["industry"] = "steel"  # the same name in another industry: another enterprise
    write_answers(folder / "small_plant_again.yaml", again)
    hostile = load_answers(example_answers("edge_inspection"), content).model_dump(mode="json")
    hostile["enterprise"]["name"] = "../../etc/passwd"
    write_answers(folder / "hostile.yaml", hostile)
    (folder / "broken.yaml").write_text("enterprise: {name: [\n", encoding="utf-8")
    return folder


def test_safe_names() -> None:
    taken: set[str] = set()
    assert safe_stem("苏州恒锐精密机床股份有限公司", taken) == "苏州恒锐精密机床股份有限公司"
    assert safe_stem("../../etc/passwd", taken) == "etc-passwd"
    assert safe_stem("A/B: C*D", taken) == "A-B-C-D"
    assert safe_stem("苏州恒锐精密机床股份有限公司", taken) == "苏州恒锐精密机床股份有限公司-2"
    assert safe_stem("   ", taken) == "enterprise"


def test_batch_json_keeps_going_and_reports_the_bad_file(park: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(park), "-o", str(out), "-f", "json"], env=ENV)
    assert result.exit_code == 1, result.output
    assert "broken.yaml" in result.output and "not valid YAML" in result.output
    names = sorted(p.name for p in out.iterdir())
    assert "etc-passwd.json" in names  # the hostile name stays inside the output folder
    assert "Huzhou-Xinmiao-Children's-Wear-Co.,-Ltd.json" in names
    assert "Huzhou-Xinmiao-Children's-Wear-Co.,-Ltd-2.json" in names
    assert "苏州恒锐精密机床股份有限公司.json" in names
    assert {"portfolio.csv", "portfolio.xlsx", "portfolio.jsonl"} <= set(names)
    assert all(p.resolve().parent == out.resolve() for p in out.iterdir())
    lines = (out / "portfolio.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5
    assert all(json.loads(line)["schema"] == "readiness.assessment/1" for line in lines)


def test_scoring_in_worker_processes_writes_the_same_files(
    park: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "PARALLEL_FROM", 2)  # the park is small: share it among workers anyway
    monkeypatch.setattr(batch, "CHUNK", 2)
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        result = runner.invoke(app, ["batch", str(park), "-o", str(out), "-f", "json", "--jobs", jobs], env=ENV)
        assert result.exit_code == 1 and "broken.yaml" in result.output, result.output
        outputs[jobs] = {
            p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.suffix != ".xlsx"
        }  # xlsx holds a date
    assert len(outputs["2"]) == 5 + 2 and outputs["1"] == outputs["2"]


def test_an_output_that_cannot_be_written_is_a_clear_error(park: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "苏州恒锐精密机床股份有限公司.json").mkdir(parents=True)  # a folder where a result goes
    result = runner.invoke(app, ["batch", str(park), "-o", str(out), "-f", "json"], env=ENV)
    assert result.exit_code == 1 and "cannot write the file" in result.output
    assert "Traceback" not in result.output
    lines = (out / "portfolio.jsonl").read_bytes().splitlines()  # the others, and nothing of that one
    assert len(lines) == 4 and all("苏州恒锐" not in json.loads(line)["enterprise"]["name"] for line in lines)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_workbook_that_cannot_be_written_is_listed_and_the_rest_is_written(
    park: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    monkeypatch.setattr(batch, "PARALLEL_FROM", 2)  # with two: the workbook is written on a worker
    out = tmp_path / "out"
    (out / "portfolio.xlsx").mkdir(parents=True)
    result = runner.invoke(app, ["batch", str(park), "-o", str(out), "-f", "json", "--jobs", jobs], env=ENV)
    assert result.exit_code == 1 and "portfolio.xlsx" in result.output and "it is a folder" in result.output
    assert "Traceback" not in result.output
    assert len((out / "portfolio.csv").read_text(encoding="utf-8-sig").splitlines()) == 1 + 5


def test_anonymised_portfolio_files(park: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner.invoke(app, ["batch", str(park), "-o", str(out), "-f", "json", "--anonymise", "--lang", "zh"], env=ENV)
    rows = list(csv.reader(io.StringIO((out / "portfolio.csv").read_text(encoding="utf-8-sig"))))
    names = {row[0] for row in rows[1:]}
    key = (out / ".anonymise-key").read_bytes().strip()  # the codes are keyed by the run's secret
    assert enterprise_code("苏州恒锐精密机床股份有限公司", key) in names
    assert not any("苏州" in name or "Huzhou" in name for name in names)
    jsonl = (out / "portfolio.jsonl").read_text(encoding="utf-8")
    assert "苏州恒锐" not in jsonl and "Huzhou" not in jsonl


def test_portfolio_figures_by_hand(content: Content) -> None:
    assessed = [
        (n, run_assessment(content, load_answers(example_answers(n), content)))
        for n in ("small_plant", "small_plant", "mature_finetune")
    ]
    portfolio = build_portfolio(content, [portfolio_entry(n, a) for n, a in assessed], "en")
    small, mature = assessed[0][1], assessed[2][1]
    assert portfolio.count == 3
    assert sum(portfolio.overall_levels) == 3
    assert portfolio.overall_levels[small.overall.level - 1] >= 2
    assert portfolio.average_overall == round((2 * small.overall.score + mature.overall.score) / 3, 1)
    strategies = {t.id: t.count for t in portfolio.model_strategies}
    assert strategies == {"prompt_engineering": 2, "fine_tuning": 1}
    actions = {t.id: t.count for t in portfolio.common_actions}
    for action_id, count in actions.items():
        expected = sum(1 for _, a in assessed if any(item.id == action_id for item in a.roadmap))
        assert count == expected
    textile = next(row for row in portfolio.by_industry if row.id == "textile")
    assert textile.count == 2 and textile.average_overall == small.overall.score
    demand = {s.id: s for s in portfolio.scenarios}
    for s in demand.values():
        assert s.relevant == s.ready_now + s.after_roadmap + s.not_yet


def test_csv_and_xlsx_read_back_with_chinese(content: Content) -> None:
    assessed = [(n, run_assessment(content, load_answers(example_answers(n), content))) for n in bundled_examples()]
    portfolio, members = summed(content, [portfolio_entry(n, a) for n, a in assessed], "zh")
    rows = list(csv.reader(io.StringIO(render_csv(members).lstrip("\ufeff"))))
    assert rows[0][:3] == ["name", "source", "industry"] and len(rows) == len(assessed) + 1
    by_name = {row[0]: row for row in rows[1:]}
    example = by_name["苏州恒锐精密机床股份有限公司"]
    assert (
        float(example[rows[0].index("overall_score")]) == next(a for n, a in assessed if n == "example").overall.score
    )
    book = load_workbook(io.BytesIO(render_xlsx(portfolio, content, members)))
    sheet = book.active
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref
    header = [c.value for c in sheet[1]]
    assert header[0] == "企业名称" and "诊断得分" in [c.value for c in book["各步骤得分"][1]]
    values = [c.value for c in sheet[2]] + [c.value for row in sheet.iter_rows(min_row=3) for c in row]
    assert "苏州恒锐精密机床股份有限公司" in values and "工业母机（机床）" in values


def test_xlsx_keeps_a_name_that_looks_like_a_formula_as_text(content: Content) -> None:
    answers = load_answers(example_answers("small_plant"), content)
    entry = portfolio_entry("evil.yaml", run_assessment(content, answers))
    entry = dataclasses.replace(entry, name='=HYPERLINK("http://example.com","click")')
    portfolio, members = summed(content, [entry], "en")
    sheet = load_workbook(io.BytesIO(render_xlsx(portfolio, content, members))).active
    assert sheet["A2"].value == '=HYPERLINK("http://example.com","click")' and sheet["A2"].data_type == "s"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_portfolio_html_in_both_languages(content: Content, lang: str) -> None:
    from readiness.report.documents import render_portfolio

    assessed = [(n, run_assessment(content, load_answers(example_answers(n), content))) for n in bundled_examples()]
    portfolio = build_portfolio(content, [portfolio_entry(n, a) for n, a in assessed], lang)
    html = render_portfolio(portfolio, content, "html").data.decode("utf-8")
    heading = "Enterprises and their levels" if lang == "en" else "企业清单与各步骤等级"
    assert heading in html and html.count('class="lv lv') >= 6 * len(assessed)
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in html


@pytest.mark.slow
def test_batch_html_reports_in_worker_processes(park: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(park), "-o", str(out), "-f", "html", "--jobs", "2"], env=ENV)
    assert result.exit_code == 1  # broken.yaml
    html = out / "苏州恒锐精密机床股份有限公司.html"
    assert '<html lang="zh-CN">' in html.read_text(encoding="utf-8")
    assert (out / "portfolio.pdf").read_bytes().startswith(b"%PDF")
    assert "Enterprises and their levels" in (out / "portfolio.html").read_text(encoding="utf-8")


def test_incomplete_answers_get_a_report_marked_draft_in_a_batch(tmp_path: Path, content: Content) -> None:
    folder = tmp_path / "park"
    folder.mkdir()
    whole = load_answers(example_answers("small_plant"), content).model_dump(mode="json")
    write_answers(folder / "whole.yaml", whole)
    started = {**whole, "enterprise": {**whole["enterprise"], "name": "Half Done Ltd"}}
    started["answers"] = dict(list(whole["answers"].items())[:5])  # a visit cut short
    write_answers(folder / "started.yaml", started)
    out = tmp_path / "out"
    done = runner.invoke(app, ["batch", str(folder), "-o", str(out), "-f", "html"], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    marked = {path.stem: 'class="draft-mark"' in path.read_text(encoding="utf-8") for path in out.glob("*.html")}
    assert marked.pop("portfolio") is False
    assert marked == {"Half-Done-Ltd": True, safe_stem(str(whole["enterprise"]["name"]), set()): False}
