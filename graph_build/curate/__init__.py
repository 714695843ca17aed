"""`cspkg curate`: a local review app to check a draft's facts against the minutes and publish them.

review.py holds one document under review (cards, checks, undo, saving); app.py is the web app
(a page, a small JSON API, and the guard that keeps it to its own page on 127.0.0.1); run.py opens
a draft (one named, one of data/drafts/, or minutes uploaded and drafted first) and serves it;
accept.py is the same save without the browser (`cspkg accept DRAFT`).
"""

from .review import Card, Refused, Review
from .run import Desk, open_review, serve

__all__ = ["Card", "Desk", "Refused", "Review", "open_review", "serve"]
