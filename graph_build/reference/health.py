"""Health bodies as CSP responsible authorities (Crime and Disorder Act 1998 s.5(1)(e)-(f)).

- Clinical commissioning groups: the 106 of April 2021 (ONS LSOA best fit, packaged by geographr),
  members to 2022-06-30. A CCG whose ONS code is one of the 2013 set (up to E38000211) is a member
  from the rule's start (2013-04-01); a later code marks a CCG formed by mergers between 2015 and
  2021, whose day of formation the data does not give: it is a member from April 2021 (the
  lookup's date), and the CCGs it replaced are not in the data.
- Integrated care boards: the 42 of the 2022 and 2024 lookups, one body per NHS code (ONS recoded
  Surrey Heartlands and Sussex in 2024), from 2022-07-01.
- Welsh local health boards: statutory/local_health_boards.csv with the 2022 lookup.
A district split between bodies is in each that holds at least SLIVER of its LSOAs.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..facts.reader import FactFile
from ..facts.yaml_lines import LineDict
from .bodies import Office
from .document import document, entry, slug
from .responsible import SLIVER, Loaded, Places, _check_districts
from .table import DATE, LAD_CODE, Column, Row, Table, read_table

CCG_FILE = "ltla21_ccg21_lookup.csv"
ICB_FILES = {
    22: ("ltla22_icb22_lookup.csv", "icb22_code_h"),
    24: ("ltla24_icb24_lookup.csv", "icb24_code_nhs"),
}
LHB_LOOKUP = "ltla21_lhb22_lookup.csv"
LHB_FILE = "statutory/local_health_boards.csv"
FIRST_CCG_CODES = "E38000211"  # the last ONS code of the CCGs set up on 1 April 2013
CCG_KNOWN_FROM = "2021-04"  # the lookup's date
CCG_END = "2022-06-30"  # Health and Care Act 2022: CCGs abolished, ICBs from 1 July 2022
ICB_START = "2022-07-01"
SHARE = (r"(0(\.\d+)?|1(\.0+)?)", "a fraction between 0 and 1")
SOURCE = {
    "id": "health-bodies",
    "title": "Clinical commissioning groups (2021), integrated care boards (2022, 2024) and Welsh local health "
    "boards, with the districts they cover",
    "date": "2025-11",
    "licence": "Open Government Licence v3.0. Source: Office for National Statistics licensed under the "
    "Open Government Licence v3.0",
    "note": "ONS lookups packaged by humaniverse/geographr (LSOA best fit aggregated to districts); Welsh boards "
    "from statutory/local_health_boards.csv; see data/reference/PROVENANCE.md.",
}


def _shares(reference_dir: Path, file: str, year: int, body: str, extra: list[Column]) -> Table:
    columns = [
        Column(f"ltla{year}_code", LAD_CODE),
        Column(f"ltla{year}_name"),
        Column(f"{body}_code", (r"E\d{8}", "an ONS code")),
        Column(f"{body}_name"),
        *extra,
        Column("share", SHARE),
    ]
    return read_table(reference_dir / file, columns)


def _counted(row: Row) -> bool:
    return float(row["share"]) >= SLIVER


def read_health(reference_dir: Path, places: Places) -> Loaded:
    out = Loaded()
    _ccgs(reference_dir, places, out)
    _icbs(reference_dir, places, out)
    _lhbs(reference_dir, places, out)
    return out


def _ccgs(reference_dir: Path, places: Places, out: Loaded) -> None:
    table = _shares(reference_dir, CCG_FILE, 21, "ccg21", [])
    out.tables.append(table)
    covers: dict[str, set[str]] = defaultdict(set)
    first: dict[str, Row] = {}
    for row in _check_districts(table, places, "ltla21_code"):
        first.setdefault(row["ccg21_code"], row)
        if _counted(row):
            covers[row["ccg21_code"]].update(places.districts(21, [row["ltla21_code"]]))
    for code, row in first.items():
        merged = code > FIRST_CCG_CODES
        note = (
            "Formed by mergers after April 2013 (its ONS code is not of the 2013 set); the day is not in the "
            "data, so it is shown from April 2021, and the CCGs it replaced are not shown."
            if merged
            else "One of the CCGs set up on 1 April 2013; its area in earlier years may have differed."
        )
        out.bodies.append(
            _body(row, "ClinicalCommissioningGroup", "ccg21", covers[code], None, CCG_END, note)
        )
        if merged:
            out.history[health_id(row["ccg21_name"])] = [
                Office("ClinicalCommissioningGroup", CCG_KNOWN_FROM, CCG_END)
            ]


def health_id(name: str) -> str:
    """'NHS Derby and Derbyshire Integrated Care Board' → 'nhs-derby-and-derbyshire-icb';
    'NHS Tees Valley CCG' → 'nhs-tees-valley-ccg'."""
    return slug(name.replace("Integrated Care Board", "ICB"))


def _body(
    row: Row,
    kind: str,
    prefix: str,
    covers: set[str],
    start: str | None,
    end: str | None,
    note: str,
    ods: str | None = None,
) -> LineDict:
    codes = {"gss": row[f"{prefix}_code"]}
    if ods:
        codes["ods"] = ods
    return entry(
        row.line,
        id=health_id(row[f"{prefix}_name"]),
        type=kind,
        name=row[f"{prefix}_name"],
        start=start,
        end=end,
        covers=sorted(covers),
        codes=codes,
        note=note,
        cite=f"line {row.line}",
    )


def _icbs(reference_dir: Path, places: Places, out: Loaded) -> None:
    covers: dict[str, set[str]] = defaultdict(set)
    latest: dict[str, Row] = {}
    for year, (file, nhs) in ICB_FILES.items():
        table = _shares(
            reference_dir, file, year, f"icb{year}", [Column(nhs, (r"[A-Z0-9]{3}", "an NHS code"))]
        )
        out.tables.append(table)
        for row in _check_districts(table, places, f"ltla{year}_code"):
            latest[row[nhs]] = row  # the 2024 lookup, read last, names the body
            if _counted(row):
                covers[row[nhs]].update(places.districts(year, [row[f"ltla{year}_code"]]))
    for nhs, row in latest.items():
        prefix = "icb24" if "icb24_code" in row.values else "icb22"
        note = "An integrated care board (Health and Care Act 2022), from 1 July 2022."
        out.bodies.append(
            _body(row, "IntegratedCareBoard", prefix, covers[nhs], ICB_START, None, note, ods=nhs)
        )


LHB_COLUMNS = [
    Column("lhb_code", (r"W11\d{6}", "a local health board code (W11 and six digits)")),
    Column("name"),
    Column("valid_from", DATE, required=False),
    Column("valid_to", DATE, required=False),
    Column("covers", (r"W06\d{6}(;W06\d{6})*", "Welsh district codes separated by ';'"), required=False),
    Column("source"),
]


def _lhbs(reference_dir: Path, places: Places, out: Loaded) -> None:
    lookup = read_table(
        reference_dir / LHB_LOOKUP,
        [Column("ltla21_code", LAD_CODE), Column("ltla21_name"), Column("lhb22_code"), Column("lhb22_name")],
    )
    boards = read_table(reference_dir / LHB_FILE, LHB_COLUMNS)
    out.tables += [lookup, boards]
    districts: dict[str, set[str]] = defaultdict(set)
    for row in _check_districts(lookup, places, "ltla21_code"):
        districts[row["lhb22_code"]].add(row["ltla21_code"])
    for row in boards.rows:
        codes = set(row["covers"].split(";")) if row.get("covers") else districts.get(row["lhb_code"], set())
        if not codes:
            boards.error(
                row.line, "covers", f"board {row['lhb_code']} is not in {LHB_LOOKUP}: name its districts"
            )
        out.bodies.append(
            entry(
                row.line,
                id=slug(row["name"]),
                type="LocalHealthBoard",
                name=row["name"],
                start=row.get("valid_from"),
                end=row.get("valid_to"),
                covers=places.districts(21, codes),
                codes={"gss": row["lhb_code"]},
                note=row["source"],
                cite=f"{LHB_FILE} line {row.line}",
            )
        )


def health_document(loaded: Loaded) -> FactFile:
    return document(loaded.tables[0].path, SOURCE, bodies=loaded.bodies)
