"""Opening a draft for review, and serving the review app on 127.0.0.1."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Callable
from pathlib import Path

import yaml

from ..config import Settings
from ..draft import DraftInputError, draft_file, extract_document, write_draft
from .review import Review


class CannotReview(ValueError):
    """The draft or input cannot be opened for review; the message says why."""


def drafts_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / "drafts"


def open_review(settings: Settings, path: Path | None) -> Review:
    """A draft (a fact file with a top-level `draft:` block), or an input file (minutes as text,
    HTML, PDF ...) drafted first into data/drafts/; without a path, the newest draft there."""
    if path is None:
        drafts = sorted(drafts_dir(settings).glob("*.yaml"), key=lambda p: p.stat().st_mtime)
        if not drafts:
            raise CannotReview(f"no draft in {drafts_dir(settings)}: give a draft or a minutes file")
        path = drafts[-1]
    draft = _as_draft(path)
    try:
        if draft is None:
            draft = draft_file(path, settings.data_dir)
            write_draft(draft, drafts_dir(settings) / f"{path.stem}.yaml")
        source = Path(str(draft["draft"]["input"]))
        document = extract_document(source)
    except (DraftInputError, KeyError, TypeError) as exc:
        raise CannotReview(f"{path}: {exc}") from None
    if document.source.sha256 != draft["draft"].get("text_sha256", document.source.sha256):
        raise CannotReview(f"{source} changed since it was drafted: draft it again (cspkg draft)")
    return Review.of_draft(settings, draft, document.text)


def _as_draft(path: Path) -> dict | None:
    if path.suffix.lower() not in (".yaml", ".yml"):
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CannotReview(f"{path}: not a readable draft ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("draft"), dict):
        raise CannotReview(f"{path}: not a draft (no top-level draft: block); cspkg draft makes one")
    return data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(review: Review, port: int = 0, announce: Callable[[str], object] = print) -> None:
    """Serve the review app on 127.0.0.1 until stopped; `announce` gets the URL (with its token)."""
    import uvicorn

    from .app import create_app

    port = port or free_port()
    token = secrets.token_urlsafe(24)
    app = create_app(review, token, port)
    announce(f"http://127.0.0.1:{port}/?token={token}")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
