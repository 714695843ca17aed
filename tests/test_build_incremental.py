"""Incremental builds: after a source is added, edited or removed, a build replaces only what
changed and serves the same triples a full build makes; bad input changes nothing. On the
embedded store and on a real Oxigraph server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph_build import pipeline
from graph_build.config import Settings
from graph_build.errors import BuildError
from graph_build.progress import Reporter
from graph_build.store import EmbeddedStore, GraphStore, RemoteStore
from tests.fixtures import Cli, OxigraphServer, curated_data_copy

META = "https://w3id.org/cspkg/graph/meta"
DCTERMS, CSP = "http://purl.org/dc/terms/", "https://w3id.org/cspkg/def#"
PLYMOUTH = "safer-plymouth-board-2015-summer.yaml"
CHESTERFIELD = "chesterfield-crime-and-disorder-scrutiny-csp-asb.yaml"
NEW_PERSON = """
  - id: ada-testperson
    name: Ada Testperson
    cite: front page
"""


EXTRA = """source:
  id: zz-extra
  title: An extra source
  kind: minutes
  date: 2016-01-01
people:
  - id: bo-extraperson
    name: Bo Extraperson
    cite: item 1
concerns:
  - kind: question
    about: [plymouth-csp]
    statement: Who reviews the partnership's plan?
    cite: item 1
"""


def settings_for(data: Path, store: Path, cache: Path) -> Settings:
    return Settings(data_dir=data, store_dir=store, cache_dir=cache, workers=1, store=None)


def quads(store: ox.Store | GraphStore) -> set[str]:
    """Every statement served, but the build's own id and time."""
    rows = store.query(
        "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(?s != <{META}> || ?p NOT IN (<{DCTERMS}identifier>, <{DCTERMS}modified>, <{CSP}inputHash>)) }}"
    )
    assert isinstance(rows, ox.QuerySolutions)
    return {" ".join(str(row[v]) for v in ("s", "p", "o", "g")) for row in rows}


def build(settings: Settings, store: GraphStore, *, full: bool = False) -> tuple[Reporter, str]:
    reporter = Reporter()
    info = pipeline.build(settings, store, reporter, full=full)
    return reporter, info.build_id


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The real data (reference layer, registers, minutes): the statutory model applies to it."""
    return curated_data_copy(tmp_path / "data")


def same_as_full(data: Path, tmp_path: Path, served: ox.Store | GraphStore) -> None:
    full = EmbeddedStore(tmp_path / "full-store")
    build(settings_for(data, tmp_path / "full-store", tmp_path / "full-cache"), full, full=True)
    assert quads(served) == quads(full)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.slow
def test_edit_add_remove_give_the_triples_of_a_full_build(data: Path, tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    settings = settings_for(data, tmp_path / "store", tmp_path / "cache")
    reporter, first = build(settings, store)
    assert reporter.summary == "full build"

    minutes = data / "minutes" / PLYMOUTH
    edit(minutes, "people:\n", "people:" + NEW_PERSON)
    reporter, second = build(settings, store)
    assert reporter.summary.startswith("1 changed, 0 removed"), reporter.summary
    assert set(reporter.timings) <= {"hash", "parse", "triples", "shacl", "load", "record"}
    assert second != first and built_id(store) == second
    assert store.ask("ASK { ?p foaf:name 'Ada Testperson' }")
    same_as_full(data, tmp_path, store)

    extra = data / "minutes" / "zz-extra.yaml"
    extra.write_text(EXTRA)
    reporter, _ = build(settings, store)
    assert reporter.summary.startswith("1 changed, 0 removed"), reporter.summary
    same_as_full(data, tmp_path, store)

    extra.unlink()
    reporter, _ = build(settings, store)
    assert reporter.summary.startswith("0 changed, 1 removed"), reporter.summary
    assert not store.ask("ASK { GRAPH ?g { ?s csp:sourceFile ?f FILTER(CONTAINS(?f, 'zz-extra')) } }")
    same_as_full(data, tmp_path, store)

    shutil.move(data / "minutes" / CHESTERFIELD, tmp_path / CHESTERFIELD)  # its bodies go with it
    reporter, _ = build(settings, store)
    assert reporter.summary == "full build"
    same_as_full(data, tmp_path, store)
    reporter, again = build(settings, store)
    assert reporter.summary == "nothing changed" and again == built_id(store)


@pytest.mark.slow
def test_an_unchanged_graph_is_not_rewritten(data: Path, tmp_path: Path) -> None:
    """Only the edited source's graph and the meta graph are replaced: the others keep their
    statements, and the meta graph records every source's content hash."""
    store = EmbeddedStore(tmp_path / "store")
    settings = settings_for(data, tmp_path / "store", tmp_path / "cache")
    build(settings, store)
    edit(data / "minutes" / PLYMOUTH, "people:\n", "people:" + NEW_PERSON)
    reporter, _ = build(settings, store)
    assert "1 graph(s) replaced, 0 dropped" in reporter.summary
    hashes = store.select(
        f"SELECT ?f ?h WHERE {{ GRAPH <{META}> {{ ?g csp:sourceFile ?f ; csp:contentHash ?h }} }}"
    )
    assert len(hashes) == len(list((data / "minutes").glob("*.yaml"))) + len(
        list((data / "registers").glob("*.yaml"))
    )


@pytest.mark.slow
def test_bad_input_in_an_incremental_build_changes_nothing(data: Path, tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    settings = settings_for(data, tmp_path / "store", tmp_path / "cache")
    _, first = build(settings, store)
    before = quads(store.store())
    minutes = data / "minutes" / PLYMOUTH
    good = minutes.read_text()
    edit(minutes, "people:\n", "people:" + NEW_PERSON.replace("name: Ada Testperson", "name: 12"))
    with pytest.raises(BuildError) as failed:
        build(settings, store)
    assert PLYMOUTH in str(failed.value)
    edit(minutes, "name: 12", "nom: Ada")  # not a field of the format
    with pytest.raises(BuildError):
        build(settings, store)
    assert built_id(store) == first
    assert quads(store.store()) == before
    minutes.write_text(good)
    reporter, _ = build(settings, store)
    assert reporter.summary == "nothing changed"


@pytest.mark.slow
def test_a_removed_declaration_fails_the_files_that_use_it(data: Path, tmp_path: Path) -> None:
    """A person declared in one file and named by another: removing the declaring file makes the
    other file wrong, though it did not change; the build says so and serves the last good one."""
    extra = data / "minutes" / "zz-extra.yaml"
    store = EmbeddedStore(tmp_path / "store")
    settings = settings_for(data, tmp_path / "store", tmp_path / "cache")
    minutes = data / "minutes" / PLYMOUTH
    text = minutes.read_text()
    person = _first_person(minutes)
    extra.write_text(
        "source:\n  id: zz-extra\n  title: An extra source\n  kind: minutes\n  date: 2016-01-01\n"
        f"concerns:\n  - kind: question\n    about: [{person}]\n    statement: Who is this?\n"
        "    cite: item 1\n"
    )
    build(settings, store)
    edit(minutes, f"  - id: {person}\n", "  - id: someone-else-entirely\n")
    with pytest.raises(BuildError) as failed:
        build(settings, store)
    assert "zz-extra.yaml" in str(failed.value) and person in str(failed.value)
    minutes.write_text(text)
    extra.unlink()
    build(settings, store)
    same_as_full(data, tmp_path, store)


def _first_person(minutes: Path) -> str:
    import yaml

    return yaml.safe_load(minutes.read_text())["people"][0]["id"]


@pytest.mark.slow
def test_cli_builds_incrementally_unless_full(cspkg: Cli, data: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = cspkg("build", "--quiet", "--data", data, "--store", store)
    assert "full build" in result.output, result.output
    edit(data / "minutes" / PLYMOUTH, "people:\n", "people:" + NEW_PERSON)
    result = cspkg("build", "--quiet", "--data", data, "--store", store)
    assert result.exit_code == 0 and "1 changed" in result.output, result.output
    result = cspkg("build", "--quiet", "--full", "--data", data, "--store", store)
    assert result.exit_code == 0 and "full build" in result.output, result.output


@pytest.mark.remote
def test_remote_store_replaces_only_the_changed_graphs(data: Path, tmp_path: Path) -> None:
    server = OxigraphServer(tmp_path / "oxigraph").start()
    try:
        settings = server.settings(tmp_path).model_copy(
            update={"data_dir": data, "cache_dir": tmp_path / "c"}
        )
        store = RemoteStore.from_settings(settings)
        (data / "minutes" / "zz-extra.yaml").write_text(EXTRA)
        build(settings, store)
        edit(data / "minutes" / PLYMOUTH, "people:\n", "people:" + NEW_PERSON)
        (data / "minutes" / "zz-extra.yaml").unlink()
        reporter, built = build(settings, store)
        assert reporter.summary.startswith("1 changed, 1 removed"), reporter.summary
        store._forget()
        assert built_id(store) == built
        served = ox.Store()
        served.extend(
            ox.Quad(row["s"], row["p"], row["o"], row["g"])
            for row in store.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")
        )
        same_as_full(data, tmp_path, served)
    finally:
        server.stop()


def test_a_saved_draft_does_not_make_the_store_stale(data: Path, tmp_path: Path) -> None:
    """Drafts in data/drafts/ are never built, so saving one leaves the inputs' hash as it was,
    while a change to a minutes file changes it."""
    settings = settings_for(data, tmp_path / "store", tmp_path / "cache")
    before = pipeline.input_hash(settings)
    (data / "drafts").mkdir()
    (data / "drafts" / "some-council.yaml").write_text(EXTRA, encoding="utf-8")
    assert pipeline.input_hash(settings) == before
    (data / "minutes" / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    assert pipeline.input_hash(settings) != before


def built_id(store: GraphStore) -> str:
    info = store.build_info()
    assert info is not None, "the store holds no build"
    return info.build_id


@pytest.mark.slow
def test_a_lost_or_foreign_record_means_a_full_build(data: Path, tmp_path: Path) -> None:
    """The record names the build it describes: a store serving another build, or no record at
    all (the cache cleared), is built in full, and then incrementally again."""
    store = EmbeddedStore(tmp_path / "store")
    settings = settings_for(data, tmp_path / "store", tmp_path / "cache")
    build(settings, store)
    record = tmp_path / "cache" / "builds" / "record.sqlite"
    assert record.is_file()
    shutil.copy(record, tmp_path / "old-record.sqlite")
    edit(data / "minutes" / PLYMOUTH, "people:\n", "people:" + NEW_PERSON)
    reporter, _ = build(settings, store)
    assert reporter.summary.startswith("1 changed"), reporter.summary
    shutil.copy(tmp_path / "old-record.sqlite", record)  # the record of the build before
    edit(data / "minutes" / PLYMOUTH, "Ada Testperson", "Ada Testpersonne")
    reporter, _ = build(settings, store)
    assert reporter.summary == "full build"
    record.unlink()
    edit(data / "minutes" / PLYMOUTH, "Ada Testpersonne", "Ada Testperson")
    reporter, _ = build(settings, store)
    assert reporter.summary == "full build"
    edit(data / "minutes" / PLYMOUTH, "Ada Testperson", "Ada Testpersonne")
    reporter, _ = build(settings, store)
    assert reporter.summary.startswith("1 changed"), reporter.summary
    same_as_full(data, tmp_path, store)


def test_a_wrong_reference_is_reported_as_a_full_build_reports_it(data: Path, tmp_path: Path) -> None:
    """The ids an incremental build has not merged again are looked up in the record when asked
    for, near matches included: a misspelt id gets the hint a full build gives."""
    store = EmbeddedStore(tmp_path / "store")
    settings = settings_for(data, tmp_path / "store", tmp_path / "cache")
    build(settings, store)
    minutes = data / "minutes" / "zz-extra.yaml"
    minutes.write_text(EXTRA.replace("about: [plymouth-csp]", "about: [plymouth-cps]"))
    with pytest.raises(BuildError) as incremental:
        build(settings, store)
    with pytest.raises(BuildError) as full:
        build(settings, store, full=True)
    assert "did you mean 'plymouth-csp'" in str(incremental.value)
    assert str(incremental.value) == str(full.value)


NEW_GROUP = """
  - id: plymouth-csp-test-task-group
    type: ThematicGroup
    name: Test task group (Safer Plymouth)
    part_of: plymouth-csp
    area: Plymouth
    cite: item 20(2)
"""
NEW_BOARD = """
  - id: plymouth-test-adults-board
    type: SafeguardingAdultsBoard
    name: Plymouth Test Adults Board
    area: Plymouth
    cite: item 20(2)
"""


@pytest.mark.slow
def test_a_new_local_body_and_a_renamed_one_are_published_incrementally(data: Path, tmp_path: Path) -> None:
    """A body the statutory model does not look at (of no class it asks for), added or renamed,
    replaces only the graphs that declare or name it; one it may see makes the build full."""
    store = EmbeddedStore(tmp_path / "store")
    settings = settings_for(data, tmp_path / "store", tmp_path / "cache")
    build(settings, store)
    minutes = data / "minutes" / PLYMOUTH
    edit(minutes, "bodies:\n", "bodies:" + NEW_GROUP)
    reporter, _ = build(settings, store)
    assert reporter.summary.startswith("1 changed"), reporter.summary
    assert store.ask("ASK { ?g skos:prefLabel 'Test task group (Safer Plymouth)' }")
    same_as_full(data, tmp_path, store)

    edit(
        minutes, "name: Violent Crime sub-group (Safer Plymouth)", "name: Violence sub-group (Safer Plymouth)"
    )
    reporter, _ = build(settings, store)
    assert reporter.summary.startswith("1 changed"), reporter.summary
    assert store.ask("ASK { ?g skos:prefLabel 'Violence sub-group (Safer Plymouth)' }")
    same_as_full(data, tmp_path, store)

    edit(minutes, "bodies:\n", "bodies:" + NEW_BOARD)  # a kind of body the statutory rules bind
    reporter, _ = build(settings, store)
    assert reporter.summary == "full build"
    same_as_full(data, tmp_path, store)

    edit(
        minutes,
        "type: ThematicGroup\n    name: Test task group",
        "type: CSPStrategyGroup\n    name: Test task group",
    )
    reporter, _ = build(settings, store)  # retyped: the model may see it now
    assert reporter.summary == "full build"


def test_an_incremental_build_warns_of_possible_matches_as_a_full_build_does(
    data: Path, tmp_path: Path
) -> None:
    """A curated body named like a national one is worth a curator's look: the files built
    again get the warning a full build gives them."""
    store = EmbeddedStore(tmp_path / "store")
    settings = settings_for(data, tmp_path / "store", tmp_path / "cache")
    build(settings, store)
    lookalike = NEW_GROUP.replace("Test task group (Safer Plymouth)", "Avon Fire Authority")
    edit(data / "minutes" / PLYMOUTH, "bodies:\n", "bodies:" + lookalike)
    incremental = Reporter()
    pipeline.build(settings, store, incremental)
    assert incremental.summary.startswith("1 changed"), incremental.summary
    full = Reporter()
    pipeline.build(settings_for(data, tmp_path / "s2", tmp_path / "c2"), EmbeddedStore(tmp_path / "s2"), full)
    mine = [str(w) for w in full.warnings if PLYMOUTH in w.file]
    assert any("possible match" in w and "plymouth-csp-test-task-group" in w for w in mine), mine
    assert [str(w) for w in incremental.warnings] == mine
