"""Lexical facts about a SPARQL request without parsing it: its form, and whether it uses FROM,
SERVICE or an update operation.

Keywords are looked for only outside strings, IRIs, comments, variables and prefixed names. The
text is scanned twice, as written and with \\u / \\U escapes decoded (some engines decode them
before parsing), and a keyword found by either scan counts: for a safety check a false alarm is
harmless, a miss is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][^\s(){}\[\],;.<>"'=!&|+*/^-]+)
    | (?P<bnode>_:[^\s(){}\[\],;<>"']+)
    | (?P<pname>(?:[^\W\d][\w\-.\u00B7]*)?:[^\s(){}\[\],;<>"']*)
    | (?P<word>[^\W\d]\w*)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

QUERY_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


def _decode(text: str) -> str:
    def one(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)

    return _ESCAPE.sub(one, text)


def keywords(text: str) -> list[str]:
    """The bare words of the query (keywords and function names), upper-cased, in order."""
    words = []
    for m in _TOKEN.finditer(text):
        word = m.group("word")
        if word is not None:
            words.append(word.upper())
    return words


@dataclass(frozen=True)
class RequestText:
    """What a scan of one request's text found."""

    form: str | None  # SELECT / CONSTRUCT / DESCRIBE / ASK, or None
    update: str | None  # the first update keyword (INSERT, LOAD ...), if any
    service: bool  # uses SERVICE (federated query)
    dataset: bool  # has FROM or FROM NAMED clauses


def scan(text: str) -> RequestText:
    """Scan a request as written and with escapes decoded; see the module docstring."""
    scans = [keywords(text)]
    decoded = _decode(text)
    if decoded != text:
        scans.append(keywords(decoded))
    form = next((w for w in scans[0] if w in QUERY_FORMS or w in UPDATE_WORDS), None)
    update = next((w for words in scans for w in words if w in UPDATE_WORDS), None)
    return RequestText(
        form=form if form in QUERY_FORMS else None,
        update=update,
        service=any("SERVICE" in words for words in scans),
        dataset=any("FROM" in words for words in scans),
    )
