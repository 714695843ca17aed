"""The national reference layer: every CSP, police force area, force, chief officer, local policing
body, panel, council, crime and disorder committee and health and wellbeing board of England and
Wales, with the ids docs/fact-format.md promises, counted against the CSV files themselves; bad
reference files stop the build with file:line and change nothing; curated bodies that look like
national ones under another id are warned about.
"""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from graph_build import pipeline
from graph_build.config import Settings
from graph_build.namespaces import slug
from graph_build.progress import Reporter
from graph_build.store import BuildInfo, EmbeddedStore
from tests.fixtures import GOOD_DATA, ROOT, Cli, national_data_copy

REF = ROOT / "data" / "reference"
B = "https://w3id.org/cspkg/id/body/"
PREFIXES = """PREFIX csp: <https://w3id.org/cspkg/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""


def rows(name: str) -> list[dict[str, str]]:
    with open(REF / name, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


LOOKUP = rows("lad24_csp24_pfa24_lookup.csv")
UPPER = rows("ltla23_utla23_lookup.csv")
COUNCILS = [r for r in rows("uk_local_authorities_future.csv") if r["nation"] in ("England", "Wales")]
FORCES = [r for r in rows("police_forces_policeuk_pfa.csv") if r["country"] in ("england", "wales", "")]
HISTORY = rows("statutory/local_policing_bodies.csv")
PRINCIPAL = {"CTY", "NMD", "UA", "MD", "LBO", "CC", "WPA"}


def select(store: Path, query: str) -> list[dict[str, str]]:
    solutions = EmbeddedStore(store).query(PREFIXES + query)
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


def ids_of(store: Path, cls: str) -> set[str]:
    found = select(store, f"SELECT DISTINCT ?s WHERE {{ ?s a csp:{cls} FILTER(STRSTARTS(STR(?s), '{B}')) }}")
    return {r["s"].removeprefix(B) for r in found}


def national_ids(store: Path, cls: str) -> set[str]:
    """Bodies of a class that a reference-data document declares."""
    found = select(
        store,
        f"""SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a csp:{cls} ; <http://purl.org/dc/terms/source> ?src }}
        ?src csp:documentKind <https://w3id.org/cspkg/def/document-kind/reference-data> }}""",
    )
    return {r["s"].removeprefix(B) for r in found}


# -- what the graph holds, counted against the CSVs --------------------------------------------


def test_csps_and_police_force_areas_match_the_ons_lookup(national_build):
    _, store, _ = national_build
    csps = {(r["csp24_code"], r["csp24_name"]) for r in LOOKUP}
    pfas = {r["pfa24_code"] for r in LOOKUP}
    assert len(csps) == 314 and len(pfas) == 43  # what SOURCES.md says of the file
    assert national_ids(store, "CommunitySafetyPartnership") == {f"{slug(name)}-csp" for _, name in csps}
    codes = select(
        store, "SELECT DISTINCT ?code WHERE { ?s a csp:CommunitySafetyPartnership ; csp:gssCode ?code }"
    )
    assert {r["code"] for r in codes} == {code for code, _ in csps}
    areas = select(store, "SELECT DISTINCT ?code WHERE { ?a a csp:PoliceForceArea ; csp:gssCode ?code }")
    assert {r["code"] for r in areas} == pfas
    districts = select(
        store,
        "SELECT DISTINCT ?a WHERE { ?a a csp:LocalAuthorityDistrict FILTER NOT EXISTS { ?a csp:endDate ?e } }",
    )
    assert len(districts) == len({r["ltla24_code"] for r in LOOKUP}) == 318
    # the districts the 2019-2023 mergers replaced, each with its last day
    former = select(store, "SELECT DISTINCT ?a ?e WHERE { ?a a csp:LocalAuthorityDistrict ; csp:endDate ?e }")
    codes_2016 = {r["ltla16_code"] for r in rows("ltla_ltla_lookup.csv") if r["ltla16_code"][0] in "EW"}
    assert (
        len(former) == len(codes_2016 - {r["ltla24_code"] for r in LOOKUP}) + 1
    )  # + Somerset West and Taunton


def test_each_csp_covers_its_districts_in_one_police_force_area(national_build):
    _, store, _ = national_build
    expected = defaultdict(set)
    for r in LOOKUP:
        expected[f"{slug(r['csp24_name'])}-csp"].add((r["ltla24_code"], r["pfa24_code"]))
    found = select(
        store,
        """SELECT DISTINCT ?csp ?lad ?pfa WHERE { ?csp a csp:CommunitySafetyPartnership ;
        csp:coversDistrict/csp:gssCode ?lad ; csp:policeForceArea/csp:gssCode ?pfa }""",
    )
    got = defaultdict(set)
    for r in found:
        got[r["csp"].removeprefix(B)].add((r["lad"], r["pfa"]))
    current = {r["ltla24_code"] for r in LOOKUP}
    assert {csp: {p for p in pairs if p[0] in current} for csp, pairs in got.items()} == expected
    # and the districts each covered in January 2017 (ONS LAD17-CSP17-PFA17), where they differ
    in_2017 = defaultdict(set)
    for r in rows("lad17_csp17_pfa17_lookup.csv"):
        in_2017[r["CSP17CD"]].add((r["LAD17CD"], r["PFA17CD"]))
    by_code = {f"{slug(r['csp24_name'])}-csp": r["csp24_code"] for r in LOOKUP}
    for csp, pairs in got.items():
        assert in_2017[by_code[csp]] <= pairs, csp


def test_police_bodies_of_every_area(national_build):
    _, store, _ = national_build
    territorial = [r for r in FORCES if r["pfa_code"]]
    no_lpb = {r["pfa_code"] for r in HISTORY if r["type"] == "none"}
    mopac = {r["pfa_code"] for r in HISTORY if r["type"] == "MayorsOfficeForPolicingAndCrime"}
    assert national_ids(store, "PoliceForce") == {slug(r["name"]) for r in FORCES}
    assert national_ids(store, "ChiefConstable") == {
        f"{slug(r['pfa_name'])}-chief-constable" for r in territorial
    }
    assert national_ids(store, "LocalPolicingBody") == {
        f"{slug(r['pfa_name'])}-pcc" for r in territorial if r["pfa_code"] not in no_lpb
    }
    assert national_ids(store, "PoliceAndCrimePanel") == {
        f"{slug(r['pfa_name'])}-police-and-crime-panel"
        for r in territorial
        if r["pfa_code"] not in no_lpb | mopac
    }
    assert (len(territorial), len(no_lpb), len(mopac)) == (43, 1, 1)


def test_councils_committees_and_boards(national_build):
    _, store, _ = national_build
    assert national_ids(store, "LocalAuthority") == {slug(r["official-name"]) for r in COUNCILS}
    current = [
        r for r in COUNCILS if r["current-authority"] == "True" and r["local-authority-type"] in PRINCIPAL
    ]
    former = [
        r for r in COUNCILS if r["current-authority"] == "False" and r["local-authority-type"] in PRINCIPAL
    ]
    assert national_ids(store, "CrimeAndDisorderCommittee") == {
        f"{slug(r['nice-name'])}-crime-and-disorder-committee" for r in current
    } | {f"{slug(r['official-name'])}-crime-and-disorder-committee" for r in former}
    english_upper = {r["utla23_code"] for r in UPPER if r["utla23_code"].startswith("E")}
    nice = {r["gss-code"]: r["nice-name"] for r in current}
    assert national_ids(store, "HealthAndWellbeingBoard") == {
        f"{slug(nice[c])}-health-and-wellbeing-board" for c in english_upper
    }
    assert (len(COUNCILS), len(current), len(english_upper)) == (402, 339, 153)


@pytest.mark.parametrize(
    "body, cls",
    [
        ("chesterfield-borough-council", "DistrictCouncil"),
        ("plymouth-city-council", "UnitaryAuthority"),
        ("derbyshire-county-council", "CountyCouncil"),
        ("plymouth-csp", "CommunitySafetyPartnership"),
        ("hinckley-and-bosworth-csp", "CommunitySafetyPartnership"),
        ("devon-and-cornwall-police", "PoliceForce"),
        ("derbyshire-constabulary", "PoliceForce"),
        ("leicestershire-chief-constable", "ChiefConstable"),
        ("devon-and-cornwall-pcc", "PoliceAndCrimeCommissioner"),
        ("essex-pcc", "PoliceFireAndCrimeCommissioner"),
        ("cumbria-pcc", "PoliceFireAndCrimeCommissioner"),
        ("cumbria-police-and-crime-panel", "PoliceFireAndCrimePanel"),
        ("metropolitan-police-pcc", "MayorsOfficeForPolicingAndCrime"),
        ("greater-manchester-pcc", "LocalPolicingBody"),
        ("devon-and-cornwall-police-and-crime-panel", "PoliceAndCrimePanel"),
        ("chesterfield-crime-and-disorder-committee", "CrimeAndDisorderCommittee"),
        ("plymouth-health-and-wellbeing-board", "HealthAndWellbeingBoard"),
        ("london-assembly", "LondonAssembly"),
    ],
)
def test_the_id_rules_promised_to_curators(national_build, body, cls):
    _, store, _ = national_build
    assert body in ids_of(store, cls)


def test_codes_are_identifiers_and_link_to_ons(national_build):
    _, store, _ = national_build
    found = select(
        store,
        f"""SELECT ?gss ?same ?la WHERE {{ <{B}plymouth-city-council> csp:gssCode ?gss ;
        owl:sameAs ?same ; csp:laCode ?la }}""",
    )
    plymouth = next(r for r in COUNCILS if r["official-name"] == "Plymouth City Council")
    assert found == [
        {
            "gss": plymouth["gss-code"],
            "la": plymouth["local-authority-code"],
            "same": f"http://statistics.data.gov.uk/id/statistical-geography/{plymouth['gss-code']}",
        }
    ]
    force = select(store, f"SELECT ?id WHERE {{ <{B}devon-and-cornwall-police> csp:policeUkId ?id }}")
    assert force == [{"id": "devon-and-cornwall"}]


def test_the_national_name_wins_and_the_minutes_names_become_alternatives(national_build):
    _, store, _ = national_build
    labels = select(store, f"SELECT ?p ?l WHERE {{ <{B}chesterfield-csp> ?p ?l FILTER(isLiteral(?l)) }}")
    pref = {r["l"] for r in labels if r["p"].endswith("prefLabel")}
    alt = {r["l"] for r in labels if r["p"].endswith("altLabel")}
    assert pref == {"Chesterfield Community Safety Partnership"}
    assert "Safer Chesterfield" in alt


def test_a_council_replaced_by_a_new_one_is_linked_to_it(national_build):
    _, store, _ = national_build
    replaced = select(
        store,
        f"SELECT ?old WHERE {{ <{B}buckinghamshire-council> <http://purl.org/dc/terms/replaces> ?old }}",
    )
    expected = {slug(r["official-name"]) for r in COUNCILS if "BUC" in r["replaced-by"].split(",")}
    assert {r["old"].removeprefix(B) for r in replaced} == expected and len(expected) == 5
    # and the other way: a former council leads to its successor, and ends the day before it began
    found = select(
        store,
        f"""SELECT ?new ?end ?start WHERE {{ <{B}allerdale-borough-council> csp:replacedBy ?new ;
        csp:endDate ?end . ?new csp:startDate ?start }}""",
    )
    assert [(r["new"].removeprefix(B), r["end"], r["start"]) for r in found] == [
        ("cumberland-council", "2023-03-31", "2023-04-01")
    ]


def test_nps_divisions_and_probation_regions_are_parts_of_the_national_services(national_build):
    _, store, _ = national_build
    found = select(
        store,
        "SELECT ?u ?whole ?cls WHERE { VALUES ?cls { csp:NationalProbationServiceDivision csp:ProbationRegion } "
        "?u a ?cls ; org:subOrganizationOf ?whole }",
    )
    counts = defaultdict(set)
    for r in found:
        counts[(r["cls"].rsplit("#", 1)[-1], r["whole"].removeprefix(B))].add(r["u"])
    assert {k: len(v) for k, v in counts.items()} == {
        ("NationalProbationServiceDivision", "national-probation-service"): 7,
        ("ProbationRegion", "probation-service"): 12,
    }


# -- bad reference data: file:line, and nothing loaded -----------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) >= 1, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.fixture
def bad_data(tmp_path: Path) -> Path:
    return national_data_copy(tmp_path / "data")


def build_fails(cspkg: Cli, data: Path, store: Path, where: str, *rule: str) -> str:
    result = cspkg("build", "--quiet", "--data", data, "--store", store)
    assert result.exit_code != 0, result.output
    problem = next((line for line in result.stderr.splitlines() if where in line), None)
    assert problem is not None, result.stderr
    for part in rule:
        assert part in problem, problem
    return problem


def assert_old_build_serves(store: Path, before: BuildInfo | None) -> None:
    embedded = EmbeddedStore(store)
    assert embedded.build_info() == before
    current = embedded.current_path()
    assert before is not None and current is not None and current.name == before.build_id
    found = select(
        store,
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a csp:CommunitySafetyPartnership ; csp:gssCode ?g }",
    )
    assert found == [{"n": "314"}]


def test_a_missing_column(cspkg, national_build, bad_data):
    _, store, before = national_build
    lookup = bad_data / "reference" / "lad24_csp24_pfa24_lookup.csv"
    edit(lookup, "pfa24_code,", "pfa_code,")
    build_fails(
        cspkg, bad_data, store, "lad24_csp24_pfa24_lookup.csv:1: pfa24_code:", "missing column 'pfa24_code'"
    )
    assert_old_build_serves(store, before)


def test_a_bad_code(cspkg, national_build, bad_data):
    _, store, before = national_build
    lookup = bad_data / "reference" / "lad24_csp24_pfa24_lookup.csv"
    edit(lookup, "E22000173,Boston", "E2200O173,Boston")
    line = line_of(lookup, "E2200O173")
    build_fails(
        cspkg,
        bad_data,
        store,
        f"lad24_csp24_pfa24_lookup.csv:{line}: csp24_code:",
        "'E2200O173' is not a community safety partnership code",
    )
    assert_old_build_serves(store, before)


def test_a_bad_police_uk_id(cspkg, national_build, bad_data):
    _, store, before = national_build
    forces = bad_data / "reference" / "police_forces_policeuk_pfa.csv"
    edit(forces, "devon-and-cornwall,", "Devon_and_Cornwall,")
    line = line_of(forces, "Devon_and_Cornwall")
    build_fails(
        cspkg,
        bad_data,
        store,
        f"police_forces_policeuk_pfa.csv:{line}: force_id:",
        "not a police.uk force id",
    )
    assert_old_build_serves(store, before)


def test_a_duplicate_row(cspkg, national_build, bad_data):
    _, store, before = national_build
    forces = bad_data / "reference" / "police_forces_policeuk_pfa.csv"
    first = line_of(forces, "derbyshire,Derbyshire Constabulary")
    row = forces.read_text().splitlines()[first - 1]
    forces.write_text(forces.read_text() + row + "\n")
    last = len(forces.read_text().splitlines())
    build_fails(
        cspkg,
        bad_data,
        store,
        f"police_forces_policeuk_pfa.csv:{last}: force_id:",
        f"duplicate force id derbyshire: already on line {first}",
    )
    assert_old_build_serves(store, before)


def test_a_district_in_two_police_force_areas(cspkg, national_build, bad_data):
    _, store, before = national_build
    lookup = bad_data / "reference" / "lad24_csp24_pfa24_lookup.csv"
    lines = lookup.read_text().splitlines()
    bucks = [n for n, line in enumerate(lines, 1) if line.startswith("E06000060,")]  # 4 CSPs, Thames Valley
    assert len(bucks) == 4
    lines[bucks[1] - 1] = lines[bucks[1] - 1].replace("E23000029,Thames Valley", "E23000026,Bedfordshire")
    lookup.write_text("\n".join(lines) + "\n")
    build_fails(
        cspkg,
        bad_data,
        store,
        f"lad24_csp24_pfa24_lookup.csv:{bucks[1]}: pfa24_code:",
        f"district E06000060 has pfa24_code 'E23000029' on line {bucks[0]}",
        "a district lies in one police force area",
    )
    assert_old_build_serves(store, before)


def test_files_that_contradict_each_other(cspkg, national_build, bad_data):
    """The council register puts Chesterfield in Leicestershire; the ONS lookup in Derbyshire."""
    _, store, before = national_build
    register = bad_data / "reference" / "uk_local_authorities_future.csv"
    line = line_of(register, "Chesterfield Borough Council")
    text = register.read_text().splitlines()
    assert ",DBY," in text[line - 1]
    text[line - 1] = text[line - 1].replace(",DBY,", ",LEC,", 1)
    register.write_text("\n".join(text) + "\n")
    build_fails(
        cspkg,
        bad_data,
        store,
        f"uk_local_authorities_future.csv:{line}: county-la:",
        "the files contradict each other",
    )
    assert_old_build_serves(store, before)


def test_a_force_area_named_differently_in_two_files(cspkg, national_build, bad_data):
    _, store, before = national_build
    forces = bad_data / "reference" / "police_forces_policeuk_pfa.csv"
    edit(forces, "E23000035,Devon & Cornwall,", "E23000035,Devon and Cornwall,")
    line = line_of(forces, "E23000035")
    build_fails(
        cspkg,
        bad_data,
        store,
        f"police_forces_policeuk_pfa.csv:{line}: pfa_name:",
        "is 'Devon & Cornwall' in",
        "but 'Devon and Cornwall' here",
    )
    assert_old_build_serves(store, before)


def test_an_unknown_status_in_the_statutory_model(cspkg, national_build, bad_data):
    _, store, before = national_build
    rules = bad_data / "reference" / "statutory" / "accountability.csv"
    text = rules.read_text().replace(",statutory power (discretionary),", ",a power maybe,", 1)
    rules.write_text(text)
    line = line_of(rules, ",a power maybe,")
    build_fails(
        cspkg, bad_data, store, f"accountability.csv:{line}: status:", "'a power maybe' is not one of"
    )
    assert_old_build_serves(store, before)


def test_a_duplicate_rule_in_the_statutory_model(cspkg, national_build, bad_data):
    _, store, before = national_build
    rules = bad_data / "reference" / "statutory" / "accountability.csv"
    first = line_of(rules, "PoliceAndCrimePanel,scrutinises,PoliceAndCrimeCommissioner")
    rules.write_text(
        rules.read_text() + "PoliceAndCrimePanel,scrutinises,PoliceAndCrimeCommissioner,"
        "PRSRA 2011 s.28,,2012-11-22,,,statutory,\n"
    )
    last = len(rules.read_text().splitlines())
    build_fails(
        cspkg,
        bad_data,
        store,
        f"accountability.csv:{last}: object_type:",
        f"duplicate rule PoliceAndCrimePanel / scrutinises / PoliceAndCrimeCommissioner: already on line {first}",
    )
    assert_old_build_serves(store, before)


def test_a_stand_in_for_a_rule_that_does_not_exist(cspkg, national_build, bad_data):
    _, store, before = national_build
    stand_ins = bad_data / "reference" / "statutory" / "pcc_functions.csv"
    edit(
        stand_ins,
        "MayorWithPCCFunctions,PoliceAndCrimeCommissioner,PoliceAndCrimeCommissioner,appoints,ChiefConstable",
        "MayorWithPCCFunctions,PoliceAndCrimeCommissioner,PoliceAndCrimeCommissioner,appoints,ChiefFireOfficer",
    )
    line = line_of(stand_ins, "appoints,ChiefFireOfficer")
    build_fails(
        cspkg,
        bad_data,
        store,
        f"pcc_functions.csv:{line}: object_type:",
        "no rule PoliceAndCrimeCommissioner / appoints / ChiefFireOfficer",
    )
    assert_old_build_serves(store, before)


@pytest.mark.parametrize(
    ("old", "new", "column", "rule"),
    [
        (
            "FireAndRescueAuthority,is_member_of,CommunitySafetyPartnership,shares-district",
            "FireAndRescueAuthority,is_member_of,CommunitySafetyPartnership,next-door",
            "applied_as",
            "'next-door' is not one of",
        ),
        (
            "HomeOffice,funds,PoliceAndCrimePanel,national,",
            "HomeOffice,funds,PoliceAndCrimeCommissionerX,national,",
            "object_type",
            "no rule HomeOffice / funds / PoliceAndCrimeCommissionerX in statutory/accountability.csv",
        ),
        (
            "HomeOffice,funds,PoliceAndCrimePanel,national,",
            "HomeOffice,funds,PoliceAndCrimePanel,national,fire",
            "responsible_authority",
            "only a membership of a CommunitySafetyPartnership makes a responsible authority",
        ),
    ],
)
def test_a_bad_application_of_a_rule(cspkg, national_build, bad_data, old, new, column, rule):
    """statutory/applications.csv: an unknown strategy, a rule that does not exist, a responsible
    authority kind on a rule that makes none: file, line and column, and the old build serves."""
    _, store, before = national_build
    applications = bad_data / "reference" / "statutory" / "applications.csv"
    edit(applications, old, new)
    line = line_of(applications, new)
    build_fails(cspkg, bad_data, store, f"applications.csv:{line}: {column}:", rule)
    assert_old_build_serves(store, before)


@pytest.mark.parametrize(
    ("file", "old", "new", "column", "rule"),
    [
        (
            "statutory/fire_authorities.csv",
            "E31000016,Gloucestershire,gloucestershire-county-council,",
            "E31000016,Gloucestershire,gloucestershire-fire-council,",
            "body",
            "no body 'gloucestershire-fire-council' in the graph",
        ),
        (
            "statutory/fire_authorities.csv",
            "E31000016,Gloucestershire,",
            "E31000099,Gloucestershire,",
            "fra_code",
            "E31000099 is not a fire and rescue area of ltla24_fra24_lookup.csv",
        ),
        (
            "statutory/fire_authorities.csv",
            "2016-03-31,E06000054;E06000030,",
            "2016-03-31,E06000054;E06000026,",
            "covers",
            "the districts lie outside fire and rescue area E31000047",
        ),
        (
            "statutory/crcs.csv",
            "Merseyside CRC,Merseyside,Merseyside,",
            "Merseyside CRC,Merseyside,Merseyside;Cumbria,",
            "police_force_areas",
            "'Cumbria' is already in the CRC on line 3",
        ),
        (
            "statutory/crc_owners.csv",
            "Essex CRC,sodexo-justice-services",
            "Essex Community CRC,sodexo-justice-services",
            "crc",
            "'Essex Community CRC' is not a CRC of statutory/crcs.csv",
        ),
        (
            "statutory/local_health_boards.csv",
            "W11000027,Cwm Taf University Health Board,2009-10-01,2019-03-31,",
            "W11000027,Cwm Taf University Health Board,2009-10-01,2019-03-3,",
            "valid_to",
            "'2019-03-3' is not a date",
        ),
    ],
)
def test_bad_responsible_authority_data(cspkg, national_build, bad_data, file, old, new, column, rule):
    """Fire, health and probation tables: file, line and column of each problem; the old build serves."""
    _, store, before = national_build
    path = bad_data / "reference" / file
    edit(path, old, new)
    line = line_of(path, new)
    build_fails(cspkg, bad_data, store, f"{Path(file).name}:{line}: {column}:", rule)
    assert_old_build_serves(store, before)


def test_a_missing_reference_file(cspkg, national_build, bad_data):
    _, store, before = national_build
    (bad_data / "reference" / "ltla23_utla23_lookup.csv").unlink()
    build_fails(cspkg, bad_data, store, "ltla23_utla23_lookup.csv: the reference file is missing")
    assert_old_build_serves(store, before)


def test_a_curated_type_that_contradicts_the_national_layer(cspkg, national_build, bad_data):
    """A curator may refine a national body's class, not contradict it."""
    _, store, before = national_build
    minutes = next((bad_data / "minutes").glob("*.yaml"))
    edit(
        minutes,
        "    type: DistrictCouncil\n    name: Chesterfield Borough Council",
        "    type: UnitaryAuthority\n    name: Chesterfield Borough Council",
    )
    line = line_of(minutes, "type: UnitaryAuthority")
    build_fails(
        cspkg, bad_data, store, f"{minutes.name}:{line}:", "which does not agree with UnitaryAuthority"
    )
    assert_old_build_serves(store, before)


# -- reconciliation: possible matches are warnings ---------------------------------------------

LOOKALIKE = """source:
  id: lookalike-test
  title: Test minutes naming national bodies under other ids
  kind: minutes
  date: 2024-01-10
bodies:
  - id: derbyshire-police
    type: PoliceForce
    name: Derbyshire Constabulary
    cite: item 1
  - id: safer-amber-valley
    type: CommunitySafetyPartnership
    name: Amber Valley Community Safety Partnerships
    cite: item 2
  - id: amber-valley-youth-forum
    type: Organisation
    name: Amber Valley Youth Forum
    cite: item 3
"""


def test_a_curated_body_like_a_national_one_is_a_possible_match(bad_data):
    minutes = bad_data / "minutes" / "lookalike-test.yaml"
    minutes.write_text(LOOKALIKE)
    settings = Settings(data_dir=bad_data, store_dir=bad_data.parent / "unused", workers=1)
    reporter = Reporter()
    pipeline.compile_files(pipeline.read_inputs(settings, reporter), settings, reporter)  # no error
    found = {w.line or 0: str(w) for w in reporter.warnings if w.file.endswith("lookalike-test.yaml")}
    assert sorted(found) == [
        line_of(minutes, "name: Derbyshire Constabulary"),
        line_of(minutes, "name: Amber Valley Community Safety Partnerships"),
    ]
    assert (
        "possible match: body 'derbyshire-police' ('Derbyshire Constabulary') is close to the national body "
        "'derbyshire-constabulary'" in found[min(found)]
    )
    assert "'amber-valley-csp'" in found[max(found)]


def test_the_cli_prints_possible_matches_and_still_succeeds(cspkg, bad_data):
    minutes = bad_data / "minutes" / "lookalike-test.yaml"
    minutes.write_text(LOOKALIKE)
    result = cspkg("validate", "--quiet", "--data", bad_data, minutes)
    assert result.exit_code == 0, result.output
    assert "warning: " in result.stderr and "possible match: body 'derbyshire-police'" in result.stderr


def test_without_a_reference_folder_there_is_no_national_layer(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(GOOD_DATA, data)
    settings = Settings(data_dir=data, store_dir=tmp_path / "store", workers=1)
    files = pipeline.read_inputs(settings, Reporter())
    assert all(ff.doc.source.kind != "reference-data" for ff in files)
