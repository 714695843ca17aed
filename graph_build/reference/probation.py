"""Community rehabilitation companies (2014-06-01 to 2021-06-25) by police force area, and their owners.

statutory/crcs.csv names the police force areas of each of the 21 CRCs (every area exactly once);
each CRC covers the districts of its areas, past and present. statutory/crc_owners.csv gives who
owned and ran each CRC under its contract with the Ministry of Justice, and when: a link from the
owner to the CRC (mechanism governance, status contractual). Before the share sale of 1 February
2015 the CRCs were publicly owned; that is not recorded as a link. statutory/probation_units.csv
declares the seven NPS divisions (2014-2021) and the twelve Probation Service regions (from
2021-06-26) as parts of the national services.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..facts.reader import FactFile
from ..facts.yaml_lines import LineDict
from .document import document, entry, slug
from .responsible import Loaded, Places
from .table import DATE, Column, Row, Table, read_table

CRC_FILE = "statutory/crcs.csv"
OWNERS_FILE = "statutory/crc_owners.csv"
UNITS_FILE = "statutory/probation_units.csv"
UNIT_COLUMNS = [
    Column("id", (r"[a-z0-9]+(-[a-z0-9]+)*", "a body id")),
    Column("name"),
    Column("type", choices=("NationalProbationServiceDivision", "ProbationRegion")),
    Column("part_of", choices=("national-probation-service", "probation-service")),
    Column("valid_from", DATE),
    Column("valid_to", DATE, required=False),
    Column("source"),
]
CRC_COLUMNS = [
    Column("crc"),
    Column("contract_package_area"),
    Column("police_force_areas"),
    Column("start", DATE),
    Column("end", DATE),
    Column("source"),
    Column("notes", required=False),
]
OWNER_COLUMNS = [
    Column("crc"),
    Column("owner", (r"[a-z0-9]+(-[a-z0-9]+)*", "a body id")),
    Column("owner_name"),
    Column("valid_from", DATE),
    Column("valid_to", DATE),
    Column("source"),
]
OMA_S3 = "Offender Management Act 2007 s.3 (arrangements for the provision of probation services)"
SOURCE = {
    "id": "community-rehabilitation-companies",
    "title": "Community rehabilitation companies 2014-2021: their police force areas and owners",
    "date": "2026-12",
    "note": "The 21 CRCs from the domain table (shared/domain/crcs.csv), owners checked against BBC News, "
    "russellwebster.com, Civil Service World and HM Inspectorate of Probation; see data/reference/PROVENANCE.md.",
}


def crc_id(name: str) -> str:
    """'Dorset, Devon and Cornwall CRC' → 'dorset-devon-and-cornwall-crc' (the curated minutes' id)."""
    return slug(name.split(" (")[0])


def read_probation(reference_dir: Path, places: Places) -> Loaded:
    out = Loaded()
    crcs = read_table(reference_dir / CRC_FILE, CRC_COLUMNS)
    owners = read_table(reference_dir / OWNERS_FILE, OWNER_COLUMNS)
    out.tables += [crcs, owners]
    crcs.unique("CRC", lambda r: r["crc"], "crc")
    pfa_by_name = {name: code for code, name in places.geo.pfa_name.items()}
    districts: dict[str, set[str]] = defaultdict(set)  # PFA code → area ids, past and present
    for lad, pfa in places.geo.lad_pfa.items():
        districts[pfa].update(places.districts(24, [lad]))
    seen: dict[str, int] = {}
    for row in crcs.rows:
        covers: set[str] = set()
        for name in row["police_force_areas"].split(";"):
            code = pfa_by_name.get(name)
            if code is None:
                crcs.error(
                    row.line, "police_force_areas", f"'{name}' is not a police force area of the ONS lookup"
                )
            elif code in seen:
                crcs.error(
                    row.line, "police_force_areas", f"'{name}' is already in the CRC on line {seen[code]}"
                )
            else:
                seen[code] = row.line
                covers |= districts[code]
        out.bodies.append(_crc(row, covers))
    for code, name in places.geo.pfa_name.items():
        if code not in seen:
            crcs.error(None, "police_force_areas", f"police force area '{name}' has no CRC")
    _owners(owners, {r["crc"] for r in crcs.rows}, out)
    _units(reference_dir, out)
    return out


def _units(reference_dir: Path, out: Loaded) -> None:
    """The NPS divisions and the Probation Service regions: parts of the national services (which
    are the CSPs' members); the areas each covered are not in the data."""
    units = read_table(reference_dir / UNITS_FILE, UNIT_COLUMNS)
    units.unique("unit", lambda r: r["id"], "id")
    out.tables.append(units)
    for row in units.rows:
        out.bodies.append(
            entry(
                row.line,
                id=row["id"],
                type=row["type"],
                name=row["name"],
                part_of=row["part_of"],
                start=row["valid_from"],
                end=row.get("valid_to"),
                note=row["source"],
                cite=f"{UNITS_FILE} line {row.line}",
            )
        )


def _crc(row: Row, covers: set[str]) -> LineDict:
    name = row["crc"].split(" (")[0]
    return entry(
        row.line,
        id=crc_id(row["crc"]),
        type="CommunityRehabilitationCompany",
        name=name.replace(" CRC", " Community Rehabilitation Company"),
        alt_names=[row["crc"]] + ([name] if name != row["crc"] else []),
        area=row["contract_package_area"],
        start=row["start"],
        end=row["end"],
        covers=sorted(covers),
        note=f"The CRC of the {row['contract_package_area']} package area."
        + (f" {row['notes']}" if row.get("notes") else ""),
        cite=f"{CRC_FILE} line {row.line}",
    )


def _owners(table: Table, crcs: set[str], out: Loaded) -> None:
    declared: set[str] = set()
    for row in table.rows:
        if row["crc"] not in crcs:
            table.error(row.line, "crc", f"'{row['crc']}' is not a CRC of {CRC_FILE}")
            continue
        if row["owner"] not in declared:
            declared.add(row["owner"])
            out.bodies.append(
                entry(
                    row.line,
                    id=row["owner"],
                    type="ServiceProvider",
                    name=row["owner_name"],
                    cite=f"{OWNERS_FILE} line {row.line}",
                )
            )
        out.links.append(
            entry(
                row.line,
                holder=row["owner"],
                held=crc_id(row["crc"]),
                mechanism="governance",
                status="contractual",
                legal_basis=f"{OMA_S3}: the Ministry of Justice's contract with the CRC, owned and run by "
                f"{row['owner_name']}",
                legislation="http://www.legislation.gov.uk/id/ukpga/2007/21/section/3",
                start=row["valid_from"],
                end=row["valid_to"],
                note=row["source"],
                cite=f"{OWNERS_FILE} line {row.line}",
            )
        )


def probation_document(loaded: Loaded) -> FactFile:
    return document(loaded.tables[0].path, SOURCE, bodies=loaded.bodies, links=loaded.links)
