"""What a build was made of, kept beside it, so that the next build can replace only what changed.

For every fact file: its content hash (also written into the build's meta graph), the named graph
it became, the ids it declares (`resolve.Declaration`: all the registry needs of a file that is
not converted again) and a hash of what the statutory model reads of it (its bodies' types,
parts, districts, police force areas and dates, and its areas). For every other graph (the
national reference layer, the statutory model's applications): the same, without a file. And the
frame: a hash of what every graph depends on (cspkg's version, the base URI, the ontology, the
shapes and the reference data), which a build in place of the served one must share with it.

A manifest is kept per build id in the cache folder; a store whose build has none (built
elsewhere, or the cache was cleared) is rebuilt in full.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .config import Settings
from .facts.reader import FactFile
from .resolve import REFERENCE_KIND, Declaration, Record, declarations
from .triples import SourceGraph

FORMAT = 2
READABLE = (1, 2)  # format 1: without the merged records
KEEP = 4  # manifests kept: the served build's, and a few before it
_FRAME_SUFFIXES = {".ttl", ".yaml", ".csv"}


@dataclass
class GraphEntry:
    """One named graph of a build and what the meta graph says of it."""

    graph: str
    source: str
    file: str  # the fact file as the build showed it (csp:sourceFile)
    facts: int
    digest: str | None  # content hash of the fact file; None for derived graphs
    declarations: list[Declaration] = field(default_factory=list)
    body_facts: tuple = ()  # what the statutory model reads of the file (see `body_facts`)
    reference: bool = False  # declared before the fact files (national reference data)


@dataclass
class Manifest:
    build_id: str
    frame: str
    files: dict[str, GraphEntry]  # fact files by path as shown, in build order
    derived: list[GraphEntry]  # reference layer and statutory model graphs, in build order
    stamps: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # path → (mtime_ns, size, digest)
    stamped_at: int = 0  # time.time_ns() when the stamps were taken
    records: dict[str, Record] = field(default_factory=dict)  # the build's registry, merged

    def input_hash(self) -> str:
        return input_hash_of(self.frame, ((path, e.digest or "") for path, e in self.files.items()))

    def entries(self) -> Iterator[GraphEntry]:
        yield from self.derived
        yield from self.files.values()


def input_hash_of(frame: str, digests: Iterable[tuple[str, str]]) -> str:
    """A hash of everything a build reads: the frame and each fact file's content hash."""
    h = hashlib.sha256(frame.encode())
    for path, digest in digests:
        h.update(f"\n{path}\t{digest}".encode())
    return h.hexdigest()


def frame_hash(version: str, base_uri: str, folders: Iterable[Path]) -> str:
    """A hash of what every graph depends on: the code, the base URI, and the files in `folders`."""
    h = hashlib.sha256(f"{version}\n{base_uri}".encode())
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in _FRAME_SUFFIXES):
            h.update(str(path.relative_to(folder)).encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def frame_of(settings: Settings) -> str:
    return frame_hash(
        __version__,
        settings.base_uri,
        [settings.ontology_dir, settings.shapes_dir, Path(settings.data_dir) / "reference"],
    )


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digests(
    paths: Iterable[tuple[str, Path]], known: Manifest | None = None
) -> dict[str, tuple[int, int, str]]:
    """Each file's (mtime_ns, size, content hash). A file whose time and size are those `known`
    recorded is not read again, unless it was written shortly before they were taken (a file
    system's clock is coarse: a second write in the same tick keeps the time and maybe the size)."""
    out = {}
    stamps = known.stamps if known is not None else {}
    settled = known.stamped_at - 2_000_000_000 if known is not None else 0
    for key, path in paths:
        stat = path.stat()
        hit = stamps.get(key)
        if hit is not None and hit[0] == stat.st_mtime_ns and hit[1] == stat.st_size and hit[0] < settled:
            out[key] = hit
        else:
            out[key] = (stat.st_mtime_ns, stat.st_size, content_hash(path.read_bytes()))
    return out


def body_facts(ff: FactFile) -> tuple:
    """What the statutory model reads of a file (reference.bodies.gather): each body's part,
    districts, police force area and dates, whether a register declares it, and each area's
    enclosing areas."""
    register = ff.doc.source.kind == "register"
    bodies = tuple(
        (
            b.id,
            b.part_of,
            tuple(b.covers),
            b.police_force_area,
            b.start.exact.text if b.start and b.start.exact else None,
            b.end.exact.text if b.end and b.end.exact else None,
            register,
        )
        for b in ff.doc.bodies
    )
    return bodies + tuple(("area", a.id, tuple(a.within)) for a in ff.doc.areas)


def gathered(facts: Iterable[tuple], only: set[str]) -> dict[tuple, tuple]:
    """The bodies and areas in `only` merged as reference.bodies.gather merges them (give the
    facts in the order it reads the files: reference documents first)."""
    out: dict[tuple, tuple] = {}
    for fact in facts:
        if fact[0] == "area":
            if fact[1] in only:
                out.setdefault(("area", fact[1]), fact[2])
            continue
        if fact[0] not in only:
            continue
        id_, part_of, covers, area, start, end, national = fact
        was = out.get(("body", id_), (None, frozenset(), None, None, None, False))
        out[("body", id_)] = (
            was[0] or part_of,
            was[1] | frozenset(covers),
            was[2] or area,
            was[3] or start,
            was[4] or end,
            was[5] or national,
        )
    return out


def about(ff: FactFile) -> tuple[list[Declaration], tuple, bool]:
    """What a manifest keeps of a parsed file: its declarations, its body facts, whether it is
    reference data (declared first)."""
    return declarations(ff), body_facts(ff), ff.doc.source.kind == REFERENCE_KIND


def entry_for(
    sg: SourceGraph, of: tuple[list[Declaration], tuple, bool] | None, digest: str | None
) -> GraphEntry:
    """A graph's entry, with `about` its file when it has one."""
    declared, facts, reference = of if of is not None else ([], (), False)
    return GraphEntry(
        str(sg.graph), str(sg.source), sg.file, len(sg.triples), digest, declared, facts, reference
    )


# -- kept on disk -------------------------------------------------------------------------------


def _folder(cache_dir: Path) -> Path:
    return Path(cache_dir) / "builds"


def load(cache_dir: Path, build_id: str) -> Manifest | None:
    """The manifest of a build, or None when there is none (or it cannot be read)."""
    try:
        with (_folder(cache_dir) / f"{build_id}.manifest").open("rb") as f:
            version, manifest = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
        return None
    if version not in READABLE or manifest.build_id != build_id:
        return None
    if not hasattr(manifest, "records"):  # format 1 kept no records: merged again once
        manifest.records = {}
    return manifest


def save(cache_dir: Path, manifest: Manifest) -> None:
    """Write a build's manifest atomically, and drop all but the newest few."""
    folder = _folder(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".manifest-")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump((FORMAT, manifest), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{manifest.build_id}.manifest")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    kept = sorted(folder.glob("*.manifest"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in kept[KEEP:]:
        old.unlink(missing_ok=True)
