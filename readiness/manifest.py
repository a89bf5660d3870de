"""What a batch run has finished, kept in its output folder: an interrupted or sharded run goes on
where it stopped, and a last run without --shard sums up what the shards did.

OUTPUT/.readiness-batch/ holds one manifest per run kind: manifest.jsonl for a whole folder,
manifest-2-of-4.jsonl for `--shard 2/4` (so shards on several machines never write one file). Each
line records one finished answers file: its name, the SHA-256 of its bytes, the options it was
done with (format, language, anonymisation key, brand, content and tool version: `fingerprint`),
the stem of its outputs, and the small record the portfolio needs. A line is added once the file's
outputs are in place; a run killed mid-line leaves a line that is not JSON, which is ignored. A file
is done when a line with its name, its current bytes and the current options exists and its
outputs are still there; the latest such line counts.

OUTPUT/.readiness-batch/staging/ holds outputs whose name is not decided yet (see batch.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from . import __version__
from .portfolio import Entry

STATE_FOLDER = ".readiness-batch"
_ENTRY_FIELDS = tuple(f.name for f in dataclasses.fields(Entry))
_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True, slots=True)
class Shard:
    """Part `number` of `count` of a folder: the files whose name hashes to it. The hash of the name
    (SHA-256, not Python's hash) is the same on every machine and run, and a file added to the folder
    does not move the others to another shard."""

    number: int  # 1..count
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`i/N` with 1 <= i <= N; ValueError otherwise."""
        match = _SHARD.fullmatch(text)
        if not match:
            raise ValueError(text)
        number, count = int(match[1]), int(match[2])
        if not 1 <= number <= count:
            raise ValueError(text)
        return cls(number, count)

    def holds(self, file_name: str) -> bool:
        digest = hashlib.sha256(os.fsencode(file_name)).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.number - 1

    def __str__(self) -> str:
        return f"{self.number}/{self.count}"


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes. Opened without blocking: a FIFO put in a file's place cannot
    make the run wait (it reads as empty)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def fingerprint(*, content_root: Path, fmt: str, lang: str | None, key: bytes | None, brand_file: Path | None) -> str:
    """What decides a file's outputs besides its own bytes: a change to any of it redoes every file."""
    content = hashlib.sha256()
    for folder in ("questionnaires", "rubrics", "report_templates"):
        for path in sorted((content_root / folder).rglob("*")):
            if path.is_file():
                content.update(f"{path.relative_to(content_root)}\0".encode("utf-8", "surrogateescape"))
                content.update(hashlib.sha256(path.read_bytes()).digest())
    options = {
        "version": __version__,
        "content": content.hexdigest(),
        "format": fmt,
        "lang": lang,
        # Which key, without the key: its HMAC of a fixed text.
        "key": hmac.new(key, b"readiness manifest", hashlib.sha256).hexdigest() if key else None,
        "brand": file_digest(brand_file) if brand_file else None,
    }
    return hashlib.sha256(json.dumps(options, sort_keys=True).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Done:
    """One finished file, as its manifest line has it: small, for every file of a folder of any size;
    the entry the portfolio needs stays on disk until it is summed up (`Manifest.entries`)."""

    file: str
    sha256: str
    stem: str
    lang: str
    order: int  # when it was recorded (ns): the latest line of a file counts
    group: tuple[str, str]  # the entry's group_id and group_name: one enterprise's respondents share them
    line: tuple[Path, int]  # the manifest and the offset of the line


class Manifest:
    """The manifests of one output folder, read with one run's options; this run's own to write.

    With `key` (--anonymise) a file is recorded by a keyed hash of its name, not by the name:
    nothing written by an anonymised run names a file.
    """

    def __init__(self, output: Path, options: str, shard: Shard | None, key: bytes | None = None) -> None:
        self.folder = output / STATE_FOLDER
        self.options = options
        self.key = key
        name = f"manifest-{shard.number}-of-{shard.count}.jsonl" if shard else "manifest.jsonl"
        self.path = self.folder / name
        self.staging = self.folder / "staging"
        self._stream: Any = None

    def id(self, file_name: str) -> str:
        """How a file is recorded: its name, or with a key its keyed hash."""
        if self.key is None:
            return file_name
        return hmac.new(self.key, os.fsencode(file_name), hashlib.sha256).hexdigest()

    def finished(self) -> dict[str, Done]:
        """The latest line of every file done with these options, in every manifest of the folder,
        by the file's `id`."""
        latest: dict[str, Done] = {}
        for done in self._lines():
            if done.file not in latest or latest[done.file].order < done.order:
                latest[done.file] = done
        return latest

    def _lines(self) -> Iterator[Done]:
        try:
            paths = sorted(self.folder.glob("manifest*.jsonl"))
        except OSError:
            return
        for path in paths:
            with path.open("rb") as stream:
                offset = 0
                for line in stream:
                    at, offset = offset, offset + len(line)
                    try:
                        record = json.loads(line)
                        if record["options"] == self.options:
                            entry = record["entry"]
                            yield Done(
                                record["file"], record["sha256"], record["stem"], sys.intern(record["lang"]),
                                record["order"], (entry["group_id"], entry["group_name"]), (path, at),
                            )  # fmt: skip
                    except (ValueError, KeyError, TypeError):
                        continue  # the half-written line of a killed run, or another version's

    def entries(self, done: Iterable[Done]) -> Iterator[Entry]:
        """The entries of finished files, read back from their lines one at a time."""
        streams: dict[Path, BinaryIO] = {}
        try:
            for each in done:
                path, offset = each.line
                stream = streams.get(path) or streams.setdefault(path, path.open("rb"))
                stream.seek(offset)
                yield Entry(**json.loads(stream.readline())["entry"])
        finally:
            for stream in streams.values():
                stream.close()

    def entry(self, done: Done) -> Entry:
        return next(self.entries([done]))

    def open(self) -> None:
        self.staging.mkdir(parents=True, exist_ok=True)
        self._stream = self.path.open("ab", buffering=0)  # appends: one write per line

    def add(self, file: str, sha256: str, stem: str, lang: str, entry: Entry) -> None:
        record = {
            "file": self.id(file),
            "sha256": sha256,
            "options": self.options,
            "stem": stem,
            "lang": lang,
            "order": time.time_ns(),
            # Its fields as they are: an entry holds only texts, numbers and lists of them, which
            # JSON writes directly (dataclasses.asdict would deep-copy every item first).
            "entry": {name: getattr(entry, name) for name in _ENTRY_FIELDS},
        }
        try:
            line = orjson.dumps(record)
        except TypeError:  # a file name that is not UTF-8, kept as surrogates: escaped, it reads back the same
            line = json.dumps(record, ensure_ascii=True).encode("ascii")
        self._stream.write(line + b"\n")

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
