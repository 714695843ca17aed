"""District history: the districts of 2016-2023 that the 2019-2023 mergers replaced, and which CSP
each belonged to, so that minutes of 2014 resolve to the bodies of 2014.

Two ONS lookups, as packaged by others (data/reference/PROVENANCE.md):
- `ltla_ltla_lookup.csv`: each district's code in every year 2016-2024 (one row per 2016 district);
- `lad17_csp17_pfa17_lookup.csv`: the districts of January 2017, their CSP and police force area.
The 314 CSP codes of 2017 are those of 2024: the CSPs outlived the councils. So each former district
becomes an area (its code in lower case, with the end date of its council) that its CSP covers
besides its districts of today, and each former council covers its former district (a former
county council, its districts). Rules that join by district then bind a CSP to the councils of
each period, each for its own years.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..facts.reader import FactFile
from .areas import Geography, area_id, csp_id
from .document import document, entry
from .table import CSP_CODE, LAD_CODE, PFA_CODE, Column, Table, read_table

HISTORY_FILE = "ltla_ltla_lookup.csv"
CSP17_FILE = "lad17_csp17_pfa17_lookup.csv"
YEARS = tuple(range(16, 25))
HISTORY_COLUMNS = [
    Column(f"ltla{y}_code", (r"[EWSN]\d{8}", "a district code (a letter and eight digits)")) for y in YEARS
] + [Column(f"ltla{y}_name") for y in YEARS]
CSP17_COLUMNS = [
    Column("LAD17CD", LAD_CODE),
    Column("LAD17NM"),
    Column("CSP17CD", CSP_CODE),
    Column("CSP17NM"),
    Column("PFA17CD", PFA_CODE),
    Column("PFA17NM"),
]
SOURCE = {
    "id": "ons-district-history-2016-2024",
    "title": "Local authority districts 2016-2024 and their Community Safety Partnerships (ONS lookups)",
    "date": "2025-02",
    "url": "https://geoportal.statistics.gov.uk/",
    "licence": "Open Government Licence v3.0. Source: Office for National Statistics licensed under the "
    "Open Government Licence v3.0",
    "note": "Former districts (merged 2019-2023) from the ONS district-to-district lookup packaged by "
    "humaniverse/geographr, and their CSPs from the ONS LAD17-CSP17-PFA17 lookup (January 2017, v2); "
    "see data/reference/PROVENANCE.md.",
}


@dataclass
class DistrictHistory:
    """Former districts: names, lines, police force areas, CSPs, and the districts of 2024 they became."""

    tables: list[Table]
    name: dict[str, str] = field(default_factory=dict)  # former district code → name
    line: dict[str, int] = field(default_factory=dict)
    pfa: dict[str, str] = field(default_factory=dict)
    csps: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # CSP code → former districts
    successors: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # code → 2024 codes
    lineage: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # 2024 code → all codes
    # (year, code) → the codes of that district and of the districts it replaced, up to that year
    earlier: dict[tuple[int, str], set[str]] = field(default_factory=lambda: defaultdict(set))


def read_district_history(reference_dir: Path, geo: Geography) -> DistrictHistory:
    history = read_table(
        reference_dir / HISTORY_FILE, HISTORY_COLUMNS, keep=lambda r: r["ltla24_code"][0] in "EW"
    )
    csp17 = read_table(reference_dir / CSP17_FILE, CSP17_COLUMNS)
    csp17.unique("district", lambda r: r["LAD17CD"], "LAD17CD")
    out = DistrictHistory([history, csp17])
    csp_of = {r["LAD17CD"]: r["CSP17CD"] for r in csp17.rows}
    pfa_of = {r["LAD17CD"]: r["PFA17CD"] for r in csp17.rows}
    for row in csp17.rows:
        if row["CSP17CD"] not in geo.csp_rows:
            csp17.error(row.line, "CSP17CD", f"CSP {row['CSP17CD']} of 2017 is not a CSP of {geo.table.path}")
    for row in history.rows:
        now = row["ltla24_code"]
        if now not in geo.lad_name:
            history.error(row.line, "ltla24_code", f"district {now} is not in {geo.table.path}")
            continue
        codes = {row[f"ltla{y}_code"] for y in YEARS}
        out.lineage[now] |= codes
        for y in YEARS:
            out.earlier[(y, row[f"ltla{y}_code"])] |= {row[f"ltla{x}_code"] for x in YEARS if x <= y}
        csp = csp_of.get(row["ltla17_code"])
        if csp is None:
            history.error(row.line, "ltla17_code", f"district {row['ltla17_code']} is not in {csp17.path}")
            continue
        for y in YEARS:
            code = row[f"ltla{y}_code"]
            out.successors[code].add(now)
            if code in geo.lad_name:
                continue
            out.name.setdefault(code, row[f"ltla{y}_name"])
            out.line.setdefault(code, row.line)
            out.pfa.setdefault(code, pfa_of.get(code) or geo.lad_pfa[now])
            out.csps[csp].add(code)
    return out


def expand(history: DistrictHistory, codes: set[str]) -> set[str]:
    """Districts of today with every code they had since 2016 (their former districts)."""
    return {old for code in codes for old in history.lineage.get(code, {code})}


def as_of(history: DistrictHistory, year: int, codes: set[str]) -> set[str]:
    """Districts of a lookup of `year` with the former districts they replaced (never their later
    successors: a district of 2021 merged into a unitary of 2023 does not bring the unitary's other
    districts)."""
    return {old for code in codes for old in history.earlier.get((year % 100, code), {code})}


def history_document(
    history: DistrictHistory,
    geo: Geography,
    former: dict[str, tuple[str, str | None]],
    counties: dict[str, set[str]],
) -> FactFile:
    """`former`: former district code → (its council's id, the day the council ended);
    `counties`: former county council id → its former districts' codes."""
    areas = []
    for code, name in sorted(history.name.items()):
        council, end = former.get(code, (None, None))
        areas.append(
            entry(
                history.line[code],
                id=area_id(code),
                type="LocalAuthorityDistrict",
                name=name,
                within=[area_id(history.pfa[code])],
                end=end,
                codes={"gss": code},
                note=f"A former district, merged into {', '.join(sorted(history.successors[code] - {code}))}.",
                cite=f"line {history.line[code]}",
            )
        )
    bodies = []
    for csp, codes in sorted(history.csps.items()):
        first = geo.csp_rows[csp][0]
        bodies.append(
            entry(
                first.line,
                id=csp_id(first["csp24_name"]),
                covers=[area_id(c) for c in sorted(codes)],
                cite=f"{CSP17_FILE}: CSP {csp}",
            )
        )
    for code, (council, _end) in sorted(former.items()):
        if council and code in history.name:
            bodies.append(
                entry(
                    history.line[code], id=council, covers=[area_id(code)], cite=f"line {history.line[code]}"
                )
            )
    for council, codes in sorted(counties.items()):
        bodies.append(
            entry(1, id=council, covers=[area_id(c) for c in sorted(codes)], cite="its former districts")
        )
    return document(history.tables[0].path, SOURCE, areas=areas, bodies=bodies)
