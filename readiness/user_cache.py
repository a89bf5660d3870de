"""The user's cache folder: what the tool keeps between runs to start faster, and its crash logs.

$READINESS_CACHE_DIR if set (empty: keep nothing), else $XDG_CACHE_HOME/readiness, else
%LOCALAPPDATA%\\readiness on Windows, else ~/.cache/readiness. Everything kept here can be
rebuilt: a file that cannot be read or written is simply not used. Imports nothing heavy, because
`readiness --help` reads the catalogue through it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path

CACHE_ENV = "READINESS_CACHE_DIR"
KEEP = 6  # versions of one kind of file kept (catalogue-en-*, content-*): old ones are removed


def folder() -> Path | None:
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or (os.environ.get("LOCALAPPDATA") if sys.platform == "win32" else None)
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder
            return None
    return Path(base) / "readiness"


def read(name: str) -> bytes | None:
    """A kept file's bytes, if it is there and was written by this user alone (never a file that
    someone else could have planted or changed)."""
    where = folder()
    if where is None:
        return None
    try:
        with (where / name).open("rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode) or not _own(info):
                return None
            return stream.read()
    except OSError:
        return None


def write(name: str, data: bytes, kind: str) -> None:
    """Keep `data` as `name` (whole or not at all), and only the newest few files of its `kind`."""
    where = folder()
    if where is None:
        return
    temporary = where / f".{name}.{os.getpid()}.tmp"
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        temporary.replace(where / name)  # a parallel run reads the old file or this one
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return
    _prune(where, kind)


def _own(info: os.stat_result) -> bool:
    if not hasattr(os, "getuid"):
        return True
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _prune(where: Path, kind: str) -> None:
    with contextlib.suppress(OSError):
        kept = sorted(where.glob(f"{kind}-*"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in kept[KEEP:]:
            with contextlib.suppress(OSError):
                old.unlink()
