"""Loaded content kept between runs, so that a command does not parse and check the same YAML again.

Reading and cross-checking the questionnaire and rubric is most of the start-up of `score`,
`report` and `serve`, and its result is the same until a content file, or the code that reads it,
changes. So the loaded content is pickled into the user's cache folder (user_cache.py) under a key
made of every content file's path and bytes, the source of the modules that build it, and the
versions of Python and pydantic: any change gives a new key. A file that cannot be read, written
or unpickled is simply a miss.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from . import user_cache

KIND = "content"
T = TypeVar("T")


def cached(folders: list[Path], extra: str, build: Callable[[], T]) -> T:
    """What `build()` returns for the content in `folders`, from the cache when nothing changed.
    `build` raises for content with errors, and then nothing is kept."""
    key = _key(folders, extra) if user_cache.folder() is not None else None
    if key is None:
        return build()
    name = f"{KIND}-{key}.pickle"
    data = user_cache.read(name)
    if data is not None:
        try:
            found: T = pickle.loads(data)
            return found
        except Exception:  # truncated, or made by code that has changed since: build it anew
            pass
    value = build()
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # something in it does not pickle: no cache, the content is still right
        return value
    user_cache.write(name, data, KIND)
    return value


def _key(folders: list[Path], extra: str) -> str | None:
    import pydantic

    from . import errors, languages, loader, model, rules

    digest = hashlib.sha256(f"{sys.version}\0{pydantic.VERSION}\0{extra}".encode())
    try:
        for module in (errors, languages, loader, model, rules):  # what builds and checks the content
            digest.update(Path(module.__file__ or "").read_bytes())
        for folder in folders:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    digest.update(f"\0{path.relative_to(folder).as_posix()}\0".encode())
                    digest.update(path.read_bytes())
    except OSError:
        return None  # the loader says what cannot be read
    return digest.hexdigest()[:40]
