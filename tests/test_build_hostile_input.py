"""Hostile or odd input gets a clear error naming the place, never a traceback or a hang: huge
literals, deep nesting, symbolic link loops, FIFOs, *.yml files, builds killed while staging;
and the views' parameters (pages, ids, dates) say what is wrong instead of failing a query."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import Result

from tests.fixtures import ROOT, Cli


def build(cspkg: Cli, data: Path, store: Path) -> Result:
    return cspkg("build", "--quiet", "--data", data, "--store", store)


def test_a_huge_literal_is_refused_by_validate_with_its_line(cspkg, good_data, good_minutes):
    text = good_minutes.read_text()
    good_minutes.write_text(text + "observations_note: |\n  " + "x" * (2 << 20) + "\n")
    line = text.count("\n") + 1
    result = cspkg("validate", "--data", good_data)
    assert result.exit_code != 0
    assert f"{good_minutes.name}:{line}: observations_note: a text of 2.0 MiB" in result.stderr, result.stderr


def test_deeply_nested_yaml_is_a_problem_with_its_line(cspkg, good_data, good_minutes):
    depth = 3000
    nested = "deep: " + "[" * depth + "]" * depth + "\n"
    good_minutes.write_text(good_minutes.read_text() + nested)
    result = cspkg("validate", "--data", good_data)
    assert result.exit_code != 0 and "Traceback" not in result.stderr
    line = good_minutes.read_text().count("\n")
    assert f"{good_minutes.name}:{line}: the YAML nests more than 50 levels deep" in result.stderr, (
        result.stderr
    )


def test_a_symbolic_link_loop_is_named(cspkg, good_build, good_data, store_dir):
    loop = good_data / "minutes" / "loop.yaml"
    loop.symlink_to(loop)
    result = build(cspkg, good_data, store_dir)
    assert result.exit_code != 0
    assert "loop.yaml: a symbolic link that loops" in result.stderr, result.stderr


def test_a_yml_file_is_refused_loudly(cspkg, good_build, good_data, good_minutes, store_dir):
    (good_data / "minutes" / "extra.yml").write_text(good_minutes.read_text())
    result = build(cspkg, good_data, store_dir)
    assert result.exit_code != 0
    assert "extra.yml: fact files end in .yaml (rename it to extra.yaml)" in result.stderr, result.stderr


def test_a_fifo_named_yaml_is_skipped_with_a_warning(good_data, tmp_path):
    os.mkfifo(good_data / "minutes" / "pipe.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSPKG_")}
    env["CSPKG_CACHE_DIR"] = str(tmp_path / "cache")
    done = subprocess.run(
        [sys.executable, "-m", "graph_build.cli", "validate", "--data", str(good_data)],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,  # reading the FIFO would wait for ever
    )
    assert done.returncode == 0, done.stderr
    assert "pipe.yaml: not a regular file: skipped" in done.stderr


def test_staging_left_by_a_killed_build_is_removed(cspkg, good_build, good_data, store_dir):
    builds = store_dir / "builds"
    abandoned = builds / ".killed.partial"
    abandoned.mkdir()
    (builds / ".killed.partial.lock").touch()  # its build died: nobody holds the lock
    running = builds / ".running.partial"
    running.mkdir()
    with open(builds / ".running.partial.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another build staging right now
        result = cspkg("build", "--quiet", "--full", "--data", good_data, "--store", store_dir)
        assert result.exit_code == 0, result.stderr
        assert not abandoned.exists() and not (builds / ".killed.partial.lock").exists()
        assert running.exists()


# -- the views' parameters -----------------------------------------------------------------------
def test_a_page_past_any_list_is_a_parameter_problem_not_a_malformed_query(api_client):
    r = api_client.get("/bodies", params={"page": "99999999999999999999"})
    assert r.status_code == 400 and r.json()["type"].endswith("/invalid-parameter"), r.text


def test_an_id_no_uri_can_hold_is_not_found(api_client):
    for key in ("%EF%BF%BF", "a%25zz", "caf%C3%A9"):
        r = api_client.get(f"/bodies/{key}")
        assert r.status_code == 404 and r.json()["type"].endswith("/not-found"), (key, r.text)


def test_dates_are_iso_days_only(api_client):
    for bad in ("86400", "1e5", "2016-1-29", "29/01/2016", "2016-01-29T00:00:00"):
        r = api_client.get("/bodies", params={"as_at": bad})
        assert r.status_code == 400 and "YYYY-MM-DD" in r.json()["detail"], (bad, r.text)
    assert api_client.get("/bodies", params={"as_at": "2016-01-29"}).json()["asAt"] == "2016-01-29"
    assert "asAt" not in api_client.get("/bodies", params={"as_at": ""}).json()  # an empty form field


def test_a_views_own_query_failing_is_a_server_error_not_the_clients(api_client):
    from api.problems import problem_for
    from graph_build.store.base import QueryError

    assert problem_for(QueryError("error at 1:1")) is None  # answered 500 and logged
