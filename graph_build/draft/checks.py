"""Inputs that are not English minutes, refused before any drafting with a reason."""

from __future__ import annotations

import re

from .extract import DraftInputError
from .segment import Document

MINUTES_WORDS = re.compile(
    r"\b(minutes|present|apologies|resolved|agreed|agenda|chair(?:man)?|meeting|committee|board|panel|"
    r"decision|recommend\w*|noted|councillors?|cllr)\b",
    re.IGNORECASE,
)


def check_drafteable(doc: Document) -> None:
    path = doc.source.path
    if doc.source.lang == "cy":  # decided at extraction (graph_build.draft.language): no English part
        raise DraftInputError(
            f"{path}: the text is in Welsh, with no English part: drafting reads English minutes; Welsh "
            "councils publish an English version of each page (often the same address with the language "
            "switched): draft that"
        )
    if doc.source.kind in ("html", "pdf"):
        cues = {m.group(1).lower() for m in MINUTES_WORDS.finditer(doc.text)}
        if len(cues) < 3:
            raise DraftInputError(
                f"{path}: this {doc.source.kind} does not read as minutes (found {len(cues)} of the words minutes, "
                "present, apologies, resolved, agenda, meeting ...): save the meeting's minutes page or document"
            )
