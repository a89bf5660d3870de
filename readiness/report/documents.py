"""Finished documents: the report of one enterprise, a comparison, a portfolio; and writing them safely.

This is the one place that strings the report pipeline together (context -> HTML -> PDF), used by
the CLI and by batch workers alike. Jinja2 and WeasyPrint load only when a document needs them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..assess import run_assessment
from ..catalogue import text
from ..errors import RenderError
from ..model import Answers, Assessment, Content
from . import REPORT_FORMATS
from .result import render_json

DRAFT_BELOW = 0.5  # share of the question weight answered below which a report is a draft


@dataclass
class Document:
    data: bytes
    pages: int | None = None  # PDFs only
    missing_glyphs: list[str] = field(default_factory=list)


def render_report(
    content: Content,
    answers: Answers,
    fmt: str,
    *,
    lang: str | None = None,
    brand_file: Path | None = None,
    content_root: Path | None = None,
    pdf_variant: str | None = None,
    commentary_file: Path | None = None,
    summary_only: bool = False,
    technical: bool = False,
    draft: bool = False,
    assessment: Assessment | None = None,
    peers: list[Any] | None = None,
    today: dt.date | None = None,
) -> Document:
    """The report of one enterprise in one format (a name of REPORT_FORMATS); `peers` (report/peers.py)
    adds the portfolio cohort; `today`: the date the report carries (default: today)."""
    if fmt not in REPORT_FORMATS:
        raise RenderError(f"{fmt!r} is not a report format; allowed: {', '.join(REPORT_FORMATS)}")
    assessment = assessment or run_assessment(content, answers)
    if fmt == "json":
        return Document(render_json(assessment, content, lang).encode("utf-8"))
    from .brand import load_brand, read_commentary
    from .context import Brand, Parts, build_context

    shown = lang or assessment.language
    brand = load_brand(brand_file, shown, commentary_file) if brand_file else None
    if brand is None and commentary_file:
        brand = Brand(commentary=read_commentary(commentary_file))
    parts = Parts(summary_only=summary_only, technical=technical, draft=draft)
    ctx = build_context(assessment, content, answers, brand, lang=lang, parts=parts, peers=peers, today=today)
    if fmt == "md":
        from .markdown import render_markdown

        return Document(render_markdown(ctx).encode("utf-8"))
    from .html import render_html, template_dir

    folder = template_dir(content_root)
    html = render_html(ctx, folder)
    if fmt == "html":
        return Document(html.encode("utf-8"))
    return _pdf(html, folder, brand_file, ctx.lang, pdf_variant)


def draft_reasons(answers: Answers, assessment: Assessment, lang: str) -> list[str]:
    """Why these answers make only a draft report (empty when they make a real one): a blank
    profile, or under half of the question weight answered."""
    reasons = []
    name = str(answers.enterprise.get("name") or "").strip()
    profile = [k for k, v in answers.enterprise.items() if k != "name" and v not in (None, "", [])]
    if not name and not profile:
        reasons.append(text(lang, "brief.cli.draft_profile"))
    elif not name:
        reasons.append(text(lang, "brief.cli.draft_no_name"))
    if assessment.overall.confidence < DRAFT_BELOW:
        share = f"{assessment.overall.confidence * 100:.0f}%"
        reasons.append(text(lang, "brief.cli.draft_weight", share=share))
    return reasons


def render_page(
    template: str,
    variables: dict[str, Any],
    fmt: str,
    lang: str,
    content_root: Path | None = None,
    brand_file: Path | None = None,
) -> Document:
    """A document from one of the other templates (comparison, portfolio) as HTML or PDF."""
    from .html import render_template, template_dir

    folder = template_dir(content_root)
    html = render_template(template, variables, folder)
    if fmt == "html":
        return Document(html.encode("utf-8"))
    return _pdf(html, folder, brand_file, lang, None)


def render_portfolio(
    portfolio: Any,
    content: Content,
    fmt: str,
    *,
    brand_file: Path | None = None,
    content_root: Path | None = None,
    today: dt.date | None = None,
) -> Document:
    """The portfolio report of many enterprises (readiness.portfolio.Portfolio)."""
    from .brand import load_brand
    from .context import Brand
    from .html import page_variables

    lang = portfolio.lang
    rubric = content.rubric
    from ..catalogue import namespace, text
    from ..portfolio import MEMBERS_SHOWN
    from .portfolio_words import findings

    variables = page_variables(
        lang,
        load_brand(brand_file, lang) if brand_file else Brand(),
        portfolio=portfolio,
        p=namespace(lang, "park"),
        findings=findings(portfolio),
        members_shown=MEMBERS_SHOWN,
        rules=rubric.portfolio_segments,
        flagged_label=text(lang, "respondents.flagged"),
        shared_actions=[a for a in portfolio.common_actions if a.count < portfolio.count or portfolio.count < 2],
        date=(today or dt.date.today()).isoformat(),
        choice_labels={c.id: c.label.get(lang) for d in rubric.decisions for c in d.choices},
        level_of=lambda score: rubric.level_for(score).level,
    )
    return render_page("portfolio.html", variables, fmt, lang, content_root, brand_file)


def render_progress(
    progress: Any,
    content: Content,
    fmt: str,
    lang: str,
    *,
    brand_file: Path | None = None,
    content_root: Path | None = None,
    not_compared: Collection[str] = (),
    forced: str = "",
) -> Document:
    """The progress report of one enterprise (readiness.compare.Progress) as md, json, html or pdf."""
    from .brand import load_brand
    from .progress import build_progress_context, progress_json, template_variables

    brand = load_brand(brand_file, lang) if brand_file else None
    ctx = build_progress_context(progress, content, lang, brand, not_compared=not_compared, forced=forced)
    if fmt == "json":
        import json

        return Document((json.dumps(progress_json(ctx), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    if fmt == "md":
        from .markdown import render_progress_markdown

        return Document(render_progress_markdown(ctx).encode("utf-8"))
    from .html import render_template, template_dir

    folder = template_dir(content_root)
    html = render_template("compare.html", template_variables(ctx), folder)
    if fmt == "html":
        return Document(html.encode("utf-8"))
    return _pdf(html, folder, brand_file, lang, None)


def _pdf(html: str, folder: Path, brand_file: Path | None, lang: str, pdf_variant: str | None) -> Document:
    from .pdf import render_pdf

    rendered = render_pdf(
        html,
        base_dir=folder,
        allowed_roots=[brand_file.parent] if brand_file else [],
        lang=lang,
        pdf_variant=pdf_variant,
    )
    return Document(rendered.pdf, rendered.pages, rendered.missing_glyphs)
