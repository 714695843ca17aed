"""The `cspkg` command on good data: build, validate, query, stats, export — real outputs."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef

from graph_build import pipeline
from graph_build.config import Settings
from graph_build.store import EmbeddedStore
from tests.fixtures import served_build

CSP_IRI = "https://w3id.org/cspkg/id/body/testshire-csp"
MINUTES_GRAPH = "https://w3id.org/cspkg/graph/testshire-csp-board-2020-03"
REGISTER_GRAPH = "https://w3id.org/cspkg/graph/register-test-national"
GRAPHS = {
    MINUTES_GRAPH,
    REGISTER_GRAPH,
    "https://w3id.org/cspkg/graph/ontology",
    "https://w3id.org/cspkg/graph/meta",
}


def count(store_dir: Path, sparql: str) -> int:
    return int(next(iter(EmbeddedStore(store_dir).query(sparql)))["n"].value)


def quads_in_store(store_dir: Path) -> int:
    return count(store_dir, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")


def triples_in_graph(store_dir: Path, graph: str) -> int:
    return count(store_dir, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")


# -- build -----------------------------------------------------------------------------------


def test_build_publishes_a_build_and_reports_its_phases(cspkg, good_data, store_dir):
    result = cspkg("build", "--quiet", "--data", good_data, "--store", store_dir)
    assert result.exit_code == 0, result.output
    info = served_build(store_dir)
    assert f"built {info.build_id}" in result.stderr
    for phase in ("parse", "triples", "shacl", "load"):
        assert re.search(rf"{phase} \d+\.\d\ds", result.stderr), result.stderr
    assert info.input_hash == pipeline.input_hash(Settings(data_dir=good_data))
    assert (store_dir / "current").is_symlink()


def test_build_loads_one_named_graph_per_source_plus_ontology_and_metadata(good_build, store_dir):
    graphs = {
        sol["g"].value
        for sol in EmbeddedStore(store_dir).query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    }
    assert graphs == GRAPHS


def test_build_records_each_graphs_true_triple_count(good_build, store_dir):
    rows = EmbeddedStore(store_dir).query(
        "SELECT ?g ?n WHERE { GRAPH <https://w3id.org/cspkg/graph/meta> "
        "{ ?g <https://w3id.org/cspkg/def#factCount> ?n } }"
    )
    counts = {sol["g"].value: int(sol["n"].value) for sol in rows}
    assert counts == {g: triples_in_graph(store_dir, g) for g in (MINUTES_GRAPH, REGISTER_GRAPH)}


def test_a_second_build_replaces_the_first_and_old_readers_keep_reading(
    cspkg, good_build, good_data, store_dir
):
    embedded = EmbeddedStore(store_dir)
    old_reader = embedded.store()
    before = len(old_reader)
    minutes = next((good_data / "minutes").glob("*.yaml"))
    minutes.write_text(
        minutes.read_text().replace("Testshire Community Safety Partnership", "Testshire Safer Partnership")
    )
    assert cspkg("build", "-q", "--data", good_data, "--store", store_dir).exit_code == 0
    new = EmbeddedStore(store_dir)
    assert new.build_info() != good_build
    label = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
    names = [s["n"].value for s in new.query(f"SELECT ?n WHERE {{ <{CSP_IRI}> {label} ?n }}")]
    assert names == ["Testshire Safer Partnership"]
    assert len(old_reader) == before  # the old folder is still there for readers that opened it


def test_publishing_the_same_build_id_twice_never_removes_the_served_folder(good_build, store_dir):
    embedded = EmbeddedStore(store_dir)
    served = embedded.current_path()
    reader = embedded.store()
    embedded.publish({URIRef(MINUTES_GRAPH): []}, good_build)  # same id: same inputs, same second
    assert served is not None and served.is_dir() and len(reader) > 0
    assert embedded.current_path() != served
    assert EmbeddedStore(store_dir).build_info() == good_build
    assert len(EmbeddedStore(store_dir).store()) == 0


def test_old_builds_are_pruned(cspkg, good_build, good_data, store_dir):
    for _ in range(3):
        assert cspkg("build", "-q", "--full", "--data", good_data, "--store", store_dir).exit_code == 0
    assert len([p for p in (store_dir / "builds").iterdir()]) == 2


# -- validate --------------------------------------------------------------------------------


def test_validate_all_checks_every_source_and_loads_nothing(cspkg, good_build, good_data, store_dir):
    before = EmbeddedStore(store_dir).build_info()
    result = cspkg("validate", "--quiet", "--data", good_data)
    assert result.exit_code == 0, result.output
    total = triples_in_graph(store_dir, MINUTES_GRAPH) + triples_in_graph(store_dir, REGISTER_GRAPH)
    assert f"valid: 2 source(s), {total} triples" in result.stderr
    assert EmbeddedStore(store_dir).build_info() == before


def test_validate_one_file_converts_only_that_file(cspkg, good_build, good_data, good_minutes, store_dir):
    result = cspkg("validate", "--quiet", "--data", good_data, good_minutes)
    assert result.exit_code == 0, result.output
    assert f"valid: 1 source(s), {triples_in_graph(store_dir, MINUTES_GRAPH)} triples" in result.stderr


def test_validate_a_new_file_against_the_data_it_refers_to(cspkg, good_data, tmp_path):
    draft = tmp_path / "draft.yaml"
    draft.write_text(
        "source: {id: draft-doc, title: A draft, kind: report}\n"
        "links:\n"
        "  - {holder: home-office, held: testshire-csp, mechanism: funding, status: statutory,"
        " cite: p. 1}\n"
    )
    result = cspkg("validate", "-q", "--data", good_data, draft)
    assert result.exit_code == 0, result.output
    assert "valid: 1 source(s)" in result.stderr


def test_validate_one_bad_file_names_the_problem(cspkg, good_data, tmp_path):
    draft = tmp_path / "draft.yaml"
    draft.write_text(
        "source: {id: draft-doc, title: A draft, kind: report}\n"
        "links:\n"
        "  - holder: home-ofice\n"
        "    held: testshire-csp\n"
        "    mechanism: funding\n"
        "    status: statutory\n"
        "    cite: p. 1\n"
    )
    result = cspkg("validate", "-q", "--data", good_data, draft)
    assert result.exit_code == 1
    assert "validation failed: 1 problem(s)" in result.stderr
    assert (
        "draft.yaml:3: links[0].holder: no body or person has the id 'home-ofice' "
        "(did you mean 'home-office'" in result.stderr
    )


def test_a_reference_declared_in_another_file_passes_shacl(cspkg, good_data, store_dir):
    """A body from the register as member, holder and holder of a post, in the minutes."""
    second = good_data / "minutes" / "testshire-report-2020.yaml"
    second.write_text(
        "source: {id: testshire-report-2020, title: A report, kind: report}\n"
        "memberships:\n"
        "  - {member: home-office, organisation: testshire-csp, cite: p. 2}\n"
        "links:\n"
        "  - {holder: home-office, held: testshire-csp, mechanism: funding, status: statutory,"
        " cite: p. 3}\n"
        "posts:\n"
        "  - {title: Adviser, body: testshire-csp, role: advisor, holder: jo-bloggs, cite: p. 4}\n"
    )
    result = cspkg("build", "-q", "--data", good_data, "--store", store_dir)
    assert result.exit_code == 0, result.stderr


# -- query -----------------------------------------------------------------------------------

NAMES = "SELECT ?body ?name WHERE { ?body a csp:CommunitySafetyPartnership ; skos:prefLabel ?name } ORDER BY ?name"


def test_query_table(cspkg, good_build, store_dir, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # rich fits tables to the terminal
    result = cspkg("query", NAMES, "--store", store_dir)
    assert result.exit_code == 0, result.output
    assert "Testshire Community Safety Partnership" in result.stdout
    assert "2 row(s)" in result.stderr


def test_query_csv(cspkg, good_build, store_dir):
    result = cspkg("query", NAMES, "--format", "csv", "--store", store_dir)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["body"], r["name"]) for r in rows] == [
        (CSP_IRI, "Testshire Community Safety Partnership"),
        (
            "https://w3id.org/cspkg/id/body/testshire-cdrp",
            "Testshire Crime and Disorder Reduction Partnership",
        ),
    ]


def test_query_json(cspkg, good_build, store_dir):
    result = cspkg("query", NAMES, "--format", "json", "--store", store_dir)
    doc = json.loads(result.stdout)
    assert doc["head"]["vars"] == ["body", "name"]
    assert doc["results"]["bindings"][0]["body"] == {"type": "uri", "value": CSP_IRI}


def test_query_from_a_file_and_from_stdin(cspkg, good_build, store_dir, tmp_path):
    query = tmp_path / "q.rq"
    query.write_text(NAMES)
    from_file = cspkg("query", "--file", query, "--format", "tsv", "--store", store_dir)
    from_stdin = cspkg("query", "-", "--format", "tsv", "--store", store_dir, input=NAMES)
    assert from_file.stdout == from_stdin.stdout
    assert from_file.stdout.count("\n") == 3  # header and two rows


def test_query_default_graph_is_the_union_of_sources(cspkg, good_build, store_dir):
    result = cspkg(
        "query",
        "ASK { <https://w3id.org/cspkg/id/body/home-office> a csp:HomeOffice . "
        f"<{CSP_IRI}> a csp:CommunitySafetyPartnership }}",
        "--store",
        store_dir,
    )
    assert result.stdout.strip() == "true"


def test_query_transitive_oversight(cspkg, good_build, store_dir):
    result = cspkg(
        "query",
        "SELECT ?held WHERE { <https://w3id.org/cspkg/id/body/testshire-pcc> csp:oversees+ ?held }"
        " ORDER BY ?held",
        "--format",
        "csv",
        "--store",
        store_dir,
    )
    assert result.stdout.split() == ["held", "https://w3id.org/cspkg/id/body/testshire-asb-group", CSP_IRI]


def test_query_construct_gives_turtle(cspkg, good_build, store_dir):
    result = cspkg(
        "query", f"CONSTRUCT {{ <{CSP_IRI}> ?p ?o }} WHERE {{ <{CSP_IRI}> ?p ?o }}", "--store", store_dir
    )
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert len(graph) == count(
        store_dir,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT DISTINCT ?p ?o WHERE "
        f"{{ GRAPH ?g {{ <{CSP_IRI}> ?p ?o }} }} }} }}",
    )


def test_bad_query_exits_2_with_the_parser_message(cspkg, good_build, store_dir):
    result = cspkg("query", "SELEKT * WHERE { ?s ?p ?o }", "--store", store_dir)
    assert result.exit_code == 2
    assert "bad query" in result.stderr


def test_query_without_a_build_says_to_build(cspkg, tmp_path):
    result = cspkg("query", "ASK {}", "--store", tmp_path / "empty-store")
    assert result.exit_code == 1
    assert "run 'cspkg build'" in result.stderr


# -- stats -----------------------------------------------------------------------------------


def test_stats_counts_match_sparql(cspkg, good_build, store_dir, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    result = cspkg("stats", "--store", store_dir)
    assert result.exit_code == 0, result.output
    assert f"triples: {quads_in_store(store_dir)}" in result.stdout
    assert "graphs: 4" in result.stdout
    assert re.search(r"CommunitySafetyPartnership\s*│\s*2\b", result.stdout)
    assert re.search(
        rf"testshire-csp-board-2020-03\s*│\s*{triples_in_graph(store_dir, MINUTES_GRAPH)}\b", result.stdout
    )


def test_stats_of_one_graph_count_what_that_source_contributed(cspkg, good_build, store_dir, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    result = cspkg("stats", "--store", store_dir, "--graph", MINUTES_GRAPH)
    assert result.exit_code == 0, result.output
    assert f"triples: {triples_in_graph(store_dir, MINUTES_GRAPH)}" in result.stdout
    assert "graphs: 1" in result.stdout
    assert re.search(r"Meeting\s*│\s*1\b", result.stdout)
    assert "named graph" not in result.stdout


# -- export ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, rdflib_format", [("trig", "trig"), ("nquads", "nquads")])
def test_export_dataset_formats_keep_every_quad_and_graph(cspkg, good_build, store_dir, fmt, rdflib_format):
    result = cspkg("export", "--format", fmt, "--store", store_dir)
    assert result.exit_code == 0
    dataset = Dataset()
    dataset.parse(data=result.stdout_bytes, format=rdflib_format)
    assert len(list(dataset.quads((None, None, None, None)))) == quads_in_store(store_dir)
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == GRAPHS


@pytest.mark.parametrize("fmt", ["turtle", "ntriples"])
def test_export_graph_formats_give_the_union(cspkg, good_build, store_dir, fmt):
    result = cspkg("export", "--format", fmt, "--store", store_dir)
    graph = Graph().parse(data=result.stdout_bytes, format="nt" if fmt == "ntriples" else "turtle")
    assert len(graph) == count(
        store_dir,
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }",
    )


@pytest.mark.parametrize("fmt", ["turtle", "trig"])
def test_export_one_graph(cspkg, good_build, store_dir, fmt):
    result = cspkg("export", "--format", fmt, "--graph", MINUTES_GRAPH, "--store", store_dir)
    dataset = Dataset()
    dataset.parse(data=result.stdout_bytes, format=fmt)
    assert len(list(dataset.quads((None, None, None, None)))) == triples_in_graph(store_dir, MINUTES_GRAPH)
    if fmt == "trig":
        assert {str(g.identifier) for g in dataset.graphs() if len(g)} == {MINUTES_GRAPH}


def test_export_to_a_file(cspkg, good_build, store_dir, tmp_path):
    out = tmp_path / "dump.nq"
    result = cspkg("export", "--format", "nquads", "--output", out, "--store", store_dir)
    assert result.exit_code == 0 and result.stdout == ""
    assert len(out.read_text().splitlines()) == quads_in_store(store_dir)


@pytest.mark.parametrize(
    "variable, value, says",
    [
        ("CSPKG_PUBLIC_URL", "cspkg.example", "must be an absolute http(s) URL"),
        ("CSPKG_WORKERS", "two", "valid integer"),
    ],
)
def test_a_bad_setting_is_named_and_the_store_is_left_as_it_was(
    cspkg, good_data, store_dir, monkeypatch, variable, value, says
):
    assert cspkg("build", "--data", good_data, "--store", store_dir).exit_code == 0
    before = EmbeddedStore(store_dir).build_info()
    monkeypatch.setenv(variable, value)
    result = cspkg("build", "--data", good_data, "--store", store_dir)
    assert result.exit_code == 2
    assert (
        f"setting {variable}" in result.output and says in result.output and "Traceback" not in result.output
    )
    assert EmbeddedStore(store_dir).build_info() == before
