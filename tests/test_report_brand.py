"""Brand files: what is accepted, and errors that name the file and line."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from readiness.errors import ContentError
from readiness.report.brand import MAX_LOGO_BYTES, load_brand
from tests.test_report_html import png

SVG_LOGO = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="40" height="10"></svg>'


def brand_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "brand.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_brand_with_a_png_logo(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "logo.png").write_bytes(png())
    brand = load_brand(
        brand_file(
            tmp_path,
            (
                "firm: Northwind Advisory\n"
                "logo: assets/logo.png\n"
                "primary_colour: '#0B6E4F'\n"
                "contact: advisory@example.com\n"
                "disclaimer: Indicative only.\n"
            ),
        )
    )
    assert brand.firm == "Northwind Advisory" and brand.contact == "advisory@example.com"
    assert brand.primary_colour == "#0b6e4f"
    assert brand.logo_data_uri.startswith("data:image/png;base64,")
    assert base64.b64decode(brand.logo_data_uri.split(",", 1)[1]) == png()


def test_an_svg_logo_and_the_american_spelling(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_bytes(SVG_LOGO)
    brand = load_brand(brand_file(tmp_path, "logo: logo.svg\nprimary_color: '#123456'\n"))
    assert brand.logo_data_uri.startswith("data:image/svg+xml;base64,")
    assert brand.primary_colour == "#123456" and brand.firm == ""


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("firm: X\nprimary_colour: red\n", 2, "#rrggbb"),
        ("firm: X\nprimary_colour: '#12345'\n", 2, "#rrggbb"),
        ("firm: X\ncolour: '#123456'\n", 2, "Extra inputs"),
        ("firm: X\nlogo: missing.png\n", 2, "does not exist"),
        ("firm: X\nlogo: logo.gif\n", 2, ".png or .svg"),
        ("firm: [unclosed\n", 2, "not valid YAML"),
    ],
)
def test_mistakes_name_the_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = brand_file(tmp_path, text)
    with pytest.raises(ContentError) as caught:
        load_brand(path)
    shown = str(caught.value)
    assert f"{path}:{line}" in shown and message in shown and "brand file" in shown


def test_logos_are_checked_for_type_and_size(tmp_path: Path) -> None:
    (tmp_path / "fake.png").write_bytes(b"GIF89a not a png")
    with pytest.raises(ContentError, match="not a PNG"):
        load_brand(brand_file(tmp_path, "logo: fake.png\n"))
    (tmp_path / "huge.png").write_bytes(png() + b"\0" * MAX_LOGO_BYTES)
    with pytest.raises(ContentError, match="limit"):
        load_brand(brand_file(tmp_path, "logo: huge.png\n"))
    (tmp_path / "folder.svg").mkdir()
    with pytest.raises(ContentError, match="not a file"):
        load_brand(brand_file(tmp_path, "logo: folder.svg\n"))


def test_a_missing_brand_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="no such file"):
        load_brand(tmp_path / "nope.yaml")
