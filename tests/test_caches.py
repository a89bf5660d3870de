"""What is kept between runs: the loaded content (content_cache.py), compiled templates
(template_cache.py), and the cache folder itself (user_cache.py)."""

from __future__ import annotations

import os
import pickle
import stat
from pathlib import Path

import jinja2
import pytest

from readiness import user_cache
from readiness.errors import ContentError
from readiness.loader import load_content
from readiness.template_cache import TemplateCache
from tests.conftest import edit_yaml


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(user_cache.CACHE_ENV, str(folder))
    return folder


def kept(cache: Path) -> list[Path]:
    return sorted(cache.glob("content-*.pickle"))


def test_content_loaded_once_is_read_back_the_same(content_copy: Path, cache: Path) -> None:
    first, warnings = load_content(content_copy)
    assert len(kept(cache)) == 1
    again, warnings_again = load_content(content_copy)
    assert again == first and again is not first and warnings_again == warnings
    assert stat.S_IMODE(kept(cache)[0].stat().st_mode) == 0o600
    assert len(kept(cache)) == 1


def test_a_changed_content_file_is_read_anew(content_copy: Path, cache: Path) -> None:
    load_content(content_copy)
    step = content_copy / "questionnaires" / "ai_manufacturing" / "diagnosis.yaml"

    def retitle(data: dict) -> None:  # type: ignore[type-arg]
        data["title"]["en"] = "Where the plant stands today"

    edit_yaml(step, retitle)
    changed, _ = load_content(content_copy)
    diagnosis = next(s for s in changed.questionnaire.steps if s.id == "diagnosis")
    assert diagnosis.title.en == "Where the plant stands today"
    assert len(kept(cache)) == 2


def test_content_with_errors_is_never_kept(content_copy: Path, cache: Path) -> None:
    step = content_copy / "questionnaires" / "ai_manufacturing" / "diagnosis.yaml"
    step.write_text(step.read_text(encoding="utf-8") + "\n  - nonsense: [\n", encoding="utf-8")
    for _ in range(2):  # the second run reports the same error, not a cached success
        with pytest.raises(ContentError):
            load_content(content_copy)
    assert kept(cache) == []


def test_a_broken_or_foreign_cache_file_is_not_used(content_copy: Path, cache: Path) -> None:
    real, _ = load_content(content_copy)
    (path,) = kept(cache)
    path.write_bytes(b"not a pickle")
    assert load_content(content_copy)[0] == real  # a miss, and written anew
    assert pickle.loads(path.read_bytes())[0] == real
    if hasattr(os, "getuid"):  # a file others can write could have been planted: never unpickled
        path.write_bytes(pickle.dumps(("planted", [])))
        path.chmod(0o666)
        assert load_content(content_copy)[0] == real


def test_no_cache_when_switched_off(content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(user_cache.CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache.folder() is None
    load_content(content_copy)
    assert not (tmp_path / "xdg").exists()


def test_the_cache_folder_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(user_cache.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache.folder() == tmp_path / "xdg" / "readiness"
    monkeypatch.setenv(user_cache.CACHE_ENV, str(tmp_path / "own"))
    assert user_cache.folder() == tmp_path / "own"


def test_only_the_newest_files_of_a_kind_are_kept(cache: Path) -> None:
    for number in range(user_cache.KEEP + 3):
        user_cache.write(f"catalogue-en-{number}.json", b"{}", "catalogue-en")
        os.utime(cache / f"catalogue-en-{number}.json", ns=(number * 10**9, number * 10**9))
    user_cache.write("content-other.pickle", b"x", "content")
    left = sorted(p.name for p in cache.glob("catalogue-en-*"))
    assert len(left) == user_cache.KEEP and "catalogue-en-0.json" not in left
    assert (cache / "content-other.pickle").exists()
    assert not list(cache.glob(".*.tmp"))


def test_a_compiled_template_is_kept_and_an_edited_one_compiled_anew(tmp_path: Path, cache: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("Hello {{ name }}", encoding="utf-8")

    def render() -> str:  # a new environment each time, as a new run has
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), bytecode_cache=TemplateCache("test"))
        return env.get_template("page.html").render(name="plant")

    assert render() == "Hello plant"
    (kept_file,) = cache.glob("template-test-*")
    assert render() == "Hello plant"
    (templates / "page.html").write_text("Welcome {{ name }}", encoding="utf-8")
    assert render() == "Welcome plant"
    kept_file.write_bytes(b"broken")
    assert render() == "Welcome plant"
