"""ONS lower-tier to upper-tier local authority lookup (April 2023).

Gives each county council the districts it covers, and the areas of the health and wellbeing
boards: each upper-tier council in England must set one up (Health and Social Care Act 2012
s.194), declared here with the id slug of the council's short name + '-health-and-wellbeing-board'.
Joint boards and the boards' own names are not in the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..facts.reader import FactFile
from .areas import Geography
from .document import document, entry, slug
from .table import LAD_CODE, UTLA_CODE, Column, Table, read_table

if TYPE_CHECKING:
    from .local_authorities import Councils

FILE = "ltla23_utla23_lookup.csv"
COLUMNS = [
    Column("ltla23_code", LAD_CODE),
    Column("ltla23_name"),
    Column("utla23_code", UTLA_CODE),
    Column("utla23_name"),
]
SOURCE = {
    "id": "ons-ltla-utla-2023",
    "title": "Lower Tier Local Authority to Upper Tier Local Authority (April 2023) Lookup in England and Wales",
    "date": "2023-04",
    "url": "https://geoportal.statistics.gov.uk/",
    "licence": "Open Government Licence v3.0. Source: Office for National Statistics licensed under the "
    "Open Government Licence v3.0",
    "note": "ONS lookup LTLA23_UTLA23_EW_LU, as packaged by humaniverse/geographr (columns renamed). Health and "
    "wellbeing boards are added for each upper-tier council in England (Health and Social Care Act 2012 "
    "s.194); see data/reference/PROVENANCE.md.",
}
HWB_NOTE = (
    "Each upper-tier council in England must set up a health and wellbeing board, a committee of the "
    "council (Health and Social Care Act 2012 s.194). Its own name, and any joint board, are not in the "
    "reference data. It exists from the later of 1 Apr 2013 (s.194 in force) and the council's first day."
)
HWB_DUTY = "2013-04-01"


def hwb_id(nice_name: str) -> str:
    return f"{slug(nice_name)}-health-and-wellbeing-board"


@dataclass
class UpperTier:
    table: Table
    utla_of: dict[str, str] = field(default_factory=dict)  # district GSS → upper-tier GSS
    utla_line: dict[str, int] = field(default_factory=dict)  # upper-tier GSS → first line


def read_upper_tier(reference_dir: Path, geo: Geography) -> UpperTier:
    table = read_table(reference_dir / FILE, COLUMNS)
    table.rows = [r for r in table.rows if all(r[c.name] for c in COLUMNS)]
    table.unique("district", lambda r: r["ltla23_code"], "ltla23_code")
    table.functional("upper-tier authority", "utla23_code", "utla23_name", "a code has one name")
    upper = UpperTier(table)
    for row in table.rows:
        lad = row["ltla23_code"]
        if geo.lad_name and lad not in geo.lad_name:
            table.error(
                row.line,
                "ltla23_code",
                f"district {lad} ({row['ltla23_name']}) is not in the ONS lookup {geo.table.path}",
            )
        upper.utla_of.setdefault(lad, row["utla23_code"])
        upper.utla_line.setdefault(row["utla23_code"], row.line)
    for lad, name in geo.lad_name.items():
        if lad not in upper.utla_of:
            table.error(
                None,
                "ltla23_code",
                f"district {lad} ({name}) of {geo.table.path} has no upper-tier authority here",
            )
    return upper


def boards_document(upper: UpperTier, councils: Councils) -> FactFile:
    from .local_authorities import council_id, later

    boards = []
    for utla, line in upper.utla_line.items():
        if not utla.startswith("E"):
            continue  # health and wellbeing boards are English
        council = councils.by_gss.get(utla)
        if council is None:
            upper.table.error(
                line,
                "utla23_code",
                f"upper-tier authority {utla} has no current council in the register {councils.table.path}",
            )
            continue
        nice = council["nice-name"]
        boards.append(
            entry(
                line,
                id=hwb_id(nice),
                type="HealthAndWellbeingBoard",
                name=f"{nice} Health and Wellbeing Board",
                part_of=council_id(council["official-name"]),
                area=nice,
                start=later(council.get("start-date"), HWB_DUTY),
                note=HWB_NOTE,
                cite=f"line {line}; Health and Social Care Act 2012 s.194",
            )
        )
    upper.table.raise_errors()
    return document(upper.table.path, SOURCE, bodies=boards)
