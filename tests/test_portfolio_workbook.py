"""portfolio.xlsx for analysts: a sheet per view, labelled in the chosen language, filters and frozen headers."""

from __future__ import annotations

import dataclasses
import datetime
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from readiness.assess import run_assessment
from readiness.cli import app
from readiness.loader import load_answers
from readiness.model import Content
from readiness.portfolio import portfolio_entry, summed
from readiness.report.tables import render_xlsx
from readiness.resources import bundled_examples, example_answers

runner = CliRunner()
ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", "LANG": "en_US.UTF-8"}
RAW_IDS = {"prompt_engineering", "fine_tuning", "cloud_edge", "machine_tools", "large", "medium", "small", "textile"}


def visited(tmp_path: Path) -> Path:
    """The small plant as a park team records it: when, where, by whom, and two respondents who differed."""
    data = yaml.safe_load(example_answers("small_plant").read_text(encoding="utf-8"))
    data["assessment"] = {"date": "2026-03-15", "assessor": "张工", "park": "湖州南浔经济开发区"}
    data["respondents"] = [{"name": "李伟", "role": "厂长"}, {"name": "王芳", "role": "信息化负责人"}]
    data["disagreements"] = [
        {"question": "data.data_owner", "kept": "none", "answers": {"李伟": "none", "王芳": "named_owner"}}
    ]
    path = tmp_path / "visited.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def portfolio_book(content: Content, tmp_path: Path, lang: str) -> Any:
    paths = [example_answers(n) for n in bundled_examples()] + [visited(tmp_path)]
    entries = []
    for path in paths:
        answers = load_answers(path, content)
        entries.append(portfolio_entry(path.name, run_assessment(content, answers), answers))
    portfolio, members = summed(content, entries, lang)
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(portfolio, content, members)))


def rows(sheet: Any) -> list[dict[str, Any]]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_a_sheet_per_view_each_with_a_frozen_header_and_a_filter(content: Content, tmp_path: Path) -> None:
    book = portfolio_book(content, tmp_path, "zh")
    assert book.sheetnames == [
        "企业",
        "各步骤得分",
        "常见短板",
        "常见行动",
        "场景需求",
        "意见分歧",
        "按行业平均",
        "按规模平均",
    ]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "B2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert sheet["A1"].font.bold and sheet.column_dimensions["A"].width > 8
    assert book.properties.title == "6家企业“人工智能+制造”就绪度评估汇总"
    # The workbook's author: every assessor of the portfolio (the bundled example names one too).
    assert book.properties.creator.split("；")[-1] == "张工" and book.properties.creator.count("；") == 1


def test_values_are_labelled_in_chinese_never_raw_ids(content: Content, tmp_path: Path) -> None:
    book = portfolio_book(content, tmp_path, "zh")
    cells = {str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c}
    assert not cells & RAW_IDS
    enterprises = {row["企业名称"]: row for row in rows(book["企业"])}
    plant = next(row for row in enterprises.values() if row["文件"] == "visited.yaml")
    assert plant["行业"] == "纺织服装" and plant["规模"].startswith("小型")
    assert plant["所在园区或区县"] == "湖州南浔经济开发区" and plant["评估人员"] == "张工"
    assert plant["作答日期"] == datetime.datetime(2026, 3, 15) and plant["意见分歧数"] == 1
    assert plant["总体等级"].startswith("第") and "级（" in plant["总体等级"]
    assert plant["模型路线"] == "提示词工程+检索增强生成（RAG）"
    sheet = book["企业"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("作答完整度") + 1).number_format == "0%"
    assert sheet.cell(2, header.index("总体得分") + 1).number_format == "0.0"


def test_gaps_actions_scenarios_and_disagreements_are_in_words(content: Content, tmp_path: Path) -> None:
    book = portfolio_book(content, tmp_path, "zh")
    gaps = rows(book["常见短板"])
    assert gaps and all(0 < row["占比"] <= 1 and "." not in row["题目"] for row in gaps)
    assert book["常见短板"]["D2"].number_format == "0%"
    assert rows(book["常见行动"])[0]["企业数"] >= 1
    demand = rows(book["场景需求"])
    assert demand and all(
        row["相关企业数"] == row["现可开展"] + row["完成路线图后可开展"] + row["暂不具备条件"] for row in demand
    )
    assert {row["行业专用"] for row in demand} <= {"是", "否"}
    [differed] = rows(book["意见分歧"])
    assert differed["题目"] == "数据负责人"
    assert differed["采用的答案"].startswith("没有专人负责")
    assert (
        differed["各答卷人的回答"].startswith("李伟：没有专人负责")
        and "王芳：有明确的数据负责人" in differed["各答卷人的回答"]
    )


def test_averages_by_industry_and_by_size_cover_every_enterprise(content: Content, tmp_path: Path) -> None:
    book = portfolio_book(content, tmp_path, "zh")
    by_industry, by_size = rows(book["按行业平均"]), rows(book["按规模平均"])
    assert sum(row["企业数"] for row in by_industry) == 6 == sum(row["企业数"] for row in by_size)
    sizes = [row["规模"] for row in by_size]
    order = [o.label.zh for o in content.questionnaire.question_index()["profile.size"].options]
    assert sizes == [label for label in order if label in sizes]
    enterprises = rows(book["企业"])
    small = [row["总体得分"] for row in enterprises if row["规模"] == sizes[0]]
    assert by_size[0]["平均总体得分"] == pytest.approx(sum(small) / len(small), abs=0.06)


def test_sizes_not_given_are_one_group_in_the_portfolio_and_its_workbook(content: Content) -> None:
    entries = []
    for name, size in (("example", "medium"), ("small_plant", ""), ("edge_inspection", "unknown")):
        answers = load_answers(example_answers(name), content)
        entry = portfolio_entry(name, run_assessment(content, answers), answers)
        entries.append(dataclasses.replace(entry, size=size))
    for lang, not_given in (("zh", "未填写"), ("en", "Not given")):
        portfolio, members = summed(content, entries, lang)
        assert [(row.label, row.count) for row in portfolio.by_size][-1] == (not_given, 2)
        assert [row.id for row in portfolio.by_size] == ["medium", ""]
        book = openpyxl.load_workbook(io.BytesIO(render_xlsx(portfolio, content, members)))
        sheet = book.worksheets[-1]
        written = list(sheet.iter_rows(min_row=2, values_only=True))
        assert [row[:2] for row in written] == [(r.label, r.count) for r in portfolio.by_size]


def test_an_english_portfolio_workbook_speaks_english(content: Content, tmp_path: Path) -> None:
    book = portfolio_book(content, tmp_path, "en")
    assert book.sheetnames[0] == "Enterprises" and book.sheetnames[-1] == "By size"
    header = [c.value for c in book["Enterprises"][1]]
    assert {"Park or district", "Assessed on", "Assessor"} <= set(header)
    cells = [
        c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)
    ]
    # What the enterprises wrote (names, parks, assessors) stays as written; the tool's words are English.
    enterprises = rows(book["Enterprises"])
    written = {"张工", "李伟", "王芳"} | {v for m in enterprises for v in m.values() if isinstance(v, str)}
    written -= {m["Size"] for m in enterprises} | {m["Industry"] for m in enterprises}
    assert not any("级" in c or "企业" in c for c in cells if c not in written and "：" not in c)


def test_batch_writes_the_analysts_workbook_from_yaml_and_workbook_answers(content: Content, tmp_path: Path) -> None:
    from readiness.workbook import write_workbook

    folder = tmp_path / "park"
    folder.mkdir()
    answers = load_answers(visited(tmp_path), content)
    (folder / "visited.xlsx").write_bytes(write_workbook(content, "zh", answers))
    (folder / "example.yaml").write_bytes(example_answers("example").read_bytes())
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(folder), "-o", str(out), "-f", "json", "--lang", "zh"], env=ENV)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out / "portfolio.xlsx")
    plant = next(row for row in rows(book["企业"]) if row["文件"] == "visited.xlsx")
    assert plant["所在园区或区县"] == "湖州南浔经济开发区" and plant["评估人员"] == "张工"
    assert len(rows(book["意见分歧"])) == 1
