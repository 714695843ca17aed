"""The statutory accountability model: data/reference/statutory/accountability.csv.

Each row says how one *kind* of body relates to another under the law ("PoliceAndCrimePanel
scrutinises PoliceAndCrimeCommissioner", Police Reform and Social Responsibility Act 2011 s.28).
`rules_document` turns every row into a csp:StatutoryRule; `statutory_documents` applies the rows
to the real bodies of the graph as accountability links and memberships, one named graph per
rule (`statutory-model-<rule id>`), each fact pointing at its rule with csp:appliesRule.

How a rule is applied to real bodies (APPLICATIONS below, one line per row):
  council-for-district   the lower-tier or unitary council of each district the other body covers
                         (a CSP's own councils), or a committee of such a council
  shares-district        any body of the subject type covering a district the other body covers
                         (the county council of a CSP in a two-tier area)
  same-police-area       the bodies of one police force area: the area's chief officer, PCC, panel
                         and CSPs, and the councils in it (bodies part of a council take its area)
  part-of                a body and the council it is part of (committees, boards, youth offending teams)
  national               a national body of data/registers with every body of the other type
A rule applies only to bodies of its types that exist in the graph; where a body's kind changed
(a PCC replaced by a mayor) it applies to the years the body was of that kind. A rule about
police and crime commissioners reaches MOPAC or a mayor with PCC functions only where
statutory/pcc_functions.csv says which law puts that body in the PCC's place (an 'elected local
policing body' in PRSRA 2011 ss.9-10; a mayor 'treated as a PCC' by the area's order); such facts
carry both legal bases. Its dates are the
rule's, narrowed to the bodies' own (never a day the sources do not give). Rows not listed, or
listed but with no bodies of their types in the graph, are kept as rules only. The national
data has no fire and rescue authorities, health bodies (PCT, CCG, ICB, LHB), probation trusts or
CRCs: their rules apply to those a curator declares with the districts they cover (`covers`).
Not listed: joint committees, domestic homicide reviews, service providers, PCC membership of
HWBs (discretionary), LCJB members, specified authorities and Welsh public services boards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..facts.dates import PartialDate
from ..facts.reader import FactFile
from ..facts.yaml_lines import LineDict
from ..resolve import REFERENCE_KIND, Registry
from .document import camel_to_slug, document, entry
from .police import HISTORY_FILE, Office, office_history
from .table import DATE, Column, read_table

FILE = "statutory/accountability.csv"
STAND_IN_FILE = "statutory/pcc_functions.csv"
RELATIONS = {  # relation → (mechanism, holder is the subject?); None: a membership
    "is_member_of": None,
    "scrutinises": ("scrutiny", True),
    "reports_to": ("reporting", False),  # for reporting the holder is the body reported to
    "cooperates_with": ("co-operation", True),
    "funds": ("funding", True),
    "commissions": ("commissioning", True),
    "holds_to_account": ("holding-to-account", True),
    "appoints": ("appointment", True),
    "contract_manages": ("contract-management", True),
}
INSPECTORATES = ("Inspectorate", "HMICFRS", "HMInspectorateOfProbation")  # their scrutiny is inspection
STATUSES = {  # the table's wording → the statuses scheme (the wording is kept as csp:statusText)
    "statutory": "statutory",
    "statutory (historic)": "statutory-historic",
    "statutory (by designation)": "statutory",
    "statutory (by contract designation)": "statutory",
    "statutory (delegated function)": "statutory",
    "statutory duty; board non-statutory": "statutory",
    "statutory guidance": "statutory",
    "statutory invitation": "statutory",
    "statutory power": "statutory-power",
    "statutory power (discretionary)": "statutory-power",
    "statutory power (co-commissioning)": "statutory-power",
    "derived (power, not duty)": "derived",
    "contractual (statutory power)": "contractual",
    "grant": "grant",
    "grant (policy)": "grant",
    "administrative": "administrative",
    "discretionary": "non-statutory",
    "non-statutory": "non-statutory",
}
NON_STATUTORY_SEATS = {"non-statutory", "grant", "contractual", "administrative", "agreed-locally"}
COLUMNS = [
    Column("subject_type", (r"[A-Z][A-Za-z]+", "a class name like PoliceAndCrimePanel")),
    Column("relation", choices=tuple(RELATIONS)),
    Column("object_type", (r"[A-Z][A-Za-z]+", "a class name like PoliceAndCrimeCommissioner")),
    Column("legal_basis"),
    Column(
        "legislation_uri",
        (r"https?://(www\.)?legislation\.gov\.uk/\S+", "a legislation.gov.uk URL"),
        required=False,
    ),
    Column("valid_from", DATE, required=False),
    Column("valid_to", DATE, required=False),
    Column("notes", required=False),
    Column("status", choices=tuple(STATUSES)),
    Column("source", required=False),
]
CLASS_NAME = (r"[A-Z][A-Za-z]+", "a class name like MayorWithPCCFunctions")
STAND_IN_COLUMNS = [
    Column("body_type", CLASS_NAME),
    Column("stands_for", CLASS_NAME),
    Column("subject_type", CLASS_NAME),
    Column("relation", choices=tuple(RELATIONS)),
    Column("object_type", CLASS_NAME),
    Column("legal_basis"),
    Column(
        "legislation_uri",
        (r"https?://(www\.)?legislation\.gov\.uk/\S+", "a legislation.gov.uk URL"),
        required=False,
    ),
    Column("source"),
    Column("notes", required=False),
]
SOURCE = {
    "id": "statutory-rules",
    "title": "Statutory accountability model of community safety in England and Wales (rules by body type)",
    "date": "2026-11",
    "note": "63 relations between kinds of body, each with its legal basis, checked against legislation.gov.uk "
    "and official pages in November 2026 (docs/domain.md); see data/reference/PROVENANCE.md.",
}

# (subject type, relation, object type) → how the row is applied to real bodies (see the module doc)
APPLICATIONS: dict[tuple[str, str, str], str] = {
    ("LocalAuthority", "is_member_of", "CommunitySafetyPartnership"): "council-for-district",
    ("CountyCouncil", "is_member_of", "CommunitySafetyPartnership"): "shares-district",
    ("ChiefConstable", "is_member_of", "CommunitySafetyPartnership"): "same-police-area",
    ("PoliceAuthority", "is_member_of", "CommunitySafetyPartnership"): "same-police-area",
    ("NationalProbationService", "is_member_of", "CommunitySafetyPartnership"): "national",
    ("ProbationService", "is_member_of", "CommunitySafetyPartnership"): "national",
    # responsible authorities the national layer does not list: applied to the ones a curator
    # declares with the districts they cover (CDA 1998 s.5(1): "any part of whose area lies within")
    ("FireAndRescueAuthority", "is_member_of", "CommunitySafetyPartnership"): "shares-district",
    ("PrimaryCareTrust", "is_member_of", "CommunitySafetyPartnership"): "shares-district",
    ("ClinicalCommissioningGroup", "is_member_of", "CommunitySafetyPartnership"): "shares-district",
    ("IntegratedCareBoard", "is_member_of", "CommunitySafetyPartnership"): "shares-district",
    ("LocalHealthBoard", "is_member_of", "CommunitySafetyPartnership"): "shares-district",
    ("ProbationTrust", "is_member_of", "CommunitySafetyPartnership"): "shares-district",
    ("CommunityRehabilitationCompany", "is_member_of", "CommunitySafetyPartnership"): "shares-district",
    ("CrimeAndDisorderCommittee", "scrutinises", "CommunityRehabilitationCompany"): "council-for-district",
    ("IntegratedCareBoard", "is_member_of", "HealthAndWellbeingBoard"): "shares-district",
    ("CrimeAndDisorderCommittee", "scrutinises", "CommunitySafetyPartnership"): "council-for-district",
    ("CrimeAndDisorderCommittee", "reports_to", "LocalAuthority"): "part-of",
    ("CommunitySafetyPartnership", "reports_to", "PoliceAndCrimeCommissioner"): "same-police-area",
    ("PoliceAndCrimeCommissioner", "cooperates_with", "CommunitySafetyPartnership"): "same-police-area",
    ("CommunitySafetyPartnership", "cooperates_with", "PoliceAndCrimeCommissioner"): "same-police-area",
    ("PoliceAndCrimeCommissioner", "funds", "CommunitySafetyPartnership"): "same-police-area",
    ("PoliceAndCrimeCommissioner", "holds_to_account", "ChiefConstable"): "same-police-area",
    ("PoliceAuthority", "holds_to_account", "ChiefConstable"): "same-police-area",
    ("MayorsOfficeForPolicingAndCrime", "holds_to_account", "ChiefConstable"): "same-police-area",
    ("MayorWithPCCFunctions", "holds_to_account", "ChiefConstable"): "same-police-area",
    ("PoliceAndCrimeCommissioner", "appoints", "ChiefConstable"): "same-police-area",
    ("PoliceAndCrimePanel", "scrutinises", "PoliceAndCrimeCommissioner"): "same-police-area",
    ("PoliceAndCrimeCommissioner", "reports_to", "PoliceAndCrimePanel"): "same-police-area",
    ("LocalAuthority", "is_member_of", "PoliceAndCrimePanel"): "same-police-area",
    ("HomeOffice", "funds", "PoliceAndCrimePanel"): "national",
    ("LondonAssembly", "scrutinises", "MayorsOfficeForPolicingAndCrime"): "same-police-area",
    ("PoliceFireAndCrimePanel", "scrutinises", "PoliceFireAndCrimeCommissioner"): "same-police-area",
    ("PoliceFireAndCrimeCommissioner", "holds_to_account", "ChiefFireOfficer"): "same-police-area",
    ("CombinedAuthorityPoliceAndCrimePanel", "scrutinises", "MayorWithPCCFunctions"): "same-police-area",
    ("HomeOffice", "funds", "PoliceAndCrimeCommissioner"): "national",
    ("HMICFRS", "scrutinises", "PoliceForce"): "national",
    ("NationalOffenderManagementService", "contract_manages", "CommunityRehabilitationCompany"): "national",
    ("HMPrisonAndProbationService", "contract_manages", "CommunityRehabilitationCompany"): "national",
    ("ProbationService", "reports_to", "HMPrisonAndProbationService"): "national",
    ("HMPrisonAndProbationService", "reports_to", "MinistryOfJustice"): "national",
    ("HMInspectorateOfProbation", "scrutinises", "ProbationProvider"): "national",
    ("MinistryOfJustice", "funds", "PoliceAndCrimeCommissioner"): "national",
    ("NHSEngland", "commissions", "SexualAssaultReferralCentre"): "national",
    ("DepartmentOfHealthAndSocialCare", "holds_to_account", "NHSEngland"): "national",
    ("PublicHealthEngland", "reports_to", "DepartmentOfHealthAndSocialCare"): "national",
    ("LocalAuthority", "appoints", "HealthAndWellbeingBoard"): "part-of",
    ("ChiefConstable", "is_member_of", "LocalSafeguardingChildrenBoard"): "same-police-area",
    ("ChiefConstable", "is_member_of", "SafeguardingChildrenPartnership"): "same-police-area",
    ("ChiefConstable", "is_member_of", "SafeguardingAdultsBoard"): "same-police-area",
    ("SafeguardingAdultsBoard", "reports_to", "PoliceAndCrimeCommissioner"): "same-police-area",
    ("LocalAuthority", "appoints", "YouthOffendingTeam"): "part-of",
    ("ChiefConstable", "is_member_of", "YouthOffendingTeam"): "same-police-area",
    ("YouthJusticeBoard", "scrutinises", "YouthOffendingTeam"): "national",
    ("YouthJusticeBoard", "funds", "YouthOffendingTeam"): "national",
    ("PoliceAndCrimeCommissioner", "cooperates_with", "LocalCriminalJusticeBoard"): "same-police-area",
}
JOIN_TEXT = {
    "council-for-district": "each body with the lower-tier or unitary council (or that council's committee) of "
    "every district it covers",
    "shares-district": "each body with every body of the other type that covers one of its districts",
    "same-police-area": "the bodies of each police force area with one another",
    "part-of": "each body with the council it is part of",
    "national": "the national body (data/registers) with every body of the other type",
}


def rule_id(subject: str, relation: str, obj: str) -> str:
    return f"{camel_to_slug(subject)}-{relation.replace('_', '-')}-{camel_to_slug(obj)}"


def legislation_id(url: str) -> str:
    """The /id/ form legislation.gov.uk uses for identifiers:
    https://www.legislation.gov.uk/ukpga/1998/37/section/5 → http://www.legislation.gov.uk/id/ukpga/1998/37/section/5"""
    path = urlsplit(url).path.strip("/")
    return f"http://www.legislation.gov.uk/{path if path.startswith('id/') else 'id/' + path}"


def rules_document(reference_dir: Path) -> FactFile:
    table = read_table(reference_dir / FILE, [c for c in COLUMNS])
    table.unique("rule", lambda r: (r["subject_type"], r["relation"], r["object_type"]), "object_type")
    rules = []
    for row in table.rows:
        if not (
            row["subject_type"]
            and row["relation"] in RELATIONS
            and row["object_type"]
            and row["status"] in STATUSES
        ):
            continue
        relation = RELATIONS[row["relation"]]
        mechanism = relation[0] if relation else None
        if mechanism == "scrutiny" and row["subject_type"] in INSPECTORATES:
            mechanism = "inspection"
        see_also = [u.strip() for u in (row.get("source") or "").split(" ; ") if u.strip()]
        rules.append(
            entry(
                row.line,
                id=rule_id(row["subject_type"], row["relation"], row["object_type"]),
                subject_type=row["subject_type"],
                relation=row["relation"],
                object_type=row["object_type"],
                mechanism=mechanism,
                status=STATUSES[row["status"]],
                status_text=row["status"],
                legal_basis=row["legal_basis"],
                legislation=legislation_id(row["legislation_uri"]) if row.get("legislation_uri") else None,
                start=row.get("valid_from"),
                end=row.get("valid_to"),
                note=row.get("notes"),
                see_also=see_also,
                cite=f"line {row.line}",
            )
        )
    table.raise_errors()
    return document(table.path, SOURCE, rules=rules)


# -- applying the rules ----------------------------------------------------------------------


@dataclass
class BodyFacts:
    """What the fact documents say about one body that the joins need."""

    id: str
    part_of: str | None = None
    covers: set[str] = field(default_factory=set)
    police_force_area: str | None = None
    start: str | None = None
    end: str | None = None
    national: bool = False  # declared in a register of national bodies


def _gather(files: Iterable[FactFile]) -> tuple[dict[str, BodyFacts], dict[str, list[str]]]:
    """Bodies (reference documents first: their facts win) and each area's enclosing areas."""
    bodies: dict[str, BodyFacts] = {}
    within: dict[str, list[str]] = {}
    ordered = sorted(files, key=lambda ff: ff.doc.source.kind != REFERENCE_KIND)
    for ff in ordered:
        for a in ff.doc.areas:
            within.setdefault(a.id, list(a.within))
        for b in ff.doc.bodies:
            facts = bodies.setdefault(b.id, BodyFacts(b.id))
            facts.part_of = facts.part_of or b.part_of
            facts.covers.update(b.covers)
            facts.police_force_area = facts.police_force_area or b.police_force_area
            facts.start = facts.start or (b.start.exact.text if b.start and b.start.exact else None)
            facts.end = facts.end or (b.end.exact.text if b.end and b.end.exact else None)
            facts.national = facts.national or ff.doc.source.kind == "register"
    return bodies, within


@dataclass(frozen=True)
class Period:
    start: PartialDate | None = None
    end: PartialDate | None = None

    @classmethod
    def of(cls, start: str | None, end: str | None) -> Period:
        return cls(PartialDate.parse(start) if start else None, PartialDate.parse(end) if end else None)

    @classmethod
    def hull(cls, periods: Iterable[Period]) -> Period:
        """From the earliest start to the latest end (open when any is open)."""
        periods = list(periods)
        starts, ends = [p.start for p in periods], [p.end for p in periods]
        start = None if None in starts else min(starts, key=lambda d: (d.earliest, d.latest))
        end = None if None in ends else max(ends, key=lambda d: (d.latest, d.earliest))
        return cls(start, end)

    def __and__(self, other: Period) -> Period | None:
        """The overlap, with the sources' own dates (the later start, the earlier end); None if empty."""
        starts = [d for d in (self.start, other.start) if d]
        ends = [d for d in (self.end, other.end) if d]
        start = max(starts, key=lambda d: (d.earliest, d.latest)) if starts else None
        end = min(ends, key=lambda d: (d.latest, d.earliest)) if ends else None
        if start and end and end.latest < start.earliest:
            return None
        return Period(start, end)


@dataclass(frozen=True)
class Typed:
    """A body as one kind over one period."""

    body: BodyFacts
    cls: str
    period: Period


class Model:
    """The graph's bodies, their kinds over time and their places, for applying rules."""

    def __init__(self, files: list[FactFile], registry: Registry, history: dict[str, list[Office]]):
        self.vocab = registry.vocab
        self.bodies, self.within = _gather(files)
        self.typed: list[Typed] = []
        for body in self.bodies.values():
            rec = registry.get("body", body.id)
            if rec is None or rec.type is None:
                continue
            life = Period.of(body.start, body.end)
            for office in history.get(body.id) or [Office(_local(rec.type))]:
                period = Period.of(office.start, office.end) & life
                if period is not None:
                    self.typed.append(Typed(body, office.type, period))
        self.by_body: dict[str, list[Typed]] = defaultdict(list)
        for t in self.typed:
            self.by_body[t.body.id].append(t)

    def of_type(self, cls_name: str) -> list[Typed]:
        """The bodies of a kind (subclasses included), each for the period it was of that kind."""
        cls = self.vocab.body_classes.get(cls_name)
        if cls is None:
            return []
        out = []
        for typings in self.by_body.values():
            match = [t for t in typings if self.vocab.is_subclass(self.vocab.body_classes[t.cls], cls)]
            if len(match) > 1:  # e.g. a PCC that became a PFCC is a PCC throughout: one period
                match = [Typed(match[0].body, cls_name, Period.hull(t.period for t in match))]
            out.extend(match)
        return out

    def is_a(self, body: BodyFacts, cls_name: str) -> bool:
        cls = self.vocab.body_classes[cls_name]
        return any(self.vocab.is_subclass(self.vocab.body_classes[t.cls], cls) for t in self.by_body[body.id])

    def districts(self, body: BodyFacts, depth: int = 0) -> set[str]:
        """The districts a body covers; a committee or board takes those of the body it is part of."""
        if body.covers or depth > 3 or body.part_of not in self.bodies:
            return body.covers
        return self.districts(self.bodies[body.part_of], depth + 1)

    def police_areas(self, body: BodyFacts, depth: int = 0) -> set[str]:
        if body.police_force_area:
            return {body.police_force_area}
        if body.covers:
            return {outer for lad in body.covers for outer in self.within.get(lad, ())}
        if depth > 3 or body.part_of not in self.bodies:
            return set()
        return self.police_areas(self.bodies[body.part_of], depth + 1)

    def council_of(self, body: BodyFacts) -> BodyFacts | None:
        """The body itself if it is a council, else the council it is part of."""
        for _ in range(4):
            if self.is_a(body, "LocalAuthority"):
                return body
            if body.part_of not in self.bodies:
                return None
            body = self.bodies[body.part_of]
        return None

    # -- joins: which pairs of real bodies a rule binds -----------------------------------
    def pairs(self, join: str, subjects: list[Typed], objects: list[Typed]) -> Iterator[tuple[Typed, Typed]]:
        if join == "same-police-area":
            yield from self._by_key(subjects, objects, self.police_areas)
        elif join == "shares-district":
            yield from self._by_key(subjects, objects, self.districts)
        elif join == "council-for-district":
            councils = {id(s): self.council_of(s.body) for s in subjects}
            lower = [
                s
                for s in subjects
                if councils[id(s)] is not None and not self.is_a(councils[id(s)], "CountyCouncil")
            ]
            yield from self._by_key(lower, objects, self.districts)
        elif join == "part-of":
            by_id = defaultdict(list)
            for o in objects:
                by_id[o.body.id].append(o)
            for s in subjects:
                for o in by_id.get(s.body.part_of or "", []):
                    yield s, o
            by_id = defaultdict(list)
            for s in subjects:
                by_id[s.body.id].append(s)
            for o in objects:
                for s in by_id.get(o.body.part_of or "", []):
                    yield s, o
        elif join == "national":
            for s in subjects:
                if s.body.national:
                    for o in objects:
                        if o.body is not s.body:
                            yield s, o
        else:  # pragma: no cover - APPLICATIONS names only the joins above
            raise ValueError(f"unknown join {join}")

    @staticmethod
    def _by_key(subjects: list[Typed], objects: list[Typed], keys) -> Iterator[tuple[Typed, Typed]]:
        index: dict[str, list[Typed]] = defaultdict(list)
        for o in objects:
            for k in keys(o.body):
                index[k].append(o)
        for s in subjects:
            seen = set()
            for k in keys(s.body):
                for o in index.get(k, []):
                    if id(o) not in seen and o.body is not s.body:
                        seen.add(id(o))
                        yield s, o


def _local(cls) -> str:
    return str(cls).rsplit("#", 1)[-1]


@dataclass(frozen=True)
class StandIn:
    """A kind of body the law puts in the place of the kind a rule names (MOPAC for a PCC)."""

    body_type: str
    stands_for: str
    legal_basis: str
    line: int


def read_stand_ins(reference_dir: Path, rules: list, vocab) -> dict[tuple[str, str, str], list[StandIn]]:
    """statutory/pcc_functions.csv by rule (subject type, relation, object type), checked against
    the rules and the ontology; a missing file means no stand-ins."""
    if not (reference_dir / STAND_IN_FILE).is_file():
        return {}
    table = read_table(reference_dir / STAND_IN_FILE, STAND_IN_COLUMNS)

    def key(row) -> tuple[str, str, str]:
        return row["subject_type"], row["relation"], row["object_type"]

    table.unique("stand-in", lambda r: (r["body_type"], *key(r)), "body_type")
    known = {(r.subject_type, r.relation, r.object_type) for r in rules}
    out: dict[tuple[str, str, str], list[StandIn]] = defaultdict(list)
    for row in table.rows:
        for column in ("body_type", "stands_for"):
            if row[column] and row[column] not in vocab.body_classes:
                table.error(row.line, column, f"'{row[column]}' is not a body class of the ontology")
        if all(key(row)) and key(row) not in known:
            table.error(row.line, "object_type", f"no rule {' / '.join(key(row))} in {FILE}")
        elif row["stands_for"] not in (row["subject_type"], row["object_type"]):
            table.error(
                row.line,
                "stands_for",
                f"'{row['stands_for']}' is neither the rule's subject nor its object type",
            )
        elif APPLICATIONS.get(key(row)) is None:
            table.error(
                row.line, "object_type", f"the rule {' / '.join(key(row))} is not applied to real bodies"
            )
        out[key(row)].append(StandIn(row["body_type"], row["stands_for"], row["legal_basis"], row.line))
    table.raise_errors()
    return out


def statutory_documents(files: list[FactFile], registry: Registry, data_dir: Path) -> list[FactFile]:
    """The statutory rules applied to the graph's bodies: a fact document per applied rule."""
    rule_files = [ff for ff in files if ff.doc.rules]
    if not rule_files:
        return []
    reference_dir = data_dir / "reference"
    history = office_history(reference_dir) if (reference_dir / HISTORY_FILE).is_file() else {}
    stand_ins = read_stand_ins(reference_dir, [r for ff in rule_files for r in ff.doc.rules], registry.vocab)
    model = Model(files, registry, history)
    out: list[FactFile] = []
    for ff in rule_files:
        for i, rule in enumerate(ff.doc.rules):
            key = (rule.subject_type, rule.relation, rule.object_type)
            join = APPLICATIONS.get(key)
            if join is None:
                continue
            line = ff.line("rules", i) or 1
            facts = [
                f
                for stand_in in (None, *stand_ins.get(key, ()))
                for f in _apply(model, rule, join, line, stand_in)
            ]
            if facts:
                out.append(_rule_document(ff, rule, join, facts))
    return out


def _sides(model: Model, rule, stand_in: StandIn | None) -> tuple[list[Typed], list[Typed]]:
    """The rule's subjects and objects; with a stand-in, its bodies on the side it stands for."""
    subject, obj = rule.subject_type, rule.object_type
    if stand_in is not None:
        if stand_in.stands_for == subject:
            subject = stand_in.body_type
        else:
            obj = stand_in.body_type
    return model.of_type(subject), model.of_type(obj)


def _apply(model: Model, rule, join: str, line: int, stand_in: StandIn | None = None) -> Iterator[LineDict]:
    relation = RELATIONS[rule.relation]
    rule_period = Period(rule.start.exact if rule.start else None, rule.end.exact if rule.end else None)
    subjects, objects = _sides(model, rule, stand_in)
    if not subjects or not objects:
        return
    cite, legal_basis = f"line {line}", rule.legal_basis
    if stand_in is not None:
        cite += f"; {STAND_IN_FILE} line {stand_in.line}"
        legal_basis = f"{rule.legal_basis}; applied to {stand_in.body_type}: {stand_in.legal_basis}"
    for s, o in model.pairs(join, subjects, objects):
        period = rule_period & s.period
        period = period & o.period if period is not None else None
        if period is None:
            continue
        dates = {
            "start": period.start.text if period.start else None,
            "end": period.end.text if period.end else None,
        }
        if relation is None:
            yield entry(
                line,
                member=s.body.id,
                organisation=o.body.id,
                role="member",
                basis="non-statutory" if rule.status in NON_STATUTORY_SEATS else "statutory",
                rule=rule.id,
                cite=cite,
                **dates,
            )
        else:
            mechanism, forward = relation
            holder, held = (s, o) if forward else (o, s)
            yield entry(
                line,
                holder=holder.body.id,
                held=held.body.id,
                mechanism=rule.mechanism or mechanism,
                status=rule.status,
                legal_basis=legal_basis,
                legislation=rule.legislation,
                rule=rule.id,
                cite=cite,
                **dates,
            )


def _rule_document(ff: FactFile, rule, join: str, facts: list[LineDict]) -> FactFile:
    label = f"{rule.subject_type} {rule.relation.replace('_', ' ')} {rule.object_type}"
    source = {
        "id": f"statutory-model-{rule.id}",
        "title": f"Statutory model applied: {label} ({rule.cite} of {Path(ff.path).name})",
        "date": ff.doc.source.date.exact.text if ff.doc.source.date and ff.doc.source.date.exact else None,
        "note": f"The rule '{label}' ({rule.legal_basis}) applied to {JOIN_TEXT[join]}; dates are the rule's, "
        f"narrowed to the bodies' own.",
    }
    section = "memberships" if RELATIONS[rule.relation] is None else "links"
    return document(ff.path, source, **{section: facts})
