"""The interactive API documentation and the query page in a real browser (Debian's Chromium
through Playwright) against a real server holding the curated data, with every request to another
host stopped. Swagger UI comes from the package, renders every operation and runs a query; the
favicon is served. The query page says what is wrong with a query in words, at its line and
column; keeps the query in its address, which opened elsewhere shows the answer; and shows
labels beside the IRIs of its results, the IRI kept."""

from __future__ import annotations

from urllib.parse import urlparse

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.fixtures import CHROMIUM, ROOT, api_settings_for, build_store, start_api_server, stop_api_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (`make browser`)"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = tmp_path_factory.mktemp("docs-and-query") / "store"
    build_store(ROOT / "data", store)
    proc, base = start_api_server(api_settings_for(store, ROOT / "data", result_limit=10000))
    try:
        yield base
    finally:
        stop_api_server(proc)


@pytest.fixture
def offline_page(browser):
    """A page whose requests to any host but 127.0.0.1 are stopped; yields (page, stopped, errors)."""
    context = browser.new_context()
    stopped: list[str] = []
    errors: list[str] = []

    def keep_local(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            stopped.append(route.request.url)
            route.abort()

    context.route("**/*", keep_local)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page, stopped, errors
    context.close()


def test_swagger_ui_renders_every_operation_offline(server, offline_page, tmp_path):
    page, stopped, errors = offline_page
    page.goto(server + "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("cspkg API")
    paths = httpx.get(server + "/openapi.json", timeout=30).json()["paths"]
    operations = sum(len([m for m in item if m in ("get", "post")]) for item in paths.values())
    expect(page.locator(".opblock")).to_have_count(operations)
    page.screenshot(path=str(tmp_path / "docs.png"))
    assert (tmp_path / "docs.png").stat().st_size > 10_000
    assert stopped == [] and errors == []


def test_try_it_out_runs_a_query(server, offline_page):
    page, stopped, errors = offline_page
    page.goto(server + "/docs#/SPARQL/sparql_query_get")
    operation = page.locator("#operations-SPARQL-sparql_query_get")
    operation.locator(".try-out__btn").click()
    query = operation.locator("input[placeholder='query']")
    expect(query).to_be_enabled()
    query.fill("ASK { ?s a csp:PoliceAndCrimePanel }")
    operation.locator(".btn.execute").click()
    expect(operation.locator(".live-responses-table td.response-col_status").nth(1)).to_contain_text("200")
    expect(operation.locator(".live-responses-table td.response-col_description").nth(1)).to_contain_text(
        '"boolean": true'
    )
    assert stopped == [] and errors == []


def test_the_favicon(server, offline_page):
    r = httpx.get(server + "/favicon.ico", timeout=30)
    assert (
        r.status_code == 200 and r.headers["content-type"] == "image/x-icon" and r.content[:4] == b"\0\0\1\0"
    )
    page, stopped, _ = offline_page
    page.goto(server + "/")
    icons = page.locator("link[rel=icon]")
    expect(icons).to_have_count(2)
    for href in icons.evaluate_all("links => links.map(l => l.href)"):
        assert httpx.get(href, timeout=30).status_code == 200
    assert stopped == []


# -- the query page ------------------------------------------------------------------------------
def run_query(page: Page, server: str, query: str) -> None:
    page.goto(server + "/query")
    page.locator("#query-text").fill(query)
    page.locator("#run-query").click()


@pytest.mark.parametrize(
    "query,words",
    [
        ("SELECT ?x WHERE { ?x a ons:Thing }", "line 1, column 24: prefix ons: is not declared"),
        (
            "SELECT ?x WHERE {\n  ?x a csp:Body\n  FILTER (CONTAINS(STR(?x), 'a')\n}",
            "line 4, column 1: a ')' is missing: the '(' opened at line 3, column 10",
        ),
    ],
)
def test_query_errors_in_words_at_their_line_and_column(server, offline_page, query, words):
    page, stopped, errors = offline_page
    run_query(page, server, query)
    error = page.locator("#query-error")
    expect(error).to_contain_text(words)
    assert "u{" not in error.inner_text()
    error.locator("button").click()  # selects the place in the query
    line, column = (int(n) for n in words.split(":")[0].removeprefix("line ").split(", column "))
    start = page.locator("#query-text").evaluate("t => t.selectionStart")
    assert start == len("\n".join(query.split("\n")[: line - 1])) + (1 if line > 1 else 0) + column - 1
    assert stopped == [] and errors == []


def test_the_query_is_kept_in_a_shareable_address(server, browser, offline_page):
    page, stopped, _ = offline_page
    query = (
        "SELECT ?name WHERE { ?p a csp:PoliceAndCrimePanel ; skos:prefLabel ?name } ORDER BY ?name LIMIT 2"
    )
    run_query(page, server, query)
    expect(page.locator("#results-summary")).to_contain_text("Rows 1–2 of 2")
    shared = page.url
    assert "query=" in shared and page.locator("#share-link").get_attribute("href").endswith(
        shared.split("/query")[1]
    )
    elsewhere = browser.new_context().new_page()  # someone the address was sent to
    elsewhere.goto(shared)
    assert elsewhere.locator("#query-text").input_value() == query
    expect(elsewhere.locator("#results-table td").first).to_contain_text(
        "Avon and Somerset Police and Crime Panel"
    )
    elsewhere.context.close()
    assert stopped == []


def test_results_show_labels_beside_iris_and_keep_the_iri(server, offline_page):
    page, stopped, errors = offline_page
    run_query(
        page, server, "SELECT ?panel WHERE { ?panel a csp:PoliceAndCrimePanel } ORDER BY ?panel LIMIT 3"
    )
    first = page.locator("#results-table td").first
    expect(first.locator("a")).to_contain_text("Police and Crime Panel")
    iri = first.locator("code.iri").inner_text()
    assert (
        iri.startswith("https://w3id.org/cspkg/id/body/")
        and first.locator("a").get_attribute("data-iri") == iri
    )
    assert first.locator("a").inner_text() != iri
    assert stopped == [] and errors == []
