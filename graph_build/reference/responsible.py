"""The responsible authorities the ONS lookups let us name: fire and rescue, health and probation.

Crime and Disorder Act 1998 s.5(1) makes every fire and rescue authority, health body and
probation provider "any part of whose area lies within" a district a responsible authority for
it; the statutory model (statutory.py) applies that to the bodies declared here by district:

- **fire and rescue**: the 47 fire and rescue areas of the ONS lookups (2021 and 2024) and the body
  governing each over time (statutory/fire_authorities.csv): a combined or metropolitan fire
  authority declared here, or a body of the graph in that capacity (a county or unitary council,
  a police, fire and crime commissioner, a mayoral combined authority) for its dates only;
- **health**: the 106 clinical commissioning groups of April 2021 (2013-04-01 to 2022-06-30), the
  42 integrated care boards of the 2022 and 2024 lookups (from 2022-07-01), and the Welsh local
  health boards (statutory/local_health_boards.csv). A district split between two bodies is in
  both, unless the smaller part holds less than SLIVER of its LSOAs (a best-fit artefact);
- **probation**: the 21 community rehabilitation companies by police force area
  (statutory/crcs.csv, 2014-06-01 to 2021-06-25) and their owners as contract links with dates
  (statutory/crc_owners.csv).

Each body covers its districts with the former districts they replaced (districts.py), so a rule
binds it to the CSPs of each period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildError
from ..facts.reader import FactFile
from ..facts.yaml_lines import LineDict
from .areas import Geography, area_id
from .bodies import Office
from .districts import DistrictHistory, as_of
from .document import document, entry, slug
from .table import DATE, LAD_CODE, Column, Row, Table, read_table
from .upper_tier import UpperTier

SLIVER = 0.02  # a body holding less of a district's LSOAs than this is not counted in it
FIRE_FILE = "statutory/fire_authorities.csv"
FRA_LOOKUPS = {21: "ltla21_fra21_lookup.csv", 24: "ltla24_fra24_lookup.csv"}
FRA_CODE = (r"(E31|W25)\d{6}", "a fire and rescue area code (E31 or W25 and six digits)")
FIRE_KINDS = (
    "combined fire authority",
    "metropolitan county fire and rescue authority",
    "Welsh fire and rescue authority",
    "London fire authority",
    "county council",
    "police fire and crime commissioner",
    "mayoral combined authority",
)
DISTRICTS = (r"([EW]\d{8})(;[EW]\d{8})*", "district or upper-tier codes separated by ';'")
FIRE_COLUMNS = [
    Column("fra_code", FRA_CODE),
    Column("fra_name"),
    Column("body", (r"[a-z0-9]+(-[a-z0-9]+)*", "a body id")),
    Column("name", required=False),
    Column("kind", choices=FIRE_KINDS),
    Column("valid_from", DATE, required=False),
    Column("valid_to", DATE, required=False),
    Column("covers", DISTRICTS, required=False),
    Column("source"),
]
FIRE_SOURCE = {
    "id": "fire-and-rescue-authorities",
    "title": "Fire and rescue authorities of England and Wales and the districts they cover",
    "date": "2026-12",
    "licence": "Open Government Licence v3.0. Source: Office for National Statistics licensed under the "
    "Open Government Licence v3.0",
    "note": "Fire and rescue areas from the ONS LAD to FRA lookups (December 2021 and December 2024, packaged "
    "by humaniverse/geographr); the governing body of each over time from statutory/fire_authorities.csv; "
    "see data/reference/PROVENANCE.md.",
}


@dataclass
class Places:
    """What the loaders need of the other reference files to place a body."""

    geo: Geography
    history: DistrictHistory
    upper: UpperTier

    def known(self, code: str) -> bool:
        return code in self.geo.lad_name or code in self.history.name

    def districts(self, year: int, codes: Iterable[str]) -> list[str]:
        """Area ids of districts of a lookup of `year` and the former districts they replaced."""
        return sorted(area_id(c) for c in as_of(self.history, year, set(codes)))

    def of_upper(self, code: str) -> set[str]:
        """The districts of an upper-tier council, or the district itself."""
        found = {lad for lad, utla in self.upper.utla_of.items() if utla == code}
        return found or {code}


@dataclass
class Loaded:
    """Bodies and links for a document, and capacities of bodies declared elsewhere."""

    tables: list[Table] = field(default_factory=list)
    bodies: list[LineDict] = field(default_factory=list)
    links: list[LineDict] = field(default_factory=list)
    capacities: dict[str, list[Office]] = field(default_factory=lambda: defaultdict(list))
    history: dict[str, list[Office]] = field(default_factory=dict)
    capacity_lines: list[tuple[str, str, int]] = field(default_factory=list)  # (body id, file, line)

    @property
    def errors(self) -> list:
        return [e for t in self.tables for e in t.errors]


def _lookup(reference_dir: Path, file: str, year: int, area: str, pattern: tuple[str, str]) -> Table:
    columns = [
        Column(f"ltla{year}_code", LAD_CODE),
        Column(f"ltla{year}_name"),
        Column(f"{area}_code", pattern),
        Column(f"{area}_name"),
    ]
    return read_table(reference_dir / file, columns)


def _check_districts(table: Table, places: Places, column: str) -> list[Row]:
    """Rows whose district is one the ONS lookups know; the others are errors."""
    good = []
    for row in table.rows:
        if places.known(row[column]):
            good.append(row)
        else:
            table.error(
                row.line, column, f"district {row[column]} is in no ONS lookup of districts 2016-2024"
            )
    return good


def read_fire(reference_dir: Path, places: Places) -> Loaded:
    out = Loaded()
    areas: dict[str, set[str]] = defaultdict(set)  # FRA code → area ids of its districts
    names: dict[str, str] = {}
    for year, file in FRA_LOOKUPS.items():
        table = _lookup(reference_dir, file, year, f"fra{year}", FRA_CODE)
        out.tables.append(table)
        for row in _check_districts(table, places, f"ltla{year}_code"):
            areas[row[f"fra{year}_code"]].update(places.districts(year, [row[f"ltla{year}_code"]]))
            if year == 24:
                names[row["fra24_code"]] = row["fra24_name"]
    rules = read_table(reference_dir / FIRE_FILE, FIRE_COLUMNS)
    out.tables.append(rules)
    for row in rules.rows:
        _fire_row(out, rules, row, places, areas, names)
    for code, name in names.items():
        if not any(r["fra_code"] == code for r in rules.rows):
            rules.error(None, "fra_code", f"fire and rescue area {code} ({name}) has no governing body here")
    return out


def _fire_row(out: Loaded, table: Table, row: Row, places: Places, areas: dict, names: dict) -> None:
    code = row["fra_code"]
    if code not in names:
        table.error(row.line, "fra_code", f"{code} is not a fire and rescue area of {FRA_LOOKUPS[24]}")
        return
    if row["fra_name"] != names[code]:
        table.error(row.line, "fra_name", f"area {code} is '{names[code]}' in {FRA_LOOKUPS[24]}")
    covers = areas[code]
    if row.get("covers"):
        parts = [c for c in row["covers"].split(";")]
        unknown = [c for c in parts if not places.known(c) and c not in places.upper.utla_of.values()]
        if unknown:
            table.error(row.line, "covers", f"unknown district or upper-tier code {', '.join(unknown)}")
            return
        covers = set(places.districts(24, {d for c in parts for d in places.of_upper(c)}))
        if not covers <= areas[code]:
            table.error(row.line, "covers", f"the districts lie outside fire and rescue area {code}")
    start, end = row.get("valid_from"), row.get("valid_to")
    if not row.get("name"):  # a body of the graph, in this capacity for these dates
        out.capacities[row["body"]].append(
            Office("FireAndRescueAuthority", start, end, frozenset(covers), f"{FIRE_FILE} line {row.line}")
        )
        out.capacity_lines.append((row["body"], table.path, row.line))
        return
    out.bodies.append(
        entry(
            row.line,
            id=row["body"],
            type="FireAndRescueAuthority",
            name=row["name"],
            area=names[code],
            start=start,
            end=end,
            covers=sorted(covers),
            note=f"A {row['kind']} (fire and rescue area {code}): {row['source']}",
            cite=f"{FIRE_FILE} line {row.line}",
        )
    )


def fire_document(loaded: Loaded) -> FactFile:
    return document(loaded.tables[-1].path, FIRE_SOURCE, bodies=loaded.bodies)


def raise_errors(loaded: Loaded) -> None:
    if loaded.errors:
        raise BuildError(loaded.errors)


def body_id(name: str) -> str:
    return slug(name)


def read_places(reference_dir: Path) -> Places:
    """The geography the loaders place bodies in, read again (for the statutory model)."""
    from .areas import read_geography
    from .districts import read_district_history
    from .upper_tier import read_upper_tier

    geo = read_geography(reference_dir)
    return Places(geo, read_district_history(reference_dir, geo), read_upper_tier(reference_dir, geo))
