"""`cspkg query`, `stats` and `export` on a real Oxigraph server give what they give on the
embedded store holding the same build (tests/data/api, as the API tests serve it)."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from typer.testing import Result

from tests.fixtures import OxigraphServer, free_port, graphs_of, served_build

pytestmark = pytest.mark.remote

META = "https://w3id.org/cspkg/graph/meta"
PLYMOUTH = "https://w3id.org/cspkg/id/body/plymouth-csp"


@pytest.fixture(scope="module", params=["dataset-per-query", "server-union"])
def remote_url(request, tmp_path_factory, api_store):
    """The query URL of a server holding the build in `api_store`, in either dataset mode."""
    union = request.param == "server-union"
    tmp = tmp_path_factory.mktemp("remote-cli")
    srv = OxigraphServer(tmp / "oxigraph", union_default_graph=union).start()
    try:
        srv.store(tmp).publish(graphs_of(api_store), served_build(api_store))
        yield f"{srv.base}/query", union
    finally:
        srv.stop()


@pytest.fixture
def remote(remote_url: tuple[str, bool], monkeypatch: pytest.MonkeyPatch) -> str:
    """The server's query URL, with its dataset mode set for the cspkg command."""
    url, union = remote_url
    monkeypatch.setenv("CSPKG_STORE_UNION_DEFAULT_GRAPH", str(union).lower())
    monkeypatch.setenv("COLUMNS", "200")  # rich fits tables to the terminal
    return url


@pytest.fixture
def both(cspkg, api_store, remote):
    """Run one cspkg command on the embedded store and on the server: (embedded, remote) results."""

    def run(*args: str, input: str | None = None) -> list[Result]:
        results = [cspkg(*args, "--store", where, input=input) for where in (api_store, remote)]
        for result in results:
            assert result.exit_code == 0, result.output
        return results

    return run


QUERIES = [
    "SELECT ?body ?name WHERE { ?body a csp:Body ; skos:prefLabel ?name } ORDER BY ?body ?name",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    f"SELECT (COUNT(*) AS ?n) FROM <{META}> WHERE {{ ?s ?p ?o }}",
    "ASK { ?s a csp:CommunitySafetyPartnership }",
]


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "xml"])
@pytest.mark.parametrize("query", QUERIES, ids=["select", "graphs", "from", "ask"])
def test_query_output_is_the_same(both, query, fmt):
    ours, theirs = both("query", query, "--format", fmt)
    assert theirs.stdout_bytes == ours.stdout_bytes and len(ours.stdout_bytes) > 4
    assert theirs.stderr == ours.stderr  # the row count of a table


def test_a_construct_query_gives_the_same_graph(both):
    ours, theirs = both("query", "-", input=f"DESCRIBE <{PLYMOUTH}>")
    graphs = [Graph().parse(data=r.stdout, format="turtle") for r in (ours, theirs)]
    assert len(graphs[0]) > 5 and isomorphic(*graphs)


def test_stats_are_the_same(both):
    ours, theirs = both("stats")
    assert "triples: " in ours.stdout and "CommunitySafetyPartnership" in ours.stdout
    assert theirs.stdout == ours.stdout


def lines(data: bytes) -> set[bytes]:
    return set(data.splitlines())


@pytest.mark.parametrize("fmt", ["nquads", "ntriples"])
def test_export_gives_the_same_statements(both, api_store, fmt):
    ours, theirs = both("export", "--format", fmt)
    assert lines(theirs.stdout_bytes) == lines(ours.stdout_bytes)
    quads = sum(len(t) for t in graphs_of(api_store).values())
    assert len(ours.stdout_bytes.splitlines()) == (
        quads if fmt == "nquads" else len(lines(ours.stdout_bytes))
    )


def test_export_trig_keeps_the_same_named_graphs(both):
    datasets = []
    for result in both("export", "--format", "trig"):
        datasets.append(Dataset())
        datasets[-1].parse(data=result.stdout_bytes, format="trig")
    ours, theirs = ({(str(g.identifier), len(g)) for g in d.graphs() if len(g)} for d in datasets)
    assert theirs == ours and (META, len(datasets[0].graph(META))) in ours
    assert set(datasets[1].quads()) == set(datasets[0].quads())


def test_export_of_one_graph_to_a_file(cspkg, api_store, remote, tmp_path):
    paths = [tmp_path / "ours.ttl", tmp_path / "theirs.ttl"]
    for path, where in zip(paths, (api_store, remote), strict=False):
        result = cspkg("export", "--format", "turtle", "--graph", META, "-o", path, "--store", where)
        assert result.exit_code == 0 and "wrote" in result.stderr, result.output
    graphs = [Graph().parse(path, format="turtle") for path in paths]
    assert len(graphs[0]) > 3 and isomorphic(*graphs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ours.ttl", "theirs.ttl"]  # no partial file left


def test_a_bad_query_says_the_same_on_both(cspkg, api_store, remote_url):
    query = "SELECT * WHERE {\n  ?s a csp:Body .\n  ?s ?p\n}"
    ours, theirs = (cspkg("query", query, "--store", where) for where in (api_store, remote_url[0]))
    assert ours.exit_code == theirs.exit_code == 2
    assert theirs.stderr == ours.stderr and "bad query" in ours.stderr


def test_a_server_without_a_build_says_to_build(cspkg, tmp_path):
    srv = OxigraphServer(tmp_path / "empty").start()
    try:
        for command in (["query", "ASK {}"], ["stats"], ["export"]):
            result = cspkg(*command, "--store", f"{srv.base}/query")
            assert result.exit_code == 1 and "run 'cspkg build'" in result.stderr, command
    finally:
        srv.stop()


def test_an_unreachable_server_is_a_clear_failure(cspkg):
    result = cspkg("stats", "--store", f"http://127.0.0.1:{free_port()}/query")
    assert result.exit_code == 1 and "cannot reach the SPARQL store" in result.stderr
