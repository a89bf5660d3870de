"""A consultant's brand file (`--brand BRAND.yaml`) -> the Brand the report context carries.

```yaml
firm: Example Consulting
logo: logo.png              # PNG or SVG, relative to this file, at most 1 MB
primary_colour: "#0b6e4f"   # the report's one accent colour
contact: advisory@example.com, +86 21 5555 0000
disclaimer: Based on the enterprise's own answers; not audited.
```

The logo is read and checked here and travels as a data: URI, so the renderer fetches no file.
"""

from __future__ import annotations

import base64
from pathlib import Path

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from ..errors import ContentError, Issue
from ..loader import read_yaml, validate
from .charts import HEX_COLOUR
from .context import Brand

MAX_BRAND_BYTES = 64_000
MAX_LOGO_BYTES = 1_000_000
LOGO_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}


class BrandFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    firm: str = Field(default="", max_length=200)
    logo: str = Field(default="", max_length=500)
    primary_colour: str = Field(
        default="#1f4e79", validation_alias=AliasChoices("primary_colour", "primary_color")
    )
    contact: str = Field(default="", max_length=500)
    disclaimer: str = Field(default="", max_length=2000)

    @field_validator("primary_colour")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not HEX_COLOUR.match(value):
            raise ValueError(f"primary_colour must be a colour written #rrggbb, e.g. \"#1f4e79\"; got {value!r}")
        return value.lower()


def load_brand(path: Path) -> Brand:
    """Read and check a brand file; every problem names the file and line."""
    try:
        doc = read_yaml(path, max_bytes=MAX_BRAND_BYTES, allow_aliases=False)
    except ContentError as exc:
        raise ContentError(exc.issues, what="brand file") from None
    issues: list[Issue] = []
    if not isinstance(doc.data, dict):
        raise ContentError([doc.issue((), "expected a mapping with firm, logo, primary_colour, contact, disclaimer")],
                           what="brand file")
    brand = validate(BrandFile, doc, doc.data, (), issues)
    if brand is None:
        raise ContentError(issues, what="brand file")
    logo_uri = ""
    if brand.logo:
        logo_uri, problem = _logo_data_uri(path.parent / brand.logo)
        if problem:
            raise ContentError([doc.issue(("logo",), problem)], what="brand file")
    return Brand(
        firm=brand.firm.strip(),
        logo_data_uri=logo_uri,
        primary_colour=brand.primary_colour,
        contact=brand.contact.strip(),
        disclaimer=brand.disclaimer.strip(),
    )


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
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}", ""
