"""A full build on several workers (graph_build/parallel.py) makes what the one-process build
makes: the same statements, the same record of the build, the same warnings, and for bad input
the same problems in the same order."""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

import pytest

from graph_build import parallel, pipeline
from graph_build.config import Settings
from graph_build.errors import BuildError
from graph_build.progress import Reporter
from graph_build.store import EmbeddedStore
from tests.fixtures import curated_data_copy

PLYMOUTH = "safer-plymouth-board-2015-summer.yaml"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The real data (reference layer, registers, minutes): the statutory model applies to it."""
    return curated_data_copy(tmp_path / "data")


@pytest.fixture(autouse=True)
def share_any_number_of_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_FILES", 2)


def full_build(data: Path, where: Path, workers: int) -> tuple[Reporter, EmbeddedStore, Path]:
    settings = Settings(
        data_dir=data, store_dir=where / "store", cache_dir=where / "cache", workers=workers, store=None
    )
    store, reporter = EmbeddedStore(where / "store"), Reporter()
    pipeline.build(settings, store, reporter, full=True)
    return reporter, store, where / "cache" / "builds" / "record.sqlite"


def statements(store: EmbeddedStore) -> set[str]:
    """Every quad served but the build's id, time and input hash (the time differs)."""
    volatile = ("identifier>", "modified>", "inputHash>")
    return {str(q) for q in store.store() if not str(q.predicate).endswith(volatile)}


def record(path: Path) -> dict:
    with sqlite3.connect(path) as db:
        out = {
            table: sorted(db.execute(f"SELECT * FROM {table}"))
            for table in ("files", "declarations", "body_facts")
        }
        build = dict(db.execute("SELECT key, value FROM build"))
    for key in ("derived", "reach", "national"):
        out[key] = pickle.loads(build[key])
    out["frame"] = build["frame"]
    return out


def test_workers_make_what_one_process_makes(data: Path, tmp_path: Path) -> None:
    one, one_store, one_record = full_build(data, tmp_path / "one", workers=1)
    two, two_store, two_record = full_build(data, tmp_path / "two", workers=2)
    assert "convert" in two.timings and "convert" not in one.timings  # the two ways were taken
    assert statements(two_store) == statements(one_store)
    assert record(two_record) == record(one_record)
    assert [str(w) for w in two.warnings] == [str(w) for w in one.warnings]
    assert two.cpu["parse"] > 0 and two.cpu["triples"] > 0 and two.cpu["shacl"] > 0  # workers' CPU counted


@pytest.mark.slow
def test_an_incremental_build_follows_a_parallel_one(data: Path, tmp_path: Path) -> None:
    _, store, _ = full_build(data, tmp_path / "two", workers=2)
    minutes = data / "minutes" / PLYMOUTH
    person = "people:\n  - id: ada-testperson\n    name: Ada Testperson\n    cite: front page\n"
    minutes.write_text(minutes.read_text().replace("people:\n", person, 1))
    where = tmp_path / "two"
    settings = Settings(
        data_dir=data, store_dir=where / "store", cache_dir=where / "cache", workers=2, store=None
    )
    reporter = Reporter()
    pipeline.build(settings, store, reporter)
    assert reporter.summary.startswith("1 changed"), reporter.summary
    _, full, _ = full_build(data, tmp_path / "one", workers=1)
    assert statements(store) == statements(full)


EXTRA = """source:
  id: {id}
  title: An extra source
  kind: minutes
  date: 2016-01-01
concerns:
  - kind: question
    about: [{about}]
    statement: Who reviews the partnership's plan?
    cite: item 1
"""
BAD = {
    "a YAML error and a schema error": [
        (PLYMOUTH, "people:\n", "people:\n  - id: [\n"),
        ("chesterfield-crime-and-disorder-scrutiny-csp-asb.yaml", "source:\n", "source:\n  colour: red\n"),
    ],
    "references to ids nobody declares, early and late in the build": [
        ("aa-extra.yaml", "", EXTRA.format(id="aa-extra", about="no-such-body")),
        ("zz-extra.yaml", "", EXTRA.format(id="zz-extra", about="plymouth-cps")),
    ],
}


@pytest.mark.parametrize("edits", BAD.values(), ids=BAD.keys())
def test_bad_input_gives_the_problems_one_process_gives(
    data: Path, tmp_path: Path, edits: list[tuple[str, str, str]]
) -> None:
    for name, old, new in edits:
        path = data / "minutes" / name
        text = path.read_text() if path.exists() else ""
        assert old in text
        path.write_text(text.replace(old, new, 1))
    failures = []
    for workers in (1, 2):
        with pytest.raises(BuildError) as failed:
            full_build(data, tmp_path / str(workers), workers)
        failures.append([str(e) for e in failed.value.errors])
        assert not (tmp_path / str(workers) / "store" / "current").exists()
    assert failures[0] == failures[1] and failures[0]


def test_shares_are_runs_in_order_of_about_equal_size(tmp_path: Path) -> None:
    paths = []
    for i, size in enumerate([10, 10, 10, 10, 40, 10, 10]):
        path = tmp_path / f"{i}.yaml"
        path.write_text("x" * size)
        paths.append((path.name, path))
    runs = parallel.shares(paths, 2)
    assert [k for run in runs for k, _ in run] == [k for k, _ in paths]
    assert [len(run) for run in runs] == [5, 2]
    assert parallel.shares(paths[:1], 2) == [paths[:1]]
