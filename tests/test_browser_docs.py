"""The interactive API documentation in a real browser (Debian's Chromium through Playwright)
with every request to another host stopped: Swagger UI comes from the package, renders every
operation and runs a query against the server; the favicon is served."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from playwright.sync_api import expect

from tests.fixtures import start_api_server, stop_api_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (`make browser`)"),
]


@pytest.fixture(scope="module")
def server(api_settings):
    proc, base = start_api_server(api_settings)
    try:
        yield base
    finally:
        stop_api_server(proc)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


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
