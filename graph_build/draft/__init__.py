"""Drafting facts from a council's minutes: `cspkg draft INPUT`.

extract (input file → text) → segment (items, paragraphs, labels) → recognise (bodies, people,
dates, decisions, figures, initiatives, concerns, links) → resolve (the graph's own ids) →
compose (a fact file with `draft:` spans and confidences) → write (YAML).
"""

from .draft import compose_draft, draft_file
from .extract import MAX_BYTES, DraftInputError, Extracted, extract
from .segment import Document, extract_document
from .write import write_draft

__all__ = [
    "MAX_BYTES",
    "Document",
    "DraftInputError",
    "Extracted",
    "compose_draft",
    "draft_file",
    "extract",
    "extract_document",
    "write_draft",
]
