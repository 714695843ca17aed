"""Plain-text minutes (as copied from a council's meeting page): UTF-8 only, said so otherwise."""

from __future__ import annotations

import re

from .extract import DraftInputError, Extracted, tidy

# A saved local copy starts with lines saying where the text came from ("URL: ...", "What: ...")
# and may mark its parts ("--- meeting page ---"): they are about the copy, not the minutes.
_HEADER = re.compile(r"(?:url|also|what|source|retrieved|saved|accessed|note)s?:\s", re.IGNORECASE)
_PART_MARK = re.compile(r"-{2,}\s*[^-\n]{0,60}\s*-{2,}")


def decode_utf8(data: bytes, path: str) -> str:
    """The text of UTF-8 bytes; other encodings are refused with the likely one named."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        guess = _likely_encoding(data)
        raise DraftInputError(
            f"{path}: not UTF-8 text (byte {data[exc.start]:#04x} on line {line})"
            + (f"; it looks like {guess}" if guess else "")
            + f": convert it first, e.g. iconv -f {guess or 'cp1252'} -t utf-8 FILE > FILE.txt"
        ) from None


def _likely_encoding(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    return best.encoding if best is not None else None


def read(data: bytes, path: str) -> Extracted:
    text, url = strip_copy_header(tidy(decode_utf8(data, path)))
    first = next((line for line in text.split("\n") if line), None)
    return Extracted(path, "text", "text (UTF-8)", text, title=first, structured={"url": url} if url else {})


def strip_copy_header(text: str) -> tuple[str, str | None]:
    """The text without a local copy's opening "Key: value" lines and part marks, and the URL they
    give. Only a block starting on the first line with a URL line counts as such a header."""
    lines = text.split("\n")
    if not lines or not lines[0].lower().startswith("url:"):
        return text, None
    url = lines[0].split(":", 1)[1].strip().split()[0] if lines[0].split(":", 1)[1].strip() else None
    n = 0
    while n < len(lines) and (not lines[n] or _HEADER.match(lines[n]) or _PART_MARK.fullmatch(lines[n])):
        n += 1
    body = [line for line in lines[n:] if not _PART_MARK.fullmatch(line)]
    return tidy("\n".join(body)), url
