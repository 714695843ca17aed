"""How close `cspkg draft` comes to what a curator records: recall, precision, and how many facts
a curator accepts unchanged, edits or adds by hand, per kind of fact.

    python benchmarks/draft_eval.py                    # the five seed minutes and the test minutes
    python benchmarks/draft_eval.py --curated          # also every data/minutes file with a local copy (not the blind set)
    python benchmarks/draft_eval.py --blind            # only the blind set (benchmarks/blind_set.txt)
    python benchmarks/draft_eval.py --pair IN CURATED  # any input and its curated fact file (repeatable)

The blind set is the curated files listed in benchmarks/blind_set.txt: curated by hand without a
draft, so that a curator's starting from the draft does not flatter the figures. It is a final check,
kept out of --curated so that the drafter is not tuned to it.

Each input is drafted with the curated file's own source left out of the gazetteer (otherwise the
draft would find its answers in it). The test minutes (tests/data/draft/NAME.*, with
NAME.expected.yaml) are written in other councils' styles; the PDF one is made from its .pdf.txt
text here, as the tests make it.

Per kind, a draft fact and a curated fact are *matched* when they are about the same thing (below),
and *unchanged* when the fields that matter agree too; recall = matched / curated, precision =
matched / drafted; "right" is unchanged / curated. Bodies (those the graph already has: national
layer, registers, other curated files): same id (right = recall). New bodies (not on record): most
of the name's words shared; right when the proposed type is the curated one. People: same
name; right when the drafted post has the curated role and body. Meeting dates: a meeting of the
document; right when the day is the curated day (or none is drafted where the curated date is a
range). Decisions: same cite label, or shared words; right when the kind (and addressee) agree.
Figures: same value (or its negative) and unit; right when the value is the same. Initiatives: most
of the name's words shared; right when the type agrees. Links: same holder and held; right when
the mechanism agrees.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph_build.draft import extract_document
from graph_build.draft.checks import check_drafteable
from graph_build.draft.draft import compose_draft
from graph_build.draft.gazetteer import load_gazetteer, tokens
from graph_build.facts.reader import read_fact_file

OWN = ROOT / "tests" / "data" / "draft"
BLIND = ROOT / "benchmarks" / "blind_set.txt"
KINDS = ("bodies", "new bodies", "people", "meeting dates", "decisions", "figures", "initiatives", "links")
TARGETS = {"bodies": 0.90, "people": 0.85, "meeting dates": 0.90, "decisions": 0.70, "figures": 0.70}
STOP = {
    "the",
    "a",
    "an",
    "of",
    "to",
    "and",
    "for",
    "in",
    "on",
    "be",
    "by",
    "was",
    "were",
    "that",
    "with",
    "its",
}


@dataclass
class Tally:
    curated: int = 0
    drafted: int = 0
    matched: int = 0
    unchanged: int = 0
    drafted_right: int | None = None  # meeting dates: drafted dates that are right (precision)
    parts: int = 0  # decisions: drafted pieces of a curated decision already matched (one fact, split)

    def add(self, other: Tally) -> None:
        for name in ("curated", "drafted", "matched", "unchanged", "parts"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.drafted_right is not None:
            self.drafted_right = (self.drafted_right or 0) + other.drafted_right

    def recall(self) -> float | None:
        return self.matched / self.curated if self.curated else None

    def right(self) -> float | None:
        return self.unchanged / self.curated if self.curated else None

    def precision(self) -> float | None:
        hits = self.matched + self.parts if self.drafted_right is None else self.drafted_right
        return hits / self.drafted if self.drafted else None

    @property
    def edited(self) -> int:
        return self.matched - self.unchanged

    @property
    def by_hand(self) -> int:
        return self.curated - self.matched


@dataclass
class Case:
    name: str
    input: Path
    curated: Path
    tallies: dict[str, Tally] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None


def pair_up(curated: list, drafted: list, same: Callable, right: Callable) -> Tally:
    """Greedy one-to-one matching of drafted to curated facts."""
    tally = Tally(len(curated), len(drafted))
    free = list(drafted)
    for c in curated:
        hit = next((d for d in free if same(c, d)), None)
        if hit is None:
            continue
        free.remove(hit)
        tally.matched += 1
        tally.unchanged += bool(right(c, hit))
    return tally


def pair_decisions(curated: list, drafted: list) -> Tally:
    """Each curated decision takes the drafted one that shares most of its words (a shared cite label
    counts when they share a word at all); a drafted decision that shares the cite and most words of
    a decision already matched is a piece of it (the minutes put one decision in two sentences):
    the curator merges it, so it is not counted against precision."""
    tally = Tally(len(curated), len(drafted))
    free, matched = list(drafted), []
    for c in curated:
        scored = [(_decision_overlap(c, d), d) for d in free if _same_decision(c, d)]
        if not scored:
            continue
        hit = max(scored, key=lambda x: x[0])[1]
        free.remove(hit)
        matched.append(c)
        tally.matched += 1
        tally.unchanged += bool(c["kind"] == hit["kind"] and c.get("to") == hit.get("to"))
    tally.parts = sum(
        any(c.get("cite") == d.get("cite") and _decision_overlap(c, d) >= 0.3 for c in matched) for d in free
    )
    return tally


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP}


def _decisions(meetings: Iterable) -> list[dict]:
    out = []
    for m in meetings:
        for item in m.get("items", []):
            for d in item.get("decisions", []):
                out.append({**d, "item": item.get("number")})
    return out


def _people(doc: dict) -> list[dict]:
    """Each person with their posts' (role, body) pairs."""
    posts: dict[str, set] = {}
    for p in doc.get("posts", []):
        if p.get("holder"):
            posts.setdefault(p["holder"], set()).add((p.get("role"), p.get("body")))
    people = [{"name": p["name"], "posts": posts.get(p["id"], set())} for p in doc.get("people", [])]
    return [p for p in people if p["posts"]] or people


def _same_person(c: dict, d: dict) -> bool:
    a, b = tokens(c["name"]), tokens(d["name"])
    return a == b or (a[-1:] == b[-1:] and (len(a) == 1 or len(b) == 1))


def _dates(doc: dict) -> list[str | None]:
    """The document's own meeting date: the source's date (a day, or a range when the day is unknown)."""
    date = doc["source"].get("date")
    if date is None or isinstance(date, dict):
        return [None if date is None else "range"]
    return [date.isoformat() if hasattr(date, "isoformat") else str(date)]


def _date_right(c: str | None, d: str | None) -> bool:
    exact = c is not None and re.fullmatch(r"\d{4}-\d\d-\d\d", c) is not None
    return d == c if exact else d is None


def _decision_overlap(c: dict, d: dict) -> float:
    cw, dw = words(c["text"]), words(d["text"])
    return len(cw & dw) / len(cw) if cw else 0.0


def _same_decision(c: dict, d: dict) -> bool:
    overlap = _decision_overlap(c, d)
    return overlap >= 0.3 or (bool(c.get("cite")) and c.get("cite") == d.get("cite") and overlap > 0)


def _value(x: dict) -> Decimal:
    return Decimal(str(x["value"]))


def _figures_same(c: dict, d: dict) -> bool:
    return abs(_value(c)) == abs(_value(d)) and c.get("unit") == d.get("unit")


def _same_initiative(c: dict, d: dict) -> bool:
    cw, dw = words(c["name"]), words(d["name"])
    return c["id"] == d["id"] or (bool(cw) and len(cw & dw) / len(cw | dw) >= 0.5)


def _body_words(body: dict) -> set[str]:
    return words(" ".join(filter(None, [body.get("name"), body["id"].replace("-", " ")])))


def _same_new_body(c: dict, d: dict) -> bool:
    cw, dw = _body_words(c), _body_words(d)
    return bool(cw) and len(cw & dw) / len(cw | dw) >= 0.5


def _meeting_body(doc: dict) -> str | None:
    return next((m.get("body") for m in doc.get("meetings", []) if m.get("body")), None)


def compare(curated: dict, draft: dict, known: set[str]) -> dict[str, Tally]:
    """Per kind, the draft against the curated file; `known`: the ids the graph had before.

    The meeting's body is judged once, among the bodies; in links and addressees the drafted
    meeting body stands for the curated one (a curator corrects its id once, not in every link).
    Likewise in posts, and a post in a new body stands in the curated new body it was matched to: a
    new body's id cannot be guessed, and the curator renames it once, in the bodies list."""
    own, theirs = _meeting_body(draft), _meeting_body(curated)

    def as_curated(facts: list) -> list:
        if not own or not theirs or own == theirs:
            return facts
        swap = {own: theirs}
        return _swap_ids(facts, swap)

    c_bodies = [b["id"] for b in curated.get("bodies", []) if b["id"] in known]
    d_bodies = [b["id"] for b in draft.get("bodies", []) if not b["draft"].get("new")]
    c_new = [b for b in curated.get("bodies", []) if b["id"] not in known]
    d_new = [b for b in draft.get("bodies", []) if b["draft"].get("new")]
    c_people = [p for p in _people(curated) if p["posts"]]
    swap = {**_new_body_ids(c_new, d_new), **({own: theirs} if own and theirs else {})}
    renamed = {**draft, "posts": _swap_ids(draft.get("posts", []), swap)}
    d_people = [p for p in _people(renamed) if p["posts"]]
    c_dates, d_dates = _dates(curated), _dates(draft)
    return {
        "bodies": pair_up(c_bodies, d_bodies, lambda c, d: c == d, lambda c, d: True),
        "new bodies": pair_up(c_new, d_new, _same_new_body, lambda c, d: c.get("type") == d.get("type")),
        "people": pair_up(c_people, d_people, _same_person, lambda c, d: bool(c["posts"] & d["posts"])),
        "meeting dates": _date_tally(c_dates, d_dates),
        "decisions": pair_decisions(
            _decisions(curated.get("meetings", [])), _decisions(as_curated(draft.get("meetings", [])))
        ),
        "figures": pair_up(
            curated.get("observations", []),
            draft.get("observations", []),
            _figures_same,
            lambda c, d: _value(c) == _value(d),
        ),
        "initiatives": pair_up(
            curated.get("initiatives", []),
            draft.get("initiatives", []),
            _same_initiative,
            lambda c, d: c["type"] == d["type"],
        ),
        "links": pair_up(
            curated.get("links", []),
            as_curated(draft.get("links", [])),
            lambda c, d: (c["holder"], c["held"]) == (d["holder"], d["held"]),
            lambda c, d: c["mechanism"] == d["mechanism"],
        ),
    }


def _new_body_ids(curated: list[dict], drafted: list[dict]) -> dict[str, str]:
    """Drafted new body id → the curated new body it matches (as the 'new bodies' kind pairs them)."""
    out: dict[str, str] = {}
    free = list(drafted)
    for c in curated:
        hit = next((d for d in free if _same_new_body(c, d)), None)
        if hit is not None:
            free.remove(hit)
            out[hit["id"]] = c["id"]
    return out


def _swap_ids(value: Any, swap: dict[str, str]) -> Any:
    """A copy of fact entries with the ids in `swap` replaced in holder, held, to and body fields."""
    if isinstance(value, list):
        return [_swap_ids(v, swap) for v in value]
    if isinstance(value, dict):
        return {
            k: (
                swap.get(v, v)
                if k in ("holder", "held", "to", "body") and isinstance(v, str)
                else _swap_ids(v, swap)
            )
            for k, v in value.items()
        }
    return value


def _date_tally(curated: list, drafted: list) -> Tally:
    """A document's meetings: matched when both have one; right when the date is right, and a
    draft that gives no date where the curated one is a range (or none) counts as right."""
    tally = Tally(len(curated), sum(d is not None for d in drafted), drafted_right=0)
    for c, d in zip(curated, drafted, strict=False):
        right = _date_right(c, d)
        tally.matched += 1
        tally.unchanged += right
        tally.drafted_right = (tally.drafted_right or 0) + (right and d is not None)
    return tally


def raw(path: Path) -> dict:
    """A fact file as plain data (dates as strings), through the fact reader so it is checked."""
    import yaml

    read_fact_file(path)
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def run(case: Case, data_dir: Path) -> Case:
    curated = raw(case.curated)
    gaz = load_gazetteer(data_dir, {curated["source"]["id"], case.curated.stem})
    started = time.perf_counter()
    doc = extract_document(case.input)
    check_drafteable(doc)
    draft = compose_draft(doc, gaz, str(case.input))
    case.seconds = time.perf_counter() - started
    case.tallies = compare(curated, draft, set(gaz.bodies))
    return case


def shared_dir() -> Path:
    """The folder local copies named 'seeds/...' live in (the shared folder beside the repository)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared").is_dir():
            return base / "shared"
    return ROOT.parent / "shared"


def local_copy(curated: Path, data_dir: Path) -> Path | None:
    copy = raw(curated)["source"].get("local_copy")
    if not copy:
        return None
    for base in (data_dir, shared_dir()):
        if (base / copy).is_file():
            return base / copy
    return None


def blind_ids(path: Path = BLIND) -> list[str]:
    """The source ids of the blind set: one a line, '#' starts a comment."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def seed_cases(data_dir: Path, every: bool) -> list[Case]:
    """Curated files with a local copy: the seeds' (copies under shared/seeds), or all but the blind set."""
    out = []
    blind = set(blind_ids())
    for curated in sorted((data_dir / "minutes").glob("*.yaml")):
        copy = local_copy(curated, data_dir)
        if copy is not None and curated.stem not in blind and (every or copy.parent.name == "seeds"):
            out.append(Case(curated.stem, copy, curated))
    return out


def blind_cases(data_dir: Path) -> list[Case]:
    """The blind set's curated files, each with its local copy (a listed file without one is an error)."""
    out = []
    for source_id in blind_ids():
        curated = data_dir / "minutes" / f"{source_id}.yaml"
        copy = local_copy(curated, data_dir) if curated.is_file() else None
        if copy is None:
            raise SystemExit(f"{BLIND.name}: '{source_id}' has no fact file with a local copy in {data_dir}")
        out.append(Case(source_id, copy, curated))
    return out


def own_cases(workdir: Path) -> list[Case]:
    """The test minutes in other councils' styles, each with its expected fact file."""
    from tests.fixtures import minutes_pdf

    out = []
    for expected in sorted(OWN.glob("*.expected.yaml")):
        name = expected.name.removesuffix(".expected.yaml")
        found = [p for p in OWN.glob(f"{name}.*") if not p.name.endswith(".expected.yaml")]
        source = found[0]
        if source.name.endswith(".pdf.txt"):
            source = minutes_pdf(source.read_text(encoding="utf-8"), workdir / f"{name}.pdf")
        out.append(Case(name, source, expected))
    return out


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def table(title: str, cases: list[Case]) -> str:
    rows = [f"**{title}** ({len(cases)} documents)", "",
            "| kind | curated | drafted | right | recall | precision | unchanged | edited | by hand | target |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]  # fmt: skip
    for kind in KINDS:
        t = Tally()
        for case in cases:
            if case.tallies:
                t.add(case.tallies[kind])
        target = f"≥ {TARGETS[kind]:.0%} right" if kind in TARGETS else ""
        rows.append(
            f"| {kind} | {t.curated} | {t.drafted} | {pct(t.right())} | {pct(t.recall())} | {pct(t.precision())} "
            f"| {t.unchanged} | {t.edited} | {t.by_hand} | {target} |"
        )
    return "\n".join(rows)


def per_document(cases: list[Case]) -> str:
    rows = [
        "| document | input | seconds | drafted | unchanged | edited | by hand |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for case in cases:
        if case.error:
            rows.append(f"| {case.name} | {case.input.suffix} | – | {case.error} | | | |")
            continue
        totals = Tally()
        for t in case.tallies.values():
            totals.add(t)
        rows.append(
            f"| {case.name} | {case.input.suffix or 'text'} | {case.seconds:.2f} | {totals.drafted} | "
            f"{totals.unchanged} | {totals.edited} | {totals.by_hand} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument(
        "--curated", action="store_true", help="every curated file with a local copy, not only the seeds"
    )
    parser.add_argument(
        "--blind", action="store_true", help="only the blind set (benchmarks/blind_set.txt): a final check"
    )
    parser.add_argument("--pair", nargs=2, action="append", metavar=("INPUT", "CURATED"), default=[])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        groups = {
            "Seed minutes" if not args.curated else "Curated minutes with a local copy": seed_cases(
                args.data, args.curated
            ),
            "Test minutes in other councils' styles": own_cases(Path(tmp)),
        }
        if args.blind:
            groups = {"Blind set (curated by hand, never drafted first)": blind_cases(args.data)}
        if args.pair:
            groups["Given pairs"] = [Case(Path(c).stem, Path(i), Path(c)) for i, c in args.pair]
        for title, cases in groups.items():
            for case in cases:
                try:
                    run(case, args.data)
                except Exception as exc:  # noqa: BLE001 - a document that cannot be drafted is reported, not fatal
                    case.error = f"{type(exc).__name__}: {exc}"[:120]
            print(table(title, cases), end="\n\n")
            print(per_document(cases), end="\n\n")
    print("Times are one drafting per document (extract, recognise, compose; the gazetteer read apart),"
          " on a shared 2-core machine.")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
