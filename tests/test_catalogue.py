"""The interface catalogue: every language has every key, every key is used, and a new language needs no code."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from readiness.catalogue import FOLDER, SHIPPED, Catalogue, text
from readiness.languages import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
# Keys the code builds from a value (t[f"phase_{n}"]): these prefixes count as used.
DYNAMIC = (
    "report.phase_",
    "report.fit_",
    "report.approach_",
    "report.start_",
    "report.stage_",
    "report.deployment_",
    "report.effort_",
    "report.impact_",
    "report.number_",
    "report.warn_",
    "interview.prompt_",
    "cli.batch_phase_",
    "cli.status_",
    "cli.what_",
    "park.segment_",
)


def _sources() -> str:
    files = [p for p in (ROOT / "readiness").rglob("*.py") if FOLDER not in p.parents]
    files += [p for p in (ROOT / "report_templates").rglob("*") if p.is_file()]
    files += list((ROOT / "readiness" / "web" / "templates").rglob("*.html"))
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def test_every_language_of_the_product_has_every_key() -> None:
    assert set(SHIPPED.languages()) == set(LANGUAGES)
    assert SHIPPED.missing() == {}


def _used(key: str, source: str) -> bool:
    """The key, or a tail of it (what a helper adds the namespace to: h("batch.jobs"), t["overall"],
    t.overall, words['why']), is quoted or follows a dot somewhere in the code or the templates."""
    parts = key.split(".")
    tails = [".".join(parts[i:]) for i in range(1, len(parts))]
    return key.startswith(DYNAMIC) or any(re.search(rf"[\"'.]{re.escape(tail)}\b", source) for tail in tails)


def test_every_key_is_used_by_some_code_or_template() -> None:
    source = _sources()
    assert not _used("report.no_such_key_anywhere", source)
    assert [key for key in SHIPPED.own("en") if not _used(key, source)] == []


def test_the_text_keeps_its_fields_in_every_language() -> None:
    fields = re.compile(r"\{(\w*)[^}]*\}|%[sd]")
    english = SHIPPED.own("en")
    for lang in LANGUAGES:
        changed = [
            key
            for key, value in SHIPPED.own(lang).items()
            if sorted(fields.findall(value)) != sorted(fields.findall(english[key]))
        ]
        assert changed == [], lang


def test_a_third_language_is_a_catalogue_file(tmp_path: Path) -> None:
    """A stub German catalogue of a few keys: it is used where it has text, English elsewhere, and
    the parity check names what it still lacks; no engine code changes."""
    shutil.copy(FOLDER / "en.yaml", tmp_path / "en.yaml")
    (tmp_path / "de.yaml").write_text(
        "report:\n  overall: Gesamt\n  score: Punktzahl\ninterview:\n  why: Warum das zählt\n", encoding="utf-8"
    )
    catalogue = Catalogue(tmp_path)
    assert catalogue.languages() == ["en", "de"]
    german = catalogue.namespace("de", "report")
    assert german["overall"] == "Gesamt" and german["score"] == "Punktzahl"
    assert german["level"] == SHIPPED.namespace("en", "report")["level"]  # falls back to English
    assert catalogue.words("de")["interview.why"] == "Warum das zählt"
    missing = catalogue.missing()
    assert set(missing) == {"de"}
    assert "report.level" in missing["de"] and "report.overall" not in missing["de"]
    assert len(missing["de"]) == len(SHIPPED.own("en")) - 3
    assert SHIPPED.missing() == {}  # the shipped catalogue is untouched


def test_text_fills_fields() -> None:
    assert text("en", "report.more_actions", n=3).startswith("… and 3 more")
    assert text("zh", "report.overall") == "总体"


def test_a_key_yaml_reads_as_a_boolean_is_refused(tmp_path: Path) -> None:
    (tmp_path / "en.yaml").write_text("interview:\n  yes: Yes\n", encoding="utf-8")
    with pytest.raises(ValueError, match="quote it"):
        Catalogue(tmp_path).own("en")
