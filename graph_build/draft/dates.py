"""Dates as minutes write them ("Thursday, 11th March, 2021", "14/11/2019", "8 March 2018") → ISO,
and which of them is the meeting's: one the text presents as the meeting's (a 'Date:' line, 'held
on', the heading), never one it presents as a deadline, a previous or a next meeting."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    m: i
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")], 1)
    for m in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+)?"
DATE = re.compile(
    r"\b(?:"
    + _WEEKDAY + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)"
    + r"|(?P<d2>\d{1,2})[/.](?P<m2>\d{1,2})[/.](?P<y2>(?:19|20)\d\d)"
    + r"|(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d)"
    + r"|" + _MONTH.replace("month", "month4") + r"\s+(?P<day4>\d{1,2})(?:st|nd|rd|th)?,\s+(?P<year4>(?:19|20)\d\d)"
    + r")\b",
    re.IGNORECASE,
)  # fmt: skip
_MEETING_CUE = re.compile(
    r"(?:date(?: of meeting)?|meeting date|held on|held at .{0,60} on|decided at meeting|date of decision|"
    r"minutes of (?:the|a) .{0,80}?(?:meeting|committee|board|panel|partnership)[^.]{0,40}? (?:on|of)|"
    r"meeting (?:of|on))\s*:?\s*(?:on\s+)?$",
    re.IGNORECASE,
)
_NOT_MEETING_CUE = re.compile(
    r"(?:previous|last|next|future|following|earlier|notes of|publication|"
    r"published|deadline|closing date|by|until|before|after|since|from|due|start(?:ed)?|to be|report(?:ed)? (?:back )?(?:on|in)|"
    r"appointed on|effective|dated)\b[^.;]{0,40}$",
    re.IGNORECASE,
)


# The previous meeting's minutes being approved: 'the minutes of the meeting held on 4 March were
# signed as a true record', 'To confirm the minutes of the meetings held on 7 July'; or a document
# listed on an agenda page ('Minutes ... held on 14 November 2018 pdf icon PDF 112 KB')
_RECORD_AFTER = re.compile(
    r"^[^.;]{0,40}?\b(?:(?:were|was|be|are|is) (?:duly |then )?(?:signed|approved|confirmed|agreed|accepted|taken as read)|"
    r"(?:as|be|were|was) an? (?:correct|true|accurate) record|pdf icon|\bPDF \d+ ?KB)",
    re.IGNORECASE,
)
_RECORD_BEFORE = re.compile(
    r"\b(?:confirm|approve|sign|agree|accept)\w*\b[^.;]{0,60}\bminutes\b[^.;]{0,80}$", re.IGNORECASE
)


@dataclass(frozen=True)
class FoundDate:
    start: int
    end: int
    iso: str
    weekday: bool


def parse_dates(text: str) -> list[FoundDate]:
    out = []
    for m in DATE.finditer(text):
        g = m.groupdict()
        parts: tuple[str, str | int, str]
        if g["day"]:
            parts = (g["year"], MONTHS[g["month"].lower()], g["day"])
        elif g["d2"]:
            parts = (g["y2"], g["m2"], g["d2"])
        elif g["y3"]:
            parts = (g["y3"], g["m3"], g["d3"])
        else:
            parts = (g["year4"], MONTHS[g["month4"].lower()], g["day4"])
        try:
            day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            continue  # 31/02/2020 is no date
        out.append(FoundDate(m.start(), m.end(), day.isoformat(), bool(g.get("weekday"))))
    return out


def meeting_date_score(text: str, found: FoundDate, header_end: int, item_title: str | None) -> int:
    """How surely a date is the meeting's: cues before it, place in the document; <0: not the meeting's."""
    before = text[max(0, found.start - 120) : found.start]
    line_start = text.rfind("\n", 0, found.start) + 1
    own_line = text[line_start : found.start]
    if _RECORD_AFTER.search(text[found.end : found.end + 80]) or _RECORD_BEFORE.search(before):
        return -1  # the minutes of an earlier meeting, approved at this one
    if _NOT_MEETING_CUE.search(before[-60:]) or (
        item_title and re.search(r"future|next|previous|last|minutes|notes", item_title, re.IGNORECASE)
    ):
        return -1
    score = 0
    if _MEETING_CUE.search(own_line) or _MEETING_CUE.search(before[-90:]):
        score += 3
    if found.start < header_end:
        score += 2
    if found.weekday:
        score += 1
    return score
