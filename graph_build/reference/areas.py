"""ONS Local Authority District → Community Safety Partnership → Police Force Area (Dec 2024).

Declares the 43 police force areas and the 318 districts as areas, and the 314 CSPs as bodies
(id: slug of the ONS CSP name + '-csp'), each covering its districts in one police force area.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..facts.reader import FactFile
from .document import display_name, document, entry, slug
from .table import CSP_CODE, LAD_CODE, PFA_CODE, Column, Row, Table, read_table

FILE = "lad24_csp24_pfa24_lookup.csv"
COLUMNS = [
    Column("ltla24_code", LAD_CODE),
    Column("ltla24_name"),
    Column("csp24_code", CSP_CODE),
    Column("csp24_name"),
    Column("pfa24_code", PFA_CODE),
    Column("pfa24_name"),
]
SOURCE = {
    "id": "ons-lad-csp-pfa-2024",
    "title": "Local Authority District to Community Safety Partnership to Police Force Area (December 2024) "
    "Lookup in England and Wales",
    "date": "2024-12",
    "url": "https://geoportal.statistics.gov.uk/",
    "licence": "Open Government Licence v3.0. Source: Office for National Statistics licensed under the "
    "Open Government Licence v3.0",
    "note": "ONS lookup LAD24_CSP24_PFA24_EW_LU, as packaged by humaniverse/geographr (columns renamed); "
    "see data/reference/PROVENANCE.md.",
}


def area_id(code: str) -> str:
    """Areas are named by their GSS code: E23000035 → e23000035."""
    return code.lower()


def csp_id(ons_name: str) -> str:
    return f"{slug(ons_name)}-csp"


@dataclass
class Geography:
    """What the lookup says, indexed for the other reference files."""

    table: Table
    lad_name: dict[str, str] = field(default_factory=dict)
    lad_pfa: dict[str, str] = field(default_factory=dict)
    lad_line: dict[str, int] = field(default_factory=dict)
    pfa_name: dict[str, str] = field(default_factory=dict)
    pfa_line: dict[str, int] = field(default_factory=dict)
    csp_rows: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))


def read_geography(reference_dir: Path) -> Geography:
    """Read and check the lookup; problems stay in `geo.table.errors`."""
    table = read_table(reference_dir / FILE, COLUMNS)
    rows = [r for r in table.rows if all(r[c.name] for c in COLUMNS)]
    table.rows = rows
    table.unique("district and CSP pair", lambda r: (r["ltla24_code"], r["csp24_code"]), "csp24_code")
    table.functional("district", "ltla24_code", "ltla24_name", "a code has one name")
    table.functional("district", "ltla24_code", "pfa24_code", "a district lies in one police force area")
    table.functional("CSP", "csp24_code", "csp24_name", "a code has one name")
    table.functional("CSP", "csp24_code", "pfa24_code", "a CSP lies in one police force area")
    table.functional("police force area", "pfa24_code", "pfa24_name", "a code has one name")
    table.functional("CSP name", "csp24_name", "csp24_code", "two CSPs with one name would have one id")
    table.functional(
        "police force area name", "pfa24_name", "pfa24_code", "two areas with one name would have one id"
    )
    geo = Geography(table)
    for row in rows:
        geo.lad_name.setdefault(row["ltla24_code"], row["ltla24_name"])
        geo.lad_pfa.setdefault(row["ltla24_code"], row["pfa24_code"])
        geo.lad_line.setdefault(row["ltla24_code"], row.line)
        geo.pfa_name.setdefault(row["pfa24_code"], row["pfa24_name"])
        geo.pfa_line.setdefault(row["pfa24_code"], row.line)
        geo.csp_rows[row["csp24_code"]].append(row)
    return geo


def geography_document(geo: Geography) -> FactFile:
    rows = geo.table.rows
    pfas, lads, seen = [], [], set()
    for row in rows:
        code = row["pfa24_code"]
        if code not in seen:
            seen.add(code)
            name = row["pfa24_name"]
            pfas.append(
                entry(
                    row.line,
                    id=area_id(code),
                    type="PoliceForceArea",
                    name=name,
                    alt_names=[display_name(name)] if display_name(name) != name else None,
                    codes={"gss": code},
                    cite=f"line {row.line}",
                )
            )
        code = row["ltla24_code"]
        if code not in seen:
            seen.add(code)
            lads.append(
                entry(
                    row.line,
                    id=area_id(code),
                    type="LocalAuthorityDistrict",
                    name=row["ltla24_name"],
                    within=[area_id(row["pfa24_code"])],
                    codes={"gss": code},
                    cite=f"line {row.line}",
                )
            )
    csps = []
    for code, group in geo.csp_rows.items():
        first = group[0]
        name = display_name(first["csp24_name"])
        lines = ", ".join(str(r.line) for r in group)
        csps.append(
            entry(
                first.line,
                id=csp_id(first["csp24_name"]),
                type="CommunitySafetyPartnership",
                name=f"{name} Community Safety Partnership",
                alt_names=[f"{name} CSP"],
                area=name,
                covers=[area_id(r["ltla24_code"]) for r in group],
                police_force_area=area_id(first["pfa24_code"]),
                codes={"gss": code},
                cite=f"line {lines}" if len(group) == 1 else f"lines {lines}",
            )
        )
    return document(geo.table.path, SOURCE, areas=pfas + lads, bodies=csps)
