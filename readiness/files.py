"""Writing files safely: the one place that does it, for answers, reports and every other output."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ContentError, Issue


def write_atomically(target: Path, data: bytes, *, durable: bool = False) -> None:
    """Write through a temporary file and a rename: a crash mid-write leaves the previous file intact.

    `durable` also flushes the data to disk before the rename (answers files: a killed interview
    must not lose what was saved).
    """
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with temp.open("wb") as stream:
                stream.write(data)
                if durable:
                    stream.flush()
                    os.fsync(stream.fileno())
            temp.replace(target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise _cannot_write(target, exc) from None


def write_directly(target: Path, data: bytes) -> None:
    """Write in place, without the temporary file: for the many small files of one batch run, where
    a rename each would double the cost and a run that stops part-way (it exits non-zero and says
    so) is simply run again."""
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise _cannot_write(target, exc) from None


def _cannot_write(target: Path, exc: OSError) -> ContentError:
    return ContentError([Issue(str(target), f"cannot write the file: {exc.strerror}")], what="output")
