"""HTML -> PDF with WeasyPrint, imported here and only when a PDF is made (it costs about a second).

The renderer may read nothing but data: URLs and files under the template folder and the brand
file's folder; there is no network access. Missing CJK fonts are reported before rendering, and
missing glyphs (WeasyPrint's ".notdef" warnings) are collected and returned, never drawn silently.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import logging
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from ..errors import RenderError
from ..languages import CJK
from . import PDF_VARIANTS

CJK_FONT_ORDER = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
)
CJK_PACKAGES = "fonts-noto-cjk (or the lighter fonts-wqy-microhei)"
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"
HARFBUZZ_SUBSET_PACKAGE = "libharfbuzz-subset0"
_CJK_TEXT = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    missing_glyphs: list[str] = field(default_factory=list)  # ".notdef" warnings: text drawn as boxes
    log: list[str] = field(default_factory=list)  # everything WeasyPrint warned about, "LEVEL message"


# --- system checks (also used by `readiness doctor`) ----------------------------------------


@functools.lru_cache(maxsize=1)
def cjk_font_families() -> tuple[str, ...] | None:
    """Families with Chinese glyphs, as fontconfig sees them; None when fc-list is not available."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        done = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    names = {part.strip() for line in done.stdout.splitlines() for part in line.split(",") if part.strip()}
    return tuple(sorted(names))


def has_harfbuzz_subset() -> bool:
    """WeasyPrint subsets fonts with HarfBuzz when it can; without it CJK PDFs are about 10x slower."""
    if ctypes.util.find_library("harfbuzz-subset"):
        return True
    try:
        ctypes.CDLL("libharfbuzz-subset.so.0")
    except OSError:
        return False
    return True


def needs_cjk_font(html: str, lang: str) -> bool:
    return lang in CJK or bool(_CJK_TEXT.search(html))


def check_cjk_font() -> None:
    families = cjk_font_families()
    if families is not None and not families:
        raise RenderError(
            "no font with Chinese characters is installed, so the PDF would show empty boxes. "
            f"Install one, e.g. on Debian/Ubuntu: sudo apt-get install {CJK_PACKAGES}"
        )


def import_weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise RenderError(
            f"WeasyPrint cannot start ({exc}). It needs Pango: on Debian/Ubuntu, sudo apt-get install {PANGO_PACKAGES}"
        ) from None
    return weasyprint


# --- the fetcher ----------------------------------------------------------------------------


def make_url_fetcher(roots: Sequence[Path]) -> Any:
    """A WeasyPrint URLFetcher that serves data: URLs and regular files under `roots`, and nothing else."""
    from weasyprint.urls import URLFetcher

    allowed = tuple(Path(root).resolve() for root in roots)

    class ConfinedFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=5, fail_on_errors=True)

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "file":
                path = Path(url2pathname(parts.path)).resolve()  # resolve() defeats ../ and symlinks
                if not any(path.is_relative_to(root) for root in allowed) or not path.is_file():
                    raise ValueError(f"the report may not read {path}")
            elif scheme != "data":
                raise ValueError(f"the report may not load {url[:80]!r}: network access is disabled")
            return super().fetch(url, headers)

    return ConfinedFetcher()


# --- rendering ------------------------------------------------------------------------------


@contextlib.contextmanager
def captured_weasyprint_log() -> Iterator[list[logging.LogRecord]]:
    """Collect what WeasyPrint logs (warnings and errors) while keeping it off the terminal."""
    records: list[logging.LogRecord] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("weasyprint")
    handler = Collector(level=logging.WARNING)
    old_propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.propagate = old_propagate


def check_variant(pdf_variant: str | None) -> None:
    if pdf_variant is not None and pdf_variant not in PDF_VARIANTS:
        raise RenderError(f"unknown PDF variant {pdf_variant!r}; choose one of: {', '.join(PDF_VARIANTS)}")


def render_pdf(
    html: str,
    *,
    base_dir: Path,
    allowed_roots: Sequence[Path] = (),
    lang: str = "en",
    pdf_variant: str | None = None,
) -> Rendered:
    """The PDF bytes of the report. `base_dir` (the template folder) is always readable."""
    check_variant(pdf_variant)
    document, records = _layout(html, base_dir, allowed_roots, lang)
    options: dict[str, Any] = {"pdf_variant": pdf_variant} if pdf_variant else {}
    with captured_weasyprint_log() as more:
        try:
            pdf = document.write_pdf(**options)
        except BaseException as exc:  # FatalURLFetchingError derives from BaseException
            _raise_fetch_error(exc)
            raise
    records = records + more
    return Rendered(
        pdf=pdf,
        pages=len(document.pages),
        missing_glyphs=missing_glyphs(records),
        log=[f"{r.levelname} {r.getMessage()}" for r in records],
    )


def _layout(html: str, base_dir: Path, allowed_roots: Sequence[Path], lang: str) -> tuple[Any, list[logging.LogRecord]]:
    if needs_cjk_font(html, lang):
        check_cjk_font()
    weasyprint = import_weasyprint()
    fetcher = make_url_fetcher([base_dir, *allowed_roots])
    with captured_weasyprint_log() as records:
        try:
            document = weasyprint.HTML(string=html, base_url=str(base_dir), url_fetcher=fetcher).render()
        except BaseException as exc:
            _raise_fetch_error(exc)
            raise
    return document, records


def _raise_fetch_error(exc: BaseException) -> None:
    from weasyprint.urls import FatalURLFetchingError

    if isinstance(exc, FatalURLFetchingError):
        raise RenderError(f"the report tried to load a resource it may not use: {exc}") from None


def missing_glyphs(records: Sequence[logging.LogRecord]) -> list[str]:
    return [record.getMessage() for record in records if ".notdef" in record.getMessage()]
