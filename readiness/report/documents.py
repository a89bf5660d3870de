"""Finished documents: the report of one enterprise, a comparison, a portfolio; and writing them safely.

This is the one place that strings the report pipeline together (context -> HTML -> PDF), used by
the CLI and by batch workers alike. Jinja2 and WeasyPrint load only when a document needs them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..assess import run_assessment
from ..model import Answers, Assessment, Content
from .result import render_json


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
    assessment: Assessment | None = None,
    today: dt.date | None = None,
) -> Document:
    """The report of one enterprise in one format. `assessment`: the answers' assessment, when the
    caller has made it already; `today`: the date the report carries (default: today)."""
    assessment = assessment or run_assessment(content, answers)
    if fmt == "json":
        return Document(render_json(assessment, content, lang).encode("utf-8"))
    from .brand import load_brand
    from .context import build_context

    brand = load_brand(brand_file) if brand_file else None
    ctx = build_context(assessment, content, answers, brand, today=today, lang=lang)
    if fmt == "md":
        from .markdown import render_markdown

        return Document(render_markdown(ctx).encode("utf-8"))
    from .html import render_html, template_dir

    folder = template_dir(content_root)
    html = render_html(ctx, folder)
    if fmt == "html":
        return Document(html.encode("utf-8"))
    return _pdf(html, folder, brand_file, ctx.lang, pdf_variant)


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
    variables = page_variables(
        lang,
        load_brand(brand_file) if brand_file else Brand(),
        portfolio=portfolio,
        date=(today or dt.date.today()).isoformat(),
        choice_labels={c.id: c.label.get(lang) for d in rubric.decisions for c in d.choices},
        level_of=lambda score: rubric.level_for(score).level,
    )
    return render_page("portfolio.html", variables, fmt, lang, content_root, brand_file)


def render_comparison(comparison: Any, lang: str, fmt: str, content_root: Path | None = None) -> Document:
    """The progress report between two assessments (readiness.compare.Comparison)."""
    from .context import Brand
    from .html import page_variables

    variables = page_variables(lang, Brand(), comparison=comparison, date=dt.date.today().isoformat())
    return render_page("compare.html", variables, fmt, lang, content_root)


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
