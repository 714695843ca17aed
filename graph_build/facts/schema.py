"""The fact-file schema (docs/fact-format.md is its prose form).

Pydantic checks structure and value types here; which ids exist, and which types, roles,
mechanisms and statuses the ontology knows, is checked when references are resolved.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

import pyoxigraph as ox
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .dates import DateSpec

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=120)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Date = Annotated[DateSpec, BeforeValidator(DateSpec.parse)]


def _iri(value: str) -> str:
    """The store's own IRI parser decides: a URL it rejects would otherwise fail the load."""
    try:
        ox.NamedNode(value)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a valid URL ({exc})") from None
    return value


Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$"), AfterValidator(_iri)]


def _as_list(value: object) -> object:
    """Let a single id stand where a list of ids is expected."""
    return [value] if isinstance(value, str) else value


IdList = Annotated[list[Id], BeforeValidator(_as_list)]


class Fact(BaseModel):
    """Common to every entry: where in the source it comes from, and an optional remark."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True)

    cite: Text
    note: Text | None = None


class Dated(Fact):
    start: Date | None = None
    end: Date | None = None

    @field_validator("end")
    @classmethod
    def _end_not_before_start(cls, end: DateSpec | None, info: ValidationInfo) -> DateSpec | None:
        # a field validator (not a model one) so the error points at the `end` line
        start = info.data.get("start")
        if start and end and start.earliest and end.latest and end.latest < start.earliest:
            raise ValueError(f"end {end} is before start {start}")
        return end


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True)

    id: Id
    title: Text
    kind: Literal["minutes", "decision-record", "report", "register", "web-page", "reference-data"]
    publisher: Id | None = None
    date: Date | None = None
    url: Url | None = None
    local_copy: Text | None = None
    licence: Text | None = None
    note: Text | None = None


# National codes a body or area may carry, and what each must look like.
CODE_PATTERNS: dict[str, tuple[str, str]] = {
    "gss": (r"[A-Z][0-9]{8}", "a GSS code: a letter and eight digits, like E22000001"),
    "police-uk": (
        r"[a-z]+(-[a-z]+)*",
        "a police.uk force id: lower-case words joined by '-', like devon-and-cornwall",
    ),
    "la-code": (r"[A-Z]{3,4}", "a local authority code: three or four capital letters, like PLY"),
    "ods": (r"[A-Z0-9]{3,6}", "an NHS ODS code: three to six capital letters or digits, like QJ2"),
}


def check_codes(codes: dict[str, str]) -> dict[str, str]:
    """Each code matches its scheme's pattern (a GSS code becomes part of an ONS URI)."""
    for scheme, code in codes.items():
        pattern, what = CODE_PATTERNS[scheme]
        if not re.fullmatch(pattern, code):
            raise ValueError(f"'{code}' is not {what}")
    return codes


Codes = Annotated[
    dict[Annotated[str, StringConstraints(pattern=r"^(gss|police-uk|la-code|ods)$")], Text],
    AfterValidator(check_codes),
]


class Body(Dated):
    id: Id
    type: Text | None = None
    name: Text | None = None
    alt_names: list[Text] = Field(default_factory=list)
    part_of: Id | None = None
    area: Text | None = None
    replaces: IdList = Field(default_factory=list)
    covers: IdList = Field(default_factory=list)  # ids of areas (local authority districts) it covers
    police_force_area: Id | None = None  # id of the police force area it belongs to
    codes: Codes = Field(default_factory=dict)


class Area(Dated):
    """A statistical geography of the national reference layer (police force area, district)."""

    id: Id
    type: Literal["PoliceForceArea", "LocalAuthorityDistrict"]
    name: Text
    alt_names: list[Text] = Field(default_factory=list)
    within: IdList = Field(default_factory=list)  # ids of areas it lies in
    codes: Codes = Field(default_factory=dict)


class Rule(Dated):
    """A relation the law sets between kinds of body (the national statutory model)."""

    id: Id
    subject_type: Text
    relation: Text
    object_type: Text
    mechanism: Id | None = None  # none for memberships
    status: Id
    status_text: Text | None = None  # the status as the source table words it
    legal_basis: Text | None = None
    legislation: Url | None = None
    see_also: list[Url] = Field(default_factory=list)
    applied_as: Id | None = None  # the strategy that applies it to real bodies (reference/strategies.py)
    responsible_authority: Id | None = None  # the kind of CSP responsible authority it makes, if any


class Person(Fact):
    id: Id
    name: Text


class Post(Dated):
    id: Id | None = None
    title: Text
    body: Id
    role: Id | None = None
    holder: Id | None = None
    interim: bool = False


class Membership(Dated):
    member: Id
    organisation: Id
    role: Id = "member"
    basis: Literal["statutory", "non-statutory", "unknown"] = "unknown"
    rule: Id | None = None  # the statutory rule it applies (national model)


class Link(Dated):
    holder: Id
    held: Id
    mechanism: Id
    status: Id
    legal_basis: Text | None = None
    legislation: Url | None = None
    rule: Id | None = None  # the statutory rule it applies (national model)


class Decision(Fact):
    kind: Literal["resolution", "decision", "recommendation", "delegation", "noting"]
    text: Text
    by: Id | None = None
    to: Id | None = None
    delegate: Id | None = None

    @model_validator(mode="after")
    def _targets(self) -> Decision:
        if self.kind == "recommendation" and not self.to:
            raise ValueError("a recommendation needs 'to': the body it is made to")
        if self.kind == "delegation" and not self.delegate:
            raise ValueError("a delegation needs 'delegate': the body or person given the power")
        return self


class Item(Fact):
    number: Annotated[str, BeforeValidator(str)] | None = None
    title: Text
    summary: Text | None = None
    decisions: list[Decision] = Field(default_factory=list)


class Meeting(Fact):
    id: Id
    body: Id
    title: Text | None = None
    date: Date | None = None
    attendees: IdList = Field(default_factory=list)
    items: list[Item] = Field(default_factory=list)


class Observation(Fact):
    id: Id | None = None
    indicator: Text
    value: Decimal
    unit: Text
    period: Annotated[str, BeforeValidator(str)] | None = None
    area: Id | None = None
    comparison: Annotated[str, BeforeValidator(str)] | None = None


class Initiative(Dated):
    id: Id
    type: Literal[
        "Operation",
        "Pilot",
        "Programme",
        "Project",
        "Strategy",
        "Plan",
        "Service",
        "Review",
        "Assessment",
        "Hub",
    ]
    name: Text
    lead: IdList = Field(default_factory=list)
    partners: IdList = Field(default_factory=list)
    description: Text | None = None


class Concern(Fact):
    id: Id | None = None
    kind: Literal["gap", "concern", "contested", "question"]
    about: IdList = Field(min_length=1)
    statement: Text
    raised_by: Id | None = None


class FactDocument(BaseModel):
    """Everything one source document says."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True)

    source: Source
    bodies: list[Body] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    posts: list[Post] = Field(default_factory=list)
    memberships: list[Membership] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)
    initiatives: list[Initiative] = Field(default_factory=list)
    concerns: list[Concern] = Field(default_factory=list)
    areas: list[Area] = Field(default_factory=list)  # national reference layer
    rules: list[Rule] = Field(default_factory=list)  # national statutory model
