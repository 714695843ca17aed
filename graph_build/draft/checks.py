"""Inputs that are not English minutes, refused before any drafting with a reason."""

from __future__ import annotations

import re
from collections import Counter

from .extract import DraftInputError
from .segment import Document

# The commonest short words of each language: a page where Welsh ones outnumber English ones is Welsh.
WELSH = {"y", "yr", "a", "ac", "i", "ei", "yn", "mae", "wedi", "ar", "o", "am", "gan", "gyda", "hyn", "bod",
         "cyngor", "cyfarfod", "ein", "eu", "fel", "neu", "dros", "rhwng", "ynghylch", "cofnodion", "aelodau"}  # fmt: skip
ENGLISH = {"the", "of", "and", "to", "in", "that", "was", "for", "is", "on", "with", "be", "were", "had", "as",
           "this", "by", "it", "at", "from", "would", "council", "meeting", "members"}  # fmt: skip
MINUTES_WORDS = re.compile(
    r"\b(minutes|present|apologies|resolved|agreed|agenda|chair(?:man)?|meeting|committee|board|panel|"
    r"decision|recommend\w*|noted|councillors?|cllr)\b",
    re.IGNORECASE,
)


def language(text: str) -> str:
    counts = Counter(w.lower() for w in re.findall(r"[A-Za-zŵŷâêîôû']+", text[:20000]))
    welsh = sum(counts[w] for w in WELSH - {"a", "i", "o"})
    english = sum(counts[w] for w in ENGLISH)
    return "cy" if welsh > english else "en"


def check_drafteable(doc: Document) -> None:
    path = doc.source.path
    if doc.source.lang == "cy" or language(doc.text) == "cy":
        raise DraftInputError(
            f"{path}: the text is in Welsh: drafting reads English minutes; Welsh councils publish an "
            "English version of each page (often the same address with the language switched): draft that"
        )
    if doc.source.kind in ("html", "pdf"):
        cues = {m.group(1).lower() for m in MINUTES_WORDS.finditer(doc.text)}
        if len(cues) < 3:
            raise DraftInputError(
                f"{path}: this {doc.source.kind} does not read as minutes (found {len(cues)} of the words minutes, "
                "present, apologies, resolved, agenda, meeting ...): save the meeting's minutes page or document"
            )
