"""Every example query in queries/examples/ runs on the national build (real reference data and
registers, the national fixture's minutes) and answers what the data says: counts are taken from
the CSV files, bodies are named by the id rules, and curated facts come from the fixture."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from graph_build.namespaces import slug
from graph_build.store import BuildInfo, EmbeddedStore
from tests.fixtures import ROOT, sampled

QUERIES = sorted((ROOT / "queries" / "examples").glob("*.rq"))
QUERIES_BY_NUMBER = {path.name[:2]: path for path in QUERIES}
REF = ROOT / "data" / "reference"
B = "https://w3id.org/cspkg/id/body/"


def csv_rows(name: str) -> list[dict[str, str]]:
    with open(REF / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


LOOKUP = csv_rows("lad24_csp24_pfa24_lookup.csv")
COUNCILS = [r for r in csv_rows("uk_local_authorities_future.csv") if r["nation"] in ("England", "Wales")]
CURRENT = {r["gss-code"]: r for r in COUNCILS if r["current-authority"] == "True"}
UTLA = {r["ltla23_code"]: r["utla23_code"] for r in csv_rows("ltla23_utla23_lookup.csv")}
FORCES = [r for r in csv_rows("police_forces_policeuk_pfa.csv") if r["country"] in ("england", "wales", "")]
HISTORY = csv_rows("statutory/local_policing_bodies.csv")
RULES = csv_rows("statutory/accountability.csv")
FIRE = csv_rows("statutory/fire_authorities.csv")
CHESTERFIELD = next(r["ltla24_code"] for r in LOOKUP if r["ltla24_name"] == "Chesterfield")


def csp_id(name: str) -> str:
    return f"{slug(name)}-csp"


def csps_of_area(pfa_name: str) -> set[str]:
    return {csp_id(r["csp24_name"]) for r in LOOKUP if r["pfa24_name"] == pfa_name}


def council_of(lad: str) -> str:
    return slug(CURRENT[lad]["official-name"])


def statutory_councils(csp: str) -> set[str]:
    """The CSP's councils and, in a two-tier area, its county council (CDA 1998 s.5(1)(a))."""
    out = set()
    for r in LOOKUP:
        if csp_id(r["csp24_name"]) == csp:
            out.add(council_of(r["ltla24_code"]))
            if UTLA[r["ltla24_code"]].startswith("E10"):
                out.add(council_of(UTLA[r["ltla24_code"]]))
    return out


def fire_authority_today(lad: str) -> str:
    """The body governing the district's fire and rescue area now (statutory/fire_authorities.csv)."""
    area = next(r["fra24_code"] for r in csv_rows("ltla24_fra24_lookup.csv") if r["ltla24_code"] == lad)
    return next(r["body"] for r in FIRE if r["fra_code"] == area and not r["valid_to"])


def icbs_today(lad: str) -> set[str]:
    """The integrated care boards holding at least 2% of the district (the build's sliver rule), by
    the id rule for health bodies ('NHS X Integrated Care Board' → 'nhs-x-icb')."""
    return {
        slug(r["icb24_name"].replace("Integrated Care Board", "ICB"))
        for r in csv_rows("ltla24_icb24_lookup.csv")
        if r["ltla24_code"] == lad and float(r["share"]) >= 0.02
    }


def short(value: str) -> str:
    return value.removeprefix(B)


def run(store: Path, path: Path, *edits: tuple[str, str]) -> list[dict[str, str]]:
    """The query's answer; `edits` change its text first (another date, another body)."""
    text = path.read_text()
    for old, new in edits:
        assert old in text, f"{old!r} not in {path.name}"
        text = text.replace(old, new)
    solutions = EmbeddedStore(store).query(text)
    names = [v.value for v in solutions.variables]
    return [{n: short(s[n].value) for n in names if s[n] is not None} for s in solutions]


# -- one check per example, from the data ------------------------------------------------------


def check_01(rows):
    expected = defaultdict(set)
    for r in LOOKUP:
        expected[r["pfa24_name"]].add(r["csp24_code"])
    assert {r["areaName"]: int(r["csps"]) for r in rows} == {k: len(v) for k, v in expected.items()}
    assert len(rows) == 43 and sum(int(r["csps"]) for r in rows) == 314


def check_02(rows):
    no_lpb = {r["pfa_name"] for r in HISTORY if r["type"] == "none"}
    areas = {r["pfa_name"] for r in FORCES if r["pfa_code"]} - no_lpb
    assert {r["commissioner"] for r in rows} == {f"{slug(a)}-pcc" for a in areas}
    for r in rows:
        expected = (
            "london-assembly"
            if r["commissioner"] == "metropolitan-police-pcc"
            else r["commissioner"].removesuffix("-pcc") + "-police-and-crime-panel"
        )
        assert r["scrutiniser"] == expected


def check_03(rows):
    expected = statutory_councils("chesterfield-csp") | {"derbyshire-chief-constable", "probation-service"}
    expected |= {fire_authority_today(CHESTERFIELD)} | icbs_today(CHESTERFIELD)
    assert (
        {r["member"] for r in rows}
        == expected
        == {
            "chesterfield-borough-council",
            "derbyshire-county-council",
            "derbyshire-chief-constable",
            "derbyshire-fire-and-rescue-authority",
            "nhs-derby-and-derbyshire-icb",
            "probation-service",
        }
    )


def check_04(rows):
    # on 1 June 2019 a CSP has a health member only where a CCG of the 2013 set (ONS code up to
    # E38000211) covers part of it; the CCGs formed by mergers are known from April 2021 only
    lads = defaultdict(set)
    for r in LOOKUP:
        if r["pfa24_name"] == "Derbyshire":
            lads[csp_id(r["csp24_name"])].add(r["ltla24_code"])
    original = {
        r["ltla21_code"]
        for r in csv_rows("ltla21_ccg21_lookup.csv")
        if r["ccg21_code"] <= "E38000211" and float(r["share"]) >= 0.02
    }
    assert {r["csp"] for r in rows} == {csp for csp, codes in lads.items() if not codes & original}
    assert "high-peak-csp" not in {r["csp"] for r in rows}  # Tameside and Glossop CCG, of 2013


def check_05(rows):
    overseers = {r["overseer"] for r in rows}
    assert {
        "chesterfield-crime-and-disorder-committee",
        "chesterfield-borough-council",
        "derbyshire-pcc",
        "derbyshire-police-and-crime-panel",
        "home-office",
        "ministry-of-justice",
    } <= overseers
    direct = {r["overseer"] for r in rows if r["direct"] == "true"}
    assert direct == {"chesterfield-crime-and-disorder-committee", "derbyshire-pcc"}


def check_06(rows):
    lads = defaultdict(set)
    for r in LOOKUP:
        lads[csp_id(r["csp24_name"])].add(r["ltla24_code"])
    assert {r["csp"]: int(r["districts"]) for r in rows} == {k: len(v) for k, v in lads.items() if len(v) > 1}


def check_07(rows):
    seats = defaultdict(set)
    for r in LOOKUP:
        for council in statutory_councils(csp_id(r["csp24_name"])):
            seats[council].add(csp_id(r["csp24_name"]))
    assert {r["council"]: int(r["csps"]) for r in rows} == {k: len(v) for k, v in seats.items() if len(v) > 1}
    assert "buckinghamshire-council" in {r["council"] for r in rows}


def check_08(rows):
    special = {
        f"{slug(r['pfa_name'])}-pcc"
        for r in HISTORY
        if r["type"] not in ("none", "PoliceAndCrimeCommissioner")
    }
    assert {r["body"] for r in rows} == special
    gm = {(r["rule"], r.get("start"), r.get("end")) for r in rows if r["body"] == "greater-manchester-pcc"}
    dates = {r["type"]: r for r in HISTORY if r["pfa_name"] == "Greater Manchester"}
    assert gm == {
        (
            "PoliceAndCrimeCommissioner holds to account ChiefConstable",
            "2012-11-22",
            dates["PoliceAndCrimeCommissioner"]["valid_to"],
        ),
        (
            "MayorWithPCCFunctions holds to account ChiefConstable",
            dates["MayorWithPCCFunctions"]["valid_from"],
            None,
        ),
    }
    assert (
        dates["PoliceAndCrimeCommissioner"]["valid_to"],
        dates["MayorWithPCCFunctions"]["valid_from"],
    ) == ("2017-05-07", "2017-05-08")  # SI 2016/448 art 4, SI 2017/470 art 1(2)


def check_09(rows):
    assert {r["csp"] for r in rows} == {csp_id(r["csp24_name"]) for r in LOOKUP}
    london = [r for r in rows if r["areaName"] == "Metropolitan Police"]
    assert len(london) == len(csps_of_area("Metropolitan Police"))
    assert {(r["commissionerName"], r["scrutiniserName"]) for r in london} == {
        ("Mayor's Office for Policing and Crime", "London Assembly")
    }


def check_10(rows):
    assert {(r["holderName"], r["heldName"], r["citation"]) for r in rows} >= {
        (
            "Chesterfield Community Safety Partnership",
            "Chesterfield CSP anti-social behaviour group",
            "item 4",
        )
    }


def check_11(rows):
    missing = defaultdict(set)
    for r in rows:
        assert r["asAt"] == "2023-09-14"
        missing[r["csp"]].add(r["missing"])
    amber_valley = next(r["ltla24_code"] for r in LOOKUP if r["ltla24_name"] == "Amber Valley")
    # recorded by the fixture: Chesterfield's council and chief constable; Amber Valley's ICB
    assert missing == {
        "chesterfield-csp": statutory_councils("chesterfield-csp") - {"chesterfield-borough-council"}
        | {"probation-service", fire_authority_today(CHESTERFIELD)}
        | icbs_today(CHESTERFIELD),
        "amber-valley-csp": statutory_councils("amber-valley-csp")
        | {"derbyshire-chief-constable", "probation-service", fire_authority_today(amber_valley)},
    }


def check_12(rows):
    up = {r["otherName"] for r in rows if r["direction"].startswith("up")}
    down = {r["otherName"] for r in rows if r["direction"].startswith("down")}
    assert {"Devon & Cornwall Police and Crime Panel", "Home Office", "Ministry of Justice"} <= up
    assert "Chief Constable of Devon & Cornwall Police" in down
    assert all(
        r["legislation"].startswith("http://www.legislation.gov.uk/id/") for r in rows if "legislation" in r
    )


def check_13(rows):
    stated = {
        (r["holderName"], r["heldName"], r["status"], r.get("concern"))
        for r in rows
        if r["status"] != "Derived"
    }
    assert stated == {
        (
            "Police and Crime Commissioner for Derbyshire",
            "Derbyshire Local Criminal Justice Board",
            "Questioned",
            "Members doubted that anyone holds the criminal justice board to account.",
        )
    }
    # the model's own reading: a crime and disorder committee may scrutinise its area's CRC (PJA 2006 s.19)
    derived = [r for r in rows if r["status"] == "Derived"]
    assert derived and all(
        r["holderName"].endswith("Crime and Disorder Committee")
        and r["heldName"].endswith("Community Rehabilitation Company")
        and r["mechanism"] == "Scrutiny"
        for r in derived
    )


def check_14(rows):
    got = {r["cspName"]: (r["boardName"], r["linked"], r.get("gap")) for r in rows}
    assert got == {
        "Chesterfield Community Safety Partnership": (
            "Derbyshire Health and Wellbeing Board",
            "false",
            "No link exists between the partnership and the county's health and wellbeing board.",
        ),
        "Amber Valley Community Safety Partnership": ("Derbyshire Health and Wellbeing Board", "false", None),
    }


def check_15(rows):
    assert [(r["pcc"], r["funded"], r["kind"]) for r in rows] == [
        ("derbyshire-pcc", "chesterfield-csp", "Community Safety Partnership")
    ]


def check_16(rows):
    expected = {
        (
            csp_id(r["csp24_name"]),
            slug(CURRENT[r["ltla24_code"]]["nice-name"]) + "-crime-and-disorder-committee",
        )
        for r in LOOKUP
        if r["pfa24_name"] == "Leicestershire"
    }
    got = {
        (slug(r["cspName"].removesuffix(" Community Safety Partnership")) + "-csp", r["committee"])
        for r in rows
    }
    assert got == expected and all(r["joint"] == "false" for r in rows)


def check_17(rows, applied):
    all_rules = {f"{r['subject_type']} {r['relation'].replace('_', ' ')} {r['object_type']}" for r in RULES}
    assert {r["label"] for r in rows} == all_rules - applied
    # fire and rescue, CCG, ICB, health board and CRC seats are applied to the national bodies now
    for kind in (
        "FireAndRescueAuthority",
        "ClinicalCommissioningGroup",
        "IntegratedCareBoard",
        "LocalHealthBoard",
    ):
        assert f"{kind} is member of CommunitySafetyPartnership" not in {r["label"] for r in rows}
    assert "PrimaryCareTrust is member of CommunitySafetyPartnership" in {r["label"] for r in rows}


def check_18(rows):
    assert {r["member"] for r in rows} == statutory_councils("plymouth-csp") | {
        "devon-and-cornwall-chief-constable",
        "devon-and-somerset-fire-and-rescue-authority",
        "national-probation-service",
        "dorset-devon-and-cornwall-crc",
    }  # no health body: Plymouth's CCG of 2021 (NHS Devon) was formed by a merger in 2019


def check_19(rows):
    assert [(r["areaName"], r["sources"]) for r in rows] == [("Derbyshire", "1")]


def check_20(rows):
    counts = {(r["name"], r["mechanism"], r["status"]): int(r["bodies"]) for r in rows}
    territorial = [r for r in FORCES if r["pfa_code"]]
    with_panel = {r["pfa_code"] for r in territorial} - {
        r["pfa_code"] for r in HISTORY if r["type"] in ("none", "MayorsOfficeForPolicingAndCrime")
    }
    hmicfrs = "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services"
    assert counts[(hmicfrs, "Inspection", "Statutory")] == len(FORCES)
    # the Home Office funds each PCC (police grant, while the body is a PCC) and each panel (a grant)
    assert counts[("Home Office", "Funding", "Statutory")] == len(with_panel)
    assert counts[("Home Office", "Funding", "Grant")] == len(with_panel)


def scrutiny_as_at(rows: list[dict]) -> dict[str, set[str]]:
    out = defaultdict(set)
    for r in rows:
        out[r["areaName"]].add(r["rule"])
    return out


def history_as_at(day: str) -> dict[str, str]:
    """Area name → the kind of local policing body the primer's table gives on `day`."""

    def bound(d, pad):  # 'YYYY' and 'YYYY-MM' as their earliest / latest day
        return d + pad[len(d) - 4 :] if d else None

    out = {}
    for r in HISTORY:
        start, end = bound(r["valid_from"], "-01-01"), bound(r["valid_to"], "-12-31")
        if (not start or start <= day) and (not end or end >= day):
            out[r["pfa_name"]] = r["type"]
    return out


def check_21(rows):
    got = scrutiny_as_at(rows)
    areas = {r["pfa_name"] for r in FORCES if r["pfa_code"]} - {
        r["pfa_name"] for r in HISTORY if r["type"] == "none"
    }
    assert set(got) == areas
    mayors = {a for a, kind in history_as_at("2024-07-01").items() if kind == "MayorWithPCCFunctions"}
    assert mayors == {"Greater Manchester", "West Yorkshire", "South Yorkshire", "North Yorkshire"}
    for area in mayors:
        assert got[area] == {"CombinedAuthorityPoliceAndCrimePanel scrutinises MayorWithPCCFunctions"}
    assert got["Metropolitan Police"] == {"LondonAssembly scrutinises MayorsOfficeForPolicingAndCrime"}
    assert got["Essex"] == {
        "PoliceAndCrimePanel scrutinises PoliceAndCrimeCommissioner",
        "PoliceFireAndCrimePanel scrutinises PoliceFireAndCrimeCommissioner",
    }


CHECKS = {f"{n:02d}": globals()[f"check_{n:02d}"] for n in range(1, 22)}


@pytest.fixture(scope="module")
def applied_rules(national_build: tuple[Path, Path, BuildInfo]) -> set[str]:
    _, store, _ = national_build
    found = EmbeddedStore(
        store
    ).query("""SELECT DISTINCT ?label WHERE {
        ?f <https://w3id.org/cspkg/def#appliesRule> ?r . ?r <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }""")
    return {s["label"].value for s in found}


def test_there_are_at_least_15_examples_each_with_a_title_and_a_description():
    assert len(QUERIES) >= 15
    for path in QUERIES:
        assert re.fullmatch(r"\d\d-[a-z0-9-]+\.rq", path.name), path.name
        head = path.read_text()
        assert re.search(r"^# title: \S", head, re.MULTILINE) and re.search(
            r"^# description: \S", head, re.MULTILINE
        ), path.name


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_example_query_answers_from_the_data(national_build, applied_rules, path):
    _, store, _ = national_build
    rows = run(store, path)
    check = CHECKS.get(path.name[:2])
    assert check is not None, f"{path.name} has no check in this file"
    assert rows, f"{path.name} returned nothing"
    if path.name.startswith("17-"):
        check(rows, applied_rules)
    else:
        check(rows)


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_example_query_answers_have_no_duplicate_rows(national_build, path):
    """The default graph is the union of the named graphs, and a triple stated by two sources is in
    two of them: an example must not repeat a row because of that."""
    _, store, _ = national_build
    rows = [tuple(sorted(r.items())) for r in run(store, path)]
    assert len(rows) == len(set(rows)), f"{path.name} repeats rows"


def test_as_at_a_date_the_members_of_a_csp_differ(national_build):
    """Plymouth CSP in 2015 had the National Probation Service and its CRC as members; in 2024, the
    Probation Service and the integrated care board."""
    _, store, _ = national_build
    path = QUERIES_BY_NUMBER["18"]
    in_2015 = {r["member"] for r in run(store, path)}
    in_2024 = {r["member"] for r in run(store, path, ('"2015-07-01"', '"2024-07-01"'))}
    assert in_2015 - in_2024 == {"national-probation-service", "dorset-devon-and-cornwall-crc"}
    plymouth = next(r["ltla24_code"] for r in LOOKUP if r["ltla24_name"] == "Plymouth")
    assert in_2024 - in_2015 == {"probation-service"} | icbs_today(plymouth)


def test_as_at_a_date_the_local_policing_bodies_differ(national_build):
    """In 2015 every area outside London and the City had a PCC and its panel; the mayors came later."""
    _, store, _ = national_build
    got = scrutiny_as_at(run(store, QUERIES_BY_NUMBER["21"], ('"2024-07-01"', '"2015-07-01"')))
    assert set(history_as_at("2015-07-01").values()) == {
        "PoliceAndCrimeCommissioner",
        "MayorsOfficeForPolicingAndCrime",
        "none",
    }
    assert got.pop("Metropolitan Police") == {"LondonAssembly scrutinises MayorsOfficeForPolicingAndCrime"}
    assert {frozenset(rules) for rules in got.values()} == {
        frozenset({"PoliceAndCrimePanel scrutinises PoliceAndCrimeCommissioner"})
    }
    assert len(got) == 41


# -- cost ------------------------------------------------------------------------------------

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
# Solutions summed over every step of a plan, on the national fixture. The examples need at most
# about 50,000; a join of every CSP-district pair, or of every membership with every membership,
# needs millions (examples 14 and 11 once did: 1.4 and 16 million; 4-8 s and 30-55 s on the real build).
PLAN_SOLUTIONS_LIMIT = 250_000


def plan_solutions(node: dict) -> int:
    return node["number of results"] + sum(plan_solutions(child) for child in node.get("children", ()))


@pytest.fixture(scope="module")
def store_for_explaining(
    national_build: tuple[Path, Path, BuildInfo], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A copy of the national build: the oxigraph CLI opens a store for writing."""
    _, store, _ = national_build
    copy = tmp_path_factory.mktemp("explain") / "store"
    shutil.copytree(os.path.realpath(store / "current"), copy)
    return copy


@pytest.mark.parametrize("path", sampled(QUERIES, 4), ids=lambda p: p.stem)
def test_example_query_plan_stays_small(store_for_explaining, path, tmp_path):
    """The example's plan, as Oxigraph (the engine of the store and of /sparql) evaluates it over the
    union default graph, produces few intermediate solutions: a count of the work, not a timing."""
    assert OXIGRAPH is not None, "the oxigraph CLI is missing: pip install oxigraph (make test installs it)"
    explanation = tmp_path / "plan.json"
    try:
        subprocess.run(
            [
                OXIGRAPH,
                "query",
                "--location",
                str(store_for_explaining),
                "--query-file",
                str(path),
                "--union-default-graph",
                "--results-format",
                "csv",
                "--explain-file",
                str(explanation),
                "--stats",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=120,
        )
    except subprocess.TimeoutExpired:  # only a plan far over the limit runs this long
        pytest.fail(f"{path.name} was still running after 120 s")
    solutions = plan_solutions(json.loads(explanation.read_text())["plan"])
    assert solutions <= PLAN_SOLUTIONS_LIMIT, f"{path.name}: its plan produces {solutions:,} solutions"
