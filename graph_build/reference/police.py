"""Police forces (police.uk ids mapped to ONS police force areas), and the bodies of each area.

For each territorial force of England and Wales this declares the force (id: slug of its police.uk
name), its chief officer (area slug + '-chief-constable'), its local policing body (area slug +
'-pcc') and its police and crime panel (area slug + '-police-and-crime-panel').

What kind of local policing body an area has, and since when, is in
data/reference/statutory/local_policing_bodies.csv (the domain primer and the orders it cites):
London has MOPAC, scrutinised by the London Assembly; the City of London has none (its Common Council is the police
authority); a few areas moved from a PCC to a PFCC or to a mayor with PCC functions. Every other
area has a Police and Crime Commissioner from 22 Nov 2012. A body whose kind changed keeps one
id; its type is the most specific class true throughout (LocalPolicingBody where a PCC became a
mayor), and `office_history` gives the dated kinds the statutory model applies rules to.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..facts.dates import DateSpec
from ..facts.reader import FactFile
from .areas import Geography, area_id
from .bodies import Office
from .document import display_name, document, entry, slug
from .table import DATE, PFA_CODE, POLICE_UK_ID, Column, Table, read_table

FILE = "police_forces_policeuk_pfa.csv"
HISTORY_FILE = "statutory/local_policing_bodies.csv"
COLUMNS = [
    Column("force_id", POLICE_UK_ID),
    Column("name"),
    Column(
        "pfa_code",
        (r"(E23|W15|N23)\d{6}", "a police force area code (E23, W15 or N23 and six digits)"),
        required=False,
    ),
    Column("pfa_name", required=False),
    Column("country", choices=("england", "wales", "northern_ireland"), required=False),
    Column("notes", required=False),
]
HISTORY_TYPES = (
    "PoliceAndCrimeCommissioner",
    "PoliceFireAndCrimeCommissioner",
    "MayorWithPCCFunctions",
    "MayorsOfficeForPolicingAndCrime",
    "none",
)
HISTORY_COLUMNS = [
    Column("pfa_code", PFA_CODE),
    Column("pfa_name"),
    Column("type", choices=HISTORY_TYPES),
    Column("valid_from", DATE, required=False),
    Column("valid_to", DATE, required=False),
    Column("source"),
]
SOURCE = {
    "id": "policeuk-forces",
    "title": "Police forces of England and Wales: police.uk force ids and ONS police force areas",
    "date": "2026-09-16",
    "url": "https://data.police.uk/docs/method/forces/",
    "licence": "Open Government Licence v3.0 (data.police.uk and ONS); crosswalk by Black Thrive Global (MIT)",
    "note": "Forces from BlackThrive/streetlamp inst/extdata/forces.csv. Chief officers, local policing bodies "
    "and police and crime panels are added for each police force area from the statutory primer "
    "(docs/domain.md) and data/reference/statutory/local_policing_bodies.csv; see "
    "data/reference/PROVENANCE.md.",
}
PCC_START = "2012-11-22"  # docs/domain.md, key dates: PCCs take office (elected 15 Nov)
PANEL_START = "2012-04-25"  # docs/domain.md, key dates: police and crime panels set up
PRIMER = "docs/domain.md"


def pfa_slug(pfa_name: str) -> str:
    return slug(pfa_name)


def chief_id(pfa_name: str) -> str:
    return f"{pfa_slug(pfa_name)}-chief-constable"


def pcc_id(pfa_name: str) -> str:
    return f"{pfa_slug(pfa_name)}-pcc"


def panel_id(pfa_name: str) -> str:
    return f"{pfa_slug(pfa_name)}-police-and-crime-panel"


@dataclass
class History:
    """Which local policing body each police force area has had (from the primer's table)."""

    table: Table
    offices: dict[str, list[Office]] = field(default_factory=dict)  # PFA code → offices, in order
    line: dict[str, int] = field(default_factory=dict)  # PFA code → first line


def read_history(reference_dir: Path, geo: Geography) -> History:
    table = read_table(reference_dir / HISTORY_FILE, HISTORY_COLUMNS)
    history = History(table)
    for row in table.rows:
        code = row["pfa_code"]
        if not code or not row["type"]:
            continue
        if geo.pfa_name and code not in geo.pfa_name:
            table.error(
                row.line, "pfa_code", f"police force area {code} is not in the ONS lookup {geo.table.path}"
            )
        elif geo.pfa_name and row["pfa_name"] != geo.pfa_name[code]:
            table.error(
                row.line,
                "pfa_name",
                f"police force area {code} is '{geo.pfa_name[code]}' in "
                f"{geo.table.path} (line {geo.pfa_line[code]}) but '{row['pfa_name']}' here",
            )
        start, end = row.get("valid_from"), row.get("valid_to")
        try:
            spec = [DateSpec.parse(d) if d else None for d in (start, end)]
        except ValueError as exc:
            table.error(row.line, "valid_from", str(exc))
            continue
        first, last = spec
        if first and last and first.earliest and last.latest and last.latest < first.earliest:
            table.error(row.line, "valid_to", f"end {end} is before start {start}")
        offices = history.offices.setdefault(code, [])
        if offices and (row["type"] == "none" or any(o.type == "none" for o in offices)):
            table.error(
                row.line,
                "type",
                f"police force area {code} has no local policing body (type 'none') "
                f"and so no other row (line {history.line[code]})",
            )
        if any(o.type == row["type"] for o in offices):
            table.error(
                row.line,
                "type",
                f"duplicate {row['type']} for police force area {code}: already on line {history.line[code]}",
            )
        offices.append(Office(row["type"], start, end))
        history.line.setdefault(code, row.line)
    return history


def offices_of(history: History, pfa_code: str) -> list[Office]:
    """The local policing bodies of an area: the table's rows, or a PCC from 22 Nov 2012."""
    return history.offices.get(pfa_code) or [Office("PoliceAndCrimeCommissioner", PCC_START)]


def _one_type(offices: list[Office]) -> str:
    """The most specific class true of the body throughout."""
    kinds = {o.type for o in offices}
    if len(kinds) == 1:
        return kinds.pop()
    if kinds == {"PoliceAndCrimeCommissioner", "PoliceFireAndCrimeCommissioner"}:
        return "PoliceFireAndCrimeCommissioner"  # a PFCC is a PCC
    return "LocalPolicingBody"


def panel_offices(offices: list[Office]) -> list[Office]:
    """A panel is a police and crime panel from April 2012; it is also a police, fire and crime
    panel while its commissioner is a PFCC, and a combined authority panel under a mayor."""
    out = [Office("PoliceAndCrimePanel", PANEL_START)]
    for o in offices:
        if o.type == "PoliceFireAndCrimeCommissioner":
            out.append(Office("PoliceFireAndCrimePanel", o.start, o.end))
        elif o.type == "MayorWithPCCFunctions":
            out.append(Office("CombinedAuthorityPoliceAndCrimePanel", o.start, o.end))
    return out


def office_history(reference_dir: Path) -> dict[str, list[Office]]:
    """Body id → dated kinds, for the bodies whose kind changed over time (the statutory model
    applies a rule about PCCs to such a body only while it was one)."""
    table = read_table(reference_dir / HISTORY_FILE, HISTORY_COLUMNS)
    by_code: dict[str, list[Office]] = defaultdict(list)
    names: dict[str, str] = {}
    for row in table.rows:
        by_code[row["pfa_code"]].append(Office(row["type"], row.get("valid_from"), row.get("valid_to")))
        names[row["pfa_code"]] = row["pfa_name"]
    out: dict[str, list[Office]] = {}
    for code, offices in by_code.items():
        if any(o.type == "none" for o in offices):
            continue
        out[pcc_id(names[code])] = offices
        if not any(o.type == "MayorsOfficeForPolicingAndCrime" for o in offices):
            out[panel_id(names[code])] = panel_offices(offices)
    return out


@dataclass
class Forces:
    table: Table
    history: History


def read_forces(reference_dir: Path, geo: Geography) -> Forces:
    table = read_table(reference_dir / FILE, COLUMNS)
    table.unique("force id", lambda r: r["force_id"], "force_id")
    table.unique("force name", lambda r: r["name"], "name")
    table.functional(
        "police force area",
        "pfa_code",
        "force_id",
        "a police force area has one force",
        rows=[r for r in table.rows if r["pfa_code"]],
    )
    seen = set()
    for row in table.rows:
        code = row["pfa_code"]
        if row["country"] in ("england", "wales") and not code:
            table.error(
                row.line, "pfa_code", "a territorial force of England or Wales has a police force area"
            )
        if not code or row["country"] not in ("england", "wales"):
            continue
        seen.add(code)
        if code not in geo.pfa_name:
            table.error(
                row.line, "pfa_code", f"police force area {code} is not in the ONS lookup {geo.table.path}"
            )
        elif row["pfa_name"] != geo.pfa_name[code]:
            table.error(
                row.line,
                "pfa_name",
                f"police force area {code} is '{geo.pfa_name[code]}' in "
                f"{geo.table.path} (line {geo.pfa_line[code]}) but '{row['pfa_name']}' here",
            )
    for code, name in geo.pfa_name.items():
        if code not in seen:
            geo.table.error(
                geo.pfa_line[code],
                "pfa24_code",
                f"police force area {code} ({name}) has no force in {table.path}",
            )
    return Forces(table, read_history(reference_dir, geo))


def _chief_name(force_id: str, force_name: str) -> str:
    # docs/domain.md: a chief officer of police is a chief constable, or the Commissioner of
    # Police of the Metropolis, or the City of London Commissioner
    return {
        "metropolitan": "Commissioner of Police of the Metropolis",
        "city-of-london": "Commissioner of the City of London Police",
    }.get(force_id, f"Chief Constable of {force_name}")


def _pcc_name(kind: str, area: str) -> str:
    return {
        "PoliceAndCrimeCommissioner": f"Police and Crime Commissioner for {area}",
        "PoliceFireAndCrimeCommissioner": f"Police, Fire and Crime Commissioner for {area}",
        "MayorWithPCCFunctions": f"Mayor with police and crime commissioner functions for {area}",
        "MayorsOfficeForPolicingAndCrime": "Mayor's Office for Policing and Crime",
        "LocalPolicingBody": f"Police and crime commissioner functions for {area}",
    }[kind]


def forces_document(forces: Forces, greater_london: str | None) -> FactFile:
    """`greater_london`: the id of the Greater London Authority (the London Assembly is part of it)."""
    table, history = forces.table, forces.history
    bodies = []
    for row in table.rows:
        if row["country"] not in ("england", "wales", ""):
            continue  # Northern Ireland is outside the graph
        line, name, code = row.line, row["name"], row["pfa_code"]
        force = slug(name)
        if not code:  # British Transport Police: a force without a police force area
            bodies.append(
                entry(
                    line,
                    id=force,
                    type="PoliceForce",
                    name=name,
                    codes={"police-uk": row["force_id"]},
                    note="A special police force for the railways, with no police force area.",
                    cite=f"line {line}",
                )
            )
            continue
        pfa, area = row["pfa_name"], display_name(row["pfa_name"])
        where = area_id(code)
        bodies.append(
            entry(
                line,
                id=force,
                type="PoliceForce",
                name=name,
                area=area,
                police_force_area=where,
                codes={"police-uk": row["force_id"]},
                cite=f"line {line}",
            )
        )
        bodies.append(
            entry(
                line,
                id=chief_id(pfa),
                type="ChiefConstable",
                name=_chief_name(row["force_id"], name),
                alt_names=[f"Chief officer of {name}"],
                part_of=force,
                area=area,
                police_force_area=where,
                cite=f"line {line}; {PRIMER} (chief officer of police)",
            )
        )
        offices = offices_of(history, code)
        if any(o.type == "none" for o in offices):
            continue
        hline = history.line.get(code)
        basis = (
            f"line {line}; {HISTORY_FILE} line {hline}"
            if hline
            else f"line {line}; {PRIMER} (PCCs from 22 Nov 2012)"
        )
        kind = _one_type(offices)
        note = None
        if kind == "LocalPolicingBody":
            note = "; ".join(
                f"{_pcc_name(o.type, area)} from {o.start or '?'}" + (f" to {o.end}" if o.end else "")
                for o in offices
            )
        bodies.append(
            entry(
                line,
                id=pcc_id(pfa),
                type=kind,
                name=_pcc_name(kind, area),
                alt_names=[f"{area} PCC", f"{area} Police and Crime Commissioner"]
                if kind != "MayorsOfficeForPolicingAndCrime"
                else ["MOPAC"],
                area=area,
                police_force_area=where,
                start=offices[0].start,
                note=note,
                cite=basis,
            )
        )
        if kind == "MayorsOfficeForPolicingAndCrime":
            bodies.append(
                entry(
                    line,
                    id="london-assembly",
                    type="LondonAssembly",
                    name="London Assembly",
                    part_of=greater_london,
                    area="Greater London",
                    police_force_area=where,
                    note="Scrutinises MOPAC through its police and crime committee.",
                    cite=f"{basis}; {PRIMER} (London: MOPAC and the London Assembly)",
                )
            )
            continue
        panel_kinds = {o.type for o in panel_offices(offices)}
        panel_kind = next(
            (
                k
                for k in ("CombinedAuthorityPoliceAndCrimePanel", "PoliceFireAndCrimePanel")
                if k in panel_kinds
            ),
            "PoliceAndCrimePanel",
        )
        panel_name = (
            "Police, Fire and Crime Panel"
            if panel_kind == "PoliceFireAndCrimePanel"
            else "Police and Crime Panel"
        )
        bodies.append(
            entry(
                line,
                id=panel_id(pfa),
                type=panel_kind,
                name=f"{area} {panel_name}",
                area=area,
                police_force_area=where,
                start=PANEL_START,
                cite=f"{basis}; {PRIMER} (police and crime panels set up 25 Apr 2012)",
            )
        )
    return document(table.path, SOURCE, bodies=bodies)
