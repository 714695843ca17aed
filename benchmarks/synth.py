"""Synthetic national-scale data in the real fact format, for the build benchmark.

`generate(folder, triples)` writes a data folder like `data/`: `registers/` declaring the bodies of
invented police force areas (force, chief constable, PCC, panel, fire, probation, health, county
councils, and per district its council, CSP, crime and disorder committee, groups ...) and
`minutes/` with one file per CSP board meeting, using every section of the format (body mentions
with alternative names, people, posts, memberships, accountability links, a meeting with agenda
items and decisions, observations, initiatives, concerns) and every kind of date. Sizes are
approximate: about `triples` triples once built (the ontology graph adds about 1,600).

    python benchmarks/synth.py /tmp/synth-100k --triples 100000
"""

from __future__ import annotations

import argparse
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# Built triples per unit, measured on generated data (see `calibrate` in build_bench.py).
TRIPLES_PER_AREA_REGISTER = 440
TRIPLES_PER_MINUTES = 580
CSPS_PER_AREA = (4, 10)
MAX_AREAS = 43  # police force areas of England and Wales

_STEMS = (
    "Ash",
    "Bram",
    "Cal",
    "Dun",
    "Elm",
    "Fen",
    "Gar",
    "Hal",
    "Ire",
    "Kel",
    "Lin",
    "Mar",
    "Nor",
    "Oak",
    "Pen",
    "Quen",
    "Ros",
    "Sal",
    "Thorn",
    "Wel",
    "Yar",
    "Brid",
    "Cor",
    "Dal",
    "Hart",
    "Lang",
    "Mel",
    "Rad",
    "Sten",
    "Wes",
)
_ENDS = (
    "ham",
    "ford",
    "bury",
    "ton",
    "field",
    "wick",
    "worth",
    "ley",
    "minster",
    "chester",
    "by",
    "stow",
    "mouth",
    "bridge",
    "dale",
)
_FIRST = (
    "Alex",
    "Sam",
    "Jo",
    "Chris",
    "Pat",
    "Robin",
    "Kim",
    "Lee",
    "Jamie",
    "Morgan",
    "Ashley",
    "Toni",
    "Rowan",
    "Jude",
    "Ali",
    "Nat",
    "Dee",
    "Ravi",
    "Priya",
    "Owen",
    "Megan",
    "Tom",
    "Sara",
    "Hugh",
)
_LAST = (
    "Smith",
    "Jones",
    "Patel",
    "Khan",
    "Evans",
    "Hughes",
    "Wright",
    "Walker",
    "Green",
    "Hall",
    "Wood",
    "Clarke",
    "Lewis",
    "Price",
    "Morris",
    "Bell",
    "Shaw",
    "Mills",
    "Reid",
    "Fox",
    "Lamb",
    "Nash",
    "Owen",
    "Shah",
)
_ITEMS = (
    "Apologies and substitutions",
    "Minutes of the last meeting",
    "Matters arising",
    "Strategic assessment",
    "Partnership plan progress",
    "Performance report",
    "Anti-social behaviour update",
    "Domestic abuse update",
    "Serious violence duty",
    "Reducing reoffending",
    "PCC grant allocation",
    "Youth justice update",
    "Hate crime",
    "Prevent and counter-terrorism",
    "Drugs and alcohol",
    "Community trigger reviews",
    "Domestic homicide reviews",
    "Risk register",
    "Any other business",
)
_INDICATORS = (
    "All recorded crime",
    "Anti-social behaviour incidents",
    "Domestic abuse incidents",
    "Violence with injury",
    "Burglary (residential)",
    "Vehicle crime",
    "Repeat victims of domestic abuse",
    "First-time entrants to youth justice",
    "Proven reoffending rate",
    "Hate crimes reported",
    "Calls to 101 abandoned",
    "Knife crime offences",
    "Drug-related deaths",
    "Shoplifting offences",
)
_UNITS = ("count", "percent", "rate-per-1000", "count", "count")
_ROLES_OF_PEOPLE = (
    "chair",
    "vice-chair",
    "lead-officer",
    "head-of-service",
    "superintendent",
    "director",
    "manager",
    "officer",
    "cabinet-member",
    "portfolio-holder",
)


@dataclass
class District:
    key: str  # slug: 'ashford'
    name: str  # 'Ashford'
    unitary: bool
    people: list[str] = field(default_factory=list)  # ids declared in this district's minutes
    meetings: int = 0


@dataclass
class Area:
    key: str
    name: str
    county: str | None  # county council slug in two-tier areas
    districts: list[District] = field(default_factory=list)


def _names(rng: random.Random) -> Iterator[str]:
    seen: set[str] = set()
    while True:
        name = rng.choice(_STEMS) + rng.choice(_ENDS)
        if rng.random() < 0.15:
            name = rng.choice(("North ", "South ", "East ", "West ", "Upper ", "Greater ")) + name
        if name not in seen:
            seen.add(name)
            yield name


def _slug(text: str) -> str:
    return "-".join(text.lower().replace("&", "and").split())


def _date(rng: random.Random, year: int) -> str:
    """A date as sources give them: mostly a day, sometimes a month, a year or a range."""
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    r = rng.random()
    if r < 0.7:
        return f"{year}-{month:02d}-{day:02d}"
    if r < 0.85:
        return f"{year}-{month:02d}"
    if r < 0.93:
        return str(year)
    return f"{{not_before: {year}-{month:02d}-{day:02d}, not_after: {year}-{min(12, month + 2):02d}}}"


class Writer:
    """Writes fact files in block style, as curators do."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, text: str) -> None:
        self.lines.append(text)

    def entry(self, indent: int, pairs: list[tuple[str, object]]) -> None:
        """One list entry: `- k: v` then `  k: v` lines; None values are left out."""
        pad = " " * indent
        first = True
        for key, value in pairs:
            if value is None:
                continue
            self.lines.append(f"{pad}{'- ' if first else '  '}{key}: {value}")
            first = False

    def text(self) -> str:
        # a section header with no entries under it is an empty list
        out = []
        for i, line in enumerate(self.lines):
            is_header = line.endswith(":") and not line.startswith(" ")
            last_or_followed_by_header = i + 1 == len(self.lines) or not self.lines[i + 1].startswith(" ")
            out.append(f"{line} []" if is_header and last_or_followed_by_header else line)
        return "\n".join(out) + "\n"


def _q(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def plan(triples: int, seed: int = 0) -> tuple[list[Area], int]:
    """The areas to declare and how many sets of minutes to write for about `triples` triples."""
    rng = random.Random(seed)
    n_areas = max(1, min(MAX_AREAS, round(triples / 25_000)))
    names = _names(rng)
    areas = []
    for _ in range(n_areas):
        name: str = next(names)
        two_tier = rng.random() < 0.5
        area = Area(_slug(name), name, f"{_slug(name)}-county-council" if two_tier else None)
        for _ in range(rng.randint(*CSPS_PER_AREA)):
            dname: str = next(names)
            area.districts.append(District(_slug(dname), dname, unitary=not two_tier))
        areas.append(area)
    n_minutes = max(1, round((triples - n_areas * TRIPLES_PER_AREA_REGISTER) / TRIPLES_PER_MINUTES))
    return areas, n_minutes


def register_text(area: Area) -> str:
    """The register of one police force area's bodies."""
    w = Writer()
    a, n = area.key, area.name
    w.add("# Synthetic register of one police force area (benchmark data).")
    w.add("source:")
    w.add(f"  id: register-{a}")
    w.add(f"  title: {_q(f'Register of community safety bodies in {n}')}")
    w.add("  kind: register")
    w.add("  date: 2026-11")
    w.add("bodies:")
    cite = "cite: register"
    bodies: list[tuple[str, str, str, str | None, str | None, str | None]] = [
        (f"{a}-police", "PoliceForce", f"{n} Police", None, None, None),
        (f"{a}-chief-constable", "ChiefConstable", f"Chief Constable of {n} Police", None, None, None),
        (
            f"{a}-pcc",
            "PoliceAndCrimeCommissioner",
            f"{n} Police and Crime Commissioner",
            None,
            "2012-11-22",
            None,
        ),
        (
            f"{a}-police-and-crime-panel",
            "PoliceAndCrimePanel",
            f"{n} Police and Crime Panel",
            None,
            "2012-04-25",
            None,
        ),
        (
            f"{a}-fire-and-rescue-authority",
            "FireAndRescueAuthority",
            f"{n} Fire and Rescue Authority",
            None,
            None,
            None,
        ),
        (
            f"{a}-crc",
            "CommunityRehabilitationCompany",
            f"{n} Community Rehabilitation Company",
            None,
            "2014-06-01",
            "2021-06-25",
        ),
        (
            f"{a}-ccg",
            "ClinicalCommissioningGroup",
            f"{n} Clinical Commissioning Group",
            None,
            "2013-04-01",
            "2022-06-30",
        ),
        (f"{a}-icb", "IntegratedCareBoard", f"{n} Integrated Care Board", None, "2022-07-01", None),
        (
            f"{a}-local-criminal-justice-board",
            "LocalCriminalJusticeBoard",
            f"{n} Local Criminal Justice Board",
            None,
            "2003",
            None,
        ),
    ]
    if area.county:
        bodies.append((area.county, "CountyCouncil", f"{n} County Council", None, None, None))
    for d in area.districts:
        k, dn = d.key, d.name
        council = f"{k}-council"
        kind = "UnitaryAuthority" if d.unitary else "DistrictCouncil"
        bodies += [
            (council, kind, f"{dn} {'Council' if d.unitary else 'Borough Council'}", None, None, None),
            (
                f"{k}-csp",
                "CommunitySafetyPartnership",
                f"{dn} Community Safety Partnership",
                council,
                "1998-09-30",
                None,
            ),
            (
                f"{k}-crime-and-disorder-committee",
                "CrimeAndDisorderCommittee",
                f"{dn} Crime and Disorder Committee",
                council,
                "2009-04-30",
                None,
            ),
            (f"{k}-asb-group", "ThematicGroup", f"{dn} ASB Tactical Group", f"{k}-csp", None, None),
            (
                f"{k}-youth-offending-team",
                "YouthOffendingTeam",
                f"{dn} Youth Offending Team",
                council,
                "2000-04-01",
                None,
            ),
        ]
        if d.unitary:
            bodies.append(
                (
                    f"{k}-health-and-wellbeing-board",
                    "HealthAndWellbeingBoard",
                    f"{dn} Health and Wellbeing Board",
                    council,
                    "2013-04-01",
                    None,
                )
            )
    for id_, type_, name, part_of, start, end in bodies:
        w.entry(
            2,
            [
                ("id", id_),
                ("type", type_),
                ("name", _q(name)),
                ("part_of", part_of),
                ("start", start),
                ("end", end),
                ("cite", "register"),
            ],
        )
    del cite
    return w.text()


def minutes_text(rng: random.Random, area: Area, d: District, seq: int) -> tuple[str, str]:
    """One set of CSP board minutes: (source id, file text)."""
    year = 2013 + (seq * 3 + rng.randint(0, 2)) % 13
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    sid = f"{d.key}-csp-board-{year}-{month:02d}-{seq}"
    a, k = area.key, d.key
    csp, council = f"{k}-csp", f"{k}-council"
    health = f"{a}-ccg" if year < 2022 else f"{a}-icb"
    probation = f"{a}-crc" if 2014 < year < 2021 else None
    w = Writer()
    w.add(f"# Synthetic minutes (benchmark data): {d.name} CSP board, meeting {seq}.")
    w.add("source:")
    w.add(f"  id: {sid}")
    w.add(f"  title: {_q(f'{d.name} Community Safety Partnership Board, minutes')}")
    w.add("  kind: minutes")
    w.add(f"  publisher: {council}")
    w.add(f"  date: {year}-{month:02d}-{day:02d}")
    w.add(f"  url: https://democracy.{k}.gov.uk/documents/{sid}.pdf")
    w.add(f"  local_copy: seeds/{sid}.txt")

    # bodies the minutes name: mentions, with the names this document uses
    w.add("bodies:")
    mentioned = [
        csp,
        council,
        f"{a}-police",
        f"{a}-chief-constable",
        f"{a}-pcc",
        f"{a}-fire-and-rescue-authority",
        health,
        f"{k}-asb-group",
        f"{k}-crime-and-disorder-committee",
        f"{k}-youth-offending-team",
    ]
    if area.county:
        mentioned.append(area.county)
    if probation:
        mentioned.append(probation)
    for i, body in enumerate(mentioned):
        alt = f"[Safer {d.name}, {d.name} CSP]" if body == csp else None
        w.entry(2, [("id", body), ("alt_names", alt), ("cite", f"front page, item {i + 1}")])

    # people: the first meeting of a district names its officers; later ones add one or two
    new_people = 4 if not d.people else rng.randint(0, 2)
    w.add("people:")
    for _ in range(new_people):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        pid = f"{_slug(first)}-{_slug(last)}-{k}-{len(d.people) + 1}"
        d.people.append(pid)
        w.entry(2, [("id", pid), ("name", f"{first} {last}"), ("cite", "item 1")])

    w.add("posts:")
    for j, role in enumerate(rng.sample(_ROLES_OF_PEOPLE, 3)):
        holder = rng.choice(d.people)
        start = _date(rng, year - rng.randint(0, 3))
        w.entry(
            2,
            [
                ("title", _q(f"{role.replace('-', ' ').title()}, {d.name} CSP")),
                ("body", csp if j < 2 else council),
                ("role", role),
                ("holder", holder),
                ("start", start),
                ("interim", "true" if rng.random() < 0.1 else None),
                ("cite", f"item {j + 2}"),
            ],
        )

    w.add("memberships:")
    members = [
        (council, "statutory"),
        (f"{a}-chief-constable", "statutory"),
        (f"{a}-fire-and-rescue-authority", "statutory"),
        (health, "statutory"),
        (f"{a}-pcc", "non-statutory"),
        (f"{k}-youth-offending-team", "unknown"),
    ]
    if area.county:
        members.append((area.county, "statutory"))
    if probation:
        members.append((probation, "statutory"))
    for j, (member, basis) in enumerate(members):
        w.entry(
            2,
            [
                ("member", member),
                ("organisation", csp),
                ("basis", basis),
                ("start", "1998-09-30" if basis == "statutory" and rng.random() < 0.3 else None),
                ("cite", f"item 1, para {j + 1}"),
            ],
        )
    for j, person in enumerate(rng.sample(d.people, min(2, len(d.people)))):
        w.entry(
            2,
            [
                ("member", person),
                ("organisation", f"{k}-asb-group"),
                ("role", rng.choice(("member", "chair"))),
                ("cite", f"item 7, para {j + 1}"),
            ],
        )

    w.add("links:")
    links: list[tuple[str, str, str, str, str | None, str | None]] = [
        (csp, f"{k}-asb-group", "holding-to-account", "agreed-locally", None, None),
        (
            f"{k}-crime-and-disorder-committee",
            csp,
            "scrutiny",
            "statutory",
            "Police and Justice Act 2006 s.19",
            "http://www.legislation.gov.uk/id/ukpga/2006/48/section/19",
        ),
        (
            f"{a}-pcc",
            csp,
            "funding",
            "statutory",
            "Police Reform and Social Responsibility Act 2011 s.9",
            "http://www.legislation.gov.uk/id/ukpga/2011/13/section/9",
        ),
        (f"{a}-pcc", csp, "reporting", rng.choice(("agreed-locally", "statutory")), None, None),
    ]
    if rng.random() < 0.3:
        links.append(
            (
                csp,
                f"{k}-youth-offending-team",
                "oversight",
                rng.choice(("proposed", "questioned")),
                None,
                None,
            )
        )
    if rng.random() < 0.2:
        links.append((f"{a}-pcc", f"{a}-chief-constable", "holding-to-account", "statutory", None, None))
    for j, (link_holder, held, mech, status, legal_basis, leg) in enumerate(links):
        w.entry(
            2,
            [
                ("holder", link_holder),
                ("held", held),
                ("mechanism", mech),
                ("status", status),
                ("legal_basis", _q(legal_basis) if legal_basis else None),
                ("legislation", leg),
                ("start", _date(rng, year - rng.randint(0, 5)) if rng.random() < 0.4 else None),
                ("cite", f"item {j + 4}"),
            ],
        )

    mid = f"{sid}-meeting"
    w.add("meetings:")
    attendees = "[" + ", ".join(rng.sample(d.people, min(3, len(d.people))) + [council, f"{a}-police"]) + "]"
    w.entry(
        2,
        [
            ("id", mid),
            ("body", csp),
            ("title", _q(f"{d.name} CSP Board")),
            ("date", f"{year}-{month:02d}-{day:02d}"),
            ("attendees", attendees),
            ("cite", "front page"),
        ],
    )
    w.add("    items:")
    titles = rng.sample(_ITEMS, rng.randint(8, 14))
    for n, title in enumerate(titles, 1):
        w.entry(
            6,
            [
                ("number", _q(str(n))),
                ("title", _q(title)),
                ("summary", _q(f"The board discussed {title.lower()} and agreed next steps.")),
                ("cite", f"item {n}"),
            ],
        )
        decisions = rng.choice((0, 1, 1, 2, 3))
        if decisions:
            w.add("        decisions:")
        for m in range(decisions):
            kind = rng.choice(("noting", "noting", "resolution", "decision", "recommendation", "delegation"))
            w.entry(
                10,
                [
                    ("kind", kind),
                    ("text", _q(f"{kind.title()} on {title.lower()}.")),
                    ("to", council if kind == "recommendation" else None),
                    ("delegate", rng.choice(d.people) if kind == "delegation" else None),
                    ("cite", f"item {n}({chr(97 + m)})"),
                ],
            )

    w.add("observations:")
    for n, indicator in enumerate(rng.sample(_INDICATORS, rng.randint(6, 14))):
        unit = rng.choice(_UNITS)
        value = round(rng.uniform(0, 100), 1) if unit != "count" else rng.randint(0, 5000)
        w.entry(
            2,
            [
                ("indicator", _q(indicator)),
                ("value", value),
                ("unit", unit),
                ("period", _q(f"{year - 1}-{str(year)[2:]}")),
                ("area", csp),
                ("comparison", _q(f"target {round(value * 0.9, 1)}") if rng.random() < 0.3 else None),
                ("cite", f"item 6, table {n + 1}"),
            ],
        )

    w.add("initiatives:")
    for n in range(rng.choice((0, 1, 1, 2))):
        kind = rng.choice(("Operation", "Pilot", "Programme", "Strategy", "Plan", "Service", "Review"))
        w.entry(
            2,
            [
                ("id", f"{sid}-initiative-{n + 1}"),
                ("type", kind),
                ("name", _q(f"{d.name} {kind} {n + 1}")),
                ("lead", f"[{csp}]"),
                ("partners", f"[{a}-police, {council}]"),
                ("start", _date(rng, year)),
                ("description", _q(f"A {kind.lower()} of the partnership.")),
                ("cite", f"item {n + 8}"),
            ],
        )

    w.add("concerns:")
    for n in range(rng.choice((0, 1, 1, 2))):
        kind = rng.choice(("gap", "concern", "contested", "question"))
        w.entry(
            2,
            [
                ("kind", kind),
                ("about", f"[{csp}, {health}]"),
                ("statement", _q(f"A {kind} the board recorded about health representation.")),
                ("raised_by", rng.choice(d.people)),
                ("cite", f"item {n + 10}"),
            ],
        )
    return sid, w.text()


NATIONAL = """# National bodies (benchmark data).
source:
  id: register-national-bodies
  title: Register of national bodies in community safety (England and Wales)
  kind: register
  date: 2026-11
bodies:
  - id: home-office
    type: HomeOffice
    name: Home Office
    cite: primer
  - id: ministry-of-justice
    type: MinistryOfJustice
    name: Ministry of Justice
    cite: primer
"""


def generate(folder: Path, triples: int, seed: int = 0) -> dict[str, int]:
    """Write a data folder of about `triples` triples; return what it holds."""
    folder = Path(folder)
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "registers").mkdir(parents=True)
    (folder / "minutes").mkdir()
    (folder / "registers" / "national.yaml").write_text(NATIONAL)
    areas, n_minutes = plan(triples, seed)
    for area in areas:
        (folder / "registers" / f"{area.key}.yaml").write_text(register_text(area))
    rng = random.Random(seed + 1)
    districts = [(area, d) for area in areas for d in area.districts]
    for i in range(n_minutes):
        area, d = districts[i % len(districts)]
        d.meetings += 1
        sid, text = minutes_text(rng, area, d, d.meetings)
        (folder / "minutes" / f"{sid}.yaml").write_text(text)
    return {
        "areas": len(areas),
        "districts": len(districts),
        "minutes": n_minutes,
        "bytes": sum(p.stat().st_size for p in folder.rglob("*.yaml")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(generate(args.folder, args.triples, args.seed))


if __name__ == "__main__":
    main()
