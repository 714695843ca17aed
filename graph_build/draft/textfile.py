"""Plain-text minutes (as copied from a council's meeting page): UTF-8 only, said so otherwise."""

from __future__ import annotations

from .extract import DraftInputError, Extracted, tidy


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
    text = tidy(decode_utf8(data, path))
    first = next((line for line in text.split("\n") if line), None)
    return Extracted(path, "text", "text (UTF-8)", text, title=first)
