"""Performance figures of readiness, as ratios measured in one run (machines are noisy; ratios travel).

    python benchmarks/run.py            # everything (a few minutes on 2 cores)
    python benchmarks/run.py startup report    # some sections only
    python benchmarks/run.py --quick    # fewer repetitions and files

Each comparison runs its commands in turn, several times (interleaved pairs); a ratio is the median
of the run-by-run ratios, printed with their min and max. A run that fails, or whose files did not
all come out, is not timed: the benchmark stops. CPU time includes every process a command starts
(worker processes too, even those that outlive it). Peak memory is the largest resident set of one
process. Needs the project installed (`make setup`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
READINESS = str(BIN / "readiness")
PYTHON = sys.executable
EXAMPLES = ROOT / "readiness" / "examples"
RESULTS: list[tuple[str, str, str]] = []  # (figure, value, target)


@dataclass
class Timing:
    """One command's runs: wall and CPU seconds (its waited-for worker processes included), peak MB."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    peak: int = 0

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)


def _become_subreaper() -> None:
    """Worker processes that outlive their parent (a forkserver's, a Dask nanny's) are handed to this
    process instead of init (Linux), so that their CPU time is counted too."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _reap(seconds: float = 10.0) -> None:
    """Wait for the descendants still running (or just ended) after a command, for their CPU time."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            pid, _, _ = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if time.monotonic() > deadline:
                return
            time.sleep(0.02)


def run(command: list[str], timing: Timing, check: Callable[[], str | None] | None = None) -> None:
    """Run a command and time it: wall time until it exits, CPU time of it and of every process it
    started (worker processes included, even those that outlive it). Only a success counts: any
    other exit code, or a `check` of what it wrote that finds a problem (files missing, files
    failed), stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
    _reap()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    code = os.waitstatus_to_exitcode(status)
    problem = f"exit code {code}" if code != 0 else (check() if check else None)
    if problem:
        raise SystemExit(f"not timed, it failed ({problem}): {' '.join(command)}\n{errors[-3000:]}")
    timing.walls.append(wall)
    timing.cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    timing.peak = max(timing.peak, usage.ru_maxrss // 1024)


@dataclass
class Command:
    argv: list[str]
    before: Callable[[], None] = lambda: None  # untimed: e.g. remove the previous run's output
    check: Callable[[], str | None] | None = None


def medians(commands: dict[str, list[str] | Command], repeat: int) -> dict[str, Timing]:
    """Each command run `repeat` times, in turn (A B C A B C ...), so that drifts in the machine's
    speed touch them all alike."""
    timings = {name: Timing() for name in commands}
    for _ in range(repeat):
        for name, given in commands.items():
            command = given if isinstance(given, Command) else Command(given)
            command.before()
            run(command.argv, timings[name], command.check)
    return timings


def ratios(a: Timing, b: Timing, cpu: bool = False) -> list[float]:
    """The ratios of a's to b's times, run by run (runs of an interleaved pair go together)."""
    first, second = (a.cpus, b.cpus) if cpu else (a.walls, b.walls)
    return [x / y for x, y in zip(first, second, strict=True)]


def ratio(a: Timing, b: Timing) -> float:
    """The median of the ratios of wall times, run by run."""
    return statistics.median(ratios(a, b))


def spread(values: list[float]) -> str:
    """median (min-max, n pairs)"""
    return f"{statistics.median(values):.2f}x ({min(values):.2f}-{max(values):.2f}, {len(values)} pairs)"


def record(figure: str, value: str, target: str = "") -> None:
    RESULTS.append((figure, value, target))
    print(f"  {figure:<58} {value:<30} {target}", flush=True)


# --- sections -------------------------------------------------------------------------------


def startup(quick: bool, work: Path) -> None:
    got = medians(
        {
            "help": [READINESS, "--help"],
            "typer": [PYTHON, "-c", "import typer"],
            "typer_rich": [PYTHON, "-c", "import typer, rich"],
        },
        5 if quick else 21,
    )
    help_s = got["help"].wall
    record("readiness --help", f"{help_s * 1000:.0f} ms")
    record("  vs python -c 'import typer'", f"{ratio(got['help'], got['typer']):.2f}x")
    record("  vs python -c 'import typer, rich'", f"{ratio(got['help'], got['typer_rich']):.2f}x", "target <= 1.3x")


def report(quick: bool, work: Path) -> None:
    example = str(EXAMPLES / "example.yaml")
    html = work / "example-en.html"
    subprocess.run([READINESS, "report", example, "-o", str(html), "--lang", "en"], check=True, capture_output=True)
    weasyprint_alone = (
        "import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1], base_url=sys.argv[2]).write_pdf(sys.argv[3])"
    )
    templates = str(ROOT / "report_templates")
    got = medians(
        {
            "en": [READINESS, "report", example, "-o", str(work / "en.pdf"), "--lang", "en"],
            "zh": [READINESS, "report", example, "-o", str(work / "zh.pdf"), "--lang", "zh"],
            "weasyprint": [PYTHON, "-c", weasyprint_alone, str(html), templates, str(work / "alone.pdf")],
        },
        2 if quick else 5,
    )
    pages = {lang: _pages(work / f"{lang}.pdf") for lang in ("en", "zh")}
    record("report en (end to end)", f"{got['en'].wall:.2f} s, {pages['en']} pages")
    record("report zh (end to end)", f"{got['zh'].wall:.2f} s, {pages['zh']} pages")
    record("WeasyPrint alone on the same HTML (en)", f"{got['weasyprint'].wall:.2f} s")
    record("report en vs WeasyPrint alone", f"{ratio(got['en'], got['weasyprint']):.2f}x", "target <= 1.5x")
    record("report zh vs report en", f"{ratio(got['zh'], got['en']):.2f}x", "target <= 1.5x")
    record("peak memory of one report (en / zh)", f"{got['en'].peak} / {got['zh'].peak} MB", "target < 300 MB")


def _pages(pdf: Path) -> str:
    from pypdf import PdfReader

    return str(len(PdfReader(pdf).pages))


TEXTS = ["MES and ERP since 2019; no data lake yet.", "质检靠人工目检，缺陷图片未系统留存。", "Not sure.", "外包"]


def _draw(question: Any, rng: random.Random) -> Any:
    """A valid answer to `question`, drawn at random."""
    if rng.random() < 0.04 and question.allow_unknown:
        return "unknown"
    if rng.random() < 0.02 and question.allow_not_applicable:
        return "not_applicable"
    kind = question.type
    if kind == "single":
        return rng.choice(question.options).id
    if kind == "multi":
        plain = [o.id for o in question.options if not o.exclusive]
        exclusive = [o.id for o in question.options if o.exclusive]
        if exclusive and rng.random() < 0.15:
            return [rng.choice(exclusive)]
        return rng.sample(plain, rng.randint(1, len(plain))) if plain else [exclusive[0]]
    if kind in ("number", "percent"):
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else (100 if kind == "percent" else 500)
        high = min(high, max([b.min for b in question.bands] + [low]) * 2 + 10)
        return rng.randint(int(low), int(max(low, high)))
    if kind == "yes_no":
        return rng.random() < 0.5
    return rng.choice(TEXTS)


def generate(count: int, folder: Path, seed: int = 7) -> None:
    """`count` answers files: a bundled persona each, with about half of its answers redrawn at random
    (seeded) whatever the question's type (single, multi, number, percent, yes/no, text, and now and
    then "unknown" or "not relevant"), its profile's choices redrawn, in English or Chinese."""
    sys.path.insert(0, str(ROOT))
    from readiness.loader import find_answer_problem, load_answers, load_content, write_answers
    from readiness.resources import content_dir

    content, _ = load_content(content_dir())
    index = content.questionnaire.question_index()
    personas = [load_answers(p, content).model_dump(mode="json") for p in sorted(EXAMPLES.glob("*.yaml"))]
    rng = random.Random(seed)
    seen: set[str] = set()

    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        base = json.loads(json.dumps(rng.choice(personas)))
        base["language"] = rng.choice(["en", "zh-CN"])
        for key in sorted(base["answers"]):
            question = index.get(key)
            if question is not None and rng.random() < 0.5:
                value = _draw(question, rng)
                if find_answer_problem(question, value) is None:
                    base["answers"][key] = value
                    seen.add(question.type)
        for field_id in list(base["enterprise"]):
            question = index.get(f"profile.{field_id}")
            if question is not None and question.type in ("single", "yes_no") and field_id != "industry":
                drawn = _draw(question, rng)
                if find_answer_problem(question, drawn) is None and drawn not in ("unknown", "not_applicable"):
                    base["enterprise"][field_id] = drawn
                    seen.add(question.type)
        base["enterprise"]["name"] = f"{base['enterprise']['name']} {number:05d}"
        write_answers(folder / f"enterprise-{number:05d}.yaml", base)
    missing = {"single", "multi", "number", "percent", "yes_no", "text"} - seen
    if count >= 50 and missing:
        raise SystemExit(f"the generator varied no {', '.join(sorted(missing))} question")


def generated(count: int, folder: Path, seed: int = 7) -> None:
    """`generate` in a process of its own. Linux gives a new process the peak memory of the one it
    was started from: the commands this benchmark starts would report at least its own, so it stays
    small (it loads no content, and reads no large file at once)."""
    subprocess.run([PYTHON, __file__, "--generate", str(count), str(folder), str(seed)], check=True)


def _parks(work: Path, counts: tuple[int, ...]) -> dict[int, Path]:
    """Folders of `counts` generated files; the smaller ones are the first files of the largest."""
    largest = work / f"park-{max(counts)}"
    if not largest.exists():
        generated(max(counts), largest)
    files = sorted(largest.glob("*.yaml"))
    folders = {}
    for count in counts:
        folder = work / f"park-{count}"
        if not folder.exists():
            folder.mkdir()
            for path in files[:count]:
                os.link(path, folder / path.name)
        folders[count] = folder
    return folders


def _fresh(out: Path) -> Callable[[], None]:
    """Before a timed run: no output yet (a run into a finished output would rightly do nothing)."""
    return lambda: shutil.rmtree(out, ignore_errors=True)


def _all_written(out: Path, count: int, suffix: str) -> Callable[[], str | None]:
    def check() -> str | None:
        written = sum(1 for p in out.glob(f"*{suffix}") if not p.name.startswith("portfolio."))
        lines = 0
        if (out / "portfolio.jsonl").exists():
            with (out / "portfolio.jsonl").open("rb") as stream:  # line by line: this process stays small
                lines = sum(1 for _ in stream)
        if written != count or lines != count:
            return f"{written} {suffix} files and {lines} portfolio lines for {count} answers files"
        return None

    return check


def _batch(folder: Path, out: Path, count: int, *options: str, suffix: str = ".json") -> Command:
    return Command(
        [READINESS, "batch", str(folder), "-o", str(out), *options],
        before=_fresh(out),
        check=_all_written(out, count, suffix),
    )


def batch(quick: bool, work: Path) -> None:
    small, large = (200, 2000) if quick else (1000, 10000)
    parks = _parks(work, (small, large))
    parse_only = (
        "import sys, pathlib, yaml; "
        "[yaml.load(p.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader) "
        "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml'))]"
    )
    cores = os.cpu_count() or 1
    got = medians(
        {
            "batch_small": _batch(parks[small], work / "json-small", small, "-f", "json"),
            "parse_small": [PYTHON, "-c", parse_only, str(parks[small])],
            "batch_large": _batch(parks[large], work / "json-large", large, "-f", "json"),
            "parse_large": [PYTHON, "-c", parse_only, str(parks[large])],
        },
        3 if quick else 7,
    )
    b_small, p_small, b_large, p_large = (got[k] for k in ("batch_small", "parse_small", "batch_large", "parse_large"))
    record(
        f"batch --format json, {large:,} files ({cores} cores)",
        f"{b_large.wall:.2f} s, {large / b_large.wall:.0f} files/s",
    )
    record("  CPU per file, workers included", f"{b_large.cpu / large * 1000:.2f} ms")
    record(f"  parsing the same {large:,} YAML files only", f"{p_large.wall:.2f} s (one process)")
    record("  batch vs parsing only (wall)", spread(ratios(b_large, p_large)), "target <= 2x")
    record("  batch vs parsing only (CPU)", spread(ratios(b_large, p_large, cpu=True)))
    record(f"  same at {small:,} files (wall)", spread(ratios(b_small, p_small)))
    per_small, per_large = b_small.wall / small, b_large.wall / large
    record(
        f"  time per file at {large:,} vs at {small:,}",
        f"{per_large / per_small:.2f}x ({per_small * 1000:.2f} / {per_large * 1000:.2f} ms)",
        "target about 1 (linear)",
    )
    record(
        f"  peak memory at {small:,} / {large:,} files",
        f"{b_small.peak} / {b_large.peak} MB",
        "target flat",
    )


def _reports_folder(work: Path, count: int) -> Path:
    folder = work / f"reports-{count}"
    if not folder.exists():
        generated(count, folder, seed=11)
    return folder


def throughput(quick: bool, work: Path) -> None:
    count = 3 if quick else 8
    folder = _reports_folder(work, count)
    got = medians(
        {f"jobs{n}": _batch(folder, work / f"pdf-{n}", count, "--jobs", str(n), suffix=".pdf") for n in (1, 2)},
        2 if quick else 7,
    )
    one, two = got["jobs1"], got["jobs2"]
    record(f"batch of {count} PDF reports and the portfolio, --jobs 1", f"{one.wall:.1f} s, CPU {one.cpu:.1f} s")
    record("  same, --jobs 2", f"{two.wall:.1f} s, CPU {two.cpu:.1f} s (workers included)")
    record("  speed-up of --jobs 2", spread(ratios(one, two)), "target >= 1.8x")
    # CPU per report: the run's CPU (the render workers' included) over its reports, the start and
    # the portfolio documents included too, so the estimate errs on the high side.
    per_report = max(one.cpu, two.cpu) / count
    record("  CPU per report, everything included", f"{per_report:.2f} s")
    hours = per_report * 100_000 / 3600
    record(
        "  province: 100,000 reports",
        f"{hours:.0f} CPU-hours; {hours / 16:.1f} h on 16 cores",
        "",
    )


def dask(quick: bool, work: Path) -> None:
    count = 3 if quick else 8
    folder = _reports_folder(work, count)
    got = medians(
        {
            f"workers{n}": _batch(
                folder, work / f"dask-{n}", count, "--executor", "dask", "--jobs", str(n), suffix=".pdf"
            )
            for n in (1, 2)
        },
        2 if quick else 7,
    )
    one, two = got["workers1"], got["workers2"]
    record(f"Dask local cluster, {count} PDF reports, one worker", f"{one.wall:.1f} s")
    record("  same, two workers", f"{two.wall:.1f} s")
    record("  speed-up of two workers", spread(ratios(one, two)), "target >= 1.6x")


def portfolio(quick: bool, work: Path) -> None:
    script = (
        "import sys, time, pathlib; sys.path.insert(0, sys.argv[3]); "
        "from readiness.loader import load_content, load_answers; from readiness.resources import content_dir; "
        "from readiness.assess import run_assessment; "
        "from readiness.portfolio import build_portfolio, portfolio_entry; "
        "from readiness.report.documents import render_portfolio; "
        "c, _ = load_content(content_dir()); "
        "files = sorted(pathlib.Path(sys.argv[1]).glob('*.yaml'))[: int(sys.argv[2])]; "
        "a = [portfolio_entry(f.name, run_assessment(c, load_answers(f, c))) for f in files]; "
        "t = time.perf_counter(); d = render_portfolio(build_portfolio(c, a, 'en'), c, 'pdf'); "
        "print(f'{time.perf_counter() - t:.2f} {d.pages}')"
    )
    for count in (20, 200 if quick else 1000):
        done = subprocess.run(
            [PYTHON, "-c", script, str(work / "park"), str(count), str(ROOT)],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds, pages = done.stdout.split()
        record(f"portfolio PDF of {count} enterprises", f"{float(seconds):.1f} s, {pages} pages", "target < 30 s")


_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")


def _latencies(command: list[str], lines: list[str]) -> list[float]:
    """Type `lines` into `command` on a terminal, one after the other, each once the prompt is there;
    the seconds from each answer to the next prompt (the first prompt, after the start, not counted)."""
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # the child: the interview on the terminal
        os.execve(command[0], command, {**os.environ, "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "120"})
    seen = b""

    def prompt() -> bool:  # read until the screen waits for input ("… › "), or the interview ends
        nonlocal seen
        while True:
            text = _ANSI.sub("", seen.decode("utf-8", "replace")).replace("\r", "")
            if text.endswith("› "):
                return True
            ready, _, _ = select.select([fd], [], [], 60)
            if not ready:
                raise SystemExit("the interview stopped answering")
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the interview ended: the terminal is gone
                return False
            if not chunk:
                return False
            seen += chunk

    times = []
    try:
        prompt()
        for line in lines:
            seen = b""
            started = time.perf_counter()
            os.write(fd, line.encode("utf-8") + b"\r")
            if not prompt():
                break
            times.append(time.perf_counter() - started)
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the interview failed (exit code {os.waitstatus_to_exitcode(status)})")
    return times


def interview(quick: bool, work: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from readiness.loader import load_answers, load_content
    from readiness.resources import content_dir
    from tests.test_interview import script

    content, _ = load_content(content_dir())
    for name in ("small_plant",) if quick else ("small_plant", "example"):
        target = load_answers(EXAMPLES / f"{name}.yaml", content)
        lines = script(content, target)
        path = work / f"interview-{name}.yaml"
        path.unlink(missing_ok=True)
        times = sorted(_latencies([READINESS, "assess", "--answers", str(path)], lines))
        shown = len(lines) - 2 - sum(1 for line in lines if line == "")  # minus respondent and step pauses
        record(f"interview '{name}': questions shown", str(shown), "target about 60")
        record(
            "  from an answer to the next question (median, 95th pc., max)",
            f"{statistics.median(times) * 1000:.0f} / {times[int(len(times) * 0.95)] * 1000:.0f} / "
            f"{times[-1] * 1000:.0f} ms",
            "target << 100 ms",
        )


def _start_server(*args: str) -> tuple[subprocess.Popen[str], list[str]]:
    """`readiness serve ... --no-browser` started, and the links it prints."""
    env = {**os.environ, "COLUMNS": "250", "NO_COLOR": "1"}
    command = [READINESS, "serve", *args, "--no-browser", "--lang", "zh"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    links: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        links += re.findall(r"http://\S+", line)
        if "Ctrl-C" in line:
            break
    if not links:
        raise SystemExit(f"readiness serve did not start: {' '.join(command)}")
    return process, links


def _respond(link: str, target: object, slots: list[object], pause: float, times: list[float]) -> None:
    """One respondent answering every question of theirs as `target` does; `times` gets, per answer,
    the seconds from submitting it to the next question's page being received."""
    import httpx2

    base = link.split("/t/")[0]
    # As browsers do: no Nagle delay, else a form's headers and body wait for a delayed ACK (40 ms).
    transport = httpx2.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    with httpx2.Client(base_url=base, follow_redirects=True, timeout=30, transport=transport) as client:
        page = client.get(link.removeprefix(base))
        page = client.get("/next")
        while "/q/" in str(page.url):
            index = int(str(page.url).rsplit("/q/", 1)[1])
            question = slots[index].question  # type: ignore[attr-defined]
            value = target.value(question.id)  # type: ignore[attr-defined]
            fields: dict[str, object] = {"csrf": re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)}  # type: ignore[union-attr]
            if value in ("unknown", "not_applicable"):
                fields["action"] = value
            elif question.type == "yes_no":
                fields["value"] = "yes" if value else "no"
            else:
                fields["value"] = value if isinstance(value, list) else str(value)
            time.sleep(pause)
            started = time.perf_counter()
            page = client.post(f"/q/{index}", data=fields)
            times.append(time.perf_counter() - started)
            if page.status_code != 200:
                raise SystemExit(f"answer refused: {page.status_code} {page.text[:300]}")


# What any server command of this stack must import before it can answer, without a line of readiness:
# the command line (Typer and Rich; Typer brings pydantic to check options), Starlette, uvicorn, Jinja2.
STACK_IMPORTS = (
    "import typer, rich, pydantic, jinja2, uvicorn, starlette.applications, starlette.routing, starlette.responses"
)


def serve(quick: bool, work: Path) -> None:
    """`readiness serve`: start-up against `readiness --help`, and answer -> next question with ten
    respondents answering at once, each answering every question (the profile is shared)."""
    import threading

    sys.path.insert(0, str(ROOT))
    from readiness.interview import Interview
    from readiness.loader import load_answers, load_content, write_answers
    from readiness.resources import content_dir

    repeat = 3 if quick else 9
    helps, scores, starts, stack = Timing(), Timing(), Timing(), Timing()
    for turn in range(repeat):
        run([READINESS, "--help"], helps)
        run([READINESS, "score", str(EXAMPLES / "example.yaml")], scores)  # reads the same content
        run([PYTHON, "-c", STACK_IMPORTS], stack)
        started = time.perf_counter()
        process, links = _start_server(str(work / f"startup-{turn}.yaml"))
        import httpx2

        httpx2.get(links[0], follow_redirects=False, timeout=30)  # the first page answered
        starts.walls.append(time.perf_counter() - started)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    record("readiness serve: start-up to the first page answered", f"{starts.wall * 1000:.0f} ms")
    record("  vs readiness --help", f"{ratio(starts, helps):.2f}x", "target < 1.5x")
    record("  vs readiness score (which loads the same content)", f"{ratio(starts, scores):.2f}x")
    record("  importing the server's libraries alone, vs readiness --help", f"{ratio(stack, helps):.2f}x", "the floor")

    content, _ = load_content(content_dir())
    target = load_answers(EXAMPLES / "example.yaml", content)
    slots = Interview.start(content, "zh").slots
    saves = []
    for _ in range(20):
        started = time.perf_counter()
        write_answers(work / "save.yaml", target.model_dump(mode="json"))
        saves.append(time.perf_counter() - started)
    record("  one durable save of an answers file (as assess does)", f"{statistics.median(saves) * 1000:.1f} ms")
    for pause, label in ((0.3, "a 0.3 s pause before each answer"), (0.0, "no pause: flat out")):
        folder = work / f"workshop-{pause}"
        people = [arg for n in range(1, 11) for arg in ("-r", f"R{n}")]
        process, links = _start_server(str(folder), "--workshop", *people)
        times: list[float] = []
        cpu_before = _cpu_seconds(process.pid)
        threads = [threading.Thread(target=_respond, args=(link, target, slots, pause, times)) for link in links[:10]]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            cpu = _cpu_seconds(process.pid) - cpu_before
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
        load = os.getloadavg()[0]
        ordered = sorted(times)
        median = statistics.median(ordered) * 1000
        p95 = ordered[int(len(ordered) * 0.95)] * 1000
        record(
            f"serve: answer -> next question, 10 at once, {label}",
            f"median {median:.1f} ms, p95 {p95:.0f} ms ({len(times)} answers, load {load:.1f})",
            "target < 50 ms" if pause else "",
        )
        record("  the server's CPU time per answer (both requests)", f"{cpu / len(times) * 1000:.1f} ms")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a running process (Linux's /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


SECTIONS: dict[str, Callable[[bool, Path], None]] = {
    "startup": startup,
    "report": report,
    "batch": batch,
    "throughput": throughput,
    "dask": dask,
    "portfolio": portfolio,
    "interview": interview,
    "serve": serve,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sections", nargs="*", help=f"sections to run, of: {', '.join(SECTIONS)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and files")
    parser.add_argument("--generate", nargs=3, metavar=("COUNT", "FOLDER", "SEED"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.generate:
        count, folder, seed = options.generate
        generate(int(count), Path(folder), int(seed))
        return
    unknown = set(options.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    _become_subreaper()
    work = Path(tempfile.mkdtemp(prefix="readiness-bench-"))
    try:
        for name in options.sections or list(SECTIONS):
            print(f"[{name}]", flush=True)
            if name == "portfolio" and not (work / "park").exists():
                generated(200 if options.quick else 1000, work / "park")
            SECTIONS[name](options.quick, work)
        print("\n| figure | value | target |\n| --- | --- | --- |")
        for figure, value, target in RESULTS:
            print(f"| {figure.strip()} | {value} | {target} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
