"""Real PDF renders with WeasyPrint, read back with pypdf: pages, outline, metadata, fonts, text, safety."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from readiness.errors import RenderError
from readiness.model import Content
from readiness.report import pdf
from readiness.report.context import ReportContext
from readiness.report.html import render_html, template_dir
from tests.test_report_html import logo_brand, sample_context, squash

pytestmark = pytest.mark.slow

# WeasyPrint logs SVG presentation attributes it does not style as "unknown property": harmless.
NOISE = re.compile(r"unknown property|Ignored `")


def flat_titles(outline: list[Any]) -> list[str]:
    titles: list[str] = []
    for item in outline:
        titles.extend(flat_titles(item) if isinstance(item, list) else [item.title])
    return titles


def page_text(reader: PdfReader, index: int) -> str:
    return squash(reader.pages[index].extract_text())


def embedded_fonts(reader: PdfReader) -> dict[str, bool]:
    """BaseFont name -> whether the font program is embedded, over every page."""
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources = page.get("/Resources")
        if resources is None or "/Font" not in resources:
            continue
        for ref in resources["/Font"].values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font.get("/BaseFont"))] = embedded
    return fonts


@pytest.fixture(scope="module", params=["en", "zh"])
def rendered(request: pytest.FixtureRequest, content: Content) -> tuple[ReportContext, pdf.Rendered, PdfReader]:
    ctx = sample_context(content, request.param)
    result = pdf.render_pdf(render_html(ctx), base_dir=template_dir(), lang=ctx.lang)
    return ctx, result, PdfReader(io.BytesIO(result.pdf))


def test_pages_outline_and_metadata(rendered: tuple[ReportContext, pdf.Rendered, PdfReader]) -> None:
    ctx, result, reader = rendered
    assert len(reader.pages) == result.pages >= 15
    titles = flat_titles(reader.outline)
    t = ctx.t
    for expected in (t["executive_summary"], t["scorecard"], t["decisions"], t["roadmap"], t["appendix"]):
        assert expected in titles
    for step in ctx.steps:
        assert step.title in titles
    assert t["contents"] not in titles and ctx.title not in titles  # cover and contents stay out
    meta = reader.metadata
    assert meta is not None
    assert meta["/Title"] == f"{ctx.title}{t['title_sep']}{ctx.enterprise}"
    assert meta["/Author"] and ctx.enterprise in meta["/Subject"]
    assert meta["/CreationDate"].startswith("D:20260302")


def test_nothing_is_drawn_as_boxes_and_nothing_failed(rendered: tuple[ReportContext, pdf.Rendered, PdfReader]) -> None:
    _, result, _ = rendered
    assert result.missing_glyphs == []
    problems = [line for line in result.log if not NOISE.search(line)]
    assert problems == []


Rendered = tuple[ReportContext, pdf.Rendered, PdfReader]


def test_fonts_are_embedded_and_chinese_uses_a_cjk_font(rendered: Rendered) -> None:
    ctx, _, reader = rendered
    fonts = embedded_fonts(reader)
    assert fonts and all(fonts.values()), fonts
    cjk = [name for name in fonts if re.search(r"CJK|WenQuanYi|WQY|SourceHan", name, re.I)]
    assert cjk, fonts
    if ctx.lang == "en":
        assert any("DejaVu" in name for name in fonts)


def test_text_headers_footers_and_contents_are_real_text(rendered: Rendered) -> None:
    ctx, result, reader = rendered
    summary = page_text(reader, 1)  # the executive brief follows the cover
    assert ctx.t["executive_summary"] in summary  # Chinese headings extract as Chinese
    assert ctx.enterprise in summary  # running header
    if ctx.lang == "zh":
        assert f"第 2 页 / 共 {result.pages} 页" in summary
    else:
        assert f"Page 2 of {result.pages}" in summary
    contents = next(page_text(reader, i) for i in range(2, 5) if ctx.t["scorecard"] in page_text(reader, i))
    assert re.search(re.escape(ctx.t["executive_summary"]) + r"[ .]*2\b", contents)
    cover = page_text(reader, 0)
    assert ctx.enterprise in cover and "Page" not in cover and "页" not in cover


def test_the_hostile_note_is_printed_as_text_and_nothing_is_attached(
    rendered: tuple[ReportContext, pdf.Rendered, PdfReader],
) -> None:
    _, result, reader = rendered
    assert reader.attachments == {}
    assert b"/EmbeddedFile" not in result.pdf
    text = squash(" ".join(page.extract_text() for page in reader.pages[-8:]))
    assert "<script>alert(1)</script>" in text
    assert "<link rel=attachment href=file:///etc/hostname>" in text


def test_a_branded_report_embeds_the_logo(content: Content, tmp_path: Path) -> None:
    brand = logo_brand(tmp_path)
    ctx = sample_context(content, "en", brand)
    result = pdf.render_pdf(render_html(ctx), base_dir=template_dir(), allowed_roots=[tmp_path], lang="en")
    reader = PdfReader(io.BytesIO(result.pdf))
    assert "/XObject" in reader.pages[0]["/Resources"]  # the logo image
    assert "Northwind Advisory" in page_text(reader, 0)
    assert "Northwind Advisory" in page_text(reader, 2)  # running footer


# --- the fetcher and options on small documents ---------------------------------------------


def small(body: str, lang: str = "en") -> str:
    return f'<html lang="{lang}"><head><title>t</title></head><body><p>Hello</p>{body}</body></html>'


@pytest.mark.parametrize(
    "body",
    [
        '<img src="file:///etc/passwd" alt="x">',
        '<link rel="attachment" href="file:///etc/hostname">',
        '<img src="http://127.0.0.1:9/x.png" alt="x">',
        '<div style="background: url(file:///etc/shadow)">x</div>',
        '<img src="../../../../../../etc/passwd" alt="x">',
    ],
)
def test_the_fetcher_refuses_files_outside_the_allowed_folders_and_the_network(body: str) -> None:
    with pytest.raises(RenderError, match="may not"):
        pdf.render_pdf(small(body), base_dir=template_dir())


def test_the_fetcher_allows_data_urls_and_files_under_the_allowed_folders(tmp_path: Path) -> None:
    import base64

    from tests.test_report_html import png

    (tmp_path / "logo.png").write_bytes(png())
    data = base64.b64encode(png()).decode()
    body = f'<img src="{(tmp_path / "logo.png").as_uri()}" alt="a"><img src="data:image/png;base64,{data}" alt="b">'

    result = pdf.render_pdf(small(body), base_dir=template_dir(), allowed_roots=[tmp_path])
    assert result.pages == 1 and result.pdf.startswith(b"%PDF")


def test_pdf_variant_is_passed_through_and_checked() -> None:
    result = pdf.render_pdf(small(""), base_dir=template_dir(), pdf_variant="pdf/a-3u")
    root = PdfReader(io.BytesIO(result.pdf)).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="U"' in xmp
    assert "/OutputIntents" in root
    with pytest.raises(RenderError, match="unknown PDF variant"):
        pdf.render_pdf(small(""), base_dir=template_dir(), pdf_variant="pdf/z-9")


def test_missing_glyphs_are_reported() -> None:
    result = pdf.render_pdf(small("<p>\U000f0001</p>"), base_dir=template_dir())
    assert result.missing_glyphs and ".notdef" in result.missing_glyphs[0]


def test_a_chinese_report_without_a_cjk_font_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "cjk_font_families", lambda: ())
    with pytest.raises(RenderError, match="fonts-noto-cjk"):
        pdf.render_pdf(small("<p>中文</p>", "zh-CN"), base_dir=template_dir(), lang="zh")
    pdf.render_pdf(small(""), base_dir=template_dir(), lang="en")  # English without Chinese text still works
