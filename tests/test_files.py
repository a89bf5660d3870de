"""The one safe writer (readiness/files.py) and the interview lock, mostly through the CLI.

Device nodes are made with os.mknod INSIDE tmp_path (never the real /dev); that needs root, so those
tests are skipped, with the reason, for other users.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from readiness import files
from readiness.cli import app
from readiness.errors import ContentError
from readiness.report.brand import load_brand
from readiness.resources import example_answers

runner = CliRunner()
ENV = {"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb"}
ROOT = Path(__file__).resolve().parent.parent

needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="os.mknod of a character device and chown need root"
)
needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc/self/fd")


def run(*args: str, **options: Any) -> Any:
    return runner.invoke(app, list(args), env=ENV, **options)


def clean_failure(result: Any, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return " ".join(result.output.split())


def temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "base.yaml"
    shutil.copyfile(example_answers("edge_inspection"), path)
    return path


@pytest.fixture(autouse=True)
def fresh_sweep(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sees the writer as a new process would: no folder swept yet."""
    monkeypatch.setattr(files, "_swept", set())


def char_device(path: Path, minor: int) -> Path:
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))  # 1,3: like /dev/null; 1,7: like /dev/full
    return path


def is_device(path: Path, minor: int) -> bool:
    info = os.lstat(path)
    return stat.S_ISCHR(info.st_mode) and info.st_rdev == os.makedev(1, minor)


# --- F1: devices, FIFOs and /dev/stdout are written into, never replaced ------------------------


@needs_root
@pytest.mark.parametrize(
    "command",
    [
        ["report", "{answers}", "-f", "md", "-o", "{out}"],
        ["report", "{answers}", "-f", "json", "-o", "{out}"],
        ["score", "{answers}", "-f", "json", "-o", "{out}"],
        ["score", "{answers}", "-o", "{out}"],
        ["compare", "{answers}", "{other}", "-f", "json", "-o", "{out}"],
        ["init", "-o", "{out}", "--force"],
        ["merge", "{answers}", "{answers}", "-o", "{out}", "--force"],
    ],
)
def test_a_null_device_stays_a_device(tmp_path: Path, answers: Path, command: list[str]) -> None:
    null = char_device(tmp_path / "null", 3)
    other = tmp_path / "other.yaml"
    shutil.copyfile(answers, other)
    result = run(*(part.format(answers=answers, other=other, out=null) for part in command))
    assert result.exit_code == 0, result.output
    assert is_device(null, 3), "the device node was replaced by a regular file"
    assert not temporaries(tmp_path)


@needs_root
@pytest.mark.parametrize(
    "command",
    [
        ["report", "{answers}", "-f", "md", "-o", "{out}"],
        ["score", "{answers}", "-f", "json", "-o", "{out}"],
        ["score", "{answers}", "-o", "{out}"],
        ["init", "-o", "{out}", "--force"],
    ],
)
def test_a_full_device_is_no_space_left_and_exit_1(tmp_path: Path, answers: Path, command: list[str]) -> None:
    full = char_device(tmp_path / "full", 7)
    shown = clean_failure(run(*(part.format(answers=answers, out=full) for part in command)))
    assert "No space left on device" in shown and str(full) in shown
    assert is_device(full, 7)


@needs_root
def test_a_symlink_to_a_device_is_followed_and_kept(tmp_path: Path, answers: Path) -> None:
    null = char_device(tmp_path / "null", 3)
    link = tmp_path / "out.md"
    link.symlink_to(null)
    result = run("report", str(answers), "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and is_device(null, 3)


@needs_proc
def test_a_stdout_like_symlink_to_a_pipe_gets_the_output(tmp_path: Path, answers: Path) -> None:
    read_end, write_end = os.pipe()
    link = tmp_path / "stdout"
    link.symlink_to(f"/proc/self/fd/{write_end}")  # what /dev/stdout is
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: os.read(read_end, 65536), b"")))
    reader.start()
    try:
        result = run("score", str(answers), "-f", "json", "-o", str(link))
    finally:
        os.close(write_end)
        reader.join(10)
        os.close(read_end)
    assert result.exit_code == 0, result.output
    assert json.loads(b"".join(chunks))["schema"] == "readiness.assessment/1"
    assert link.is_symlink() and str(link.readlink()) == f"/proc/self/fd/{write_end}"


def test_a_fifo_is_written_into(tmp_path: Path, answers: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there; the JSON fits in the pipe buffer
    try:
        result = run("score", str(answers), "-f", "json", "-o", str(fifo))
        received = b"".join(iter(lambda: os.read(reader, 65536), b""))
    finally:
        os.close(reader)
    assert result.exit_code == 0, result.output
    assert json.loads(received)["schema"] == "readiness.assessment/1"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_fifo_nobody_reads_is_an_error_not_a_hang(tmp_path: Path, answers: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    shown = clean_failure(run("score", str(answers), "-f", "json", "-o", str(fifo)))
    assert str(fifo) in shown and "nothing is reading" in shown
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@needs_root
def test_a_block_device_is_refused(tmp_path: Path, answers: Path) -> None:
    disk = tmp_path / "disk"
    os.mknod(disk, stat.S_IFBLK | 0o600, os.makedev(60, 0))  # 60: a number for local use, no driver
    shown = clean_failure(run("score", str(answers), "-f", "json", "-o", str(disk)))
    assert "block device" in shown and stat.S_ISBLK(os.lstat(disk).st_mode)


def test_a_symlink_to_a_regular_file_stays_a_link(tmp_path: Path, answers: Path) -> None:
    (tmp_path / "archive").mkdir()
    real = tmp_path / "archive" / "2024.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    result = run("score", str(answers), "-f", "json", "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8"))["schema"] == "readiness.assessment/1"
    assert not temporaries(tmp_path) and not temporaries(real.parent)


@needs_root
def test_a_symlink_someone_else_planted_is_not_followed(tmp_path: Path, answers: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    victim = tmp_path / "victim.conf"
    victim.write_text("MUST NOT CHANGE\n", encoding="utf-8")
    planted = shared / "report.json"
    planted.symlink_to(victim)
    os.lchown(planted, 65534, 65534)  # nobody's link, in a folder that is not nobody's
    shown = clean_failure(run("score", str(answers), "-f", "json", "-o", str(planted)))
    assert "owned by another user" in shown
    assert victim.read_text(encoding="utf-8") == "MUST NOT CHANGE\n" and planted.is_symlink()


# --- F2: an output that is an input is refused, whatever --force says ---------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["report", "{a}", "-o", "{a}"],
        ["report", "{a}", "-f", "md", "-o", "{a}"],
        ["score", "{a}", "-f", "json", "-o", "{a}"],
        ["score", "{a}", "-o", "{a}"],
        ["compare", "{b}", "{a}", "-f", "json", "-o", "{a}"],
        ["compare", "{a}", "{b}", "-f", "html", "-o", "{a}"],
        ["merge", "{b}", "{a}", "-o", "{a}", "--force"],
        ["merge", "{b}", "{a}", "-o", "{a}"],
    ],
)
def test_an_output_over_the_input_is_refused(tmp_path: Path, answers: Path, command: list[str]) -> None:
    other = tmp_path / "other.yaml"
    shutil.copyfile(answers, other)
    before = answers.read_bytes()
    shown = clean_failure(run(*(part.format(a=answers, b=other) for part in command)))
    assert "same file as the input" in shown and shown.count(str(answers)) >= 2  # both paths named
    assert answers.read_bytes() == before and other.read_bytes() == before
    assert not temporaries(tmp_path)


def test_report_json_without_output_would_replace_a_json_answers_file(tmp_path: Path, answers: Path) -> None:
    import yaml

    acme = tmp_path / "acme.json"
    acme.write_text(json.dumps(yaml.safe_load(answers.read_text(encoding="utf-8"))), encoding="utf-8")
    before = acme.read_bytes()
    shown = clean_failure(run("report", str(acme), "-f", "json"))
    assert "same file as the input" in shown and str(acme) in shown
    assert acme.read_bytes() == before
    assert run("validate", str(acme)).exit_code == 0


@pytest.mark.parametrize("kind", ["symlink", "hard link", "other spelling"])
def test_links_to_the_input_are_seen_through(tmp_path: Path, answers: Path, kind: str) -> None:
    alias = tmp_path / "alias.yaml"
    if kind == "symlink":
        alias.symlink_to(answers)
    elif kind == "hard link":
        os.link(answers, alias)
    else:
        (tmp_path / "sub").mkdir()
        alias = tmp_path / "sub" / ".." / answers.name
    before = answers.read_bytes()
    shown = clean_failure(run("score", str(answers), "-f", "json", "-o", str(alias)))
    assert str(alias) in shown and str(answers) in shown
    assert answers.read_bytes() == before


def test_init_never_writes_over_the_questionnaire(content_copy: Path) -> None:
    questionnaire = next((content_copy / "questionnaires").rglob("*.yaml"))
    before = questionnaire.read_bytes()
    shown = clean_failure(run("init", "--content-dir", str(content_copy), "-o", str(questionnaire), "--force"))
    assert str(questionnaire) in shown and "input folder" in shown
    assert questionnaire.read_bytes() == before


def test_the_writer_itself_refuses_an_input(tmp_path: Path) -> None:
    source = tmp_path / "in.yaml"
    source.write_text("keep", encoding="utf-8")
    with pytest.raises(ContentError, match="same file as the input"):
        files.write_atomically(source, b"gone", inputs=[tmp_path / "missing.yaml", None, source])
    assert source.read_text(encoding="utf-8") == "keep"
    files.write_atomically(tmp_path / "out.txt", b"fine", inputs=[source])  # a different file is fine


# --- F3: the temporary file cannot be predicted, and nothing planted is followed ---------------


def test_a_symlink_at_the_old_predictable_temporary_name_is_not_followed(tmp_path: Path, answers: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    victim = tmp_path / "victim.conf"
    victim.write_text("MUST NOT CHANGE\n", encoding="utf-8")
    me = os.getpid()  # CliRunner runs the command in this process
    for pid in range(max(1, me - 50), me + 400):
        (shared / f".report.json.{pid}.tmp").symlink_to(victim)
    result = run("score", str(answers), "-f", "json", "-o", str(shared / "report.json"))
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == "MUST NOT CHANGE\n"
    report = shared / "report.json"
    assert not report.is_symlink() and json.loads(report.read_text(encoding="utf-8"))["schema"]


def test_the_temporary_file_is_created_exclusively(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    victim = tmp_path / "victim.conf"
    victim.write_text("MUST NOT CHANGE\n", encoding="utf-8")
    names = iter(["0" * 16, "1" * 16])
    monkeypatch.setattr(files.secrets, "token_hex", lambda _: next(names))
    planted = tmp_path / f"{files.TEMP_PREFIX}{'0' * 16}{files.TEMP_SUFFIX}"
    planted.symlink_to(victim)  # someone guessed the first name
    files.write_atomically(tmp_path / "out.pdf", b"%PDF-")
    assert victim.read_text(encoding="utf-8") == "MUST NOT CHANGE\n" and planted.is_symlink()
    assert (tmp_path / "out.pdf").read_bytes() == b"%PDF-"


def test_temporary_names_are_random_and_short(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = files._create_temporary

    def spy(folder: Path) -> tuple[int, Path]:
        fd, temp = real(folder)
        seen.append(temp.name)
        return fd, temp

    monkeypatch.setattr(files, "_create_temporary", spy)
    for _ in range(3):
        files.write_atomically(tmp_path / ("x" * 250), b"data")
    assert len(set(seen)) == 3 and all(len(name) <= 40 and "x" not in name for name in seen)


def test_batch_files_written_in_place_do_not_follow_links(tmp_path: Path) -> None:
    victim = tmp_path / "victim.conf"
    victim.write_text("MUST NOT CHANGE\n", encoding="utf-8")
    hard = tmp_path / "hard.json"
    os.link(victim, hard)  # a hard link planted at a batch output name
    files.write_directly(hard, b"{}")
    assert victim.read_text(encoding="utf-8") == "MUST NOT CHANGE\n" and hard.read_bytes() == b"{}"
    files.write_directly(tmp_path / "new.json", b"[]")
    files.write_directly(tmp_path / "new.json", b"[1]")
    assert (tmp_path / "new.json").read_bytes() == b"[1]"


# --- F12: score -o FILE in table format -------------------------------------------------------


def test_score_table_to_a_file_is_plain_text(tmp_path: Path, answers: Path) -> None:
    out = tmp_path / "s.txt"
    result = run("score", str(answers), "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Overall" in text and "\x1b" not in text
    assert not temporaries(tmp_path)


def test_a_failing_score_table_leaves_no_file(tmp_path: Path, answers: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from readiness.errors import RenderError
    from readiness.report import console

    def broken(*_: Any) -> Any:
        raise RenderError("cannot render this table")

    monkeypatch.setattr(console, "render_console", broken)
    out = tmp_path / "s.txt"
    shown = clean_failure(run("score", str(answers), "-o", str(out)))
    assert "cannot render this table" in shown
    assert not out.exists() and not temporaries(tmp_path)


def test_score_table_into_a_missing_folder_creates_it_like_report(tmp_path: Path, answers: Path) -> None:
    for command, name in (("score", "s.txt"), ("report", "r.md")):
        out = tmp_path / "no" / "such" / command / name
        result = run(command, str(answers), "-o", str(out))
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_score_into_a_folder_is_a_clean_error(
    tmp_path: Path, answers: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shown = clean_failure(run("score", str(answers), "-f", fmt, "-o", "."))
    assert "is a folder" in shown


# --- F14: batch -o that cannot be created ----------------------------------------------------


def test_batch_output_under_a_file_is_a_clean_error(tmp_path: Path, answers: Path) -> None:
    folder = tmp_path / "park"
    folder.mkdir()
    shutil.copyfile(answers, folder / "a.yaml")
    out = answers / "out"  # under a file
    shown = clean_failure(run("batch", str(folder), "-o", str(out), "-f", "json"))
    assert f"{out}: cannot create the output folder: Not a directory" in shown


def test_batch_output_without_permission_is_a_clean_error(
    tmp_path: Path, answers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "park"
    folder.mkdir()
    shutil.copyfile(answers, folder / "a.yaml")
    out = tmp_path / "locked" / "out"
    real_mkdir = Path.mkdir

    def mkdir(self: Path, *args: Any, **kwargs: Any) -> None:
        if self == out:  # as root, a chmod 000 folder would not stop us: pretend we are not root
            raise PermissionError(13, "Permission denied", str(self))
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    shown = clean_failure(run("batch", str(folder), "-o", str(out), "-f", "json"))
    assert "cannot create the output folder: Permission denied" in shown and str(out) in shown


# --- F15: long output names --------------------------------------------------------------------


def test_a_250_byte_output_name_is_written(tmp_path: Path, answers: Path) -> None:
    out = tmp_path / ("r" * 245 + ".json")
    assert len(os.fsencode(out.name)) == 250
    result = run("score", str(answers), "-f", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["schema"] == "readiness.assessment/1"


def test_a_255_byte_name_is_written_and_a_longer_one_is_a_clean_error(tmp_path: Path) -> None:
    files.write_atomically(tmp_path / ("n" * 255), b"ok", durable=True)
    assert (tmp_path / ("n" * 255)).read_bytes() == b"ok"
    with pytest.raises(ContentError, match="File name too long"):
        files.write_atomically(tmp_path / ("n" * 256), b"no")
    assert not temporaries(tmp_path)


# --- Note: stale temporary files after kill -9 -------------------------------------------------


def test_stale_temporaries_of_killed_runs_are_removed(tmp_path: Path) -> None:
    old = time.time() - 3600

    def plant(name: str, *, age: float = old, owner: int | None = None, link: bool = False) -> Path:
        path = tmp_path / name
        if link:
            path.symlink_to(tmp_path / "elsewhere")
        else:
            path.write_bytes(b"half a report")
            os.utime(path, (age, age))
        if owner is not None:
            os.chown(path, owner, owner)
        return path

    stale = plant(f"{files.TEMP_PREFIX}0123456789abcdef{files.TEMP_SUFFIX}")
    fresh = plant(f"{files.TEMP_PREFIX}fedcba9876543210{files.TEMP_SUFFIX}", age=time.time())  # a live writer's
    foreign = plant(".someone-elses.tmp")
    link = plant(f"{files.TEMP_PREFIX}link{files.TEMP_SUFFIX}", link=True)
    others = plant(
        f"{files.TEMP_PREFIX}0000000000000000{files.TEMP_SUFFIX}", owner=65534 if os.geteuid() == 0 else None
    )
    files.write_atomically(tmp_path / "answers.yaml", b"a: 1\n", durable=True)
    assert not stale.exists()
    assert fresh.exists() and foreign.exists() and link.is_symlink()
    assert others.exists() == (os.geteuid() == 0)  # only one's own files are removed


def test_an_interrupted_write_leaves_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "answers.yaml"
    target.write_text("previous\n", encoding="utf-8")

    def killed(*_: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        files.write_atomically(target, b"next\n", durable=True)
    assert target.read_text(encoding="utf-8") == "previous\n" and not temporaries(tmp_path)


# --- Note: the folder is fsynced after the rename ----------------------------------------------


def test_durable_writes_sync_the_file_and_then_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        synced.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    def replace(*args: Any) -> None:
        synced.append("rename")
        real_replace(*args)

    monkeypatch.setattr(files.os, "fsync", fsync)
    monkeypatch.setattr(files.os, "replace", replace)
    files.write_atomically(tmp_path / "answers.yaml", b"a: 1\n", durable=True)
    assert synced == ["file", "rename", "folder"]
    synced.clear()
    files.write_atomically(tmp_path / "report.pdf", b"%PDF-")
    assert synced == ["rename"]


def test_replacing_a_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "answers.yaml"
    target.write_text("a: 1\n", encoding="utf-8")
    target.chmod(0o600)
    files.write_atomically(target, b"a: 2\n", durable=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and target.read_bytes() == b"a: 2\n"


# --- Note: two interviews on one answers file ------------------------------------------------


def interview(path: Path, lines: list[str]) -> Any:
    return run("assess", "--answers", str(path), input="\n".join(lines) + "\n")


def test_a_second_interview_on_the_same_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    assert interview(path, ["Alice", "Owner", "Acme", "s"]).exit_code == 0
    before = path.read_bytes()
    with files.hold_lock(path):  # the first interview, still running
        shown = clean_failure(interview(path, ["Bob", "Owner", "Bobco", "s"]))
    assert "another interview is using this answers file" in shown and str(path) in shown
    assert path.read_bytes() == before


def test_the_lock_is_held_by_another_process_until_it_is_killed(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from readiness.files import hold_lock\n"
            "with hold_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(60)\n",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        shown = clean_failure(interview(path, ["Bob", "Owner", "Bobco", "s"]))
        assert "another interview" in shown and not path.exists()
    finally:
        holder.kill()  # kill -9: no clean-up runs, the lock file stays
        holder.wait()
    assert files.lock_file(path).exists()
    result = interview(path, ["Bob", "Owner", "Bobco", "s"])  # a stale lock file does not block
    assert result.exit_code == 0, result.output
    assert not files.lock_file(path).exists()


def test_the_lock_is_released_on_ctrl_c(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from readiness.cli import interview_screen

    def interrupted(self: Any) -> None:
        self._save()
        raise KeyboardInterrupt

    monkeypatch.setattr(interview_screen.Session, "run", interrupted)
    path = tmp_path / "answers.yaml"
    result = interview(path, [])
    assert result.exit_code == 130, result.output
    with files.hold_lock(path) as locked:
        assert locked
    assert not files.lock_file(path).exists()


def test_a_lock_file_name_fits_beside_a_255_byte_answers_file(tmp_path: Path) -> None:
    path = tmp_path / ("a" * 250 + ".yaml")
    assert len(os.fsencode(files.lock_file(path).name)) <= 255
    with files.hold_lock(path), pytest.raises(ContentError, match="another interview"), files.hold_lock(path):
        pass


# --- Note: malformed logos are named, not dropped -----------------------------------------------


def png(width: int = 4, height: int = 2, *, idat: bytes | None = None) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x0b\x6e\x4f" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(rows) if idat is None else idat
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "damaged or incomplete PNG"),
        ("logo.png", png()[:40], "damaged or incomplete PNG"),
        ("logo.png", png()[:-13] + bytes([png()[-13] ^ 0xFF]) + png()[-12:], "damaged or incomplete PNG"),  # IDAT crc
        ("logo.png", png(idat=b"not zlib data"), "damaged or incomplete PNG"),
        ("logo.png", png(20000, 20000, idat=zlib.compress(b"\0" * 1000)), "pixels"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><g></svg>', "not well-formed SVG"),
        ("logo.svg", b'<html><svg xmlns="http://www.w3.org/2000/svg"/></html>', "not <svg>"),
    ],
)
def test_a_malformed_logo_is_named(tmp_path: Path, name: str, data: bytes, why: str) -> None:
    (tmp_path / name).write_bytes(data)
    brand = tmp_path / "brand.yaml"
    brand.write_text(f"firm: X\nlogo: {name}\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_brand(brand)
    shown = str(caught.value)
    assert f"{brand}:2" in shown and str(tmp_path / name) in shown and why in shown


def test_a_malformed_logo_stops_the_report_with_a_message(tmp_path: Path, answers: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    brand = tmp_path / "brand.yaml"
    brand.write_text("firm: X\nlogo: logo.png\n", encoding="utf-8")
    out = tmp_path / "r.html"
    shown = clean_failure(run("report", str(answers), "-o", str(out), "--brand", str(brand)))
    assert "logo.png" in shown and "cannot be used" in shown and not out.exists()


def test_good_logos_still_pass(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(png())
    (tmp_path / "logo.svg").write_bytes(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="4"/>')
    for name in ("logo.png", "logo.svg"):
        brand = tmp_path / "brand.yaml"
        brand.write_text(f"logo: {name}\n", encoding="utf-8")
        assert load_brand(brand).logo_data_uri.startswith("data:image/")


def test_the_score_table_is_rendered_with_a_string_console() -> None:
    # guards the approach of F12: Rich can render the table into memory without a terminal
    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=40, no_color=True, force_terminal=False).print("[bold]x[/]")
    assert buffer.getvalue() == "x\n"


def test_a_damaged_logo_is_named_even_once_the_renderer_is_loaded(tmp_path: Path) -> None:
    """WeasyPrint makes Pillow lenient about truncated images when it is imported."""
    pytest.importorskip("weasyprint")
    import weasyprint  # noqa: F401

    (tmp_path / "logo.png").write_bytes(png(idat=b"not zlib data"))
    brand = tmp_path / "brand.yaml"
    brand.write_text("firm: X\nlogo: logo.png\n", encoding="utf-8")
    with pytest.raises(ContentError, match="damaged or incomplete PNG"):
        load_brand(brand)
