"""Everything that turns an Assessment into something to read: JSON, terminal, HTML, PDF."""

# The PDF flavours WeasyPrint can write; here, not in pdf.py, so the CLI can list them cheaply.
PDF_VARIANTS = (
    "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u",
    "pdf/a-1a", "pdf/a-2a", "pdf/a-3a", "pdf/a-4e", "pdf/a-4f",
    "pdf/ua-1", "pdf/ua-2",
    "pdf/x-1a", "pdf/x-3", "pdf/x-4", "pdf/x-5g",
)  # fmt: skip

# The one registry of report formats: the name `--format` takes, and the file names that mean it
# (the first is what a default output name ends in). The CLI, the renderers and the tests all
# read this; tests/test_report_formats.py checks that every entry has a renderer and an option.
REPORT_FORMATS: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "html": (".html", ".htm"),
    "md": (".md",),
    "json": (".json",),
}
REPORT_SUFFIXES: dict[str, str] = {suffix: name for name, suffixes in REPORT_FORMATS.items() for suffix in suffixes}
