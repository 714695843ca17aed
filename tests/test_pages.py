"""The HTML pages, in-process: what a browser gets at the REST views' URLs, the home, query and
ontology pages, the search suggestions, and the accessible structure every page shares."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest

HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
PAGES = ["/", "/bodies/plymouth-csp", "/bodies/plymouth-csp/accountability", "/people/andy-boulting",
         "/meetings/plymouth-csp-board-2015-07", "/sources/devon-and-cornwall-pcp-2016-01", "/bodies",
         "/accountability/gaps", "/query", "/ontology", "/sparql"]


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

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def page(client, path: str, **params) -> str:
    r = client.get(path, headers=HTML, params=params)
    assert r.status_code == 200, (path, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def structure(html: str) -> Structure:
    parser = Structure()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_landmarks_a_skip_link_and_labelled_fields(api_client, path):
    html = page(api_client, path)
    s = structure(html)
    assert s.tags[0][0] == "html" and s.tags[0][1].get("lang") == "en"
    skip = s.find("a", **{"class": "skip-link"})
    assert skip and skip[0]["href"] == "#main" and s.find("main", id="main")
    assert s.find("nav", **{"aria-label": "Main"}) and s.find("header") and s.find("footer")
    assert len(s.find("h1")) == 1
    fields = [a for t, a in s.tags if t in ("input", "select", "textarea") and a.get("type") != "hidden"]
    assert fields and all(f.get("id") in s.labels for f in fields), [f for f in fields if f.get("id") not in s.labels]


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_elsewhere(api_client, path):
    s = structure(page(api_client, path))
    loaded = [a.get("src") or a.get("href") for t, a in s.tags
              if t == "script" and a.get("src") or t == "link" and a.get("rel") == "stylesheet"]
    assert loaded and all(u.startswith("http://testserver/static/") for u in loaded)
    for url in loaded:
        assert api_client.get(url).status_code == 200


def test_rdf_representations_are_unchanged_by_the_pages(api_client):
    doc = api_client.get("/bodies/plymouth-csp", headers={"accept": "application/ld+json"}).json()
    assert doc["name"] == "Plymouth Community Safety Partnership" and "members" in doc
    assert api_client.get("/bodies/plymouth-csp", params={"format": "ttl"}).headers["content-type"].startswith(
        "text/turtle")


def test_a_body_page_draws_who_holds_whom_to_account_with_links_to_the_sources(api_client):
    html = page(api_client, "/bodies/plymouth-csp")
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert "Plymouth Community Safety Partnership" in svg
    # each link is labelled with mechanism and status, and leads to the source that evidences it
    assert re.search(r'<a class="link-label statutory" href="http://testserver/id/source/[^"]+">', svg)
    assert "Scrutiny · Statutory" in svg
    assert 'class="box subject"' in svg
    for heading in ("Members", "What it is a member of", "Meetings", "Details and identifiers"):
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
    row = re.search(r'<tr id="AccountabilityLink">(.*?)</tr>', html, re.S).group(1)
    uses = int(re.findall(r"<td>([\d,]+)</td>", row)[-1].replace(",", ""))
    links = api_client.get("/bodies/plymouth-csp/accountability").json()
    assert uses >= len(links["upward"]) > 0
    assert '<tr id="holder">' in html and '<tr id="legalBasis">' in html


# -- the parts, without the app ------------------------------------------------------------------
def link(holder: str, held: str, *, depth: int = 1, followed: bool = True, status: str = "statutory",
         mechanism: str = "scrutiny", **extra) -> dict:
    st = "https://w3id.org/cspkg/def/status/"
    return {"id": f"link/{holder}/{held}/{mechanism}", "holder": {"id": holder, "name": holder.title()},
            "held": {"id": held, "name": held.title()}, "depth": depth, "followed": followed,
            "mechanism": {"id": "https://w3id.org/cspkg/def/mechanism/" + mechanism, "label": mechanism.title()},
            "status": {"id": st + status, "label": status}, "derivedFrom": [{"id": "src", "title": "Minutes"}], **extra}


@pytest.fixture(scope="module")
def vocab(api_client):
    return api_client.app.state.vocab.get(api_client.app.state.store,
                                          api_client.app.state.store.build_info().build_id)


def test_the_picture_puts_holders_above_and_draws_a_body_met_twice_as_a_leaf(vocab):
    from api.pages.picture import layout

    doc = {"subject": {"id": "csp", "name": "CSP"},
           "upward": [link("pcc", "csp"), link("panel", "pcc", depth=2), link("home-office", "pcc", depth=2),
                      link("home-office", "panel", depth=3, mechanism="funding"),
                      link("other-csp", "pcc", depth=2, followed=False, mechanism="co-operation")],
           "downward": [link("csp", "group", status="proposed")]}
    picture = layout(doc, vocab)
    boxes = {(b.body["id"], b.repeated): b for b in picture.boxes}
    assert boxes[("pcc", False)].y < boxes[("csp", False)].y < boxes[("group", False)].y
    assert boxes[("panel", False)].y < boxes[("pcc", False)].y
    assert ("home-office", True) in boxes        # met again above the panel: drawn, not expanded
    assert picture.hidden == 1                   # co-operation two steps away: in the table only
    families = {label.heading: label.family for e in picture.edges for label in e.labels}
    assert families["Scrutiny · statutory"] == "statutory"
    assert any(e.family == "proposed" for e in picture.edges)
    assert all(label.source == "src" for e in picture.edges for label in e.labels)
    assert layout(doc, vocab, every=True).hidden == 0


def test_a_body_holding_many_draws_the_first_and_one_box_for_the_rest(vocab):
    from api.pages.picture import MOST_CHILDREN, layout

    many = [link("home-office", f"panel-{i:02}", mechanism="funding") for i in range(20)]
    picture = layout({"subject": {"id": "home-office", "name": "Home Office"}, "upward": [], "downward": many}, vocab)
    held = [b for b in picture.boxes if not b.subject]
    assert len(held) == MOST_CHILDREN[0] and held[-1].summary and held[-1].lines[0].startswith("13 more bodies")
    assert picture.hidden == 13
    assert [label.heading for label in picture.edges[-1].labels] == ["Funding · statutory"]


def test_gap_notes_name_the_year_accountability_ended(vocab, api_client):
    from api.pages.gaps import notes
    from api.views.accountability import rules_for

    rules = rules_for(api_client.app.state.settings.ontology_dir)
    ended = {"subject": {"id": "crc", "name": "The CRC"},
             "upward": [link("moj", "crc", mechanism="contract-management", endDate={"@value": "2021"})]}
    assert notes(ended, rules, vocab, date(2025, 1, 1))[0] == \
        "No body on record holds The CRC to account since 2021: every link that did has ended."
    assert notes(ended, rules, vocab, date(2020, 1, 1)) == []
    assert notes({"subject": {"id": "x", "name": "X"}, "upward": []}, rules, vocab, date(2025, 1, 1)) == \
        ["No body on record holds X to account."]
