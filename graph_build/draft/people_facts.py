"""People, their posts and their attendance → people, posts, memberships and meeting attendees."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .bodies import local_body
from .compose import Context, span
from .gazetteer import slug, tokens
from .people import (
    COUNCIL_ROLES,
    POLICE_ROLES,
    PersonMention,
    attendance_lines,
    elected_in_items,
    find_attendance,
    find_people,
    role_of,
)

PANEL_TYPES = {"PoliceAndCrimePanel", "PoliceFireAndCrimePanel", "CombinedAuthorityPoliceAndCrimePanel"}
MEETING_ROLES = {"chair", "vice-chair", "member", "co-opted-member", "independent-member"}
# bodies that are one person's office: naming the body is naming the post
OFFICE_HOLDERS = {
    "PoliceAndCrimeCommissioner": ("commissioner",), "PoliceFireAndCrimeCommissioner": ("commissioner",),
    "MayorWithPCCFunctions": ("commissioner",), "ChiefConstable": ("chief-constable",),
}  # fmt: skip


@dataclass
class Person:
    id: str
    name: str
    mentions: list[PersonMention] = field(default_factory=list)

    def best_post(self) -> PersonMention | None:
        with_post = [m for m in self.mentions if m.post and role_of(m.post)]
        return max(with_post, key=lambda m: m.confidence) if with_post else None

    def title(self) -> str | None:
        return next((m.title for m in self.mentions if m.title), None)

    def attendance(self) -> str | None:
        return next((m.attendance for m in self.mentions if m.attendance), None)


def group_people(ctx: Context, mentions: list[PersonMention]) -> list[Person]:
    """Mentions → people: a surname alone ('Inspector Maxwell') joins the full name that ends with it;
    with no full name, a titled surname is a person when it has a rank or a post of its own."""
    people: dict[str, Person] = {}
    mentions = [m for m in mentions if tokens(m.name) not in ctx.gaz.area_names]  # 'West Midlands'
    full = sorted((m for m in mentions if len(m.name.split()) >= 2), key=lambda m: m.start)
    for m in full:
        key = m.name.lower()
        if key not in people:
            existing = ctx.gaz.people.get(tokens(m.name))
            people[key] = Person(existing or ctx.fresh_id(m.name), m.name)
        people[key].mentions.append(m)
    for m in (m for m in mentions if len(m.name.split()) == 1):
        match = [p for p in people.values() if p.name.split()[-1] == m.name]
        if len(match) == 1:
            match[0].mentions.append(m)
        elif not match and m.title and (role_of(m.title) in POLICE_ROLES or m.post):
            name = f"{m.title} {m.name}"
            people.setdefault(name.lower(), Person(ctx.fresh_id(name), name)).mentions.append(m)
    return list(people.values())


def contact_body(ctx: Context) -> str | None:
    """A police and crime panel's contact works for the panel; a council committee's for the council."""
    known = ctx.gaz.bodies.get(ctx.meeting_body or "")
    if known is not None and known.type in PANEL_TYPES:
        return ctx.meeting_body
    return ctx.publisher or ctx.meeting_body


def post_body(
    ctx: Context, person: Person, post: PersonMention | None, role: str
) -> tuple[str | None, float]:
    """The organisation a post is in: a body named in or right after the post, else the usual one for the role."""
    if post and post.post_start is not None:
        end = post.post_end or post.post_start
        after = re.match(r"[,(]? *(?:at|of)? *", ctx.text[end : end + 8])
        near = ctx.mentions_in(post.post_start, end + (after.end() if after else 0) + 80)
        near = [m for m in near if m.start <= end + (after.end() if after else 0)]
        named = [m for m in near if not m.generic]  # 'Head of Police & Crime WYCA': WYCA, not 'Police'
        if named or near:
            return (named or near)[0].ids[0], 0.7
    if role in MEETING_ROLES:
        return ctx.meeting_body, 0.5
    if role in POLICE_ROLES:
        ids, _ = local_body(ctx.gaz, ctx.place, "force", None)
    elif role in ("commissioner", "deputy-commissioner"):
        ids, _ = local_body(ctx.gaz, ctx.place, "pcc", None)
    elif role == "councillor" and contact_body(ctx) == ctx.meeting_body and ctx.meeting_body:
        return ctx.meeting_body, 0.4  # a panel's councillors come from several councils: a member here
    elif role in COUNCIL_ROLES:
        ids = [ctx.publisher] if ctx.publisher else local_body(ctx.gaz, ctx.place, "council", None)[0]
    else:
        ids = [ctx.meeting_body] if ctx.meeting_body else []
    return (ids[0], 0.45) if ids else (None, 0.0)


def post_of(ctx: Context, person: Person) -> tuple[PersonMention, str, str, str | None] | None:
    """(mention, post title, role, body named in the post) of a person's best-stated post: a post
    that is only an organisation ('(West Yorkshire Police)') makes them its representative."""
    contact = next((m for m in person.mentions if m.attendance == "contact"), None)
    if contact is not None and role_of(contact.post or "") not in (None, "councillor"):
        # 'Contact: Jo Martin, Scrutiny Support Manager': the post stated, in the publishing council
        return (
            contact,
            contact.post or "",
            role_of(contact.post or "") or "",
            ctx.publisher or contact_body(ctx),
        )
    if contact is not None:  # the officer a page names to contact about the meeting
        return contact, "Contact officer", "contact-officer", contact_body(ctx)
    candidates = [m for m in person.mentions if m.post] + [m for m in person.mentions if m.title]
    rank = next((m for m in person.mentions if m.title and role_of(m.title) in POLICE_ROLES), None)
    if rank is not None:  # a police officer's post is their rank, whatever their command is called
        stated = next((m for m in person.mentions if m.post and role_of(m.post) not in POLICE_ROLES), None)
        title = f"{stated.post} ({rank.title})" if stated and stated.post else rank.title or ""
        return stated or rank, title, role_of(rank.title or "") or "", None
    for m in candidates:
        text = m.post or m.title or ""
        title, _, rest = text.partition(", ")
        named = ctx.mentions_in(m.post_start, m.post_end or m.post_start) if m.post_start is not None else []
        whole = [b for b in named if b.end - b.start >= 0.8 * len(text)]
        if (
            whole
            and ctx.gaz.bodies.get(whole[0].ids[0])
            and role_of(text) in OFFICE_HOLDERS.get(ctx.gaz.bodies[whole[0].ids[0]].type or "", ())
        ):
            return m, text, role_of(text) or "", whole[0].ids[0]  # '(Police and Crime Commissioner for X)'
        if whole and role_of(text) not in (
            None,
            role_of(whole[0].surface or ctx.text[whole[0].start : whole[0].end]),
        ):
            return m, text, role_of(text) or "", whole[0].ids[0]  # 'Deputy Police and Crime Commissioner'
        if whole and m.title and role_of(m.title):
            return m, m.title, role_of(m.title) or "", whole[0].ids[0]  # 'Superintendent X (Y Police)'
        if whole:
            return m, "Representative", "representative", whole[0].ids[0]
        role = role_of(title)
        if role:
            # a chair's or member's organisation after the comma is whom they represent, not the post's body
            body = (
                None
                if role in MEETING_ROLES
                else next((b.ids[0] for b in named if rest and b.surface in rest), None)
            )
            return m, title, role, body
    return None


def person_entries(ctx: Context, person: Person) -> tuple[dict, dict | None, dict | None]:
    first = min(person.mentions, key=lambda m: m.start)
    best = max(person.mentions, key=lambda m: m.confidence)
    entry: dict[str, Any] = {"id": person.id, "name": person.name, "cite": ctx.cite(first.start)}
    entry["draft"] = span(first.start, first.end, best.confidence)
    found = post_of(ctx, person)
    if found is None:
        return entry, None, None
    at, title, role, named_body = found
    body, confidence = (
        (named_body, 0.75) if named_body else post_body(ctx, person, at if at.post else None, role)
    )
    if body is None:
        return entry, None, None
    if role == "councillor" and body == ctx.meeting_body:
        role = "member"
    start, end = (at.post_start, at.post_end) if at.post_start is not None else (at.start, at.end)
    post = {
        "id": ctx.fresh_id(f"{body}-{role}-{slug(person.name)}"),
        "title": re.sub(r"\s+", " ", title[:1].upper() + title[1:]),
        "body": body,
        "role": role,
        "holder": person.id,
        "cite": ctx.cite(start or 0),
        "draft": span(start or 0, end or 0, min(confidence + 0.2, at.confidence)),
    }
    if ctx.meeting_date:
        post["start"] = {"not_after": ctx.meeting_date}
    return entry, post, _membership(ctx, person, role, at)


def _membership(ctx: Context, person: Person, role: str, at: PersonMention) -> dict | None:
    """Present or sending apologies as a member (not 'in attendance'): a membership at the meeting's date."""
    attendance = person.attendance()
    if attendance not in ("present", "apologies") or not ctx.meeting_body:
        return None
    mention = next(m for m in person.mentions if m.attendance)
    entry: dict[str, Any] = {
        "member": person.id,
        "organisation": ctx.meeting_body,
        "role": role if role in ("chair", "vice-chair") else "member",
        "cite": ctx.cite(mention.start),
        "note": f"listed under {'apologies' if attendance == 'apologies' else 'present'} at the meeting",
    }
    if ctx.meeting_date:
        entry["start"] = {"not_after": ctx.meeting_date}
    entry["draft"] = span(mention.start, mention.end, 0.6)
    return entry


def councillor_post(ctx: Context, person: Person, main: dict) -> dict | None:
    """A councillor who holds another post (chair of a board ...) is still a councillor of a council."""
    titled = next((m for m in person.mentions if m.title and role_of(m.title) == "councillor"), None)
    council = ctx.publisher or next(iter(local_body(ctx.gaz, ctx.place, "council", None)[0]), None)
    if (
        titled is None
        or main["role"] == "councillor"
        or council is None
        or contact_body(ctx) == ctx.meeting_body
    ):
        return None
    return {
        "id": ctx.fresh_id(f"{council}-councillor-{slug(person.name)}"),
        "title": "Councillor",
        "body": council,
        "role": "councillor",
        "holder": person.id,
        "cite": ctx.cite(titled.start),
        "draft": span(titled.start, titled.end, 0.5),
    }


def election_sections(ctx: Context) -> list[tuple[str, int, int]]:
    """(title, start, end) of the items; with no numbered items, each short heading line and the
    text after it up to the next such heading (or 1,500 characters)."""
    if ctx.doc.items:
        return [(i.title, i.start, i.end) for i in ctx.doc.items]
    heads = [
        m
        for m in re.finditer(r"^.{3,60}$", ctx.text, re.MULTILINE)
        if m.group().strip().isupper() and not m.group().rstrip().endswith(":")
    ]
    return [
        (
            m.group(),
            m.start(),
            min(heads[k + 1].start() if k + 1 < len(heads) else len(ctx.text), m.end() + 1500),
        )
        for k, m in enumerate(heads)
    ]


def people_sections(ctx: Context) -> tuple[list[dict], list[dict], list[dict], list[str]]:
    """people, posts, memberships, and the ids of those present or in attendance."""
    lists = attendance_lines(ctx.text)
    elsewhere = [m for m in find_people(ctx.text) if not any(a <= m.start < b for a, b in lists)]
    elsewhere += elected_in_items(ctx.text, election_sections(ctx))
    people = group_people(ctx, find_attendance(ctx.text) + elsewhere)
    out_people, posts, memberships, attendees = [], [], [], []
    for person in sorted(people, key=lambda p: min(m.start for m in p.mentions)):
        entry, post, membership = person_entries(ctx, person)
        if person.id not in ctx.gaz.person_ids:
            out_people.append(entry)
        if post:
            posts.append(post)
            if (extra := councillor_post(ctx, person, post)) is not None:
                posts.append(extra)
        if membership:
            memberships.append(membership)
        if person.attendance() in ("present", "in-attendance"):
            attendees.append(person.id)
    return out_people, posts, memberships, attendees
