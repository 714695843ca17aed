"""The fact-file schema (docs/fact-format.md is its prose form).

Pydantic checks structure and value types here; which ids exist, and which types, roles,
mechanisms and statuses the ontology knows, is checked when references are resolved.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from .dates import DateSpec

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=120)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Date = Annotated[DateSpec, BeforeValidator(DateSpec.parse)]


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

    @model_validator(mode="after")
    def _end_not_before_start(self) -> "Dated":
        if self.start and self.end and self.start.earliest and self.end.latest:
            if self.end.latest < self.start.earliest:
                raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True)

    id: Id
    title: Text
    kind: Literal["minutes", "decision-record", "report", "register", "web-page", "reference-data"]
    publisher: Id | None = None
    date: Date | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    local_copy: Text | None = None
    licence: Text | None = None
    note: Text | None = None


class Body(Dated):
    id: Id
    type: Text | None = None
    name: Text | None = None
    alt_names: list[Text] = Field(default_factory=list)
    part_of: Id | None = None
    area: Text | None = None
    replaces: IdList = Field(default_factory=list)
    codes: dict[Annotated[str, StringConstraints(pattern=r"^(gss|police-uk|la-code|ods)$")], Text] = Field(
        default_factory=dict)


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


class Link(Dated):
    holder: Id
    held: Id
    mechanism: Id
    status: Id
    legal_basis: Text | None = None
    legislation: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None


class Decision(Fact):
    kind: Literal["resolution", "decision", "recommendation", "delegation", "noting"]
    text: Text
    by: Id | None = None
    to: Id | None = None
    delegate: Id | None = None

    @model_validator(mode="after")
    def _targets(self) -> "Decision":
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
    type: Literal["Operation", "Pilot", "Programme", "Project", "Strategy", "Plan", "Service", "Review"]
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
