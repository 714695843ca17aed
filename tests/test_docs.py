"""The documentation names what the code has: every setting in the README's table, every route and
problem kind in docs/api.md, every CLI command in the README; and the `>>>` examples of the public
seams run."""

from __future__ import annotations

import ast
import doctest
import importlib
import re
from pathlib import Path

import pytest
import typer

from graph_build.config import Settings
from tests.fixtures import ROOT, api_settings_for

README = (ROOT / "README.md").read_text()
API_DOC = (ROOT / "docs" / "api.md").read_text()


def _table_names(text: str) -> set[str]:
    """The CSPKG_* names in the first column of the markdown tables."""
    names = set()
    for line in text.splitlines():
        if line.startswith("| `CSPKG_"):
            names.update(re.findall(r"`(CSPKG_[A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_every_setting_is_in_the_readme_table():
    settings = {f"CSPKG_{name.upper()}" for name in Settings.model_fields}
    documented = _table_names(README)
    assert sorted(settings - documented) == [], "settings missing from the README's table"
    assert sorted(documented - settings) == [], "the README's table names settings that do not exist"


def _doc_paths(text: str) -> set[str]:
    return {re.sub(r"\{[^}]*\}", "{}", p) for p in re.findall(r"`(/[^`\s?]*)", text)}


def test_every_documented_route_is_in_docs_api(tmp_path):
    from api.app import create_app

    paths = create_app(api_settings_for(tmp_path / "store")).openapi()["paths"]
    documented = _doc_paths(API_DOC)
    missing = sorted(p for p in paths if re.sub(r"\{[^}]*\}", "{}", p) not in documented)
    assert missing == [], "routes missing from docs/api.md"


def _problem_kinds() -> set[str]:
    """Every problem kind the API's code can answer with: the literal kind of each Problem(...) and
    QueryRefused(...), and the kinds of HTTP errors (api/problems.py)."""
    kinds: set[str] = set()
    for path in (ROOT / "api").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Problem", "QueryRefused"):
                literal = [
                    a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
                ]
                if literal and re.fullmatch(r"[a-z]+(-[a-z]+)*", literal[0]):
                    kinds.add(literal[0])
    from api.problems import _HTTP_KINDS

    return kinds | set(_HTTP_KINDS.values())


def test_every_problem_kind_is_in_docs_api():
    kinds = _problem_kinds()
    assert {"not-found", "malformed-query", "store-unavailable"} <= kinds  # the scan finds them
    missing = sorted(k for k in kinds if f"`{k}`" not in API_DOC)
    assert missing == [], "problem kinds missing from docs/api.md"


def test_every_cli_command_is_in_the_readme():
    from graph_build.cli import app

    names = {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands if c.callback}
    names |= {g.name for g in app.registered_groups if g.name}
    assert names, "the CLI has commands"
    click_app = typer.main.get_command(app)
    hidden = {name for name, cmd in getattr(click_app, "commands", {}).items() if cmd.hidden}
    missing = sorted(n for n in names - hidden if f"cspkg {n}" not in README)
    assert missing == [], "commands missing from the README"


# -- runnable examples on the public seams ----------------------------------------------------------
DOCTESTED = [
    "api.state",
    "graph_build.facts.dates",
    "graph_build.namespaces",
    "graph_build.store.base",
    "api.negotiation",
    "graph_build.facts.reader",  # the fact reader
    "graph_build.pipeline",  # the one-document validation
    "graph_build.store.embedded",  # the store interface, embedded
    "graph_build.draft",  # the draft entry point
    "api.services.query_check",  # the SPARQL safety check
    "graph_build.config",  # settings
]


@pytest.mark.parametrize("module", DOCTESTED)
def test_examples_in_docstrings_run(module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # examples that make folders make them here
    found = doctest.DocTestFinder().find(importlib.import_module(module))
    examples = sum(len(t.examples) for t in found)
    assert examples > 0, f"{module} has no >>> examples"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in found:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {module} failed"
