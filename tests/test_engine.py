"""The batch engine: one task per file on any executor, resuming from the manifest, shards, Dask."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from readiness import batch, executors
from readiness.cli import app
from readiness.loader import load_answers, write_answers
from readiness.manifest import STATE_FOLDER, Shard
from readiness.model import Content
from readiness.resources import bundled_examples, example_answers

runner = CliRunner()
ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", "LANG": "C.UTF-8"}


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), env=ENV)


@pytest.fixture
def park(tmp_path: Path, content: Content) -> Path:
    """Twelve enterprises of distinct names (every bundled example, renamed), one malformed file."""
    folder = tmp_path / "park"
    folder.mkdir()
    examples = bundled_examples()
    for number in range(12):
        data = load_answers(example_answers(examples[number % len(examples)]), content).model_dump(mode="json")
        data["enterprise"]["name"] = f"{data['enterprise']['name']} {number:02d}"
        write_answers(folder / f"firm-{number:02d}.yaml", data)
    (folder / "broken.yaml").write_text("enterprise: {name: [\n", encoding="utf-8")
    return folder


def outputs(out: Path) -> dict[str, bytes]:
    """What a run wrote for people and tools: every file but the workbook (it records when it was
    made) and the run's own state."""
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.suffix != ".xlsx"}


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The answers files that tasks were run for, in this process."""
    seen: list[str] = []
    real = batch.run_tasks

    def counting(chunk: tuple[batch.Job, list[batch.Task]]) -> list[batch.Outcome]:
        seen.extend(Path(task.path).name for task in chunk[1])
        return real(chunk)

    monkeypatch.setattr(batch, "run_tasks", counting)
    return seen


def test_a_second_run_does_nothing_again_and_writes_the_same(park: Path, tmp_path: Path, counted: list[str]) -> None:
    out = tmp_path / "out"
    first = invoke("batch", str(park), "-o", str(out), "-f", "json")
    assert first.exit_code == 1 and "broken.yaml" in first.output
    before = outputs(out)
    assert len(counted) == 13 and len(before) == 12 + 2  # results, portfolio.jsonl and .csv
    counted.clear()
    again = invoke("batch", str(park), "-o", str(out), "-f", "json")
    assert counted == ["broken.yaml"]  # a failed file is tried again, a finished one is not
    assert "12 file(s) were done by an earlier run" in again.output
    assert outputs(out) == before


def test_an_interrupted_run_resumes_and_ends_as_one_whole_run(
    park: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: list[str]
) -> None:
    whole = tmp_path / "whole"
    invoke("batch", str(park), "-o", str(whole), "-f", "json")
    counted.clear()
    real = batch._put_in_place
    placed: list[str] = []

    def interrupted(finished: batch.Outcome, *args: Any) -> bool:
        if len(placed) == 5:
            raise KeyboardInterrupt  # Ctrl-C after five files are done
        ok = real(finished, *args)
        if ok:
            placed.append(finished.file)
        return ok

    monkeypatch.setattr(batch, "_put_in_place", interrupted)
    out = tmp_path / "out"
    stopped = invoke("batch", str(park), "-o", str(out), "-f", "json")
    assert stopped.exit_code == 130
    assert not (out / "portfolio.jsonl").exists()
    monkeypatch.setattr(batch, "_put_in_place", real)
    counted.clear()
    resumed = invoke("batch", str(park), "-o", str(out), "-f", "json")
    assert "5 file(s) were done by an earlier run" in resumed.output
    assert sorted(counted) == sorted({p.name for p in park.iterdir()} - set(placed))  # the rest only
    assert outputs(out) == outputs(whole)


def test_a_changed_file_or_other_options_are_done_again(park: Path, tmp_path: Path, counted: list[str]) -> None:
    out = tmp_path / "out"
    invoke("batch", str(park), "-o", str(out), "-f", "json")
    changed = park / "firm-03.yaml"
    changed.write_text(changed.read_text(encoding="utf-8").replace(" 03", " 03 (new)"), encoding="utf-8")
    counted.clear()
    invoke("batch", str(park), "-o", str(out), "-f", "json")
    assert sorted(counted) == ["broken.yaml", "firm-03.yaml"]
    assert any(name.endswith("03-(new).json") for name in outputs(out))
    counted.clear()
    invoke("batch", str(park), "-o", str(out), "-f", "json", "--lang", "zh")  # another language: all again
    assert len(counted) == 13
    assert all(json.loads(line)["language"] == "zh" for line in (out / "portfolio.jsonl").read_bytes().splitlines())


def test_shards_split_a_folder_and_their_union_is_the_whole_run(park: Path, tmp_path: Path, counted: list[str]) -> None:
    whole = tmp_path / "whole"
    invoke("batch", str(park), "-o", str(whole), "-f", "json")
    out = tmp_path / "sharded"
    done_by: list[set[str]] = []
    for number in (1, 2, 3):
        counted.clear()
        result = invoke("batch", str(park), "-o", str(out), "-f", "json", "--shard", f"{number}/3")
        assert f"shard {number}/3" in result.output, result.output
        done_by.append(set(counted))
        assert not (out / "portfolio.jsonl").exists()  # a shard writes no portfolio
    assert all(done_by) and sum(map(len, done_by)) == 13  # disjoint, none empty, all of them
    assert set().union(*done_by) == {p.name for p in park.iterdir()}
    counted.clear()
    merged = invoke("batch", str(park), "-o", str(out), "-f", "json")  # the last run: the portfolio only
    assert counted == ["broken.yaml"] and "12 file(s) were done" in merged.output
    assert outputs(out) == outputs(whole)
    manifests = sorted(p.name for p in (out / STATE_FOLDER).glob("manifest*.jsonl"))
    assert manifests == ["manifest-1-of-3.jsonl", "manifest-2-of-3.jsonl", "manifest-3-of-3.jsonl", "manifest.jsonl"]


def test_shards_are_stable_and_cover_every_name() -> None:
    names = [f"enterprise-{n:05d}.yaml" for n in range(3000)]
    shards = [Shard.parse(f"{n}/4") for n in (1, 2, 3, 4)]
    owners = [[s.number for s in shards if s.holds(name)] for name in names]
    assert all(len(owner) == 1 for owner in owners)
    sizes = [sum(1 for owner in owners if owner == [n]) for n in (1, 2, 3, 4)]
    assert min(sizes) > 600  # shared about evenly
    assert Shard.parse(" 2 / 4 ") == Shard(2, 4)
    assert [s.holds("plant-\udcff.yaml") for s in shards].count(True) == 1  # a name that is not UTF-8


def test_two_shards_that_named_two_files_alike_have_both_redone(
    tmp_path: Path, content: Content, counted: list[str]
) -> None:
    """Shards run at the same time cannot see each other's names: the last run finds the clash."""
    folder = tmp_path / "park"
    folder.mkdir()
    names = [f"f{n}.yaml" for n in range(40)]
    one = next(n for n in names if Shard(1, 2).holds(n))
    two = next(n for n in names if Shard(2, 2).holds(n))
    for name in (one, two):
        data = load_answers(example_answers("small_plant"), content).model_dump(mode="json")
        data["enterprise"]["name"] = "Same Name"
        data["assessment"]["enterprise_id"] = name  # two enterprises of one name, not two respondents
        write_answers(folder / name, data)
    out = tmp_path / "out"
    for number in (1, 2):  # as if at the same time: each shard's manifest is moved away meanwhile
        invoke("batch", str(folder), "-o", str(out), "-f", "json", "--shard", f"{number}/2")
        (out / STATE_FOLDER / f"manifest-{number}-of-2.jsonl").rename(out / f"m{number}")
    for number in (1, 2):
        (out / f"m{number}").rename(out / STATE_FOLDER / f"manifest-{number}-of-2.jsonl")
    counted.clear()
    result = invoke("batch", str(folder), "-o", str(out), "-f", "json")
    assert result.exit_code == 0, result.output
    assert sorted(counted) == sorted([one, two])
    assert {"Same-Name.json", "Same-Name-2.json"} <= set(outputs(out))


@pytest.mark.parametrize(
    ("shard", "said"),
    [("0/3", "got '0/3'"), ("4/3", "got '4/3'"), ("3", "got '3'"), ("a/b", "got 'a/b'"), ("1/0", "got '1/0'")],
)
def test_a_bad_shard_is_a_clear_error(park: Path, tmp_path: Path, shard: str, said: str) -> None:
    result = invoke("batch", str(park), "-o", str(tmp_path / "out"), "--shard", shard)
    assert result.exit_code == 1, result.output
    assert "--shard" in result.output and "I/N" in result.output and said in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_a_bad_shard_in_chinese(park: Path, tmp_path: Path) -> None:
    result = invoke("batch", str(park), "-o", str(tmp_path / "out"), "--shard", "5/2", "--lang", "zh")
    assert result.exit_code == 1 and "格式为I/N" in result.output and "“5/2”" in result.output


def test_a_scheduler_without_the_dask_executor_is_refused(park: Path, tmp_path: Path) -> None:
    result = invoke("batch", str(park), "-o", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 1 and "--executor dask" in result.output


def test_an_unreachable_scheduler_is_a_clear_error(park: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", 1)
    for address in ("tcp://127.0.0.1:9", "no such address"):
        result = invoke("batch", str(park), "-o", str(tmp_path / "out"), "--executor", "dask", "--scheduler", address)
        assert result.exit_code == 1, result.output
        assert f"cannot reach the Dask scheduler at {address}" in " ".join(result.output.split())
        assert "Traceback" not in result.output


def test_without_the_dask_extra_the_message_says_what_to_install(
    park: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed: importing it fails
    result = invoke("batch", str(park), "-o", str(tmp_path / "out"), "--executor", "dask")
    assert result.exit_code == 1 and 'pip install "readiness[dask]"' in result.output


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A Dask cluster inside the test process: one worker thread, started in a fraction of a second."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_dask_and_local_processes_write_the_same_bytes(park: Path, tmp_path: Path, scheduler: str) -> None:
    written = {}
    for name, options in {
        "local": ["--jobs", "2"],
        "dask": ["--executor", "dask", "--scheduler", scheduler],
    }.items():
        out = tmp_path / name
        result = invoke("batch", str(park), "-o", str(out), "-f", "html", *options)
        assert result.exit_code == 1 and "broken.yaml" in result.output, result.output
        written[name] = outputs(out)
    assert len(written["local"]) == 12 * 2 + 4  # a report and a result each; portfolio.html, .pdf, .jsonl, .csv
    assert written["dask"] == written["local"]


def test_a_dask_cluster_started_by_batch(park: Path, tmp_path: Path) -> None:
    """No --scheduler: batch starts a cluster of --jobs worker processes on this machine, and stops it."""
    local, cluster = tmp_path / "local", tmp_path / "dask"
    invoke("batch", str(park), "-o", str(local), "-f", "json", "--jobs", "1")
    result = invoke("batch", str(park), "-o", str(cluster), "-f", "json", "--executor", "dask", "--jobs", "2")
    assert result.exit_code == 1 and "broken.yaml" in result.output, result.output
    assert outputs(cluster) == outputs(local)


@pytest.mark.slow
def test_pdf_reports_are_the_same_bytes_from_any_executor(tmp_path: Path, content: Content, scheduler: str) -> None:
    folder = tmp_path / "park"
    folder.mkdir()
    for name in ("small_plant", "example"):
        (folder / f"{name}.yaml").write_bytes(Path(example_answers(name)).read_bytes())
    written = {}
    for name, options in {"local": ["--jobs", "2"], "dask": ["--executor", "dask", "--scheduler", scheduler]}.items():
        out = tmp_path / name
        result = invoke("batch", str(folder), "-o", str(out), *options)
        assert result.exit_code == 0, result.output
        written[name] = outputs(out)
    assert sum(name.endswith(".pdf") for name in written["local"]) == 3  # two reports and the portfolio
    assert written["dask"] == written["local"]


def test_the_benchmark_generator_varies_every_question_type(
    tmp_path: Path, content: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark times files that vary every kind of answer, and every one of them is valid."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "benchmark", Path(__file__).resolve().parent.parent / "benchmarks/run.py"
    )
    assert spec and spec.loader
    benchmark = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "benchmark", benchmark)  # its dataclasses look themselves up there
    spec.loader.exec_module(benchmark)
    benchmark.generate(60, tmp_path)
    files = sorted(tmp_path.glob("*.yaml"))
    answers = [load_answers(path, content) for path in files]  # raises on any invalid file
    index = content.questionnaire.question_index()
    kinds = {index[key].type for a in answers for key in a.answers}
    kinds |= {index[f"profile.{key}"].type for a in answers for key in a.enterprise if f"profile.{key}" in index}
    assert kinds == {"single", "multi", "number", "percent", "yes_no", "text"}
    assert len({a.lang for a in answers}) == 2
    assert len({json.dumps(a.answers, sort_keys=True) for a in answers}) == 60  # no two alike
