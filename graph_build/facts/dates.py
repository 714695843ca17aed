"""Dates as sources give them: a day, a month, a year, or a range when only bounds are known."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class PartialDate:
    """A day, month or year; `precision` is 'day', 'month' or 'year'."""

    text: str
    earliest: date
    latest: date

    @property
    def precision(self) -> str:
        return {4: "year", 7: "month", 10: "day"}[len(self.text)]

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        text = str(value).strip()
        m = _PATTERN.match(text)
        if not m:
            raise ValueError(f"'{text}' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY")
        year, month, day = int(m[1]), int(m[2]) if m[2] else 0, int(m[3]) if m[3] else 0
        try:
            if day:
                d = date(year, month, day)
                return cls(text, d, d)
            if month:
                last = calendar.monthrange(year, month)[1]
                return cls(text, date(year, month, 1), date(year, month, last))
            return cls(text, date(year, 1, 1), date(year, 12, 31))
        except ValueError as exc:
            raise ValueError(f"'{text}' is not a real date ({exc})") from None


@dataclass(frozen=True)
class DateSpec:
    """A date field: exact (possibly partial) or bounded by not_before / not_after."""

    exact: PartialDate | None = None
    not_before: PartialDate | None = None
    not_after: PartialDate | None = None

    @property
    def earliest(self) -> date | None:
        if self.exact:
            return self.exact.earliest
        return self.not_before.earliest if self.not_before else None

    @property
    def latest(self) -> date | None:
        if self.exact:
            return self.exact.latest
        return self.not_after.latest if self.not_after else None

    @classmethod
    def parse(cls, value: object) -> DateSpec:
        """A date as a fact file gives it: a day, a month or a year, or a range of them.

        >>> month = DateSpec.parse("2015-06")
        >>> month.earliest, month.latest
        (datetime.date(2015, 6, 1), datetime.date(2015, 6, 30))
        >>> between = DateSpec.parse({"not_before": 2014, "not_after": "2015-03"})
        >>> between.earliest, between.latest
        (datetime.date(2014, 1, 1), datetime.date(2015, 3, 31))
        >>> DateSpec.parse("2015-02-30")
        Traceback (most recent call last):
        ...
        ValueError: ...
        """
        if isinstance(value, dict):
            unknown = set(value) - {"not_before", "not_after"}
            if unknown:
                raise ValueError(f"a date range takes only not_before and not_after, not {sorted(unknown)}")
            if not value:
                raise ValueError("a date range needs not_before or not_after")
            nb = PartialDate.parse(value["not_before"]) if value.get("not_before") is not None else None
            na = PartialDate.parse(value["not_after"]) if value.get("not_after") is not None else None
            if nb and na and na.latest < nb.earliest:
                raise ValueError(f"not_after {na.text} is before not_before {nb.text}")
            return cls(not_before=nb, not_after=na)
        return cls(exact=PartialDate.parse(value))

    def __str__(self) -> str:
        if self.exact:
            return self.exact.text
        return f"between {self.not_before.text if self.not_before else '?'} and {self.not_after.text if self.not_after else '?'}"
