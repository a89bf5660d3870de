"""The executive brief, readable decisions with a technical appendix on request, dated and branded
covers, one registry of report formats, and the draft guard."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from readiness.assess import run_assessment
from readiness.cli import app
from readiness.cli.batch_command import BatchFormat
from readiness.cli.report_commands import SUFFIXES, ReportFormat
from readiness.errors import ContentError, RenderError
from readiness.loader import load_answers
from readiness.model import Answers, Content
from readiness.report import REPORT_FORMATS, REPORT_SUFFIXES, money
from readiness.report.brand import load_brand
from readiness.report.context import Brand, Parts, ReportContext, build_context
from readiness.report.documents import draft_reasons, render_report
from readiness.report.html import render_html
from readiness.resources import example_answers
from tests.test_chinese_typography import QUESTION_ID
from tests.test_report_html import section, squash, text_of

runner = CliRunner()
EXAMPLES = ("example", "small_plant", "mature_finetune", "edge_inspection", "multisite_hybrid")


def example(content: Content, name: str = "example") -> Answers:
    return load_answers(example_answers(name), content)


def context(content: Content, name: str = "example", lang: str = "en", **kwargs: object) -> ReportContext:
    answers = example(content, name)
    return build_context(run_assessment(content, answers), content, answers, lang=lang, **kwargs)  # type: ignore[arg-type]


def body_of(html: str) -> str:
    """The report without its technical appendix."""
    start = html.find('id="technical"')
    return html if start == -1 else html[:start]


# --- the brief ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_brief_comes_from_the_firms_own_results(content: Content, lang: str) -> None:
    ctx = context(content, lang=lang)
    brief = ctx.brief
    assert len(brief.findings) == 3 and len(brief.risks) == 3
    weakest = min(ctx.steps, key=lambda s: s.score)
    assert weakest.short_title in brief.findings[0] and f"{weakest.score:.0f}" in brief.findings[0]
    # the priority use case's missing prerequisite is a risk, in the content's words
    assert ctx.priority.title in brief.risks[0]
    # two firms, two briefs: nothing is template text
    other = context(content, "mature_finetune", lang=lang).brief
    assert not set(brief.findings) & set(other.findings) and not set(brief.risks) & set(other.risks)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_three_moves_have_an_owner_an_effort_and_a_reason(content: Content, lang: str) -> None:
    ctx = context(content, lang=lang)
    moves = ctx.brief.moves
    assert [m.number for m in moves] == [a.number for a in ctx.top_actions[:3]]
    owners = {o.get(lang) for o in content.rubric.owners.values()} | {"General manager", "总经理"}
    for move in moves:
        assert move.owner in owners and move.effort in {a.effort_label for a in ctx.top_actions}
        assert move.why and not QUESTION_ID.search(move.why)
    # Every action carries an indicative cost for the enterprise's size: each move shows its range.
    size = money.size_of(example(content))
    planned = {a.number: a.id for a in ctx.top_actions}
    assert ctx.brief.show_cost
    for move in moves:
        cost = content.rubric.action_index[planned[move.number]].cost
        assert cost is not None and move.cost == money.range_text(*cost.for_size(size), lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_brief_names_the_support_to_apply_for_with_a_calibrated_note(content: Content, lang: str) -> None:
    ctx = context(content, lang=lang)
    html = render_html(ctx)
    brief = text_of(section(html, "summary"))
    assert ctx.brief.programmes
    for programme in ctx.brief.programmes:
        assert squash(programme.support) in brief
    assert ctx.brief.words["programmes_note"] in brief
    if lang == "zh":
        assert "以当地主管部门发布为准" in brief


def test_when_no_single_change_flips_a_decision_the_nearest_change_is_named(content: Content) -> None:
    answers = example(content)
    result = run_assessment(content, answers).decisions["model_strategy"]
    assert result.would_change_if == [] and result.nearest_change
    assert {f.choice for f in result.nearest_change} == {"fine_tuning"}
    for lang in ("en", "zh"):
        ctx = context(content, lang=lang)
        (text,) = ctx.model_strategy.would_change_if
        assert text != ctx.t["no_change"]
        assert content.rubric.choice_index[("model_strategy", "fine_tuning")].label.get(lang) in text
        assert str(len(result.nearest_change)) in text


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_decision_of_every_example_says_what_would_change_it(content: Content, name: str) -> None:
    ctx = context(content, name)
    for decision in (ctx.model_strategy, ctx.deployment):
        assert decision.would_change_if and ctx.t["no_change"] not in decision.would_change_if
    for decision in ctx.brief.decisions:
        assert decision.change and decision.why


# --- readable decisions, technical appendix ------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_body_has_no_question_ids_and_no_rule_wording(content: Content, lang: str) -> None:
    for name in ("example", "small_plant"):
        ctx = context(content, name, lang=lang)
        html = render_html(ctx)
        assert 'id="technical"' not in html
        body = text_of(html)
        assert QUESTION_ID.findall(body) == []
        for words in (ctx.t["why_not"], ctx.t["no_change"]):
            assert words not in body
        # What would change a decision names factors, some of which share a rule's words: leave it out.
        changes = [*ctx.model_strategy.would_change_if, *ctx.deployment.would_change_if]
        for text in changes + [d.change for d in ctx.brief.decisions]:
            body = body.replace(squash(text), "")
        assert 'class="badge met"' not in html and 'class="badge unmet"' not in html
        chosen = {d.id: d.choice for d in (ctx.model_strategy, ctx.deployment)}
        said = {squash(r.text) for d in (ctx.model_strategy, ctx.deployment) for r in d.reasons if r.met}
        for decision in content.rubric.decisions:
            for choice in decision.choices:
                if choice.id == chosen[decision.id]:
                    continue
                for rule in [*choice.requires, *choice.supports]:
                    wording = squash(rule.text.get(lang))
                    assert any(wording in reason for reason in said) or wording not in body, wording


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_technical_appendix_holds_the_rules_and_the_ids(content: Content, lang: str) -> None:
    ctx = context(content, lang=lang, parts=Parts(technical=True))
    html = render_html(ctx)
    technical = html[html.index('id="technical"') :]
    assert "data.data_owner" in technical and ctx.t["why_not"] in text_of(technical)
    assert 'class="badge unmet"' in technical
    for stage in ctx.model_strategy.path:
        for when in stage.when:
            assert squash(when) in text_of(technical)
    assert QUESTION_ID.findall(text_of(body_of(html))) == []


def test_the_cli_adds_the_technical_appendix_and_writes_the_brief_alone(tmp_path: Path) -> None:
    answers = str(example_answers("example"))
    full = tmp_path / "full.html"
    assert runner.invoke(app, ["report", answers, "-o", str(full), "--appendix", "technical"]).exit_code == 0
    assert 'id="technical"' in full.read_text(encoding="utf-8")
    brief = tmp_path / "brief.html"
    assert runner.invoke(app, ["report", answers, "-o", str(brief), "--summary"]).exit_code == 0
    html = brief.read_text(encoding="utf-8")
    assert 'id="summary"' in html and 'id="cover"' in html
    assert 'id="scorecard"' not in html and 'id="roadmap"' not in html
    wrong = runner.invoke(app, ["report", answers, "-o", str(tmp_path / "x.html"), "--appendix", "everything"])
    assert wrong.exit_code == 2 and "technical" in wrong.output


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_brief_alone_is_a_cover_and_two_pages(content: Content, lang: str) -> None:
    document = render_report(content, example(content), "pdf", lang=lang, summary_only=True)
    assert document.pages is not None and document.pages <= 3


# --- the cover: dated, attributed, branded --------------------------------------------------


def test_the_cover_shows_the_assessment_date_not_the_render_date(content: Content) -> None:
    answers = example(content)
    assert answers.assessment.date == dt.date(2026, 11, 18)
    ctx = build_context(run_assessment(content, answers), content, answers, today=dt.date(2031, 5, 4))
    cover = text_of(section(render_html(ctx), "cover"))
    assert ctx.date == "2026-11-18" and "2026-11-18" in cover
    assert answers.assessment.assessor in cover and answers.assessment.engagement in cover
    undated = answers.model_copy(update={"assessment": answers.assessment.model_copy(update={"date": None})})
    ctx = build_context(run_assessment(content, undated), content, undated, today=dt.date(2031, 5, 4), lang="en")
    cover = text_of(section(render_html(ctx), "cover"))
    assert "2031-05-04 (report date; the answers file records no assessment date)" in cover


def brand_yaml(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "logo.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10"></svg>')
    path = tmp_path / "brand.yaml"
    path.write_text(
        "firm: {en: Eastbridge Consulting, zh: 东桥咨询}\n"
        "logo: logo.svg\n"
        "author: {en: Li Wei, zh: 李伟}\n"
        "commentary:\n"
        '  en: "**Start small.** <script>alert(1)</script> [site](javascript:alert(1))"\n'
        '  zh: "**从小处做起。**"\n' + extra,
        encoding="utf-8",
    )
    return path


def test_a_brand_speaks_each_language_and_its_commentary_is_safe(content: Content, tmp_path: Path) -> None:
    path = brand_yaml(tmp_path)
    assert load_brand(path, "zh").firm == "东桥咨询" and load_brand(path, "en").firm == "Eastbridge Consulting"
    html = render_html(context(content, brand=load_brand(path, "en")))
    commentary = section(html, "commentary")
    assert "<strong>Start small.</strong>" in commentary
    assert "<script" not in html and "&lt;script&gt;" in commentary and 'href="javascript' not in commentary
    assert "Li Wei" in commentary and "Eastbridge Consulting" in text_of(section(html, "cover"))
    assert "Generated by readiness" not in html  # no tool name on a branded report
    assert 'class="running-head"' in html and "running(brandhead)" in html  # the logo on every page
    unbranded = render_html(context(content))
    assert "Generated by readiness" in unbranded and 'class="running-head"' not in unbranded


def test_a_commentary_file_replaces_the_brand_files(content: Content, tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text("Our *own* words.\n", encoding="utf-8")
    brand = load_brand(brand_yaml(tmp_path), "en", note)
    assert brand.commentary == "Our *own* words."
    html = render_report(content, example(content), "html", lang="en", commentary_file=note).data.decode()
    assert "<em>own</em>" in section(html, "commentary")


@pytest.mark.parametrize(
    ("extra", "message"),
    [("disclaimer: {fr: Bonjour}\n", "'fr' is not a language"), ("contact: {en: " + "x" * 600 + "}\n", "at most 500")],
)
def test_brand_text_mistakes_are_named(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(ContentError, match=message):
        load_brand(brand_yaml(tmp_path, extra))


def test_a_missing_commentary_file_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["report", str(example_answers("example")), "-o", str(tmp_path / "r.md"), "--commentary", "nope.md"]
    )
    assert result.exit_code == 1 and "nope.md" in result.output
    assert not (tmp_path / "r.md").exists()


# --- one registry of formats ----------------------------------------------------------------


def test_one_registry_of_formats_by_option_and_by_file_name() -> None:
    assert set(REPORT_FORMATS) == {f.value for f in ReportFormat}
    assert {s: f.value for s, f in SUFFIXES.items()} == REPORT_SUFFIXES
    assert all(suffix.startswith(".") and suffix == suffix.lower() for suffix in REPORT_SUFFIXES)
    assert all(REPORT_SUFFIXES[suffixes[0]] == name for name, suffixes in REPORT_FORMATS.items())
    assert {f.value for f in BatchFormat} <= set(REPORT_FORMATS)


@pytest.mark.parametrize("fmt", [f for f in REPORT_FORMATS if f != "pdf"])
def test_every_format_of_the_registry_renders(content: Content, fmt: str) -> None:
    assert render_report(content, example(content, "small_plant"), fmt).data


def test_a_format_outside_the_registry_is_refused(content: Content) -> None:
    with pytest.raises(RenderError, match="pdf, html, md, json"):
        render_report(content, example(content, "small_plant"), "docx")


# --- drafts ---------------------------------------------------------------------------------


def partial(tmp_path: Path, keep: float = 0.25, name: bool = True) -> Path:
    data = yaml.safe_load(example_answers("small_plant").read_text(encoding="utf-8"))
    kept = list(data["answers"])[: int(len(data["answers"]) * keep)]
    data["answers"] = {k: data["answers"][k] for k in kept}
    if not name:
        del data["enterprise"]["name"]
    path = tmp_path / "partial.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_under_half_answered_is_refused_unless_a_draft_is_asked_for(tmp_path: Path) -> None:
    answers, target = partial(tmp_path), tmp_path / "r.html"
    refused = runner.invoke(app, ["report", str(answers), "-o", str(target)])
    assert refused.exit_code == 1 and "--draft" in refused.output and "50%" in refused.output
    assert not target.exists()
    assert runner.invoke(app, ["report", str(answers), "-o", str(target), "--draft"]).exit_code == 0
    html = target.read_text(encoding="utf-8")
    assert 'class="draft-mark"' in html and ">DRAFT<" in html


def test_a_blank_name_is_refused_and_a_chinese_draft_says_so(content: Content, tmp_path: Path) -> None:
    answers = partial(tmp_path, keep=1.0, name=False)
    refused = runner.invoke(app, ["report", str(answers), "-o", str(tmp_path / "r.md")])
    assert refused.exit_code == 1 and "enterprise name is blank" in refused.output
    loaded = load_answers(answers, content)
    assert draft_reasons(loaded, run_assessment(content, loaded), "zh") == ["企业名称为空"]
    ctx = context(content, lang="zh", parts=Parts(draft=True))
    assert ">草稿<" in render_html(ctx)


def test_complete_answers_make_no_draft(content: Content) -> None:
    answers = example(content)
    assert draft_reasons(answers, run_assessment(content, answers), "en") == []


def test_completeness_is_zero_when_nothing_is_answered(content: Content) -> None:
    blank = Answers(questionnaire="ai_manufacturing", questionnaire_version=1, enterprise={})
    assessment = run_assessment(content, blank)
    assert assessment.overall.confidence == 0 and all(s.confidence == 0 for s in assessment.steps)
    reasons = draft_reasons(blank, assessment, "en")
    assert len(reasons) == 2 and re.search(r"only 0%", reasons[1])


def test_brand_default_is_unbranded() -> None:
    assert Brand().firm == "" and Brand().commentary == ""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_markdown_report_has_the_brief_and_the_technical_appendix_on_request(content: Content, lang: str) -> None:
    answers = example(content)
    plain = render_report(content, answers, "md", lang=lang).data.decode()
    ctx = context(content, lang=lang)
    header = f"| {ctx.brief.words['technical_rule']} | {ctx.brief.words['technical_factor']} |"
    assert ctx.brief.words["findings"] in plain and header not in plain
    assert QUESTION_ID.findall(plain) == []
    technical = render_report(content, answers, "md", lang=lang, technical=True).data.decode()
    assert header in technical and "models.prior\\_ai\\_use" in technical
    summary = render_report(content, answers, "md", lang=lang, summary_only=True).data.decode()
    assert ctx.brief.words["programmes"] in summary and ctx.t["scorecard"] not in summary
