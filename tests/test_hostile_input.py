"""Hostile and tricky input files (hardening findings F6, F7, F10, F13, F16).

Every refusal is one clear message naming the file and line, exit 1, and no traceback. Cases that
used to hang or eat memory run the CLI in a subprocess with a timeout and a memory cap, so a
regression fails the test instead of hanging or exhausting the machine.
"""

from __future__ import annotations

import math
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from readiness.cli import app
from readiness.errors import ContentError
from readiness.interview import parse_answer
from readiness.loader import MAX_ANSWERS_BYTES, _construct, _Loader, answer_problem, read_yaml
from readiness.model import Content
from readiness.resources import example_answers

ROOT = Path(__file__).resolve().parent.parent
CUSTOM = ROOT / "examples" / "custom_content"
ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", "READINESS_CONTENT": None}
runner = CliRunner()
TIMEOUT = 20  # seconds; every case here answers in well under 5


def run(*args: str) -> Result:
    return runner.invoke(app, list(args), env=ENV)


def _limit_memory() -> None:  # in the child: a regression ends in MemoryError, not in the machine's RAM
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))


def cli(
    *args: str, cwd: Path, stdin: Any = subprocess.DEVNULL, data: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process, bounded in time and memory."""
    env = {k: v for k, v in os.environ.items() if k != "READINESS_CONTENT"}
    env |= {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    done = subprocess.run(
        [sys.executable, "-m", "readiness", *args],
        cwd=cwd,
        env=env,
        stdin=None if data is not None else stdin,
        input=data,
        capture_output=True,
        timeout=TIMEOUT,
        preexec_fn=_limit_memory,
    )
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def clean_refusal(output: str) -> None:
    assert "Traceback" not in output and "internal error" not in output, output


@pytest.fixture
def base(tmp_path: Path) -> Path:
    path = tmp_path / "base.yaml"
    shutil.copy(example_answers("edge_inspection"), path)
    return path


def edited(base: Path, old: str, new: str, name: str = "edited.yaml") -> tuple[Path, int]:
    """A copy of `base` with one line changed; returns it and the changed line's number."""
    text = base.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    line = text[: text.index(old)].count("\n") + 1
    path = base.with_name(name)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path, line


@pytest.fixture
def custom(tmp_path: Path) -> Path:
    """A private copy of the example content folder, to break on purpose."""
    target = tmp_path / "cc"
    shutil.copytree(CUSTOM, target)
    return target


def diagnosis_file(custom: Path) -> Path:
    return custom / "questionnaires" / "ai_manufacturing" / "diagnosis.yaml"


# --- F7: a FIFO must not hang -------------------------------------------------------------


@pytest.mark.parametrize("command", ["score", "validate"])
def test_fifo_answers_file_is_refused_at_once(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    done = cli(command, str(fifo), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert f"{fifo}: not a regular file but a pipe" in done.stderr
    clean_refusal(done.stderr)


def test_fifo_brand_file_is_refused_at_once(tmp_path: Path, base: Path) -> None:
    fifo = tmp_path / "brand.yaml"
    os.mkfifo(fifo)
    done = cli("report", str(base), "-o", str(tmp_path / "r.html"), "--brand", str(fifo), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "brand file" in done.stderr and f"{fifo}: not a regular file but a pipe" in done.stderr
    assert not (tmp_path / "r.html").exists()
    clean_refusal(done.stderr)


def test_fifo_content_file_is_refused_at_once(custom: Path, tmp_path: Path) -> None:
    rubric = custom / "rubrics" / "ai_manufacturing" / "rubric.yaml"
    rubric.unlink()
    os.mkfifo(rubric)
    done = cli("validate", "--content-dir", str(custom), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert f"{rubric}: not a regular file but a pipe" in done.stderr
    clean_refusal(done.stderr)


# --- F6: devices and pipes are not read without limit -------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["score", "{zero}"],
        ["validate", "/dev/zero"],
        ["compare", "/dev/zero", "{base}"],
        ["merge", "{base}", "/dev/urandom", "-o", "{tmp}/m.yaml"],
        ["report", "{base}", "-o", "{tmp}/b.html", "--brand", "{zero}"],
    ],
    ids=["score-symlink-to-dev-zero", "validate-dev-zero", "compare", "merge-urandom", "brand-symlink-dev-zero"],
)
def test_devices_are_refused_unread(tmp_path: Path, base: Path, args: list[str]) -> None:
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    filled = [a.format(zero=zero, base=base, tmp=tmp_path) for a in args]
    done = cli(*filled, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "not a regular file but a device" in done.stderr
    assert "MemoryError" not in done.stderr
    clean_refusal(done.stderr)
    assert not (tmp_path / "m.yaml").exists() and not (tmp_path / "b.html").exists()


def test_a_pipe_larger_than_the_cap_is_refused(tmp_path: Path) -> None:
    """A piped /dev/stdin is refused whatever its size (the cap of 1 MB never applied to pipes)."""
    done = cli("score", "/dev/stdin", cwd=tmp_path, data=b"a" * (3 * MAX_ANSWERS_BYTES))
    assert done.returncode == 1, done.stderr
    assert "/dev/stdin: not a regular file but a pipe" in done.stderr
    assert "save the YAML to a file" in done.stderr
    clean_refusal(done.stderr)


def test_stdin_redirected_from_a_file_is_read(tmp_path: Path, base: Path) -> None:
    with base.open("rb") as answers:
        done = cli("validate", "/dev/stdin", cwd=tmp_path, stdin=answers)
    assert done.returncode == 0, done.stderr


def test_dash_is_not_standard_input() -> None:
    result = run("score", "-")
    assert result.exit_code == 1
    assert "reading from standard input is not supported" in result.output
    clean_refusal(result.output)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc")
def test_the_cap_holds_for_files_that_report_no_size() -> None:
    """/proc files are regular files of size 0: only a bounded read keeps the cap."""
    with pytest.raises(ContentError) as caught:
        read_yaml(Path("/proc/self/maps"), max_bytes=64)
    assert "larger than the limit of 64 bytes" in str(caught.value)


def test_a_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 200 + "\n")
    with pytest.raises(ContentError, match="the limit is 100"):
        read_yaml(path, max_bytes=100)


# --- F10: non-finite numbers --------------------------------------------------------------


@pytest.mark.parametrize("value", [".nan", ".NaN", ".inf", "-.inf", "!!float nan"])
@pytest.mark.parametrize("command", ["validate", "score"])
def test_non_finite_answers_are_refused(base: Path, value: str, command: str) -> None:
    path, line = edited(base, "  diagnosis.mes_coverage: 90\n", f"  diagnosis.mes_coverage: {value}\n")
    result = run(command, str(path))
    assert result.exit_code == 1, result.output
    assert f"{path}:{line}:" in result.output
    assert "answers.diagnosis.mes_coverage" in result.output and "not a finite number" in result.output
    clean_refusal(result.output)


def test_infinite_answer_without_a_maximum_is_refused(base: Path) -> None:
    path, line = edited(base, "  sites: 1\n", "  sites: .inf\n")
    result = run("score", str(path), "-f", "json")
    assert result.exit_code == 1, result.output
    assert f"{path}:{line}:10: enterprise.sites:" in result.output and "not a finite" in result.output


def test_answer_problem_refuses_non_finite_numbers(content: Content) -> None:
    question = content.questionnaire.question_index()["diagnosis.mes_coverage"]
    for value in (math.nan, math.inf, -math.inf, 10**400):
        problem = answer_problem(question, value)
        assert problem and "not a finite number" in problem, value
    assert answer_problem(question, 90) is None


def test_interview_refuses_a_number_too_large_for_a_float(content: Content) -> None:
    question = content.questionnaire.question_index()["profile.sites"]
    with pytest.raises(ValueError, match="too large"):
        parse_answer(question, "9" * 400, "en")


def test_non_finite_number_in_content_is_refused(custom: Path) -> None:
    path = diagnosis_file(custom)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(i for i, text in enumerate(lines, start=1) if "{id: it_admin," in text)
    lines[line - 1] = lines[line - 1].replace("points: 0.3}", "points: .nan}")
    path.write_text("".join(lines), encoding="utf-8")
    result = run("validate", "--content-dir", str(custom))
    assert result.exit_code == 1, result.output
    assert f"{path}:{line}:" in result.output and ".nan is not a finite number" in result.output
    clean_refusal(result.output)


# --- F13: anchors and aliases in content files --------------------------------------------

CHAIN = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['x'] * 9)}]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)


def test_alias_bomb_in_content_is_refused_at_once(custom: Path, tmp_path: Path) -> None:
    path = diagnosis_file(custom)
    text = path.read_text(encoding="utf-8")
    assert text.count("        type: single\n") >= 1
    path.write_text(CHAIN + text.replace("        type: single\n", "        type: *i\n", 1), encoding="utf-8")
    done = cli("validate", "--content-dir", str(custom), cwd=tmp_path)
    assert done.returncode == 1, done.stderr[-2000:]
    assert f"{path}:1:4:" in done.stderr and "anchors and aliases (& and *) are not allowed" in done.stderr
    clean_refusal(done.stderr)


def test_a_harmless_alias_in_content_is_refused_too(custom: Path) -> None:
    path = diagnosis_file(custom)
    text = path.read_text(encoding="utf-8")
    old = "        weight: 2\n"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, "        weight: &w 2\n", 1), encoding="utf-8")
    result = run("validate", "--content-dir", str(custom))
    assert result.exit_code == 1, result.output
    assert f"{path}:{line}:17:" in result.output and "anchors and aliases" in result.output


def test_shipped_content_uses_no_anchors() -> None:
    for path in [*ROOT.glob("questionnaires/**/*.yaml"), *ROOT.glob("rubrics/**/*.yaml"), *CUSTOM.rglob("*.yaml")]:
        read_yaml(path, max_bytes=10_000_000)  # raises on an anchor or alias


def test_text_with_ampersands_and_stars_is_not_an_anchor(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text('a: R&D and Q&A, *bold*\nb: ["x*y", "&z"]\nc: 2 * 3\n', encoding="utf-8")
    assert read_yaml(path, max_bytes=1000).data == {"a": "R&D and Q&A, *bold*", "b": ["x*y", "&z"], "c": "2 * 3"}


def test_an_alias_that_slips_past_the_anchor_check_is_still_refused() -> None:
    loader = _Loader("a: &x [1, 2]\nb: *x\n")
    try:
        with pytest.raises(ContentError, match="anchors and aliases"):
            _construct(loader, "doc.yaml", shared=False)
    finally:
        loader.dispose()


# --- F16: YAML 1.1 traps --------------------------------------------------------------------


def test_duplicate_answer_names_both_lines(base: Path) -> None:
    text = base.read_text(encoding="utf-8")
    old = "  diagnosis.mes_coverage: 90\n"
    first = text[: text.index(old)].count("\n") + 1
    second = first + 2
    path = base.with_name("dup.yaml")
    again = old + "  diagnosis.digital_lead: it_admin\n  diagnosis.mes_coverage: 10\n"
    path.write_text(text.replace(old, again), encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 1, result.output
    assert f"{path}:{second}:3: answers.diagnosis.mes_coverage:" in result.output
    assert f"on line {first} and on line {second}" in result.output
    clean_refusal(result.output)


def test_duplicate_key_in_content_names_both_lines(custom: Path) -> None:
    path = diagnosis_file(custom)
    text = path.read_text(encoding="utf-8")
    old = "        weight: 2\n"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, old + "        weight: 3\n", 1), encoding="utf-8")
    result = run("validate", "--content-dir", str(custom))
    assert result.exit_code == 1, result.output
    assert f"{path}:{line + 1}:9:" in result.output
    assert f"'weight' is given twice, on line {line} and on line {line + 1}" in result.output


def test_duplicate_non_text_keys_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "levels.yaml"
    path.write_text("levels:\n  1: a\n  2: b\n  1: c\n", encoding="utf-8")
    with pytest.raises(ContentError, match="on line 2 and on line 4"):
        read_yaml(path, max_bytes=1000)


def test_octal_answer_is_refused(base: Path) -> None:
    path, line = edited(base, "  sites: 1\n", "  sites: 010\n")
    result = run("score", str(path))
    assert result.exit_code == 1, result.output
    assert f"{path}:{line}:10: enterprise.sites:" in result.output
    assert "octal number 8" in result.output and "write 10, not 010" in result.output
    clean_refusal(result.output)


def test_base_60_answer_is_refused(base: Path) -> None:
    path, line = edited(base, "  diagnosis.mes_coverage: 90\n", "  diagnosis.mes_coverage: 1:10\n")
    result = run("validate", str(path))
    assert result.exit_code == 1, result.output
    assert f"{path}:{line}:27: answers.diagnosis.mes_coverage:" in result.output
    assert "base-60 number 70" in result.output
    clean_refusal(result.output)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("010", "write 10, not 010"),
        ("-010", "write -10, not -010"),
        ("1:10", "base-60 number 70"),
        ("1:10.5", "base-60 number 70.5"),
        ("0x1f", "write 31, not 0x1f"),
        ("0b101", "write 5, not 0b101"),
        ("1_000", "write 1000, not 1_000"),
        ("1.0e+400", "too large"),
        ("9" * 400, "too large"),
        ("!!int abc", "not a plain decimal number"),
    ],
)
def test_numbers_must_be_plain_decimals(tmp_path: Path, written: str, message: str) -> None:
    path = tmp_path / "n.yaml"
    path.write_text(f"a:\n  b: [1, {written}]\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        read_yaml(path, max_bytes=10_000)
    assert f"{path}:2:10: a.b.1: " in str(caught.value) and message in str(caught.value)


@pytest.mark.parametrize("prefix", ["", "1: b\n"], ids=["fast-path", "pyyaml-path"])
@pytest.mark.parametrize(
    ("written", "expected"),
    [("!!timestamp abc", "as a timestamp"), ("!!bool x", "as a bool"), ("[!!int ²]", "not a plain decimal")],
)
def test_a_value_that_does_not_fit_its_explicit_tag_is_located(
    tmp_path: Path, prefix: str, written: str, expected: str
) -> None:
    path = tmp_path / "tag.yaml"
    path.write_text(f"{prefix}a: {written}\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:  # not AttributeError, KeyError or ValueError from PyYAML
        read_yaml(path, max_bytes=1000)
    assert f"{path}:{prefix.count(chr(10)) + 1}:" in str(caught.value) and expected in str(caught.value)


def test_plain_decimals_are_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    big = 12345678901234567890123
    path.write_text(f"a: [0, 7, -4, +3, 2026, 2.5, .5, 10., 0.25, 1.5e+3, {big}]\n", encoding="utf-8")
    assert read_yaml(path, max_bytes=1000).data == {"a": [0, 7, -4, 3, 2026, 2.5, 0.5, 10.0, 0.25, 1500.0, big]}


def test_octal_number_in_content_is_refused(custom: Path) -> None:
    path = diagnosis_file(custom)
    text = path.read_text(encoding="utf-8")
    old = "        weight: 2\n"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, "        weight: 02\n", 1), encoding="utf-8")
    result = run("validate", "--content-dir", str(custom))
    assert result.exit_code == 1, result.output
    assert f"{path}:{line}:17:" in result.output and "write 2, not 02" in result.output


def test_every_problem_of_a_file_is_listed_at_once(base: Path) -> None:
    text = base.read_text(encoding="utf-8").replace("  sites: 1\n", "  sites: 010\n")
    path = base.with_name("many.yaml")
    text = text.replace("  diagnosis.mes_coverage: 90\n", "  diagnosis.mes_coverage: .nan\n")
    path.write_text(text, encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 1 and "2 problems in the answers" in result.output, result.output


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  sites: 1\n", "  sites: yes\n", "expected a number"),
        ("  name: Shaanxi Qinfeng Aero Fasteners Co., Ltd.\n", "  name: no\n", "expected text, got False"),
    ],
)
def test_booleans_are_still_refused(base: Path, old: str, new: str, expected: str) -> None:
    path, line = edited(base, old, new)
    result = run("validate", str(path))
    assert result.exit_code == 1 and f"{path}:{line}:" in result.output and expected in result.output, result.output
