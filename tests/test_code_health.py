"""Habits the gates of ruff and mypy do not keep: short functions (STYLE: under 60 lines)."""

from __future__ import annotations

import ast

from tests.fixtures import ROOT

MAX_LINES = 60
# Functions longer than that today, to be split (their length when listed): a new long function
# fails; one of these comes off the list once it is split.
LONG_ALREADY = {
    "benchmarks/synth.py:minutes_text": 243,  # a template of synthetic minutes, one f-string part a line
    "benchmarks/synth.py:register_text": 125,  # the same for the register
    "graph_build/reference/police.py:forces_document": 123,
    "graph_build/curate/app.py:create_app": 119,  # the routes of the review app, nested in their app
    "tests/test_curate.py:test_a_curator_reviews_a_draft_and_publishes_it": 87,  # one story, step by step
    "tests/test_curate_open.py:test_undo_leaving_a_changed_file_and_the_list_of_drafts": 75,
    "graph_build/update.py:_build_changes": 62,
    "api/services/description.py:service_description": 70,
    "api/pages/picture.py:layout": 69,
    "benchmarks/api_bench.py:run": 68,
    "benchmarks/api_bench.py:main": 64,
    "api/services/sparql.py:run_query": 65,
}


def function_lengths() -> dict[str, int]:
    """'path:name' → lines, for every function of the packages, the tests and the benchmarks."""
    out: dict[str, int] = {}
    for folder in ("graph_build", "api", "tests", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno:
                    key = f"{path.relative_to(ROOT)}:{node.name}"
                    out[key] = max(out.get(key, 0), node.end_lineno - node.lineno + 1)
    return out


def test_no_function_is_longer_than_sixty_lines() -> None:
    too_long = {
        key: lines
        for key, lines in function_lengths().items()
        if lines > MAX_LINES and key not in LONG_ALREADY
    }
    assert not too_long, f"split these functions (lines > {MAX_LINES}): {too_long}"


def test_the_list_of_long_functions_only_names_long_functions() -> None:
    """A function split (or renamed) comes off the list, so the list shows what is left to do."""
    lengths = function_lengths()
    stale = {key for key in LONG_ALREADY if lengths.get(key, 0) <= MAX_LINES}
    assert not stale, f"no longer over {MAX_LINES} lines: take them off LONG_ALREADY: {sorted(stale)}"
