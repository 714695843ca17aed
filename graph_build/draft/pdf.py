"""PDF minutes with a text layer (pypdf: pure Python, maintained, no system libraries).

A PDF gives positioned lines, not paragraphs: lines are joined into paragraphs again, and a gap
wider than the usual line spacing, or a numbered or lettered point, starts a new one.
"""

from __future__ import annotations

import io
import logging
import re
from itertools import pairwise
from typing import TYPE_CHECKING

from .extract import DraftInputError, Extracted, tidy

if TYPE_CHECKING:
    from pypdf import PageObject

_STARTS_POINT = re.compile(
    r"^(\(?[0-9]{1,3}[.)]\s|\(?[a-z]{1,3}\)\s|[•·\-–]\s|RESOLVED|Present|Apolog|Also )"
)


def _page_lines(page: PageObject) -> list[tuple[float, str]]:
    """(height on the page, text) of each line, from the text layer's own positions."""
    rows: dict[int, list[str]] = {}

    def visit(text: str, cm: list, tm: list, font: object, size: float) -> None:
        if text.strip():
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            rows.setdefault(round(y), []).append(text.replace("\n", " "))

    page.extract_text(visitor_text=visit)
    return sorted(((float(y), " ".join("".join(parts).split())) for y, parts in rows.items()), reverse=True)


def _paragraphs(lines: list[tuple[float, str]]) -> str:
    """Lines → paragraphs: a gap wider than the usual line spacing, or a new point, starts one."""
    gaps = sorted(a[0] - b[0] for a, b in pairwise(lines) if a[0] > b[0])
    usual = gaps[len(gaps) // 4] if gaps else 0.0  # the tight spacing inside paragraphs
    out: list[str] = []
    for k, (y, text) in enumerate(lines):
        wide = k > 0 and usual and lines[k - 1][0] - y > usual * 1.35
        if k == 0 or wide or _STARTS_POINT.match(text) or out[-1].endswith(":"):
            out.append(text)
        else:
            prev = out[-1]
            out[-1] = prev[:-1] + text if prev.endswith("-") and text[:1].islower() else f"{prev} {text}"
    return "\n\n".join(out)


def read(data: bytes, path: str) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about odd fonts are not ours to show
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == 0:
            raise DraftInputError(f"{path}: the PDF is encrypted: save an unprotected copy")
        pages = [_paragraphs(_page_lines(page)) for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as exc:
        raise DraftInputError(f"{path}: not a readable PDF ({exc})") from None
    if not any(p.strip() for p in pages):
        raise DraftInputError(
            f"{path}: the PDF has no text layer ({len(pages)} page(s) of images, as a scan gives): "
            "it needs OCR first, e.g. ocrmypdf IN.pdf OUT.pdf, then draft OUT.pdf"
        )
    text = tidy("\n\n".join(pages))
    title = str(reader.metadata.title) if reader.metadata and reader.metadata.title else None
    return Extracted(path, "pdf", "pdf (pypdf text layer)", text, title=title)
