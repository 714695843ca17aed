"""The store interface the API uses: query files with bound values (never pasted text), result
writers that match Oxigraph's own, the lexical scan behind the endpoint's policy, and Accept
parsing."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from api.negotiation import acceptable, best
from api.queries import QUERY_DIR, load
from graph_build.store import EmbeddedStore
from graph_build.store.base import Formats, NotAcceptable, QueryError, bind_values
from graph_build.store.sparqltext import scan
from tests.fixtures import ROOT, served_build

ECHO = "SELECT ?x ?y WHERE { VALUES (?x ?y) { (UNDEF UNDEF) } }"


@pytest.fixture(scope="module")
def store(api_store):
    return EmbeddedStore(api_store)


# -- bound values ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        Literal('" } } ; DROP ALL # \\u0022 \\" \n\r\t'),
        Literal("Ünïcode 😀 «»", lang="cy"),
        Literal("2015-05", datatype=XSD.gYearMonth),
        Literal("12.5", datatype=XSD.decimal),  # (Oxigraph keeps numbers in canonical form: 12.50 → 12.5)
        URIRef("https://example.org/ä?b=c&d=%20#f"),
    ],
)
def test_bound_values_come_back_exactly(store, value):
    (row,) = store.select(ECHO, {"x": value})
    assert row == {"x": value}
    assert row["x"].n3() == value.n3()


def test_iris_that_could_break_out_are_refused():
    for bad in ("http://x/> } DROP ALL {", "http://x/ y", 'http://x/"'):
        with pytest.raises(ValueError):
            bind_values(ECHO, {"x": URIRef(bad)})
    with pytest.raises(ValueError):
        bind_values(ECHO, {"x": Literal("x", lang="en} DROP")})
    with pytest.raises(ValueError):
        bind_values(ECHO, {"x": BNode()})


def test_lists_give_one_row_each_and_combine(store):
    rows = store.select(ECHO, {"x": [Literal("a"), Literal("b")], "y": Literal("c")})
    assert sorted((str(r["x"]), str(r["y"])) for r in rows) == [("a", "c"), ("b", "c")]
    assert store.select(ECHO, {"x": []}) == []
    assert store.select(ECHO) == [{}]


def test_unknown_parameters_are_refused():
    with pytest.raises(ValueError):
        bind_values(ECHO, {"z": Literal("a")})
    with pytest.raises(ValueError):
        bind_values("SELECT * WHERE { ?s ?p ?o }", {"s": URIRef("urn:x")})


def test_limit_offset_and_count(store):
    query = load("bodies_list")
    assert store.count(query) == 12
    names = [str(r["sortName"]) for r in store.select(query, limit=3, offset=2)]
    assert names == [str(r["sortName"]) for r in store.select(query)][2:5]
    with pytest.raises(TypeError):
        store.select(query, limit="3; DROP ALL")


@pytest.mark.parametrize("path", sorted(QUERY_DIR.glob("*.rq")), ids=lambda p: p.stem)
def test_every_query_file_runs_unbound(store, path):
    rows = store.select(path.read_text())
    assert isinstance(rows, list)


def test_ask_and_construct(store):
    assert (
        store.ask(
            "ASK { VALUES ?s { UNDEF } ?s a csp:Meeting }",
            {"s": URIRef("https://w3id.org/cspkg/id/meeting/plymouth-csp-board-2015-07")},
        )
        is True
    )
    assert store.ask("ASK { VALUES ?s { UNDEF } ?s a csp:Meeting }", {"s": URIRef("urn:nothing")}) is False
    g = store.construct(
        "CONSTRUCT { ?s skos:prefLabel ?n } WHERE { VALUES ?s { UNDEF } ?s skos:prefLabel ?n }",
        {"s": URIRef("https://w3id.org/cspkg/id/body/home-office")},
    )
    assert {str(o) for o in g.objects()} == {"Home Office"}


def test_a_malformed_query_is_a_query_error(store):
    with pytest.raises(QueryError, match="error at"):
        store.select("SELECT ?x WHERE {")


# -- results writers match Oxigraph's ----------------------------------------------------------------
RESULT_QUERIES = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 200",
    'SELECT ?a ?b ?c WHERE { BIND ("x\\ty\\n\\"z\\"" AS ?a) BIND (STRLANG("hé", "fr") AS ?b) OPTIONAL { ?n <urn:no> ?c } }',
    "SELECT ?b WHERE { ?x ?y ?z BIND (BNODE() AS ?b) } LIMIT 2",
]


def solutions(body: bytes, fmt: ox.QueryResultsFormat) -> list[ox.QuerySolution]:
    parsed = ox.parse_query_results(body, format=fmt)
    assert isinstance(parsed, ox.QuerySolutions)
    return list(parsed)


@pytest.mark.parametrize("query", RESULT_QUERIES)
@pytest.mark.parametrize(
    "media_type,fmt",
    [
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ],
)
def test_result_writers_agree_with_oxigraph(store, query, media_type, fmt):
    raw = store.raw(query, Formats(solutions=(media_type,)))
    ours = solutions(raw.body, fmt)
    theirs = solutions(store.store().query(query, use_default_graph_as_union=True).serialize(format=fmt), fmt)
    assert len(ours) == len(theirs)
    if "BNODE" not in query:
        assert [[str(t) for t in s] for s in ours] == [[str(t) for t in s] for s in theirs]


@pytest.mark.parametrize("query", RESULT_QUERIES[:2])
def test_csv_writer_agrees_with_oxigraph(store, query):
    ours = store.raw(query, Formats(solutions=("text/csv",))).body
    theirs = (
        store.store()
        .query(query, use_default_graph_as_union=True)
        .serialize(format=ox.QueryResultsFormat.CSV)
    )
    assert list(csv.reader(io.StringIO(ours.decode()))) == list(csv.reader(io.StringIO(theirs.decode())))


FIVE = 'SELECT ?i ?t WHERE { VALUES ?i { 1 2 3 4 5 } BIND (CONCAT("a\\nb\\tc ", STR(?i)) AS ?t) }'


def _read_rows(body: bytes, media_type: str) -> list[list[str]]:
    if media_type == "text/csv":  # (pyoxigraph does not read CSV results)
        return list(csv.reader(io.StringIO(body.decode(), newline="")))[1:]
    fmt = {
        "application/sparql-results+json": ox.QueryResultsFormat.JSON,
        "application/sparql-results+xml": ox.QueryResultsFormat.XML,
        "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    }[media_type]
    solutions = ox.parse_query_results(body, format=fmt)
    assert isinstance(solutions, ox.QuerySolutions)
    return [[t.value for t in s] for s in solutions]


@pytest.mark.parametrize(
    "media_type",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
@pytest.mark.parametrize(
    "limit,rows,truncated", [(None, 5, False), (6, 5, False), (5, 5, False), (4, 4, True), (0, 0, True)]
)
def test_answers_are_cut_at_exactly_the_limit(store, media_type, limit, rows, truncated):
    """Values with line breaks and tabs count as one row each."""
    raw = store.raw(FIVE, Formats(solutions=(media_type,)), limit=limit)
    assert (raw.count, raw.truncated) == (rows, truncated)
    assert _read_rows(raw.body, media_type) == [[str(i), f"a\nb\tc {i}"] for i in range(1, rows + 1)]


def test_raw_refuses_forms_with_no_acceptable_format(store):
    with pytest.raises(NotAcceptable):
        store.raw("CONSTRUCT WHERE { ?s ?p ?o }", Formats(graph=()))
    with pytest.raises(NotAcceptable):
        store.raw("ASK {}", Formats(solutions=()))


# -- the lexical scan ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,form,update,service,dataset",
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT", None, False, False),
        ("PREFIX ask: <http://x/> CONSTRUCT WHERE { ?s ask:ASK ?o }", "CONSTRUCT", None, False, False),
        ("# INSERT\nASK { ?s ?p 'DELETE' }", "ASK", None, False, False),
        ("select * from <urn:g> { ?s ?p ?o }", "SELECT", None, False, True),
        ("SELECT * FROM NAMED <urn:g> { GRAPH ?g { ?s ?p ?o } }", "SELECT", None, False, True),
        ("SELECT * WHERE { ?s <http://x/SERVICE> ?from }", "SELECT", None, False, False),
        ("INSERT DATA { <a:a> <a:b> <a:c> }", None, "INSERT", False, False),
        ("PREFIX : <http://x/> DELETE WHERE { ?s :p ?o }", None, "DELETE", False, False),
        ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", "SELECT", None, True, False),
        ('SELECT * { ?s ?p """a " SERVICE""" }', "SELECT", None, False, False),
        ("DESCRIBE <urn:x>", "DESCRIBE", None, False, False),
    ],
)
def test_scan(text, form, update, service, dataset):
    found = scan(text)
    assert (found.form, found.update, found.service, found.dataset) == (form, update, service, dataset)


# -- Accept ------------------------------------------------------------------------------------------
OFFERS = ["application/ld+json", "application/json", "text/turtle", "text/csv", "text/html"]


@pytest.mark.parametrize(
    "header,expected",
    [
        (None, "application/ld+json"),
        ("", "application/ld+json"),
        ("*/*", "application/ld+json"),
        ("text/*", "text/turtle"),
        ("text/*;q=0.5, text/csv", "text/csv"),
        ("text/turtle;q=0.2, application/ld+json;q=0.1", "text/turtle"),
        ("application/*;q=0.1, text/html;q=0.2", "text/html"),
        ("TEXT/CSV", "text/csv"),
        ("text/csv; charset=utf-8", "text/csv"),
        ("*/*;q=0.1, application/ld+json;q=0", "application/json"),
        ("image/png", None),
        ("text/turtle;q=0", None),
        ("garbage", "application/ld+json"),  # ignored
        ("text/turtle;q=abc, text/csv;q=0.3", "text/csv"),
    ],
)
def test_best_representation(header, expected):
    assert best(header, OFFERS) == expected


def test_acceptable_orders_by_q_then_server_preference():
    assert acceptable("text/csv;q=0.5, */*;q=0.5, text/turtle", OFFERS)[:2] == [
        "text/turtle",
        "application/ld+json",
    ]


# -- names found once per build -------------------------------------------------------------------
class CountingStore(EmbeddedStore):
    def __init__(self, root):
        super().__init__(root)
        self.selects = 0

    def select(self, *args, **kwargs):
        self.selects += 1
        return super().select(*args, **kwargs)


def test_names_found_once_are_not_looked_up_again(api_store):
    from api.views.base import KeptNames, ViewContext
    from api.views.shape import Shaper
    from api.views.vocab import load_vocab
    from graph_build.namespaces import Ids

    store = CountingStore(api_store)
    vocab = load_vocab(store)
    kept = KeptNames()
    names = kept.for_build(served_build(store).build_id)

    def context(names):
        return ViewContext(
            store=store,
            ids=Ids("https://w3id.org/cspkg/"),
            vocab=vocab,
            shaper=Shaper(vocab),
            link=str,
            ontology_dir=ROOT / "ontology",
            names=names,
        )

    iris = [
        URIRef(str(r["s"]))
        for r in store.select("SELECT DISTINCT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 300")
    ]
    fresh = context(None).labels(iris)
    assert fresh and len(fresh) < len(iris)  # some have a name or title, some do not
    store.selects = 0
    assert context(names).labels(iris) == fresh and store.selects >= 1
    store.selects = 0
    assert (
        context(names).labels(iris) == fresh and store.selects == 0
    )  # nothing asked again, unnamed included
    assert kept.for_build(served_build(store).build_id) is names
    assert kept.for_build("another build") == {}  # a new build starts again
