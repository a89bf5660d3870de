"""The HTML report (no WeasyPrint): every section, the template contract, escaping, branding, Markdown.

The helpers at the top build realistic report contexts; the PDF and CLI tests import them.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from jinja2 import UndefinedError

from readiness.assess import run_assessment
from readiness.errors import RenderError
from readiness.model import Answers, Content, Question, Respondent
from readiness.report.context import Brand, DisagreementView, ReportContext, build_context
from readiness.report.html import environment, render_html, template_dir, template_variables
from readiness.report.markdown import esc, render_markdown
from tests.conftest import make_answers

TODAY = dt.date(2026, 3, 2)
INJECTION = (
    '<img src="file:///etc/passwd"> <script>alert(1)</script> <link rel=attachment href=file:///etc/hostname> & done'
)
ENTERPRISE = {
    "en": "Eastbank Precision Machinery Co.",
    "zh": "华东精密机械有限公司",
}


# --- helpers shared with the PDF and CLI tests ----------------------------------------------


def png(width: int = 4, height: int = 2, rgb: tuple[int, int, int] = (11, 110, 79)) -> bytes:
    """A small, valid PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def middling(question: Question) -> Any:
    """An answer in the middle of each question's scale, so reports show strengths and gaps."""
    if question.type == "single":
        ranked = sorted(question.options, key=lambda o: o.points)
        return ranked[len(ranked) // 2].id
    if question.type == "multi":
        usable = [o.id for o in question.options if not o.exclusive]
        return usable[: max(1, len(usable) // 2)]
    if question.type in ("number", "percent"):
        return question.bands[len(question.bands) // 2].min if question.bands else 1
    if question.type == "yes_no":
        return True
    return "text"


def sample_answers(content: Content, lang: str = "en", note: str = INJECTION) -> Answers:
    answers = make_answers(
        content,
        middling,
        enterprise={"name": ENTERPRISE[lang], "industry": "machine_tools", "size": "medium", "sites": 2},
    )
    first = content.questionnaire.playbook_steps[0].questions[0].id
    return answers.model_copy(
        update={
            "language": "zh-CN" if lang == "zh" else "en",
            "respondents": [Respondent(name="王伟", role="生产副总"), Respondent(name="Li Na", role="IT")],
            "notes": {first: note} if note else {},
        }
    )


def sample_context(content: Content, lang: str = "en", brand: Brand | None = None) -> ReportContext:
    answers = sample_answers(content, lang)
    return build_context(run_assessment(content, answers), content, answers, brand, today=TODAY, lang=lang)


def logo_brand(tmp_path: Path, **fields: str) -> Brand:
    from readiness.report.brand import load_brand

    (tmp_path / "logo.png").write_bytes(png())
    lines = [
        "firm: Northwind Advisory",
        "logo: logo.png",
        "primary_colour: '#0b6e4f'",
        "contact: advisory@example.com",
        "disclaimer: Indicative only.",
    ]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    path = tmp_path / "brand.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_brand(path)


def section(html: str, section_id: str) -> str:
    """The markup of one <section>, from its start to the next section."""
    start = html.index(f'id="{section_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def text_of(markup: str) -> str:
    """What a reader sees: the text of some markup, entities decoded, whitespace squashed."""
    return squash(" ".join(outline(markup).text))


class Outline(HTMLParser):
    """Ids, links, tags and text of a document."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._hidden = 0  # inside <style> or <script>: not text a reader sees

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("style", "script")
        found = dict(attrs)
        self.tags.append((tag, found))
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def squash(text: str) -> str:
    return " ".join(text.split())


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["en", "zh"])
def report(request: pytest.FixtureRequest, content: Content) -> tuple[ReportContext, str]:
    ctx = sample_context(content, request.param)
    return ctx, render_html(ctx)


# --- sections -------------------------------------------------------------------------------


def test_every_section_is_present_and_the_contents_links_resolve(report: tuple[ReportContext, str]) -> None:
    ctx, html = report
    doc = outline(html)
    expected = [
        "cover",
        "contents",
        "summary",
        "scorecard",
        "decisions",
        "decision-model_strategy",
        "decision-deployment",
        "roadmap",
        "appendix",
        "answers",
        "respondents",
        "method",
    ]
    expected += [f"step-{step.id}" for step in ctx.steps] + [f"phase-{p.number}" for p in ctx.phases]
    assert set(expected) <= set(doc.ids)
    assert len(doc.ids) == len(set(doc.ids)), "ids must be unique"
    targets = [link[1:] for link in doc.links if link.startswith("#")]
    assert targets and set(targets) <= set(doc.ids)
    assert len(ctx.steps) == 6


def test_document_language_title_and_metadata(report: tuple[ReportContext, str]) -> None:
    ctx, html = report
    assert f'<html lang="{"zh-CN" if ctx.lang == "zh" else "en"}">' in html
    doc = outline(html)
    metas = {str(attrs.get("name")): str(attrs.get("content")) for tag, attrs in doc.tags if tag == "meta"}
    assert metas["dcterms.created"] == TODAY.isoformat()
    assert metas["author"] and ctx.enterprise in metas["description"]
    assert re.search(r"<title>[^<]*" + re.escape(ctx.enterprise) + "</title>", html)


def test_fonts_put_the_report_language_first(report: tuple[ReportContext, str]) -> None:
    ctx, html = report
    family = re.search(r"html \{ font-family: ([^;]+);", html)
    assert family is not None
    fonts = family.group(1)
    if ctx.lang == "zh":
        assert fonts.startswith('"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei"')
        assert '第 " counter(page) " 页 / 共 " counter(pages) " 页' in html
    else:
        assert fonts.startswith('"DejaVu Sans"') and '"Noto Sans CJK SC"' in fonts
        assert '"Page " counter(page) " of " counter(pages)' in html
    for svg in re.findall(r"<svg [^>]*>", html):
        assert "font-family=" in svg


def test_cover_names_the_enterprise_date_and_respondents(report: tuple[ReportContext, str]) -> None:
    ctx, html = report
    cover = text_of(section(html, "cover"))
    for text in (ctx.title, ctx.enterprise, ctx.industry, ctx.date, "王伟", "Li Na"):
        assert text in cover
    assert 'class="cover-enterprise running-enterprise"' in html  # the running header's source


def test_summary_fits_the_essentials(report: tuple[ReportContext, str]) -> None:
    ctx, html = report
    summary = text_of(section(html, "summary"))
    assert ctx.overall_level_name in summary and f"{ctx.overall_score:.1f}" in summary
    assert f"{ctx.overall_confidence * 100:.0f}%" in summary
    for decision in ctx.brief.decisions:
        assert decision.label in summary and decision.what in summary and decision.change in summary
    assert len(ctx.brief.findings) == 3 and 1 <= len(ctx.brief.risks) <= 3
    assert [m.title for m in ctx.brief.moves] == [a.title for a in ctx.top_actions[:3]]
    for move in ctx.brief.moves:
        assert move.title in summary and move.owner in summary


def test_scorecard_has_a_radar_a_bar_chart_and_the_national_distribution(report: tuple[ReportContext, str]) -> None:
    ctx, html = report
    scorecard = section(html, "scorecard")
    assert scorecard.count("<svg ") == 3
    for step in ctx.steps:
        assert f"{step.number} {step.short_title}" in scorecard
    for _, name, _ in ctx.levels:
        assert name in scorecard


def test_each_step_shows_what_the_answers_say_strengths_and_gaps(report: tuple[ReportContext, str]) -> None:
    ctx, html = report
    t = ctx.t
    for step in ctx.steps:
        part = text_of(section(html, f"step-{step.id}"))
        assert step.title in part and f"{step.score:.1f}" in part and step.level_text in part
        assert t["what_it_means"] in part  # the level text is a definition, shown as such
        assert t["strengths"] in part and t["gaps"] in part and t["current_state"] in part
        for line in step.strengths + step.current_state:
            assert squash(line.short) in part and squash(line.answer) in part
        for gap in step.gaps:
            assert squash(gap.short) in part and squash(gap.consequence) in part
            for fix in gap.fixes:
                assert squash(fix) in part
        for text in step.capped_by:
            assert text in part
    assert any(step.gaps for step in ctx.steps) and any(gap.fixes for step in ctx.steps for gap in step.gaps)


def test_findings_never_show_an_answer_that_was_not_given(report: tuple[ReportContext, str]) -> None:
    ctx, _ = report
    for step in ctx.steps:
        for line in step.current_state:
            assert line.answer != ctx.t.get("not_answered", "not answered")


def test_decisions_show_reasons_path_and_what_would_change_in_plain_words(report: tuple[ReportContext, str]) -> None:
    ctx, html = report
    parts = {
        "model_strategy": html[html.index('id="decision-model_strategy"') : html.index('id="decision-deployment"')],
        "deployment": section(html, "decision-deployment"),
    }
    for decision in (ctx.model_strategy, ctx.deployment):
        markup = parts[decision.id]
        part = text_of(markup)
        assert decision.label in part
        for reason in decision.reasons:
            # the reasons that decided it, with the answers behind them; the conditions of the
            # other choices are for the technical appendix
            assert (squash(reason.text) in part) == reason.met or any(
                squash(reason.text) == squash(r.text) for r in decision.reasons if r.met
            )
            for asked, said in reason.evidence if reason.met else []:
                assert squash(asked) in part and squash(said) in part
        assert ctx.t["why_not"] not in part and ctx.t["no_change"] not in part
        assert ".prior_ai_use" not in part and "compute." not in part  # answers are named in words, not by id
        for stage in decision.path:
            assert stage.label in part and stage.status_label in part
        assert decision.would_change_if
        for text in decision.would_change_if:
            assert squash(text) in part
    assert ctx.model_strategy.path, "the model strategy always has a staged path"


def test_roadmap_has_a_timeline_and_every_action(report: tuple[ReportContext, str]) -> None:
    ctx, html = report
    markup = section(html, "roadmap")
    roadmap = text_of(markup)
    actions = [a for p in ctx.phases for a in p.actions]
    assert actions
    assert markup.count("<svg ") == len(re.findall("<figure", markup)) >= 1
    for action in actions:
        assert squash(action.title) in roadmap and squash(action.description) in roadmap
        if action.support:
            assert squash(action.support) in roadmap


def test_appendix_lists_every_answer_note_respondent_and_the_method(report: tuple[ReportContext, str]) -> None:
    ctx, html = report
    appendix = text_of(section(html, "appendix"))
    lines = [line for part in ctx.appendix for line in part.lines]
    assert len(lines) > 40
    for line in lines:
        assert squash(line.question) in appendix
    assert "王伟" in appendix and "生产副总" in appendix
    method = "评分。" if ctx.lang == "zh" else "Scores."
    assert method in appendix and "GB/T 39116" in appendix
    for _, name, _ in ctx.levels:
        assert name in appendix


def test_hostile_notes_come_out_as_visible_text(report: tuple[ReportContext, str]) -> None:
    _, html = report
    doc = outline(html)
    assert [tag for tag, _ in doc.tags if tag in ("script", "img", "link", "iframe", "object")] == []
    assert "<script" not in html and "<link" not in html and 'src="file:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;link rel=attachment href=file:///etc/hostname&gt;" in html
    assert INJECTION in "".join(doc.text)  # what a reader sees is exactly what was typed


# --- branding -------------------------------------------------------------------------------


def test_brand_firm_logo_colour_contact_and_disclaimer(content: Content, tmp_path: Path) -> None:
    brand = logo_brand(tmp_path)
    html = render_html(sample_context(content, "en", brand))
    cover = section(html, "cover")
    assert '<img class="cover-logo" src="data:image/png;base64,' in cover
    assert 'alt="Northwind Advisory"' in cover
    assert "Northwind Advisory" in cover and "advisory@example.com" in cover and "Indicative only." in cover
    assert 'class="running-firm"' in cover
    assert "#0b6e4f" in html and "#1f4e79" not in html


def test_brand_text_is_escaped(content: Content) -> None:
    brand = Brand(firm="<b>Evil</b> & Co", contact='"><script>x</script>', primary_colour="red;}body{display:none")
    html = render_html(sample_context(content, "en", brand))
    assert "<b>Evil</b>" not in html and "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in html
    assert "<script>x" not in html
    assert "display:none" not in html  # an invalid colour falls back to the default


# --- the template contract ------------------------------------------------------------------


def full_context(ctx: ReportContext) -> ReportContext:
    """Every optional part filled in, so every branch of every template runs."""
    steps = [step.model_copy(update={"capped_by": ["A gate held this step back."]}) for step in ctx.steps]
    top = steps[-1].model_copy(
        update={"level": 5, "next_level_name": "", "next_level_score": None, "next_level_text": ""}
    )
    return ctx.model_copy(
        update={
            "steps": [*steps[:-1], top],
            "overall_capped_by": ["Security holds the whole enterprise back."],
            "warnings": ["diagnosis: 1 question(s) not answered (scored 0)"],
            "disagreements": [
                DisagreementView(
                    question="Who owns data?", kept="Nobody", said=[("Li", "A CDO"), ("<b>Wang</b>", "Nobody")]
                )
            ],
            "brand": Brand(firm="Firm", logo_data_uri="data:image/png;base64,AAAA", contact="c", disclaimer="d"),
        }
    )


def sparse_context(ctx: ReportContext) -> ReportContext:
    """Every list empty: the templates must still render."""
    steps = [
        s.model_copy(update={"strengths": [], "gaps": [], "current_state": [], "capped_by": []}) for s in ctx.steps
    ]
    decisions = {
        key: getattr(ctx, key).model_copy(
            update={"reasons": [], "key_reasons": [], "path": [], "would_change_if": [], "next_step": ""}
        )
        for key in ("model_strategy", "deployment")
    }
    return ctx.model_copy(
        update={
            "steps": steps,
            "phases": [p.model_copy(update={"actions": []}) for p in ctx.phases],
            "top_actions": [],
            "later": [],
            "appendix": [],
            "scenarios": [],
            "respondents": [],
            "warnings": [],
            "overall_capped_by": [],
            "industry": "",
            "brand": Brand(),
            **decisions,
        }
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("variant", [full_context, sparse_context])
def test_every_template_renders_under_strict_undefined(content: Content, lang: str, variant: Any) -> None:
    ctx = variant(sample_context(content, lang))
    folder = template_dir()
    env = environment(folder)
    variables = template_variables(ctx)
    variables["m"] = env.get_template("_macros.html").module
    variables["step"] = ctx.steps[0]
    # compare.html and portfolio.html are documents of their own, with their own tests
    others = {"compare.html", "portfolio.html"}
    names = sorted(p.name for p in folder.iterdir() if p.suffix in (".html", ".css") and p.name not in others)
    assert "report.html" in names and "report.css" in names and f"_method_{lang}.html" in names
    for name in names:
        assert env.get_template(name).render(variables) is not None, name
    html = render_html(ctx, folder)
    assert "<section" in html


def test_the_environment_escapes_and_refuses_unknown_names() -> None:
    env = environment(template_dir())
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    with pytest.raises(UndefinedError):
        env.from_string("{{ no_such_field }}").render()


def test_a_broken_template_is_a_render_error_naming_the_file(content: Content, tmp_path: Path) -> None:
    folder = tmp_path / "report_templates"
    folder.mkdir()
    (folder / "report.html").write_text("<html>{{ no_such_field }}</html>", encoding="utf-8")
    with pytest.raises(RenderError, match=r"report\.html:1"):
        render_html(sample_context(content, "en"), folder)


def test_templates_run_in_a_sandbox(content: Content, tmp_path: Path) -> None:
    """A shared content folder's template cannot reach Python: only formatting is allowed."""
    folder = tmp_path / "report_templates"
    folder.mkdir()
    marker = tmp_path / "escaped"
    payload = f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}"
    (folder / "report.html").write_text(f"<html>{payload}</html>", encoding="utf-8")
    with pytest.raises(RenderError, match=r"report\.html"):
        render_html(sample_context(content, "en"), folder)
    assert not marker.exists()


def test_templates_come_from_the_content_folder_or_the_shipped_one(tmp_path: Path) -> None:
    assert template_dir(tmp_path) == template_dir()  # no report_templates/ there: the shipped ones
    own = tmp_path / "report_templates"
    own.mkdir()
    (own / "report.html").write_text("<html></html>", encoding="utf-8")
    assert template_dir(tmp_path) == own.resolve()


# --- Markdown -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_has_the_same_sections_and_escapes_user_text(content: Content, lang: str) -> None:
    ctx = sample_context(content, lang)
    text = render_markdown(ctx)
    t = ctx.t
    headings = [line for line in text.splitlines() if line.startswith("#")]
    for title in (t["executive_summary"], t["scorecard"], t["decisions"], t["roadmap"], t["appendix"]):
        assert any(title in h for h in headings)
    for step in ctx.steps:
        assert any(esc(step.title) in h for h in headings)
    assert re.search(r"(?<!\\)<", text) is None, "every < is escaped, so no tag can come through"
    assert "\\<script\\>alert(1)\\</script\\>" in text
    actions = [a for p in ctx.phases for a in p.actions]
    for action in actions:
        assert f"**{action.number}. " in text


def test_the_summary_sets_the_result_beside_the_official_yardsticks(content: Content) -> None:
    from readiness.loader import load_answers
    from readiness.report.context import build_context
    from readiness.report.html import render_html
    from readiness.resources import example_answers

    answers = load_answers(example_answers("example"), content)
    assessment = run_assessment(content, answers)
    ctx = build_context(assessment, content, answers)
    names = [name for name, _ in ctx.yardsticks]
    assert names == [ctx.t["yardstick_gbt"], ctx.t["yardstick_sme"], ctx.t["yardstick_sme_reported"]]
    assert all("估算" in value for _, value in ctx.yardsticks[:2])  # estimates are said to be estimates
    steps = {s.id: s.score for s in assessment.steps}
    mean = (steps["diagnosis"] + steps["infrastructure"] + steps["data"] + steps["security"]) / 4
    assert assessment.sme_level_estimate == sum(mean >= low for low in (20, 40, 60, 80))
    assert ctx.t["yardsticks"] in text_of(section(render_html(ctx), "summary"))
