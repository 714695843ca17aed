"""A SPARQL syntax error in words, with its line and column.

The parser says where it stopped and what its grammar would have taken there: the query check's
(rdflib's grammar, api/services/query_check.py) for every query the engine cannot read, so the
same mistake is reported the same way whichever parser met it first; the engine's own (Oxigraph's)
only where that grammar reads the query. They name the rule they were in ("Expected SelectQuery"
for a missing ')', "Expected end of text" for words after a complete query) or list character
classes ("expected one of Prefix not found, ['%'], ['-' | '0' ..= '9' | '\\u{00B7}' ..."). The
position is kept; the words are made from the query's tokens (strings, IRIs and comments skipped,
with the lexer of graph_build.store.sparqltext):
- an undeclared prefix is named, with the prefixes that are declared;
- a bracket left open, or closed by the wrong one, is named with where it was opened;
- a query that does not start with SELECT, CONSTRUCT, DESCRIBE or ASK says so;
- otherwise the parser's expectations are given without the character classes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph_build.namespaces import PREFIXES
from graph_build.store.sparqltext import _TOKEN as TOKEN
from graph_build.store.sparqltext import QUERY_FORMS

_POSITION = re.compile(r"^error at (\d+):(\d+):\s*(.*)$", re.DOTALL)
_PAIRS = {"(": ")", "{": "}", "[": "]"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


@dataclass(frozen=True)
class SyntaxProblem:
    detail: str
    line: int | None = None
    column: int | None = None


def explain(query: str, message: str) -> SyntaxProblem:
    """The parser's message about `query` in words, with the line and column it names."""
    m = _POSITION.match(message.strip())
    line, column, rest = (int(m.group(1)), int(m.group(2)), m.group(3)) if m else (None, None, message)
    for check in (_undeclared_prefix, _unbalanced, _no_query_form):
        problem = check(query)
        if problem is not None:
            return problem
    where = f"line {line}, column {column}: " if line is not None else ""
    return SyntaxProblem(f"{where}{_readable(rest)}{_near(query, line, column)}", line, column)


def _tokens(query: str) -> list[tuple[str, str, int]]:
    """(kind, text, offset) of the query's tokens, brackets included as kind 'bracket'."""
    found: list[tuple[str, str, int]] = []
    at = 0
    for m in TOKEN.finditer(query):
        found.extend(("bracket", c, at + i) for i, c in enumerate(query[at : m.start()]) if c in "(){}[]")
        found.append((m.lastgroup or "", m.group(0), m.start()))
        at = m.end()
    found.extend(("bracket", c, at + i) for i, c in enumerate(query[at:]) if c in "(){}[]")
    return found


def _position(query: str, offset: int) -> tuple[int, int]:
    before = query[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _undeclared_prefix(query: str) -> SyntaxProblem | None:
    tokens = _tokens(query)
    declared = set(PREFIXES)
    for i, (kind, text, _) in enumerate(tokens):
        if (
            kind == "word"
            and text.upper() == "PREFIX"
            and i + 1 < len(tokens)
            and tokens[i + 1][0] == "pname"
        ):
            declared.add(tokens[i + 1][1].partition(":")[0])
    for kind, text, offset in tokens:
        prefix = text.partition(":")[0]
        if kind == "pname" and prefix not in declared:
            line, column = _position(query, offset)
            return SyntaxProblem(
                f"line {line}, column {column}: prefix {prefix}: is not declared (in {text}); declare it "
                f"with PREFIX {prefix}: <...> before the query. Declared for you: "
                + ", ".join(f"{p}:" for p in sorted(PREFIXES)),
                line,
                column,
            )
    return None


def _unbalanced(query: str) -> SyntaxProblem | None:
    """The first bracket closed by the wrong one, left open, or closing nothing."""
    stack: list[tuple[str, int]] = []
    for kind, char, offset in _tokens(query):
        if kind != "bracket":
            continue
        if char in _PAIRS:
            stack.append((char, offset))
            continue
        line, column = _position(query, offset)
        if not stack:
            return SyntaxProblem(f"line {line}, column {column}: '{char}' closes nothing", line, column)
        opener, opened_at = stack.pop()
        if _PAIRS[opener] != char:
            o_line, o_column = _position(query, opened_at)
            return SyntaxProblem(
                f"line {line}, column {column}: a '{_PAIRS[opener]}' is missing: the '{opener}' opened at "
                f"line {o_line}, column {o_column} is not closed before this '{char}'",
                line,
                column,
            )
    if stack:
        opener, opened_at = stack[-1]
        line, column = _position(query, opened_at)
        return SyntaxProblem(
            f"line {line}, column {column}: a '{_PAIRS[opener]}' is missing: the '{opener}' opened here "
            "is never closed",
            line,
            column,
        )
    return None


def _no_query_form(query: str) -> SyntaxProblem | None:
    """The first word after the prologue (PREFIX / BASE declarations), if not a query form."""
    tokens = [t for t in _tokens(query) if t[0] not in ("comment", "bracket")]
    i = 0
    while i < len(tokens) and tokens[i][0] == "word" and tokens[i][1].upper() in ("PREFIX", "BASE"):
        i += 3 if tokens[i][1].upper() == "PREFIX" else 2
    if i >= len(tokens) or tokens[i][1].upper() in QUERY_FORMS:
        return None
    line, column = _position(query, tokens[i][2])
    return SyntaxProblem(
        f"line {line}, column {column}: a query starts with SELECT, CONSTRUCT, DESCRIBE or ASK "
        f"(after any PREFIX and BASE), not {tokens[i][1]!r}",
        line,
        column,
    )


def _readable(rest: str) -> str:
    """The parser's words without its character classes ("['A' ..= 'Z' | ...]") or the names of
    its grammar rules ("Expected SelectQuery": it could not read on from there)."""
    if rest.strip() == "Expected end of text":
        return (
            "the query is complete before this: after its WHERE clause only GROUP BY, HAVING, "
            "ORDER BY, LIMIT, OFFSET and VALUES may follow"
        )
    if re.fullmatch(r"Expected [A-Z][A-Za-z]+", rest.strip()):
        return "the query cannot be read on from here (a pattern, an expression or a keyword is incomplete)"
    if not rest.lower().startswith("expected one of"):
        return rest.strip()
    alternatives = re.sub(r"\[[^\]]*\]", "", rest[len("expected one of") :])
    named = [a.strip() for a in alternatives.split(",") if a.strip() and a.strip() != "|"]
    return ("expected " + " or ".join(dict.fromkeys(named))) if named else "unexpected character"


def _near(query: str, line: int | None, column: int | None) -> str:
    if line is None or column is None:
        return ""
    lines = query.splitlines() or [""]
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    snippet = text[max(column - 1, 0) : column + 19].strip()
    return f" (at: {snippet!r})" if snippet else " (at the end of the line)"
