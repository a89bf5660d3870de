"""A consultant's brand file (`--brand BRAND.yaml`) -> the Brand the report context carries.

```yaml
firm: {en: Example Consulting, zh: 示例咨询}   # or one name for every language
logo: logo.png              # PNG or SVG, relative to this file, at most 1 MB
primary_colour: "#0b6e4f"   # the report's one accent colour
contact: advisory@example.com, +86 21 5555 0000
author: Li Wei              # who signs the report
disclaimer: Based on the enterprise's own answers; not audited.
commentary:                 # Markdown, shown after the executive brief (no HTML)
  en: |
    **Our view.** Start with the quotation assistant ...
  zh: |
    **我们的看法。** 先从报价助手做起……
```

Every text field is either one text or a text per language (en, zh); a language that is missing
falls back to the other. The logo is read and checked here and travels as a data: URI, so the
renderer fetches no file.
"""

from __future__ import annotations

import base64
import io
import warnings
from pathlib import Path

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from ..errors import ContentError, Issue
from ..languages import LANGUAGES
from ..loader import read_yaml, validate
from .charts import HEX_COLOUR
from .context import Brand

MAX_BRAND_BYTES = 64_000
MAX_LOGO_BYTES = 1_000_000
MAX_LOGO_PIXELS = 25_000_000  # 5000 x 5000: far more than a logo needs, and decoded in well under a second
LOGO_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}


MAX_COMMENTARY_CHARS = 8000
LIMITS = {"firm": 200, "contact": 500, "author": 200, "disclaimer": 2000, "commentary": MAX_COMMENTARY_CHARS}
BrandText = str | dict[str, str]  # one text, or a text per language


class BrandFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    firm: BrandText = ""
    logo: str = Field(default="", max_length=500)
    primary_colour: str = Field(default="#1f4e79", validation_alias=AliasChoices("primary_colour", "primary_color"))
    contact: BrandText = ""
    author: BrandText = ""
    disclaimer: BrandText = ""
    commentary: BrandText = ""

    @field_validator(*LIMITS)
    @classmethod
    def _text(cls, value: BrandText, info: ValidationInfo) -> BrandText:
        limit = LIMITS[str(info.field_name)]
        texts = {"": value} if isinstance(value, str) else value
        for lang, text in texts.items():
            if lang and lang not in LANGUAGES:
                raise ValueError(f"{lang!r} is not a language; write one text, or one per language: {list(LANGUAGES)}")
            if len(text) > limit:
                raise ValueError(f"at most {limit:,} characters; got {len(text):,}")
        return value

    @field_validator("primary_colour")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not HEX_COLOUR.match(value):
            raise ValueError(f'primary_colour must be a colour written #rrggbb, e.g. "#1f4e79"; got {value!r}')
        return value.lower()


def pick(value: str | dict[str, str], lang: str) -> str:
    """A brand text in `lang`, else in another language given."""
    if isinstance(value, str):
        return value.strip()
    return (value.get(lang) or next(iter(value.values()), "")).strip()


def load_brand(path: Path, lang: str = "en", commentary: Path | None = None) -> Brand:
    """Read and check a brand file, in one language; every problem names the file and line.
    `commentary` is a Markdown file that replaces the brand file's commentary."""
    try:
        doc = read_yaml(path, max_bytes=MAX_BRAND_BYTES, allow_aliases=False)
    except ContentError as exc:
        raise ContentError(exc.issues, what="brand file") from None
    issues: list[Issue] = []
    if not isinstance(doc.data, dict):
        raise ContentError(
            [doc.issue((), f"expected a mapping with {', '.join(BrandFile.model_fields)}")],
            what="brand file",
        )
    brand = validate(BrandFile, doc, doc.data, (), issues)
    if brand is None:
        raise ContentError(issues, what="brand file")
    logo_uri = ""
    if brand.logo:
        logo_uri, problem = _logo_data_uri(path.parent / brand.logo)
        if problem:
            raise ContentError([doc.issue(("logo",), problem)], what="brand file")
    return Brand(
        firm=pick(brand.firm, lang),
        logo_data_uri=logo_uri,
        primary_colour=brand.primary_colour,
        contact=pick(brand.contact, lang),
        disclaimer=pick(brand.disclaimer, lang),
        author=pick(brand.author, lang),
        commentary=read_commentary(commentary) if commentary else pick(brand.commentary, lang),
    )


def read_commentary(path: Path) -> str:
    """A commentary file: UTF-8 Markdown of at most MAX_COMMENTARY_CHARS characters."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ContentError([Issue(str(path), "no such file")], what="commentary") from None
    except OSError as exc:
        raise ContentError([Issue(str(path), f"cannot read it: {exc.strerror}")], what="commentary") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError([Issue(str(path), f"not UTF-8 text (byte {exc.start})")], what="commentary") from None
    if len(text) > MAX_COMMENTARY_CHARS:
        message = f"{len(text):,} characters; the limit is {MAX_COMMENTARY_CHARS:,}"
        raise ContentError([Issue(str(path), message)], what="commentary")
    return text.strip()


def _logo_data_uri(logo: Path) -> tuple[str, str]:
    """(data URI, "") for a good logo, ("", what is wrong) otherwise."""
    mime = LOGO_TYPES.get(logo.suffix.lower())
    if mime is None:
        return "", f"the logo must be a .png or .svg file; got {logo.name!r}"
    try:
        size = logo.stat().st_size
        if not logo.is_file():
            return "", f"the logo {str(logo)!r} is not a file"
        if size > MAX_LOGO_BYTES:
            return "", f"the logo {str(logo)!r} is {size:,} bytes; the limit is {MAX_LOGO_BYTES:,}"
        data = logo.read_bytes()
    except FileNotFoundError:
        return "", f"the logo file {str(logo)!r} does not exist (paths are relative to the brand file)"
    except OSError as exc:
        return "", f"cannot read the logo {str(logo)!r}: {exc.strerror}"
    if mime == "image/png" and not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "", f"the logo {str(logo)!r} is not a PNG image"
    if mime == "image/svg+xml" and b"<svg" not in data[:4096]:
        return "", f"the logo {str(logo)!r} is not an SVG image"
    problem = _png_problem(data) if mime == "image/png" else _svg_problem(data)
    if problem:
        # The renderer would drop a logo it cannot read without a word: say so instead.
        return "", f"the logo {str(logo)!r} cannot be used: {problem}"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}", ""


def _png_problem(data: bytes) -> str:
    """What is wrong with a PNG that has the right signature, read as the renderer reads it (Pillow)."""
    try:
        from PIL import Image, ImageFile
    except ImportError:  # pragma: no cover - WeasyPrint depends on Pillow
        return ""
    too_big = f"far too many pixels for a logo (at most {MAX_LOGO_PIXELS:,})"
    # WeasyPrint lets Pillow load truncated images once it is imported; a logo is checked whole.
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
                width, height = image.size
                image.verify()  # the chunk structure and checksums
            if width * height > MAX_LOGO_PIXELS:
                return f"it is {width:,} x {height:,} pixels, {too_big}"
            with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
                image.load()  # the compressed pixel data
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"it has {too_big}"
    except Exception as exc:  # Pillow raises many kinds for a damaged file
        return f"it is a damaged or incomplete PNG image ({_reason(exc)})"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    return ""


def _svg_problem(data: bytes) -> str:
    """What is wrong with an SVG logo, parsed as the renderer parses it (ElementTree)."""
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(data)
    except Exception as exc:  # ParseError, and expat's refusals (entity expansion limits)
        return f"it is not well-formed SVG ({_reason(exc)})"
    if root.tag.rpartition("}")[2] != "svg":
        return f"its root element is <{root.tag.rpartition('}')[2]}>, not <svg>"
    return ""


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:200]
    return text or type(exc).__name__
