"""Reference CSV files read with the line of every row, and checked column by column.

Every problem names the file, the line and the column: a missing column (line 1), an empty or
malformed value, a duplicate row, or a row that contradicts another ("district E07000136 is in
police force area E23000020 on line 2 but in E23000021 here").
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildError, FactError, display_path

# ONS GSS codes by geography, and other national codes, as the reference files use them
LAD_CODE = (r"[EW]0[6-9]\d{6}", "a local authority district code (E06-E09 or W06 and six digits)")
UTLA_CODE = (
    r"(E06|E08|E09|E10|W06)\d{6}",
    "an upper-tier local authority code (E06, E08, E09, E10 or W06 and six digits)",
)
CSP_CODE = (r"(E22|W14)\d{6}", "a community safety partnership code (E22 or W14 and six digits)")
PFA_CODE = (r"(E23|W15)\d{6}", "a police force area code (E23 or W15 and six digits)")
GSS_CODE = (r"[A-Z]\d{8}", "a GSS code (a letter and eight digits)")
LA_CODE = (r"[A-Z]{3,4}", "a local authority code (three or four capital letters)")
POLICE_UK_ID = (r"[a-z]+(-[a-z]+)*", "a police.uk force id (lower-case words joined by '-')")
DATE = (r"\d{4}(-\d{2}(-\d{2})?)?", "a date (YYYY-MM-DD, YYYY-MM or YYYY)")


@dataclass(frozen=True)
class Column:
    """A column a file must have: its name, and what its values must look like."""

    name: str
    pattern: tuple[str, str] | None = None  # (regex the whole value matches, what it means)
    required: bool = True  # may the value be empty?
    choices: tuple[str, ...] = ()  # the only values allowed, when given


@dataclass(frozen=True)
class Row:
    """One record and the line it starts on (the header is line 1)."""

    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]

    def get(self, column: str) -> str | None:
        return self.values.get(column) or None


@dataclass
class Table:
    """A reference file's rows, and the problems found in it so far."""

    path: str
    rows: list[Row]
    errors: list[FactError] = field(default_factory=list)

    def error(self, line: int | None, column: str, rule: str, hint: str | None = None) -> None:
        self.errors.append(FactError(self.path, line, column, rule, hint))

    def unique(self, what: str, key: Callable[[Row], object], column: str) -> None:
        """Each key once: a second row with the same key is a duplicate."""
        seen: dict[object, int] = {}
        for row in self.rows:
            k = key(row)
            if k in seen:
                self.error(row.line, column, f"duplicate {what} {_show(k)}: already on line {seen[k]}")
            else:
                seen[k] = row.line

    def functional(
        self, what: str, key: str, value: str, rule: str, rows: Iterable[Row] | None = None
    ) -> None:
        """Each value of `key` goes with one value of `value` (e.g. a district lies in one force
        area); a row that says otherwise contradicts the first row that said it."""
        first: dict[str, Row] = {}
        for row in self.rows if rows is None else rows:
            k = row[key]
            if k not in first:
                first[k] = row
            elif row[value] != first[k][value]:
                self.error(
                    row.line,
                    value,
                    f"{what} {k} has {value} '{first[k][value]}' on line {first[k].line} "
                    f"but '{row[value]}' here: {rule}",
                )

    def raise_errors(self) -> None:
        if self.errors:
            raise BuildError(self.errors)


def _show(key: object) -> str:
    return " / ".join(map(str, key)) if isinstance(key, tuple) else str(key)


def _text_of(file: Path, path: str) -> str:
    """The file's text (a byte order mark dropped); a missing or unreadable file raises."""
    try:
        return file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BuildError(
            [
                FactError(
                    path,
                    None,
                    "",
                    "the reference file is missing",
                    "data/reference/PROVENANCE.md says where each file comes from",
                )
            ]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildError([FactError(path, None, "", f"cannot read the file: {exc}")]) from None


def read_table(file: Path, columns: list[Column], keep: Callable[[Row], bool] | None = None) -> Table:
    """Read a CSV file with a header line; check the columns and every value's shape. Rows that
    `keep` rejects (e.g. councils outside England and Wales) are left out unchecked.

    Returns the table with its problems in `errors` (so that a loader can add the ones only it
    can see before raising them all); a missing file or column raises at once.
    """
    path = display_path(file)
    reader = csv.reader(io.StringIO(_text_of(file, path), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise BuildError([FactError(path, 1, "", "the file is empty: a header line is required")]) from None
    except csv.Error as exc:
        raise BuildError([FactError(path, 1, "", f"broken CSV: {exc}")]) from None
    header = [h.strip() for h in header]
    missing = [c.name for c in columns if c.name not in header]
    if missing:
        raise BuildError(
            [
                FactError(path, 1, name, f"missing column '{name}'", f"the header has: {', '.join(header)}")
                for name in missing
            ]
        )
    table = Table(path, [])
    start = reader.line_num + 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(v.strip() for v in record):
                continue  # a blank line
            if len(record) != len(header):
                table.error(
                    line, "", f"the row has {len(record)} values but the header has {len(header)} columns"
                )
                continue
            row = Row(line, {h: v.strip() for h, v in zip(header, record, strict=True)})
            if keep is not None and not keep(row):
                continue
            for column in columns:
                _check(table, row, column)
            table.rows.append(row)
    except csv.Error as exc:
        table.error(start, "", f"broken CSV: {exc}")
    return table


def _check(table: Table, row: Row, column: Column) -> None:
    value = row[column.name]
    if not value:
        if column.required:
            table.error(row.line, column.name, "the value is empty")
        return
    if column.choices and value not in column.choices:
        table.error(row.line, column.name, f"'{value}' is not one of {', '.join(column.choices)}")
    elif column.pattern and not re.fullmatch(column.pattern[0], value):
        table.error(row.line, column.name, f"'{value}' is not {column.pattern[1]}")
