"""Park programmes: respondents of one enterprise in a batch, programme fields, visits due, two
survey rounds, and a portfolio an official can read."""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from readiness import respondents
from readiness.assess import run_assessment
from readiness.cli import app
from readiness.loader import load_answers, write_answers
from readiness.model import STEP_IDS, Content
from readiness.portfolio import (
    MEMBERS_SHOWN,
    ProgrammeOptions,
    build_portfolio,
    compare_rounds,
    months_between,
    portfolio_entry,
    segment_of,
    summed,
)
from readiness.resources import example_answers

runner = CliRunner()
ENV = {"COLUMNS": "200", "NO_COLOR": "1"}
TODAY = datetime.date(2026, 12, 1)


def answers_of(content: Content, name: str = "small_plant", **changes: Any) -> dict[str, Any]:
    """A bundled example as a dict, with `enterprise`, `assessment` and `answers` changes merged in."""
    data = load_answers(example_answers(name), content).model_dump(mode="json")
    for part in ("enterprise", "assessment", "answers"):
        data[part] = {**data[part], **changes.get(part, {})}
    if "respondents" in changes:
        data["respondents"] = changes["respondents"]
    return data


def write(folder: Path, name: str, data: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_answers(folder / name, data)
    return folder / name


def batch(folder: Path, out: Path, *extra: str) -> Any:
    return runner.invoke(app, ["batch", str(folder), "-o", str(out), "-f", "json", *extra], env=ENV)


def lines(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "portfolio.jsonl").read_text(encoding="utf-8").splitlines()]


# --- respondents of one enterprise in a batch ------------------------------------------------


@pytest.fixture
def two_respondents(tmp_path: Path, content: Content) -> Path:
    """Two respondents of one firm (same name and industry), and another firm."""
    folder = tmp_path / "park"
    write(
        folder,
        "e01-a.yaml",
        answers_of(content, respondents=[{"name": "Li", "role": "GM"}], answers={"models.labelled_examples": 1989}),
    )
    write(
        folder,
        "e01-b.yaml",
        answers_of(
            content,
            respondents=[{"name": "Wang", "role": "IT"}],
            answers={"models.labelled_examples": 3017, "data.data_owner": "cdo"},
        ),
    )
    write(folder, "other.yaml", answers_of(content, "mature_finetune"))
    return folder


def test_batch_merges_the_respondents_of_one_enterprise_by_default(two_respondents: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = batch(two_respondents, out)
    assert result.exit_code == 0, result.output
    assert "2 respondents' files merged (e01-a.yaml, e01-b.yaml)" in result.output
    assert len(lines(out)) == 2  # one row per enterprise, not per file
    reports = sorted(p.name for p in out.glob("*.json"))
    assert len(reports) == 2 and not any(name.endswith("-2.json") for name in reports)
    csv = (out / "portfolio.csv").read_text(encoding="utf-8-sig")
    assert csv.count("Huzhou Xinmiao") == 1
    merged = next(line for line in lines(out) if line["enterprise"]["name"].startswith("Huzhou"))
    owner = next(q for s in merged["steps"] if s["id"] == "data" for q in [s])
    assert owner["level"] >= 1  # assessed from the merged answers


def test_refuse_counts_neither_file_and_lists_both(two_respondents: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = batch(two_respondents, out, "--respondents", "refuse")
    assert result.exit_code == 1
    assert "e01-a.yaml: files of one enterprise, not counted twice: e01-a.yaml, e01-b.yaml" in result.output
    assert "e01-b.yaml: files of one enterprise" in result.output
    assert len(lines(out)) == 1 and not lines(out)[0]["enterprise"]["name"].startswith("Huzhou")
    assert not any(p.name.startswith("Huzhou") for p in out.iterdir())  # its results written meanwhile are gone
    assert "Traceback" not in result.output


def test_an_enterprise_id_groups_files_whatever_their_names(tmp_path: Path, content: Content) -> None:
    folder = tmp_path / "park"
    code = {"enterprise_id": "91320412MA1X"}
    write(folder, "a.yaml", answers_of(content, assessment=code, enterprise={"name": "常州鑫达精密机械有限公司"}))
    write(folder, "b.yaml", answers_of(content, assessment=code, enterprise={"name": "常州鑫达"}))
    # no id, but the same name and industry as the firm with the id: the same enterprise
    write(folder, "c.yaml", answers_of(content, enterprise={"name": "常州鑫达精密机械有限公司"}))
    # the same name in another industry, without an id: another enterprise
    write(folder, "d.yaml", answers_of(content, enterprise={"name": "常州鑫达精密机械有限公司", "industry": "steel"}))
    out = tmp_path / "out"
    result = batch(folder, out)
    assert result.exit_code == 0, result.output
    assert "3 respondents' files merged (a.yaml, b.yaml, c.yaml)" in result.output
    assert len(lines(out)) == 2


def test_groups_leave_alone_what_nothing_links() -> None:
    assert respondents.groups([("", "n1"), ("", "n2"), ("", "n1"), ("", "")]) == [[0, 2], [1], [3]]
    assert respondents.groups([("id1", "n"), ("id2", "n"), ("", "n")]) == [[0], [1], [2]]  # which id? neither
    assert respondents.groups([("id1", "n"), ("", "n"), ("id1", "m")]) == [[0, 1, 2]]


def wide(text: str) -> str:
    """Full-width Latin letters, as some Chinese input methods type them."""
    return "".join(chr(ord(char) + 0xFEE0) for char in text)


def test_the_name_is_compared_whatever_its_width_case_or_spacing(content: Content) -> None:
    base = load_answers(example_answers("small_plant"), content)
    typed = base.model_copy(
        update={"enterprise": {**base.enterprise, "name": wide("HUZHOU") + "  Xinmiao Children's Wear Co., Ltd."}}
    )
    assert respondents.identity(base) == respondents.identity(typed)


def test_anonymised_merges_name_no_file(two_respondents: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = batch(two_respondents, out, "--anonymise")
    assert result.exit_code == 0, result.output
    written = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.json*"))
    assert "e01-a" not in written and "Huzhou" not in written and "Wang" not in written
    assert len(lines(out)) == 2


def test_a_merged_report_shows_what_is_to_confirm(two_respondents: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(two_respondents), "-o", str(out), "-f", "html", "--lang", "zh"], env=ENV)
    assert result.exit_code == 0, result.output
    report = next(p for p in out.glob("Huzhou*.html")).read_text(encoding="utf-8")
    assert "待与企业核实：两个数字落在同一档次" in report
    portfolio = (out / "portfolio.html").read_text(encoding="utf-8")
    assert "已合并2位受访者，1处待核实" in portfolio


def test_merge_prints_answers_in_words(tmp_path: Path, content: Content) -> None:
    a = write(tmp_path, "a.yaml", answers_of(content, enterprise={"little_giant": True}))
    b = write(tmp_path, "b.yaml", answers_of(content, enterprise={"little_giant": False}))
    result = runner.invoke(app, ["merge", str(a), str(b), "-o", str(tmp_path / "m.yaml")], env=ENV)
    assert result.exit_code == 0, result.output
    assert "True" not in result.output and "False" not in result.output
    assert (
        ": yes; " in result.output
        and ": no → kept yes for now; to confirm: a fact about the enterprise" in result.output
    )
    merged = load_answers(tmp_path / "m.yaml", content)
    assert merged.disagreements[0].flagged and merged.disagreements[0].reason == "profile"


def test_merge_refuses_another_enterprise_in_the_files_language(tmp_path: Path, content: Content) -> None:
    zh = {"language": "zh-CN"}
    a = write(tmp_path, "a.yaml", {**answers_of(content), **zh})
    b = write(tmp_path, "b.yaml", {**answers_of(content, enterprise={"name": "常州另一家公司"}), **zh})
    result = runner.invoke(app, ["merge", str(a), str(b), "-o", str(tmp_path / "m.yaml")], env=ENV)
    assert result.exit_code == 1
    assert "企业名称为“常州另一家公司”" in result.output and "这是两家企业，不予合并" in result.output
    assert not (tmp_path / "m.yaml").exists()


# --- programme fields, visits due, segments ---------------------------------------------------


def entry(content: Content, name: str = "small_plant", **record: Any) -> Any:
    answers = load_answers(example_answers(name), content)
    answers = answers.model_copy(update={"assessment": answers.assessment.model_copy(update=record)})
    return portfolio_entry(f"{name}.yaml", run_assessment(content, answers), answers, respondents.identity(answers))


def test_months_between_counts_whole_months() -> None:
    assert months_between(datetime.date(2025, 12, 1), TODAY) == 12
    assert months_between(datetime.date(2025, 12, 2), TODAY) == 11
    assert months_between(datetime.date(2024, 1, 31), datetime.date(2024, 2, 29)) == 0


def test_programme_fields_and_visits_due(content: Content) -> None:
    old = entry(content, date=datetime.date(2025, 11, 30), assessor="王磊", park="武进高新区", contact="张工")
    recent = entry(content, "mature_finetune", date=datetime.date(2026, 10, 1), assessor="陈静", park="武进高新区")
    undated = entry(content, "example", date=None, assessor="", park="")
    portfolio = build_portfolio(content, [old, recent, undated], "zh", ProgrammeOptions(today=TODAY))
    programme = portfolio.visits
    assert programme is not None
    assert programme.parks == ["武进高新区"] and programme.team == ["王磊", "陈静"]
    assert (programme.first_date, programme.last_date) == ("2025-11-30", "2026-10-01")
    assert [m.contact for m in programme.due] == ["张工"] and programme.undated == 1
    later = build_portfolio(content, [old, recent], "zh", ProgrammeOptions(today=TODAY, due_after_months=2))
    assert later.visits is not None and len(later.visits.due) == 2


def test_segments_are_rules_over_the_results() -> None:
    assert segment_of([4, 4, 4, 3, 4, 4], 4, 0) == "lighthouse"
    assert segment_of([3, 3, 3, 3, 3, 3], 3, 0) == "lighthouse"
    assert segment_of([3, 3, 2, 3, 3, 3], 3, 2) == "vouchers"
    assert segment_of([2, 1, 2, 2, 1, 1], 1, 0) == "equipment"
    assert segment_of([3, 3, 2, 2, 1, 1], 2, 0) == "data"
    assert segment_of([3, 3, 3, 2, 2, 2], 2, 0) == "roadmap"


def test_two_rounds_show_who_moved_a_level(content: Content) -> None:
    before = entry(content, date=datetime.date(2025, 11, 1))
    levels = [min(5, level + 1) if i == STEP_IDS.index("data") else level for i, level in enumerate(before.step_levels)]
    after = dataclasses.replace(before, step_levels=levels, assessed="2026-11-01")
    newcomer = entry(content, "mature_finetune")
    gone = entry(content, "example")
    result = compare_rounds([after, newcomer], [before, gone])
    assert (result.matched, result.new, result.missing) == (1, 1, 1)
    assert result.step_up[STEP_IDS.index("data")] == 1 and sum(result.step_down) == 0
    [moved] = result.moved
    assert (moved.before, moved.after) == ("2025-11-01", "2026-11-01")


def test_previous_round_from_a_folder_and_from_its_jsonl(tmp_path: Path, content: Content) -> None:
    t0, t1 = tmp_path / "t0", tmp_path / "t1"
    base = {"data.data_owner": "none", "infrastructure.networked_equipment": 5}
    write(t0, "a.yaml", answers_of(content, answers=base, assessment={"date": "2025-10-01"}))
    write(t0, "b.yaml", answers_of(content, "mature_finetune"))
    better = {"data.data_owner": "named_owner", "infrastructure.networked_equipment": 80}
    write(t1, "a.yaml", answers_of(content, answers=better, assessment={"date": "2026-10-01"}))
    write(t1, "c.yaml", answers_of(content, "example"))
    runner.invoke(app, ["batch", str(t0), "-o", str(tmp_path / "o0"), "-f", "json"], env=ENV)
    for previous in (t0, tmp_path / "o0" / "portfolio.jsonl"):
        out = tmp_path / f"o1-{previous.name}"
        result = runner.invoke(
            app, ["batch", str(t1), "-o", str(out), "-f", "html", "--previous", str(previous)], env=ENV
        )
        assert result.exit_code == 0, result.output
        html = (out / "portfolio.html").read_text(encoding="utf-8")
        assert "This round against the earlier one" in html
        assert "1 enterprises in both rounds; 1 only in this round; 1 only in the earlier round." in html
        assert "2025-10-01" in html and "→" in html


@pytest.mark.parametrize(
    ("content_of", "message"),
    [
        ("{not json\n", ":1: not a result written by readiness batch"),
        ('{"schema": "x"}\n', ":1: not a result written by readiness batch"),
        ("", "holds no results of an earlier round"),
    ],
)
def test_a_bad_previous_round_is_a_clear_error(
    two_respondents: Path, tmp_path: Path, content_of: str, message: str
) -> None:
    previous = tmp_path / "old.jsonl"
    previous.write_text(content_of, encoding="utf-8")
    result = batch(two_respondents, tmp_path / "out", "--previous", str(previous))
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_a_missing_previous_round_stops_before_any_work(two_respondents: Path, tmp_path: Path) -> None:
    result = batch(two_respondents, tmp_path / "out", "--previous", str(tmp_path / "nowhere"))
    assert result.exit_code == 1 and "no such folder or file" in result.output
    assert not (tmp_path / "out").exists()


def test_due_after_must_be_a_sensible_number_of_months(two_respondents: Path, tmp_path: Path) -> None:
    assert batch(two_respondents, tmp_path / "out", "--due-after", "0").exit_code == 2


# --- the portfolio document ---------------------------------------------------------------------


def many(content: Content, count: int) -> list[Any]:
    bases = [
        entry(content, n, park="武进高新区", assessor="王磊", date=datetime.date(2026, 3, 1))
        for n in ("small_plant", "mature_finetune", "example", "edge_inspection")
    ]
    return [dataclasses.replace(bases[i % 4], name=f"企业{i:04d}") for i in range(count)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_portfolio_reads_as_findings_with_a_cover(content: Content, lang: str) -> None:
    from readiness.report.documents import render_portfolio

    portfolio = build_portfolio(content, many(content, 8), lang, ProgrammeOptions(today=TODAY))
    html = render_portfolio(portfolio, content, "html").data.decode("utf-8")
    text = re.sub(r"<[^>]+>", " ", html.split("</style>", 1)[1])
    if lang == "zh":
        assert "园区企业“人工智能+制造”就绪度评估报告" in text and "武进高新区" in text and "王磊" in text
        assert re.search(r"8家企业中有\d家（\d+%）在“[^”]+”方面存在短板", text)
        assert "分类施策" in text and "分规模、分步骤平均得分" in text and "供需对接" in text
        assert "<th>企业数</th>" not in html and "<th>企业</th>" in html
    else:
        assert re.search(r"\d of 8 enterprises \(\d+%\) fall short on “", text)
        assert "Groups and what each needs" in text and "Supply and demand: what to offer whom" in text
    assert not re.search(r"\b(data|infrastructure|diagnosis|models|security|compute)\.[a-z_]+\b", text)


def test_a_large_portfolio_lists_a_bounded_number_of_members(content: Content) -> None:
    from readiness.report.documents import render_portfolio

    portfolio, every = summed(content, many(content, MEMBERS_SHOWN + 40), "zh", ProgrammeOptions(today=TODAY))
    assert len(every) == MEMBERS_SHOWN + 40 == portfolio.count  # the workbook gets them all
    assert portfolio.members == every[:MEMBERS_SHOWN]  # the documents the best
    html = render_portfolio(portfolio, content, "html").data.decode("utf-8")
    members = html.split('id="members"', 1)[1]
    assert members.count("<tr><td>") == MEMBERS_SHOWN
    assert f"共{MEMBERS_SHOWN + 40}家企业，此处列出得分最高的{MEMBERS_SHOWN}家；完整名单见portfolio.xlsx。" in html


def test_the_brand_is_on_the_portfolio_cover(content: Content, tmp_path: Path) -> None:
    from readiness.report.documents import render_portfolio

    brand = tmp_path / "brand.yaml"
    brand.write_text("firm: 东桥工业咨询\ncontact: 0519-5555 0000\nprimary_colour: '#7a1f5c'\n", encoding="utf-8")
    portfolio = build_portfolio(content, many(content, 3), "zh", ProgrammeOptions(today=TODAY))
    html = render_portfolio(portfolio, content, "html", brand_file=brand).data.decode("utf-8")
    cover = html.split('id="cover"', 1)[1].split("</section>", 1)[0]
    assert "东桥工业咨询" in cover and "0519-5555 0000" in cover and "#7a1f5c" in html
    assert "2026-03-01" in cover and "王磊" in cover  # the survey period and the team


def test_the_chinese_portfolio_with_its_programme_pages_has_no_typographic_fault(content: Content) -> None:
    from readiness.report.documents import render_portfolio
    from tests.test_chinese_typography import problems, visible_lines

    entries = many(content, 12)
    earlier = [dataclasses.replace(e, step_levels=[1] * len(STEP_IDS), overall_level=1) for e in entries[:8]]
    options = ProgrammeOptions(today=TODAY, previous=earlier)
    portfolio = build_portfolio(content, entries, "zh", options)
    assert portfolio.previous is not None and portfolio.previous.moved
    found = visible_lines(render_portfolio(portfolio, content, "html").data.decode("utf-8"))
    assert {kind: lines for kind, lines in problems(found).items() if lines} == {}


def test_the_segment_levels_come_from_the_rubric(content: Content) -> None:
    from readiness.model import PortfolioSegments

    assert content.rubric.portfolio_segments == PortfolioSegments(lighthouse_overall=4, lighthouse_every_step=3)
    strict = PortfolioSegments(lighthouse_overall=5, lighthouse_every_step=5, foundations=2)
    assert segment_of([4, 4, 4, 3, 4, 4], 4, 0, strict) == "roadmap"
    assert segment_of([3, 2, 1, 3, 3, 3], 3, 0, strict) == "data"


def test_batch_names_who_is_due_and_the_merged_files_in_its_results(tmp_path: Path, content: Content) -> None:
    folder, dated = tmp_path / "park", {"date": "2024-05-01"}
    write(folder, "e01-a.yaml", answers_of(content, assessment=dated, respondents=[{"name": "Li"}]))
    write(folder, "e01-b.yaml", answers_of(content, assessment=dated, respondents=[{"name": "Wang"}]))
    write(folder, "other.yaml", answers_of(content, "mature_finetune", assessment=dated))
    write(folder, "recent.yaml", answers_of(content, "example", assessment={"date": datetime.date.today().isoformat()}))
    out = tmp_path / "out"
    result = batch(folder, out, "--due-after", "6")
    assert result.exit_code == 0, result.output
    assert "2 enterprise(s) due for re-assessment (assessed 6 or more months ago):" in result.output
    assert "(assessed 2024-05-01)" in result.output
    merged = next(line for line in lines(out) if "merged_from" in line)
    assert merged["merged_from"] == ["e01-a.yaml", "e01-b.yaml"]
