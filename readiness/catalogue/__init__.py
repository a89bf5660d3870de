"""The one catalogue of interface text: every fixed word the tool shows, one YAML file per language.

`<lang>.yaml` in this folder maps namespaces (`report`, `interview`, `template`, `compare`, `cli`)
to keys and their text; inside the tool a key is `namespace.key` (`report.overall`). A key missing
from a language falls back to English, so a new language can start with a few keys and grow.
Content text (questions, options, actions) is not here: it lives in the content YAML (`Text`).

This is the one YAML reader besides readiness/loader.py, on purpose: the catalogue ships inside the
package (it is not user input, so it needs none of the loader's checks), and `readiness --help`
reads it at start-up, where importing the loader (pydantic, the model) would triple the time.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parent
FALLBACK = "en"


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str):  # YAML 1.1 reads an unquoted yes, no, on or off as a boolean
            raise ValueError(f"catalogue key {prefix}{key!r} is not text: quote it")
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


def _read(path: Path) -> dict[str, str]:
    """A catalogue file's keys. Importing PyYAML and parsing the file cost `readiness --help` about
    30 ms, so the parsed keys are kept as JSON in the user's cache (user_cache.py), keyed by the
    file's size and modification time; without a cache it simply parses every time."""
    import json

    from .. import user_cache

    stat = path.stat()
    kind = f"catalogue-{path.stem}"
    name = f"{kind}-{stat.st_size}-{stat.st_mtime_ns}.json"
    data = user_cache.read(name)
    if data is not None:
        try:
            found = json.loads(data)
        except ValueError:
            found = None
        if isinstance(found, dict):
            return {str(k): str(v) for k, v in found.items()}
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    flat = _flatten(yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {})  # a safe loader
    user_cache.write(name, json.dumps(flat, ensure_ascii=False).encode("utf-8"), kind)
    return flat


class Catalogue:
    """The catalogue files of one folder (the shipped one, or a test's)."""

    def __init__(self, folder: Path = FOLDER) -> None:
        self.folder = folder
        self._own: dict[str, dict[str, str]] = {}
        self._words: dict[str, dict[str, str]] = {}

    def languages(self) -> list[str]:
        """The languages with a catalogue file here, English first."""
        found = sorted(path.stem for path in self.folder.glob("*.yaml"))
        return sorted(found, key=lambda code: code != FALLBACK)

    def own(self, lang: str) -> dict[str, str]:
        """The keys a language's file itself holds (no fallback); empty for a language without a file."""
        if lang not in self._own:
            path = self.folder / f"{lang}.yaml"
            self._own[lang] = _read(path) if path.is_file() else {}
        return self._own[lang]

    def words(self, lang: str) -> dict[str, str]:
        """Every key in one language, English where the language has no text of its own."""
        if lang not in self._words:
            self._words[lang] = {**self.own(FALLBACK), **self.own(lang)}
        return self._words[lang]

    def namespace(self, lang: str, name: str) -> dict[str, str]:
        """One namespace's keys without their prefix: namespace("zh", "report")["overall"] == "总体"."""
        prefix = f"{name}."
        return {key[len(prefix) :]: value for key, value in self.words(lang).items() if key.startswith(prefix)}

    def missing(self) -> dict[str, list[str]]:
        """For each language, the keys English has and it lacks (and English's keys no other has)."""
        english = set(self.own(FALLBACK))
        gaps = {lang: sorted(english - set(self.own(lang))) for lang in self.languages() if lang != FALLBACK}
        extra = {key for lang in self.languages() for key in self.own(lang)} - english
        if extra:
            gaps[FALLBACK] = sorted(extra)
        return {lang: keys for lang, keys in gaps.items() if keys}


SHIPPED = Catalogue()


@cache
def namespace(lang: str, name: str) -> Mapping[str, str]:
    """One namespace of the shipped catalogue in one language, keys without their prefix."""
    return SHIPPED.namespace(lang, name)


def text(lang: str, key: str, **params: object) -> str:
    """One text of the shipped catalogue, with `{name}` fields filled from `params`."""
    words = SHIPPED.words(lang)
    value = words.get(key)
    if value is None:
        raise KeyError(f"{key!r} is not in the interface catalogue")
    return value.format(**params) if params else value
