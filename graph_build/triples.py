"""Fact documents → triples for each source's named graph.

Each fact becomes an IRI node (never a blank node) so that SHACL reports and users can point at
it; `places` and `fields` remember the line and field of each node's fact for error messages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.term import Node

from .errors import BuildError, FactError
from .facts.dates import DateSpec, PartialDate
from .facts.reader import FactFile, field_name
from .facts.schema import (
    Area,
    Body,
    Concern,
    Fact,
    Initiative,
    Item,
    Link,
    Meeting,
    Membership,
    Observation,
    Person,
    Post,
    Rule,
    Source,
)
from .namespaces import CSP, DCTERMS, FOAF, ONS, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD, Ids, slug
from .resolve import Registry

Triple = tuple[Node, Node, Node]

_PRECISION_TYPE = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}
_DATE_PROPS = {
    "start": (CSP.startDate, CSP.startNotBefore, CSP.startNotAfter),
    "end": (CSP.endDate, CSP.endNotBefore, CSP.endNotAfter),
    "date": (DCTERMS.date, CSP.dateNotBefore, CSP.dateNotAfter),
}
_DECISION_CLASS = {
    "resolution": CSP.Resolution,
    "decision": CSP.Decision,
    "recommendation": CSP.Recommendation,
    "delegation": CSP.Delegation,
    "noting": CSP.Noting,
}
_CONCERN_CLASS = {
    "gap": CSP.Gap,
    "concern": CSP.Concern,
    "contested": CSP.ContestedClaim,
    "question": CSP.OpenQuestion,
}
_CODE_PROPS = {"gss": CSP.gssCode, "police-uk": CSP.policeUkId, "la-code": CSP.laCode, "ods": CSP.odsCode}


@lru_cache(maxsize=65536)
def partial_literal(d: PartialDate) -> Literal:
    return Literal(d.text, datatype=_PRECISION_TYPE[d.precision])


@lru_cache(maxsize=262144)
def text_literal(text: str) -> Literal:
    """A plain literal, made once per text: citations, names and kinds repeat across thousands of
    facts, and rdflib takes microseconds to make each Literal."""
    return Literal(text)


@dataclass
class SourceGraph:
    """The triples of one source document, ready for SHACL and the store."""

    source_id: str
    graph: URIRef
    source: URIRef
    file: str
    triples: list[Triple] = field(default_factory=list)
    places: dict[URIRef, int | None] = field(default_factory=dict)  # node → line of its fact
    fields: dict[URIRef, str] = field(default_factory=dict)  # node → its fact's field, 'links[2]'
    counts: Counter = field(default_factory=Counter)


class Converter:
    """Turns one FactFile into a SourceGraph, resolving references through the registry."""

    def __init__(self, registry: Registry, ids: Ids):
        self.registry = registry
        self.vocab = registry.vocab
        self.ids = ids

    # -- helpers -------------------------------------------------------------------------
    def _ref(self, loc: tuple, id_: str | None, *kinds: str) -> URIRef | None:
        rec = self.registry.resolve(self.ff, loc, id_, kinds or ("body",))
        return self.ids.entity(rec.kind, rec.id) if rec else None

    def _add(self, s: Node, p: Node, o: Node | None) -> None:
        if o is not None:
            self.out.triples.append((s, p, o))

    def _text(self, s: Node, p: Node, text: str | None) -> None:
        if text is not None:
            self.out.triples.append((s, p, text_literal(text)))

    def _date(self, node: URIRef, which: str, spec: DateSpec | None) -> None:
        if spec is None:
            return
        exact, nb, na = _DATE_PROPS[which]
        if spec.exact:
            self._add(node, exact, partial_literal(spec.exact))
        if spec.not_before:
            self._add(node, nb, partial_literal(spec.not_before))
        if spec.not_after:
            self._add(node, na, partial_literal(spec.not_after))

    def _fact(self, node: URIRef, cls: URIRef, loc: tuple, fact: Fact) -> None:
        """Type, provenance, citation and note common to every n-ary fact."""
        self._types(node, cls)
        self._add(node, PROV.wasDerivedFrom, self.out.source)
        self._text(node, CSP.citation, fact.cite)
        self._text(node, SKOS.note, fact.note)
        self._place(node, loc)
        self.out.counts[_count_key(cls)] += 1

    def _place(self, node: URIRef, loc: tuple) -> None:
        self.out.places[node] = self.ff.line(*loc)
        self.out.fields[node] = field_name(loc)

    def _types(self, node: URIRef, cls: URIRef) -> None:
        for sup in self.vocab.superclasses.get(cls, (cls,)):
            self._add(node, RDF.type, sup)

    def _unique(self, kind: str, key: str) -> URIRef:
        """A fact URI unique within this source: a readable key, numbered when repeated."""
        self._seen[(kind, key)] += 1
        n = self._seen[(kind, key)]
        return self.ids.fact(kind, self.out.source_id, key if n == 1 else f"{key}-{n}")

    # -- conversion ----------------------------------------------------------------------
    def convert(self, ff: FactFile) -> SourceGraph:
        self.ff = ff
        doc = ff.doc
        sid = doc.source.id
        self.out = SourceGraph(sid, self.ids.graph(sid), self.ids.source(sid), ff.path)
        self._seen: Counter = Counter()
        self._source(doc.source)
        for i, b in enumerate(doc.bodies):
            self._body(("bodies", i), b)
        for i, person in enumerate(doc.people):
            self._person(("people", i), person)
        for i, post in enumerate(doc.posts):
            self._post(("posts", i), post)
        for i, membership in enumerate(doc.memberships):
            self._membership(("memberships", i), membership)
        for i, link in enumerate(doc.links):
            self._link(("links", i), link)
        for i, meeting in enumerate(doc.meetings):
            self._meeting(("meetings", i), meeting)
        for i, o in enumerate(doc.observations):
            self._observation(("observations", i), o)
        for i, it in enumerate(doc.initiatives):
            self._initiative(("initiatives", i), it)
        for i, c in enumerate(doc.concerns):
            self._concern(("concerns", i), c)
        for i, a in enumerate(doc.areas):
            self._area(("areas", i), a)
        for i, r in enumerate(doc.rules):
            self._rule(("rules", i), r)
        self.out.triples = list(dict.fromkeys(self.out.triples))  # once each, in order
        return self.out

    def _source(self, src: Source) -> None:
        node = self.out.source
        self._types(node, CSP.SourceDocument)
        self._text(node, DCTERMS.title, src.title)
        self._add(node, CSP.documentKind, self.vocab.kinds.get(src.kind))
        self._add(node, DCTERMS.publisher, self._ref(("source", "publisher"), src.publisher))
        self._date(node, "date", src.date)
        if src.url:
            self._add(node, FOAF.page, URIRef(src.url))
        self._text(node, CSP.localCopy, src.local_copy)
        self._text(node, DCTERMS.license, src.licence)
        self._text(node, SKOS.note, src.note)
        self._text(node, DCTERMS.identifier, src.id)
        self._text(node, CSP.sourceFile, self.ff.path)
        self._place(node, ("source",))
        self.out.counts["source"] += 1

    def _body(self, loc: tuple, b: Body) -> None:
        rec = self.registry.get("body", b.id)
        if rec is None:  # resolve.py declares every body a file states: converting without it is a bug
            raise BuildError(
                [FactError(str(self.ff.path), self.ff.line(*loc), field_name(loc), "body not resolved")]
            )
        node = self.ids.body(b.id)
        self._place(node, loc)
        self.out.counts["body"] += 1
        # Every graph that declares a body gives its canonical type and name, so each source
        # graph stands on its own; names this source uses otherwise become alternative names.
        if rec.type is not None:
            self._types(node, rec.type)
        self._text(node, SKOS.prefLabel, rec.name)
        self._text(node, DCTERMS.identifier, b.id)
        if b.name and b.name != rec.name:
            self._text(node, SKOS.altLabel, b.name)
        for alt in b.alt_names:
            if alt != rec.name:
                self._text(node, SKOS.altLabel, alt)
        self._add(node, ORG.subOrganizationOf, self._ref(loc + ("part_of",), b.part_of))
        for j, pred in enumerate(b.replaces):
            before = self._ref(loc + ("replaces", j), pred)
            self._add(node, DCTERMS.replaces, before)
            if before is not None:
                self._add(before, CSP.replacedBy, node)
        self._text(node, CSP.area, b.area)
        self._date(node, "start", b.start)
        self._date(node, "end", b.end)
        self._codes(node, b.codes)
        for j, area in enumerate(b.covers):
            self._add(node, CSP.coversDistrict, self._ref(loc + ("covers", j), area, "area"))
        self._add(
            node, CSP.policeForceArea, self._ref(loc + ("police_force_area",), b.police_force_area, "area")
        )
        self._add(node, DCTERMS.source, self.out.source)
        self._text(node, CSP.citation, b.cite)
        self._text(node, SKOS.note, b.note)

    def _codes(self, node: URIRef, codes: dict[str, str]) -> None:
        """National codes: a typed property each, a dcterms:identifier, and the ONS URI for GSS."""
        for scheme, code in codes.items():
            self._add(node, _CODE_PROPS[scheme], Literal(code))
            self._add(node, DCTERMS.identifier, Literal(code))
            if scheme == "gss":
                self._add(node, OWL.sameAs, ONS[code])

    def _area(self, loc: tuple, a: Area) -> None:
        node = self.ids.area(a.id)
        self._types(node, CSP[a.type])
        self._text(node, SKOS.prefLabel, a.name)
        for alt in a.alt_names:
            self._text(node, SKOS.altLabel, alt)
        self._text(node, DCTERMS.identifier, a.id)
        self._codes(node, a.codes)
        for j, outer in enumerate(a.within):
            self._add(node, CSP.within, self._ref(loc + ("within", j), outer, "area"))
        self._date(node, "start", a.start)
        self._date(node, "end", a.end)
        self._add(node, DCTERMS.source, self.out.source)
        self._text(node, CSP.citation, a.cite)
        self._text(node, SKOS.note, a.note)
        self._place(node, loc)
        self.out.counts["area"] += 1

    def _class(self, loc: tuple, name: str) -> URIRef | None:
        """A class of the ontology named by its local name (rules name body types)."""
        cls = CSP[name]
        if cls in self.vocab.superclasses:
            return cls
        known = {
            str(c).removeprefix(str(CSP)): c for c in self.vocab.superclasses if str(c).startswith(str(CSP))
        }
        self.registry.errors.append(self.registry._unknown(self.ff, loc, "class", name, known))
        return None

    def _rule(self, loc: tuple, r: Rule) -> None:
        node = self.ids.rule(r.id)
        self._fact(node, CSP.StatutoryRule, loc, r)
        self._text(node, SKOS.prefLabel, f"{r.subject_type} {r.relation.replace('_', ' ')} {r.object_type}")
        self._text(node, DCTERMS.identifier, r.id)
        self._add(node, CSP.subjectType, self._class(loc + ("subject_type",), r.subject_type))
        self._text(node, CSP.relation, r.relation)
        self._add(node, CSP.objectType, self._class(loc + ("object_type",), r.object_type))
        if r.mechanism:
            self._add(
                node,
                CSP.mechanism,
                self.registry.concept(
                    self.ff, loc + ("mechanism",), r.mechanism, "mechanism", self.vocab.mechanisms
                ),
            )
        self._add(
            node,
            CSP.status,
            self.registry.concept(self.ff, loc + ("status",), r.status, "status", self.vocab.statuses),
        )
        self._text(node, CSP.statusText, r.status_text)
        self._text(node, CSP.legalBasis, r.legal_basis)
        self._text(node, CSP.responsibleAuthorityKind, r.responsible_authority)
        if r.legislation:
            self._add(node, CSP.legislation, URIRef(r.legislation))
        for url in r.see_also:
            self._add(node, RDFS.seeAlso, URIRef(url))
        self._date(node, "start", r.start)
        self._date(node, "end", r.end)

    def _person(self, loc: tuple, p: Person) -> None:
        node = self.ids.person(p.id)
        self._types(node, CSP.Person)
        self._text(node, FOAF.name, p.name)
        self._text(node, SKOS.prefLabel, p.name)
        self._add(node, DCTERMS.source, self.out.source)
        self._text(node, CSP.citation, p.cite)
        self._text(node, SKOS.note, p.note)
        self._place(node, loc)
        self.out.counts["person"] += 1

    def _post(self, loc: tuple, p: Post) -> None:
        key = p.id or slug(f"{p.body}-{p.role or p.title}-{p.holder or ''}")
        node = self.ids.post(key) if p.id else self._unique("post", key)
        self._fact(node, CSP.Post, loc, p)
        self._text(node, SKOS.prefLabel, p.title)
        self._add(node, ORG.postIn, self._ref(loc + ("body",), p.body))
        if p.role:
            self._add(
                node,
                ORG.role,
                self.registry.concept(self.ff, loc + ("role",), p.role, "role", self.vocab.roles),
            )
        holder = self._ref(loc + ("holder",), p.holder, "person")
        self._add(node, ORG.heldBy, holder)
        if holder is not None:
            self._add(holder, ORG.holds, node)
        if p.interim:
            self._add(node, CSP.interim, Literal(True))
        self._date(node, "start", p.start)
        self._date(node, "end", p.end)

    def _membership(self, loc: tuple, m: Membership) -> None:
        node = self._unique(
            "membership", f"{m.member}--{m.organisation}" + ("" if m.role == "member" else f"--{m.role}")
        )
        self._fact(node, CSP.Membership, loc, m)
        member = self._ref(loc + ("member",), m.member, "body", "person")
        org = self._ref(loc + ("organisation",), m.organisation)
        self._add(node, ORG.member, member)
        self._add(node, ORG.organization, org)
        self._add(
            node, ORG.role, self.registry.concept(self.ff, loc + ("role",), m.role, "role", self.vocab.roles)
        )
        self._add(node, CSP.basis, self.vocab.bases.get(m.basis))
        self._add(node, CSP.appliesRule, self._ref(loc + ("rule",), m.rule, "rule"))
        self._date(node, "start", m.start)
        self._date(node, "end", m.end)
        if member is not None and org is not None:
            self._add(member, ORG.memberOf, org)

    def _link(self, loc: tuple, link: Link) -> None:
        node = self._unique("link", f"{link.holder}--{link.mechanism}--{link.held}")
        self._fact(node, CSP.AccountabilityLink, loc, link)
        holder = self._ref(loc + ("holder",), link.holder, "body", "person")
        held = self._ref(loc + ("held",), link.held, "body", "initiative", "person")
        mech = self.registry.concept(
            self.ff, loc + ("mechanism",), link.mechanism, "mechanism", self.vocab.mechanisms
        )
        status = self.registry.concept(self.ff, loc + ("status",), link.status, "status", self.vocab.statuses)
        self._add(node, CSP.holder, holder)
        self._add(node, CSP.held, held)
        self._add(node, CSP.mechanism, mech)
        self._add(node, CSP.status, status)
        self._text(node, CSP.legalBasis, link.legal_basis)
        if link.legislation:
            self._add(node, CSP.legislation, URIRef(link.legislation))
        self._add(node, CSP.appliesRule, self._ref(loc + ("rule",), link.rule, "rule"))
        self._date(node, "start", link.start)
        self._date(node, "end", link.end)
        if (
            holder is not None
            and held is not None
            and mech is not None
            and status not in self.vocab.unmaterialised_statuses
        ):
            direct = self.vocab.materialised.get(mech)
            if direct is not None:  # a mechanism with no direct property of its own keeps the link only
                self._add(holder, direct, held)
            if direct != CSP.cooperatesWith:
                self._add(holder, CSP.oversees, held)

    def _meeting(self, loc: tuple, m: Meeting) -> None:
        node = self.ids.meeting(m.id)
        self._fact(node, CSP.Meeting, loc, m)
        self._add(node, CSP.meetingOf, self._ref(loc + ("body",), m.body))
        self._text(node, SKOS.prefLabel, m.title or f"Meeting {m.id}")
        self._date(node, "date", m.date)
        for j, who in enumerate(m.attendees):
            self._add(node, CSP.attendee, self._ref(loc + ("attendees", j), who, "person", "body"))
        for j, item in enumerate(m.items):
            self._item(loc + ("items", j), node, m, j, item)

    def _item(self, loc: tuple, meeting: URIRef, m: Meeting, index: int, item: Item) -> None:
        key = slug(item.number) if item.number else str(index + 1)
        node = URIRef(f"{meeting}/item/{key}")
        if node in self.out.places:
            self._same_item(loc, m, key, node)
            return
        self._fact(node, CSP.AgendaItem, loc, item)
        self._add(meeting, CSP.agendaItem, node)
        self._text(node, CSP.itemNumber, item.number)
        self._text(node, DCTERMS.title, item.title)
        self._text(node, SKOS.prefLabel, f"{item.number}. {item.title}" if item.number else item.title)
        self._text(node, CSP.summary, item.summary)
        for k, d in enumerate(item.decisions):
            dloc = loc + ("decisions", k)
            dnode = URIRef(f"{node}/decision/{k + 1}")
            self._fact(dnode, _DECISION_CLASS[d.kind], dloc, d)
            self._add(node, CSP.decision, dnode)
            self._text(dnode, DCTERMS.description, d.text)
            self._add(dnode, CSP.decidedBy, self._ref(dloc + ("by",), d.by or m.body, "body", "person"))
            self._add(dnode, CSP.recommendedTo, self._ref(dloc + ("to",), d.to, "body", "person"))
            self._add(dnode, CSP.delegatedTo, self._ref(dloc + ("delegate",), d.delegate, "body", "person"))

    def _same_item(self, loc: tuple, m: Meeting, key: str, node: URIRef) -> None:
        """Two items of a meeting numbered alike would make one agenda item with two titles."""
        self.registry.errors.append(
            FactError(
                self.ff.path,
                self.ff.line(*loc),
                field_name(loc + ("number",)),
                f"meeting '{m.id}' has two agenda items numbered '{key}' (the first on line {self.out.places[node]})",
                "give each item its number as printed, e.g. '3a' and '3b'; an item without a number is "
                "numbered by its place in the list",
            )
        )

    def _observation(self, loc: tuple, o: Observation) -> None:
        node = self._unique("observation", o.id or slug(f"{o.indicator}-{o.period or ''}")[:100].strip("-"))
        self._fact(node, CSP.PerformanceObservation, loc, o)
        self._text(node, CSP.indicator, o.indicator)
        self._add(node, CSP.value, Literal(Decimal(o.value), datatype=XSD.decimal))
        self._text(node, CSP.unit, o.unit)
        self._text(node, CSP.period, o.period)
        self._add(node, CSP.refArea, self._ref(loc + ("area",), o.area))
        self._text(node, CSP.comparison, o.comparison)

    def _initiative(self, loc: tuple, it: Initiative) -> None:
        node = self.ids.initiative(it.id)
        self._fact(node, CSP[it.type], loc, it)
        self._types(node, CSP.Initiative)
        self._text(node, SKOS.prefLabel, it.name)
        for j, who in enumerate(it.lead):
            self._add(node, CSP.ledBy, self._ref(loc + ("lead", j), who, "body", "person"))
        for j, who in enumerate(it.partners):
            self._add(node, CSP.partner, self._ref(loc + ("partners", j), who, "body", "person"))
        self._text(node, DCTERMS.description, it.description)
        self._date(node, "start", it.start)
        self._date(node, "end", it.end)

    def _concern(self, loc: tuple, c: Concern) -> None:
        node = self._unique("concern", c.id or f"{c.kind}-{loc[-1] + 1}")
        self._fact(node, _CONCERN_CLASS[c.kind], loc, c)
        self._types(node, CSP.StatedConcern)
        for j, about in enumerate(c.about):
            self._add(
                node,
                CSP.about,
                self._ref(loc + ("about", j), about, "body", "person", "initiative", "meeting", "post"),
            )
        self._text(node, CSP.statement, c.statement)
        self._add(node, CSP.raisedBy, self._ref(loc + ("raised_by",), c.raised_by, "body", "person"))


def _count_key(cls: URIRef) -> str:
    return str(cls).rsplit("#", 1)[-1]


def graph_metadata(sg: SourceGraph) -> Iterator[Triple]:
    """Describes a source graph (for the metadata graph): what it holds and where it came from."""
    yield sg.graph, RDF.type, CSP.SourceGraph
    yield sg.graph, PROV.wasDerivedFrom, sg.source
    yield sg.graph, CSP.sourceFile, Literal(sg.file)
    yield sg.graph, CSP.factCount, Literal(len(sg.triples))
