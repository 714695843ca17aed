"""mySociety's register of UK local authorities: every council of England and Wales, current
and former, and the combined authorities.

Declares each council (id: slug of its official name) with its type, codes, dates, the councils
it replaced, and the districts it covers (a county: those of its districts, from the ONS
lower-tier to upper-tier lookup). Each current principal council also gets the crime and disorder
committee the Police and Justice Act 2006 s.19 requires of it (id: slug of its short name +
'-crime-and-disorder-committee').
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ..facts.reader import FactFile
from .areas import Geography, area_id
from .document import document, entry, slug
from .table import DATE, GSS_CODE, LA_CODE, Column, Row, Table, read_table
from .upper_tier import UpperTier

FILE = "uk_local_authorities_future.csv"
NATIONS = ("England", "Wales")
TYPES = {  # mySociety local-authority-type → ontology class
    "CTY": "CountyCouncil",
    "NMD": "DistrictCouncil",
    "UA": "UnitaryAuthority",
    "MD": "MetropolitanDistrictCouncil",
    "LBO": "LondonBoroughCouncil",
    "CC": "LondonBoroughCouncil",
    "WPA": "WelshPrincipalCouncil",
    "COMB": "CombinedAuthority",
    "SRA": "CombinedAuthority",
}
PRINCIPAL = {"CTY", "NMD", "UA", "MD", "LBO", "CC", "WPA"}  # councils with a crime and disorder committee
LOWER = {"NMD", "UA", "MD", "LBO", "CC", "WPA"}  # councils of one district each
COLUMNS = [
    Column("local-authority-code", LA_CODE),
    Column("official-name"),
    Column("nice-name"),
    Column("gss-code", GSS_CODE, required=False),
    Column("start-date", DATE, required=False),
    Column("end-date", DATE, required=False),
    Column(
        "replaced-by",
        (r"[A-Z]{3,4}(,[A-Z]{3,4})*", "a comma-separated list of local authority codes"),
        required=False,
    ),
    Column("nation"),
    Column("local-authority-type"),
    Column("county-la", LA_CODE, required=False),
    Column("current-authority", choices=("True", "False")),
]
SOURCE = {
    "id": "mysociety-local-authorities",
    "title": "UK local authority names and codes (mySociety), uk_local_authorities_future package",
    "date": "2025-07-10",
    "url": "https://github.com/mysociety/uk_local_authority_names_and_codes",
    "licence": "CC BY 4.0 (mySociety)",
    "note": "Councils of England and Wales, current and former, and combined authorities. Crime and "
    "disorder committees are added for each current principal council (Police and Justice Act 2006 "
    "s.19); see data/reference/PROVENANCE.md.",
}
CDC_NOTE = (
    "Every council must have a committee to scrutinise the responsible authorities' crime and disorder "
    "work (Police and Justice Act 2006 s.19); usually an overview and scrutiny committee is designated. "
    "Its own name is not in the reference data. It exists from the later of the day the duty began "
    "(30 Apr 2009 in England, 1 Oct 2009 in Wales) and the council's first day, to the council's last."
)
CDC_DUTY = {"England": "2009-04-30", "Wales": "2009-10-01"}  # PJA 2006 s.19 in force (accountability.csv)


def later(day: str | None, other: str) -> str:
    """The later of two ISO days (a missing day is taken as earlier)."""
    return other if day is None or len(day) != 10 or day < other else day


BROKEN = re.compile("[\ufffd¿½¾]")  # UTF-8 read as Latin-1 in the register ('Sir Ynys MÃ´n' ...)


def register_names(row: Row) -> list[str]:
    """A council's other names: its short name and the register's `alt-names` that are written as
    names (capitalised, no broken characters), such as the Welsh 'Caerdydd'. The register's list is
    comma-separated although some names hold a comma, so rows whose names do are given no others."""
    official, nice = row["official-name"], row["nice-name"]
    names = [nice] if nice != official else []
    if "," in official or "," in nice:
        return names
    for alt in (row.get("alt-names") or "").split(","):
        alt = alt.strip()
        known = {n.lower() for n in (official, *names)}
        whole = alt[:1].isupper() and alt.split()[-1][:1].isupper()  # not a piece of 'Bristol, City of'
        if whole and alt.isprintable() and not BROKEN.search(alt) and alt.lower() not in known:
            names.append(alt)
    return names


def council_id(official_name: str) -> str:
    return slug(official_name)


def cdc_id(nice_name: str) -> str:
    return f"{slug(nice_name)}-crime-and-disorder-committee"


@dataclass
class Councils:
    """The register's councils of England and Wales, indexed for the other reference files."""

    table: Table
    rows: list[Row] = field(default_factory=list)
    by_gss: dict[str, Row] = field(default_factory=dict)  # current councils only


def read_councils(reference_dir: Path) -> Councils:
    table = read_table(reference_dir / FILE, COLUMNS, keep=lambda r: r["nation"] in NATIONS)
    rows = table.rows
    for row in rows:
        if row["local-authority-type"] not in TYPES:
            table.error(
                row.line,
                "local-authority-type",
                f"'{row['local-authority-type']}' is not a council type of England or Wales",
                f"known: {', '.join(TYPES)}",
            )
    rows = table.rows = [r for r in rows if r["local-authority-type"] in TYPES]
    table.unique("local authority code", lambda r: r["local-authority-code"], "local-authority-code")
    seen_gss: dict[str, int] = {}
    for row in rows:
        gss = row.get("gss-code")
        if gss and gss in seen_gss:
            table.error(row.line, "gss-code", f"duplicate GSS code {gss}: already on line {seen_gss[gss]}")
        elif gss:
            seen_gss[gss] = row.line
    seen_ids: dict[str, int] = {}
    for row in rows:
        key = council_id(row["official-name"])
        if key in seen_ids:
            table.error(
                row.line,
                "official-name",
                f"'{row['official-name']}' gives the id '{key}' of the council on line {seen_ids[key]}",
            )
        seen_ids.setdefault(key, row.line)
    councils = Councils(table, rows)
    councils.by_gss = {
        r["gss-code"]: r for r in rows if r["current-authority"] == "True" and r.get("gss-code")
    }
    return councils


def last_day(row: Row, by_code: dict[str, Row]) -> str | None:
    """The register's end date, or the day before it where that is the day the successor began:
    the register gives some abolished councils the day of abolition (Allerdale, 2023-04-01), and an
    end date here is the last day a body existed."""
    end = row.get("end-date")
    successors = [by_code[c] for c in (row.get("replaced-by") or "").split(",") if c in by_code]
    if end and len(end) == 10 and any(s.get("start-date") == end for s in successors):
        return (date.fromisoformat(end) - timedelta(days=1)).isoformat()
    return end


def former_districts(councils: Councils) -> dict[str, tuple[str, str | None]]:
    """Former lower-tier and unitary councils by district code: (council id, last day)."""
    by_code = {r["local-authority-code"]: r for r in councils.rows}
    return {
        r["gss-code"]: (council_id(r["official-name"]), last_day(r, by_code))
        for r in councils.rows
        if r["current-authority"] == "False" and r["local-authority-type"] in LOWER and r.get("gss-code")
    }


def county_districts(councils: Councils) -> dict[str, set[str]]:
    """Each county council's former districts: a former district's county is its own `county-la`
    unless its successor is a district of another county (the register puts Forest Heath in
    Surrey; its successor West Suffolk is in Suffolk)."""
    by_code = {r["local-authority-code"]: r for r in councils.rows}
    out: dict[str, set[str]] = defaultdict(set)
    for row in councils.rows:
        if (
            row["current-authority"] == "True"
            or row["local-authority-type"] != "NMD"
            or not row.get("gss-code")
        ):
            continue
        county = row.get("county-la")
        for code in (row.get("replaced-by") or "").split(","):
            successor = by_code.get(code)
            if successor is not None and successor["local-authority-type"] == "NMD":
                county = successor.get("county-la") or county
        if county in by_code and by_code[county]["local-authority-type"] == "CTY":
            out[council_id(by_code[county]["official-name"])].add(row["gss-code"])
    return out


def check_against(councils: Councils, geo: Geography, upper: UpperTier) -> None:
    """The register, the ONS lookup and the upper-tier lookup must tell one story."""
    table = councils.table
    by_code = {r["local-authority-code"]: r for r in councils.rows}
    current = [r for r in councils.rows if r["current-authority"] == "True"]
    lower_gss = set()
    for row in current:
        kind = row["local-authority-type"]
        gss = row.get("gss-code")
        if kind in PRINCIPAL and not gss:
            table.error(row.line, "gss-code", "a current council has a GSS code")
            continue
        if kind in LOWER:
            lower_gss.add(gss)
            if gss not in geo.lad_name:
                table.error(
                    row.line,
                    "gss-code",
                    f"current council {gss} ({row['official-name']}) is not a district "
                    f"of the ONS lookup {geo.table.path}",
                )
        if kind == "NMD":
            county = by_code.get(row.get("county-la") or "")
            if county is None:
                table.error(
                    row.line,
                    "county-la",
                    f"district council {row['official-name']} names no county council "
                    f"of the register ('{row.get('county-la') or ''}')",
                )
            elif gss in upper.utla_of and upper.utla_of[gss] != county.get("gss-code"):
                table.error(
                    row.line,
                    "county-la",
                    f"the register puts {row['official-name']} in {county['official-name']} "
                    f"({county.get('gss-code')}) but {upper.table.path} puts district {gss} in "
                    f"{upper.utla_of[gss]}: the files contradict each other",
                )
        for code in (row.get("replaced-by") or "").split(","):
            if code and code not in by_code:
                table.error(row.line, "replaced-by", f"no council of England or Wales has the code '{code}'")
    for code, name in geo.lad_name.items():
        if code not in lower_gss:
            geo.table.error(
                geo.lad_line[code],
                "ltla24_code",
                f"district {code} ({name}) has no current council in the register {table.path}",
            )


def councils_document(councils: Councils, geo: Geography, upper: UpperTier) -> FactFile:
    by_code = {r["local-authority-code"]: r for r in councils.rows}
    replaces: dict[str, list[str]] = defaultdict(list)
    for row in councils.rows:
        for code in (row.get("replaced-by") or "").split(","):
            if code in by_code:
                replaces[code].append(council_id(row["official-name"]))
    districts_of: dict[str, list[str]] = defaultdict(list)  # upper-tier GSS code → its districts
    for lad, utla in upper.utla_of.items():
        districts_of[utla].append(lad)
    bodies, committees = [], []
    for row in councils.rows:
        kind, gss = row["local-authority-type"], row.get("gss-code")
        current = row["current-authority"] == "True"
        official, nice = row["official-name"], row["nice-name"]
        covers: list[str] = []
        if current and kind in LOWER and gss in geo.lad_name:
            covers = [gss]
        elif current and kind == "CTY":
            covers = sorted(districts_of.get(gss or "", []))
        pfas = sorted({geo.lad_pfa[c] for c in covers if c in geo.lad_pfa})
        codes = {"la-code": row["local-authority-code"]}
        if gss:
            codes["gss"] = gss
        bodies.append(
            entry(
                row.line,
                id=council_id(official),
                type=TYPES[kind],
                name=official,
                alt_names=register_names(row) or None,
                area=nice,
                start=row.get("start-date"),
                end=last_day(row, by_code),
                replaces=sorted(replaces.get(row["local-authority-code"], [])),
                covers=[area_id(c) for c in covers],
                police_force_area=area_id(pfas[0]) if len(pfas) == 1 else None,
                codes=codes,
                cite=f"line {row.line}",
            )
        )
        end = last_day(row, by_code)
        duty = CDC_DUTY[row["nation"]]
        if kind in PRINCIPAL and (current or (end and end >= duty)):
            committees.append(
                entry(
                    row.line,
                    id=cdc_id(nice if current else official),  # former: 'North Yorkshire' is taken
                    type="CrimeAndDisorderCommittee",
                    name=f"{official} Crime and Disorder Committee",
                    alt_names=[f"{nice} Crime and Disorder Committee"],
                    part_of=council_id(official),
                    area=nice,
                    start=later(row.get("start-date"), duty),
                    end=end,
                    note=CDC_NOTE,
                    cite=f"line {row.line}; Police and Justice Act 2006 s.19",
                )
            )
    return document(councils.table.path, SOURCE, bodies=bodies + committees)
