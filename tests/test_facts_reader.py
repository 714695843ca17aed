"""Reading fact files: YAML with the line of every key and item, the schema, errors with places."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_build.errors import BuildError, FactError
from graph_build.facts.reader import field_name, parse_text, read_fact_file
from graph_build.facts.yaml_lines import LineDict, LineList, line_at, load_yaml
from tests.fixtures import GOOD_DATA, GOOD_MINUTES

SOURCE = "source:\n  id: doc-1\n  title: A document\n  kind: report\n"


def problems(text: str) -> list[FactError]:
    with pytest.raises(BuildError) as exc:
        parse_text(text, "doc.yaml")
    return exc.value.errors


def only_problem(text: str) -> FactError:
    errors = problems(text)
    assert len(errors) == 1, errors
    return errors[0]


# -- YAML with lines -------------------------------------------------------------------------


def test_yaml_keeps_the_line_of_every_key_and_item():
    raw = load_yaml("a: 1\nlist:\n  - x: 1\n    y: 2\n  - x: 3\n")
    assert isinstance(raw, LineDict) and raw.key_lines == {"a": 1, "list": 2}
    assert isinstance(raw["list"], LineList) and raw["list"].item_lines == [3, 5]
    assert raw["list"][0].key_lines == {"x": 3, "y": 4}
    assert line_at(raw, ("list", 1, "x")) == 5
    assert line_at(raw, ("list", 0, "y")) == 4
    assert line_at(raw, ("list", 0, "missing")) == 3  # the deepest node that exists


def test_yaml_keeps_flow_collections_lines():
    raw = load_yaml("a: 1\nb: {c: [x, y],\n  d: 2}\n")
    assert raw["b"].line == 2 and raw["b"].key_lines == {"c": 2, "d": 3}
    assert raw["b"]["c"].item_lines == [2, 2]


def test_yaml_dates_stay_text():
    raw = load_yaml("start: 2015-02-30\nend: 2015-05-28\nyear: 2015\n")
    assert raw["start"] == "2015-02-30" and raw["end"] == "2015-05-28"
    assert raw["year"] == 2015


def test_yaml_anchors_and_aliases_still_work():
    raw = load_yaml("a: &x {k: v}\nb: *x\n")
    assert raw["b"] == {"k": "v"}


def test_fixture_lines_point_at_their_facts():
    ff = read_fact_file(GOOD_DATA / "minutes" / GOOD_MINUTES)
    lines = (GOOD_DATA / "minutes" / GOOD_MINUTES).read_text().splitlines()

    def line_at(*loc: str | int) -> str:
        n = ff.line(*loc)
        assert n is not None, loc
        return lines[n - 1].strip()

    assert line_at("links", 1) == "- holder: testshire-pcc"
    assert line_at("links", 1, "mechanism") == "mechanism: funding"
    assert line_at("meetings", 0, "items", 0, "decisions", 1, "to") == "to: testshire-council"


# -- errors ----------------------------------------------------------------------------------


def test_a_key_given_twice_is_an_error():
    e = only_problem(SOURCE + "  kind: minutes\n")
    assert (e.line, e.field) == (5, "")
    assert "key 'kind' is given twice (first on line 4)" in e.rule


def test_broken_yaml_names_the_line():
    e = only_problem(SOURCE + "bodies:\n  - id: x\n   cite: [oops\n")
    assert e.rule.startswith("broken YAML:") and e.line is not None


def test_a_fact_file_is_a_mapping():
    e = only_problem("- just\n- a list\n")
    assert e.rule == "a fact file is a mapping with a 'source' key"


def test_a_missing_required_field_names_its_parent_line():
    e = only_problem(SOURCE + "people:\n  - id: jo\n    cite: p. 1\n")
    assert (e.line, e.field, e.rule) == (6, "people[0].name", "required field is missing")


def test_the_source_is_required():
    e = only_problem("bodies: []\n")
    assert (e.field, e.rule) == ("source", "required field is missing")


def test_an_unknown_field_suggests_the_known_one():
    errors = problems(
        SOURCE + "links:\n  - holdr: a\n    held: b\n    mechanism: funding\n    status: statutory\n"
        "    cite: p. 1\n"
    )
    unknown = next(x for x in errors if x.field == "links[0].holdr")
    assert (
        unknown.line == 6
        and unknown.rule == "unknown field 'holdr'"
        and (unknown.hint or "").startswith("did you mean 'holder'")
    )
    assert any(x.field == "links[0].holder" and x.rule == "required field is missing" for x in errors)


def test_an_unknown_top_level_section_suggests_the_known_one():
    e = only_problem(SOURCE + "membership: []\n")
    assert (e.line, e.field, e.hint) == (5, "membership", "did you mean 'memberships'?")


def test_ids_are_slugs():
    e = only_problem(SOURCE.replace("id: doc-1", "id: Doc_1"))
    assert (e.line, e.field) == (2, "source.id")
    assert e.rule == "'Doc_1' is not an id: ids are lower-case slugs like 'plymouth-csp'"


def test_urls_are_http_and_valid_iris():
    e = only_problem(SOURCE + "  url: ftp://example.org/x\n")
    assert (e.field, e.rule) == ("source.url", "'ftp://example.org/x' is not an http(s) URL")
    e = only_problem(SOURCE + "  url: https://example.org/a%zz\n")
    assert e.field == "source.url" and "is not a valid URL (Invalid IRI percent encoding" in e.rule


def test_gss_codes_are_checked():
    e = only_problem(SOURCE + "bodies:\n  - id: x\n    codes: {gss: E22 001}\n    cite: p. 1\n")
    assert (e.line, e.field) == (7, "bodies[0].codes")
    assert "'E22 001' is not a GSS code" in e.rule


def test_a_recommendation_needs_a_recipient():
    e = only_problem(
        SOURCE + "meetings:\n  - id: m\n    body: b\n    cite: p. 1\n    items:\n"
        "      - title: T\n        cite: p. 1\n        decisions:\n"
        "          - {kind: recommendation, text: Do it, cite: p. 1}\n"
    )
    assert (e.line, e.field) == (13, "meetings[0].items[0].decisions[0]")
    assert e.rule == "a recommendation needs 'to': the body it is made to"


def test_every_problem_of_a_file_is_reported():
    errors = problems(
        SOURCE + "people:\n  - id: Jo\n    name: Jo\n    cite: p. 1\n  - id: al\n    cite: p. 2\n"
    )
    assert [(e.line, e.field) for e in errors] == [(6, "people[0].id"), (9, "people[1].name")]


def test_a_file_that_is_not_utf8_names_the_line_and_column(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"source:\n  id: x\n  title: caf\xe9\n  kind: report\n")
    with pytest.raises(BuildError) as exc:
        read_fact_file(path)
    e = exc.value.errors[0]
    assert (e.line, e.rule, e.hint) == (
        3,
        "the file is not UTF-8 text (byte 0xe9 in column 13)",
        "save it as UTF-8",
    )


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(BuildError) as exc:
        read_fact_file(tmp_path / "gone.yaml")
    assert exc.value.errors[0].rule == "cannot read the file: No such file or directory"


def test_field_names_read_like_paths():
    assert field_name(("links", 3, "holder")) == "links[3].holder"
    assert field_name(("meetings", 0, "items", 2, "decisions", 1)) == "meetings[0].items[2].decisions[1]"


def test_fact_error_text_is_file_line_field_rule_hint():
    e = FactError("data/minutes/a.yaml", 12, "links[0].held", "no body has the id 'x'", "did you mean 'y'?")
    assert str(e) == "data/minutes/a.yaml:12: links[0].held: no body has the id 'x' (did you mean 'y'?)"
    assert (
        str(FactError("data", None, "", "the data folder does not exist"))
        == "data: the data folder does not exist"
    )


# -- the C parser ----------------------------------------------------------------------------


def _lines(node: object) -> object:
    """Every line mark of a parsed document, as plain data."""
    if isinstance(node, LineDict):
        return (node.line, node.key_lines, {k: _lines(v) for k, v in node.items()})
    if isinstance(node, LineList):
        return (node.line, node.item_lines, [_lines(v) for v in node])
    return node


def test_the_c_parser_keeps_the_same_lines_as_the_python_parser():
    import yaml

    from graph_build.facts import yaml_lines

    text = (GOOD_DATA / "minutes" / GOOD_MINUTES).read_text()
    fast = yaml.load(text, Loader=yaml_lines._FastLoader)
    pure = yaml.load(text, Loader=yaml_lines._Loader)
    assert _lines(fast) == _lines(pure)
    assert fast == pure


def test_the_c_parser_is_used_when_pyyaml_has_it():
    import yaml

    from graph_build.facts import yaml_lines

    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML without libyaml")
    assert issubclass(yaml_lines._FastLoader, yaml.CSafeLoader)


def test_errors_read_as_the_python_parser_words_them():
    """libyaml words errors its own way; a file it rejects is read again by the Python parser."""
    e = only_problem(SOURCE + "bodies:\n  - id: x\n    alt_names: [a, b\n    cite: p. 1\n")
    assert (
        e.rule
        == "broken YAML: expected ',' or ']', but got ':' (while parsing a flow sequence that starts on line 7)"
    )
    assert e.line == 8


def test_the_cache_parses_a_file_again_only_when_it_changes(tmp_path, monkeypatch):
    from graph_build.facts import reader

    path = tmp_path / "doc.yaml"
    path.write_text(SOURCE)
    parsed: list[Path] = []
    real = reader.read_fact_file

    def read(f: Path) -> reader.FactFile:
        parsed.append(f)
        return real(f)

    monkeypatch.setattr(reader, "read_fact_file", read)
    cache = reader.FactFileCache()
    first = cache.read(path)
    assert cache.read(path) is first and len(parsed) == 1
    path.write_text(SOURCE.replace("A document", "Another document"))
    assert cache.read(path).doc.source.title == "Another document" and len(parsed) == 2
    path.write_text(SOURCE.replace("kind: report", "kind: rumour"))
    with pytest.raises(BuildError):
        cache.read(path)  # a broken file is an error every time, never a stale copy
    with pytest.raises(BuildError):
        cache.read(path)
