"""The REST views answer with the fixture's real facts (tests/data/api)."""

from __future__ import annotations

import pytest

ID = "https://w3id.org/cspkg/id/"
BODY = ID + "body/"
MECH = "https://w3id.org/cspkg/def/mechanism/"
STATUS = "https://w3id.org/cspkg/def/status/"


def get(client, path, **params):
    r = client.get(path, params=params, headers={"accept": "application/ld+json"})
    assert r.status_code == 200, r.text
    return r.json()


def keys(nodes: list[dict], prefix: str = BODY) -> list[str]:
    return [n["id"].removeprefix(prefix) for n in nodes]


def as_list(value):
    return value if isinstance(value, list) else [value]


# -- bodies ----------------------------------------------------------------------------------
def test_bodies_are_listed_by_name_with_the_total(api_client):
    doc = get(api_client, "/bodies")
    assert doc["type"] == "Collection" and doc["totalItems"] == 12
    names = [b["name"] for b in doc["results"]]
    assert names == sorted(names, key=str.lower)
    assert names[0] == "Chief Constable of Devon and Cornwall Police"


def test_body_list_pages_are_honest(api_client):
    pages = [get(api_client, "/bodies", per_page=5, page=n) for n in (1, 2, 3)]
    assert [p["totalItems"] for p in pages] == [12, 12, 12]
    assert [len(p["results"]) for p in pages] == [5, 5, 2]
    assert len({b["id"] for p in pages for b in p["results"]}) == 12
    first = pages[0]["view"]
    assert first["next"].endswith("page=2") and first["last"].endswith("page=3") and "previous" not in first
    last = pages[2]["view"]
    assert last["previous"].endswith("page=2") and "next" not in last
    assert "per_page=5" in first["next"]
    assert get(api_client, "/bodies", per_page=5, page=9)["results"] == []


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"type": "CommunitySafetyPartnership"}, ["plymouth-csp"]),
        ({"type": "LocalAuthority"}, ["plymouth-city-council"]),
        ({"type": "ScrutinyCommittee"}, ["plymouth-crime-and-disorder-committee"]),
        ({"q": "safer"}, ["plymouth-csp"]),
        ({"q": "E06000026"}, ["plymouth-city-council"]),
        ({"q": "ÜNÏCODE"}, ["plymouth-csp-dv-group"]),
        (
            {"area": "devon"},
            [
                "devon-and-cornwall-chief-constable",
                "devon-and-cornwall-police-and-crime-panel",
                "devon-and-cornwall-pcc",
            ],
        ),
        (
            {"area": "plymouth", "type": "CouncilCommittee"},
            ["plymouth-crime-and-disorder-committee", "plymouth-health-and-wellbeing-board"],
        ),
    ],
)
def test_bodies_are_filtered(api_client, params, expected):
    doc = get(api_client, "/bodies", **params)
    assert keys(doc["results"]) == expected and doc["totalItems"] == len(expected)


def test_bodies_as_at_a_date_are_those_that_existed(api_client):
    in_2013 = keys(get(api_client, "/bodies", as_at="2013-01-01")["results"])
    assert "devon-and-cornwall-pcc" in in_2013 and "devon-and-cornwall-police-and-crime-panel" in in_2013
    assert "dorset-devon-and-cornwall-crc" not in in_2013 and "plymouth-csp-dv-group" not in in_2013
    assert "plymouth-health-and-wellbeing-board" not in in_2013
    in_2016 = keys(get(api_client, "/bodies", as_at="2016-01-01")["results"])
    assert "dorset-devon-and-cornwall-crc" in in_2016 and "plymouth-csp-dv-group" in in_2016
    assert "dorset-devon-and-cornwall-crc" not in keys(
        get(api_client, "/bodies", as_at="2022-01-01")["results"]
    )


def test_an_unknown_body_type_is_400_with_the_choices(api_client):
    r = api_client.get("/bodies", params={"type": "Dragon"})
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert "CommunitySafetyPartnership" in r.json()["detail"]


@pytest.mark.parametrize(
    ("path", "parameter", "value", "what"),
    [("/posts", "role", "chiar", "role"), ("/sources", "kind", "gossip", "document kind")],
)
def test_an_unknown_code_is_400_with_the_choices(api_client, path, parameter, value, what):
    r = api_client.get(path, params={parameter: value})
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["detail"].startswith(f"{parameter}: '{value}' is not a {what}; one of: ")
    assert problem["errors"] == [{"parameter": parameter, "in": "query", "rule": f"unknown {what}"}]
    choices = problem["detail"].split("one of: ")[1].split(", ")
    assert choices and all(c and c != value for c in choices)


@pytest.mark.parametrize("kind", ["meeting", "person", "post", "source"])
def test_an_unknown_id_of_each_kind_is_404(api_client, kind):
    r = api_client.get(f"/{'people' if kind == 'person' else kind + 's'}/no-such-{kind}")
    assert r.status_code == 404 and r.json()["detail"] == f"no {kind} has the id 'no-such-{kind}'"


@pytest.mark.parametrize("params", [{"as_at": "2015-13-45"}, {"per_page": "501"}, {"page": "0"}])
def test_bad_parameters_are_400_problems(api_client, params):
    r = api_client.get("/bodies", params=params)
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["parameter"] == next(iter(params))


def test_a_body_with_its_details(api_client):
    body = get(api_client, "/bodies/plymouth-csp")
    assert body["id"] == BODY + "plymouth-csp" and body["type"] == ["CommunitySafetyPartnership"]
    assert body["name"] == "Plymouth Community Safety Partnership"
    assert body["altNames"] == ["Plymouth CSP", "Safer Plymouth", "Safer Plymouth Partnership"]
    assert set(body["identifiers"]) == {"E22000046", "plymouth-csp"}
    assert body["sameAs"] == [{"id": "http://statistics.data.gov.uk/id/statistical-geography/E22000046"}]
    assert body["startDate"] == {"@value": "1998", "@type": "xsd:gYear"} and body["area"] == "Plymouth"
    assert keys(body["sources"], ID + "source/") == [
        "devon-and-cornwall-pcp-2016-01",
        "plymouth-csp-board-2015-summer",
    ]
    assert body["accountability"] == "http://testserver/bodies/plymouth-csp/accountability"
    assert "oversees" not in body and "scrutinises" not in body  # materialised shortcuts stay in SPARQL


def test_a_body_with_parent_and_sub_organisations(api_client):
    assert keys(get(api_client, "/bodies/plymouth-csp")["subOrganizations"]) == ["plymouth-csp-dv-group"]
    committee = get(api_client, "/bodies/plymouth-crime-and-disorder-committee")
    assert committee["partOf"] == {"id": BODY + "plymouth-city-council", "name": "Plymouth City Council"}
    council = get(api_client, "/bodies/plymouth-city-council")
    assert keys(council["subOrganizations"]) == [
        "plymouth-crime-and-disorder-committee",
        "plymouth-health-and-wellbeing-board",
    ]


def test_a_body_with_its_members_roles_and_dates(api_client):
    members = {
        m["member"]["id"].removeprefix(ID): m for m in get(api_client, "/bodies/plymouth-csp")["members"]
    }
    assert set(members) == {
        "body/plymouth-city-council",
        "body/devon-and-cornwall-chief-constable",
        "body/dorset-devon-and-cornwall-crc",
        "person/andy-boulting",
    }
    crc = members["body/dorset-devon-and-cornwall-crc"]
    assert crc["type"] == ["Membership"] and crc["role"]["notation"] == "member"
    assert crc["basis"]["notation"] == "statutory"
    assert crc["startDate"]["@value"] == "2014-06-01" and crc["endDate"]["@value"] == "2021-06-25"
    assert crc["citation"] == "item 17"
    assert crc["derivedFrom"][0]["id"] == ID + "source/plymouth-csp-board-2015-summer"
    chair = members["person/andy-boulting"]
    assert chair["role"] == {
        "id": "https://w3id.org/cspkg/def/role/chair",
        "notation": "chair",
        "label": "Chair",
    }
    assert "organization" not in chair  # the view's own body is not repeated


def test_members_as_at_a_date(api_client):
    members = get(api_client, "/bodies/plymouth-csp", as_at="2022-01-01")["members"]
    assert "body/dorset-devon-and-cornwall-crc" not in {m["member"]["id"].removeprefix(ID) for m in members}
    assert len(members) == 3


def test_a_body_with_what_it_is_a_member_of(api_client):
    (membership,) = get(api_client, "/bodies/plymouth-csp")["memberships"]
    assert membership["organization"]["id"] == BODY + "plymouth-health-and-wellbeing-board"
    assert membership["role"]["notation"] == "observer"
    council = get(api_client, "/bodies/plymouth-city-council")["memberships"]
    assert {m["organization"]["id"] for m in council} == {
        BODY + "plymouth-csp",
        BODY + "devon-and-cornwall-police-and-crime-panel",
    }


def test_a_body_with_posts_and_holders(api_client):
    posts = get(api_client, "/bodies/plymouth-csp")["posts"]
    assert [p["name"] for p in posts] == ["Interim Chair of the Board", "Vice-Chair of the Board"]
    chair, vice = posts
    assert chair["heldBy"] == {"id": ID + "person/andy-boulting", "name": "Andy Boulting"}
    assert chair["interim"] is True and chair["startNotBefore"]["@value"] == "2015-05-28"
    assert vice["heldBy"]["name"] == "Siân O'Connor-Łukasiewicz" and "interim" not in vice


def test_a_body_with_meetings_concerns_and_observations(api_client):
    body = get(api_client, "/bodies/plymouth-csp")
    assert keys(body["meetings"], ID + "meeting/") == ["plymouth-csp-board-2015-07"]
    assert sorted(c["type"][0] for c in body["concerns"]) == ["ContestedClaim", "Gap"]
    assert body["performance"] == "http://testserver/observations?area=plymouth-csp"
    (obs,) = get(api_client, "/observations", area="plymouth-csp")["results"]
    assert obs["indicator"] == "Recorded domestic abuse incidents"
    assert obs["value"] == {"@value": "4210", "@type": "xsd:decimal"} and obs["unit"] == "count"


def test_an_unknown_body_is_a_404_problem(api_client):
    for path in ("/bodies/nowhere-csp", "/bodies/andy-boulting", "/bodies/bad%20key"):
        r = api_client.get(path)
        assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
        assert r.json()["type"].endswith("/not-found")


# -- accountability ---------------------------------------------------------------------------
def links_by(doc, direction):
    return {
        (
            n["holder"]["id"].removeprefix(BODY),
            n["mechanism"]["notation"],
            n["held"]["id"].removeprefix(BODY),
        ): n
        for n in doc[direction]
    }


def test_accountability_upward_directly_and_transitively(api_client):
    doc = get(api_client, "/bodies/plymouth-csp-dv-group/accountability")
    assert doc["type"] == "AccountabilityView" and doc["subject"]["id"] == BODY + "plymouth-csp-dv-group"
    up = links_by(doc, "upward")
    assert {k: (n["depth"], n["followed"]) for k, n in up.items()} == {
        ("plymouth-csp", "holding-to-account", "plymouth-csp-dv-group"): (1, True),
        ("plymouth-crime-and-disorder-committee", "scrutiny", "plymouth-csp"): (2, True),
        ("devon-and-cornwall-pcc", "funding", "plymouth-csp"): (2, True),
        ("plymouth-health-and-wellbeing-board", "reporting", "plymouth-csp"): (2, False),  # proposed
        ("devon-and-cornwall-pcc", "direction", "plymouth-csp"): (2, False),  # claimed
        ("devon-and-cornwall-police-and-crime-panel", "scrutiny", "devon-and-cornwall-pcc"): (3, True),
        ("home-office", "funding", "devon-and-cornwall-pcc"): (3, True),
        ("home-office", "funding", "devon-and-cornwall-police-and-crime-panel"): (4, False),  # a power only
    }
    assert doc["heldToAccount"] is True and doc["downward"] == []
    assert [n["depth"] for n in doc["upward"]] == sorted(n["depth"] for n in doc["upward"])


def test_accountability_links_carry_mechanism_basis_status_dates_and_sources(api_client):
    up = links_by(get(api_client, "/bodies/plymouth-csp/accountability"), "upward")
    scrutiny = up[("plymouth-crime-and-disorder-committee", "scrutiny", "plymouth-csp")]
    assert scrutiny["type"] == ["AccountabilityLink"]
    assert scrutiny["status"] == {"id": STATUS + "statutory", "notation": "statutory", "label": "Statutory"}
    assert scrutiny["mechanism"]["id"] == MECH + "scrutiny"
    assert scrutiny["legalBasis"] == "Police and Justice Act 2006 s.19"
    assert scrutiny["legislation"] == {"id": "http://www.legislation.gov.uk/id/ukpga/2006/48/section/19"}
    assert scrutiny["startDate"] == {"@value": "2009-04-30", "@type": "xsd:date"}
    assert scrutiny["citation"] == "item 19"
    assert scrutiny["derivedFrom"] == [
        {
            "id": ID + "source/plymouth-csp-board-2015-summer",
            "title": "Safer Plymouth Partnership Board, minutes of items 17-28",
        }
    ]
    proposed = up[("plymouth-health-and-wellbeing-board", "reporting", "plymouth-csp")]
    assert proposed["status"]["notation"] == "proposed" and proposed["followed"] is False
    assert proposed["note"].startswith("The board proposed")


def test_accountability_downward(api_client):
    down = links_by(get(api_client, "/bodies/devon-and-cornwall-pcc/accountability"), "downward")
    assert {k: (n["depth"], n["status"]["notation"]) for k, n in down.items()} == {
        ("devon-and-cornwall-pcc", "holding-to-account", "devon-and-cornwall-chief-constable"): (
            1,
            "statutory",
        ),
        ("devon-and-cornwall-pcc", "funding", "plymouth-csp"): (1, "agreed-locally"),
        ("devon-and-cornwall-pcc", "direction", "plymouth-csp"): (1, "claimed"),
        ("devon-and-cornwall-pcc", "holding-to-account", "dorset-devon-and-cornwall-crc"): (1, "questioned"),
        ("plymouth-csp", "holding-to-account", "plymouth-csp-dv-group"): (2, "agreed-locally"),
    }


def test_accountability_depth_limits_the_walk(api_client):
    doc = get(api_client, "/bodies/plymouth-csp-dv-group/accountability", depth=1)
    assert [n["depth"] for n in doc["upward"]] == [1]


def test_accountability_as_at_a_date(api_client):
    early = links_by(get(api_client, "/bodies/plymouth-csp/accountability", as_at="2013-01-01"), "upward")
    assert ("devon-and-cornwall-pcc", "funding", "plymouth-csp") not in early  # from 2013-04
    assert ("plymouth-crime-and-disorder-committee", "scrutiny", "plymouth-csp") in early
    assert not any(n["depth"] > 1 for n in early.values())
    assert (
        get(api_client, "/bodies/plymouth-csp-dv-group/accountability", as_at="2014-01-01")["heldToAccount"]
        is False
    )


def test_held_to_account_ignores_links_in_question_and_mere_powers(api_client):
    assert get(api_client, "/bodies/dorset-devon-and-cornwall-crc/accountability")["heldToAccount"] is True
    later = get(api_client, "/bodies/dorset-devon-and-cornwall-crc/accountability", as_at="2022-01-01")
    assert later["heldToAccount"] is False  # the MoJ contract ended; the PCC link is only questioned
    assert [n["status"]["notation"] for n in later["upward"] if n["depth"] == 1] == ["questioned"]
    panel = get(api_client, "/bodies/devon-and-cornwall-police-and-crime-panel/accountability")
    assert panel["heldToAccount"] is False  # the Home Office's power to fund it is not accountability
    chief = links_by(get(api_client, "/bodies/devon-and-cornwall-chief-constable/accountability"), "upward")
    derived = chief[
        ("devon-and-cornwall-police-and-crime-panel", "scrutiny", "devon-and-cornwall-chief-constable")
    ]
    assert (
        derived["status"]["notation"] == "derived" and derived["followed"] is True
    )  # followed, but in question


def test_accountability_gaps(api_client):
    doc = get(api_client, "/accountability/gaps")
    assert doc["type"] == "GapReport" and doc["unaccountableTotal"] == 7
    assert keys(doc["unaccountableBodies"]) == [
        "devon-and-cornwall-police-and-crime-panel",
        "hmicfrs",
        "home-office",
        "ministry-of-justice",
        "plymouth-city-council",
        "plymouth-crime-and-disorder-committee",
        "plymouth-health-and-wellbeing-board",
    ]
    assert sorted(
        (n["status"]["notation"], n["held"]["id"].removeprefix(BODY)) for n in doc["questionedLinks"]
    ) == [
        ("claimed", "plymouth-csp"),
        ("derived", "devon-and-cornwall-chief-constable"),
        ("questioned", "dorset-devon-and-cornwall-crc"),
    ]
    statements = {c["type"][0]: c for c in doc["statedConcerns"]}
    assert (
        statements["Gap"]["statement"] == "No formal link between the CSP and the Health and Wellbeing Board."
    )
    assert (
        statements["ContestedClaim"]["raisedBy"]["id"] == BODY + "devon-and-cornwall-police-and-crime-panel"
    )


def test_accountability_gaps_as_at_a_date_and_by_type(api_client):
    early = keys(get(api_client, "/accountability/gaps", as_at="2010-01-01")["unaccountableBodies"])
    assert "devon-and-cornwall-chief-constable" in early  # no PCC yet
    assert "devon-and-cornwall-police-and-crime-panel" not in early  # did not exist yet
    assert "plymouth-csp" not in early  # scrutinised since 2009
    assert (
        get(api_client, "/accountability/gaps", type="CommunitySafetyPartnership")["unaccountableTotal"] == 0
    )
    paged = get(api_client, "/accountability/gaps", per_page=2, page=2)
    assert paged["unaccountableTotal"] == 7 and len(paged["unaccountableBodies"]) == 2


# -- people and posts ----------------------------------------------------------------------------
def test_people_are_listed_and_searched(api_client):
    doc = get(api_client, "/people")
    assert [p["name"] for p in doc["results"]] == [
        "Alison Hernandez",
        "Andy Boulting",
        "Siân O'Connor-Łukasiewicz",
    ]
    assert keys(get(api_client, "/people", q="SIÂN")["results"], ID + "person/") == ["sian-oconnor"]


def test_a_person_with_posts_memberships_and_meetings(api_client):
    person = get(api_client, "/people/andy-boulting")
    assert person["type"] == ["Person"] and person["name"] == "Andy Boulting"
    (post,) = person["postsHeld"]
    assert post["name"] == "Interim Chair of the Board" and post["postIn"]["id"] == BODY + "plymouth-csp"
    assert "heldBy" not in post
    (membership,) = person["memberships"]
    assert membership["role"]["notation"] == "chair"
    assert keys(person["attended"], ID + "meeting/") == ["plymouth-csp-board-2015-07"]


def test_posts_over_time(api_client):
    posts = get(api_client, "/posts")["results"]
    # by body name (Plymouth ... before Police ...), then start
    assert [p["name"] for p in posts] == [
        "Interim Chair of the Board",
        "Vice-Chair of the Board",
        "Police and Crime Commissioner",
    ]
    assert get(api_client, "/posts", body="plymouth-csp")["totalItems"] == 2
    (chair,) = get(api_client, "/posts", role="chair")["results"]
    assert chair["heldBy"]["name"] == "Andy Boulting"
    (pcc,) = get(api_client, "/posts", holder="alison-hernandez")["results"]
    assert pcc["startDate"]["@value"] == "2016-05-12" and pcc["role"]["notation"] == "commissioner"
    assert get(api_client, "/posts", as_at="2016-01-01")["totalItems"] == 2
    assert api_client.get("/posts", params={"role": "emperor"}).status_code == 400


def test_a_post_by_its_id(api_client):
    post = get(api_client, "/posts/plymouth-csp-chair-2015")
    assert post["name"] == "Interim Chair of the Board"
    minted = get(api_client, "/posts/plymouth-csp-board-2015-summer/plymouth-csp-vice-chair-sian-oconnor")
    assert minted["heldBy"]["id"] == ID + "person/sian-oconnor"


# -- meetings and decisions ----------------------------------------------------------------------
def test_meetings_latest_first_and_filtered(api_client):
    assert keys(get(api_client, "/meetings")["results"], ID + "meeting/") == [
        "devon-and-cornwall-pcp-2016-01-29",
        "plymouth-csp-board-2015-07",
    ]
    assert get(api_client, "/meetings", body="plymouth-csp")["totalItems"] == 1
    assert keys(get(api_client, "/meetings", **{"from": "2016-01-01"})["results"], ID + "meeting/") == [
        "devon-and-cornwall-pcp-2016-01-29"
    ]
    assert keys(get(api_client, "/meetings", to="2015-12-31")["results"], ID + "meeting/") == [
        "plymouth-csp-board-2015-07"
    ]
    assert get(api_client, "/meetings", **{"from": "2015-06-01", "to": "2015-06-30"})["totalItems"] == 1


def test_a_meeting_with_items_and_decisions(api_client):
    meeting = get(api_client, "/meetings/plymouth-csp-board-2015-07")
    assert meeting["meetingOf"]["id"] == BODY + "plymouth-csp"
    assert meeting["dateNotBefore"]["@value"] == "2015-05-28"
    assert len(meeting["attendees"]) == 3
    assert [i["itemNumber"] for i in meeting["items"]] == ["18", "19"]
    decisions = meeting["items"][1]["decisions"]
    assert [d["type"] for d in decisions] == [["Recommendation"], ["Delegation"], ["Noting"]]
    assert decisions[0]["recommendedTo"]["id"] == BODY + "plymouth-city-council"
    assert decisions[1]["delegatedTo"]["id"] == ID + "person/andy-boulting"
    assert (
        meeting["items"][0]["decisions"][0]["description"]
        == "Andy Boulting appointed interim chair for three months."
    )


def test_decisions_and_recommendations(api_client):
    recs = get(api_client, "/decisions", kind="recommendation")["results"]
    assert [r["recommendedTo"]["id"].removeprefix(BODY) for r in recs] == [
        "devon-and-cornwall-pcc",
        "plymouth-city-council",
    ]
    assert get(api_client, "/decisions")["totalItems"] == 5
    (delegation,) = get(api_client, "/decisions", party="person/andy-boulting")["results"]
    assert delegation["type"] == ["Delegation"]
    assert api_client.get("/decisions", params={"kind": "veto"}).status_code == 400


# -- sources and observations ---------------------------------------------------------------------
def test_sources_are_listed_and_filtered(api_client):
    assert keys(get(api_client, "/sources")["results"], ID + "source/") == [
        "register-national-bodies",
        "devon-and-cornwall-pcp-2016-01",
        "plymouth-csp-board-2015-summer",
    ]
    assert get(api_client, "/sources", kind="minutes")["totalItems"] == 2
    assert get(api_client, "/sources", publisher="plymouth-city-council")["totalItems"] == 2
    assert api_client.get("/sources", params={"kind": "tweet"}).status_code == 400


def test_a_source_with_the_facts_it_contributed(api_client):
    source = get(api_client, "/sources/devon-and-cornwall-pcp-2016-01")
    assert source["title"] == "Devon and Cornwall Police and Crime Panel, minutes of 29 January 2016"
    assert source["documentKind"]["notation"] == "minutes"
    assert source["namedGraph"] == "https://w3id.org/cspkg/graph/devon-and-cornwall-pcp-2016-01"
    assert source["factCount"] == 244
    counts = {c["ofType"]: c["count"] for c in source["factCounts"]}
    assert (
        counts["AccountabilityLink"] == 9 and counts["Meeting"] == 1 and counts["PerformanceObservation"] == 1
    )
    facts = source["facts"]
    assert sum(1 for f in facts if f["type"] == ["AccountabilityLink"]) == 9
    assert all(f["derivedFrom"][0]["id"] == source["id"] for f in facts)
    described = {n["id"]: n for n in source["describes"]}
    # what this source says of the CSP, not what the others say
    assert described[BODY + "plymouth-csp"]["altNames"] == ["Plymouth CSP"]
    assert described[ID + "person/alison-hernandez"]["name"] == "Alison Hernandez"


def test_observations(api_client):
    doc = get(api_client, "/observations")
    assert [o["indicator"] for o in doc["results"]] == [
        "Calls to 101 abandoned",
        "Recorded domestic abuse incidents",
    ]
    calls = doc["results"][0]
    assert calls["value"] == {"@value": "20.5", "@type": "xsd:decimal"} and calls["unit"] == "percent"
    assert calls["period"] == "2015-16" and calls["comparison"] == "target 10"
    assert calls["refArea"]["id"] == BODY + "devon-and-cornwall-chief-constable"
    assert get(api_client, "/observations", area="plymouth-csp")["totalItems"] == 1
    assert get(api_client, "/observations", q="101")["totalItems"] == 1


# -- resource URIs ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path,target",
    [
        ("/id/body/plymouth-csp", "/bodies/plymouth-csp"),
        ("/id/person/andy-boulting", "/people/andy-boulting"),
        ("/id/meeting/plymouth-csp-board-2015-07", "/meetings/plymouth-csp-board-2015-07"),
        ("/id/source/devon-and-cornwall-pcp-2016-01", "/sources/devon-and-cornwall-pcp-2016-01"),
        ("/id/post/plymouth-csp-chair-2015", "/posts/plymouth-csp-chair-2015"),
        (
            "/id/meeting/plymouth-csp-board-2015-07/item/19/decision/1",
            "/resources/meeting/plymouth-csp-board-2015-07/item/19/decision/1",
        ),
        (
            "/id/link/devon-and-cornwall-pcp-2016-01/home-office--funding--devon-and-cornwall-pcc",
            "/resources/link/devon-and-cornwall-pcp-2016-01/home-office--funding--devon-and-cornwall-pcc",
        ),
    ],
)
def test_resource_uris_redirect_to_their_document(api_client, path, target):
    r = api_client.get(path, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "http://testserver" + target


def test_a_dereferenced_uri_gives_rdf_to_machines_and_html_to_browsers(api_client):
    link = "/id/link/devon-and-cornwall-pcp-2016-01/home-office--funding--devon-and-cornwall-pcc"
    doc = api_client.get(link, headers={"accept": "application/ld+json"}).json()
    assert doc["id"] == "https://w3id.org/cspkg" + link
    assert doc["holder"]["name"] == "Home Office" and doc["mechanism"]["notation"] == "funding"
    r = api_client.get("/id/body/plymouth-csp", headers={"accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Plymouth Community Safety Partnership" in r.text
    r = api_client.get("/id/body/plymouth-csp", headers={"accept": "text/turtle"})
    assert r.headers["content-type"].startswith("text/turtle") and "skos:prefLabel" in r.text


def test_an_unknown_resource_uri_is_404(api_client):
    assert api_client.get("/id/body/atlantis", follow_redirects=False).status_code == 404
    assert api_client.get("/id/link/x/y", follow_redirects=False).status_code == 404
