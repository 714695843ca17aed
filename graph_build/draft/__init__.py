r"""Drafting facts from a council's minutes: `cspkg draft INPUT`.

extract (input file → text) → segment (items, paragraphs, labels) → recognise (bodies, people,
dates, decisions, figures, initiatives, concerns, links) → resolve (the graph's own ids) →
compose (a fact file with `draft:` spans and confidences) → write (YAML).

>>> from pathlib import Path
>>> from graph_build.resources import SOURCE_TREE
>>> minutes = Path("minutes.txt")
>>> _ = minutes.write_text("Safer Plymouth Partnership Board\n"
...     "Minutes of the meeting held on 12 March 2020\n\n"
...     "1. Apologies\nApologies were received from Devon and Cornwall Police.\n")
>>> drafted = draft_file(minutes, SOURCE_TREE / "data")  # the bodies it knows: the project's data/
>>> drafted["source"]["kind"], drafted["source"]["date"], drafted["draft"]["extractor"]
('minutes', '2020-03-12', 'text (UTF-8)')
>>> item = drafted["meetings"][0]["items"][0]
>>> item["title"]
'Apologies'
>>> start, end = item["draft"]["span"]  # offsets into the extracted text, made again by extract
>>> extract(minutes).text[start:end].splitlines()[0]
'1. Apologies'
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
