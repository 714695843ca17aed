"""Read fact files: YAML with line numbers → validated FactDocument, or FactErrors with places."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import BuildError, FactError, display_path
from .schema import FactDocument
from .yaml_lines import LineDict, line_at, load_yaml


@dataclass(frozen=True)
class FactFile:
    """A parsed fact file: its path as shown to users, the raw YAML (with lines) and the model."""

    path: str
    raw: LineDict
    doc: FactDocument

    def line(self, *loc: str | int) -> int | None:
        return line_at(self.raw, loc)


def field_name(loc: tuple[str | int, ...]) -> str:
    """('links', 3, 'holder') → 'links[3].holder'."""
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The pydantic model that owns the last step of loc, to suggest its fields."""
    model: Any = FactDocument
    for step in loc[:-1]:
        if isinstance(step, int):
            continue
        field = model.model_fields.get(step) if hasattr(model, "model_fields") else None
        if field is None:
            return None
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        model = next((a for a in (ann, *args) if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if model is None:
            return None
    return cast(type[BaseModel], model)


def _clean_loc(loc: tuple) -> tuple[str | int, ...]:
    # pydantic adds pseudo-steps for validators of annotated/union types; keep real path steps
    return tuple(
        s for s in loc if isinstance(s, int) or not str(s).startswith(("function-", "lax-", "str", "json-"))
    )


def _translate(path: str, raw: Any, err: Mapping[str, Any]) -> FactError:
    loc = _clean_loc(err["loc"])
    line = line_at(raw, loc)
    name = field_name(loc)
    kind = err["type"]
    if kind == "extra_forbidden" and loc[-1] == DRAFT_KEY:
        return FactError(
            path,
            line,
            name,
            "unknown field 'draft'",
            "a draft (data/drafts/): check it with cspkg validate --draft",
        )
    if kind == "extra_forbidden":
        model = _model_at(loc)
        near = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=3) if model else []
        hint = f"did you mean {', '.join(repr(n) for n in near)}?" if near else None
        return FactError(path, line, name, f"unknown field '{loc[-1]}'", hint)
    if kind == "missing":
        return FactError(path, line, name, "required field is missing")
    if kind == "string_pattern_mismatch":
        if loc[-1] in ("url", "legislation"):
            return FactError(path, line, name, f"'{err['input']}' is not an http(s) URL")
        return FactError(
            path, line, name, f"'{err['input']}' is not an id: ids are lower-case slugs like 'plymouth-csp'"
        )
    msg = err["msg"].removeprefix("Value error, ")
    return FactError(path, line, name, msg)


# What PyYAML's words usually mean in a hand-written fact file.
_YAML_HINTS = (
    ("'\\t' that cannot start any token", "indent with spaces: YAML does not allow tabs"),
    ("mapping values are not allowed here", "a value that holds ': ' must be quoted"),
    ("expected <block end>", "check the indentation of this line against the lines above"),
    ("could not find expected ':'", "each line is 'key: value' or a list item '- ...'"),
    ("did not find expected key", "check the indentation of this line against the lines above"),
    ("did not find expected '-' indicator", "check the indentation of this list item"),
)
_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s:'"#][^:#]*:\s+)?(["'])(.*)$""")


def _unclosed_quote(text: str, before: int) -> int | None:
    """The first line before line `before` whose value opens a quote it does not close."""
    for number, line in enumerate(text.splitlines()[: before - 1], 1):
        m = _QUOTED_VALUE.match(line)
        if m is None:
            continue
        quote, rest = m.groups()
        rest = rest.replace("\\\\", "").replace('\\"', "") if quote == '"' else rest.replace("''", "")
        if quote not in rest:
            return number
    return None


def yaml_problem(exc: yaml.MarkedYAMLError, text: str, path: str) -> FactError:
    """A YAML syntax error in a curator's terms: the line, PyYAML's words, and what they usually mean."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    context = exc.context
    if context and exc.context_mark and exc.context_mark.line + 1 != line:
        context += f" that starts on line {exc.context_mark.line + 1}"  # e.g. an unclosed '['
    problem = str(exc.problem or exc)
    rule = f"broken YAML: {problem}" + (f" ({context})" if context else "")
    hint = next((h for words, h in _YAML_HINTS if words in problem), None)
    quote = _unclosed_quote(text, line) if line and (hint or "end of stream" in problem) else None
    if quote is not None:
        hint = f"the quote opened on line {quote} is not closed on that line"
    return FactError(path, line, "", rule, hint)


DRAFT_KEY = "draft"  # what `cspkg draft` adds to a fact file: its input, and each entry's span and confidence


def strip_draft(node: Any) -> Any:
    """Remove every `draft:` key from a parsed draft, in place (entries keep their line numbers)."""
    if isinstance(node, dict):
        node.pop(DRAFT_KEY, None)
        for value in node.values():
            strip_draft(value)
    elif isinstance(node, list):
        for value in node:
            strip_draft(value)
    return node


MAX_LITERAL = 1 << 20  # characters: no fact is stated at such length; the store and views are not made for it
MAX_DEPTH = 50  # levels of nesting: fact files use a handful


def too_deep(text: str, path: str) -> FactError:
    """Where the YAML nests deeper than MAX_DEPTH levels, found by the parser's event stream
    (which, unlike building the objects, does not recurse)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    return FactError(path, line, "", f"the YAML nests more than {MAX_DEPTH} levels deep")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:  # libyaml stops at its own depth limit, with a mark
        mark = exc.problem_mark or exc.context_mark
        return FactError(
            path, mark.line + 1 if mark else None, "", f"the YAML nests more than {MAX_DEPTH} levels deep"
        )
    except yaml.YAMLError:
        pass
    return FactError(path, None, "", f"the YAML nests more than {MAX_DEPTH} levels deep")


def oversized_literal(raw: Any, path: str) -> FactError | None:
    """The first text value longer than MAX_LITERAL characters, with its line and field."""
    pending: list[tuple[Any, int | None, str]] = [(raw, getattr(raw, "line", None), "")]
    while pending:
        node, line, where = pending.pop()
        if isinstance(node, str) and len(node) > MAX_LITERAL:
            size = len(node.encode("utf-8")) / (1 << 20)
            rule = f"a text of {size:.1f} MiB: a value holds at most {MAX_LITERAL >> 20} MiB"
            return FactError(path, line, where, rule, "state the fact in a sentence and cite the source")
        if isinstance(node, LineDict):
            pending += [
                (v, node.key_lines.get(k, line), f"{where}.{k}" if where else str(k)) for k, v in node.items()
            ]
        elif isinstance(node, list):
            lines = getattr(node, "item_lines", [])
            pending += [
                (v, lines[i] if i < len(lines) else line, f"{where}[{i}]") for i, v in enumerate(node)
            ]
    return None


def parse_text(text: str, path: str, draft: bool = False) -> FactFile:
    """Parse and check one fact file's text; raise BuildError naming every problem found.
    With `draft`, the `draft:` keys `cspkg draft` writes are accepted and dropped.

    >>> text = '''
    ... source:
    ...   id: safer-testshire-2020-03
    ...   title: Safer Testshire board, minutes of 12 March 2020
    ...   kind: minutes
    ...   date: 2020-03-12
    ... bodies:
    ...   - {id: testshire-csp, type: CommunitySafetyPartnership, name: Safer Testshire, cite: front page}
    ... '''
    >>> ff = parse_text(text, "minutes/safer-testshire-2020-03.yaml")
    >>> ff.doc.bodies[0].name, ff.line("bodies", 0, "name")  # every node keeps its line
    ('Safer Testshire', 8)
    >>> parse_text(text.replace("2020-03-12", "12 March"), "minutes/x.yaml")
    Traceback (most recent call last):
    graph_build.errors.BuildError: minutes/x.yaml:6: source.date: '12 March' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY
    >>> drafted = text.replace("front page}", "front page, draft: {span: [0, 15], confidence: 0.9}}")
    >>> parse_text(drafted, "drafts/x.yaml", draft=True).doc.bodies[0].id  # draft: keys dropped
    'testshire-csp'
    """
    try:
        raw = load_yaml(text)
    except yaml.MarkedYAMLError as exc:
        raise BuildError([yaml_problem(exc, text, path)]) from None
    except yaml.YAMLError as exc:
        raise BuildError([FactError(path, None, "", f"broken YAML: {exc}")]) from None
    except RecursionError:
        raise BuildError([too_deep(text, path)]) from None
    if len(text) > MAX_LITERAL and (oversized := oversized_literal(raw, path)) is not None:
        raise BuildError([oversized])
    if raw is None:
        raise BuildError(
            [FactError(path, None, "", "the file is empty: a fact file is a mapping with a 'source' key")]
        )
    if not isinstance(raw, LineDict):
        raise BuildError(
            [FactError(path, getattr(raw, "line", 1), "", "a fact file is a mapping with a 'source' key")]
        )
    return check_raw(strip_draft(raw) if draft else raw, path)


def check_raw(raw: LineDict, path: str) -> FactFile:
    """Validate a document given as LineDict / LineList (parsed YAML, or built by a reference
    loader with CSV line numbers); errors name `path` and the line of the offending node."""
    try:
        doc = FactDocument.model_validate(raw)
    except ValidationError as exc:
        raise BuildError([_translate(path, raw, e) for e in exc.errors()]) from None
    return FactFile(path, raw, doc)


def read_fact_file(file: Path, draft: bool = False) -> FactFile:
    """Read one fact file from disk (a draft's `draft:` keys accepted and dropped with `draft`)."""
    path = display_path(file)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise BuildError(
            [FactError(path, None, "", f"cannot read the file: {exc.strerror or exc}")]
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = data[: exc.start].count(b"\n") + 1, exc.start - data.rfind(b"\n", 0, exc.start)
        raise BuildError(
            [
                FactError(
                    path,
                    line,
                    "",
                    f"the file is not UTF-8 text (byte {data[exc.start]:#04x} in column {column})",
                    "save it as UTF-8",
                )
            ]
        ) from None
    return parse_text(text, path, draft)


class FactFileCache:
    """Parsed fact files by path and content: an unchanged file is read and hashed, not parsed.

    For repeated checks in one process (`pipeline.validate`): re-validating one changed file
    then costs a read of the others, not a parse.
    """

    def __init__(self) -> None:
        self._files: dict[str, tuple[bytes, FactFile]] = {}

    def read(self, file: Path, draft: bool = False) -> FactFile:
        path = display_path(file)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise BuildError(
                [FactError(path, None, "", f"cannot read the file: {exc.strerror or exc}")]
            ) from None
        digest = hashlib.blake2b(data, digest_size=16).digest()
        hit = self._files.get(path)
        if hit is not None and hit[0] == digest and not draft:
            return hit[1]
        ff = (
            read_fact_file(file, draft=True) if draft else read_fact_file(file)
        )  # problems are not kept: a broken file is read again next time
        if not draft:
            self._files[path] = (digest, ff)
        return ff


def read_fact_files(files: list[Path]) -> list[FactFile]:
    """Read many fact files, collecting every file's errors before failing."""
    out, errors = [], []
    for file in files:
        try:
            out.append(read_fact_file(file))
        except BuildError as exc:
            errors.extend(exc.errors)
    if errors:
        raise BuildError(errors)
    return out
