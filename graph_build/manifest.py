"""What a build was made of, kept beside it, so that the next build can replace only what changed.

For every fact file: its content hash (also written into the build's meta graph), the named graph
it became, the ids it declares (`resolve.Declaration`: all the registry needs of a file that is
not converted again) and a hash of what the statutory model reads of it (its bodies' types,
parts, districts, police force areas and dates, and its areas). For every other graph (the
national reference layer, the statutory model's applications): the same, without a file. And the
frame: a hash of what every graph depends on (cspkg's version, the base URI, the ontology, the
shapes and the reference data), which a build in place of the served one must share with it.

The served build's record is kept in one SQLite database in the cache folder (`builds/`): a row
per fact file (content hash, time and size, graph), a row per declaration and per body fact (both
found by id). A full build writes it anew; a build that replaces a few graphs reads only the rows
of the ids and files it touches and changes only those, so a one-document publish neither reads
nor writes what grows with the graph. A store whose build is not the one recorded (built
elsewhere, or the cache was cleared) is rebuilt in full.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .config import Settings
from .facts.reader import FactFile
from .facts.yaml_lines import LineDict
from .reference.statutory import Reach
from .resolve import REFERENCE_KIND, Declaration, declarations
from .triples import SourceGraph

FORMAT = 3
RECORD_FILE = "record.sqlite"
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
    reach: Reach | None = None  # what the statutory model looked at
    national: list[FactFile] = field(default_factory=list)  # the reference documents' bodies (see `national`)

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
    paths: Iterable[tuple[str, Path]], known: Served | None = None
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


def national(files: Iterable[FactFile]) -> list[FactFile]:
    """The reference documents of `files` with only their source and bodies: what the warnings
    of a curated body close to a national one read (reference.reconcile.possible_matches)."""
    out = []
    for ff in files:
        if ff.doc.source.kind != REFERENCE_KIND:
            continue
        doc = ff.doc.model_copy(
            update={
                name: []
                for name in type(ff.doc).model_fields
                if name not in ("source", "bodies") and isinstance(getattr(ff.doc, name), list)
            }
        )
        raw = LineDict({k: v for k, v in ff.raw.items() if k in ("source", "bodies")})
        raw.line, raw.key_lines = ff.raw.line, dict(ff.raw.key_lines)
        out.append(FactFile(ff.path, raw, doc))
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


# -- kept on disk ---------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE build (key TEXT PRIMARY KEY, value);
CREATE TABLE files (key TEXT PRIMARY KEY, graph TEXT NOT NULL, source TEXT NOT NULL, file TEXT NOT NULL,
    facts INTEGER NOT NULL, digest TEXT NOT NULL, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL);
CREATE INDEX files_graph ON files (graph);
CREATE TABLE declarations (owner TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
    declaration BLOB NOT NULL, PRIMARY KEY (owner, seq)) WITHOUT ROWID;
CREATE INDEX declarations_id ON declarations (id);
CREATE TABLE body_facts (owner TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, fact BLOB NOT NULL,
    PRIMARY KEY (owner, seq)) WITHOUT ROWID;
CREATE INDEX body_facts_id ON body_facts (id);
"""
_BATCH = 500  # ids per query (SQLite's limit on parameters is 32766 since 3.32, 999 before)


def _path(cache_dir: Path) -> Path:
    return Path(cache_dir) / "builds" / RECORD_FILE


def _dump(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _fact_id(fact: tuple) -> str:
    """The id a body fact is about (a body's, or an area's: see `body_facts`)."""
    return str(fact[1] if fact[0] == "area" else fact[0])


def _file_rows(
    key: str, e: GraphEntry, stamp: tuple[int, int, str]
) -> tuple[tuple, list[tuple], list[tuple]]:
    """A fact file's row, its declarations' rows and its body facts' rows."""
    assert e.digest is not None
    row = (key, e.graph, e.source, e.file, e.facts, e.digest, stamp[0], stamp[1])
    declared = [(key, i, d.kind, d.id, _dump(d)) for i, d in enumerate(e.declarations)]
    facts = [(key, i, _fact_id(f), _dump(f)) for i, f in enumerate(e.body_facts)]
    return row, declared, facts


def _insert(db: sqlite3.Connection, rows: Iterable[tuple[tuple, list[tuple], list[tuple]]]) -> None:
    for row, declared, facts in rows:
        db.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
        db.executemany("INSERT INTO declarations VALUES (?, ?, ?, ?, ?)", declared)
        db.executemany("INSERT INTO body_facts VALUES (?, ?, ?, ?)", facts)


def _set_build(db: sqlite3.Connection, **values: object) -> None:
    db.executemany("INSERT OR REPLACE INTO build VALUES (?, ?)", list(values.items()))


def save(cache_dir: Path, manifest: Manifest) -> None:
    """Write a full build's record anew, atomically (into a new file renamed over the old)."""
    path = _path(cache_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob("*.manifest"):  # the pickled records of earlier versions
        old.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".record-")
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        try:
            db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            with db:
                _set_build(
                    db,
                    format=FORMAT,
                    build_id=manifest.build_id,
                    frame=manifest.frame,
                    stamped_at=manifest.stamped_at,
                    derived=_dump(manifest.derived),
                    reach=_dump(manifest.reach),
                    national=_dump(manifest.national),
                )
                _insert(db, (_file_rows(k, e, manifest.stamps[k]) for k, e in manifest.files.items()))
        finally:
            db.close()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(cache_dir: Path, build_id: str) -> Served | None:
    """The record of the build `build_id`, or None when the record is another build's (or none,
    or cannot be read)."""
    path = _path(cache_dir)
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(path)
        build = dict(db.execute("SELECT key, value FROM build"))
        if build.get("format") != FORMAT or build.get("build_id") != build_id:
            db.close()
            return None
        return Served(db, build)
    except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        return None


class Served:
    """The served build's record, read as a build that replaces a few graphs needs it: the
    stamps of every file (a row each) and, looked up by id or file, the declarations and body
    facts; changed in place (`commit`) for the build that follows."""

    def __init__(self, db: sqlite3.Connection, build: dict[str, Any]):
        self.db = db
        self.build_id: str = build["build_id"]
        self.frame: str = build["frame"]
        self.stamped_at: int = build["stamped_at"]
        self.derived: list[GraphEntry] = pickle.loads(build["derived"])
        self.reach: Reach | None = pickle.loads(build["reach"]) if "reach" in build else None
        self._national: bytes | None = build.get("national")
        self.files: dict[str, tuple[str, str]] = {}  # fact file → (graph, content hash)
        self.stamps: dict[str, tuple[int, int, str]] = {}
        for key, graph, digest, mtime, size in db.execute(
            "SELECT key, graph, digest, mtime_ns, size FROM files"
        ):
            self.files[key] = (graph, digest)
            self.stamps[key] = (mtime, size, digest)

    def national(self) -> list[FactFile]:
        """The reference documents with only their bodies (for the possible-match warnings)."""
        return pickle.loads(self._national) if self._national else []

    def close(self) -> None:
        self.db.close()

    def _by_ids(self, query: str, ids: Iterable[str]) -> Iterator[tuple]:
        wanted = sorted(set(ids))
        for i in range(0, len(wanted), _BATCH):
            part = wanted[i : i + _BATCH]
            yield from self.db.execute(query.format(",".join("?" * len(part))), part)

    def declarations_of(self, ids: Iterable[str]) -> list[tuple[str, int, Declaration]]:
        """(file, position, declaration) of every fact file's declaration of these ids."""
        query = "SELECT owner, seq, declaration FROM declarations WHERE id IN ({})"
        return [(o, s, pickle.loads(d)) for o, s, d in self._by_ids(query, ids)]

    def declared_by(self, keys: Iterable[str]) -> dict[str, list[Declaration]]:
        """The declarations of these fact files, in file order."""
        out: dict[str, list[Declaration]] = {}
        query = "SELECT owner, declaration FROM declarations WHERE owner IN ({}) ORDER BY owner, seq"
        for owner, d in self._by_ids(query, keys):
            out.setdefault(owner, []).append(pickle.loads(d))
        return out

    def body_facts_of(self, ids: Iterable[str]) -> list[tuple[str, int, tuple]]:
        """(file, position, fact) of every fact file's body facts about these ids."""
        query = "SELECT owner, seq, fact FROM body_facts WHERE id IN ({})"
        return [(o, s, pickle.loads(f)) for o, s, f in self._by_ids(query, ids)]

    def body_facts_by(self, keys: Iterable[str]) -> dict[str, list[tuple]]:
        out: dict[str, list[tuple]] = {}
        query = "SELECT owner, fact FROM body_facts WHERE owner IN ({}) ORDER BY owner, seq"
        for owner, f in self._by_ids(query, keys):
            out.setdefault(owner, []).append(pickle.loads(f))
        return out

    def keys_of_graphs(self, graphs: Iterable[str]) -> dict[str, str]:
        """The fact file of each of these graphs (that is a fact file's)."""
        return dict(self._by_ids("SELECT graph, key FROM files WHERE graph IN ({})", graphs))

    def every_id(self) -> Iterator[tuple[str, str]]:
        """(kind, id) of every declaration, derived graphs' included (for near-match hints)."""
        yield from self.db.execute("SELECT DISTINCT kind, id FROM declarations")
        for e in self.derived:
            yield from ((d.kind, d.id) for d in e.declarations)

    def commit(
        self,
        build_id: str,
        stamps: dict[str, tuple[int, int, str]],
        stamped_at: int,
        replaced: dict[str, GraphEntry],
        removed: Iterable[str],
    ) -> None:
        """Make this the record of the build `build_id`, which replaced the graphs of the files in
        `replaced` and removed those in `removed` (one transaction: all of it or none)."""
        gone = [*replaced, *removed]
        with self.db:
            for table, column in (("files", "key"), ("declarations", "owner"), ("body_facts", "owner")):
                self.db.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(k,) for k in gone])
            _insert(self.db, (_file_rows(k, e, stamps[k]) for k, e in replaced.items()))
            moved = [
                (v[0], v[1], k)
                for k, v in stamps.items()
                if k not in replaced and k in self.stamps and self.stamps[k] != v
            ]
            self.db.executemany("UPDATE files SET mtime_ns = ?, size = ? WHERE key = ?", moved)
            _set_build(self.db, build_id=build_id, stamped_at=stamped_at)
        self.build_id, self.stamped_at, self.stamps = build_id, stamped_at, dict(stamps)
