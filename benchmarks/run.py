"""Performance figures of readiness, as ratios measured in one run (machines are noisy; ratios travel).

    python benchmarks/run.py            # everything (a few minutes on 2 cores)
    python benchmarks/run.py startup report    # some sections only
    python benchmarks/run.py --quick    # fewer repetitions and files

Each comparison runs its commands in turn, several times; a ratio is the median of the run-by-run
ratios. CPU time includes the worker processes a command waits for, so "per core" figures divide by
it. Peak memory is the largest resident set of one process. Needs the project installed (`make setup`).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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


def run(command: list[str], timing: Timing) -> None:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    timing.walls.append(time.perf_counter() - started)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode() if process.stderr else ''}")
    timing.cpus.append(usage.ru_utime + usage.ru_stime)
    timing.peak = max(timing.peak, usage.ru_maxrss // 1024)


def medians(commands: dict[str, list[str]], repeat: int) -> dict[str, Timing]:
    """Each command run `repeat` times, in turn (A B C A B C ...), so that drifts in the machine's
    speed touch them all alike."""
    timings = {name: Timing() for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            run(command, timings[name])
    return timings


def ratio(a: Timing, b: Timing) -> float:
    """The median of the ratios of wall times, run by run."""
    return statistics.median(x / y for x, y in zip(a.walls, b.walls, strict=True))


def record(figure: str, value: str, target: str = "") -> None:
    RESULTS.append((figure, value, target))
    print(f"  {figure:<58} {value:<22} {target}", flush=True)


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


def generate(count: int, folder: Path, seed: int = 7) -> None:
    """`count` answers files: the bundled personas with answers varied at random (seeded)."""
    sys.path.insert(0, str(ROOT))
    from readiness.loader import load_answers, load_content, write_answers
    from readiness.resources import content_dir

    content, _ = load_content(content_dir())
    index = content.questionnaire.question_index()
    personas = [load_answers(p, content) for p in sorted(EXAMPLES.glob("*.yaml"))]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        base = rng.choice(personas).model_dump(mode="json")
        for key in rng.sample(sorted(base["answers"]), 8):
            question = index[key]
            if question.type == "single":
                base["answers"][key] = rng.choice(question.options).id
            elif question.type in ("number", "percent") and question.bands:
                base["answers"][key] = rng.choice([b.min for b in question.bands])
        base["enterprise"]["name"] = f"{base['enterprise']['name']} {number:04d}"
        write_answers(folder / f"enterprise-{number:04d}.yaml", base)


def batch(quick: bool, work: Path) -> None:
    count = 200 if quick else 1000
    folder = work / "park"
    generate(count, folder)
    parse_only = (
        "import sys, pathlib, yaml; "
        "[yaml.load(p.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader) "
        "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml'))]"
    )
    cores = os.cpu_count() or 1  # per core: files per second of CPU time, the workers' included
    got = medians(
        {
            "one_core": [READINESS, "batch", str(folder), "-o", str(work / "json-1"), "-f", "json", "--jobs", "1"],
            "all_cores": [READINESS, "batch", str(folder), "-o", str(work / "json-n"), "-f", "json"],
            "parse": [PYTHON, "-c", parse_only, str(folder)],
        },
        1 if quick else 5,
    )
    one, every, parse = got["one_core"], got["all_cores"], got["parse"]
    record(
        f"batch --format json, {count} files, --jobs 1",
        f"{one.wall:.2f} s, {count / one.wall:.0f} files/s",
        "target >= 200 files/s per core",
    )
    record(
        f"  same, default --jobs ({cores} cores)",
        f"{every.wall:.2f} s, {count / every.cpu:.0f} files/s per core",
        "target >= 200 files/s per core",
    )
    record("  parsing the same YAML files only (one process)", f"{parse.wall:.2f} s")
    record("  batch (default --jobs) vs parsing only", f"{ratio(every, parse):.2f}x", "target <= 3x")
    record("  batch --jobs 1 vs parsing only", f"{ratio(one, parse):.2f}x")


def throughput(quick: bool, work: Path) -> None:
    count = 4 if quick else 12
    folder = work / "reports"
    generate(count, folder, seed=11)
    got = medians(
        {
            f"jobs{n}": [
                READINESS,
                "batch",
                str(folder),
                "-o",
                str(work / f"pdf-{n}"),
                "--jobs",
                str(n),
                "--lang",
                "en",
            ]
            for n in (1, 2)
        },
        1 if quick else 2,
    )
    record(f"batch of {count} PDF reports, --jobs 1", f"{got['jobs1'].wall:.1f} s")
    record(f"batch of {count} PDF reports, --jobs 2", f"{got['jobs2'].wall:.1f} s")
    record("  speed-up of --jobs 2", f"{ratio(got['jobs1'], got['jobs2']):.2f}x", "target >= 1.7x (2 cores)")


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
        record(f"portfolio PDF of {count} enterprises", f"{float(seconds):.1f} s, {pages} pages", "target < 60 s")


def interview(quick: bool, work: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from readiness.loader import load_answers, load_content
    from readiness.resources import content_dir
    from tests.test_interview import script

    content, _ = load_content(content_dir())
    for name in ("small_plant", "example"):
        target = load_answers(EXAMPLES / f"{name}.yaml", content)
        lines = script(content, target)
        path = work / f"interview-{name}.yaml"
        path.unlink(missing_ok=True)
        started = time.perf_counter()
        subprocess.run(
            [READINESS, "assess", "--answers", str(path)],
            input="\n".join(lines) + "\n",
            text=True,
            capture_output=True,
            check=True,
        )
        seconds = time.perf_counter() - started
        shown = len(lines) - 2 - sum(1 for line in lines if line == "")  # minus respondent and step pauses
        record(f"interview '{name}': questions shown", str(shown), "target about 60")
        record(
            "  whole scripted interview, per question",
            f"{seconds:.2f} s, {seconds / shown * 1000:.0f} ms",
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
    with httpx2.Client(base_url=base, follow_redirects=True, timeout=30) as client:
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


def serve(quick: bool, work: Path) -> None:
    """`readiness serve`: start-up against `readiness --help`, and answer -> next question with ten
    respondents answering at once, each answering every question (the profile is shared)."""
    import threading

    sys.path.insert(0, str(ROOT))
    from readiness.interview import Interview
    from readiness.loader import load_answers, load_content, write_answers
    from readiness.resources import content_dir

    repeat = 3 if quick else 9
    helps, scores, starts = Timing(), Timing(), Timing()
    for turn in range(repeat):
        run([READINESS, "--help"], helps)
        run([READINESS, "score", str(EXAMPLES / "example.yaml")], scores)  # reads the same content
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
    "portfolio": portfolio,
    "interview": interview,
    "serve": serve,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sections", nargs="*", help=f"sections to run, of: {', '.join(SECTIONS)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and files")
    options = parser.parse_args()
    unknown = set(options.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    work = Path(tempfile.mkdtemp(prefix="readiness-bench-"))
    try:
        for name in options.sections or list(SECTIONS):
            print(f"[{name}]", flush=True)
            if name == "portfolio" and not (work / "park").exists():
                generate(200 if options.quick else 1000, work / "park")
            SECTIONS[name](options.quick, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
