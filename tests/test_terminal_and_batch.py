"""Hostile text on the terminal (F4, F11), the error boundary, and batch hardening (F5, F8, F9, F17, F18,
FIFOs and devices in the batch folder). Each test fails on the behaviour the findings describe."""

from __future__ import annotations

import ast
import csv
import dataclasses
import io
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from readiness import batch
from readiness.assess import run_assessment
from readiness.batch import safe_stem
from readiness.cli import app
from readiness.loader import load_answers, write_answers
from readiness.model import Answers, Content
from readiness.portfolio import enterprise_code, portfolio_entry, summed
from readiness.report.tables import render_csv
from readiness.resources import bundled_examples, example_answers
from readiness.terminal import PLACEHOLDER, printable
from tests.conftest import ROOT, edit_yaml
from tests.test_interview import script

runner = CliRunner()
ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}

# What an answers file from a client can hold: a window title, a clear screen, an OSC 8 link, Rich
# markup that would make a link and blink, and a closing tag that makes Rich raise MarkupError.
LINK = "[link=http://127.0.0.1:9/x]click[/link]"
HOSTILE = f"ACME \x1b]0;pwned\x07\x1b[2J\x1b]8;;http://127.0.0.1:9/\x07 {LINK} [/] [blink]B"
SHOWN = f"{LINK} [/] [blink]B"  # what must appear, literally


def invoke(*args: str, **kwargs: Any) -> Any:
    return runner.invoke(app, list(args), env=ENV, **kwargs)


def answers_with(content: Content, path: Path, source: str = "edge_inspection", **enterprise: Any) -> Path:
    data = load_answers(example_answers(source), content).model_dump(mode="json")
    data["enterprise"].update(enterprise)
    write_answers(path, data)
    return path


def flat(output: str) -> str:
    """The output with line breaks and runs of spaces as one space: titles and cells wrap."""
    return " ".join(output.split())


def assert_safe(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output and "\x9b" not in output
    assert "Traceback" not in output and "MarkupError" not in output


# --- the one sanitising function ---------------------------------------------------------------


def test_printable_shows_controls_and_bidi_as_placeholders() -> None:
    dangerous = [
        "\x00",
        "\x07",
        "\x08",
        "\x0b",
        "\x0c",
        "\r",
        "\x1b",
        "\x7f",
        "\x85",
        "\x9b",
        "\x9f",
        "\u200e",
        "\u200f",
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\udcff",
    ]
    for char in dangerous:
        assert printable(f"a{char}b") == f"a{PLACEHOLDER}b", repr(char)
    kept = "tab\there\nnew line 中文 👨\u200d👩\u200d👧 [/] é"
    assert printable(kept) == kept


# --- F4 and F11: names, answers, paths and titles reach Rich as text -----------------------------


def test_score_shows_escape_sequences_and_markup_literally(tmp_path: Path, content: Content) -> None:
    path = answers_with(content, tmp_path / "esc.yaml", name=HOSTILE, region="Region \x1b[5m [bold]x[/bold]")
    result = invoke("score", str(path))
    assert result.exit_code == 0, result.output
    assert_safe(result.output)
    assert SHOWN in flat(result.output) and PLACEHOLDER in result.output
    assert f"ACME {PLACEHOLDER}]0;pwned{PLACEHOLDER}{PLACEHOLDER}[2J" in flat(result.output)


def test_compare_shows_the_name_literally(tmp_path: Path, content: Content) -> None:
    before = answers_with(content, tmp_path / "before.yaml", name=HOSTILE)
    after = answers_with(content, tmp_path / "after.yaml", name=HOSTILE)
    result = invoke("compare", str(before), str(after))
    assert result.exit_code == 0, result.output
    assert_safe(result.output)
    assert SHOWN in flat(result.output)


def test_merge_summary_shows_answers_literally(tmp_path: Path, content: Content) -> None:
    data = load_answers(example_answers("edge_inspection"), content).model_dump(mode="json")
    files = []
    for number, text in enumerate(("first [/] answer \x1b[2J", f"second {LINK} [/]")):
        data["answers"]["compute.priority_use_case"] = text
        data["respondents"] = [{"name": f"Person [/] {number} \x1b]0;t\x07", "role": "role"}]
        files.append(tmp_path / f"r{number}.yaml")
        write_answers(files[-1], data)
    result = invoke("merge", *map(str, files), "-o", str(tmp_path / "merged.yaml"))
    assert result.exit_code == 0, result.output
    assert_safe(result.output)
    assert "first [/] answer" in flat(result.output) and f"second {LINK} [/]" in flat(result.output)
    assert "→ kept first [/] answer" in flat(result.output)  # the kept value, unescaped before


def test_end_of_the_interview_shows_the_name_literally(tmp_path: Path, content: Content) -> None:
    data = load_answers(example_answers("mature_finetune"), content).model_dump(mode="json")
    data["enterprise"]["name"] = HOSTILE.replace("\x07", "")  # BEL cannot be typed at a prompt
    target = Answers.model_validate(data)
    path = tmp_path / "answers.yaml"
    result = invoke("assess", "--answers", str(path), input="\n".join(script(content, target)) + "\n")
    assert result.exit_code == 0, result.output[-3000:]
    assert_safe(result.output)
    assert "All questions answered" in result.output
    assert SHOWN in flat(result.output.split("All questions answered")[1])
    assert load_answers(path, content).enterprise["name"] == data["enterprise"]["name"]


@pytest.mark.parametrize(("keys", "code"), [(["Li Wei", "Owner", "s"], 0), (["Li Wei", "Owner"], 130)])
def test_an_answers_path_with_markup_is_shown_literally(tmp_path: Path, keys: list[str], code: int) -> None:
    path = tmp_path / "x[/]y [bold]z.yaml"
    result = invoke("assess", "--answers", str(path), input="\n".join(keys) + "\n")
    assert result.exit_code == code, result.output
    assert_safe(result.output)
    assert f"Your answers are saved in {path}." in flat(result.output)
    assert f"readiness assess --answers {path}" in flat(result.output)


def test_content_titles_with_markup_are_shown_literally(content_copy: Path, tmp_path: Path) -> None:
    questionnaire = content_copy / "questionnaires" / "ai_manufacturing" / "questionnaire.yaml"
    edit_yaml(questionnaire, lambda d: d["title"].update(en="Readiness [/] \x1b[2J [link=http://x]y[/link]"))
    result = invoke(
        "assess",
        "--answers",
        str(tmp_path / "a.yaml"),
        "--content-dir",
        str(content_copy),
        "--lang",
        "en",
        input="Li Wei\nOwner\ns\n",
    )
    assert result.exit_code == 0, result.output
    assert_safe(result.output)
    assert "Readiness [/]" in flat(result.output) and "[link=http://x]y[/link]" in flat(result.output)


def test_messages_with_paths_show_them_literally(tmp_path: Path, content: Content) -> None:
    folder = tmp_path / "odd \x1b]0;title\x07 [" / "] [bold]dir"  # the path holds "[/]" and an escape sequence
    folder.mkdir(parents=True)
    path = answers_with(content, folder / "a [b].yaml")
    shown = printable(path)
    result = invoke("validate", str(path))
    assert result.exit_code == 0, result.output
    assert_safe(result.output)
    assert f"ok {shown}: " in result.output
    target = folder / "score [/].json"
    result = invoke("score", str(path), "-f", "json", "-o", str(target))  # F11: written, then MarkupError
    assert result.exit_code == 0, result.output
    assert_safe(result.output)
    assert f"wrote {printable(target)}" in result.output and target.exists()


# --- the error boundary ---------------------------------------------------------------------------


def test_an_unexpected_exception_is_one_line_and_a_crash_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import readiness.assess

    def boom(*args: Any, **kwargs: Any) -> None:
        raise ZeroDivisionError("a bug [/] \x1b[2J\nwith a second line")

    monkeypatch.setattr(readiness.assess, "run_assessment", boom)
    cache = tmp_path / "cache"
    result = runner.invoke(
        app, ["score", str(example_answers("small_plant"))], env={**ENV, "READINESS_CACHE_DIR": str(cache)}
    )
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("internal error: ZeroDivisionError: a bug [/]") and "details in " in lines[0]
    assert_safe(result.output)
    logs = list(cache.glob("crash-*.log"))
    assert len(logs) == 1 and lines[0].endswith(str(logs[0]))
    assert stat.S_IMODE(logs[0].stat().st_mode) == 0o600
    text = logs[0].read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError: a bug" in text and "in boom" in text


def test_interrupt_stays_130_and_exit_passes_through(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import readiness.assess

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    broken = tmp_path / "broken.yaml"
    broken.write_text("enterprise: [\n", encoding="utf-8")
    assert invoke("validate", str(broken)).exit_code == 1  # typer.Exit(1) from inside the boundary
    monkeypatch.setattr(readiness.assess, "run_assessment", interrupted)
    result = invoke("score", str(example_answers("small_plant")))
    assert result.exit_code == 130 and "interrupted" in result.output and "internal error" not in result.output


def test_every_command_is_inside_the_error_boundary() -> None:
    """Each function registered as a command has `with user_errors():` or the decorator."""
    missing = []
    for module in sorted((ROOT / "readiness" / "cli").glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        functions = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        commands = [  # add_command(app, NAME), which registers NAME with app.command(...)
            node.args[1].id
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "add_command"
            and len(node.args) == 2
            and isinstance(node.args[1], ast.Name)
        ]
        commands += [
            node.args[0].id
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Call)
            and isinstance(node.func.func, ast.Attribute)
            and node.func.func.attr == "command"
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in functions
            and module.name != "common.py"  # add_command itself
        ]
        for name in commands:
            function = functions[name]
            calls = [
                item.context_expr for node in ast.walk(function) if isinstance(node, ast.With) for item in node.items
            ]
            calls += function.decorator_list
            if not any(
                isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id == "user_errors" for c in calls
            ):
                missing.append(f"{module.name}:{name}")
    assert not missing, missing


# --- F8: a file name that is not UTF-8, and any failure in a worker --------------------------------


def test_a_file_name_that_is_not_utf8_is_assessed_and_named_with_a_replacement(tmp_path: Path) -> None:
    folder = tmp_path / "park"
    folder.mkdir()
    data = Path(example_answers("small_plant")).read_bytes()
    # A bytes path: pathlib cannot hold a name that is not valid UTF-8.
    with open(os.path.join(os.fsencode(folder), b"plant-\xff.yaml"), "wb") as stream:  # noqa: PTH118, PTH123
        stream.write(data.replace(b"Huzhou Xinmiao Children's Wear Co., Ltd.", b""))  # no name: the file's is used
    (folder / "good.yaml").write_bytes(Path(example_answers("example")).read_bytes())
    out = tmp_path / "out"
    result = invoke("batch", str(folder), "-o", str(out), "-f", "json")
    assert result.exit_code == 0, result.output
    assert_safe(result.output)
    lines = [json.loads(line) for line in (out / "portfolio.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(line["source"] for line in lines) == ["good.yaml", "plant-\ufffd.yaml"]
    assert (out / "plant-.json").exists() or (out / "plant-\ufffd.json").exists()
    assert "plant-\ufffd.yaml" in (out / "portfolio.csv").read_text(encoding="utf-8")
    again = invoke("batch", str(folder), "-o", str(out), "-f", "json")  # the manifest knows it by its own name
    assert "2 file(s) were done by an earlier run" in again.output, again.output


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_any_exception_in_the_worker_is_listed_and_the_others_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    monkeypatch.setattr(batch, "PARALLEL_FROM", 2)
    monkeypatch.setattr(batch, "CHUNK", 1)
    real = batch.run_assessment

    def flaky(content: Content, answers: Answers) -> Any:
        if answers.enterprise.get("industry") == "textile":
            raise TypeError("str is not valid UTF-8: surrogates not allowed")
        return real(content, answers)

    monkeypatch.setattr(batch, "run_assessment", flaky)  # forked workers inherit it
    folder = tmp_path / "park"
    folder.mkdir()
    for name in ("small_plant", "example", "mature_finetune"):
        (folder / f"{name}.yaml").write_bytes(Path(example_answers(name)).read_bytes())
    out = tmp_path / "out"
    result = invoke("batch", str(folder), "-o", str(out), "-f", "json", "--jobs", jobs)
    assert result.exit_code == 1, result.output
    assert "small_plant.yaml: internal error: TypeError: str is not valid UTF-8" in result.output
    assert "Traceback" not in result.output
    assert len((out / "portfolio.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    assert {"portfolio.csv", "portfolio.xlsx"} <= {p.name for p in out.iterdir()}


# --- F9: an enterprise named `portfolio` -----------------------------------------------------------


def test_portfolio_names_are_reserved() -> None:
    taken: set[str] = set()
    assert safe_stem("portfolio", taken) == "portfolio-2"
    assert safe_stem("Portfolio", taken) == "Portfolio-3"  # case folded, like every other name
    assert safe_stem("ｐｏｒｔｆｏｌｉｏ", set()) == "portfolio-2"  # noqa: RUF001 (full-width on purpose: NFKC folded)


def test_an_enterprise_named_portfolio_does_not_replace_the_portfolio(tmp_path: Path, content: Content) -> None:
    folder = tmp_path / "park"
    folder.mkdir()
    answers_with(content, folder / "p.yaml", name="portfolio")
    answers_with(content, folder / "good.yaml", name="Good Plant Ltd")
    out = tmp_path / "out"
    result = invoke("batch", str(folder), "-o", str(out), "-f", "html", "--jobs", "2", "--lang", "en")
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {"portfolio.html", "portfolio.pdf", "portfolio-2.html", "Good-Plant-Ltd.html"} <= names
    assert "Good Plant Ltd" in (out / "portfolio.html").read_text(encoding="utf-8")  # the portfolio: both members
    assert "Good Plant Ltd" not in (out / "portfolio-2.html").read_text(encoding="utf-8")  # the enterprise's report


# --- F18: invisible and control characters in file names ------------------------------------------


def test_file_names_lose_controls_bidi_and_zero_width_characters(tmp_path: Path, content: Content) -> None:
    taken: set[str] = set()
    assert safe_stem("Invoice\u202egnp.exe", taken) == "Invoicegnp.exe"
    assert safe_stem("C1\x9bcontrol\x85", taken) == "C1control"
    assert safe_stem("Zero\u200bWidth\ufeff\u2066x\u2069", taken) == "ZeroWidthx"
    assert safe_stem("Family 👨\u200d👩\u200d👧 Works", taken) == "Family-👨\u200d👩\u200d👧-Works"  # emoji kept whole
    folder = tmp_path / "park"
    folder.mkdir()
    for number, name in enumerate(("Invoice\u202egnp.exe", "C1\x9bcontrol", "Zero\u200bWidth\u200e")):
        answers_with(content, folder / f"{number}.yaml", name=name)
    out = tmp_path / "out"
    result = invoke("batch", str(folder), "-o", str(out), "-f", "json")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir() if p.is_file())
    assert names[:3] == ["C1control.json", "Invoicegnp.exe.json", "ZeroWidth.json"], names
    import unicodedata

    assert not [n for n in names if any(unicodedata.category(c) in ("Cc", "Cf") for c in n)]


# --- F5: --anonymise anonymises everything the run writes -----------------------------------------


def _park(tmp_path: Path) -> tuple[Path, list[str]]:
    """All bundled examples, and what identifies them: names, regions, respondents, file names."""
    import yaml

    folder = tmp_path / "park"
    folder.mkdir()
    secrets: list[str] = []
    for name in bundled_examples():
        text = Path(example_answers(name)).read_text(encoding="utf-8")
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
        data = yaml.safe_load(text)
        words = [w for w in data["enterprise"]["name"].replace(",", " ").split() if len(w) >= 6 and w[0].isupper()]
        secrets += [data["enterprise"]["name"], data["enterprise"]["region"], f"{name}.yaml", *words]
        secrets += [person["name"] for person in data.get("respondents", [])]
    return folder, [s for s in secrets if s not in ("Technology", "Electronics", "Fasteners")]


def _written_text(out: Path) -> dict[str, str]:
    """Every file the run wrote (its manifest too), as text: xlsx unzipped, PDF text and metadata extracted."""
    texts = {}
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                texts[path.name] = "".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
        elif path.suffix == ".pdf":
            from pypdf import PdfReader

            reader = PdfReader(path)
            texts[path.name] = "".join(page.extract_text() for page in reader.pages) + repr(reader.metadata)
        else:
            import html

            texts[path.name] = html.unescape(path.read_text(encoding="utf-8", errors="replace"))
    return texts


def _codes(out: Path) -> set[str]:
    return {p.stem for p in out.glob("E-*.json")}


def test_anonymise_leaves_no_name_region_or_person_in_any_file(tmp_path: Path) -> None:
    folder, secrets = _park(tmp_path)
    out = tmp_path / "out"
    result = invoke("batch", str(folder), "-o", str(out), "-f", "json", "--anonymise")
    assert result.exit_code == 0, result.output
    assert "new anonymisation key" in result.output
    texts = _written_text(out)
    assert len(_codes(out)) == len(bundled_examples())
    assert {name for name in texts if not name.startswith(("E-", "portfolio."))} == {".anonymise-key", "manifest.jsonl"}
    leaks = {name: [s for s in secrets if s in text] for name, text in texts.items()}
    assert not any(leaks.values()), leaks
    for path in out.glob("E-*.json"):
        data = json.loads(path.read_bytes())
        assert data["enterprise"]["name"] == path.stem and "region" not in data["enterprise"] and data["source"] == ""
    key = out / ".anonymise-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    lines = [json.loads(line) for line in (out / "portfolio.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {line["enterprise"]["name"] for line in lines} == _codes(out)


def test_anonymise_codes_are_stable_with_the_same_key_and_change_with_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _ = _park(tmp_path)
    runs = {}
    for run, folder_name, env_key in (
        ("first", "a", None),
        ("again", "a", None),
        ("other", "b", None),
        ("env1", "c", "a secret of this programme"),
        ("env2", "d", "a secret of this programme"),
        ("env3", "e", "another programme's secret"),
    ):
        env = {**ENV, batch.KEY_ENV: env_key} if env_key else ENV
        result = runner.invoke(
            app, ["batch", str(folder), "-o", str(tmp_path / folder_name), "-f", "json", "--anonymise"], env=env
        )
        assert result.exit_code == 0, result.output
        runs[run] = _codes(tmp_path / folder_name)
    assert runs["first"] == runs["again"] and len(runs["first"]) == len(bundled_examples())
    assert not runs["first"] & runs["other"]  # another folder, another key: other codes
    assert runs["env1"] == runs["env2"] and not runs["env1"] & runs["env3"] and not runs["env1"] & runs["first"]
    key = (tmp_path / "a" / ".anonymise-key").read_bytes().strip()
    assert enterprise_code("苏州恒锐精密机床股份有限公司", key) in runs["first"]
    assert enterprise_code("苏州恒锐精密机床股份有限公司", b"a secret of this programme") in runs["env1"]
    plain = "E-" + __import__("hashlib").sha256("苏州恒锐精密机床股份有限公司".encode()).hexdigest()[:8].upper()
    assert plain not in runs["first"]  # not found by hashing a list of names
    result = runner.invoke(
        app,
        ["batch", str(folder), "-o", str(tmp_path / "f"), "-f", "json", "--anonymise"],
        env={**ENV, batch.KEY_ENV: "short"},
    )
    assert result.exit_code == 1 and "at least 16 characters" in result.output


def test_anonymised_reports_and_portfolio_documents_name_no_one(tmp_path: Path, content: Content) -> None:
    folder = tmp_path / "park"
    folder.mkdir()
    for name in ("small_plant", "edge_inspection"):
        (folder / f"{name}.yaml").write_bytes(Path(example_answers(name)).read_bytes())
    data = load_answers(example_answers("edge_inspection"), content).model_dump(mode="json")
    data["notes"] = {"diagnosis.mes_coverage": "Seen at Qinfeng's Yanliang plant"}
    data["disagreements"] = [
        {"question": "diagnosis.mes_coverage", "kept": 80, "answers": {"Sun Qian": 80, "Liang Hao": 90}}
    ]
    write_answers(folder / "edge_inspection.yaml", data)
    out = tmp_path / "out"
    result = invoke("batch", str(folder), "-o", str(out), "-f", "html", "--anonymise", "--jobs", "2", "--lang", "en")
    assert result.exit_code == 0, result.output
    reports = sorted(out.glob("E-*.html"))
    assert len(reports) == 2
    secrets = [
        "Qinfeng",
        "Yanliang",
        "Shaanxi",
        "Huzhou",
        "Xinmiao",
        "Zhili",
        "Sun Qian",
        "Liang Hao",
        "Zhou Lihua",
        "Xu Min",
        "small_plant",
        "edge_inspection",
    ]
    leaks = {name: [s for s in secrets if s in text] for name, text in _written_text(out).items()}
    assert not any(leaks.values()), leaks
    assert any("Respondent 1" in path.read_text(encoding="utf-8") for path in reports)


# --- F17: formulas in portfolio.csv ----------------------------------------------------------------


def test_csv_cells_that_look_like_formulas_are_neutralised(content: Content) -> None:
    answers = load_answers(example_answers("small_plant"), content)
    assessed = run_assessment(content, answers)
    names = ['=HYPERLINK("http://127.0.0.1:9/x","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "Plain -name"]
    entries = [
        dataclasses.replace(portfolio_entry("=evil-file.yaml", assessed), name=name, overall_score=float(i))
        for i, name in enumerate(names)
    ]
    rows = list(csv.reader(io.StringIO(render_csv(summed(content, entries, "en")[1]).lstrip("\ufeff"), newline="")))
    cells = {row[0] for row in rows[1:]}
    assert cells == {"'" + n.replace("\r", "\n") for n in names[:-1]} | {"Plain -name"}  # a CR would split the row
    assert all(row[1] == "'=evil-file.yaml" for row in rows[1:])
    score = rows[0].index("overall_score")
    assert sorted(float(row[score]) for row in rows[1:]) == [
        float(i) for i in range(len(names))
    ]  # numbers stay numbers
    assert rows[0][0] == "name"


def test_batch_csv_is_neutralised_end_to_end(tmp_path: Path, content: Content) -> None:
    folder = tmp_path / "park"
    folder.mkdir()
    answers_with(content, folder / "=evil-file.yaml", name='=HYPERLINK("http://127.0.0.1:9/x","click")')
    out = tmp_path / "out"
    assert invoke("batch", str(folder), "-o", str(out), "-f", "json").exit_code == 0
    row = list(csv.reader(io.StringIO((out / "portfolio.csv").read_text(encoding="utf-8-sig"))))[1]
    assert row[:2] == ['\'=HYPERLINK("http://127.0.0.1:9/x","click")', "'=evil-file.yaml"]


# --- batch entries that are not regular files --------------------------------------------------------


def test_a_fifo_or_a_device_in_the_batch_folder_is_listed_as_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "park"
    folder.mkdir()
    (folder / "good.yaml").write_bytes(Path(example_answers("small_plant")).read_bytes())
    os.mkfifo(folder / "fifo.yaml")
    (folder / "null.yaml").symlink_to("/dev/null")
    (folder / "gone.yaml").symlink_to(folder / "nothing-here")
    out = tmp_path / "out"
    # A subprocess with a timeout: if the FIFO were opened, the run would wait for a writer forever.
    done = subprocess.run(
        [sys.executable, "-m", "readiness", "batch", str(folder), "-o", str(out), "-f", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **ENV},
    )
    assert done.returncode == 1, done.stderr
    assert "fifo.yaml: skipped: a FIFO (named pipe), not a regular file" in done.stderr
    assert "null.yaml: skipped: a link to a character device, not a regular file" in done.stderr
    assert "gone.yaml: skipped: cannot be read" in done.stderr
    assert "Traceback" not in done.stderr
    assert len((out / "portfolio.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_a_folder_with_only_a_fifo_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "park"
    folder.mkdir()
    os.mkfifo(folder / "only.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "readiness", "batch", str(folder), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **ENV},
    )
    assert done.returncode == 1
    assert "no answers files" in done.stderr and "only.yaml: skipped: a FIFO" in done.stderr
