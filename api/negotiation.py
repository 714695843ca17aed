"""HTTP content negotiation: Accept headers with q-values (RFC 9110 §12.5.1) and ?format=."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header."""

    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """How specifically this range matches a media type: 3 exact, 2 type/*, 1 */*, 0 not."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == kind and self.subtype == "*":
            return 2
        return 3 if self.type == kind and self.subtype == sub else 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed elements are skipped."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        kind, _, sub = fields[0].lower().partition("/")
        if not kind or not sub:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q-value the most specific matching range gives a media type (0 when none matches)."""
    best, best_q = 0, 0.0
    for r in ranges:
        spec = r.matches(media_type)
        if spec > best:
            best, best_q = spec, r.q
    return best_q


def acceptable(header: str | None, offers: Sequence[str]) -> list[str]:
    """The offers the client accepts, best first: by q-value, then in the server's order.
    No Accept header (or an empty one) accepts every offer."""
    ranges = parse_accept(header)
    if not ranges:
        return list(offers)
    scored = [(quality(ranges, offer), -i, offer) for i, offer in enumerate(offers)]
    return [offer for q, _, offer in sorted(scored, reverse=True) if q > 0]


def best(header: str | None, offers: Sequence[str]) -> str | None:
    """The one offer to answer with, or None when nothing is acceptable (406).

    >>> best("text/html;q=0.9, application/ld+json", ["application/ld+json", "text/html"])
    'application/ld+json'
    >>> best("text/csv", ["application/ld+json", "text/html"]) is None
    True
    """
    found = acceptable(header, offers)
    return found[0] if found else None
