"""A portfolio of any size: summed up one enterprise at a time, its tables streamed, its records read back from disk."""

from __future__ import annotations

import dataclasses
import datetime
import errno
import io
import os
import shutil
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from readiness import batch, respondents
from readiness.assess import run_assessment
from readiness.cli import app
from readiness.executors import LocalProcesses
from readiness.loader import load_answers, write_answers
from readiness.manifest import Manifest
from readiness.model import Content
from readiness.portfolio import (
    DUE_SHOWN,
    MEMBERS_SHOWN,
    SEGMENT_SHOWN,
    SUPPLY_NAMES,
    Entry,
    ProgrammeOptions,
    build_portfolio,
    portfolio_entry,
    summed,
)
from readiness.resources import example_answers

runner = CliRunner()
ENV = {"COLUMNS": "120", "NO_COLOR": "1"}
TODAY = datetime.date(2026, 12, 1)
BASES = ("small_plant", "mature_finetune", "example", "edge_inspection")


def bases(content: Content) -> list[Entry]:
    found = []
    for name in BASES:
        answers = load_answers(example_answers(name), content)
        found.append(
            portfolio_entry(f"{name}.yaml", run_assessment(content, answers), answers, respondents.identity(answers))
        )
    return found


def crowd(content: Content, count: int) -> list[Entry]:
    """Many enterprises whose scores, names, visit dates and answers to confirm often tie."""
    found = bases(content)
    return [
        dataclasses.replace(
            found[i % 4],
            name=f"企业{i % 97:03d}",
            overall_score=float((i * 37) % 23),
            assessed=f"2025-{1 + i % 12:02d}-{1 + i % 3:02d}" if i % 7 else "",
            flagged=i % 5,
            source=f"file-{i}.yaml",
        )
        for i in range(count)
    ]


def test_summed_one_at_a_time_the_lists_are_those_of_a_full_sort(content: Content) -> None:
    entries = crowd(content, 7 * MEMBERS_SHOWN + 3)
    portfolio, every = summed(content, entries, "zh", ProgrammeOptions(today=TODAY))
    ranked = sorted(every, key=lambda m: (-m.overall_score, m.name))  # stable: ties in the order they came
    assert [m.source for m in every] == [m.source for m in ranked]
    assert portfolio.count == len(entries) and portfolio.members == ranked[:MEMBERS_SHOWN]
    assert portfolio.ready == sum(1 for m in every if m.ready_scenarios)
    assert portfolio.average_overall == round(sum(e.overall_score for e in entries) / len(entries), 1)
    for segment in portfolio.segments:
        names = [m.name for m in ranked if m.segment == segment.id]
        assert (segment.count, segment.members) == (len(names), names[:SEGMENT_SHOWN])
    visits = portfolio.visits
    assert visits is not None
    due = sorted((m for m in ranked if m.due), key=lambda m: (m.assessed, m.name))
    assert visits.due == due[:DUE_SHOWN] and visits.due_total == len(due) > DUE_SHOWN
    flagged = sorted((m for m in ranked if m.flagged), key=lambda m: (-m.flagged, m.name))
    assert visits.to_confirm == flagged[:DUE_SHOWN] and visits.flagged == len(flagged)
    dates = sorted(e.assessed for e in entries if e.assessed)
    assert (visits.first_date, visits.last_date, visits.undated) == (dates[0], dates[-1], len(entries) - len(dates))
    for supply in portfolio.supply:
        ready = sorted(
            (-e.overall_score, e.name)
            for e in entries
            for i, _, fit, _ in e.scenarios
            if (i, fit) == (supply.id, "ready_now")
        )
        assert supply.ready_names == [name for _, name in ready[:SUPPLY_NAMES]]
    assert build_portfolio(content, iter(entries), "zh", ProgrammeOptions(today=TODAY)) == portfolio


def test_a_round_compared_one_enterprise_at_a_time_lists_the_biggest_moves_first(content: Content) -> None:
    now = [dataclasses.replace(e, group_id="", name=f"{e.name}-{n}") for n, e in enumerate(crowd(content, 90))]
    earlier = [dataclasses.replace(e, step_levels=[1] * 6, overall_level=1) for e in now]
    portfolio = build_portfolio(content, now, "en", ProgrammeOptions(today=TODAY, previous=earlier))
    moved = portfolio.previous
    assert moved is not None and moved.matched == 90 and moved.new == moved.missing == 0
    gains = [sum(m.step_after) - sum(m.step_before) for m in moved.moved]
    assert gains == sorted(gains, reverse=True) and len(moved.moved) + moved.more == 90


def test_the_manifest_keeps_small_records_and_reads_the_entries_back(content: Content, tmp_path: Path) -> None:
    manifest = Manifest(tmp_path, "options", None)
    first, second, third = bases(content)[:3]
    manifest.open()
    manifest.add("a.yaml", "1" * 64, "a", "zh", first)
    manifest.add("b.yaml", "2" * 64, "b", "en", second)
    manifest.add("a.yaml", "3" * 64, "a", "zh", third)  # done again: the latest line counts
    manifest.close()
    done = manifest.finished()
    assert set(done) == {"a.yaml", "b.yaml"} and done["a.yaml"].sha256 == "3" * 64
    assert not any(isinstance(value, Entry) for value in dataclasses.astuple(done["a.yaml"]))
    assert done["b.yaml"].group == (second.group_id, second.group_name)
    read = list(manifest.entries([done["b.yaml"], done["a.yaml"]]))
    assert read == [_as_read(second), _as_read(third)]


def _as_read(entry: Entry) -> Entry:
    """An entry as JSON gives it back: tuples become lists."""
    return dataclasses.replace(entry, gaps=[list(g) for g in entry.gaps], scenarios=[list(s) for s in entry.scenarios])  # type: ignore[misc]


def test_a_batch_lists_every_enterprise_in_its_tables_best_first(content: Content, tmp_path: Path) -> None:
    folder = tmp_path / "park"
    folder.mkdir()
    count = MEMBERS_SHOWN + 12
    data = [load_answers(example_answers(name), content).model_dump(mode="json") for name in BASES]
    for i in range(count):
        answers = data[i % 4]
        answers["enterprise"]["name"] = f"Enterprise {i:03d}"
        write_answers(folder / f"e{i:03d}.yaml", answers)
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(folder), "-o", str(out), "-f", "json", "--lang", "en"], env=ENV)
    assert result.exit_code == 0, result.output
    lines = (out / "portfolio.csv").read_text(encoding="utf-8-sig").splitlines()
    header, rows = lines[0].split(","), [line.split(",") for line in lines[1:]]
    scores = [float(row[header.index("overall_score")]) for row in rows]
    assert len(rows) == count and scores == sorted(scores, reverse=True)
    book = load_workbook(io.BytesIO((out / "portfolio.xlsx").read_bytes()))
    listed = [row[0] for row in book["Enterprises"].iter_rows(min_row=2, values_only=True)]
    assert listed == [row[0] for row in rows]
    assert [row[0] for row in book["Step scores"].iter_rows(min_row=2, values_only=True)] == listed
    assert book["Enterprises"].auto_filter.ref == f"A1:O{count + 1}" and book["Enterprises"].freeze_panes == "B2"
    assert not list((out / ".readiness-batch").glob("staging*"))  # the spilled rows went with the staging folder


def _sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(path.read_bytes()))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_summed_while_the_files_are_done_or_from_the_manifest_the_portfolio_is_the_same(
    content: Content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run from scratch sums its portfolio up as the files are done; a run that finds them done sums
    it up from the manifest: the two give the same portfolio, in the language most files use."""
    folder = tmp_path / "park"
    folder.mkdir()
    for i in range(9):
        answers = load_answers(example_answers(BASES[i % 4]), content).model_dump(mode="json")
        answers["enterprise"]["name"] = f"Enterprise {i}"
        answers["language"] = "zh" if i % 3 else "en"  # most files in Chinese: a Chinese portfolio
        write_answers(folder / f"e{i}.yaml", answers)
    summed_from = []
    real = batch._Summing.portfolio

    def summing(self: batch._Summing, lang: str | None) -> object:
        summed_from.append("run")
        return real(self, lang)

    monkeypatch.setattr(batch._Summing, "portfolio", summing)
    out = tmp_path / "out"
    assert runner.invoke(app, ["batch", str(folder), "-o", str(out), "-f", "html"], env=ENV).exit_code == 0
    assert summed_from == ["run"]
    first = {name: (out / name).read_bytes() for name in ("portfolio.jsonl", "portfolio.csv", "portfolio.html")}
    book = _sheets(out / "portfolio.xlsx")
    assert "企业" in str(book) and "Enterprises" not in book
    for name in (*first, "portfolio.xlsx", "portfolio.pdf"):
        (out / name).unlink(missing_ok=True)
    again = runner.invoke(app, ["batch", str(folder), "-o", str(out), "-f", "html"], env=ENV)
    assert again.exit_code == 0 and "9 file(s) were done by an earlier run" in again.output
    assert summed_from == ["run"]  # this time from the manifest
    assert {name: (out / name).read_bytes() for name in first} == first
    assert _sheets(out / "portfolio.xlsx") == book


def test_respondents_of_one_enterprise_found_at_the_end_are_summed_up_once(content: Content, tmp_path: Path) -> None:
    folder = tmp_path / "park"
    folder.mkdir()
    answers = load_answers(example_answers("small_plant"), content).model_dump(mode="json")
    for who in ("a", "b"):  # one enterprise, two respondents' files
        write_answers(folder / f"{who}.yaml", answers)
    other = load_answers(example_answers("mature_finetune"), content).model_dump(mode="json")
    write_answers(folder / "c.yaml", other)
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(folder), "-o", str(out), "-f", "json"], env=ENV)
    assert result.exit_code == 0, result.output
    assert len((out / "portfolio.jsonl").read_bytes().splitlines()) == 2
    assert len((out / "portfolio.csv").read_text(encoding="utf-8-sig").splitlines()) == 1 + 2


def test_a_result_is_copied_whole_without_copy_file_range(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from readiness.files import copy_into

    source = tmp_path / "result.json"
    source.write_bytes(b"x" * 200_000 + b"\n")

    def unsupported(*_: object) -> int:
        raise OSError(errno.EXDEV, "cross-device")

    for replacement in (unsupported, None):
        if replacement is None:
            monkeypatch.delattr(os, "copy_file_range", raising=False)
        else:
            monkeypatch.setattr(os, "copy_file_range", replacement, raising=False)
        target = tmp_path / "lines.jsonl"
        with target.open("wb", buffering=0) as stream:
            stream.write(b"first\n")
            copy_into(source, stream.fileno())
        assert target.read_bytes() == b"first\n" + source.read_bytes()


def _arrived(folder: str) -> None:
    Path(folder, f"{os.getpid()}.ready").touch()


def test_workers_start_and_prepare_before_any_task_is_given(tmp_path: Path) -> None:
    pool = LocalProcesses(2, renders=False, prepare=(_arrived, str(tmp_path)))
    try:
        deadline = time.monotonic() + 30
        while not list(tmp_path.glob("*.ready")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(tmp_path.glob("*.ready"))
        assert [result for _, result in pool.run(abs, [-1, -2])] in ([1, 2], [2, 1])
    finally:
        pool.close()


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.suffix != ".xlsx"}  # xlsx holds a date


def _park_of(content: Content, folder: Path, names: list[str]) -> Path:
    folder.mkdir()
    for i, name in enumerate(names):
        answers = load_answers(example_answers(name), content).model_dump(mode="json")
        answers["enterprise"]["name"] = f"{answers['enterprise']['name']} {i}"
        write_answers(folder / f"e{i}.yaml", answers)
    return folder


def _with_one_and_two_jobs(
    park: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[bool], dict[str, dict[str, bytes]]]:
    """A batch of HTML reports run with --jobs 1 and 2: whether each run kept the portfolio's
    documents rendered early, and what each run wrote."""
    monkeypatch.setattr(batch._EarlyPortfolio, "WAIT", 60.0)  # however slow the machine, the last entry is awaited
    kept: list[bool] = []
    put_in_place = batch._EarlyPortfolio.put_in_place
    monkeypatch.setattr(batch._EarlyPortfolio, "put_in_place", lambda *a: kept.append(put_in_place(*a)) or kept[-1])
    written = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        result = runner.invoke(app, ["batch", str(park), "-o", str(out), "-f", "html", "--jobs", jobs], env=ENV)
        assert result.exit_code == 0, result.output
        written[jobs] = _outputs(out)
    return kept, written


def test_the_portfolio_documents_rendered_early_are_those_of_the_end(
    content: Content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    park = _park_of(content, tmp_path / "park", [*BASES, "small_plant"])
    kept, written = _with_one_and_two_jobs(park, tmp_path, monkeypatch)
    assert kept == [True]  # --jobs 2 rendered them early, --jobs 1 at the end
    assert written["1"] == written["2"] and "portfolio.html" in written["2"]


def test_documents_rendered_early_of_another_portfolio_are_rendered_again(
    content: Content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    park = _park_of(content, tmp_path / "park", list(BASES))
    shutil.copy(park / "e0.yaml", park / "e9.yaml")  # a second respondent of one enterprise: merged at the end
    kept, written = _with_one_and_two_jobs(park, tmp_path, monkeypatch)
    assert kept == [False]
    assert written["1"] == written["2"]
    assert len([line for line in written["2"]["portfolio.jsonl"].splitlines() if line]) == 4
