"""Dates as sources give them: a day, a month, a year, or bounds."""

from __future__ import annotations

from datetime import date

import pytest

from graph_build.facts.dates import DateSpec, PartialDate


@pytest.mark.parametrize(
    "text, precision, earliest, latest",
    [
        ("2015-05-28", "day", date(2015, 5, 28), date(2015, 5, 28)),
        ("2016-02", "month", date(2016, 2, 1), date(2016, 2, 29)),
        ("2015", "year", date(2015, 1, 1), date(2015, 12, 31)),
    ],
)
def test_partial_dates_span_their_precision(text, precision, earliest, latest):
    d = PartialDate.parse(text)
    assert (d.precision, d.earliest, d.latest) == (precision, earliest, latest)


def test_a_year_may_be_a_yaml_integer():
    assert PartialDate.parse(2015).text == "2015"


@pytest.mark.parametrize(
    "text, rule",
    [
        ("2015-5", "'2015-5' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"),
        ("28/05/2015", "'28/05/2015' is not a date"),
        ("2015-02-30", "'2015-02-30' is not a real date (day is out of range for month)"),
        ("2015-13", "'2015-13' is not a real date"),
    ],
)
def test_bad_dates_say_why(text, rule):
    with pytest.raises(ValueError) as exc:
        PartialDate.parse(text)
    assert str(exc.value).startswith(rule)


def test_a_range_has_bounds():
    spec = DateSpec.parse({"not_before": "2015-05-28", "not_after": "2015-08"})
    assert (spec.earliest, spec.latest) == (date(2015, 5, 28), date(2015, 8, 31))
    assert str(spec) == "between 2015-05-28 and 2015-08"


def test_an_open_range_has_one_bound():
    spec = DateSpec.parse({"not_after": "2015"})
    assert (spec.earliest, spec.latest) == (None, date(2015, 12, 31))


@pytest.mark.parametrize(
    "value, rule",
    [
        ({}, "a date range needs not_before or not_after"),
        ({"from": "2015"}, "a date range takes only not_before and not_after, not ['from']"),
        ({"not_before": "2016", "not_after": "2015"}, "not_after 2015 is before not_before 2016"),
    ],
)
def test_bad_ranges_say_why(value, rule):
    with pytest.raises(ValueError, match=rule.replace("[", r"\[").replace("]", r"\]")):
        DateSpec.parse(value)
