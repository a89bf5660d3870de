"""report, demo and doctor: the commands that produce the PDF/HTML report and check the machine for it.

Jinja2 and WeasyPrint are imported inside the commands, so `readiness --help` stays fast.
"""

import os
import sys
import time
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import RenderError
from ..report import PDF_VARIANTS
from .common import ContentDirOption, Lang, LangOption, err, escape, load, out, user_errors

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..model import Answers, Content


class ReportFormat(StrEnum):
    pdf = "pdf"
    html = "html"
    md = "md"
    json = "json"


PdfVariant = Enum(  # type: ignore[misc]
    "PdfVariant", {v.replace("/", "_").replace("-", "_"): v for v in PDF_VARIANTS}, type=str
)
SUFFIXES = {
    ".pdf": ReportFormat.pdf,
    ".html": ReportFormat.html,
    ".htm": ReportFormat.html,
    ".md": ReportFormat.md,
    ".json": ReportFormat.json,
}


def report(
    answers_file: Annotated[Path, typer.Argument(help="The answers file (YAML).", metavar="ANSWERS")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Where to write the report. Default: next to ANSWERS, e.g. acme.pdf."),
    ] = None,
    fmt: Annotated[
        ReportFormat | None,
        typer.Option("--format", "-f", help="pdf, html, md or json. Default: from the output's extension, else pdf."),
    ] = None,
    lang: Annotated[Lang | None, LangOption] = None,
    brand: Annotated[
        Path | None,
        typer.Option("--brand", help="A brand file (YAML): firm, logo, primary_colour, contact, disclaimer."),
    ] = None,
    pdf_variant: Annotated[
        PdfVariant | None,
        typer.Option(
            "--pdf-variant",
            metavar="VARIANT",
            help="Write an archival (PDF/A, e.g. pdf/a-3u), accessible (pdf/ua-1) or print (pdf/x-4) PDF.",
        ),
    ] = None,
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """Write the assessment report: cover, summary, scorecard, steps, recommendations, roadmap, appendix."""
    with user_errors():
        from ..files import content_inputs, refuse_inputs
        from ..resources import content_dir as resolve_content

        # Checked first (never a report over the answers), before the (slow) rendering, and again
        # by the writer.
        inputs = [answers_file, brand, *content_inputs(resolve_content(content_dir))]
        if output is not None:
            refuse_inputs(output, inputs)
        chosen = _format_for(output, fmt)
        if pdf_variant is not None and chosen is not ReportFormat.pdf:
            raise typer.BadParameter("applies to PDF output only", param_hint="--pdf-variant")
        target = output or answers_file.with_suffix(f".{chosen.value}")
        refuse_inputs(target, inputs)
        content, _ = load(content_dir)
        from ..loader import load_answers

        answers = load_answers(answers_file, content)
        _refuse_blank(answers, answers_file)
        produce(
            content,
            answers,
            chosen,
            target,
            lang=lang.value if lang else None,
            brand_file=brand,
            pdf_variant=pdf_variant.value if pdf_variant else None,
            content_root=content_dir,
            inputs=inputs,
        )


def _format_for(output: Path | None, fmt: ReportFormat | None) -> ReportFormat:
    """The format asked for, and an output name that says the same: never a PDF named .docx."""
    suffix = output.suffix.lower() if output else ""
    named = SUFFIXES.get(suffix)
    if suffix and named is None:
        allowed = ", ".join(sorted(SUFFIXES))
        raise typer.BadParameter(f"{suffix} is not a report format; name the file {allowed}", param_hint="--output")
    if fmt is not None and named is not None and named is not fmt:
        raise typer.BadParameter(
            f"the file name says {named.value} but --format says {fmt.value}", param_hint="--format"
        )
    return fmt or named or ReportFormat.pdf


def _refuse_blank(answers: "Answers", path: Path) -> None:
    """A report needs answers: a blank template would give a full report about nobody."""
    from ..errors import AnswersError, Issue

    if not answers.answers:
        message = "no question is answered yet: fill in the file (or run `readiness assess --answers FILE`) first"
        raise AnswersError([Issue(str(path), message)])


def produce(
    content: "Content",
    answers: "Answers",
    fmt: ReportFormat,
    target: Path,
    *,
    lang: str | None = None,
    brand_file: Path | None = None,
    pdf_variant: str | None = None,
    content_root: Path | None = None,
    inputs: "Iterable[Path | None]" = (),
) -> None:
    """Render one format and write it (never over one of `inputs`); reports what was written on stderr."""
    from ..files import write_atomically
    from ..report.documents import render_report

    started = time.perf_counter()
    document = render_report(
        content,
        answers,
        fmt.value,
        lang=lang,
        brand_file=brand_file,
        content_root=content_root,
        pdf_variant=pdf_variant,
    )
    write_atomically(target, document.data, inputs=inputs)
    pages = f"{document.pages} pages, " if document.pages else ""
    err.print(f"wrote {escape(str(target))} ({pages}{time.perf_counter() - started:.1f} s)")
    if document.missing_glyphs:
        err.print(
            f"[yellow]warning:[/] {len(document.missing_glyphs)} piece(s) of text have no font and show as boxes:"
        )
        for message in document.missing_glyphs[:5]:
            err.print(f"  {escape(message)}")


def demo(
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", "-l", help="en or zh. Default: both languages."),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="DIR", help="The folder to write into.", file_okay=False)
    ] = Path("out"),
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """Report on the bundled example enterprise: a PDF and an HTML file per language (both unless --lang).

    Writes DIR/example-en.pdf, DIR/example-en.html, DIR/example-zh.pdf and DIR/example-zh.html,
    and prints their paths.
    """
    with user_errors():
        content, _ = load(content_dir)
        from ..loader import load_answers
        from ..resources import example_answers

        answers = load_answers(example_answers("example"), content)
        for code in [lang.value] if lang else ["en", "zh"]:
            for fmt in (ReportFormat.pdf, ReportFormat.html):
                target = output / f"example-{code}.{fmt.value}"
                produce(content, answers, fmt, target, lang=code, content_root=content_dir)
                out.print(escape(str(target)))


# --- doctor ---------------------------------------------------------------------------------

PACKAGES = ("weasyprint", "jinja2", "pydantic", "typer", "pyyaml", "rich")


@user_errors()  # the error boundary, as a decorator: doctor has its own exit codes
def doctor(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The folder reports will be written to.", file_okay=False)
    ] = Path(),
) -> None:
    """Check that this machine can produce reports: packages, Pango, HarfBuzz, Chinese fonts, output folder."""
    from rich.table import Table

    rows = _checks(output)
    styles = {"ok": "green", "warning": "yellow", "missing": "bold red"}
    table = Table(title="readiness doctor", title_justify="left", show_header=True, header_style="bold")
    for column in ("check", "status", "detail"):
        table.add_column(column)
    for check, status, detail, _ in rows:
        table.add_row(check, f"[{styles[status]}]{status}[/]", escape(detail))
    out.print(table)
    fixes = dict.fromkeys(fix for _, status, _, fix in rows if fix and status != "ok")
    if fixes:
        out.print("\nTo fix:")
        for fix in fixes:
            out.print(f"  {escape(fix)}")
    if any(status == "missing" for _, status, _, _ in rows):
        raise typer.Exit(1)


def _checks(output: Path) -> list[tuple[str, str, str, str]]:
    """(check, status, detail, how to fix) rows; status is ok, warning (works, but slowly) or missing."""
    import importlib.metadata

    from ..report import pdf

    version = ".".join(map(str, sys.version_info[:3]))
    rows = [("Python", "ok" if sys.version_info >= (3, 11) else "missing", version, "Python 3.11 or newer")]
    for name in PACKAGES:
        try:
            rows.append((f"Python package {name}", "ok", importlib.metadata.version(name), ""))
        except importlib.metadata.PackageNotFoundError:
            rows.append((f"Python package {name}", "missing", "not installed", f"pip install {name}"))
    rows.append(_pango(pdf))
    if pdf.has_harfbuzz_subset():
        rows.append(("HarfBuzz subsetting", "ok", "libharfbuzz-subset found: fonts are subset quickly", ""))
    else:
        rows.append(
            (
                "HarfBuzz subsetting",
                "warning",
                "not found: Chinese PDFs render about 10x slower",
                f"sudo apt-get install {pdf.HARFBUZZ_SUBSET_PACKAGE}",
            )
        )
    families = pdf.cjk_font_families()
    if families is None:
        rows.append(
            ("Chinese fonts", "warning", "fc-list is not available, cannot check", "sudo apt-get install fontconfig")
        )
    elif families:
        shown = [f for f in pdf.CJK_FONT_ORDER if f in families] or list(families)
        more = f" and {len(families) - len(shown[:3])} more" if len(families) > len(shown[:3]) else ""
        rows.append(("Chinese fonts", "ok", ", ".join(shown[:3]) + more, ""))
    else:
        rows.append(
            ("Chinese fonts", "missing", "no font with Chinese characters", f"sudo apt-get install {pdf.CJK_PACKAGES}")
        )
    rows.append(("Output folder", *_writable(output)))
    return rows


def _pango(pdf: Any) -> tuple[str, str, str, str]:
    check = "Pango (import weasyprint)"
    try:
        weasyprint = pdf.import_weasyprint()
        from weasyprint.text.ffi import pango

        number = pango.pango_version()
    except (RenderError, ImportError, AttributeError) as exc:
        return check, "missing", str(exc)[:120], f"sudo apt-get install {pdf.PANGO_PACKAGES}"
    pango_version = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    return check, "ok", f"WeasyPrint {weasyprint.__version__}, Pango {pango_version}", ""


def _writable(folder: Path) -> tuple[str, str, str]:
    fix = f"choose a folder you can write to (--output), or create {folder}"
    if not folder.exists():
        parent = next((p for p in folder.resolve().parents if p.exists()), None)
        if parent is not None and parent.is_dir() and os.access(parent, os.W_OK):
            return "ok", f"{folder} will be created", ""
        return "missing", f"{folder} does not exist and cannot be created", fix
    if not folder.is_dir():
        return "missing", f"{folder} is a file, not a folder", fix
    try:
        import tempfile

        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return "missing", f"cannot write to {folder}: {exc.strerror}", fix
    return "ok", f"{folder.resolve()} is writable", ""


def register(app: typer.Typer) -> None:
    app.command()(report)
    app.command()(demo)
    app.command()(doctor)
