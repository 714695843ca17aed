"""The build benchmark: synthetic national-scale data at several sizes, built as `cspkg build` does.

For each size it writes a synthetic data folder (benchmarks/synth.py), then in fresh subprocesses
- builds it (pipeline.build into an embedded store): the time of each phase (parse, triples,
  shacl, load) and the peak memory of the build's process tree;
- loads the same triples with plain rdflib, as the baseline: into a Dataset (a named graph per
  source), serialised as N-Quads to disk and parsed back;
- re-validates one changed minutes document (`cspkg validate FILE`): in-process after a first call
  that reads everything (the first call's time is shown too), and as a fresh `cspkg validate`
  command, which reads the other files' declarations from its cache.

Wall times depend on what else the machine runs: the load average is printed before and after,
and the CPU seconds of each phase (workers included) beside its wall time. Then how each phase
grows against the smallest size, and the figures against the targets.

    python benchmarks/build_bench.py --sizes 10k,100k,1M

The 1M and 10M figures (the data written once into var/bench/ and kept for later runs; at 10M
the data takes about 0.2 GB, the store 3 GB, the build's record 0.2 GB):

    .venv/bin/python benchmarks/build_bench.py --sizes 1M,10M --no-baseline --no-revalidate --keep var/bench
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth
from synth import generate

PSS_INTERVAL_S = 1.0  # reading smaps_rollup stalls the process it reads: sample it seldom


def parse_size(text: str) -> int:
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


# -- the measured work, each run in a child process ------------------------------------------


def child_build(data: Path, store: Path, workers: int, cache: Path) -> dict:
    from graph_build import pipeline
    from graph_build.config import Settings
    from graph_build.progress import Reporter
    from graph_build.store import EmbeddedStore

    settings = Settings(data_dir=data, store_dir=store, workers=workers, cache_dir=cache, store=None)
    reporter = Reporter()
    start = time.perf_counter()
    pipeline.build(settings, EmbeddedStore(store), reporter, full=True)
    total = time.perf_counter() - start
    db = EmbeddedStore(store).store()
    quads = len(db)
    sources = int(
        next(
            iter(
                db.query(
                    "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?m { ?g a <https://w3id.org/cspkg/def#SourceGraph> } }"
                )
            )
        )["n"].value
    )
    return {
        "timings": reporter.timings,
        "phase_cpu": reporter.cpu,
        "total": total,
        "quads": quads,
        "sources": sources,
    }


def child_rdflib(data: Path, out: Path) -> dict:
    """The same triples, loaded the plain-rdflib way (after the same parse and conversion)."""
    from rdflib import Dataset

    from graph_build import pipeline
    from graph_build.config import Settings
    from graph_build.progress import Reporter

    settings = Settings(data_dir=data, workers=1)
    compiled = pipeline.compile_files(pipeline.read_inputs(settings, Reporter()), settings, Reporter())
    graphs = {sg.graph: sg.triples for sg in compiled.graphs}
    graphs[URIRef_("ontology", settings)] = list(compiled.ontology)
    timings = {}
    start = time.perf_counter()
    dataset = Dataset()
    for name, triples in graphs.items():
        dataset.addN((s, p, o, dataset.graph(name)) for s, p, o in triples)
    timings["add"] = time.perf_counter() - start
    start = time.perf_counter()
    dataset.serialize(destination=str(out), format="nquads")
    timings["serialize"] = time.perf_counter() - start
    del dataset
    start = time.perf_counter()
    again = Dataset()
    again.parse(str(out), format="nquads")
    timings["parse"] = time.perf_counter() - start
    timings["total"] = timings["add"] + timings["serialize"]
    return {"timings": timings, "quads": sum(1 for _ in again.quads((None, None, None, None)))}


def URIRef_(key: str, settings):
    from graph_build.namespaces import Ids

    return Ids(settings.base_uri).graph(key)


def child_revalidate(data: Path, cache: Path, workers: int) -> dict:
    """`cspkg validate` of one minutes document after a change: in a warm process, then as a command."""
    from graph_build import pipeline
    from graph_build.config import Settings
    from graph_build.progress import Reporter

    settings = Settings(data_dir=data, cache_dir=cache, workers=workers)
    minutes = sorted((data / "minutes").glob("*.yaml"))
    one = minutes[len(minutes) // 2]
    start = time.perf_counter()
    pipeline.validate(settings, [one])
    first = time.perf_counter() - start
    text = one.read_text()
    one.write_text(text.replace("cite: front page", "cite: the front page", 1))
    try:
        reporter = Reporter()
        start = time.perf_counter()
        compiled = pipeline.validate(settings, [one], reporter)
        again = time.perf_counter() - start
        command = _timed_command(["validate", "--quiet", "--data", str(data), str(one)], cache)
    finally:
        one.write_text(text)
    return {
        "first": first,
        "changed": again,
        "command": command,
        "timings": reporter.timings,
        "triples": sum(len(g.triples) for g in compiled.graphs),
    }


EDITS = (("cite: front page", "cite: the front page"), ("cite: the front page", "cite: the first page"))


def child_publish(data: Path, store: Path, cache: Path, workers: int) -> dict:
    """One minutes document changed and published (incremental build: validate, load, swap),
    twice: first in a fresh process (the build's record and the ontology read), then warm. The
    document is put back as it was afterwards (not published: the next run builds in full)."""
    from graph_build.config import Settings

    settings = Settings(data_dir=data, store_dir=store, workers=workers, cache_dir=cache, store=None)
    minutes = sorted((data / "minutes").glob("*.yaml"))
    one = minutes[len(minutes) // 3]
    original = one.read_text()
    try:
        rounds = [_publish_once(settings, store, one, old, new) for old, new in EDITS]
    finally:
        one.write_text(original)
    return {"rounds": rounds, "file": one.name}


def _publish_once(settings, store: Path, one: Path, old: str, new: str) -> dict:
    """Save one edit of `one` and publish it: seconds from the save to the new build served."""
    from graph_build import pipeline
    from graph_build.progress import Reporter
    from graph_build.store import EmbeddedStore

    text = one.read_text()
    assert old in text, f"{one} has no {old!r}"
    one.write_text(text.replace(old, new, 1))  # saved
    started, wall = time.time(), time.perf_counter()
    reporter = Reporter()
    pipeline.build(settings, EmbeddedStore(store), reporter)  # served once this returns
    answer = {
        "start": started,
        "end": time.time(),
        "wall": time.perf_counter() - wall,
        "timings": reporter.timings,
        "summary": reporter.summary,
    }
    time.sleep(2)  # readers move to the new build between the rounds
    return answer


def api_during_publish(data: Path, store: Path, cache: Path, workers: int) -> dict:
    """The API on the built store, asked one request after another (body views and a /sparql
    lookup) for a few seconds alone, then while `child_publish` runs: latencies of each window."""
    import httpx
    from api_bench import free_port, start_api, stop

    os.environ["CSPKG_PREPARE_VIEWS"] = "false"  # views built on request, as after each publish
    ids = _sample_bodies(store)
    port = free_port()
    api = start_api(store, data, port, 1, 1)
    done, samples = threading.Event(), []

    def ask() -> None:
        query = "SELECT ?name WHERE { ?b a csp:CommunitySafetyPartnership ; skos:prefLabel ?name } LIMIT 5"
        targets = [f"/bodies/{i}" for i in ids] + ["/sparql?" + urlencode({"query": query})]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for n in itertools.count():
                if done.is_set():
                    return
                start = time.time()
                try:
                    status = client.get(
                        targets[n % len(targets)], headers={"Accept": "application/json"}
                    ).status_code
                except httpx.HTTPError:
                    status = 0
                samples.append((start, time.time(), status))

    asker = threading.Thread(target=ask, daemon=True)
    try:
        asker.start()
        time.sleep(8)  # alone: the baseline (the first seconds warm the views)
        published, _, _ = run_child(["publish", str(data), str(store), str(cache), str(workers)])
        time.sleep(2)
    finally:
        done.set()
        asker.join()
        stop(api)
    baseline = [s for s in samples if 3 < s[0] - samples[0][0] < 8]
    windows = [(r["start"], r["end"] + 1.0) for r in published["rounds"]]  # and the first second after
    during = [s for s in samples if any(a <= s[1] and s[0] <= b for a, b in windows)]
    return {
        **published,
        "baseline": _latency(baseline),
        "during": _latency(during),
        "errors": sum(1 for s in samples if s[2] != 200),
        "requests": len(samples),
    }


def _sample_bodies(store: Path) -> list[str]:
    from graph_build.store import EmbeddedStore

    rows = EmbeddedStore(store).select(
        "SELECT ?b WHERE { ?b a csp:CommunitySafetyPartnership } ORDER BY ?b LIMIT 4"
    )
    return [str(r["b"]).rsplit("/", 1)[-1] for r in rows]


def _latency(samples: list[tuple[float, float, int]]) -> dict:
    times = sorted((end - start) * 1000 for start, end, _ in samples)
    if not times:
        return {"n": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    return {"n": len(times), "p50": pick(0.5), "p99": pick(0.99), "max": times[-1]}


def _timed_command(args: list[str], cache: Path) -> float:
    """Wall seconds of one `cspkg` command in a fresh process (imports included)."""
    env = {**os.environ, "CSPKG_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "cspkg"), *args], check=True, env=env, capture_output=True
    )
    return time.perf_counter() - start


# -- running children and watching their memory ----------------------------------------------


def _tree_pss_kb(pid: int) -> int:
    """Proportional set size of a process and its children (shared pages counted once)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run_child(args: list[str], watch_memory: bool = True) -> tuple[dict, float, float]:
    """Run this script as a child; (its JSON answer, peak RSS MB of its tree, peak PSS MB).
    The answer gets "cpu": the CPU seconds of the child and its workers (less sensitive than wall
    time to other work on the machine)."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT
    )
    peak_pss = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak_pss
        while not done.is_set():
            peak_pss = max(peak_pss, _tree_pss_kb(proc.pid))
            done.wait(PSS_INTERVAL_S)

    watcher = threading.Thread(target=watch, daemon=True)
    if watch_memory:  # not for timings under a second: a sample stalls the process it reads
        watcher.start()
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    if watch_memory:
        watcher.join()
    if proc.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed:\n{err.decode()[-3000:]}")
    answer = json.loads(out.decode().strip().splitlines()[-1])
    answer["cpu"] = usage.ru_utime + usage.ru_stime
    return answer, usage.ru_maxrss / 1024, peak_pss / 1024


# -- the report ------------------------------------------------------------------------------


def generate_cached(data: Path, size: int) -> dict:
    """The synthetic data folder of `size` triples, written once: kept with a note of what made
    it (size and the generator's own text), and written again only when that changed."""
    note = data / "synth.json"
    made_by = {"size": size, "synth": hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()}
    if note.is_file():
        kept = json.loads(note.read_text())
        if kept.get("made_by") == made_by:
            print(f"... {label(size)}: data kept in {data}", file=sys.stderr, flush=True)
            return kept["made"]
    print(f"... {label(size)}: writing data into {data}", file=sys.stderr, flush=True)
    made = generate(data, size)
    note.write_text(json.dumps({"made_by": made_by, "made": made}))
    return made


def bench(
    size: int, workdir: Path, workers: int, baseline: bool, publish: bool = True, revalidate: bool = True
) -> dict:
    data = workdir / f"data-{size}"
    made = generate_cached(data, size)
    row: dict = {"size": size, "made": made}
    store, cache = workdir / f"store-{size}", workdir / f"cache-{size}"
    row["build"], row["build_rss"], row["build_pss"] = run_child(
        ["build", str(data), str(store), str(workers), str(cache)]
    )
    if baseline:
        row["rdflib"], row["rdflib_rss"], _ = run_child(
            ["rdflib", str(data), str(workdir / f"dump-{size}.nq")]
        )
    if revalidate:
        row["revalidate"], _, _ = run_child(
            ["revalidate", str(data), str(cache), str(workers)], watch_memory=False
        )
    if publish:
        row["publish"] = api_during_publish(data, store, cache, workers)
    return row


def label(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1000}k"


def _phases(rows: list[dict]) -> list[str]:
    """Every phase any build reported, in order (a worker's step is named by its CPU key)."""
    out: list[str] = []
    for r in rows:
        for name in [*r["build"]["timings"], *r["build"]["phase_cpu"]]:
            name = name.removesuffix(" (workers)")
            if name not in out:
                out.append(name)
    return out


def _phase(r: dict, name: str) -> tuple[float | None, bool, float]:
    """(wall seconds, whether it is the slowest worker's, CPU seconds) of one phase of a build."""
    t, c = r["build"]["timings"], r["build"]["phase_cpu"]
    if name in t:
        return t[name], False, c.get(name, 0.0)
    if f"{name} (workers)" in t:
        return t[f"{name} (workers)"], True, c.get(name, 0.0)
    return None, False, c.get(name, 0.0)


def print_table(rows: list[dict]) -> None:
    """The full builds: each phase's wall and CPU seconds, the total, the peak memory."""
    print("full build (pipeline.build --full into the embedded store), wall / CPU seconds per phase")
    print(f"{'phase':<10} " + " ".join(f"{label(r['size']):>16}" for r in rows))
    for name in _phases(rows):
        cells = []
        for r in rows:
            wall, worker, cpu = _phase(r, name)
            shown = "-" if wall is None else f"{wall:.1f}{'w' if worker else ''}"
            cells.append(f"{shown:>8} / {cpu:<6.1f}")
        print(f"{name:<10} " + " ".join(cells))
    print(
        f"{'total':<10} " + " ".join(f"{r['build']['total']:>8.1f} / {r['build']['cpu']:<6.1f}" for r in rows)
    )
    print(f"{'peak MB':<10} " + " ".join(f"{r['build_pss']:>8.0f} / {r['build_rss']:<6.0f}" for r in rows))
    print(f"{'triples':<10} " + " ".join(f"{r['build']['quads']:>16,}" for r in rows))
    print(f"{'graphs':<10} " + " ".join(f"{r['build']['sources']:>16,}" for r in rows))
    print(
        "wall 'Nw': the slowest worker's seconds in that step (workers read, convert, validate and write\n"
        "at once, so their steps overlap); CPU: of the build process and its workers. total: wall of\n"
        "pipeline.build / CPU of the whole child process (start-up included). peak MB: PSS of the\n"
        f"build's process tree sampled every {PSS_INTERVAL_S:g} s / the largest ru_maxrss of one process in it."
    )
    for r in rows:
        rt = r.get("rdflib", {}).get("timings")
        v = r.get("revalidate")
        extra = []
        if rt:
            extra.append(
                f"plain rdflib load {rt['total']:.1f}s ({r['rdflib_rss']:.0f} MB; add {rt['add']:.2f}s, "
                f"serialise {rt['serialize']:.2f}s, parse back {rt['parse']:.2f}s)"
            )
        if v:
            vt = ", ".join(f"{k} {t:.3f}s" for k, t in v["timings"].items())
            extra.append(
                f"`cspkg validate FILE` of one changed document {v['changed']:.3f}s in a warm process "
                f"({vt}; first call {v['first']:.2f}s), {v['command']:.2f}s as a command"
            )
        if extra:
            print(f"{label(r['size'])}: " + "; ".join(extra))


def print_publish(rows: list[dict]) -> None:
    """One changed minutes document, saved to served, with the API answering meanwhile."""
    print()
    print(
        "publish one changed minutes document (incremental build: parse, triples, SHACL, load on a copy, swap)"
    )
    for r in rows:
        p = r.get("publish")
        if not p:
            continue
        for name, rnd in zip(("fresh process", "warm process"), p["rounds"], strict=True):
            phases = ", ".join(f"{k} {v:.2f}s" for k, v in rnd["timings"].items())
            print(
                f"{label(r['size'])} {name}: {rnd['wall'] - rnd['timings'].get('record', 0):.2f}s save to "
                f"served, {rnd['wall']:.2f}s with the manifest written ({phases}; {rnd['summary']})"
            )
        b, d = p["baseline"], p["during"]
        print(
            f"{label(r['size'])} API meanwhile: {p['requests']} requests, {p['errors']} not 200; "
            f"alone p50 {b['p50']:.1f} ms p99 {b['p99']:.1f} ms ({b['n']}); during the publishes "
            f"p50 {d['p50']:.1f} ms p99 {d['p99']:.1f} ms max {d['max']:.1f} ms ({d['n']}); "
            f"p99 ratio {d['p99'] / max(b['p99'], 1e-9):.1f}"
        )


def _publish_wall(r: dict) -> float | None:
    """Save to served of the warm publish (the manifest's writing, after the swap, left out)."""
    p = r.get("publish")
    if not p:
        return None
    rnd = p["rounds"][-1]
    return rnd["wall"] - rnd["timings"].get("record", 0.0)


def print_growth(rows: list[dict]) -> None:
    """How each phase grows with the triples, against the smallest size measured: per million
    triples, and the ratio of that to the smallest size's (1.00 = linear)."""
    if len(rows) < 2:
        return
    first = rows[0]
    print()
    print(
        f"growth against {label(first['size'])}: CPU seconds per million triples (ratio to {label(first['size'])}'s; 1.00 = linear)"
    )
    for r in rows[1:]:
        scale, base = r["build"]["quads"] / 1e6, first["build"]["quads"] / 1e6
        cells = []
        for name in _phases([first, r]):
            cpu, cpu0 = _phase(r, name)[2], _phase(first, name)[2]
            ratio = f"{(cpu / scale) / (cpu0 / base):.2f}" if cpu0 > 0.05 else "-"
            cells.append(f"{name} {cpu / scale:.1f} ({ratio})")
        total = (r["build"]["cpu"] / scale) / (first["build"]["cpu"] / base)
        wall = (r["build"]["total"] / scale) / (first["build"]["total"] / base)
        print(f"{label(r['size'])}: " + ", ".join(cells))
        print(
            f"{label(r['size'])}/{label(first['size'])}: triples x{scale / base:.1f}, build wall x"
            f"{r['build']['total'] / first['build']['total']:.1f} (per triple {wall:.2f}), CPU per triple "
            f"{total:.2f}, peak PSS x{r['build_pss'] / first['build_pss']:.1f}"
            + (
                f", publish x{_publish_wall(r) / _publish_wall(first):.1f}"
                if _publish_wall(r) and _publish_wall(first)
                else ""
            )
        )


TARGETS = "10M full build < 360 s and < 8 GB; publish one document < 3 s; 1M full build < 45 s"


def print_targets(rows: list[dict]) -> None:
    """Each size's figures against the targets that apply to it."""
    print()
    print(f"targets ({TARGETS}):")
    for r in rows:
        found = []
        if r["size"] >= 5_000_000:
            found.append(_verdict("full build", r["build"]["total"], 360, "s"))
            found.append(_verdict("peak PSS", r["build_pss"], 8192, " MB"))
        elif r["size"] >= 500_000:
            found.append(_verdict("full build", r["build"]["total"], 45, "s"))
        if _publish_wall(r) is not None:
            found.append(_verdict("publish", _publish_wall(r), 3, "s"))
        if found:
            print(f"{label(r['size'])}: " + "; ".join(found))


def _verdict(what: str, value: float, limit: float, unit: str) -> str:
    return f"{what} {value:.1f}{unit} ({'met' if value < limit else 'NOT met'}: < {limit}{unit})"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description="cspkg build benchmark")
    parser.add_argument(
        "--sizes", default="10k,100k,1M", help="comma-separated triple counts (10k, 100k, 1M ...)"
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("CSPKG_WORKERS", "2")))
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain-rdflib load")
    parser.add_argument(
        "--no-revalidate", action="store_true", help="skip re-validating one document (`cspkg validate FILE`)"
    )
    parser.add_argument(
        "--no-publish", action="store_true", help="skip publishing a changed document with the API running"
    )
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (default: a temporary one)"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "build":
            answer = child_build(Path(rest[0]), Path(rest[1]), int(rest[2]), Path(rest[3]))
        elif kind == "publish":
            answer = child_publish(Path(rest[0]), Path(rest[1]), Path(rest[2]), int(rest[3]))
        elif kind == "rdflib":
            answer = child_rdflib(Path(rest[0]), Path(rest[1]))
        else:
            answer = child_revalidate(Path(rest[0]), Path(rest[1]), int(rest[2]))
        print(json.dumps(answer))
        return
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    print(f"load average before: {load_average()} ({os.cpu_count()} CPUs)", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="cspkg-bench-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            print(f"... {label(size)}", file=sys.stderr, flush=True)
            rows.append(
                bench(
                    size,
                    workdir,
                    args.workers,
                    not args.no_baseline,
                    not args.no_publish,
                    not args.no_revalidate,
                )
            )
    print_table(rows)
    print_publish(rows)
    print_growth(rows)
    print_targets(rows)
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
