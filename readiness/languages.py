"""The product's languages: the one list of them, and the codes accepted for each on input.

Inside the tool a language is its short code (`en`, `zh`); files the tool writes and the HTML
`lang` attribute carry the full tag (`en`, `zh-CN`). On input, on the command line and in an
answers file alike, any of a language's codes is accepted in any case, `-` or `_` alike.
"""

from __future__ import annotations

# short code -> (the tag written in files and HTML, the other codes accepted on input)
LANGUAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "en": ("en", ()),
    "zh": ("zh-CN", ("zh-CN", "zh_CN")),
}
# Languages written in Chinese characters: their pages and charts are set in a CJK font.
CJK = frozenset({"zh"})
_CODES = {code.lower(): short for short, (tag, aliases) in LANGUAGES.items() for code in (short, tag, *aliases)}


def accepted_codes() -> str:
    """The codes accepted on input, for help and error messages: "en, zh (zh-CN, zh_CN)"."""
    return ", ".join(
        short + (f" ({', '.join(aliases)})" if aliases else "") for short, (_, aliases) in LANGUAGES.items()
    )


def short_code(code: str) -> str:
    """`en` or `zh` for any accepted code of a language; ValueError for anything else."""
    short = _CODES.get(str(code).strip().lower())
    if short is None:
        raise ValueError(f"{code!r} is not a supported language; use {accepted_codes()}")
    return short


def file_tag(code: str) -> str:
    """The tag the tool writes for a language (`en`, `zh-CN`), from any of its accepted codes."""
    return LANGUAGES[short_code(code)][0]
