"""The statutory accountability model: data/reference/statutory/accountability.csv.

Each row says how one *kind* of body relates to another under the law ("PoliceAndCrimePanel
scrutinises PoliceAndCrimeCommissioner", Police Reform and Social Responsibility Act 2011 s.28).
`rules_document` turns every row into a csp:StatutoryRule; `statutory_documents` applies the rows
to the real bodies of the graph as accountability links and memberships, one named graph per
rule (`statutory-model-<rule id>`), each fact pointing at its rule with csp:appliesRule.

Which rules are applied, and how, is data too: statutory/applications.csv names for each applied
rule a strategy of `strategies.STRATEGIES` (council-for-district, shares-district,
same-police-area, part-of, national: see that module) and, for a Crime and Disorder Act s.5
membership, the kind of responsible authority it makes (council, police, fire, health,
probation ...), kept on the rule as csp:responsibleAuthorityKind.

A rule applies only to bodies of its types that exist in the graph; where a body's kind changed
(a PCC replaced by a mayor) it applies to the years the body was of that kind. A rule about
police and crime commissioners reaches MOPAC or a mayor with PCC functions only where
statutory/pcc_functions.csv says which law puts that body in the PCC's place (an 'elected local
policing body' in PRSRA 2011 ss.9-10; a mayor 'treated as a PCC' by the area's order); such facts
carry both legal bases. A link or membership starts at the latest of the rule's start and its two
bodies' starts and ends at the earliest end (never a day the sources do not give). Rules not
listed, or listed but with no bodies of their types in the graph, are kept as rules only.
Not listed: joint committees, domestic homicide reviews, service providers, PCC membership of
HWBs (discretionary), LCJB members, specified authorities and Welsh public services boards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import BuildError, FactError
from ..facts.reader import FactFile
from ..facts.schema import Rule
from ..facts.yaml_lines import LineDict
from ..resolve import Registry
from ..vocab import Vocabulary
from .bodies import Model, Office, Period, Typed
from .document import camel_to_slug, document, entry
from .health import read_health
from .police import HISTORY_FILE, office_history
from .responsible import FIRE_FILE, read_fire, read_places
from .strategies import STRATEGIES, Strategy
from .table import DATE, Column, Row, Table, read_table

FILE = "statutory/accountability.csv"
STAND_IN_FILE = "statutory/pcc_functions.csv"
APPLICATIONS_FILE = "statutory/applications.csv"
# the kinds of responsible authority (Crime and Disorder Act 1998 s.5) a CSP membership rule makes
RESPONSIBLE_AUTHORITY_KINDS = ("council", "police", "police-authority", "fire", "health", "probation")
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
APPLICATION_COLUMNS = [
    Column("subject_type", CLASS_NAME),
    Column("relation", choices=tuple(RELATIONS)),
    Column("object_type", CLASS_NAME),
    Column("applied_as", choices=tuple(STRATEGIES)),
    Column("responsible_authority", choices=RESPONSIBLE_AUTHORITY_KINDS, required=False),
    Column("note", required=False),
]
SOURCE = {
    "id": "statutory-rules",
    "title": "Statutory accountability model of community safety in England and Wales (rules by body type)",
    "date": "2026-11",
    "note": "{rules} relations between kinds of body, each with its legal basis, checked against "
    "legislation.gov.uk and official pages (docs/domain.md); {applied} of them applied to real bodies as "
    "statutory/applications.csv says; see data/reference/PROVENANCE.md.",
}


def rule_id(subject: str, relation: str, obj: str) -> str:
    return f"{camel_to_slug(subject)}-{relation.replace('_', '-')}-{camel_to_slug(obj)}"


def legislation_id(url: str) -> str:
    """The /id/ form legislation.gov.uk uses for identifiers:
    https://www.legislation.gov.uk/ukpga/1998/37/section/5 → http://www.legislation.gov.uk/id/ukpga/1998/37/section/5"""
    path = urlsplit(url).path.strip("/")
    return f"http://www.legislation.gov.uk/{path if path.startswith('id/') else 'id/' + path}"


def rule_key(row: Row) -> tuple[str, str, str]:
    return row["subject_type"], row["relation"], row["object_type"]


@dataclass(frozen=True)
class Application:
    """How one rule is applied to real bodies (a row of statutory/applications.csv)."""

    strategy: str
    responsible_authority: str | None
    line: int


def read_applications(
    reference_dir: Path, rules: Table
) -> tuple[Table, dict[tuple[str, str, str], Application]]:
    """statutory/applications.csv by rule, checked against the rules of accountability.csv."""
    table = read_table(reference_dir / APPLICATIONS_FILE, APPLICATION_COLUMNS)
    table.unique("application of the rule", rule_key, "object_type")
    known = {rule_key(r): r.line for r in rules.rows}
    out: dict[tuple[str, str, str], Application] = {}
    for row in table.rows:
        key = rule_key(row)
        if all(key) and key not in known:
            table.error(row.line, "object_type", f"no rule {' / '.join(key)} in {FILE}")
            continue
        kind = row.get("responsible_authority")
        if kind and (row["relation"], row["object_type"]) != ("is_member_of", "CommunitySafetyPartnership"):
            table.error(
                row.line,
                "responsible_authority",
                "only a membership of a CommunitySafetyPartnership makes a responsible authority",
            )
        if row["applied_as"] in STRATEGIES:
            out.setdefault(key, Application(row["applied_as"], kind, row.line))
    return table, out


def rules_document(reference_dir: Path) -> FactFile:
    table = read_table(reference_dir / FILE, [c for c in COLUMNS])
    table.unique("rule", rule_key, "object_type")
    applications_table, applications = read_applications(reference_dir, table)
    rules = [_rule_entry(row, applications.get(rule_key(row))) for row in table.rows if _complete(row)]
    table.errors.extend(applications_table.errors)
    table.raise_errors()
    source = dict(SOURCE, note=SOURCE["note"].format(rules=len(rules), applied=len(applications)))
    return document(table.path, source, rules=rules)


def _complete(row: Row) -> bool:
    return bool(
        row["subject_type"]
        and row["relation"] in RELATIONS
        and row["object_type"]
        and row["status"] in STATUSES
    )


def _rule_entry(row: Row, application: Application | None) -> LineDict:
    relation = RELATIONS[row["relation"]]
    mechanism = relation[0] if relation else None
    if mechanism == "scrutiny" and row["subject_type"] in INSPECTORATES:
        mechanism = "inspection"
    see_also = [u.strip() for u in (row.get("source") or "").split(" ; ") if u.strip()]
    return entry(
        row.line,
        id=rule_id(*rule_key(row)),
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
        applied_as=application.strategy if application else None,
        responsible_authority=application.responsible_authority if application else None,
        cite=f"line {row.line}",
    )


# -- applying the rules ----------------------------------------------------------------------


@dataclass(frozen=True)
class StandIn:
    """A kind of body the law puts in the place of the kind a rule names (MOPAC for a PCC)."""

    body_type: str
    stands_for: str
    legal_basis: str
    line: int


def read_stand_ins(
    reference_dir: Path, rules: list[Rule], vocab: Vocabulary
) -> dict[tuple[str, str, str], list[StandIn]]:
    """statutory/pcc_functions.csv by rule (subject type, relation, object type), checked against
    the rules and the ontology; a missing file means no stand-ins."""
    if not (reference_dir / STAND_IN_FILE).is_file():
        return {}
    table = read_table(reference_dir / STAND_IN_FILE, STAND_IN_COLUMNS)

    def key(row: Row) -> tuple[str, str, str]:
        return row["subject_type"], row["relation"], row["object_type"]

    table.unique("stand-in", lambda r: (r["body_type"], *key(r)), "body_type")
    known = {(r.subject_type, r.relation, r.object_type): r.applied_as for r in rules}
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
        elif known.get(key(row)) is None:
            table.error(
                row.line, "object_type", f"the rule {' / '.join(key(row))} is not applied to real bodies"
            )
        out[key(row)].append(StandIn(row["body_type"], row["stands_for"], row["legal_basis"], row.line))
    table.raise_errors()
    return out


@dataclass
class Reach:
    """What the statutory model looked at: the body classes it asked for (a body of none of them,
    nor of a subclass, is not seen), and the bodies the reference data types itself."""

    classes: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)


def statutory_documents(
    files: list[FactFile], registry: Registry, data_dir: Path, reach: Reach | None = None
) -> list[FactFile]:
    """The statutory rules applied to the graph's bodies: a fact document per applied rule (and
    in `reach`, what the model looked at)."""
    rule_files = [ff for ff in files if ff.doc.rules]
    if not rule_files:
        return []
    reference_dir = data_dir / "reference"
    history = office_history(reference_dir) if (reference_dir / HISTORY_FILE).is_file() else {}
    stand_ins = read_stand_ins(reference_dir, [r for ff in rule_files for r in ff.doc.rules], registry.vocab)
    capacities: dict[str, list[Office]] = {}
    if (reference_dir / FIRE_FILE).is_file():
        capacities = _capacities(reference_dir, registry, history)
    model = Model(files, registry, history, capacities)
    out: list[FactFile] = []
    for ff in rule_files:
        for i, rule in enumerate(ff.doc.rules):
            if rule.applied_as is None:
                continue
            key = (rule.subject_type, rule.relation, rule.object_type)
            strategy = STRATEGIES[rule.applied_as](model)
            line = ff.line("rules", i) or 1
            facts = [
                f
                for stand_in in (None, *stand_ins.get(key, ()))
                for f in _apply(strategy, rule, line, stand_in)
            ]
            if facts:
                out.append(_rule_document(ff, rule, strategy, facts))
    if reach is not None:
        reach.classes |= model.classes_asked()
        reach.ids |= set(history) | set(capacities)
    return out


def _capacities(
    reference_dir: Path, registry: Registry, history: dict[str, list[Office]]
) -> dict[str, list[Office]]:
    """Kinds bodies hold besides their own (a county council as fire and rescue authority), and the
    dated kinds of bodies known only for part of their life (CCGs formed by mergers); each body
    named must be one of the graph's."""
    places = read_places(reference_dir)
    fire = read_fire(reference_dir, places)
    health = read_health(reference_dir, places)
    errors = [
        FactError(
            path, line, "body", f"no body '{body}' in the graph", "a council, commissioner or authority id"
        )
        for body, path, line in fire.capacity_lines
        if registry.get("body", body) is None
    ]
    if errors or fire.errors or health.errors:
        raise BuildError(errors + fire.errors + health.errors)
    history.update(health.history)
    return dict(fire.capacities)


def _sides(model: Model, rule: Rule, stand_in: StandIn | None) -> tuple[list[Typed], list[Typed]]:
    """The rule's subjects and objects; with a stand-in, its bodies on the side it stands for."""
    subject, obj = rule.subject_type, rule.object_type
    if stand_in is not None:
        if stand_in.stands_for == subject:
            subject = stand_in.body_type
        else:
            obj = stand_in.body_type
    return model.of_type(subject), model.of_type(obj)


def _apply(strategy: Strategy, rule: Rule, line: int, stand_in: StandIn | None = None) -> Iterator[LineDict]:
    relation = RELATIONS[rule.relation]
    rule_period = Period(rule.start.exact if rule.start else None, rule.end.exact if rule.end else None)
    subjects, objects = _sides(strategy.model, rule, stand_in)
    if not subjects or not objects:
        return
    cite, legal_basis = f"line {line}", rule.legal_basis
    if stand_in is not None:
        cite += f"; {STAND_IN_FILE} line {stand_in.line}"
        legal_basis = f"{rule.legal_basis}; applied to {stand_in.body_type}: {stand_in.legal_basis}"
    for s, o in strategy.pairs(subjects, objects):
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


def _rule_document(ff: FactFile, rule: Rule, strategy: Strategy, facts: list[LineDict]) -> FactFile:
    label = f"{rule.subject_type} {rule.relation.replace('_', ' ')} {rule.object_type}"
    source = {
        "id": f"statutory-model-{rule.id}",
        "title": f"Statutory model applied: {label} ({rule.cite} of {Path(ff.path).name})",
        "date": ff.doc.source.date.exact.text if ff.doc.source.date and ff.doc.source.date.exact else None,
        "note": f"The rule '{label}' ({rule.legal_basis}) applied to {strategy.text}; dates are the rule's, "
        f"narrowed to the bodies' own.",
    }
    section = "memberships" if RELATIONS[rule.relation] is None else "links"
    return document(ff.path, source, **{section: facts})
