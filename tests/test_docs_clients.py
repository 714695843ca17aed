"""The client examples of the docs run as written: docs/api.md's curl commands (in bash) and
docs/analysts.md's Python cells (in order, in one namespace, as a notebook), against a real
server holding the curated data/. Each ```text block after an example lists lines its output
must contain."""

from __future__ import annotations

import contextlib
import io
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.fixtures import ROOT, api_settings_for, build_store, start_api_server, stop_api_server

DOCUMENTED_BASE = "http://127.0.0.1:8000"


def examples(doc: Path, language: str) -> list[tuple[str, list[str]]]:
    """The doc's fenced blocks in `language`, each with the lines of the ```text block right after it."""
    fences = [t for t in MarkdownIt().parse(doc.read_text(encoding="utf-8")) if t.type == "fence"]
    found = []
    for i, fence in enumerate(fences):
        if fence.info.strip() == language:
            after = fences[i + 1] if i + 1 < len(fences) and fences[i + 1].info.strip() == "text" else None
            expected = [line.strip() for line in after.content.splitlines() if line.strip()] if after else []
            found.append((fence.content, expected))
    return found


CURL = examples(ROOT / "docs" / "api.md", "sh")
CELLS = examples(ROOT / "docs" / "analysts.md", "python")


def assert_shows(output: str, expected: list[str]) -> None:
    lines = {line.strip() for line in output.splitlines()}
    missing = [line for line in expected if line not in lines]
    assert not missing, f"not in the output: {missing}\n--- output ---\n{output}"


@pytest.fixture(scope="module")
def curated_api(tmp_path_factory):
    """The API over the curated data/ on a real server; its base URL."""
    store = tmp_path_factory.mktemp("docs") / "store"
    build_store(ROOT / "data", store)
    proc, base = start_api_server(api_settings_for(store, data_dir=ROOT / "data", result_limit=10000))
    try:
        yield base
    finally:
        stop_api_server(proc)


def test_the_docs_have_examples():
    assert len(CURL) >= 5 and all("curl" in code for code, _ in CURL)
    assert len(CELLS) >= 6


@pytest.mark.slow  # a real server over the whole curated data
@pytest.mark.parametrize("index", range(len(CURL)))
def test_curl_example_of_the_api_doc(curated_api, index):
    code, expected = CURL[index]
    run = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", code.replace(DOCUMENTED_BASE, curated_api)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip()
    assert_shows(run.stdout.replace(curated_api, DOCUMENTED_BASE), expected)


@pytest.mark.slow
def test_the_analysts_notebook_runs_top_to_bottom(curated_api, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a cell saves a file
    namespace: dict = {}
    for number, (code, expected) in enumerate(CELLS, 1):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(  # noqa: S102 - the doc's own cells, run as a notebook runs them
                compile(code.replace(DOCUMENTED_BASE, curated_api), f"analysts.md cell {number}", "exec"),
                namespace,
            )
        assert_shows(printed.getvalue(), expected)
    assert (tmp_path / "panels.ttl").stat().st_size > 1000
