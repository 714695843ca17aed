"""Opening a draft for review (one named, one in data/drafts/, or minutes uploaded and drafted
first), and serving the review app on 127.0.0.1."""

from __future__ import annotations

import re
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from ..config import Settings
from ..draft import DraftInputError, draft_file, extract_document, write_draft
from .review import Review


class CannotReview(ValueError):
    """The draft or input cannot be opened for review; the message says why."""


def drafts_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / "drafts"


def sources_dir(settings: Settings) -> Path:
    """Where a copy of each minutes document drafted here is kept (a source's `local_copy`)."""
    return Path(settings.data_dir) / "sources"


def open_review(settings: Settings, path: Path | None) -> Review:
    """A draft (a fact file with a top-level `draft:` block), or an input file (minutes as text,
    HTML, PDF ...) drafted first into data/drafts/; without a path, the newest draft there."""
    path = path or newest_draft(settings)
    if path is None:
        raise CannotReview(f"no draft in {drafts_dir(settings)}: give a draft or a minutes file")
    draft = _as_draft(path)
    try:
        if draft is None:
            draft = draft_file(path, settings.data_dir)
            path = free_name(drafts_dir(settings), f"{path.stem}.yaml")
            write_draft(draft, path)
        source = Path(str(draft["draft"]["input"]))
        document = extract_document(source)
    except (DraftInputError, KeyError, TypeError) as exc:
        raise CannotReview(f"{path}: {exc}") from None
    if document.source.sha256 != draft["draft"].get("text_sha256", document.source.sha256):
        raise CannotReview(f"{source} changed since it was drafted: draft it again (cspkg draft)")
    review = Review.of_draft(settings, draft, document.text)
    review.draft_path = path
    return review


def newest_draft(settings: Settings) -> Path | None:
    drafts = sorted(drafts_dir(settings).glob("*.yaml"), key=lambda p: p.stat().st_mtime)
    return drafts[-1] if drafts else None


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


def free_name(folder: Path, name: str) -> Path:
    """`folder/name`, or `folder/stem-2.suffix` (-3 ...) when that is taken: nothing overwritten."""
    path, n = folder / name, 1
    while path.exists():
        n += 1
        path = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
    return path


_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def safe_name(name: str) -> str:
    """A file name from a browser, as a plain name for data/sources/ (no folders, no dot first)."""
    plain = _UNSAFE.sub("-", Path(name.replace("\\", "/")).name.lower()).strip("-.")
    return plain[:100] or "minutes"


@dataclass
class Desk:
    """The review app's documents: the one under review (if any), and the drafts to choose from."""

    settings: Settings
    review: Review | None = None
    name: str | None = None  # the draft's file name in data/drafts/ (None: a draft elsewhere)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def documents(self) -> list[dict[str, Any]]:
        """The drafts in data/drafts/, newest first: name, title, when drafted, from what."""
        found = []
        for path in sorted(drafts_dir(self.settings).glob("*.yaml"), key=lambda p: -p.stat().st_mtime):
            try:
                head = _as_draft(path) or {}
            except CannotReview:
                continue  # not a draft (a note, a half-written file): not offered
            source = head.get("source") or {}
            found.append(
                {
                    "name": path.name,
                    "title": str(source.get("title") or source.get("id") or path.stem),
                    "input": Path(str((head.get("draft") or {}).get("input", ""))).name,
                    "modified": datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(
                        timespec="seconds"
                    ),
                    "open": path.name == self.name,
                }
            )
        return found

    def open(self, path: Path) -> Review:
        review = open_review(self.settings, path)
        drafted = review.draft_path or path
        with self.lock:
            self.review = review
            self.name = (
                drafted.name if drafted.parent.resolve() == drafts_dir(self.settings).resolve() else None
            )
        return review

    def open_named(self, name: str) -> Review:
        """Open a draft of data/drafts/ by its file name (no other folder can be named)."""
        folder = drafts_dir(self.settings)
        path = folder / name
        if Path(name).name != name or not name.endswith(".yaml") or not path.is_file():
            raise CannotReview(f"no draft {name!r} in {folder}")
        return self.open(path)

    def upload(self, name: str, data: bytes) -> Review:
        """Keep uploaded minutes in data/sources/, draft them into data/drafts/, and open the
        draft; refused as `cspkg draft` refuses the file (nothing kept)."""
        folder = sources_dir(self.settings)
        folder.mkdir(parents=True, exist_ok=True)
        shown = safe_name(name)
        path = free_name(folder, shown)
        tmp = folder / f".{path.name}.upload"
        tmp.write_bytes(data)
        tmp.replace(path)
        try:
            draft = draft_file(path, self.settings.data_dir)
        except DraftInputError as exc:
            path.unlink()
            raise CannotReview(str(exc).replace(str(path), shown)) from None
        out = free_name(drafts_dir(self.settings), f"{path.stem}.yaml")
        write_draft(draft, out)
        return self.open(out)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve(desk: Desk, port: int = 0, announce: Callable[[str], object] = print) -> None:
    """Serve the review app on 127.0.0.1 until stopped; `announce` gets the URL (with its token)."""
    import uvicorn

    from .app import create_app

    port = port or free_port()
    token = secrets.token_urlsafe(24)
    app = create_app(desk, token, port)
    announce(f"http://127.0.0.1:{port}/?token={token}")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
