"""SHACL shapes read once into plain Python checks over a source graph's triples.

pyshacl answers every constraint through rdflib graph lookups and builds a report for every
result, also for each `sh:or` alternative that does not match; a national build spends minutes
there. The cspkg shapes use a small part of SHACL: class targets (node, subjects-of, objects-of
and implicit class targets too); property shapes with a predicate or inverse path; minCount,
maxCount, datatype, class, or, in, nodeKind and pattern; and SPARQL SELECT constraints on `$this`.
This module reads those into checks and runs them over a dict index of the triples. A shapes graph
using anything else raises `Unsupported` and pyshacl validates it (graph_build/shacl.py);
tests/test_build_shacl.py checks that both report the same problems, tests/test_shacl_w3c.py runs
both on the W3C SHACL test suite (docs/shacl.md lists the results).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from .store.terms import TermConverter, to_rdflib

TypeIndex = dict[URIRef, tuple[URIRef, ...]]
Path = tuple[str, URIRef]  # ("", p) for a predicate, ("^", p) for sh:inversePath p
_TYPE = RDF.type  # rdflib namespaces make a new term on every attribute access
_TYPE_SET = {_TYPE}  # membership compares hashes first: URIRef equality is slow Python
_NO_TYPES: frozenset = frozenset()


class Unsupported(ValueError):
    """The shapes use a SHACL feature these checks do not implement."""


@dataclass(frozen=True)
class Violation:
    """One validation result, engine-neutral: what graph_build.shacl turns into a FactError."""

    focus: Node  # an IRI in cspkg's graphs, a blank node in some of the W3C tests
    shape: Node | None  # the shape that reports it (sh:sourceShape)
    component: URIRef  # sh:sourceConstraintComponent
    path: Path | None
    value: object | None
    message: str | None  # sh:message, SPARQL variables filled in


# Shape predicates the checks implement; the rest (sh:name, sh:order ...) do not validate.
_VALIDATING = {
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.property,
    SH.path,
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH["class"],
    SH["or"],
    SH["in"],
    SH.nodeKind,
    SH.pattern,
    SH.flags,
    SH.sparql,
    SH.select,
    SH.message,
    SH.prefixes,
    SH.declare,
    SH.prefix,
    SH.namespace,
    SH.inversePath,
}
_ANNOTATIONS = {SH.name, SH.description, SH.order, SH.group, SH.defaultValue}
# The validation report's terms: a shapes graph may hold a report (the W3C tests hold the expected
# one) without using a feature.
_REPORT = {
    SH.conforms,
    SH.result,
    SH.focusNode,
    SH.resultPath,
    SH.value,
    SH.sourceShape,
    SH.sourceConstraint,
    SH.sourceConstraintComponent,
    SH.resultSeverity,
    SH.resultMessage,
    SH.detail,
}
# What SHACL forbids in a SPARQL constraint, which pre-binds $this (SHACL 5.2.1), by algebra node.
_NOT_PRE_BINDABLE = {
    "Minus": "MINUS",
    "ServiceGraphPattern": "SERVICE",
    "values": "VALUES",
    "ToMultiSet": "VALUES or a subquery",
}
_PRE_BOUND = {Variable("this"), Variable("shapesGraph"), Variable("currentShape")}
_NODE_KINDS: dict[Node, tuple[type, ...]] = {
    SH.IRI: (URIRef,),
    SH.Literal: (Literal,),
    SH.BlankNode: (BNode,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.IRIOrLiteral: (URIRef, Literal),
    SH.BlankNodeOrLiteral: (BNode, Literal),
}
# Datatypes whose parsed value must have a Python type (as pyshacl checks them).
_VALUE_TYPES: dict[Node, tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: (int,),
    XSD.float: (float,),
    XSD.decimal: (Decimal,),
    XSD.boolean: (bool,),
    XSD.date: (date,),
    XSD.time: (time,),
    XSD.dateTime: (datetime,),
}


class Data:
    """One source graph's triples by subject and predicate, with the declared types of the
    resources it refers to but does not type itself (as graph_build.shacl.data_graph adds)."""

    def __init__(self, triples: Iterable[tuple], context: TypeIndex):
        self.by_subject: dict = {}
        for s, p, o in triples:
            predicates = self.by_subject.get(s)
            if predicates is None:
                predicates = self.by_subject[s] = {}
            objects = predicates.get(p)
            if objects is None:
                predicates[p] = [o]
            else:
                objects.append(o)
        self.context = context
        self._inverse: dict[URIRef, dict] = {}
        self._types: dict = {}
        self._classes: dict = {}
        # rdfs:subClassOf in the data graph: an instance of a subclass is an instance (SHACL 1.1.1)
        self._supers: dict = {}
        for s, by_p in self.by_subject.items():
            for o in by_p.get(RDFS.subClassOf, ()):
                self._supers.setdefault(s, set()).add(o)

    def types_of(self, node: Node) -> frozenset:
        """Its types in the graph, or else those it is declared with elsewhere (a set: URIRef
        equality is slow Python, hashing is not)."""
        types = self._types.get(node)
        if types is None:
            own = self.by_subject.get(node, {}).get(_TYPE)
            types = self._types[node] = (
                frozenset(own if own else self.context.get(cast(URIRef, node), ()))  # IRIs are declared
                if not isinstance(node, Literal)
                else _NO_TYPES
            )
        return types

    def classes_of(self, node: Node) -> frozenset:
        """Its types and their superclasses (by rdfs:subClassOf in the data graph)."""
        if not self._supers:
            return self.types_of(node)
        classes = self._classes.get(node)
        if classes is None:
            found, todo = set(), list(self.types_of(node))
            while todo:
                cls = todo.pop()
                if cls not in found:
                    found.add(cls)
                    todo.extend(self._supers.get(cls, ()))
            classes = self._classes[node] = frozenset(found)
        return classes

    def values(self, node: Node, path: Path) -> list:
        direction, predicate = path
        if not direction:
            if predicate in _TYPE_SET:
                return list(self.types_of(node))
            found: list = self.by_subject.get(node, {}).get(predicate, [])
            return found
        inverse = self._inverse.get(predicate)
        if inverse is None:
            inverse = self._inverse[predicate] = {}
            for s, predicates in self.by_subject.items():
                for o in predicates.get(predicate, ()):
                    inverse.setdefault(o, []).append(s)
        subjects: list = inverse.get(node, [])
        return subjects

    def triples_with(self, predicates: set | None) -> Iterator[tuple]:
        """The triples (context types included) whose predicate is in `predicates` (all if None)."""
        for s, by_p in self.by_subject.items():
            for p, objects in by_p.items():
                if predicates is None or p in predicates:
                    for o in objects:
                        yield s, p, o
        if predicates is None or _TYPE in predicates:
            nodes = set(self.by_subject) | {
                o
                for by_p in self.by_subject.values()
                for objs in by_p.values()
                for o in objs
                if isinstance(o, URIRef)
            }
            for node in nodes:
                if _TYPE not in self.by_subject.get(node, {}):
                    for cls in self.context.get(node, ()):
                        yield node, _TYPE, cls


Check = Callable[[list, Data], Iterator]  # yields the failing value nodes (None: the focus as a whole)


@dataclass
class Shape:
    node: Node
    path: Path | None
    message: str | None
    checks: list[tuple[URIRef, Check]]
    properties: list[Shape]
    sparql: list[SparqlConstraint]

    def validate(self, focus: Node, data: Data, out: list[Violation]) -> None:
        values = [focus] if self.path is None else data.values(focus, self.path)
        for component, check in self.checks:
            for value in check(values, data):
                out.append(Violation(focus, self.node, component, self.path, value, self.message))
        for prop in self.properties:
            for value in values:
                prop.validate(value, data, out)

    def conforms(self, focus: Node, data: Data) -> bool:
        """Whether `focus` matches (an alternative of sh:or): nothing reported."""
        found: list[Violation] = []
        self.validate(focus, data, found)
        return not found


@dataclass
class SparqlConstraint:
    """A SPARQL SELECT constraint, run once per source graph with $this free: the rows whose $this
    is a focus node are the results pyshacl finds by binding $this to each focus node in turn
    (for queries whose patterns all read the graph; `_predicates` refuses the rest)."""

    node: Node
    text: str  # the query with its prefixes
    predicates: set | None  # the predicates it reads (None: any)
    message: str | None

    def violations(self, shape: Shape, focus: Container, data: Data) -> Iterator[Violation]:
        store, terms = ox.Store(), TermConverter()
        store.extend(
            ox.Quad(terms.term(s), terms.term(p), terms.term(o))
            for s, p, o in data.triples_with(self.predicates)
        )
        seen = set()
        solutions = store.query(self.text)
        assert isinstance(solutions, ox.QuerySolutions)  # a SELECT query (checked when read)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            bound = {
                name: to_rdflib(term) for name, term in zip(names, solution, strict=False) if term is not None
            }
            this = bound.pop("this", None)
            if this is None or this not in focus:
                continue
            path, value = bound.pop("path", None), bound.pop("value", None)
            key = (this, path, value, tuple(sorted(bound.items())))
            if key in seen:
                continue
            seen.add(key)
            value = value if value is not None else (this if shape.path is None else None)
            yield Violation(
                this,
                shape.node,
                SH.SPARQLConstraintComponent,
                ("", cast(URIRef, path)) if path else shape.path,  # SHACL binds $path to an IRI
                value,
                _fill(self.message, {**bound, "this": this, "path": path, "value": value}),
            )


def _fill(message: str | None, bound: dict) -> str | None:
    """{?var} and {$var} in a SPARQL constraint's message, as pyshacl fills them."""
    if message is None:
        return None
    for name, value in bound.items():
        if value is not None:
            message = re.sub(f"{{[?$]{name}}}", str(value).replace("\\", r"\\"), message)
    return message


class CoreShapes:
    """A shapes graph read into checks; raises Unsupported for what it does not implement."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._reject_unsupported()
        self._shapes: dict = {}
        self._sparqls: dict = {}
        self.by_class: dict[Node, list[Shape]] = {}
        self.by_node: dict[Node, list[Shape]] = {}
        self.by_subject_of: dict[Node, list[Shape]] = {}
        self.by_object_of: dict[Node, list[Shape]] = {}
        targets = (
            (SH.targetClass, self.by_class),
            (SH.targetNode, self.by_node),
            (SH.targetSubjectsOf, self.by_subject_of),
            (SH.targetObjectsOf, self.by_object_of),
        )
        for predicate, index in targets:
            for node in set(graph.subjects(predicate, None)):
                for target in graph.objects(node, predicate):
                    index.setdefault(target, []).append(self._shape(node))
        for node in set(graph.subjects(RDF.type, SH.NodeShape)) | set(
            graph.subjects(RDF.type, SH.PropertyShape)
        ):
            if (node, RDF.type, RDFS.Class) in graph:  # an implicit class target
                self.by_class.setdefault(node, []).append(self._shape(node))

    def _reject_unsupported(self) -> None:
        used = {p for p in self.graph.predicates() if str(p).startswith(str(SH))}
        unknown = used - _VALIDATING - _ANNOTATIONS - _REPORT
        if unknown:
            raise Unsupported(", ".join(sorted(str(p).replace(str(SH), "sh:") for p in unknown)))

    # -- reading the shapes --------------------------------------------------------------------
    def _one(self, node: Node, predicate: URIRef) -> Node | None:
        values = list(self.graph.objects(node, predicate))
        if len(values) > 1:
            raise Unsupported(f"several {predicate} on one shape")
        return values[0] if values else None

    def _shape(self, node: Node) -> Shape:
        if node in self._shapes:
            known: Shape = self._shapes[node]
            return known
        message = self._one(node, SH.message)
        shape = self._shapes[node] = Shape(
            node, self._path(node), str(message) if message is not None else None, [], [], []
        )
        shape.checks = self._checks(node)
        shape.properties = [self._shape(p) for p in self.graph.objects(node, SH.property)]
        shape.sparql = [self._sparql(c) for c in self.graph.objects(node, SH.sparql)]
        if shape.sparql and shape.path is not None:
            raise Unsupported("SPARQL constraints on property shapes")
        return shape

    def _path(self, node: Node) -> Path | None:
        path = self._one(node, SH.path)
        if path is None:
            return None
        if isinstance(path, URIRef):
            return ("", path)
        inverse = self._one(path, SH.inversePath)
        if isinstance(inverse, URIRef) and len(list(self.graph.predicate_objects(path))) == 1:
            return ("^", inverse)
        raise Unsupported("property paths other than a predicate or its inverse")

    def _checks(self, node: Node) -> list[tuple[URIRef, Check]]:
        g, checks = self.graph, []
        if (n := self._one(node, SH.minCount)) is not None:
            checks.append((SH.MinCountConstraintComponent, _min_count(int(cast(Literal, n).toPython()))))
        if (n := self._one(node, SH.maxCount)) is not None:
            checks.append((SH.MaxCountConstraintComponent, _max_count(int(cast(Literal, n).toPython()))))
        for datatype in g.objects(node, SH.datatype):
            checks.append((SH.DatatypeConstraintComponent, _datatype(datatype)))
        for cls in g.objects(node, SH["class"]):
            checks.append((SH.ClassConstraintComponent, _class(cls)))
        for alternatives in g.objects(node, SH["or"]):
            shapes = [self._shape(a) for a in Collection(g, alternatives)]
            checks.append((SH.OrConstraintComponent, _any_of(shapes)))
        for members in g.objects(node, SH["in"]):
            checks.append((SH.InConstraintComponent, _member_of(set(Collection(g, members)))))
        for kind in g.objects(node, SH.nodeKind):
            if kind not in _NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {kind}")
            checks.append((SH.NodeKindConstraintComponent, _node_kind(_NODE_KINDS[kind])))
        for pattern in g.objects(node, SH.pattern):
            checks.append((SH.PatternConstraintComponent, _pattern(str(pattern), self._one(node, SH.flags))))
        return checks

    def _sparql(self, node: Node) -> SparqlConstraint:
        if node not in self._sparqls:
            self._sparqls[node] = self._compile_sparql(node)
        constraint: SparqlConstraint = self._sparqls[node]
        return constraint

    def _compile_sparql(self, node: Node) -> SparqlConstraint:
        select = self._one(node, SH.select)
        if select is None:
            raise Unsupported("SPARQL constraints other than sh:select")
        text = "".join(
            f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in self._prefixes(node)
        ) + str(select)
        algebra = prepareQuery(text).algebra
        if algebra.name != "SelectQuery" or Variable("this") not in (algebra.get("PV") or ()):
            raise Unsupported("SPARQL constraints that do not select $this")
        if (refused := _not_pre_bindable(algebra)) is not None:
            raise Unsupported(f"a SPARQL constraint with {refused}")  # pyshacl reports the failure
        if not (_binds_this(algebra.p) and _this_bound_where_used(algebra.p)):
            # run once with $this free, such a query finds other rows than with $this pre-bound
            raise Unsupported("a SPARQL constraint that uses $this where no triple pattern binds it")
        try:
            ox.Store().query(text)
        except SyntaxError as exc:
            raise Unsupported(f"a SPARQL constraint Oxigraph cannot run ({exc})") from None
        message = self._one(node, SH.message)
        return SparqlConstraint(
            node, text, _predicates(algebra), str(message) if message is not None else None
        )

    def _prefixes(self, node: Node) -> Iterator[tuple[str, str]]:
        """The prefixes declared by the sh:prefixes nodes and by what they owl:imports (SHACL 5.2.1)."""
        todo, seen = list(self.graph.objects(node, SH.prefixes)), set()
        while todo:
            source = todo.pop()
            if source in seen:
                continue
            seen.add(source)
            todo.extend(self.graph.objects(source, OWL.imports))
            for declaration in self.graph.objects(source, SH.declare):
                yield str(self._one(declaration, SH.prefix)), str(self._one(declaration, SH.namespace))

    # -- validating ----------------------------------------------------------------------------
    def targeting(self, node: Node, data: Data) -> list[Shape]:
        """The shapes whose targets include `node` (each once)."""
        shapes = [s for cls in data.classes_of(node) for s in self.by_class.get(cls, ())]
        shapes += self.by_node.get(node, ())
        if self.by_subject_of:
            for predicate in data.by_subject.get(node, {}):
                shapes += self.by_subject_of.get(predicate, ())
        for predicate, targeted in self.by_object_of.items():
            if data.values(node, ("^", cast(URIRef, predicate))):
                shapes += targeted
        return list({id(s): s for s in shapes}.values())

    def violations(self, triples: Iterable[tuple], context: TypeIndex, own: Iterable) -> list[Violation]:
        """The results for the nodes in `own` (the top-level focus nodes) of one source graph."""
        data = Data(triples, context)
        focus: dict[int, tuple[Shape, list]] = {}
        for node in own:
            for shape in self.targeting(node, data):
                focus.setdefault(id(shape), (shape, []))[1].append(node)
        out: list[Violation] = []
        for shape, nodes in focus.values():
            for node in nodes:
                shape.validate(node, data, out)
            for constraint in shape.sparql:
                out.extend(constraint.violations(shape, set(nodes), data))
        return out


# -- the checks ------------------------------------------------------------------------------------


def _min_count(n: int) -> Check:
    def check(values: list, data: Data) -> Iterator:
        if len(values) < n:
            yield None

    return check


def _max_count(n: int) -> Check:
    def check(values: list, data: Data) -> Iterator:
        if len(values) > n:
            yield None

    return check


def _datatype(datatype: Node) -> Check:
    def check(values: list, data: Data) -> Iterator:
        return (v for v in values if not datatype_matches(v, datatype))

    return check


def datatype_matches(value: Node, datatype: Node) -> bool:
    """pyshacl's sh:datatype: a well-formed literal of that type (a plain literal is an xsd:string)."""
    if not isinstance(value, Literal):
        return False
    if value.datatype == datatype:
        return getattr(value, "ill_typed", None) is not True and _value_has_type(value.value, datatype)
    if datatype == RDFS.Literal or (datatype == RDFS.Datatype and value.datatype is not None):
        return True
    if (datatype == XSD.string and value.datatype is None and value.language is None) or (
        datatype == RDF.langString and value.language
    ):
        return _value_has_type(value.value, datatype)
    return False


def _value_has_type(value: object, datatype: Node) -> bool:
    expected = _VALUE_TYPES.get(datatype)
    return expected is None or isinstance(value, expected)


def _class(cls: Node) -> Check:
    def check(values: list, data: Data) -> Iterator:
        return (v for v in values if cls not in data.classes_of(v))

    return check


def _any_of(shapes: list[Shape]) -> Check:
    def check(values: list, data: Data) -> Iterator:
        return (v for v in values if not any(s.conforms(v, data) for s in shapes))

    return check


def _member_of(allowed: set) -> Check:
    def check(values: list, data: Data) -> Iterator:
        return (v for v in values if v not in allowed)

    return check


def _node_kind(kinds: tuple[type, ...]) -> Check:
    def check(values: list, data: Data) -> Iterator:
        return (v for v in values if not isinstance(v, kinds))

    return check


_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


def _pattern(pattern: str, flags: Node | None) -> Check:
    compiled = re.compile(pattern, sum(_FLAGS.get(f, 0) for f in str(flags or "")))

    def check(values: list, data: Data) -> Iterator:
        return (v for v in values if isinstance(v, BNode) or not compiled.search(str(v)))

    return check


# -- what a SPARQL query reads ---------------------------------------------------------------------

_THIS = Variable("this")
_ONE_INPUT = {"Filter", "Extend", "Project", "Distinct", "Reduced", "Slice", "OrderBy", "Graph"}


def _binds_this(p: object) -> bool:
    """Whether every solution of the pattern binds $this by a triple pattern."""
    if not isinstance(p, CompValue):
        return False
    if p.name == "BGP":
        return any(_THIS in triple for triple in p.triples)
    if p.name == "Join":
        return _binds_this(p.p1) or _binds_this(p.p2)
    if p.name in ("LeftJoin", "Minus"):
        return _binds_this(p.p1)
    if p.name == "Union":
        return _binds_this(p.p1) and _binds_this(p.p2)
    return p.name in _ONE_INPUT and _binds_this(p.p)


def _mentions_this(node: object) -> bool:
    if node == _THIS:
        return True
    if isinstance(node, CompValue):
        return any(_mentions_this(v) for v in node.values())
    if isinstance(node, (list, tuple, set)):
        return any(_mentions_this(v) for v in node)
    return False


def _this_bound_where_used(p: object) -> bool:
    """Whether each expression (FILTER, BIND, OPTIONAL's condition) and each optional part that
    uses $this sits on a pattern that binds it: then $this free, joined with the focus nodes after,
    gives the rows $this pre-bound gives."""
    if not isinstance(p, CompValue):
        return True
    if p.name in ("Filter", "Extend") and _mentions_this(p.expr) and not _binds_this(p.p):
        return False
    if p.name == "LeftJoin" and (_mentions_this(p.p2) or _mentions_this(p.expr)) and not _binds_this(p.p1):
        return False
    if p.name == "Union" and _mentions_this(p) and not _binds_this(p):
        return False
    children = [v for k, v in p.items() if k in ("p", "p1", "p2") and isinstance(v, CompValue)]
    return all(_this_bound_where_used(c) for c in children)


def _not_pre_bindable(node: object) -> str | None:
    """What in the query SHACL forbids where $this is pre-bound, or that these checks do not bind
    ($shapesGraph, $currentShape); None when nothing."""
    if isinstance(node, CompValue):
        if node.name in _NOT_PRE_BINDABLE:
            return _NOT_PRE_BINDABLE[node.name]
        if node.name == "Extend" and node.get("var") in _PRE_BOUND:
            return f"a value bound to {node['var'].n3()}"
        return next((found for v in node.values() if (found := _not_pre_bindable(v))), None)
    if isinstance(node, (list, tuple, set)):
        return next((found for v in node if (found := _not_pre_bindable(v))), None)
    if isinstance(node, Variable) and node in _PRE_BOUND - {_THIS}:
        return f"{node.n3()}"
    return None


def _predicates(algebra: CompValue) -> set | None:
    """Every predicate the query's patterns name; None when one is a variable (it reads anything)."""
    found: set = set()
    return found if _collect(algebra, found) else None


def _collect(node: object, found: set) -> bool:
    if isinstance(node, CompValue):
        if node.name == "BGP" and not all(_path_predicates(p, found) for _, p, _ in node.triples):
            return False
        return all(_collect(v, found) for v in node.values())
    if isinstance(node, (list, tuple, set)):
        return all(_collect(v, found) for v in node)
    return True


def _path_predicates(path: object, found: set) -> bool:
    if isinstance(path, URIRef):
        found.add(path)
        return True
    if isinstance(path, (AlternativePath, SequencePath)):
        return all(_path_predicates(p, found) for p in path.args)
    if isinstance(path, InvPath):
        return _path_predicates(path.arg, found)
    if isinstance(path, MulPath):
        return _path_predicates(path.path, found)
    if isinstance(path, NegatedPath):
        return False
    return False  # a variable
