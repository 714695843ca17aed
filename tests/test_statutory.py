"""The statutory model: every row of accountability.csv is a csp:StatutoryRule, and the rules are
applied to the real bodies of the graph as links and memberships, with the rule's status, legal
basis and legislation, and dates narrowed to the bodies' own but never invented."""

from __future__ import annotations

import csv
import re
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import Literal, URIRef

from graph_build import pipeline
from graph_build.config import Settings
from graph_build.namespaces import CSP, ORG, RDF, slug
from graph_build.pipeline import Compiled
from graph_build.progress import Reporter
from graph_build.reference.statutory import STATUSES, legislation_id, rule_id
from graph_build.reference.strategies import STRATEGIES
from tests.fixtures import NATIONAL_MINUTES, ROOT, national_data_copy

RULES_CSV = ROOT / "data" / "reference" / "statutory" / "accountability.csv"
HISTORY_CSV = ROOT / "data" / "reference" / "statutory" / "local_policing_bodies.csv"
B = "https://w3id.org/cspkg/id/body/"
R = "https://w3id.org/cspkg/id/rule/"


def csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


ROWS = csv_rows(RULES_CSV)
APPLICATIONS = {
    (r["subject_type"], r["relation"], r["object_type"]): r
    for r in csv_rows(ROOT / "data" / "reference" / "statutory" / "applications.csv")
}


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """The national data read, resolved and converted (no SHACL, no load), and how long it took."""
    data = national_data_copy(tmp_path_factory.mktemp("statutory") / "data")
    settings = Settings(data_dir=data, store_dir=data.parent / "store", workers=1)
    started = time.perf_counter()
    result = pipeline.compile_files(pipeline.read_inputs(settings, Reporter()), settings, Reporter())
    return result, time.perf_counter() - started


@pytest.fixture(scope="module")
def triples(compiled):
    return [t for sg in compiled[0].graphs for t in sg.triples]


@pytest.fixture(scope="module")
def facts(compiled: tuple[Compiled, float]) -> list[dict]:
    """Each applied link or membership: its rule, ends, dates, status, legislation, graph."""
    out = []
    for sg in compiled[0].graphs:
        if not sg.source_id.startswith("statutory-model-"):
            continue
        by_node: dict = defaultdict(dict)
        for s, p, o in sg.triples:
            by_node[s][p] = o
        for props in by_node.values():
            if CSP.appliesRule in props:
                out.append(
                    {
                        "graph": sg.source_id,
                        "rule": str(props[CSP.appliesRule]).removeprefix(R),
                        "from": str(props.get(CSP.holder) or props.get(ORG.member)).removeprefix(B),
                        "to": str(props.get(CSP.held) or props.get(ORG.organization)).removeprefix(B),
                        "start": props.get(CSP.startDate),
                        "end": props.get(CSP.endDate),
                        "status": props.get(CSP.status),
                        "legislation": props.get(CSP.legislation),
                        "legal_basis": str(props.get(CSP.legalBasis)),
                    }
                )
    return out


def test_every_row_is_a_rule_with_its_legal_basis(triples):
    from graph_build.namespaces import (
        XSD,
    )  # (imported here: pytest's collection trips over its closed namespace)

    rules = {s for s, p, o in triples if p == RDF.type and o == CSP.StatutoryRule}
    assert len(rules) == len(ROWS) == 63
    assert rules == {URIRef(R + rule_id(r["subject_type"], r["relation"], r["object_type"])) for r in ROWS}
    props: dict = defaultdict(dict)
    for s, p, o in triples:
        if s in rules:
            props[s][p] = o
    for row in ROWS:
        rule = props[URIRef(R + rule_id(row["subject_type"], row["relation"], row["object_type"]))]
        assert str(rule[CSP.legalBasis]) == row["legal_basis"]
        assert str(rule[CSP.statusText]) == row["status"]
        assert str(rule[CSP.status]).endswith("/" + STATUSES[row["status"]])
        assert str(rule[CSP.subjectType]) == str(CSP[row["subject_type"]])
        if row["legislation_uri"]:
            assert str(rule[CSP.legislation]) == legislation_id(row["legislation_uri"])
            assert str(rule[CSP.legislation]).startswith("http://www.legislation.gov.uk/id/")
        for column, prop in (("valid_from", CSP.startDate), ("valid_to", CSP.endDate)):
            if row[column]:  # as precise as the table, no more: 2017-05 stays a month, 2003 a year
                assert rule[prop] == Literal(
                    row[column], datatype={4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(row[column])]
                )
            else:
                assert prop not in rule


def test_the_legislation_identifier_is_the_id_form():
    assert (
        legislation_id("https://www.legislation.gov.uk/ukpga/1998/37/section/5")
        == "http://www.legislation.gov.uk/id/ukpga/1998/37/section/5"
    )


def test_each_applied_rule_has_its_own_graph_and_its_rules_status(facts):
    status_of = {
        rule_id(r["subject_type"], r["relation"], r["object_type"]): STATUSES[r["status"]] for r in ROWS
    }
    for f in facts:
        assert f["graph"] == f"statutory-model-{f['rule']}"
        if f["status"] is not None:
            assert str(f["status"]).endswith("/" + status_of[f["rule"]])
    applied = {f["rule"] for f in facts}
    listed = {rule_id(*key) for key in APPLICATIONS}
    assert applied <= listed
    # a discretionary seat is not a statutory one: never applied
    assert "police-and-crime-commissioner-is-member-of-health-and-wellbeing-board" not in applied


def test_each_applied_rule_names_a_registered_strategy_and_its_responsible_authority(triples):
    assert {a["applied_as"] for a in APPLICATIONS.values()} <= set(STRATEGIES)
    kinds = {str(s).removeprefix(R): str(o) for s, p, o in triples if p == CSP.responsibleAuthorityKind}
    expected = {
        rule_id(*key): a["responsible_authority"]
        for key, a in APPLICATIONS.items()
        if a["responsible_authority"]
    }
    assert kinds == expected
    assert kinds["fire-and-rescue-authority-is-member-of-community-safety-partnership"] == "fire"
    assert kinds["integrated-care-board-is-member-of-community-safety-partnership"] == "health"
    assert kinds["community-rehabilitation-company-is-member-of-community-safety-partnership"] == "probation"
    # every rule making a CSP member is marked, and nothing else is
    csp_memberships = {
        rule_id(*key) for key in APPLICATIONS if key[1:] == ("is_member_of", "CommunitySafetyPartnership")
    }
    assert set(kinds) == csp_memberships


def test_no_fact_twice(facts):
    keys = Counter((f["rule"], f["from"], f["to"], f["start"], f["end"]) for f in facts)
    assert [k for k, n in keys.items() if n > 1] == []


def test_dates_are_never_invented(facts):
    """Every date is one the inputs give: a rule's, a body's, or the primer's table of policing bodies."""
    given = {r[c] for r in ROWS for c in ("valid_from", "valid_to") if r[c]}
    given |= {r[c] for r in csv_rows(HISTORY_CSV) for c in ("valid_from", "valid_to") if r[c]}
    given |= {
        r[c]
        for r in csv_rows(ROOT / "data" / "reference" / "uk_local_authorities_future.csv")
        for c in ("start-date", "end-date")
        if r[c]
    }
    yaml_dates = set()
    for path in [
        *(ROOT / "data" / "registers").glob("*.yaml"),
        *NATIONAL_MINUTES.glob("*.yaml"),
    ]:
        yaml_dates |= set(re.findall(r"(?:start|end): (\d{4}(?:-\d{2}){0,2})\b", path.read_text()))
    given |= yaml_dates | {"2012-04-25", "2012-11-22"}  # panels set up, PCCs take office (docs/domain.md)
    for path in (ROOT / "data" / "reference" / "statutory").glob("*.csv"):  # fire, health, probation tables
        given |= {v for r in csv_rows(path) for v in r.values() if re.fullmatch(r"\d{4}(-\d{2}){0,2}", v)}
    # the last day of a council the register ends on its successor's first day; the duty dates of
    # crime and disorder committees (PJA 2006 s.19) and health and wellbeing boards (HSCA 2012 s.194);
    # CCGs known from the April 2021 lookup, abolished and replaced by ICBs on 1 July 2022
    given |= {(date.fromisoformat(d) - timedelta(days=1)).isoformat() for d in given if len(d) == 10}
    given |= {"2009-10-01", "2013-04-01", "2021-04", "2022-06-30", "2022-07-01"}
    used = {str(f[k]) for f in facts for k in ("start", "end") if f[k] is not None}
    assert used <= given


def test_the_responsible_authorities_of_a_two_tier_csp(facts):
    members = {
        (f["from"], str(f["start"]), str(f["end"]))
        for f in facts
        if f["to"] == "chesterfield-csp" and f["rule"].endswith("-is-member-of-community-safety-partnership")
    }
    assert members == {
        ("chesterfield-borough-council", "1998-09-30", "None"),
        ("derbyshire-county-council", "1998-09-30", "None"),
        ("derbyshire-chief-constable", "1998-09-30", "None"),
        ("derbyshire-fire-and-rescue-authority", "2003-04-01", "None"),  # s.5(1)(d), from 1 Apr 2003
        ("nhs-derby-and-derbyshire-ccg", "2021-04", "2022-06-30"),  # a merged CCG: known from the lookup
        ("nhs-derby-and-derbyshire-icb", "2022-07-01", "None"),
        ("national-probation-service", "2014-06-01", "2021-06-25"),
        ("derbyshire-leicestershire-nottinghamshire-and-rutland-crc", "2014-06-01", "2021-06-25"),
        ("probation-service", "2021-06-26", "None"),
    }


def test_a_unitary_with_several_csps_is_a_member_of_each(facts):
    lookup = csv_rows(ROOT / "data" / "reference" / "lad24_csp24_pfa24_lookup.csv")
    bucks = {
        re.sub(r"[^a-z0-9]+", "-", r["csp24_name"].lower()) + "-csp"
        for r in lookup
        if r["ltla24_name"] == "Buckinghamshire"
    }
    got = {
        f["to"]
        for f in facts
        if f["from"] == "buckinghamshire-council"
        and f["rule"] == "local-authority-is-member-of-community-safety-partnership"
    }
    assert got == bucks and len(bucks) == 4
    # the council began in April 2020: its seats begin then, not in 1998
    assert {
        str(f["start"])
        for f in facts
        if f["from"] == "buckinghamshire-council"
        and f["rule"] == "local-authority-is-member-of-community-safety-partnership"
    } == {"2020-04-01"}


def test_each_panel_scrutinises_its_commissioner_while_it_is_one(facts):
    history = csv_rows(HISTORY_CSV)
    scrutiny = {
        (f["rule"], f["from"], f["to"]): (str(f["start"]), str(f["end"]))
        for f in facts
        if "scrutinises" in f["rule"] and f["to"].endswith("-pcc")
    }
    gm = ("greater-manchester-police-and-crime-panel", "greater-manchester-pcc")
    mayor = next(
        r for r in history if r["pfa_name"] == "Greater Manchester" and r["type"] == "MayorWithPCCFunctions"
    )
    pcc = next(
        r
        for r in history
        if r["pfa_name"] == "Greater Manchester" and r["type"] == "PoliceAndCrimeCommissioner"
    )
    assert scrutiny[("police-and-crime-panel-scrutinises-police-and-crime-commissioner", *gm)] == (
        "2012-11-22",
        pcc["valid_to"],
    )
    assert scrutiny[
        ("combined-authority-police-and-crime-panel-scrutinises-mayor-with-pcc-functions", *gm)
    ] == (mayor["valid_from"], "None")
    assert (
        scrutiny[
            (
                "london-assembly-scrutinises-mayors-office-for-policing-and-crime",
                "london-assembly",
                "metropolitan-police-pcc",
            )
        ][0]
        == "2012-01-16"
    )
    pfccs = [r for r in history if r["type"] == "PoliceFireAndCrimeCommissioner"]
    assert {r["pfa_name"] for r in pfccs} == {"Essex", "Staffordshire", "Northamptonshire", "Cumbria"}
    for pfcc in pfccs:
        area = re.sub(r"[^a-z0-9]+", "-", pfcc["pfa_name"].lower())
        assert scrutiny[
            (
                "police-fire-and-crime-panel-scrutinises-police-fire-and-crime-commissioner",
                f"{area}-police-and-crime-panel",
                f"{area}-pcc",
            )
        ] == (pfcc["valid_from"], "None")
    panels = {
        k[1] for k in scrutiny if k[0] == "police-and-crime-panel-scrutinises-police-and-crime-commissioner"
    }
    assert len(panels) == 41  # 43 areas: no panel in London, no PCC in the City


def test_mopac_and_mayors_take_the_pcc_rules_the_law_gives_them(facts):
    """MOPAC is an elected local policing body (PRSRA ss.9-10, CDA s.7(4)(b)); a mayor with PCC
    functions is treated as a PCC by the area's order, only while the mayor holds them."""

    def links(rule, holder, held):
        return {
            (str(f["start"]), str(f["end"])): f["legal_basis"]
            for f in facts
            if f["rule"] == rule and (f["from"], f["to"]) == (holder, held)
        }

    reports = "community-safety-partnership-reports-to-police-and-crime-commissioner"
    london = links(reports, "metropolitan-police-pcc", "camden-csp")
    assert list(london) == [("2012-11-22", "None")] and "s.7(4)(b)" in london[("2012-11-22", "None")]
    gm = {r["type"]: r for r in csv_rows(HISTORY_CSV) if r["pfa_name"] == "Greater Manchester"}
    periods = {
        ("2012-11-22", gm["PoliceAndCrimeCommissioner"]["valid_to"]),
        (gm["MayorWithPCCFunctions"]["valid_from"], "None"),
    }
    pcc, mayor = sorted(periods)
    manchester = links(reports, "greater-manchester-pcc", "bolton-csp")
    assert set(manchester) == periods
    assert "SI 2017/470" in manchester[mayor] and "SI 2017/470" not in manchester[pcc]
    for rule in (
        "police-and-crime-commissioner-funds-community-safety-partnership",
        "police-and-crime-commissioner-cooperates-with-community-safety-partnership",
    ):
        assert links(rule, "metropolitan-police-pcc", "camden-csp")
        assert set(links(rule, "greater-manchester-pcc", "bolton-csp")) == periods
    # what the law does not give MOPAC: the Commissioner is not its appointee; the police grant goes to the GLA
    assert not links(
        "police-and-crime-commissioner-appoints-chief-constable",
        "metropolitan-police-pcc",
        "metropolitan-police-chief-constable",
    )
    assert not links(
        "home-office-funds-police-and-crime-commissioner", "home-office", "metropolitan-police-pcc"
    )
    assert links(
        "police-and-crime-commissioner-appoints-chief-constable",
        "greater-manchester-pcc",
        "greater-manchester-chief-constable",
    )


def test_reporting_runs_from_the_held_body_to_the_holder(facts):
    report = [
        f
        for f in facts
        if f["rule"] == "community-safety-partnership-reports-to-police-and-crime-commissioner"
    ]
    assert ("derbyshire-pcc", "chesterfield-csp") in {(f["from"], f["to"]) for f in report}  # holder: the PCC


def test_a_power_is_no_direct_link(compiled, triples):
    """PCCs may fund CSPs (a statutory power): the link is there, the direct csp:funds is not."""
    funds = {(str(s).removeprefix(B), str(o).removeprefix(B)) for s, p, o in triples if p == CSP.funds}
    assert ("derbyshire-pcc", "amber-valley-csp") not in funds
    assert ("derbyshire-pcc", "chesterfield-csp") in funds  # the minutes record a grant
    assert ("home-office", "derbyshire-pcc") in funds  # a statutory duty


def test_rules_apply_to_bodies_curators_declare(facts):
    """The fixture's minutes declare an ICB and an LCJB; national bodies pair with every body of a type."""
    hmicfrs = {f["to"] for f in facts if f["rule"] == "hmicfrs-scrutinises-police-force"}
    assert (
        "derbyshire-constabulary" in hmicfrs and "british-transport-police" in hmicfrs and len(hmicfrs) == 44
    )
    lcjb = {
        (f["from"], f["to"])
        for f in facts
        if f["rule"] == "police-and-crime-commissioner-cooperates-with-local-criminal-justice-board"
    }
    assert lcjb == set()  # the fixture's LCJB has no police force area: no pair is made up


def test_the_model_is_quick(compiled):
    _, seconds = compiled
    assert seconds < 30  # reading, resolving and converting everything (a few seconds here)


CURATED_AREAS = """source:
  id: curated-areas-test
  title: Test minutes declaring bodies with the districts they cover
  kind: minutes
  date: 2016-01-20
bodies:
  - id: test-fire-and-rescue-authority
    type: FireAndRescueAuthority
    name: Test Fire and Rescue Authority
    covers: [{chesterfield}]
    cite: item 1
  - id: test-crc
    type: CommunityRehabilitationCompany
    name: Test Community Rehabilitation Company
    covers: [{chesterfield}]
    start: 2014-06-01
    end: 2021-06-25
    cite: item 2
  - id: test-ccg
    type: ClinicalCommissioningGroup
    name: Test Clinical Commissioning Group
    covers: [{chesterfield}]
    cite: item 3
"""


def test_rules_reach_curated_bodies_that_say_which_districts_they_cover(tmp_path):
    """The national data has no fire, health or probation bodies; one a curator declares with its
    districts gets the seats the law gives it, for the years the law gives them."""
    lookup = csv_rows(ROOT / "data" / "reference" / "lad24_csp24_pfa24_lookup.csv")
    chesterfield = next(r["ltla24_code"] for r in lookup if r["ltla24_name"] == "Chesterfield").lower()
    data = national_data_copy(tmp_path / "data")
    (data / "minutes" / "curated-areas-test.yaml").write_text(CURATED_AREAS.format(chesterfield=chesterfield))
    settings = Settings(data_dir=data, store_dir=tmp_path / "store", workers=1)
    compiled = pipeline.compile_files(pipeline.read_inputs(settings, Reporter()), settings, Reporter())
    seats: dict[str, set] = defaultdict(set)
    for sg in compiled.graphs:
        by_node: dict = defaultdict(dict)
        for s, p, o in sg.triples:
            by_node[s][p] = o
        for props in by_node.values():
            if CSP.appliesRule in props and str(props.get(ORG.member, "")).startswith(B + "test-"):
                seats[str(props[ORG.member]).removeprefix(B)].add(
                    (
                        str(props[ORG.organization]).removeprefix(B),
                        str(props.get(CSP.startDate)),
                        str(props.get(CSP.endDate)),
                    )
                )
            if CSP.appliesRule in props and str(props.get(CSP.held, "")) == B + "test-crc":
                seats["over test-crc"].add(str(props[CSP.holder]).removeprefix(B))
    assert seats["test-fire-and-rescue-authority"] == {("chesterfield-csp", "2003-04-01", "None")}
    assert seats["test-crc"] == {("chesterfield-csp", "2014-06-01", "2021-06-25")}
    assert seats["test-ccg"] == {("chesterfield-csp", "2013-04-01", "2022-06-30")}
    # the district's committee (PJA 2006 s.19, a derived power); the national bodies' contract management too
    assert {h for h in seats["over test-crc"] if h.endswith("-committee")} == {
        "chesterfield-crime-and-disorder-committee"
    }
    assert {"national-offender-management-service", "hm-prison-and-probation-service"} <= seats[
        "over test-crc"
    ]


# -- nothing before it exists, nothing after it ends --------------------------------------------

TOUCHING = """SELECT DISTINCT ?x WHERE {
  VALUES ?body { %s }
  { ?x csp:holder ?b } UNION { ?x csp:held ?b } UNION { ?x org:member ?b } UNION { ?x org:organization ?b }
  { FILTER (?b = ?body) } UNION { ?b org:subOrganizationOf ?body }
  OPTIONAL { ?x csp:startDate ?s } OPTIONAL { ?x csp:endDate ?e }
  FILTER (!BOUND(?s) || CONCAT(STR(?s), SUBSTR("-01-01", STRLEN(STR(?s)) - 3)) <= "%s")
  FILTER (!BOUND(?e) || CONCAT(STR(?e), SUBSTR("-12-31", STRLEN(STR(?e)) - 3)) >= "%s")
}"""


def links_touching(store: Path, bodies: list[str], day: str) -> list[str]:
    from graph_build.store import EmbeddedStore

    values = " ".join(f"<{B}{b}>" for b in bodies)
    return [str(s["x"].value) for s in EmbeddedStore(store).query(TOUCHING % (values, day, day))]


NEW_UNITARIES = ["cumberland-council", "north-yorkshire-council", "dorset-council"]


def test_no_link_touches_a_body_before_it_began_or_after_it_ended(national_build):
    """A link or membership starts at the latest of its rule's start and both ends' starts, ends at
    the earliest end; a council's committee and board start no earlier than the council."""
    _, store, _ = national_build
    assert links_touching(store, NEW_UNITARIES, "2015-06-01") == []
    assert links_touching(store, ["allerdale-borough-council"], date.today().isoformat()) == []
    # the same bodies are linked in their own years
    assert links_touching(store, NEW_UNITARIES, "2024-06-01")
    assert links_touching(store, ["allerdale-borough-council"], "2015-06-01")


def test_minutes_of_2014_meet_the_bodies_of_2014(national_build):
    """Allerdale CSP in 2015: its borough and county councils, Cumbria's fire authority (the county
    council), the NPS and its CRC (no health body: NHS North Cumbria CCG, of 2021, was formed after
    2013); in 2024: Cumberland Council, the PFCC as fire authority, two ICBs."""
    _, store, _ = national_build
    from graph_build.store import EmbeddedStore

    query = """SELECT ?member WHERE { ?m org:organization <%sallerdale-csp> ; org:member ?member .
      OPTIONAL { ?m csp:startDate ?s } OPTIONAL { ?m csp:endDate ?e }
      FILTER (!BOUND(?s) || CONCAT(STR(?s), SUBSTR("-01-01", STRLEN(STR(?s)) - 3)) <= "%s")
      FILTER (!BOUND(?e) || CONCAT(STR(?e), SUBSTR("-12-31", STRLEN(STR(?e)) - 3)) >= "%s") }"""

    def members(day: str) -> set[str]:
        return {
            str(s["member"].value).removeprefix(B) for s in EmbeddedStore(store).query(query % (B, day, day))
        }

    assert members("2015-06-01") == {
        "allerdale-borough-council",
        "cumbria-county-council",  # as county council and as fire and rescue authority
        "cumbria-chief-constable",
        "national-probation-service",
        "cumbria-and-lancashire-crc",
    }
    assert members("2024-06-01") == {
        "cumberland-council",
        "cumbria-chief-constable",
        "cumbria-pcc",  # the police, fire and crime commissioner, fire and rescue authority since 2023
        "nhs-north-east-and-north-cumbria-icb",
        "nhs-lancashire-and-south-cumbria-icb",  # Cumberland's part round Millom (3.4 % of its LSOAs)
        "probation-service",
    }


@pytest.fixture(scope="module")
def national_client(national_build):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.fixtures import api_settings_for

    data, store, _ = national_build
    with TestClient(create_app(api_settings_for(store, data))) as client:
        yield client


def view(client: TestClient, path: str, **params: Any) -> dict:
    r = client.get(path, params=params, headers={"accept": "application/ld+json"})
    assert r.status_code == 200, r.text
    return r.json()


def test_the_api_as_at_views_use_the_dates(national_client):
    """The accountability view and the gaps list of 2015 know nothing of the unitaries of 2019-2023;
    today's know nothing of the councils they replaced."""
    for body in NEW_UNITARIES:
        then = view(national_client, f"/bodies/{body}/accountability", as_at="2015-06-01")
        assert then["upward"] == then["downward"] == [], body
        assert view(national_client, f"/bodies/{body}/accountability")["downward"], body
    gaps = str(view(national_client, "/accountability/gaps", as_at="2015-01-01"))
    for body in NEW_UNITARIES:
        assert body.removesuffix("-council") + "-crime-and-disorder-committee" not in gaps
    allerdale = "/bodies/allerdale-borough-council/accountability"
    now = view(national_client, allerdale, as_at=date.today().isoformat())
    assert now["upward"] == now["downward"] == []
    assert view(national_client, allerdale, as_at="2015-06-01")["downward"]


# -- every CSP's responsible authorities, where the data allows ---------------------------------


@pytest.fixture(scope="module")
def applied(tmp_path_factory):
    """The national data's fact documents with the statutory model applied, and the build's warnings."""
    from graph_build.pipeline import _ontology
    from graph_build.reference import statutory_documents
    from graph_build.resolve import build_registry

    data = national_data_copy(tmp_path_factory.mktemp("applied") / "data")
    settings = Settings(data_dir=data, store_dir=data.parent / "store", workers=1)
    files = pipeline.read_inputs(settings, Reporter())
    registry = build_registry(files, _ontology(settings.ontology_dir)[1])
    model = statutory_documents(files, registry, data)
    reporter = Reporter()
    pipeline.compile_files(pipeline.read_inputs(settings, Reporter()), settings, reporter)
    return files + model, [str(w) for w in reporter.warnings]


def test_every_csp_has_its_responsible_authorities_where_the_data_allows(applied):
    """Council, police, fire and probation members for every CSP on 1 June of every year since
    2014; health members from April 2021 for all, and before it wherever a CCG of 2013 (never
    merged) or a Welsh health board covers part of the CSP; the build warns of the rest."""
    from graph_build.reference.coverage import coverage_gaps

    files, warnings = applied
    gaps = coverage_gaps(files)
    kinds = {kind for _, kind in gaps}
    assert {"council", "police", "fire", "health", "probation"} <= kinds
    for (day, kind), missing in gaps.items():
        if kind != "health" or day >= date(2021, 6, 1):
            assert missing == set(), (day, kind, sorted(missing)[:5])
    ref = ROOT / "data" / "reference"
    ccgs = csv_rows(ref / "ltla21_ccg21_lookup.csv")
    of_2013 = {r["ltla21_code"] for r in ccgs if r["ccg21_code"] <= "E38000211" and float(r["share"]) >= 0.02}
    in_2021 = {r["ltla17_code"]: r["ltla21_code"] for r in csv_rows(ref / "ltla_ltla_lookup.csv")}
    with open(ref / "lad17_csp17_pfa17_lookup.csv", encoding="utf-8-sig", newline="") as f:
        csp_of = {r["LAD17CD"]: r["CSP17NM"] for r in csv.DictReader(f)}
    lads = defaultdict(set)  # each CSP's districts as the 2021 CCG lookup names them
    for lad17, name in csp_of.items():
        lads[slug(name) + "-csp"].add(in_2021[lad17])
    without = {
        csp for csp, codes in lads.items() if not codes & of_2013 and not any(c[0] == "W" for c in codes)
    }
    assert gaps[(date(2019, 6, 1), "health")] == without
    assert 100 < len(without) < 200
    (warning,) = [w for w in warnings if "responsible" in w or "member in the data" in w]
    assert "no health member" in warning and f"{len(without)} on 2019-06-01" in warning
