"""Input files → reproducible plain text: the text every draft span indexes.

One function per kind of input (plain text, HTML, PDF, a ModernGov `GetMeeting` answer); each
gives the same text for the same file, whatever machine runs it, so that a curator (or the
review app) can find a draft's spans again with `extract_document`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024  # a set of minutes is well under 5 MB; anything far larger is not one


class DraftInputError(Exception):
    """An input that cannot be drafted; the message says why and what to do."""


@dataclass(frozen=True)
class Extracted:
    """The text of one input file, how it was read, and any facts the format states outright."""

    path: str
    kind: str  # text | html | pdf | xml
    extractor: str
    text: str
    title: str | None = None
    lang: str | None = None
    structured: dict = field(default_factory=dict)  # e.g. a GetMeeting answer's committee and date

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"))


def tidy(text: str) -> str:
    """One form of a text: NFC, '\\n' line ends, runs of spaces as one, no blank-line runs."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_INVISIBLE)
    out: list[str] = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"


def sniff(data: bytes, suffix: str) -> str:
    """The kind of input: by its first bytes where they are telling, else by the file name."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf-"):
        return "pdf"
    if head.startswith(b"<?xml") and b"<html" not in head:
        return "xml"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or suffix in {".html", ".htm"}:
        return "html"
    if suffix == ".xml" or (head.startswith(b"<") and b"<soap" in head):
        return "xml"
    if suffix == ".pdf":
        return "pdf"
    return "text"


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing what cannot be a set of minutes before reading it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DraftInputError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    if not path.is_file():
        raise DraftInputError(f"{path}: not a file")
    if size == 0:
        raise DraftInputError(f"{path}: the file is empty: nothing to draft")
    if size > MAX_BYTES:
        raise too_large(str(path), size)
    return path.read_bytes()


def too_large(name: str, size: int) -> DraftInputError:
    """The refusal of an input of `size` bytes, over MAX_BYTES (a file, or an upload)."""
    return DraftInputError(
        f"{name}: the file is {size / 2**20:.0f} MB, more than the {MAX_BYTES // 2**20} MB a set of "
        "minutes can be: save the meeting's own minutes page or PDF, not a bundle of documents"
    )


def extract(path: Path) -> Extracted:
    """Read one input file (plain text, HTML, PDF or GetMeeting XML) into its extracted text."""
    from . import getmeeting, html_page, pdf, textfile  # the readers import their parsers only when used

    data = read_bytes(path)
    kind = sniff(data, path.suffix.lower())
    reader = {"text": textfile.read, "html": html_page.read, "pdf": pdf.read, "xml": getmeeting.read}[kind]
    extracted = reader(data, str(path))
    if not extracted.text.strip():
        raise DraftInputError(f"{path}: no text found in the {kind} file: nothing to draft")
    return english_only(extracted)


def english_only(extracted: Extracted) -> Extracted:
    """A bilingual page's English part; an English page as it is; a Welsh page marked 'cy' (refused
    by the checks). The markup's own `lang` marks were applied by the HTML reader already."""
    from .language import english_part

    split = english_part(extracted.text)
    if split.lang == "cy":
        return dataclasses.replace(extracted, lang="cy")
    if not split.welsh_lines:
        return dataclasses.replace(extracted, lang="en") if extracted.lang == "cy" else extracted
    text = tidy(split.text)
    title = (
        next((line for line in text.split("\n") if line), None)
        if extracted.kind == "text"
        else extracted.title
    )
    extractor = f"{extracted.extractor}, English part (py3langid)"
    return dataclasses.replace(extracted, text=text, lang="en", extractor=extractor, title=title)
