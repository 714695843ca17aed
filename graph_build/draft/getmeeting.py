"""The XML a ModernGov web service (`mgWebService.asmx`) gives for `GetMeeting`: the committee,
the meeting's date, its attendees (name, role, attendance) and its agenda items with their minute
text (HTML, escaped). Read with defusedxml (no entity expansion, no external entities), and
written out as the text of a minutes page, so the same recognisers read it; the committee and
date it states outright are kept as they are.

Both the plain HTTP answer (`<meeting>` at the root) and the SOAP envelope are accepted.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # the Element type only: parsing is defusedxml's

from bs4 import BeautifulSoup

from .extract import DraftInputError, Extracted, tidy

ATTENDANCE_GROUPS = {"present": "Present", "apologies": "Apologies", "in attendance": "In attendance"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _find(node: ET.Element, name: str) -> ET.Element | None:
    return next((e for e in node.iter() if _local(e.tag) == name), None)


def _child_text(node: ET.Element, name: str) -> str:
    for child in node:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def attrs_of(node: ET.Element) -> dict[str, str]:
    return {k.lower(): v for k, v in node.attrib.items()}


def _attendee(node: ET.Element) -> tuple[str, str, str]:
    """(name, role, attendance) from attributes or child elements, as installations differ."""
    attrs = attrs_of(node)

    def get(name: str) -> str:
        return (attrs.get(name) or _child_text(node, name)).strip()

    return get("name"), get("roledescription") or get("role"), get("attendance").lower()


def _attendance_lines(meeting: ET.Element) -> list[str]:
    groups: dict[str, list[str]] = {key: [] for key in ATTENDANCE_GROUPS}
    for node in meeting.iter():
        if _local(node.tag) != "attendee":
            continue
        name, role, attendance = _attendee(node)
        key = "apologies" if attendance.startswith("apolog") else attendance
        representing = (attrs_of(node).get("representing") or _child_text(node, "representing")).strip()
        about = ", ".join(x for x in (role if role.lower() != "committee member" else "", representing) if x)
        if name and key in groups:
            groups[key].append(f"{name} ({about})" if about else name)
    return [f"{ATTENDANCE_GROUPS[k]}: {', '.join(v)}." for k, v in groups.items() if v]


def _item_text(item: ET.Element) -> str:
    number = _child_text(item, "minutesitemnumber") or _child_text(item, "agendaitemnumber")
    title = _child_text(item, "agendaitemtitle")
    body = _child_text(item, "minutesnonemptyhtmlbody") or _child_text(item, "decisionnonemptyhtmlbody")
    minutes = BeautifulSoup(body, "lxml").get_text("\n") if body else ""
    heading = f"{number.rstrip('.')}. {title}" if number else title
    return f"{heading}\n\n{minutes}"


def meeting_element(data: bytes, path: str) -> ET.Element:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        raise DraftInputError(f"{path}: not well-formed XML ({exc})") from None
    meeting = root if _local(root.tag) == "meeting" else _find(root, "meeting")
    if meeting is None or _find(meeting, "meetingdate") is None:
        raise DraftInputError(
            f"{path}: the XML (root element <{_local(root.tag)}>) is not a ModernGov GetMeeting answer: "
            "it has no <meeting> with a <meetingdate>"
        )
    return meeting


def read(data: bytes, path: str) -> Extracted:
    meeting = meeting_element(data, path)
    committee = _child_text(meeting, "committeetitle") or _child_text(
        _find(meeting, "committee") or meeting, "committeetitle"
    )
    date = _child_text(meeting, "meetingdate").split(" ")[0]  # some installations add a time
    lines = [committee or "Meeting", f"Date: {date}"]
    if venue := _child_text(meeting, "meetinglocation"):
        lines.append(f"Venue: {venue}")
    lines += _attendance_lines(meeting)
    items = [_item_text(i) for i in meeting.iter() if _local(i.tag) == "agendaitem"]
    text = tidy("\n\n".join(["\n".join(lines), *items]))
    structured = {"committee": committee, "date": date, "meeting_id": _child_text(meeting, "meetingid")}
    return Extracted(
        path, "xml", "ModernGov GetMeeting XML (defusedxml)", text, title=committee, structured=structured
    )
