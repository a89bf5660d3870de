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

from ..catalogue import text
from ..errors import RenderError
from ..report import PDF_VARIANTS, REPORT_SUFFIXES
from .common import (
    ContentDirOption,
    Lang,
    LangOption,
    add_command,
    cli_lang,
    err,
    escape,
    h,
    load,
    out,
    say,
    use_lang,
    user_errors,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..model import Answers, Content
    from ..report.peers import Peer


class ReportFormat(StrEnum):
    """The `--format` choices: the names of REPORT_FORMATS (a test keeps the two the same)."""

    pdf = "pdf"
    html = "html"
    md = "md"
    json = "json"


class Appendix(StrEnum):
    technical = "technical"


PdfVariant = Enum(  # type: ignore[misc]
    "PdfVariant", {v.replace("/", "_").replace("-", "_"): v for v in PDF_VARIANTS}, type=str
)
SUFFIXES = {suffix: ReportFormat(name) for suffix, name in REPORT_SUFFIXES.items()}


def report(
    answers_file: Annotated[Path, typer.Argument(help=h("report.answers_file"), metavar="ANSWERS")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=h("report.output")),
    ] = None,
    fmt: Annotated[
        ReportFormat | None,
        typer.Option("--format", "-f", help=h("report.fmt")),
    ] = None,
    lang: Annotated[Lang | None, LangOption] = None,
    brand: Annotated[
        Path | None,
        typer.Option("--brand", help=h("report.brand")),
    ] = None,
    pdf_variant: Annotated[
        PdfVariant | None,
        typer.Option(
            "--pdf-variant",
            metavar="VARIANT",
            help=h("report.pdf_variant"),
        ),
    ] = None,
    content_dir: Annotated[Path | None, ContentDirOption] = None,
    summary: Annotated[bool, typer.Option("--summary", help=h("report.summary"))] = False,
    appendix: Annotated[
        Appendix | None, typer.Option("--appendix", metavar="technical", help=h("report.appendix"))
    ] = None,
    draft: Annotated[bool, typer.Option("--draft", help=h("report.draft"))] = False,
    commentary: Annotated[
        Path | None, typer.Option("--commentary", metavar="FILE", help=h("report.commentary"))
    ] = None,
    peers: Annotated[
        Path | None,
        typer.Option("--peers", metavar="PORTFOLIO.JSONL", help=h("report.peers")),
    ] = None,
) -> None:
    """Write the assessment report: cover, summary, scorecard, steps, recommendations, roadmap, appendix."""
    with user_errors(lang):
        from ..files import content_inputs, refuse_inputs
        from ..resources import content_dir as resolve_content

        # Checked first (never a report over the answers), before the (slow) rendering, and again
        # by the writer.
        inputs = [answers_file, brand, commentary, peers, *content_inputs(resolve_content(content_dir))]
        if output is not None:
            refuse_inputs(output, inputs)
        chosen = _format_for(output, fmt)
        if pdf_variant is not None and chosen is not ReportFormat.pdf:
            raise typer.BadParameter(say("pdf_only"), param_hint="--pdf-variant")
        target = output or answers_file.with_suffix(f".{chosen.value}")
        refuse_inputs(target, inputs)
        content, _ = load(content_dir)
        from ..loader import load_answers

        answers = load_answers(answers_file, content)
        use_lang(lang or answers.lang)
        if not draft:
            _refuse_blank(answers, answers_file)
        from ..assess import run_assessment

        assessment = run_assessment(content, answers)
        _refuse_draft(answers, assessment, answers_file, draft)
        peer_records = _load_peers(peers, answers) if peers else None
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
            commentary_file=commentary,
            summary_only=summary,
            technical=appendix is Appendix.technical,
            draft=draft,
            assessment=assessment,
            peers=peer_records,
        )


def _load_peers(path: Path, answers: "Answers") -> "list[Peer]":
    """The portfolio's firms; a warning when too few resemble the enterprise to compare with."""
    from ..catalogue import text
    from ..report.peers import MIN_COHORT, choose_cohort, load_peers

    found = load_peers(path, cli_lang())
    enterprise = answers.enterprise
    industry, size = str(enterprise.get("industry") or ""), str(enterprise.get("size") or "")
    if choose_cohort(found, industry, size, str(enterprise.get("name") or "")) is None:
        note = text(cli_lang(), "peers.too_few", count=len(found), minimum=MIN_COHORT)
        err.print(f"[yellow]{say('warning')}[/]{escape(note)}")
    return found


def _format_for(output: Path | None, fmt: ReportFormat | None) -> ReportFormat:
    """The format asked for, and an output name that says the same: never a PDF named .docx."""
    suffix = output.suffix.lower() if output else ""
    named = SUFFIXES.get(suffix)
    if suffix and named is None:
        allowed = ", ".join(sorted(SUFFIXES))
        raise typer.BadParameter(say("not_a_format", suffix=suffix, allowed=allowed), param_hint="--output")
    if fmt is not None and named is not None and named is not fmt:
        raise typer.BadParameter(say("format_mismatch", named=named.value, fmt=fmt.value), param_hint="--format")
    return fmt or named or ReportFormat.pdf


def _refuse_blank(answers: "Answers", path: Path) -> None:
    """A report needs answers: a blank template would give a full report about nobody."""
    from ..errors import AnswersError, Issue

    if not answers.answers:
        raise AnswersError([Issue(str(path), say("blank_report"))])


def _refuse_draft(answers: "Answers", assessment: Any, path: Path, draft: bool) -> None:
    """Incomplete answers make a draft, and a draft is written only when asked for (--draft)."""
    from ..errors import AnswersError, Issue
    from ..report.documents import draft_reasons

    lang = cli_lang()
    reasons = draft_reasons(answers, assessment, lang)
    if reasons and not draft:
        joined = text(lang, "brief.cli.reason_sep").join(reasons)
        raise AnswersError([Issue(str(path), text(lang, "brief.cli.draft_refused", reasons=joined))])


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
    commentary_file: Path | None = None,
    summary_only: bool = False,
    technical: bool = False,
    draft: bool = False,
    assessment: Any = None,
    peers: "list[Peer] | None" = None,
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
        commentary_file=commentary_file,
        summary_only=summary_only,
        technical=technical,
        draft=draft,
        assessment=assessment,
        peers=peers,
    )
    write_atomically(target, document.data, inputs=inputs)
    pages = say("pages", n=document.pages) if document.pages else ""
    err.print(escape(say("wrote_timed", path=target, pages=pages, seconds=time.perf_counter() - started)))
    if document.missing_glyphs:
        err.print(f"[yellow]{say('warning')}[/]{say('missing_glyphs', count=len(document.missing_glyphs))}")
        for message in document.missing_glyphs[:5]:
            err.print(f"  {escape(message)}")


def demo(
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", "-l", help=h("demo.lang")),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="DIR", help=h("demo.output"), file_okay=False)
    ] = Path("out"),
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """Report on the bundled example enterprise: a PDF and an HTML file per language (both unless --lang).

    Writes DIR/example-en.pdf, DIR/example-en.html, DIR/example-zh.pdf and DIR/example-zh.html,
    and prints their paths.
    """
    with user_errors(lang):
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
    output: Annotated[Path, typer.Option("--output", "-o", help=h("doctor.output"), file_okay=False)] = Path(),
) -> None:
    """Check that this machine can produce reports: packages, Pango, HarfBuzz, Chinese fonts, output folder."""
    from rich.table import Table

    rows = _checks(output)
    styles = {"ok": "green", "warning": "yellow", "missing": "bold red"}
    table = Table(title=say("doctor_title"), title_justify="left", show_header=True, header_style="bold")
    for column in ("doctor_check", "doctor_status", "doctor_detail"):
        table.add_column(say(column))
    for check, status, detail, _ in rows:
        table.add_row(escape(check), f"[{styles[status]}]{say('status_' + status)}[/]", escape(detail))
    out.print(table)
    fixes = dict.fromkeys(fix for _, status, _, fix in rows if fix and status != "ok")
    if fixes:
        out.print(f"\n{say('doctor_fix')}")
        for fix in fixes:
            out.print(f"  {escape(fix)}")
    if any(status == "missing" for _, status, _, _ in rows):
        raise typer.Exit(1)


def _checks(output: Path) -> list[tuple[str, str, str, str]]:
    """(check, status, detail, how to fix) rows; status is ok, warning (works, but slowly) or missing."""
    import importlib.metadata

    from ..report import pdf

    version = ".".join(map(str, sys.version_info[:3]))
    rows = [("Python", "ok" if sys.version_info >= (3, 11) else "missing", version, say("python_fix"))]
    for name in PACKAGES:
        check = say("check_package", name=name)
        try:
            rows.append((check, "ok", importlib.metadata.version(name), ""))
        except importlib.metadata.PackageNotFoundError:
            rows.append((check, "missing", say("not_installed"), f"pip install {name}"))
    rows.append(_pango(pdf))
    if pdf.has_harfbuzz_subset():
        rows.append((say("check_harfbuzz"), "ok", say("harfbuzz_ok"), ""))
    else:
        rows.append(
            (
                say("check_harfbuzz"),
                "warning",
                say("harfbuzz_missing"),
                f"sudo apt-get install {pdf.HARFBUZZ_SUBSET_PACKAGE}",
            )
        )
    families = pdf.cjk_font_families()
    if families is None:
        rows.append((say("check_fonts"), "warning", say("no_fc_list"), "sudo apt-get install fontconfig"))
    elif families:
        shown = [f for f in pdf.CJK_FONT_ORDER if f in families] or list(families)
        more = say("fonts_more", n=len(families) - len(shown[:3])) if len(families) > len(shown[:3]) else ""
        rows.append((say("check_fonts"), "ok", ", ".join(shown[:3]) + more, ""))
    else:
        rows.append((say("check_fonts"), "missing", say("fonts_missing"), f"sudo apt-get install {pdf.CJK_PACKAGES}"))
    rows.append((say("check_output"), *_writable(output)))
    return rows


def _pango(pdf: Any) -> tuple[str, str, str, str]:
    check = say("check_pango")
    try:
        weasyprint = pdf.import_weasyprint()
        from weasyprint.text.ffi import pango

        number = pango.pango_version()
    except (RenderError, ImportError, AttributeError) as exc:
        return check, "missing", str(exc)[:120], f"sudo apt-get install {pdf.PANGO_PACKAGES}"
    pango_version = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    return check, "ok", f"WeasyPrint {weasyprint.__version__}, Pango {pango_version}", ""


def _writable(folder: Path) -> tuple[str, str, str]:
    fix = say("folder_fix", folder=folder)
    if not folder.exists():
        parent = next((p for p in folder.resolve().parents if p.exists()), None)
        if parent is not None and parent.is_dir() and os.access(parent, os.W_OK):
            return "ok", say("folder_will_be_created", folder=folder), ""
        return "missing", say("folder_cannot_be_created", folder=folder), fix
    if not folder.is_dir():
        return "missing", say("folder_is_file", folder=folder), fix
    try:
        import tempfile

        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return "missing", say("folder_not_writable", folder=folder, reason=exc.strerror), fix
    return "ok", say("folder_writable", folder=folder.resolve()), ""


def register(app: typer.Typer) -> None:
    add_command(app, report)
    add_command(app, demo)
    add_command(app, doctor)
