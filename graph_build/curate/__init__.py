"""`cspkg curate`: a local review app to check a draft's facts against the minutes and publish them.

review.py holds one document under review (cards, checks, saving); app.py is the web app (a
page, a small JSON API, and the guard that keeps it to its own page on 127.0.0.1); run.py opens a
draft (or drafts an input first) and serves it.
"""

from .review import Card, Refused, Review
from .run import open_review, serve

__all__ = ["Card", "Refused", "Review", "open_review", "serve"]
