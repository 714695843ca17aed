"""What the other fact files declare, kept on disk so that `cspkg validate FILE` checks one file in
well under a second without parsing the rest.

To resolve one file's references and give SHACL the types of what it refers to, the build needs
only the ids every other file declares (`resolve.Declaration`), and for "possible match"
warnings the names of the national bodies. Both are cached per file, keyed by a hash of its
bytes (read again only when the file's modification time or size changed); the national
reference layer is keyed by a hash of data/reference, the vocabulary by one of the ontology. A
file that changed is parsed again, so the cache never answers for content it has not seen.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from .errors import display_path
from .facts.reader import FactFile, read_fact_file
from .facts.yaml_lines import LineDict
from .reference import reference_documents
from .resolve import REFERENCE_KIND, Declaration, declarations
from .vocab import Vocabulary, load_ontology, vocabulary_from

FORMAT = 4  # bump when Declaration or the cached layout changes


@dataclass
class Declared:
    """One file's (or the reference layer's) declarations and national body names."""

    digest: bytes
    declarations: list[Declaration]
    national: list[tuple[str, str | None, tuple[str, ...]]] = field(
        default_factory=list
    )  # id, name, alt names
    stamp: tuple[int, int] | None = None  # (mtime_ns, size) when hashed: unchanged files are not read again


@dataclass
class KnownVocabulary:
    """The ontology's vocabulary, so that a `cspkg validate FILE` command need not parse the ontology."""

    digest: bytes
    vocabulary: Vocabulary


def _digest(*paths: Path) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for path in paths:
        h.update(str(path).encode())
        h.update(path.read_bytes())
    return h.digest()


def _of(files: list[FactFile], digest: bytes) -> Declared:
    out = Declared(digest, [d for ff in files for d in declarations(ff)])
    out.national = [
        (b.id, b.name, tuple(b.alt_names))
        for ff in files
        if ff.doc.source.kind == REFERENCE_KIND
        for b in ff.doc.bodies
    ]
    return out


class DeclarationCache:
    """The declarations of one data folder's files, read from and written back to a file in `folder`."""

    def __init__(self, folder: Path, data_dir: Path):
        name = hashlib.blake2b(str(Path(data_dir).resolve()).encode(), digest_size=6).hexdigest()
        self.path = Path(folder) / f"declarations-{name}.pickle"
        self.entries: dict[str, Declared | KnownVocabulary] = self._load()
        self.used: set[str] = set()  # entries of files that are gone are dropped on save
        self.changed = False

    def _load(self) -> dict[str, Declared | KnownVocabulary]:
        try:
            with self.path.open("rb") as f:
                version, entries = pickle.load(f)
            return entries if version == FORMAT else {}
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
            return {}

    def file(self, path: Path) -> Declared:
        """The declarations of one fact file (BuildError if it must be parsed and is broken)."""
        key = display_path(path)
        self.used.add(key)
        hit = self._declared(key)
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if hit is not None and hit.stamp == stamp:
            return hit
        digest = _digest(path)
        if hit is None or hit.digest != digest:
            hit = self.entries[key] = _of([read_fact_file(path)], digest)
        hit.stamp = stamp
        self.changed = True
        return hit

    def _declared(self, key: str) -> Declared | None:
        hit = self.entries.get(key)
        return hit if isinstance(hit, Declared) else None

    def vocabulary(self, ontology_dir: Path) -> Vocabulary:
        """The vocabulary of the ontology in `ontology_dir`."""
        digest = _digest(*sorted(Path(ontology_dir).glob("*.ttl")))
        key = f"vocabulary:{display_path(Path(ontology_dir))}"
        self.used.add(key)
        known = self.entries.get(key)
        hit = known if isinstance(known, KnownVocabulary) else None
        if hit is None or hit.digest != digest:
            hit = self.entries[key] = KnownVocabulary(
                digest, vocabulary_from(load_ontology(Path(ontology_dir)))
            )
            self.changed = True
        return hit.vocabulary

    def reference(self, data_dir: Path) -> Declared:
        """The national reference layer's declarations (data/reference)."""
        folder = data_dir / "reference"
        files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
        digest = _digest(*files)
        key = f"reference:{display_path(folder)}"
        self.used.add(key)
        hit = self._declared(key)
        if hit is None or hit.digest != digest:
            hit = self.entries[key] = _of(reference_documents(data_dir), digest)
            self.changed = True
        return hit

    def save(self) -> None:
        """Write the cache back atomically (concurrent runs each leave a whole file); start a new run."""
        used, self.used = self.used, set()
        if not self.changed and used == set(self.entries):
            return
        self.entries, self.changed = {k: v for k, v in self.entries.items() if k in used}, False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".declarations-")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump((FORMAT, self.entries), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


_OPEN: dict[tuple[Path, Path], DeclarationCache] = {}


def open_cache(folder: Path, data_dir: Path) -> DeclarationCache:
    """The cache of a data folder, read from disk once per process: a warm process that checks one
    file after another then only hashes the other files."""
    key = (Path(folder).resolve(), Path(data_dir).resolve())
    if key not in _OPEN:
        _OPEN[key] = DeclarationCache(folder, data_dir)
    cache = _OPEN[key]
    cache.used.clear()  # a run that failed before saving leaves no marks
    return cache


def national_names(declared: Declared) -> FactFile:
    """A stand-in reference document with only the national bodies' ids and names: all that
    `reconcile.possible_matches` reads of reference documents (pydantic models cost more to make)."""
    bodies = [SimpleNamespace(id=i, name=name, alt_names=list(alts)) for i, name, alts in declared.national]
    doc = SimpleNamespace(source=SimpleNamespace(kind=REFERENCE_KIND), bodies=bodies)
    return FactFile("national-names", LineDict(), doc)  # type: ignore[arg-type]  # duck-typed: see above
