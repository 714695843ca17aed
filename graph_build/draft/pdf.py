"""PDF minutes with a text layer (pypdf: pure Python, maintained, no system libraries).

A PDF gives lines, not paragraphs: lines are joined into paragraphs again where a line runs on
(the previous line is not ended and the next does not start a numbered or lettered point).
"""

from __future__ import annotations

import io
import logging
import re

from .extract import DraftInputError, Extracted, tidy

_STARTS_POINT = re.compile(
    r"^(\(?[0-9]{1,3}[.)]|\(?[a-z]{1,3}\)|[•·\-–]\s|[A-Z][A-Z ,&]{6,}$|RESOLVED|Present|Apolog)"
)
_ENDS_PARAGRAPH = re.compile(r"[.:;!?]$")


def _reflow(page: str) -> str:
    out: list[str] = []
    for raw in page.split("\n"):
        line = raw.strip()
        if not line:
            out.append("")
            continue
        if out and out[-1] and not _ENDS_PARAGRAPH.search(out[-1]) and not _STARTS_POINT.match(line):
            prev = out[-1]
            out[-1] = (prev[:-1] + line) if prev.endswith("-") and line[:1].islower() else f"{prev} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def read(data: bytes, path: str) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about odd fonts are not ours to show
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == 0:
            raise DraftInputError(f"{path}: the PDF is encrypted: save an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as exc:
        raise DraftInputError(f"{path}: not a readable PDF ({exc})") from None
    if not any(p.strip() for p in pages):
        raise DraftInputError(
            f"{path}: the PDF has no text layer ({len(pages)} page(s) of images, as a scan gives): "
            "it needs OCR first, e.g. ocrmypdf IN.pdf OUT.pdf, then draft OUT.pdf"
        )
    text = tidy("\n\n".join(_reflow(p) for p in pages))
    title = str(reader.metadata.title) if reader.metadata and reader.metadata.title else None
    return Extracted(path, "pdf", "pdf (pypdf text layer)", text, title=title)
