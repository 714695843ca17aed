"""The HTML pages, in-process: what a browser gets at the REST views' URLs, the home, query and
ontology pages, the search suggestions, and the accessible structure every page shares."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from fastapi.testclient import TestClient

from api.state import services_of
from api.views.base import ViewContext
from tests.fixtures import served_build

HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
PAGES = [
    "/",
    "/bodies/plymouth-csp",
    "/bodies/plymouth-csp/accountability",
    "/people/andy-boulting",
    "/meetings/plymouth-csp-board-2015-07",
    "/sources/devon-and-cornwall-pcp-2016-01",
    "/bodies",
    "/accountability/gaps",
    "/query",
    "/ontology",
    "/sparql",
]


class Structure(HTMLParser):
    """The parts of a page that accessibility depends on."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.labels: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])

    def find(self, tag: str, **attrs: Any) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def group1(pattern: str, text: str, flags: int = 0) -> str:
    """The first group of the pattern's first match in the text (which must have one)."""
    found = re.search(pattern, text, flags)
    assert found is not None, pattern
    return found.group(1)


def page(client: TestClient, path: str, **params: Any) -> str:
    r = client.get(path, headers=HTML, params=params)
    assert r.status_code == 200, (path, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def structure(html: str) -> Structure:
    parser = Structure()
    parser.feed(html)
    return parser


def assert_accessible(html: str) -> Structure:
    """Landmarks, a skip link, one h1 and a label for every field."""
    s = structure(html)
    assert s.tags[0][0] == "html" and s.tags[0][1].get("lang") == "en"
    skip = s.find("a", **{"class": "skip-link"})
    assert skip and skip[0]["href"] == "#main" and s.find("main", id="main")
    assert s.find("nav", **{"aria-label": "Main"}) and s.find("header") and s.find("footer")
    assert len(s.find("h1")) == 1
    fields = [a for t, a in s.tags if t in ("input", "select", "textarea") and a.get("type") != "hidden"]
    assert fields and all(f.get("id") in s.labels for f in fields), [
        f for f in fields if f.get("id") not in s.labels
    ]
    return s


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_landmarks_a_skip_link_and_labelled_fields(api_client, path):
    assert_accessible(page(api_client, path))


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_elsewhere(api_client, path):
    s = structure(page(api_client, path))
    loaded = [
        a.get("src") or a.get("href")
        for t, a in s.tags
        if t == "script" and a.get("src") or t == "link" and a.get("rel") == "stylesheet"
    ]
    assert loaded and all(u and u.startswith("http://testserver/static/") for u in loaded)
    for url in loaded:
        assert api_client.get(url).status_code == 200


def test_rdf_representations_are_unchanged_by_the_pages(api_client):
    doc = api_client.get("/bodies/plymouth-csp", headers={"accept": "application/ld+json"}).json()
    assert doc["name"] == "Plymouth Community Safety Partnership" and "members" in doc
    assert (
        api_client.get("/bodies/plymouth-csp", params={"format": "ttl"})
        .headers["content-type"]
        .startswith("text/turtle")
    )


def test_a_body_page_draws_who_holds_whom_to_account_with_links_to_the_sources(api_client):
    html = page(api_client, "/bodies/plymouth-csp")
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "Plymouth Community Safety Partnership" in svg
    # each link is labelled with mechanism and status, and leads to the source that evidences it
    assert re.search(r'<a class="link-label statutory" href="http://testserver/id/source/[^"]+">', svg)
    assert "Scrutiny · Statutory" in svg
    assert 'class="box subject"' in svg
    for heading in ("Members", "What it is a member of", "Meetings and decisions", "Details and identifiers"):
        assert f">{heading}</h2>" in html


def test_the_picture_depth_and_date_come_from_the_controls(api_client):
    shallow = page(api_client, "/bodies/plymouth-csp-dv-group", depth="1")
    deep = page(api_client, "/bodies/plymouth-csp-dv-group", depth="all")
    assert shallow.count('class="link-label') < deep.count('class="link-label')
    assert '<option value="1" selected>' in shallow
    html = page(api_client, "/bodies/plymouth-csp-dv-group", as_at="2014-01-01")
    assert "No body on record holds" in html and "as at 2014-01-01" in html
    assert page(api_client, "/bodies/plymouth-csp", as_at="")  # an empty date field means no date


def test_gaps_are_called_out_in_words(api_client):
    html = page(api_client, "/bodies/dorset-devon-and-cornwall-crc")
    assert re.search(r"No body on record holds .+ to account since \d{4}", html)
    assert "Questioned:" in html


def test_the_accountability_view_as_a_page(api_client):
    html = page(api_client, "/bodies/plymouth-csp/accountability", depth="1")
    assert "<svg" in html and '<option value="50">all</option>' in html
    assert "format=csv" in html


def test_meeting_person_and_source_pages(api_client):
    meeting = page(api_client, "/meetings/plymouth-csp-board-2015-07")
    assert "Items, decisions and recommendations" in meeting and "<article" in meeting
    person = page(api_client, "/people/andy-boulting")
    assert "Posts held" in person and "Andy Boulting" in person
    source = page(api_client, "/sources/devon-and-cornwall-pcp-2016-01")
    assert "Facts it states" in source and "What it describes" in source


def test_home_counts_what_the_graph_holds(api_client):
    html = page(api_client, "/")
    assert "What the graph holds" in html and "Bodies by kind" in html
    assert re.search(r'\?type=CommunitySafetyPartnership">Community Safety Partnership</a></td><td>\d', html)
    assert api_client.get("/", headers={"accept": "application/json"}).json()["links"]["list_bodies"]


def test_suggestions_find_bodies_and_people_by_name_and_code(api_client):
    r = api_client.get("/suggest", params={"q": "plymouth"})
    assert r.status_code == 200 and r.headers["etag"]
    labels = [s["label"] for s in r.json()["suggestions"]]
    assert "Plymouth Community Safety Partnership" in labels and len(labels) <= 8
    by_code = api_client.get("/suggest", params={"q": "E22000046"}).json()["suggestions"]
    assert by_code[0]["label"] == "Plymouth Community Safety Partnership"
    assert by_code[0]["url"] == "http://testserver/bodies/plymouth-csp"
    person = api_client.get("/suggest", params={"q": "boulting"}).json()["suggestions"]
    assert person[0]["kind"] == "Person" and person[0]["url"].endswith("/people/andy-boulting")
    assert api_client.get("/suggest").status_code == 400


def test_the_query_page_offers_every_example_one_click_away(api_client):
    from api.pages.catalogue import examples

    html = page(api_client, "/query")
    assert len(examples()) >= 15
    for e in examples():
        assert f'data-example="{e.name}"' in html
    chosen = examples()[4]
    opened = page(api_client, "/query", example=chosen.name)
    assert 'aria-current="true">' + chosen.title.replace("&", "&amp;") in opened


def test_the_ontology_page_lists_classes_and_properties_with_their_use(api_client):
    html = page(api_client, "/ontology")
    row = group1(r'<tr id="AccountabilityLink">(.*?)</tr>', html, re.DOTALL)
    uses = int(re.findall(r"<td>([\d,]+)</td>", row)[-1].replace(",", ""))
    links = api_client.get("/bodies/plymouth-csp/accountability").json()
    assert uses >= len(links["upward"]) > 0
    assert '<tr id="holder">' in html and '<tr id="legalBasis">' in html


# -- errors: a page for a browser, problem+json for programs --------------------------------------
ERRORS = [
    ("/bodies/no-such-body", 404, "no-such-body"),
    ("/bodies/plymouth-csp?as_at=2016-13-45", 400, "as_at=2016-13-45"),
    ("/bodies?page=0", 400, "page=0"),
    ("/no/such/page", 404, "/no/such/page"),
]


@pytest.mark.parametrize("path,status,words", ERRORS)
def test_a_browser_gets_an_error_as_a_page_with_the_same_status(api_client, path, status, words):
    r = api_client.get(path, headers=HTML)
    assert r.status_code == status and r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-store" and "Accept" in r.headers["vary"]
    s = assert_accessible(r.text)
    problem = api_client.get(path, headers={"accept": "application/json"}).json()
    assert f"Error {status} · {problem['title']}" in r.text and words in r.text
    assert s.find("input", id="error-search", name="q") and s.find("a", href="http://testserver/")


def test_a_missing_page_offers_a_search_for_its_words_and_a_bad_parameter_a_way_round(api_client):
    missing = structure(api_client.get("/bodies/no-such-body", headers=HTML).text)
    assert missing.find("input", id="error-search")[0]["value"] == "no such body"
    bad_date = api_client.get(
        "/bodies/plymouth-csp", params={"as_at": "2016-13-45", "depth": "1"}, headers=HTML
    ).text
    assert (
        'href="http://testserver/bodies/plymouth-csp?depth=1">Open this page without the as-at date'
        in bad_date
    )


def without_accept(client: TestClient, path: str) -> httpx.Response:
    request = client.build_request("GET", path)
    del request.headers["accept"]
    return client.send(request)


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        "application/ld+json",
        "text/turtle",
        "application/problem+json, text/html;q=0.5",
    ],
)
def test_programs_keep_getting_problem_json(api_client, accept):
    path = "/bodies/no-such-body"
    r = (
        without_accept(api_client, path)
        if accept is None
        else api_client.get(path, headers={"accept": accept})
    )
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert r.json() == {
        "type": "https://w3id.org/cspkg/problems/not-found",
        "title": "Not Found",
        "status": 404,
        "detail": "no body has the id 'no-such-body'",
        "instance": path,
    }


def test_format_decides_before_accept_for_errors_too(api_client):
    as_json = api_client.get("/bodies/no-such-body", params={"format": "jsonld"}, headers=HTML)
    assert as_json.headers["content-type"] == "application/problem+json"
    as_page = api_client.get(
        "/bodies/no-such-body", params={"format": "html"}, headers={"accept": "application/json"}
    )
    assert as_page.status_code == 404 and as_page.headers["content-type"].startswith("text/html")


def test_without_a_build_a_browser_is_told_to_come_back(tmp_path):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.fixtures import api_settings_for

    with TestClient(create_app(api_settings_for(tmp_path / "empty-store", workers=1))) as client:
        r = client.get("/bodies/plymouth-csp", headers=HTML)
        assert r.status_code == 503 and r.headers["retry-after"] == "30"
        assert "The data cannot be reached just now" in r.text and 'id="error-search"' in r.text


# -- a national body: hundreds of links, summarised --------------------------------------------------
NATIONAL_PAGE_BOUND = 250_000  # bytes; with every link a row, the Home Office's page was 1.1 MB


@pytest.fixture(scope="module")
def national_client(national_build):
    """The national data (real registers: the Home Office has over a thousand links within two steps)."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.fixtures import api_settings_for

    data, store, _ = national_build
    with TestClient(create_app(api_settings_for(store, data))) as client:
        yield client


def held_in_rows(html: str) -> list[str]:
    return re.findall(r'<td data-label="Held"><a href="([^"]+)"', html)


def test_a_national_body_page_counts_its_links_by_step_and_mechanism(national_client):
    from collections import Counter

    view = national_client.get(
        "/bodies/home-office/accountability", params={"depth": 2}, headers={"accept": "application/ld+json"}
    ).json()
    assert len(view["downward"]) > 1000
    r = national_client.get("/bodies/home-office", headers=HTML)
    assert r.status_code == 200 and len(r.content) < NATIONAL_PAGE_BOUND, len(r.content)
    groups = re.findall(
        r'<tr><td>(\d+)</td>\s*<td><a href="[^"]+">([^<]+)</a></td>\s*<td>([\d,]+)</td>', r.text
    )
    assert {(int(step), name): int(n.replace(",", "")) for step, name, n in groups} == Counter(
        (link["depth"], link["mechanism"]["label"]) for link in view["downward"]
    )
    assert {"Funding", "Reporting", "Scrutiny"} <= {name for _, name, _ in groups}
    assert r.text.count("<svg") == 1  # the picture stays


def test_a_group_of_links_is_shown_whole_a_page_at_a_time(national_client):
    html = page(national_client, "/bodies/home-office")
    url = group1(r'<a href="([^"#]+group=down-2-reporting)#links">Reporting</a>', html)
    total = int(group1(r">Reporting</a></td>\s*<td>([\d,]+)</td>", html).replace(",", ""))
    first = national_client.get(url, headers=HTML).text
    assert f"Step 2 · Reporting: links 1–100 of {total}" in first and len(held_in_rows(first)) == 100
    pages = [int(n) for n in re.findall(r"group=down-2-reporting&amp;page=(\d+)#links", first)]
    seen = held_in_rows(first)
    for n in sorted(set(pages)):
        seen += held_in_rows(national_client.get(f"{url}&page={n}", headers=HTML).text)
    assert len(seen) == total > 200


def test_a_body_with_few_links_keeps_one_table_of_every_link(api_client):
    view = api_client.get(
        "/bodies/plymouth-csp/accountability", params={"depth": 2}, headers={"accept": "application/ld+json"}
    ).json()
    html = page(api_client, "/bodies/plymouth-csp")
    assert len(held_in_rows(html)) == len(view["upward"]) + len(view["downward"]) > 0
    assert "link-groups" not in html


# -- the parts, without the app ------------------------------------------------------------------
def link(
    holder: str,
    held: str,
    *,
    depth: int = 1,
    followed: bool = True,
    status: str = "statutory",
    mechanism: str = "scrutiny",
    **extra: Any,
) -> dict:
    st = "https://w3id.org/cspkg/def/status/"
    return {
        "id": f"link/{holder}/{held}/{mechanism}",
        "holder": {"id": holder, "name": holder.title()},
        "held": {"id": held, "name": held.title()},
        "depth": depth,
        "followed": followed,
        "mechanism": {"id": "https://w3id.org/cspkg/def/mechanism/" + mechanism, "label": mechanism.title()},
        "status": {"id": st + status, "label": status},
        "derivedFrom": [{"id": "src", "title": "Minutes"}],
        **extra,
    }


@pytest.fixture(scope="module")
def vocab(api_client):
    return services_of(api_client.app).vocab.get(
        services_of(api_client.app).store, served_build(services_of(api_client.app).store).build_id
    )


def test_the_picture_puts_holders_above_and_draws_a_body_met_twice_as_a_leaf(vocab):
    from api.pages.picture import layout

    doc = {
        "subject": {"id": "csp", "name": "CSP"},
        "upward": [
            link("pcc", "csp"),
            link("panel", "pcc", depth=2),
            link("home-office", "pcc", depth=2),
            link("home-office", "panel", depth=3, mechanism="funding"),
            link("other-csp", "pcc", depth=2, followed=False, mechanism="co-operation"),
        ],
        "downward": [link("csp", "group", status="proposed")],
    }
    picture = layout(doc, vocab)
    boxes = {(b.body["id"], b.repeated): b for b in picture.boxes}
    assert boxes[("pcc", False)].y < boxes[("csp", False)].y < boxes[("group", False)].y
    assert boxes[("panel", False)].y < boxes[("pcc", False)].y
    assert ("home-office", True) in boxes  # met again above the panel: drawn, not expanded
    assert picture.hidden == 1  # co-operation two steps away: in the table only
    families = {label.heading: label.family for e in picture.edges for label in e.labels}
    assert families["Scrutiny · statutory"] == "statutory"
    assert any(e.family == "proposed" for e in picture.edges)
    assert all(label.source == "src" for e in picture.edges for label in e.labels)
    assert layout(doc, vocab, every=True).hidden == 0


def test_a_body_holding_many_draws_the_first_and_one_box_for_the_rest(vocab):
    from api.pages.picture import MOST_CHILDREN, layout

    many = [link("home-office", f"panel-{i:02}", mechanism="funding") for i in range(20)]
    picture = layout(
        {"subject": {"id": "home-office", "name": "Home Office"}, "upward": [], "downward": many}, vocab
    )
    held = [b for b in picture.boxes if not b.subject]
    assert (
        len(held) == MOST_CHILDREN[0] and held[-1].summary and held[-1].lines[0].startswith("13 more bodies")
    )
    assert picture.hidden == 13
    assert [label.heading for label in picture.edges[-1].labels] == ["Funding · statutory"]


def test_gap_notes_name_the_year_accountability_ended(vocab, api_client):
    from api.pages.gaps import notes
    from api.views.accountability import rules_for

    rules = rules_for(services_of(api_client.app).settings.ontology_dir)
    ended = {
        "subject": {"id": "crc", "name": "The CRC"},
        "upward": [link("moj", "crc", mechanism="contract-management", endDate={"@value": "2021"})],
    }
    assert (
        notes(ended, rules, vocab, date(2025, 1, 1))[0]
        == "No body on record holds The CRC to account since 2021: every link that did has ended."
    )
    assert notes(ended, rules, vocab, date(2020, 1, 1)) == []
    assert notes({"subject": {"id": "x", "name": "X"}, "upward": []}, rules, vocab, date(2025, 1, 1)) == [
        "No body on record holds X to account."
    ]


def test_long_sides_are_grouped_with_their_first_rows_and_a_chosen_group_is_paged():
    from starlette.requests import Request

    from api.pages.linktable import FIRST_ROWS, ONE_TABLE_UP_TO, ROWS_PER_PAGE, tables

    def request(query: str) -> Request:
        return Request(
            {
                "type": "http",
                "method": "GET",
                "path": "/bodies/ho",
                "query_string": query.encode(),
                "headers": [],
                "server": ("testserver", 80),
                "scheme": "http",
                "root_path": "",
            }
        )

    funding = [link("ho", f"pcc-{i:03}", mechanism="funding") for i in range(ROWS_PER_PAGE + 30)]
    scrutiny = [link(f"pcc-{i:03}", f"panel-{i:03}", depth=2) for i in range(3)]
    view = {"upward": [link("pm", "ho")], "downward": funding + scrutiny}
    up, down = tables(request(""), view, "HO")
    assert not up.groups and up.links == view["upward"]
    assert [(g.key, len(g.links), len(g.rows)) for g in down.groups] == [
        ("down-1-funding", ROWS_PER_PAGE + 30, FIRST_ROWS),
        ("down-2-scrutiny", 3, 3),
    ]
    assert down.groups[0].statuses == f"{ROWS_PER_PAGE + 30} statutory" and down.chosen is None
    assert down.groups[1].url == "http://testserver/bodies/ho?group=down-2-scrutiny#links"
    chosen = tables(request("group=down-1-funding&page=2"), view, "HO")[1]
    assert (
        chosen.chosen is not None
        and chosen.chosen.rows == funding[ROWS_PER_PAGE:]
        and chosen.first == ROWS_PER_PAGE
    )
    assert [n for n, _ in chosen.pages] == [1, 2]
    bad_page = tables(request("group=down-1-funding&page=x"), view, "HO")[1].chosen
    assert bad_page is not None and bad_page.rows == funding[:ROWS_PER_PAGE]
    small = {"downward": funding[:ONE_TABLE_UP_TO]}
    assert not tables(request(""), small, "HO")[0].groups


# -- curation honesty: the curated minutes say what their sources say ------------------------------
ROOT = Path(__file__).resolve().parent.parent
MINUTES = sorted((ROOT / "data" / "minutes").glob("*.yaml"))
STATUSES = "https://w3id.org/cspkg/def/status/"


def shared_dir() -> Path | None:
    """The read-only shared folder the `seeds/...` local copies live in: CSPKG_SHARED_DIR, else
    `shared/` beside the clone (CI) or one folder further up (a worktree in a folder of them)."""
    import os

    named = os.environ.get("CSPKG_SHARED_DIR")
    candidates = [Path(named)] if named else [ROOT.parent / "shared", ROOT.parent.parent / "shared"]
    return next((c for c in candidates if (c / "seeds").is_dir()), None)


def local_copy(path: str) -> Path:
    """Where a fact file's `local_copy` is: `seeds/...` under the shared folder, `sources/...`
    (and anything else) under the data folder."""
    if path.startswith("seeds/"):
        shared = shared_dir()
        if shared is None:
            pytest.skip("the shared folder with seeds/ is absent (set CSPKG_SHARED_DIR)")
        return shared / path
    return ROOT / "data" / path


def phrase(value: str) -> str:
    """Text compared as a reader would: one kind of apostrophe and quote, spaces collapsed, any case."""
    value = value.translate(str.maketrans("’‘“”\u00a0", "''\"\" "))
    return " ".join(value.split()).lower()


def fact_file(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", MINUTES, ids=lambda p: p.stem)
def test_every_alternative_name_is_a_phrase_of_the_minutes(path):
    facts = fact_file(path)
    copy = facts["source"].get("local_copy")
    if not copy:
        pytest.skip(f"{path.name} names no local copy of its source")
    text = phrase(local_copy(copy).read_text(encoding="utf-8"))
    missing = [
        (body["id"], alt)
        for body in facts.get("bodies", [])
        for alt in body.get("alt_names") or []
        if phrase(alt) not in text
    ]
    assert not missing, f"{path.name}: alternative names not in {copy}: {missing}"


def test_the_blind_set_names_curated_files_with_local_copies_made_without_a_draft():
    """benchmarks/blind_set.txt lists fact files curated by hand: each exists, has its local copy, says
    so in its header, and carries no trace of a draft."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("draft_eval", ROOT / "benchmarks" / "draft_eval.py")
    assert spec and spec.loader
    draft_eval = importlib.util.module_from_spec(spec)
    sys.modules["draft_eval"] = draft_eval  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(draft_eval)
    finally:
        del sys.modules["draft_eval"]
    ids = draft_eval.blind_ids()
    assert len(ids) >= 6 and len(set(ids)) == len(ids)
    for source_id in ids:
        path = ROOT / "data" / "minutes" / f"{source_id}.yaml"
        text = path.read_text(encoding="utf-8")
        facts = fact_file(path)
        assert facts["source"]["id"] == source_id
        assert local_copy(facts["source"]["local_copy"]).is_file()
        assert "without a draft" in text.split("\nsource:", 1)[0], (
            f"{path.name}: header does not say how it was curated"
        )
        assert "draft:" not in text


def test_a_contract_award_the_minutes_imply_is_inferred_not_statutory():
    facts = fact_file(ROOT / "data" / "minutes" / "devon-and-cornwall-pcp-partnership-working-2014.yaml")
    award = [
        link
        for link in facts["links"]
        if (link["holder"], link["held"]) == ("ministry-of-justice", "working-links")
    ]
    assert [link["status"] for link in award] == ["inferred"]
    provider = [
        link
        for link in facts["links"]
        if (link["holder"], link["held"]) == ("working-links", "dorset-devon-and-cornwall-crc")
    ]
    assert len(provider) == 1 and provider[0]["start"] and provider[0]["status"] != "statutory"


def test_inferred_is_a_status_of_the_code_list_and_the_pages_draw_it_apart(vocab):
    from api.pages.present import status_family

    assert STATUSES + "inferred" in vocab.concepts
    assert status_family({"id": STATUSES + "inferred"}, vocab) == "inferred"
    css = (ROOT / "api" / "static" / "css" / "site.css").read_text()
    assert ".edge.inferred" in css and ".swatch.inferred" in css


def test_a_note_does_not_contradict_its_own_type():
    """A note saying which class 'is used' for an entry must name the entry's own class."""
    from rdflib import RDFS, Graph

    onto = Graph().parse(ROOT / "ontology" / "cspkg.ttl")
    labels = {str(o).lower(): str(s).rsplit("#", 1)[-1] for s, o in onto.subject_objects(RDFS.label)}
    wrong = []
    for path in MINUTES:
        facts = fact_file(path)
        for key in ("bodies", "initiatives"):
            for entry in facts.get(key) or []:
                note = phrase(entry.get("note") or "")
                for found in re.finditer(r"so (?:the )?([a-z ]+?) (?:type |class )?is used", note):
                    if labels.get(found.group(1).strip()) != entry.get("type"):
                        wrong.append((path.name, entry["id"], entry.get("type"), found.group(0)))
    assert not wrong


def test_memberships_of_dated_kinds_start_no_earlier_than_the_rule_that_makes_them():
    """A member of a kind the statutory rules bring in since 2010 (the Probation Service from
    2021-06-26, ICBs from 2022-07-01 ...) carries a start, and it is not before the rule's."""
    import csv

    rules = {
        row["subject_type"]: row["valid_from"]
        for row in csv.DictReader((ROOT / "data" / "reference" / "statutory" / "accountability.csv").open())
        if row["relation"] == "is_member_of"
        and row["object_type"] == "CommunitySafetyPartnership"
        and row["valid_from"] >= "2010"
    }
    early = []
    for path in MINUTES:
        facts = fact_file(path)
        types = {b["id"]: b.get("type") for b in facts.get("bodies", [])}
        for m in facts.get("memberships") or []:
            since = rules.get(types.get(m.get("member")))
            start = m.get("start")
            start = str(start.get("not_before") if isinstance(start, dict) else start or "")
            if since and (not start or start < since):
                early.append((path.name, m["member"], m.get("organisation"), start, since))
    assert not early


# -- a CSP's page says what the graph knows ------------------------------------------------------------
def gaps_section(html: str) -> str:
    part = html[html.index('id="gaps-heading"') :]
    return re.sub(r"<[^>]+>", " ", part[: part.index("</section>")])


def test_a_csp_page_names_the_responsible_authorities_it_lacks_at_its_date(national_client):
    """The kinds come from the rules the statutory layer marks, so the body asked for changes with
    the date (a primary care trust in 2005, which the reference data does not hold); kinds a member
    fills are not gaps; "No gaps found" only when there are none."""
    html_2005 = page(national_client, "/bodies/plymouth-csp", as_at="2005-06-01")
    gaps_2005 = gaps_section(html_2005)
    assert "No gaps found" not in gaps_2005
    assert re.search(r"No health body on record as a member of .+ as at 2005-06-01", gaps_2005)
    assert "rimary care trust" in gaps_2005 and "ntegrated care board" not in gaps_2005
    assert "No police authority on record" in gaps_2005  # 2003-2012, not in the reference data
    assert "chief officer of police" not in gaps_2005  # the chief constable is a member by the rule
    for day in ("2015-06-01", "2023-01-01", None):
        html = page(national_client, "/bodies/plymouth-csp", **({"as_at": day} if day else {}))
        found = gaps_section(html)
        assert "rimary care trust" not in found and "police authority" not in found
        assert ("No gaps found" in found) == (
            "<li>" not in html[html.index('id="gaps-heading"') :].split("</section>")[0]
        )
        assert f"as at {day or date.today().isoformat()}" in found or "No gaps found" in found


def test_the_missing_kinds_follow_the_members_in_force(vocab):
    """A member of a kind's type in force on the day fills it; one that ended does not."""
    from api.pages.authorities import Rule, missing

    csp = "https://w3id.org/cspkg/def#"
    rules = [
        Rule("fire", csp + "FireAndRescueAuthority", "2003-04-01", "", "s.5(1)(d)"),
        Rule("health", csp + "ClinicalCommissioningGroup", "2013-04-01", "2022-06-30", "s.5(1)(e)"),
        Rule("health", csp + "IntegratedCareBoard", "2022-07-01", "", "s.5(1)(e)"),
    ]

    class Members:
        def select(self, query, bindings):
            return [{"member": "m", "type": csp + "ClinicalCommissioningGroup", "end": "2022-06-30"}]

    class Ctx:
        store, vocab = Members(), None

    ctx = Ctx()
    ctx.vocab = vocab
    assert [m.kind for m in missing(cast(ViewContext, ctx), "csp", date(2015, 1, 1), rules)] == ["fire"]
    later = missing(cast(ViewContext, ctx), "csp", date(2023, 1, 1), rules)
    assert [(m.kind, m.types) for m in later] == [
        ("fire", (vocab.class_labels[csp + "FireAndRescueAuthority"],)),
        ("health", (vocab.class_labels[csp + "IntegratedCareBoard"],)),
    ]


def test_a_csp_page_gathers_the_meetings_of_its_board_and_sub_groups(api_client):
    ld = {"accept": "application/ld+json"}
    csp = api_client.get("/bodies/plymouth-csp", headers=ld).json()
    groups = ["plymouth-csp"] + [g["id"].rsplit("/", 1)[-1] for g in csp["subOrganizations"]]
    found = [
        m["id"].rsplit("/", 1)[-1]
        for g in groups
        for m in api_client.get("/meetings", params={"body": g}, headers=ld).json()["results"]
    ]
    assert found and len(groups) > 1
    html = page(api_client, "/bodies/plymouth-csp")
    meetings = html[html.index('id="meetings-heading"') : html.index('id="scrutiny"')]
    assert all(key in meetings for key in found)
    assert "No meetings of" not in meetings and "Decisions and recommendations taken there" in meetings
    known = group1(r'<p class="known">(.*?)</p>', html)
    assert re.search(r"\d+ local sources?, dated ", known)


def test_a_body_without_local_sources_says_it_has_the_statutory_model_only(national_client):
    html = page(national_client, "/bodies/cardiff-csp")
    assert "What the graph knows:</strong> statutory model only" in html


@pytest.fixture(scope="module")
def real_client(tmp_path_factory):
    """The project's own data/ (reference data and every curated minutes file) built and served in-process."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.fixtures import api_settings_for, build_store

    store = tmp_path_factory.mktemp("real") / "store"
    build_store(ROOT / "data", store)
    with TestClient(create_app(api_settings_for(store, ROOT / "data"))) as client:
        yield client


def test_plymouth_csp_shows_the_six_meetings_of_its_board(real_client):
    ld = {"accept": "application/ld+json"}
    board = real_client.get("/meetings", params={"body": "plymouth-csp-board"}, headers=ld).json()
    assert board["totalItems"] >= 6
    html = page(real_client, "/bodies/plymouth-csp")
    meetings = html[html.index('id="meetings-heading"') : html.index('id="scrutiny"')]
    assert f"its board and sub-groups ({board['totalItems']})" in meetings
    assert all(m["id"].rsplit("/", 1)[-1] in meetings for m in board["results"])
    scrutiny = html[html.index('id="scrutiny"') : html.index('id="concerns-heading"')]
    assert "Police and Crime Panel" in scrutiny  # the panel's 2014 scrutiny speaks of the CSPs


# -- search finds what people type ------------------------------------------------------------------
def suggested(client: TestClient, q: str) -> dict:
    r = client.get("/suggest", params={"q": q})
    assert r.status_code == 200
    return r.json()


@pytest.mark.parametrize(
    "typed", ["Safer Leeds", "Leeds community safety partnership", "leeds csp", "E22000345"]
)
def test_search_finds_a_partnership_by_what_people_call_it(real_client, typed):
    labels = [s["label"] for s in suggested(real_client, typed)["suggestions"]]
    assert labels[0] == "Leeds Community Safety Partnership", labels


def test_search_finds_welsh_names(real_client):
    labels = [s["label"] for s in suggested(real_client, "Caerdydd")["suggestions"]]
    assert "Cardiff Community Safety Partnership" in labels and "City of Cardiff Council" in labels
    assert "Swansea Community Safety Partnership" in [
        s["label"] for s in suggested(real_client, "Abertawe")["suggestions"]
    ]


def test_search_ranks_a_partnership_above_its_sub_groups(real_client):
    labels = [s["label"] for s in suggested(real_client, "safer plymouth")["suggestions"]]
    assert labels.index("Plymouth Community Safety Partnership") < labels.index(
        "Safer Plymouth Partnership Board"
    )


def test_nothing_found_offers_near_matches(real_client):
    answer = suggested(real_client, "Plymoth")
    assert answer["suggestions"] == [] and "plymouth" in answer["near"]
    html = page(real_client, "/bodies", q="Plymoth")
    assert "Nothing found for “Plymoth”" in html
    assert re.search(r'Did you mean <a href="[^"]*q=plymouth">plymouth</a>', html)
    best = page(real_client, "/bodies", q="Safer Leeds")
    listed = best[best.index('id="best-heading"') :]
    assert listed.index("Leeds Community Safety Partnership") < listed.index("Leeds City Council")


def test_search_folds_case_accents_and_ampersands():
    from api.pages.search import fold

    assert fold("Ynys Môn") == "ynys mon" and fold("Devon & Cornwall") == "devon and cornwall"


# -- the picture: one label per link whatever its sources; co-operation and funding apart ---------------
def test_a_link_several_sources_state_is_drawn_once_with_all_its_sources(vocab):
    from api.pages.picture import layout

    stated = [
        link("panel", "pcc", derivedFrom=[{"id": "minutes", "title": "Minutes"}]),
        link(
            "panel", "pcc", derivedFrom=[{"id": "model", "title": "Statutory model"}], legalBasis="PRSRA s.28"
        ),
    ]
    picture = layout({"subject": {"id": "pcc", "name": "PCC"}, "upward": stated, "downward": []}, vocab)
    labels = [label for e in picture.edges for label in e.labels]
    assert len(labels) == 1 and labels[0].sources == 2 and labels[0].links == 2
    assert "Minutes" in labels[0].tooltip and "Statutory model" in labels[0].tooltip
    assert labels[0].detail.startswith("2 sources") and picture.hidden == 0


def test_co_operation_and_funding_are_drawn_apart_from_accountability(vocab):
    from api.pages.picture import layout

    doc = {
        "subject": {"id": "csp", "name": "CSP"},
        "upward": [
            link("cdc", "csp"),
            link("pcc", "csp", mechanism="funding"),
            link("pcc", "csp", mechanism="co-operation"),
        ],
        "downward": [],
    }
    held = {b.body["id"] for b in layout(doc, vocab, part="accountability").boxes}
    assert held == {"csp", "cdc"}
    support = layout(doc, vocab, part="support")
    assert {b.body["id"] for b in support.boxes} == {"csp", "pcc"}
    assert sorted(label.heading.split(" · ")[0] for e in support.edges for label in e.labels) == [
        "Co-Operation",
        "Funding",
    ]


def test_a_body_page_draws_co_operation_and_funding_in_a_picture_of_its_own(real_client):
    html = page(real_client, "/bodies/plymouth-csp")
    main = html[html.index('<figure class="picture" id="picture"') : html.index('id="support-heading"')]
    support = html[html.index('<figure class="picture" id="support-picture"') :]
    support = support[: support.index("</figure>")]
    assert "Funding ·" not in main and "Co-operation ·" not in main
    assert "Co-operation ·" in support
    assert len(re.findall(r'id="([^"]+)"', html)) == len(set(re.findall(r'id="([^"]+)"', html)))  # ids unique


# -- police force area pages -----------------------------------------------------------------------------
def section_text(html: str, key: str) -> str:
    part = html[html.index(f'<section id="{key}"') :]
    return part[: part.index("</section>")]


def test_a_police_force_area_page_lists_its_bodies_by_what_they_do(real_client):
    html = page(real_client, "/resources/area/e23000035")
    assert "<h1>Devon &amp; Cornwall police force area</h1>" in html
    ld = {"accept": "application/ld+json"}
    csps = real_client.get(
        "/bodies", params={"type": "CommunitySafetyPartnership", "q": "", "per_page": 500}, headers=ld
    ).json()["results"]
    here = [c for c in csps if (c.get("policeForceArea") or {}).get("id", "").endswith("/e23000035")]
    partnerships = section_text(html, "partnerships")
    for csp in here:
        assert csp["id"].rsplit("/", 1)[-1] in partnerships
    policing = section_text(html, "policing")
    for key in ("devon-and-cornwall-police", "devon-and-cornwall-chief-constable", "devon-and-cornwall-pcc"):
        assert f"/{key}" in policing
    assert "Police and Crime Panel" in policing
    for key in ("fire", "probation", "health", "councils"):
        assert section_text(html, key)
    assert '<figure class="picture" id="picture"' in html
    # national members of its CSPs are listed where they belong, with their dates
    probation = section_text(html, "probation")
    assert "/probation-service" in probation and "since 2021-06-26" in probation


def test_a_police_force_area_page_lists_what_the_statutory_layer_places_there(real_client):
    """Fire and rescue authorities, health bodies and probation providers covering a district of
    the area are listed, whatever the reference layer holds of them."""
    query = """SELECT DISTINCT ?body ?type WHERE {
      ?district csp:within <https://w3id.org/cspkg/id/area/e23000035> .
      ?body csp:coversDistrict ?district ; a ?type .
      VALUES ?type { csp:FireAndRescueAuthority csp:HealthBody csp:ProbationProvider } }"""
    rows = real_client.get(
        "/sparql", params={"query": query}, headers={"accept": "application/sparql-results+json"}
    ).json()["results"]["bindings"]
    html = page(real_client, "/resources/area/e23000035")
    where = {"FireAndRescueAuthority": "fire", "HealthBody": "health", "ProbationProvider": "probation"}
    for row in rows:
        section = section_text(html, where[row["type"]["value"].rsplit("#", 1)[-1]])
        assert row["body"]["value"].rsplit("/", 1)[-1] in section


def test_a_police_force_area_page_as_at_a_date(real_client):
    before = section_text(page(real_client, "/resources/area/e23000035", as_at="2010-01-01"), "policing")
    assert "devon-and-cornwall-pcc" not in before  # the PCC took office in November 2012
    r = real_client.get("/resources/area/e23000035", params={"as_at": "2010-13-01"}, headers=HTML)
    assert r.status_code == 400
    ld = real_client.get("/resources/area/e23000035", headers={"accept": "application/ld+json"}).json()
    assert ld["type"] == ["PoliceForceArea"]  # programs keep the resource's own statements


# -- the gaps page ----------------------------------------------------------------------------------------
def test_the_gaps_page_defaults_to_today_and_says_so(real_client):
    html = page(real_client, "/accountability/gaps")
    today = date.today().isoformat()
    assert f"as at {today} (today)" in html and f'value="{today}"' in html
    dated = page(real_client, "/accountability/gaps", as_at="2015-06-01")
    assert "as at 2015-06-01</strong>" in dated and "(today)" not in dated
    ld = real_client.get("/accountability/gaps", headers={"accept": "application/ld+json"}).json()
    assert ld["asAt"] == today


def test_the_gaps_page_shows_councils_apart_from_partnerships(real_client):
    html = page(real_client, "/accountability/gaps")
    councils = section_text(html, "councils")
    partnerships = section_text(html, "partnerships")
    assert "District council" in councils and "District council" not in partnerships
    count = int(group1(r"Councils nothing on record holds to account \(([\d,]+)\)", html).replace(",", ""))
    ld = real_client.get(
        "/accountability/gaps", params={"type": "LocalAuthority"}, headers={"accept": "application/ld+json"}
    ).json()
    assert count == ld["unaccountableTotal"] > 0


# -- the accountability CSV -------------------------------------------------------------------------------
def test_the_accountability_csv_carries_dates_and_sources(real_client):
    import csv
    import io

    r = real_client.get("/bodies/plymouth-csp/accountability", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {"start", "end", "citation", "sources", "source_titles"} <= set(rows[0])
    view = real_client.get(
        "/bodies/plymouth-csp/accountability", headers={"accept": "application/ld+json"}
    ).json()
    by_id = {link["id"]: link for link in view["upward"] + view["downward"]}
    for row in rows:
        link = by_id[row["id"]]
        assert row["sources"].split() == [s["id"] for s in link.get("derivedFrom", [])]
        assert row["start"] == str(
            (link.get("startDate") or link.get("startNotBefore") or {}).get("@value", "")
        )
    assert any(row["start"] for row in rows) and all(row["sources"] for row in rows)


def test_the_gaps_page_lists_the_partnerships_lacking_a_responsible_authority(real_client):
    """The same reading as each CSP's own page: a CSP listed lacks there what it lacks here, and
    one not listed has no such gap on its page."""
    for day in ("2005-06-01", None):
        params = {"as_at": day} if day else {}
        html = page(real_client, "/accountability/gaps", **params)
        lacking = section_text(html, "lacking")
        listed = re.findall(
            r'<li><a href="[^"]+/body/([^"]+)">[^<]+</a> <span class="muted">lacks: ([^<]+)</span>', lacking
        )
        assert listed, day
        key, kinds = listed[0]
        own = gaps_section(page(real_client, f"/bodies/{key}", **params))
        for kind in kinds.split(", "):
            assert f"No {kind} on record as a member" in own
        plymouth = gaps_section(page(real_client, "/bodies/plymouth-csp", **params))
        assert ("plymouth-csp" in dict(listed)) == ("on record as a member" in plymouth)
