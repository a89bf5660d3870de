"""Answers as an Excel workbook: written to fill in, read back exactly, converted to YAML and back."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.styles
import pytest
import yaml
from openpyxl.utils import range_boundaries
from typer.testing import CliRunner

from readiness import workbook
from readiness.cli import app
from readiness.errors import AnswersError
from readiness.loader import load_answers
from readiness.model import NOT_APPLICABLE, UNKNOWN, Answers, Content, Question
from readiness.resources import example_answers

runner = CliRunner()
ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", "LANG": "en_US.UTF-8"}


# --- helpers ------------------------------------------------------------------------------------


def every_kind_of_answer(content: Content) -> dict[str, Any]:
    """An answers file that answers every question, with every kind of answer the file can hold."""
    answers: dict[str, Any] = {}
    enterprise: dict[str, Any] = {}
    notes: dict[str, str] = {}
    seen_unknown = seen_na = 0
    for number, (qid, question) in enumerate(content.questionnaire.question_index().items()):
        value = _value(question, number)
        if question.allow_not_applicable and seen_na < 3 and number % 2:
            value, seen_na = NOT_APPLICABLE, seen_na + 1
        elif question.allow_unknown and question.type != "text" and seen_unknown < 6 and number % 7 == 3:
            value, seen_unknown = UNKNOWN, seen_unknown + 1
        if qid.startswith("profile."):
            enterprise[qid.split(".", 1)[1]] = value
        else:
            answers[qid] = value
        if number % 9 == 0:
            notes[qid] = f"依据：第{number}号现场记录；“原话”照录"
    assert seen_unknown and seen_na
    return {
        "questionnaire": content.questionnaire.id,
        "questionnaire_version": content.questionnaire.version,
        "language": "zh-CN",
        "assessment": {
            "date": "2026-03-15",
            "assessor": "张工",
            "engagement": "2026年园区智改数转诊断",
            "enterprise_id": "0091310000MA1FL8XQ30",  # digits first: must stay text
            "park": "苏州工业园区",
            "contact": "王经理 138-0000-0000",
        },
        "enterprise": enterprise,
        "respondents": [{"name": "李伟", "role": "厂长"}, {"name": "王芳", "role": ""}],
        "answers": answers,
        "notes": notes,
        "disagreements": [
            {"question": "data.data_owner", "kept": "none", "answers": {"李伟": "none", "王芳": "cdo"}},
            {"question": "diagnosis.it_staff", "kept": 2, "answers": {"李伟": 2, "王芳": UNKNOWN}},
        ],
    }


def _value(question: Question, number: int) -> Any:
    if question.type == "single":
        return question.options[number % len(question.options)].id
    if question.type == "multi":
        plain = [o.id for o in question.options if not o.exclusive]
        return [] if number % 5 == 0 else plain[:2] if number % 2 else plain[-3:]
    if question.type in ("number", "percent"):
        low, high = question.lower_bound or 0, question.upper_bound
        return 12.5 if high is None or high >= 12.5 else low
    if question.type == "yes_no":
        return number % 2 == 0
    return f"苏州示例{number}号（含“引号”、=等号与 trailing）"


def write_answers_file(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def blank_workbook(tmp_path: Path, lang: str = "zh") -> Path:
    target = tmp_path / "answers.xlsx"
    result = runner.invoke(app, ["init", "--format", "xlsx", "-o", str(target), "--lang", lang], env=ENV)
    assert result.exit_code == 0, result.output
    return target


def rows_by_id(book: Any) -> dict[str, tuple[Any, int]]:
    """Question id -> (its sheet, its row), from the hidden id column."""
    found = {}
    for ws in book.worksheets:
        if ws.sheet_state == "visible":
            for row in range(1, ws.max_row + 1):
                qid = ws.cell(row, 1).value
                if isinstance(qid, str) and "." in qid:
                    found[qid] = (ws, row)
    return found


def fill(path: Path, values: dict[str, Any], target: Path | None = None) -> Path:
    """Write answers into the Answer column as a person would, and save."""
    book = openpyxl.load_workbook(path)
    where = rows_by_id(book)
    for qid, value in values.items():
        ws, row = where[qid]
        ws.cell(row, 4).value = value
    target = target or path
    book.save(target)
    return target


def drop_down(book: Any, ws: Any, row: int) -> list[str] | None:
    """The labels a cell's drop-down offers, read from the hidden options sheet."""
    for dv in ws.data_validations.dataValidation:
        if any(r.coord == f"D{row}" for r in dv.sqref.ranges) and dv.type == "list":
            sheet, ref = dv.formula1.split("!")
            c1, r1, _, r2 = range_boundaries(ref.replace("$", ""))
            options = book[sheet.strip("'")]
            return [options.cell(r, c1).value for r in range(r1, r2 + 1)]
    return None


def validation(ws: Any, row: int) -> Any:
    return next(
        (dv for dv in ws.data_validations.dataValidation if any(r.coord == f"D{row}" for r in dv.sqref.ranges)), None
    )


def problems(path: Path, content: Content) -> str:
    with pytest.raises(AnswersError) as caught:
        load_answers(path, content)
    return str(caught.value)


# --- the workbook to fill in ----------------------------------------------------------------------


def test_the_blank_workbook_puts_the_record_and_profile_first_then_a_sheet_per_step(
    tmp_path: Path, content: Content
) -> None:
    book = openpyxl.load_workbook(blank_workbook(tmp_path))
    visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    assert visible[:2] == ["企业信息", "答卷人"]
    assert {"第1步 诊断", "第3步 数据", "第6步 安全", "行业专项"} <= set(visible)
    assert book.active.title == "企业信息"
    assert book.properties.title and "答卷工作簿" in book.properties.title
    profile = book["企业信息"]
    first_ids = [profile.cell(r, 1).value for r in range(4, 16) if profile.cell(r, 1).value]
    assert first_ids[:6] == [f"assessment.{f}" for f in workbook.RECORD_FIELDS]
    assert first_ids[6] == "profile.name"
    where = rows_by_id(book)
    asked = set(content.questionnaire.question_index())
    assert asked <= set(where), "every question has its row"
    for ws in (book[name] for name in visible):
        assert ws.freeze_panes in ("D4", "A4")
    assert profile.column_dimensions["A"].hidden
    assert profile.column_dimensions["B"].width >= 30
    assert profile["D3"].value == "回答" and profile["F3"].value == "备注"
    assert profile["B5"].font.name == "Microsoft YaHei" and profile["B5"].alignment.wrap_text
    assert "每行填写一个选项" in profile["B2"].value and "不清楚" in profile["B2"].value


def test_every_choice_has_a_drop_down_of_chinese_labels_and_numbers_are_checked_against_their_range(
    tmp_path: Path, content: Content
) -> None:
    book = openpyxl.load_workbook(blank_workbook(tmp_path))
    where = rows_by_id(book)
    for qid, question in content.questionnaire.question_index().items():
        ws, row = where[qid]
        assert ws.cell(row, 2).value == question.text.zh and ws.cell(row, 3).value == question.help.zh
        offered = drop_down(book, ws, row)
        if question.type == "single":
            assert offered is not None, qid
            assert offered[: len(question.options)] == [o.label.zh for o in question.options]
            assert ("不清楚" in offered) == question.allow_unknown, qid
            assert ("不适用" in offered) == question.allow_not_applicable, qid
        elif question.type == "yes_no":
            assert offered is not None and offered[:2] == ["是", "否"]
        elif question.type in ("number", "percent"):
            rule = validation(ws, row)
            assert rule.type == "custom" and f"D{row}>={question.lower_bound:g}" in rule.formula1
            if question.upper_bound is not None:
                assert f"D{row}<={question.upper_bound:g}" in rule.formula1
            assert ('"不清楚"' in rule.formula1) == question.allow_unknown
        elif question.type == "multi":
            how = ws.cell(row, 5).value
            assert all(f"· {o.label.zh}" in how for o in question.options) and "每行填写一项" in how
    scenario = content.questionnaire.scenario_question
    assert scenario is not None
    ws, row = where[scenario]
    assert len(drop_down(book, ws, row) or []) > 80  # longer than Excel's 255-character inline list


def test_an_english_workbook_speaks_english(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(blank_workbook(tmp_path, "en"))
    assert book.worksheets[0].title == "Enterprise"
    where = rows_by_id(book)
    ws, row = where["data.data_owner"]
    offered = drop_down(book, ws, row) or []
    assert "Don't know" in offered and not any("不" in label for label in offered)


def test_a_blank_workbook_reads_as_a_blank_answers_file(tmp_path: Path, content: Content) -> None:
    answers = load_answers(blank_workbook(tmp_path), content)
    assert answers.answers == {} and answers.enterprise == {} and answers.lang == "zh"
    assert answers.assessment.date == datetime.date.today()


# --- filled in by a person --------------------------------------------------------------------------


def test_a_workbook_filled_with_the_drop_down_labels_reads_as_answers(tmp_path: Path, content: Content) -> None:
    path = fill(
        blank_workbook(tmp_path),
        {
            "assessment.assessor": "张工",
            "profile.name": "苏州示例精密机械有限公司",
            "profile.industry": "工业母机（机床）",
            "profile.size": " 中型：300-999人 ",  # spaces around a label, as pasting leaves them
            "profile.little_giant": "是",
            "data.data_owner": "不清楚",
            "diagnosis.it_staff": "3",  # a number stored as text
            "diagnosis.mes_coverage": "约35%",
            # Two options whose labels hold the separator themselves, one per line and with 、
            "diagnosis.core_systems": "ERP：订单、采购、库存、成本、MES：工单下达、车间报工、生产跟踪",
        },
    )
    book = openpyxl.load_workbook(path)
    ws, row = rows_by_id(book)["data.data_owner"]
    ws.cell(row, 6).value = "依据：访谈记录"
    book.save(path)
    answers = load_answers(path, content)
    assert answers.assessment.assessor == "张工"
    assert answers.enterprise["industry"] == "machine_tools" and answers.enterprise["size"] == "medium"
    assert answers.enterprise["little_giant"] is True
    assert answers.answers["data.data_owner"] == UNKNOWN
    assert answers.answers["diagnosis.it_staff"] == 3 and answers.answers["diagnosis.mes_coverage"] == 35
    systems = content.questionnaire.question_index()["diagnosis.core_systems"]
    chosen = answers.answers["diagnosis.core_systems"]
    assert isinstance(chosen, list) and len(chosen) == 2 and set(chosen) <= set(systems.option_ids)
    assert answers.notes == {"data.data_owner": "依据：访谈记录"}


def test_excel_quirks_are_read_as_meant(tmp_path: Path, content: Content) -> None:
    """Rows moved and blank rows inserted, a percent typed as 35% (stored 0.35), English labels, ids."""
    path = blank_workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    ws, row = rows_by_id(book)["diagnosis.mes_coverage"]
    ws.cell(row, 4).value = 0.35
    ws.cell(row, 4).number_format = "0%"
    ws.insert_rows(6, 3)  # empty rows in the middle of a sheet
    book.save(path)
    english = "a named manager owns data standards and quality,  with a written remit"  # case and spaces differ
    fill(path, {"data.data_owner": english, "profile.size": "medium", "profile.high_tech": "  否  "})
    answers = load_answers(path, content)
    assert answers.answers["diagnosis.mes_coverage"] == 35
    assert answers.enterprise["size"] == "medium" and answers.enterprise["high_tech"] is False
    owner = content.questionnaire.question_index()["data.data_owner"]
    assert answers.answers["data.data_owner"] == owner.options[2].id


def test_a_wrong_label_names_the_sheet_the_cell_and_the_question_in_chinese(tmp_path: Path, content: Content) -> None:
    path = fill(blank_workbook(tmp_path), {"data.data_owner": "老板", "diagnosis.it_staff": "很多"})
    book = openpyxl.load_workbook(path)
    where = rows_by_id(book)
    owner_row, staff_row = where["data.data_owner"][1], where["diagnosis.it_staff"][1]
    result = runner.invoke(app, ["validate", str(path)], env=ENV)
    said = result.output
    assert result.exit_code == 1 and "答卷中有2个问题" in said and "Traceback" not in said
    assert f"工作表“第3步 数据”，单元格D{owner_row}" in said
    assert "data.data_owner（数据负责人）：“老板”不是可选项；可选：" in said
    assert f"工作表“第1步 诊断”，单元格D{staff_row}" in said and "（专职IT与数据人员）：应填写数字" in said


def test_an_english_workbook_is_told_in_english(tmp_path: Path, content: Content) -> None:
    path = fill(blank_workbook(tmp_path, "en"), {"data.data_owner": "the boss"})
    said = problems(path, content)
    assert "sheet 'Step 3 Data', cell D" in said and "'the boss' is not one of the options" in said


def test_a_date_that_is_no_date_is_named(tmp_path: Path, content: Content) -> None:
    path = fill(blank_workbook(tmp_path), {"assessment.date": "下周二"})
    assert "工作表“企业信息”，单元格D5: 作答日期：“下周二”不是日期" in problems(path, content)
    fill(path, {"assessment.date": "2026年3月5日"})
    assert load_answers(path, content).assessment.date == datetime.date(2026, 3, 5)


def test_a_number_out_of_range_is_located(tmp_path: Path, content: Content) -> None:
    path = fill(blank_workbook(tmp_path), {"diagnosis.mes_coverage": 120})
    assert "工作表“第1步 诊断”，单元格D" in problems(path, content) and "大于最大值100" in problems(path, content)


def test_a_formula_is_refused_naming_its_cell_and_never_evaluated(tmp_path: Path, content: Content) -> None:
    path = fill(blank_workbook(tmp_path), {"diagnosis.it_staff": "=1+2"})
    row = rows_by_id(openpyxl.load_workbook(path))["diagnosis.it_staff"][1]
    said = problems(path, content)
    assert f"单元格D{row}" in said and "含有公式（=1+2）" in said


def test_a_renamed_or_missing_sheet_is_a_clear_error(tmp_path: Path, content: Content) -> None:
    path = blank_workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    book["第3步 数据"].title = "数据"
    book.save(path)
    said = problems(path, content)
    assert "缺少工作表“第3步 数据”" in said and "数据" in said and "请改回原名" in said
    del book["数据"]
    book.save(path)
    assert "缺少工作表“第3步 数据”" in problems(path, content)


def test_a_repeated_row_and_an_answer_without_a_question_are_named(tmp_path: Path, content: Content) -> None:
    path = blank_workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    ws, row = rows_by_id(book)["data.data_owner"]
    ws.cell(row, 4).value = "不清楚"
    ws.cell(ws.max_row + 1, 1).value = "data.data_owner"
    ws.cell(ws.max_row + 2, 4).value = "一个孤立的答案"
    book.save(path)
    said = problems(path, content)
    assert "题目data.data_owner出现了两行" in said and "该行没有对应的题目" in said


def test_other_workbooks_and_broken_files_are_refused_clearly(tmp_path: Path, content: Content) -> None:
    other = tmp_path / "other.xlsx"
    plain = openpyxl.Workbook()
    plain.active["A1"] = "名称"
    plain.save(other)
    assert "not an answers workbook" in problems(other, content)
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(example_answers("small_plant").read_bytes())
    assert "not an Excel workbook (.xlsx)" in problems(renamed, content)
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(blank_workbook(tmp_path).read_bytes()[:3000])
    assert "not an Excel workbook" in problems(truncated, content) or "cannot be read" in problems(truncated, content)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path, content: Content) -> None:
    bomb = tmp_path / "bomb.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (workbook.MAX_UNPACKED_BYTES + 1))
    bomb.write_bytes(buffer.getvalue())
    assert bomb.stat().st_size < 100_000
    assert "unpacks to" in problems(bomb, content)


def test_size_rows_and_cells_are_capped(tmp_path: Path, content: Content, monkeypatch: pytest.MonkeyPatch) -> None:
    path = fill(blank_workbook(tmp_path), {"data.data_owner": "不清楚"})
    monkeypatch.setattr(workbook, "MAX_WORKBOOK_BYTES", 1000)
    assert "larger than the limit" in problems(path, content) or "the limit is 1,000" in problems(path, content)
    monkeypatch.undo()
    monkeypatch.setattr(workbook, "MAX_ROWS", 20)
    assert "超过20行" in problems(path, content)
    monkeypatch.setattr(workbook, "MAX_ROWS", 200)
    book = openpyxl.load_workbook(path)
    book["答卷人"].cell(900, 1).fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")  # formatted, empty
    book.save(path)
    assert load_answers(path, content).answers["data.data_owner"] == "unknown"
    book["答卷人"].cell(300, 1).value = "张三"
    book.save(path)
    assert "工作表“答卷人”超过200行" in problems(path, content)
    monkeypatch.undo()
    monkeypatch.setattr(workbook, "MAX_CELLS", 100)
    assert "超过100个" in problems(path, content)


# --- round trips ---------------------------------------------------------------------------------------


def test_yaml_to_workbook_to_yaml_keeps_everything(tmp_path: Path, content: Content) -> None:
    data = every_kind_of_answer(content)
    source = write_answers_file(tmp_path / "every.yaml", data)
    original = load_answers(source, content)
    kinds = {content.questionnaire.question_index()[q].type for q in original.answers}
    kinds |= {content.questionnaire.question_index()[f"profile.{k}"].type for k in original.enterprise}
    assert kinds == {"single", "multi", "number", "percent", "yes_no", "text"}
    book, back = tmp_path / "every.xlsx", tmp_path / "back.yaml"
    for args in (["convert", str(source), str(book)], ["convert", str(book), str(back)]):
        result = runner.invoke(app, args, env=ENV)
        assert result.exit_code == 0, result.output
    from_book = load_answers(book, content)
    again = load_answers(back, content)
    assert from_book == original
    assert again == original
    assert again.disagreements == original.disagreements and again.respondents == original.respondents
    assert again.assessment.enterprise_id == "0091310000MA1FL8XQ30"
    assert yaml.safe_load(back.read_text(encoding="utf-8"))["language"] == "zh-CN"


@pytest.mark.parametrize("name", ["example", "small_plant", "multisite_hybrid"])
def test_the_examples_go_through_a_workbook_unchanged(tmp_path: Path, content: Content, name: str) -> None:
    original = load_answers(example_answers(name), content)
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(workbook.write_workbook(content, original.lang, original))
    assert load_answers(path, content) == original


def test_convert_refuses_to_overwrite_and_needs_one_of_each_kind(tmp_path: Path) -> None:
    source = tmp_path / "a.yaml"
    source.write_bytes(example_answers("small_plant").read_bytes())
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"keep me")
    result = runner.invoke(app, ["convert", str(source), str(target)], env=ENV)
    assert result.exit_code == 1 and "exists" in result.output and target.read_bytes() == b"keep me"
    assert runner.invoke(app, ["convert", str(source), str(target), "--force"], env=ENV).exit_code == 0
    assert target.read_bytes().startswith(b"PK")
    for pair in ((source, tmp_path / "b.yaml"), (target, tmp_path / "b.xlsx"), (source, tmp_path / "b.json")):
        result = runner.invoke(app, ["convert", *map(str, pair)], env=ENV)
        assert result.exit_code == 1 and "give one of each" in result.output, result.output
    assert "Traceback" not in result.output


def test_init_picks_the_format_from_the_extension_and_refuses_a_clash(tmp_path: Path) -> None:
    target = tmp_path / "a.xlsx"
    assert runner.invoke(app, ["init", "-o", str(target)], env=ENV).exit_code == 0
    assert target.read_bytes().startswith(b"PK")
    assert runner.invoke(app, ["init", "-o", str(target)], env=ENV).exit_code == 1  # exists: not overwritten
    result = runner.invoke(app, ["init", "--format", "xlsx", "-o", str(tmp_path / "a.yaml")], env=ENV)
    assert result.exit_code == 1 and "must end in .xlsx" in result.output


# --- every command takes a workbook ------------------------------------------------------------------


def test_validate_score_merge_and_batch_take_a_workbook(tmp_path: Path, content: Content) -> None:
    original = load_answers(example_answers("small_plant"), content)
    book = tmp_path / "plant.xlsx"
    book.write_bytes(workbook.write_workbook(content, "zh", original))
    assert runner.invoke(app, ["validate", str(book)], env=ENV).exit_code == 0
    result = runner.invoke(app, ["score", str(book), "-f", "json"], env=ENV)
    assert result.exit_code == 0 and '"overall"' in result.output
    other = tmp_path / "other.yaml"
    other.write_bytes(example_answers("small_plant").read_bytes())
    merged = tmp_path / "merged.yaml"
    result = runner.invoke(app, ["merge", str(book), str(other), "-o", str(merged)], env=ENV)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "park"
    folder.mkdir()
    (folder / "a.xlsx").write_bytes(book.read_bytes())
    (folder / "b.yaml").write_bytes(example_answers("example").read_bytes())
    (folder / "~$a.xlsx").write_bytes(b"Excel's lock file")
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(folder), "-o", str(out), "-f", "json"], env=ENV)
    assert result.exit_code == 0, result.output
    assert len((out / "portfolio.jsonl").read_text(encoding="utf-8").splitlines()) == 2


@pytest.mark.slow
def test_a_filled_workbook_makes_a_report(tmp_path: Path, content: Content) -> None:
    original = load_answers(example_answers("example"), content)
    book = tmp_path / "filled.xlsx"
    book.write_bytes(workbook.write_workbook(content, "zh", original))
    result = runner.invoke(app, ["report", str(book), "-o", str(tmp_path / "r.pdf")], env=ENV)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")


def test_answers_written_to_a_workbook_are_the_answers(content: Content) -> None:
    question = content.questionnaire.question_index()["data.data_owner"]
    assert workbook.answer_words(question, UNKNOWN, "zh") == "不清楚"
    assert workbook.answer_words(question, question.options[0].id, "zh") == question.options[0].label.zh
    multi = content.questionnaire.question_index()["profile.secondary_industries"]
    assert workbook.answer_words(multi, [], "zh") == "无"
    assert isinstance(Answers, type)


def test_the_interview_does_not_write_into_a_workbook(tmp_path: Path) -> None:
    path = blank_workbook(tmp_path)
    before = path.read_bytes()
    result = runner.invoke(app, ["assess", "--answers", str(path)], env=ENV, input="\n")
    assert result.exit_code == 1 and "readiness convert" in result.output and "Traceback" not in result.output
    assert path.read_bytes() == before


def test_merge_writes_a_workbook_when_asked_for_one(tmp_path: Path, content: Content) -> None:
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    data = yaml.safe_load(example_answers("small_plant").read_text(encoding="utf-8"))
    write_answers_file(one, {**data, "respondents": [{"name": "李伟", "role": "厂长"}]})
    changed = {**data["answers"], "data.data_owner": "cdo"}
    write_answers_file(two, {**data, "respondents": [{"name": "王芳", "role": ""}], "answers": changed})
    merged = tmp_path / "merged.xlsx"
    result = runner.invoke(app, ["merge", str(one), str(two), "-o", str(merged)], env=ENV)
    assert result.exit_code == 0, result.output
    answers = load_answers(merged, content)
    assert [d.question for d in answers.disagreements] == ["data.data_owner"]
    assert [r.name for r in answers.respondents] == ["李伟", "王芳"]
    book = openpyxl.load_workbook(merged)
    assert "意见分歧" in book.sheetnames or "Disagreements" in book.sheetnames
