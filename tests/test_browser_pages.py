"""The pages in a real browser: headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright) against a real uvicorn serving the curated data (data/). Every request the pages make
must stay on 127.0.0.1; screenshots go to a temporary folder and must not be blank."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.fixtures import (
    CHROMIUM,
    ROOT,
    Visit,
    api_settings_for,
    build_store,
    start_api_server,
    stop_api_server,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed at /usr/bin/chromium (`make browser` installs it)",
    ),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The curated data built into a store and served by uvicorn on a free loopback port."""
    store = tmp_path_factory.mktemp("pages") / "store"
    build_store(ROOT / "data", store)
    settings = api_settings_for(store, ROOT / "data", result_limit=10000, query_timeout_s=10.0)
    proc, base = start_api_server(settings)
    try:
        yield base
    finally:
        stop_api_server(proc)


@pytest.fixture
def visit(browser):
    made: list[Visit] = []

    def open_(**options: Any) -> Visit:
        made.append(Visit(browser, **options))
        return made[-1]

    yield open_
    for v in made:
        v.context.close()
        assert v.elsewhere == [], f"requests left 127.0.0.1: {v.elsewhere}"
        assert v.errors == [], f"script errors: {v.errors}"


def not_blank(path: Path) -> None:
    """The screenshot has content: many colours and real contrast, not one flat colour."""
    from PIL import Image, ImageStat

    with Image.open(path) as image:
        grey = image.convert("L")
        low, high = grey.getextrema()  # one band: two numbers
        assert isinstance(low, (int, float)) and isinstance(high, (int, float))
        assert high - low > 100 and ImageStat.Stat(grey).stddev[0] > 10, path
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 50, path


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


PAGES = {
    "home": ("/", "Community safety partnerships and who holds them to account"),
    "body": ("/bodies/plymouth-csp", "Plymouth Community Safety Partnership"),
    "accountability": (
        "/bodies/plymouth-csp/accountability",
        "Accountability: Plymouth Community Safety Partnership",
    ),
    "person": ("/people/andy-boulting", "Andy Boulting"),
    "meeting": ("/meetings/plymouth-csp-board-2015-summer", "Safer Plymouth Partnership Board"),
    "source": ("/sources/safer-plymouth-board-2015-summer", "Safer Plymouth Partnership Board, minutes"),
    "bodies": ("/bodies?type=CommunitySafetyPartnership", "Bodies"),
    "gaps": ("/accountability/gaps", "Accountability gaps"),
    "police force area": ("/resources/area/e23000035", "Devon & Cornwall police force area"),
    "query": ("/query", "Query the graph with SPARQL"),
    "ontology": ("/ontology", "The ontology"),
}


@pytest.mark.parametrize("name", PAGES)
def test_each_kind_of_page_loads_and_shows_its_content(site, visit, shots, name):
    path, heading = PAGES[name]
    v = visit(viewport={"width": 1280, "height": 900})
    response = v.page.goto(site + path)
    assert response.status == 200 and response.headers["content-type"].startswith("text/html")
    assert heading in v.page.locator("h1").inner_text()
    v.page.screenshot(path=shots / f"{name}.png", full_page=name != "ontology")
    not_blank(shots / f"{name}.png")


def test_from_a_body_through_its_accountability_picture_to_the_source(site, visit, shots):
    v = visit(viewport={"width": 1366, "height": 900})
    v.page.goto(site + "/")
    v.page.get_by_role("link", name="Bodies", exact=True).click()
    v.page.get_by_label("Name, ONS code or force id", exact=True).fill("plymouth community")
    v.page.get_by_role("button", name="Filter").click()
    best = v.page.locator(".best-matches").get_by_role("link", name="Plymouth Community Safety Partnership")
    best.click()  # the best match first, then the same in the filtered list
    assert v.page.url.endswith("/bodies/plymouth-csp")
    picture = v.page.locator("#picture svg.accountability-svg")
    assert picture.is_visible()
    picture.screenshot(path=shots / "picture.png")
    not_blank(shots / "picture.png")
    label = picture.locator("a.link-label", has_text="Scrutiny · Statutory").first
    title = label.locator("title").text_content()
    assert "Crime and Disorder Committee" in title and "Police and Justice Act 2006" in title
    label.click()
    v.page.wait_for_url(re.compile(r"/sources/"))
    assert "Statutory model applied" in v.page.locator("h1").inner_text()
    assert v.page.get_by_role("heading", name="Facts it states").is_visible()


def test_the_date_and_depth_controls_redraw_the_picture(site, visit):
    v = visit()
    v.page.goto(site + "/bodies/plymouth-csp")
    labels_at_two = v.page.locator("#picture svg a.link-label").count()
    v.page.get_by_label("Steps up and down").select_option("1")
    v.page.get_by_label("As at").fill("2013-01-01")
    v.page.get_by_role("button", name="Show").click()
    v.page.wait_for_url(re.compile(r"as_at=2013-01-01"))
    assert "as at 2013-01-01" in v.page.locator(".lede").inner_text()
    assert 0 < v.page.locator("#picture svg a.link-label").count() < labels_at_two


def test_typing_in_search_suggests_and_a_suggestion_opens_its_page(site, visit):
    v = visit()
    v.page.goto(site + "/")
    box = v.page.locator("#home-search")
    box.press_sequentially("E22000056", delay=30)
    option = v.page.locator("#home-search-options [role=option]").first
    option.wait_for()
    assert "Plymouth Community Safety Partnership" in option.inner_text()
    assert box.get_attribute("aria-expanded") == "true"
    box.fill("")
    # on a busy machine the pauses between keys can let a shorter text ("bo") be asked first:
    # wait for the answer to the whole word before choosing
    with v.page.expect_response(lambda r: "/suggest?" in r.url and "q=boulting" in r.url):
        box.press_sequentially("boulting", delay=30)
    expect(v.page.locator("#home-search-options [role=option]").first).to_contain_text("Andy Boulting")
    box.press("ArrowDown")
    box.press("Enter")
    v.page.wait_for_url(re.compile(r"/people/andy-boulting$"))
    assert v.page.locator("h1").inner_text() == "Andy Boulting"


def expected_rows(site: str, query: str) -> list[dict]:
    r = httpx.post(site + "/sparql", data={"query": query}, headers={"accept": "text/csv"})
    return list(csv.DictReader(io.StringIO(r.text)))


def test_an_example_query_runs_into_a_paged_table_with_downloads(site, visit, shots):
    from api.pages.catalogue import example

    chosen = example("01-csps-per-police-force-area")
    assert chosen is not None
    rows = expected_rows(site, chosen.query)
    assert len(rows) > 25
    v = visit(viewport={"width": 1280, "height": 900})
    v.page.goto(site + "/query")
    v.page.get_by_role("link", name=chosen.title).click()
    table = v.page.locator("#results-table table")
    table.locator("tbody tr").first.wait_for()
    assert table.locator("tbody tr").count() == 25
    assert v.page.locator("#results-summary").inner_text() == f"Rows 1–25 of {len(rows)}"
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    assert headers == list(rows[0].keys())
    assert table.locator("tbody tr").first.locator("td").nth(1).inner_text() == rows[0][headers[1]]
    assert "tok-keyword" in v.page.locator("#query-highlight").inner_html()
    v.page.screenshot(path=shots / "query-results.png", full_page=True)
    not_blank(shots / "query-results.png")
    v.page.get_by_role("button", name="Next rows →").click()
    assert v.page.locator("#results-summary").inner_text().startswith("Rows 26–")
    assert table.locator("tbody tr").first.locator("td").nth(1).inner_text() == rows[25][headers[1]]
    with v.page.expect_download() as download:
        v.page.get_by_role("link", name="CSV").click()
    downloaded = Path(download.value.path()).read_text(encoding="utf-8")
    assert len(list(csv.DictReader(io.StringIO(downloaded)))) == len(rows)


def test_a_construct_query_offers_turtle(site, visit):
    v = visit()
    v.page.goto(site + "/query")
    v.page.get_by_label("SPARQL query").fill(
        "CONSTRUCT { ?b skos:prefLabel ?n } WHERE { ?b a csp:PoliceAndCrimePanel ; skos:prefLabel ?n } LIMIT 5"
    )
    v.page.get_by_role("button", name="Run query").click()
    v.page.locator("#results-table tbody tr").first.wait_for()
    assert v.page.locator("#results-table thead th").all_inner_texts() == ["subject", "predicate", "object"]
    turtle = v.page.get_by_role("link", name="Turtle")
    assert "format=ttl" in turtle.get_attribute("href")
    assert httpx.get(turtle.get_attribute("href")).headers["content-type"].startswith("text/turtle")


def test_a_broken_query_shows_the_error_in_place(site, visit):
    v = visit()
    v.page.goto(site + "/query")
    before = v.page.url
    editor = v.page.get_by_label("SPARQL query")
    editor.fill("SELECT ?x WHERE { ?x a }")
    editor.press("Control+Enter")
    error = v.page.get_by_role("alert")
    error.wait_for()
    assert (
        "400" in error.inner_text() and v.page.url.split("?")[0] == before
    )  # no new page: the query kept in the address
    assert editor.input_value() == "SELECT ?x WHERE { ?x a }"
    v.errors.clear()  # the browser logs the 400 answer itself; the page handled it


def test_on_a_phone_the_page_fits_the_screen(site, visit, shots):
    v = visit(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    for path in ("/", "/bodies/plymouth-csp", "/query"):
        v.page.goto(site + path)
        assert v.page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert v.page.get_by_role("navigation", name="Main").is_visible()
    v.page.goto(site + "/bodies/plymouth-csp")
    v.page.screenshot(path=shots / "phone-body.png")
    not_blank(shots / "phone-body.png")


def test_a_missing_body_is_a_page_that_offers_a_search(site, visit, shots):
    v = visit(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    response = v.page.goto(site + "/bodies/no-such-body")
    v.errors.clear()  # the browser logs the 404 answer itself; the page is the answer
    assert response.status == 404 and response.headers["content-type"].startswith("text/html")
    assert v.page.locator("h1").inner_text() == "Not found"
    assert "No body has the id 'no-such-body'" in v.page.locator("main").inner_text()
    assert v.page.evaluate("document.documentElement.scrollWidth") <= 390
    v.page.screenshot(path=shots / "phone-not-found.png")
    not_blank(shots / "phone-not-found.png")
    box = v.page.locator("#error-search")
    assert box.input_value() == "no such body"
    box.fill("plymouth community")
    v.page.locator("main").get_by_role("button", name="Search").click()
    v.page.wait_for_url(re.compile(r"/bodies\?q=plymouth"))
    v.page.locator(".best-matches").get_by_role("link", name="Plymouth Community Safety Partnership").click()
    assert v.page.locator("h1").inner_text() == "Plymouth Community Safety Partnership"


def test_on_a_phone_each_accountability_link_reads_as_a_card(site, visit):
    v = visit(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    v.page.goto(site + "/bodies/home-office")
    v.page.locator("#links summary").click()
    cell = v.page.locator("table.links td[data-label='Held']").first
    assert cell.evaluate("e => getComputedStyle(e, '::before').content") == '"Held: "'
    row = v.page.locator("table.links tbody tr:not(.group-heading)").first.bounding_box()
    assert row["width"] <= 390 and v.page.evaluate("document.documentElement.scrollWidth") <= 390
    groups = v.page.locator("tr.group-heading a")
    big = next(i for i, t in enumerate(groups.all_inner_texts()) if int(t.split()[1].replace(",", "")) > 100)
    groups.nth(big).click()  # a group of more than one page
    v.page.wait_for_url(re.compile(r"group=down-"))
    assert v.page.locator("#links").evaluate("e => e.open")
    assert v.page.get_by_role("navigation", name="Pages of this group").is_visible()


def contrast(rgb: str, background: tuple[int, int, int] = (255, 255, 255)) -> float:
    """The WCAG contrast ratio of a CSS rgb() colour against a background."""

    def luminance(channels):
        lin = [
            c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels
        ]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    fore = [int(float(n)) for n in re.findall(r"[\d.]+", rgb)[:3]]
    light, dark = sorted((luminance(fore), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_on_a_phone_taps_are_big_enough_and_placeholders_legible(site, visit):
    v = visit(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    v.page.goto(site + "/bodies/plymouth-csp")
    heights = v.page.locator("nav[aria-label=Main] a, nav.toc a, #every-link").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 20, heights
    placeholder = v.page.locator("#site-search").evaluate("e => getComputedStyle(e, '::placeholder').color")
    assert contrast(placeholder) >= 4.5, placeholder


def test_the_keyboard_reaches_the_skip_link_first(site, visit):
    v = visit()
    v.page.goto(site + "/bodies/plymouth-csp")
    v.page.keyboard.press("Tab")
    assert v.page.evaluate("document.activeElement.textContent") == "Skip to content"
    v.page.keyboard.press("Enter")
    assert v.page.evaluate("document.activeElement.id") == "main"


def test_the_pictures_fit_their_boxes(site, visit, shots):
    """Nothing of a picture is cut off: its frame shows its whole height, and at a desktop width
    its whole width (Plymouth's once stopped at 80% of the window's height)."""
    v = visit(viewport={"width": 1280, "height": 700})
    for path in ("/bodies/plymouth-csp", "/resources/area/e23000035"):
        v.page.goto(site + path)
        frames = v.page.locator(".picture-scroll")
        assert frames.count() >= 2  # accountability, and co-operation and funding apart
        for i in range(frames.count()):
            size = frames.nth(i).evaluate(
                "f => ({sh: f.scrollHeight, ch: f.clientHeight, sw: f.scrollWidth, cw: f.clientWidth,"
                " svg: f.querySelector('svg').getBoundingClientRect().height})"
            )
            assert size["sh"] <= size["ch"] + 1 and size["svg"] <= size["ch"] + 1, (path, i, size)
            assert size["sw"] <= size["cw"] + 1, (path, i, size)
    v.page.goto(site + "/bodies/plymouth-csp")
    v.page.locator("#picture").screenshot(path=shots / "plymouth-picture.png")
    not_blank(shots / "plymouth-picture.png")


def test_a_csp_page_says_what_the_graph_knows_and_what_is_missing(site, visit):
    v = visit()
    v.page.goto(site + "/bodies/plymouth-csp?as_at=2005-06-01")  # before CCGs: no health body in the data
    expect(v.page.locator("p.known")).to_contain_text("local sources, dated")
    gaps = v.page.locator("section.gaps")
    expect(gaps.get_by_role("heading")).to_have_text("Gaps")
    expect(gaps).to_contain_text("No health body on record as a member")
    meetings = v.page.locator("#meetings")
    expect(meetings).to_contain_text("its board and sub-groups")
    assert meetings.locator("li a[href*='meeting/plymouth-csp-board']").count() >= 6
    expect(v.page.locator("#scrutiny + ul")).to_contain_text("Police and Crime Panel")


def test_a_police_force_area_is_reached_from_a_csp_page(site, visit):
    v = visit()
    v.page.goto(site + "/bodies/plymouth-csp")
    v.page.locator("dd a", has_text="Devon & Cornwall").first.click()
    v.page.wait_for_url(re.compile(r"/resources/area/e23000035"))
    expect(v.page.locator("h1")).to_have_text("Devon & Cornwall police force area")
    expect(v.page.locator("#partnerships")).to_contain_text("Plymouth Community Safety Partnership")
    expect(v.page.locator("#policing")).to_contain_text("Police and Crime Commissioner")
    assert v.page.locator("#picture svg.accountability-svg").is_visible()
    assert v.page.locator("#support-picture svg.accountability-svg").is_visible()


def test_search_suggests_a_partnership_for_what_people_type(site, visit):
    v = visit()
    v.page.goto(site + "/")
    box = v.page.locator("#home-search")
    with v.page.expect_response(lambda r: "/suggest?" in r.url and "q=Safer+Leeds" in r.url):
        box.press_sequentially("Safer Leeds", delay=30)
    expect(v.page.locator("#home-search-options [role=option]").first).to_contain_text(
        "Leeds Community Safety Partnership"
    )
    box.fill("")
    with v.page.expect_response(lambda r: "/suggest?" in r.url and "q=Caerdydd" in r.url):
        box.press_sequentially("Caerdydd", delay=30)
    expect(v.page.locator("#home-search-options")).to_contain_text("Cardiff Community Safety Partnership")
    box.press("Enter")  # no option chosen: the search page, best matches first
    v.page.wait_for_url(re.compile(r"/bodies\?q=Caerdydd"))
    expect(v.page.locator(".best-matches")).to_contain_text("Cardiff Community Safety Partnership")


def test_the_gaps_page_says_it_is_as_at_today(site, visit, shots):
    from datetime import date

    v = visit(viewport={"width": 1280, "height": 900})
    v.page.goto(site + "/accountability/gaps")
    expect(v.page.locator(".lede")).to_contain_text(f"as at {date.today().isoformat()} (today)")
    expect(v.page.locator("#councils h2")).to_contain_text("Councils nothing on record holds to account")
    v.page.screenshot(path=shots / "gaps-today.png")
    not_blank(shots / "gaps-today.png")
