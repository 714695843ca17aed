"""A full build on every core: the fact files split between forked workers.

Each worker reads its share of the fact files and sends back what the rest of the build needs
of them: their declarations, what the statutory model reads (their bodies, areas, rules and
rule-based memberships) and the body facts the build's record keeps. The main process reads the
reference data meanwhile, then merges every declaration into the registry in a full build's
order, applies the statutory model and sends the merged records to the workers. Each worker then
converts its files, validates each graph with SHACL and writes its triples as N-Quads to a file
of its own, letting each file go once written; the main process converts and validates the
reference layer and the statutory model's graphs meanwhile, and the store bulk loads the files.

The steps and their order are those of `pipeline.build_full` (read, resolve, convert, validate,
load); only where they run differs, and the same triples and the same problems come out
(tests/test_build_parallel.py). Used for the embedded store when there are enough files to share.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import tempfile
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from . import manifest
from .config import Settings
from .errors import BuildError, FactError
from .facts.reader import FactFile, read_fact_file
from .facts.yaml_lines import LineDict
from .manifest import GraphEntry, Manifest
from .namespaces import Ids
from .progress import Reporter
from .reference import Reach, reference_documents, statutory_documents
from .reference.coverage import coverage_warnings
from .reference.reconcile import possible_matches
from .resolve import Registry
from .shacl import shape_set, validate_graph
from .store.base import BuildInfo
from .store.embedded import EmbeddedStore, nquads_lines
from .triples import Converter, SourceGraph

MIN_FILES = 64  # fewer fact files are built in one process: forking would cost more than it saves
_MODEL_KEYS = ("source", "bodies", "areas", "rules")  # what the statutory model reads of a file


@dataclass
class Clock:
    """Wall and CPU seconds per step, of one process."""

    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - wall
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu


@dataclass
class Read:
    """What a worker sends back of one fact file it read."""

    key: str
    about: tuple  # manifest.about: declarations, body facts, whether reference data
    model: FactFile  # the file with only what the statutory model and the warnings read


@dataclass
class Converted:
    """What a worker sends back of one fact file it converted, validated and wrote."""

    key: str
    graph: str
    source: str
    file: str
    facts: int


def shares(paths: list[tuple[str, Path]], n: int) -> list[list[tuple[str, Path]]]:
    """The files in `n` runs of about equal size, in order (so that each worker's problems come
    in the order a one-process build reports them)."""
    sizes = [p.stat().st_size for _, p in paths]
    total, done = sum(sizes) or 1, 0
    out: list[list[tuple[str, Path]]] = []
    run: list[tuple[str, Path]] = []
    for (key, path), size in zip(paths, sizes, strict=True):
        run.append((key, path))
        done += size
        if len(out) < n - 1 and done >= total * (len(out) + 1) / n:
            out.append(run)
            run = []
    return [*out, run] if run else out


def for_the_model(ff: FactFile) -> FactFile:
    """`ff` with only what the statutory model, its coverage and the reconciliation read: the
    source, bodies, areas, rules and the memberships that apply a rule."""
    doc = ff.doc.model_copy(
        update={
            name: []
            for name in type(ff.doc).model_fields
            if name not in _MODEL_KEYS and isinstance(getattr(ff.doc, name), list)
        }
        | {"memberships": [m for m in ff.doc.memberships if m.rule]}
    )
    raw = LineDict({k: v for k, v in ff.raw.items() if k in _MODEL_KEYS})
    raw.line, raw.key_lines = ff.raw.line, {k: v for k, v in ff.raw.key_lines.items() if k in _MODEL_KEYS}
    return FactFile(ff.path, raw, doc)


# -- in a worker -----------------------------------------------------------------------------


def _work(conn: Connection, share: list[tuple[str, Path]], out: Path, settings: Settings) -> None:
    """A worker's whole life: read its share, wait for the records, convert, validate, write."""
    try:
        clock = Clock()
        with clock.step("parse"):
            files, read, errors = _read(share)
        conn.send((read, errors, clock))
        records = conn.recv()
        if records is None:
            return
        conn.send(_convert(files, records, out, settings))
    except Exception:
        conn.send(("failed", traceback.format_exc()))  # the parent raises it, with this trace
        raise
    finally:
        conn.close()


FREEZE_EVERY = 64  # files read between two gc.freeze() calls


def _read(share: list[tuple[str, Path]]) -> tuple[list[tuple[str, FactFile]], list[Read], list[FactError]]:
    """The share's files parsed. What is parsed is kept until converted, so the collector is
    told to leave it be (gc.freeze): else each full collection walks every file read so far."""
    files, read, errors = [], [], []
    for i, (key, path) in enumerate(share):
        if i % FREEZE_EVERY == 0:
            gc.freeze()
        try:
            ff = read_fact_file(path)
        except BuildError as exc:
            errors.extend(exc.errors)
            continue
        files.append((key, ff))
        read.append(Read(key, manifest.about(ff), for_the_model(ff)))
    gc.freeze()
    return files, read, errors


def _convert(
    files: list[tuple[str, FactFile]], records: bytes, out: Path, settings: Settings
) -> tuple[list[Converted], list[FactError], list[FactError], Clock]:
    from .pipeline import _ontology

    clock = Clock()
    registry = Registry(_ontology(settings.ontology_dir)[1])
    with clock.step("resolve"):
        registry.records = pickle.loads(records)
    ids = Ids(settings.base_uri)
    converter = Converter(registry, ids)
    problems: list[FactError] = []
    done = []
    with clock.step("shacl"):  # (the records' copy and the index of their types)
        types = registry.type_index(ids)
        shapes = shape_set(settings.shapes_dir, settings.shacl_engine)
    files.reverse()
    with out.open("w", encoding="utf-8") as nquads:
        while files:
            key, ff = files.pop()  # the parsed file goes once converted
            with clock.step("triples"):
                sg = converter.convert(ff)
            with clock.step("shacl"):
                problems += validate_graph(sg, types, shapes)
            with clock.step("write"):
                nquads.writelines(nquads_lines({sg.graph: sg.triples}))
            done.append(Converted(key, str(sg.graph), str(sg.source), sg.file, len(sg.triples)))
            del ff, sg
    return done, registry.errors, problems, clock


# -- in the main process ---------------------------------------------------------------------


class Workers:
    """The forked workers and their pipes."""

    def __init__(self, parts: list[list[tuple[str, Path]]], folder: Path, settings: Settings):
        context = multiprocessing.get_context("fork")
        self.outputs = [folder / f"share-{i}.nq" for i in range(len(parts))]
        self.pipes: list[Connection] = []
        self.processes = []
        gc.freeze()  # the parent's objects stay on shared pages in the workers
        try:
            for part, out in zip(parts, self.outputs, strict=True):
                mine, theirs = context.Pipe()
                process = context.Process(target=_work, args=(theirs, part, out, settings), daemon=True)
                process.start()
                theirs.close()
                self.pipes.append(mine)
                self.processes.append(process)
        finally:
            gc.unfreeze()

    def receive(self) -> list[Any]:
        answers = []
        for pipe in self.pipes:
            try:
                answer = pipe.recv()
            except EOFError:
                raise RuntimeError("a build worker stopped without an answer") from None
            if isinstance(answer, tuple) and answer and answer[0] == "failed":
                raise RuntimeError(f"a build worker failed:\n{answer[1]}")
            answers.append(answer)
        return answers

    def send(self, payload: bytes | None) -> None:
        for pipe in self.pipes:
            pipe.send(payload)

    def stop(self) -> None:
        for pipe in self.pipes:
            pipe.close()
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()


def build_full(
    settings: Settings,
    store: EmbeddedStore,
    reporter: Reporter,
    paths: list[tuple[str, Path]],
    made: Manifest,
) -> BuildInfo:
    """Build every fact file of `paths` (keyed as `made.stamps`) with `settings.workers`
    workers, load, and fill `made` (see the module's doc)."""
    from .pipeline import _ontology, build_info_for, metadata_triples

    ontology, vocab = _ontology(settings.ontology_dir)  # read before forking: the workers have it
    shape_set(settings.shapes_dir, settings.shacl_engine)
    Path(settings.cache_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.cache_dir, prefix=".full-build-") as tmp:
        workers = Workers(shares(paths, settings.workers), Path(tmp), settings)
        try:
            with reporter.phase("parse", len(paths)):
                reference, read, clocks = _gather(settings, workers)
            with reporter.phase("resolve"):
                registry, model, made.reach = _resolve(settings, vocab, reference, read, reporter)
                made.national = manifest.national([r.model for r in read] + reference)
                workers.send(pickle.dumps(registry.records, protocol=pickle.HIGHEST_PROTOCOL))
            with reporter.phase("convert", len(paths)):
                before = len(registry.errors)
                mine = [Converter(registry, Ids(settings.base_uri)).convert(ff) for ff in reference + model]
                mine_checked = _check_mine(settings, registry, mine)
                converted, more = _finish(workers, registry, before, mine_checked)
        finally:
            workers.stop()
        for clock in clocks + more:
            _count(reporter, clock)
        _record(made, read, converted, reference, mine, model)
        info = build_info_for(made)
        ids = Ids(settings.base_uri)
        main = Path(tmp) / "main.nq"
        graphs = {sg.graph: sg.triples for sg in mine}
        graphs[ids.graph("ontology")] = list(ontology)
        graphs[ids.graph("meta")] = list(metadata_triples(made.entries(), info, ids))
        with reporter.phase("load", len(paths) + len(graphs)):
            with main.open("w", encoding="utf-8") as out:
                out.writelines(nquads_lines(graphs))
            store.publish_nquads([*workers.outputs, main], info)
    return info


def _gather(settings: Settings, workers: Workers) -> tuple[list[FactFile], list[Read], list[Clock]]:
    """The reference documents (read here meanwhile) and what the workers read (and how long
    they took), or every problem of every file."""
    errors: list[FactError] = []
    reference: list[FactFile] = []
    try:
        reference = reference_documents(settings.data_dir)
    except BuildError as exc:
        errors = exc.errors
    answers = workers.receive()
    read = [r for found, _, _ in answers for r in found]
    errors = [e for _, problems, _ in answers for e in problems] + errors
    if errors:
        workers.send(None)
        raise BuildError(errors)
    return reference, read, [clock for _, _, clock in answers]


def _resolve(
    settings: Settings, vocab: Any, reference: list[FactFile], read: list[Read], reporter: Reporter
) -> tuple[Registry, list[FactFile], Reach]:
    """The registry (reference data first, as `resolve.build_registry` declares), the statutory
    model's documents declared after it, and the warnings."""
    registry = Registry(vocab)
    every = [(r.about[0], r.about[2]) for r in read]
    every += [(about[0], about[2]) for about in map(manifest.about, reference)]
    for declared, _ in sorted(every, key=lambda e: not e[1]):
        for d in declared:
            registry.declare(d)
    registry.check_bodies_complete()
    files = [r.model for r in read] + reference
    reach = Reach()
    model = statutory_documents(files, registry, settings.data_dir, reach)
    for ff in model:
        registry.declare_file(ff)
    for warning in possible_matches(files + model, registry):
        reporter.warn(warning)
    for warning in coverage_warnings(files + model):
        reporter.warn(warning)
    return registry, model, reach


def _check_mine(settings: Settings, registry: Registry, mine: list[SourceGraph]) -> list[FactError]:
    """SHACL problems of the graphs converted here (once the references resolved)."""
    if len(registry.errors):
        return []
    types = registry.type_index(Ids(settings.base_uri))
    shapes = shape_set(settings.shapes_dir, settings.shacl_engine)
    return [e for sg in mine for e in validate_graph(sg, types, shapes)]


def _finish(
    workers: Workers, registry: Registry, before: int, mine: list[FactError]
) -> tuple[list[Converted], list[Clock]]:
    """The workers' graphs, or every problem in a one-process build's order: the registry's,
    the workers' references, these graphs' references; then SHACL's likewise."""
    answers = workers.receive()
    unresolved = registry.errors[:before] + [e for a in answers for e in a[1]] + registry.errors[before:]
    if unresolved:
        raise BuildError(unresolved)
    shacl = [e for a in answers for e in a[2]] + mine
    if shacl:
        raise BuildError(shacl)
    return [c for a in answers for c in a[0]], [a[3] for a in answers]


def _count(reporter: Reporter, clock: Clock) -> None:
    """A worker's CPU seconds per step (its wall seconds: the slowest worker's)."""
    for name, seconds in clock.cpu.items():
        reporter.cpu[name] = reporter.cpu.get(name, 0.0) + seconds
    for name, seconds in clock.wall.items():
        key = f"{name} (workers)"
        reporter.timings[key] = max(reporter.timings.get(key, 0.0), seconds)


def _record(
    made: Manifest,
    read: list[Read],
    converted: list[Converted],
    reference: list[FactFile],
    mine: list[SourceGraph],
    model: list[FactFile],
) -> None:
    """The build's record, as `pipeline.build_full` keeps it: each fact file's graph, then the
    derived graphs (the reference layer's, then the statutory model's)."""
    graphs = [(c.graph, c.source, c.file, c.facts) for c in converted]
    graphs += [(str(sg.graph), str(sg.source), sg.file, len(sg.triples)) for sg in mine]
    facts = {r.key: r.about for r in read} | {ff.path: manifest.about(ff) for ff in reference}
    for graph, source, file, n in graphs:
        if file in made.stamps:
            made.files[file] = GraphEntry(graph, source, file, n, made.stamps[file][2], *facts.pop(file))
        elif file in facts:
            made.derived.append(GraphEntry(graph, source, file, n, None, *facts.pop(file)))
    model_paths = {ff.path: ff for ff in model}
    made.derived += [
        GraphEntry(graph, source, file, n, None, *manifest.about(model_paths[file]))
        for graph, source, file, n in graphs
        if file in model_paths
    ]
    made.files = {key: made.files[key] for key in made.stamps}


def usable(settings: Settings, n_files: int) -> bool:
    """Whether a full build into the embedded store goes this way: several workers, enough
    files, and fork (Linux)."""
    return settings.workers > 1 and n_files >= MIN_FILES and "fork" in multiprocessing.get_all_start_methods()


__all__ = ["Clock", "build_full", "shares", "usable"]
