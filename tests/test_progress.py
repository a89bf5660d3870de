"""Progress over time: `compare` of dated assessments of one enterprise, and `assess --from`."""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from readiness.assess import run_assessment
from readiness.cli import app
from readiness.cli.assess_command import reassessment_path
from readiness.compare import Snapshot, compare, mismatch
from readiness.interview import Interview
from readiness.loader import load_answers, write_answers
from readiness.model import Answers, Content

runner = CliRunner()
ENV = {"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb", "LANG": "en_US.UTF-8"}
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "progress"
LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/></svg>'


def run(*args: Any, **options: Any) -> Any:
    return runner.invoke(app, [str(a) for a in args], env=ENV, **options)


def example(year: int, content: Content) -> Answers:
    return load_answers(EXAMPLES / f"hengrui-{year}.yaml", content)


def changed(base: Answers, *, date: str | None = "keep", enterprise: dict[str, Any] | None = None,
            record: dict[str, Any] | None = None, **answers: Any) -> Answers:  # fmt: skip
    data = base.model_dump(mode="json")
    data["answers"].update(answers)
    data["enterprise"].update(enterprise or {})
    data["assessment"].update(record or {})
    if date != "keep":
        data["assessment"]["date"] = date
    return Answers.model_validate(data)


def saved(folder: Path, name: str, answers: Answers) -> Path:
    path = folder / name
    write_answers(path, answers.model_dump(mode="json", exclude_none=True))
    return path


def progress_of(content: Content, *answers: Answers) -> Any:
    return compare(content, [Snapshot(f"{i}.yaml", a, run_assessment(content, a)) for i, a in enumerate(answers)])


def flat(text: str) -> str:
    return " ".join(text.split())


# --- one enterprise, or refused -----------------------------------------------------------------


def test_two_different_enterprises_are_refused_with_both_names(tmp_path: Path, content: Content) -> None:
    ours = saved(tmp_path, "ours.yaml", example(2025, content))
    other = load_answers(Path(__file__).parent.parent / "readiness" / "examples" / "small_plant.yaml", content)
    theirs = saved(tmp_path, "theirs.yaml", other)
    result = run("compare", ours, theirs, "--lang", "en")
    assert result.exit_code == 1
    shown = flat(result.output)
    assert "theirs.yaml describes" in shown and "苏州恒锐精密机床股份有限公司" in shown and "--force" in shown
    assert "Traceback" not in result.output


def test_the_refusal_speaks_the_files_language(tmp_path: Path, content: Content) -> None:
    first = saved(tmp_path, "a.yaml", example(2025, content))
    second = saved(tmp_path, "b.yaml", changed(example(2026, content), record={"enterprise_id": "913205000000000000"}))
    result = run("compare", first, second)
    assert result.exit_code == 1
    assert "企业标识不同" in result.output and "请比较同一家企业的评估" in result.output


def test_force_compares_them_anyway_and_says_so(tmp_path: Path, content: Content) -> None:
    first = saved(tmp_path, "a.yaml", example(2025, content))
    other = changed(example(2026, content), enterprise={"name": "另一家公司"}, record={"enterprise_id": ""})
    second = saved(tmp_path, "b.yaml", other)
    result = run("compare", first, second, "--force", "-f", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    notes = json.loads(result.stdout)["notes"]
    assert any("may not describe one enterprise (different enterprise names)" in note for note in notes)


def test_one_enterprise_id_survives_a_new_name(content: Content) -> None:
    before, after = example(2025, content), changed(example(2026, content), enterprise={"name": "恒锐智能装备"})
    assert mismatch(before, after) is None  # a renamed firm keeps its registration code
    unnamed = [changed(a, record={"enterprise_id": ""}) for a in (before, after)]
    assert mismatch(*unnamed) == "name"
    assert mismatch(unnamed[0], changed(unnamed[0], enterprise={"industry": "steel"})) == "industry"
    assert mismatch(unnamed[0], changed(unnamed[0], enterprise={"name": " 苏州恒锐精密机床股份有限公司 "})) is None


# --- dates ----------------------------------------------------------------------------------------


def test_both_dates_are_shown_in_every_format(tmp_path: Path, content: Content) -> None:
    first, second = EXAMPLES / "hengrui-2025.yaml", EXAMPLES / "hengrui-2026.yaml"
    table = run("compare", first, second)
    md = run("compare", first, second, "-f", "md")
    html_file = tmp_path / "p.html"
    html = run("compare", first, second, "-o", html_file)
    assert table.exit_code == md.exit_code == html.exit_code == 0, html.output
    page = html_file.read_text(encoding="utf-8")
    for shown in (table.output, md.stdout, page):
        assert "2025-11-20" in shown and "2026-11-18" in shown


def test_a_missing_date_is_said_never_replaced_by_today(tmp_path: Path, content: Content) -> None:
    first = saved(tmp_path, "a.yaml", changed(example(2025, content), date=None))
    second = saved(tmp_path, "b.yaml", example(2026, content))
    result = run("compare", first, second, "-f", "md", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "date not recorded" in result.stdout and "No assessment date is recorded in a.yaml" in result.stdout
    assert datetime.date.today().isoformat() not in result.stdout
    zh = run("compare", first, second, "-f", "md")
    assert "未记录评估日期" in zh.stdout


def test_assessments_are_put_in_date_order_and_show_the_trend(tmp_path: Path, content: Content) -> None:
    files = [EXAMPLES / f"hengrui-{year}.yaml" for year in (2026, 2024, 2025)]  # out of order on purpose
    result = run("compare", *files, "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["date"] for s in data["snapshots"]] == ["2024-11-22", "2025-11-20", "2026-11-18"]
    assert all(len(step["scores"]) == 3 and len(step["levels"]) == 3 for step in data["steps"])
    overall = data["overall"]["scores"]
    assert overall == sorted(overall) and data["overall"]["change"] == pytest.approx(overall[-1] - overall[0], abs=0.1)
    target = tmp_path / "trend.html"
    assert run("compare", *files, "-o", target, "--lang", "en").exit_code == 0
    page = target.read_text(encoding="utf-8")
    assert "Trend over 3 assessments" in page and page.count("<polyline") == 7  # overall and six steps
    two = tmp_path / "two.html"
    assert run("compare", *files[1:], "-o", two, "--lang", "en").exit_code == 0
    assert "Trend over" not in two.read_text(encoding="utf-8")


# --- done, or no longer triggered ------------------------------------------------------------------


def test_an_improved_answer_makes_its_action_done_with_the_evidence(content: Content) -> None:
    progress = progress_of(content, example(2025, content), example(2026, content))
    done = {c.action: c for c in progress.done}
    assert done["data.appoint_cdo"].reason == "improved"
    [evidence] = done["data.appoint_cdo"].evidence
    assert (evidence.subject, evidence.before, evidence.after) == ("data.data_owner", "part_time", "named_owner")
    # "don't know" last year, a figure this year: the work may have been there all along
    dropped = {c.action: c.reason for c in progress.no_longer_triggered}
    assert dropped == {"diagnosis.ringfence_budget": "was_unknown"}


@pytest.mark.parametrize(
    ("change", "action", "reason"),
    [
        ({"data.data_owner": "unknown"}, "data.appoint_cdo", "unknown"),
        ({"infrastructure.asset_register": "not_applicable"}, "infrastructure.equipment_inventory", "not_applicable"),
        ({"compute.vouchers": None}, "compute.apply_vouchers", "unanswered"),
    ],
)
def test_an_action_gone_for_another_reason_is_not_done(
    content: Content, change: dict[str, Any], action: str, reason: str
) -> None:
    before = changed(
        example(2025, content), **{"compute.vouchers": "aware", "infrastructure.asset_register": "fixed_assets"}
    )
    kept = {k: v for k, v in {**before.answers, **change}.items() if v is not None}
    progress = progress_of(content, before, before.model_copy(update={"answers": kept}))
    assert action in {
        item.id for item in (*run_assessment(content, before).roadmap, *run_assessment(content, before).later)
    }
    assert action not in {c.action for c in progress.done}
    assert {c.action: c.reason for c in progress.no_longer_triggered}[action] == reason


def test_a_different_size_band_is_not_progress(content: Content) -> None:
    before = example(2025, content)
    after = changed(before, enterprise={"size": "micro"})
    progress = progress_of(content, before, after)
    gone = {c.action: c.reason for c in progress.no_longer_triggered}
    assert gone["diagnosis.deploy_mes"] == "profile"
    assert "diagnosis.deploy_mes" not in {c.action for c in progress.done}


def test_the_next_stage_of_the_strategy_and_what_stands_before_it(content: Content) -> None:
    progress = progress_of(content, example(2025, content), example(2026, content))
    strategy = next(d for d in progress.decisions if d.decision == "model_strategy")
    assert (strategy.before, strategy.after, strategy.target) == ("prompt_engineering",) * 2 + ("fine_tuning",)
    assert len(strategy.still_open) == 1 and len(strategy.met_since) >= 3  # only training compute is missing
    refs = {(r.decision, r.choice) for r in strategy.still_open + strategy.met_since}
    assert refs == {("model_strategy", "fine_tuning")}
    # once the strategy moves on, its pilot is done because the strategy moved, not because of an answer
    rented = changed(example(2026, content), **{"models.training_compute": "cloud_rental_or_voucher"})
    moved = progress_of(content, example(2026, content), rented)
    assert [(d.before, d.after) for d in moved.decisions if d.decision == "model_strategy"] == [
        ("prompt_engineering", "fine_tuning")
    ]
    assert {c.action: c.reason for c in moved.done}["models.vendor_model_pilot"] == "moved_on"
    assert "models.fine_tune_pilot" in {c.action for c in moved.new}
    assert {c.action: c.reason for c in moved.new}["models.fine_tune_pilot"] == "moved_on"


def test_the_report_words_the_decisions_and_the_actions(tmp_path: Path, content: Content) -> None:
    md = run("compare", EXAMPLES / "hengrui-2025.yaml", EXAMPLES / "hengrui-2026.yaml", "-f", "md", "--lang", "en")
    assert md.exit_code == 0, md.output
    text = md.stdout
    assert "What stands between the enterprise and Fine-tuning on your own data" in text
    assert "Done: the answers behind them improved (10)" in text and "No longer listed, for other reasons (1)" in text
    assert "Data owner: IT staff look after data alongside" in text  # the evidence, in words
    assert not re.search(r"\b(data|models|diagnosis|security)\.[a-z_]+\b", text)  # no question ids


# --- brand --------------------------------------------------------------------------------------


def test_the_brand_is_on_the_cover_the_running_head_and_the_colour(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_bytes(LOGO)
    brand = tmp_path / "brand.yaml"
    brand.write_text(
        'firm: Eastbridge Consulting\nlogo: logo.svg\nprimary_colour: "#0b6e4f"\ncontact: li@eastbridge.example\n',
        encoding="utf-8",
    )
    target = tmp_path / "p.html"
    files = (EXAMPLES / "hengrui-2025.yaml", EXAMPLES / "hengrui-2026.yaml")
    result = run("compare", *files, "--brand", brand, "-o", target)
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert page.count("Eastbridge Consulting") >= 3 and "li@eastbridge.example" in page
    assert page.count("data:image/svg+xml;base64,") == 2  # cover and running head
    assert "#0b6e4f" in page and "readiness" not in page.split("<body>")[1].split("</section>")[0]
    broken = tmp_path / "broken.yaml"
    broken.write_text("firm: X\nlogo: missing.png\n", encoding="utf-8")
    refused = run("compare", *files, "--brand", broken, "-o", tmp_path / "q.html")
    assert refused.exit_code == 1 and "missing.png" in refused.output and not (tmp_path / "q.html").exists()


@pytest.mark.slow
def test_the_branded_chinese_pdf(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    (tmp_path / "logo.svg").write_bytes(LOGO)
    brand = tmp_path / "brand.yaml"
    brand.write_text("firm: 东桥工业咨询\nlogo: logo.svg\n", encoding="utf-8")
    target = tmp_path / "p.pdf"
    files = [EXAMPLES / f"hengrui-{year}.yaml" for year in (2024, 2025, 2026)]
    result = run("compare", *files, "--brand", brand, "-o", target)
    assert result.exit_code == 0, result.output
    pages = pypdf.PdfReader(str(target)).pages
    text = "".join(page.extract_text() for page in pages)
    assert 5 <= len(pages) <= 12
    for shown in (
        "进展报告",
        "2024-11-22",
        "2026-11-18",
        "东桥工业咨询",
        "历次评估趋势（3次）",
        "进入“基于自有数据的模型微调”阶段还需具备",
    ):
        assert shown in text.replace("\n", ""), shown


# --- bad inputs ---------------------------------------------------------------------------------


def test_bad_inputs_get_a_clear_message_and_exit_1(tmp_path: Path) -> None:
    first = EXAMPLES / "hengrui-2025.yaml"
    missing = run("compare", first, tmp_path / "nowhere.yaml")
    assert missing.exit_code == 1 and "nowhere.yaml" in missing.output and "Traceback" not in missing.output
    twice = run("compare", first, first, "--lang", "en")
    assert twice.exit_code == 1 and "is given twice" in twice.output
    link = tmp_path / "link.yaml"
    link.symlink_to(first)
    assert run("compare", first, link).exit_code == 1  # the same file by another name
    one = run("compare", first)
    assert one.exit_code == 1
    blank = tmp_path / "blank.yaml"
    assert run("init", "-o", blank).exit_code == 0
    empty = run("compare", first, blank, "--lang", "en")
    assert empty.exit_code == 1 and "no question is answered yet" in flat(empty.output)
    not_yaml = tmp_path / "bad.yaml"
    not_yaml.write_text("enterprise: [unclosed\n", encoding="utf-8")
    bad = run("compare", first, not_yaml)
    assert bad.exit_code == 1 and "bad.yaml" in bad.output


def test_an_unknown_output_name_is_refused(tmp_path: Path) -> None:
    files = (EXAMPLES / "hengrui-2025.yaml", EXAMPLES / "hengrui-2026.yaml")
    result = run("compare", *files, "-o", tmp_path / "progress.docx", "--lang", "en")
    assert result.exit_code == 2 and ".pdf" in result.output and not (tmp_path / "progress.docx").exists()
    mismatch_ = run("compare", *files, "-o", tmp_path / "p.pdf", "-f", "html")
    assert mismatch_.exit_code == 2


def test_another_questionnaire_version_compares_what_still_exists(tmp_path: Path, content: Content) -> None:
    old = example(2025, content).model_dump(mode="json")
    old["questionnaire_version"] = 0
    old["answers"]["data.retired_question"] = "yes_of_course"
    first = tmp_path / "old.yaml"
    first.write_text(yaml.safe_dump(old, allow_unicode=True), encoding="utf-8")
    result = run("compare", first, EXAMPLES / "hengrui-2026.yaml", "-f", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["not_compared"] == ["data.retired_question"]
    assert any("different versions of the questionnaire" in note for note in data["notes"])
    other = dict(old, questionnaire="another_questionnaire")
    first.write_text(yaml.safe_dump(other, allow_unicode=True), encoding="utf-8")
    refused = run("compare", first, EXAMPLES / "hengrui-2026.yaml")
    assert refused.exit_code == 1 and "another_questionnaire" in refused.output


# --- re-assessment ----------------------------------------------------------------------------


def test_a_reassessment_offers_last_years_answers_and_a_fresh_record(content: Content) -> None:
    earlier = example(2025, content)
    interview = Interview.reassess(content, earlier, "zh", today=datetime.date(2026, 12, 1))
    assert interview.data["answers"] == {} and interview.data["enterprise"] == {}
    record = interview.data["assessment"]
    assert record["date"] == "2026-12-01" and record["assessor"] == "李敏"
    assert record["engagement"] == earlier.assessment.engagement and record["enterprise_id"] == "91320506MA1N2P3Q4X"
    by_id = {slot.question.id: slot for slot in interview.slots}
    assert interview.default(by_id["data.data_owner"]) == "part_time"
    assert interview.default(by_id["profile.name"]) == "苏州恒锐精密机床股份有限公司"
    stale = changed(earlier, **{"data.data_owner": "no_longer_an_option"})
    interview.offer(stale)
    assert interview.default(by_id["data.data_owner"]) is None  # an answer that no longer fits is not offered


def test_reassessment_keeps_every_answer_on_enter_and_never_touches_last_year(tmp_path: Path) -> None:
    last = tmp_path / "acme-2025.yaml"
    shutil.copyfile(EXAMPLES / "hengrui-2025.yaml", last)
    before = last.read_bytes()
    new = tmp_path / "acme-new.yaml"
    keys = "王建国\n副总经理\n" + "\n" * 200
    result = run("assess", "--from", last, "--answers", new, "--lang", "zh", input=keys)
    assert result.exit_code == 0, result.output
    assert last.read_bytes() == before
    old, fresh = (yaml.safe_load(p.read_text(encoding="utf-8")) for p in (last, new))
    assert fresh["answers"] == old["answers"] and fresh["enterprise"] == old["enterprise"]
    assert fresh["assessment"]["date"] == datetime.date.today().isoformat()
    assert fresh["assessment"]["assessor"] == old["assessment"]["assessor"]
    assert fresh["respondents"] == [{"name": "王建国", "role": "副总经理"}] and fresh["notes"] == {}
    assert "上次答案" in result.output


def test_a_changed_answer_is_kept_and_the_rest_follow_last_year(tmp_path: Path) -> None:
    last = EXAMPLES / "hengrui-2025.yaml"
    new = tmp_path / "new.yaml"
    # name, role, then the first question (the enterprise name) is typed anew
    result = run("assess", "--from", last, "--answers", new, input="李四\n\n恒锐智能装备\n" + "\n" * 200)
    assert result.exit_code == 0, result.output
    fresh = yaml.safe_load(new.read_text(encoding="utf-8"))
    assert fresh["enterprise"]["name"] == "恒锐智能装备" and fresh["enterprise"]["industry"] == "machine_tools"


def test_reassessment_refuses_to_write_over_last_years_file(tmp_path: Path) -> None:
    last = tmp_path / "last.yaml"
    shutil.copyfile(EXAMPLES / "hengrui-2025.yaml", last)
    before = last.read_bytes()
    result = run("assess", "--from", last, "--answers", last, "--lang", "en", input="\n" * 20)
    assert result.exit_code == 1 and "a re-assessment writes a new file" in flat(result.output)
    assert last.read_bytes() == before


def test_the_new_file_is_named_after_the_old_one_and_dated() -> None:
    day = datetime.date(2026, 12, 1)
    assert reassessment_path(Path("c/acme-2025.yaml"), day) == Path("c/acme-2026-12-01.yaml")
    assert reassessment_path(Path("acme-2025-11-20.yaml"), day) == Path("acme-2026-12-01.yaml")
    assert reassessment_path(Path("acme.yaml"), day) == Path("acme-2026-12-01.yaml")


def test_a_brand_given_per_language_speaks_the_reports_language(tmp_path: Path) -> None:
    brand = tmp_path / "brand.yaml"
    brand.write_text(
        "firm: {en: Eastbridge Consulting, zh: 东桥工业咨询}\n"
        "disclaimer: {en: For internal use., zh: 仅供企业内部使用。}\n",
        encoding="utf-8",
    )
    files = (EXAMPLES / "hengrui-2025.yaml", EXAMPLES / "hengrui-2026.yaml")
    for lang, shown, hidden in (("zh", "东桥工业咨询", "Eastbridge"), ("en", "Eastbridge Consulting", "东桥")):
        target = tmp_path / f"p-{lang}.html"
        result = run("compare", *files, "--brand", brand, "--lang", lang, "-o", target)
        assert result.exit_code == 0, result.output
        page = target.read_text(encoding="utf-8")
        assert shown in page and hidden not in page
