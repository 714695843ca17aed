"""Bad input stops the build with an error naming file, line, field and rule, and changes nothing.

Every test first builds the good fixture into a store (the `good_build` fixture), then builds a
broken variant into the same store folder, and checks the message, the exit code, and that the
old build is still `current` and still answers queries with the old data.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import Result

from graph_build.namespaces import SKOS
from graph_build.store import BuildInfo, EmbeddedStore
from tests.fixtures import ROOT, STRICT_SHAPES, Cli

CSP_NAME = "Testshire Community Safety Partnership"
NAME_QUERY = (
    f"""SELECT ?name WHERE {{ <https://w3id.org/cspkg/id/body/testshire-csp> <{SKOS.prefLabel}> ?name }}"""
)


# -- helpers ---------------------------------------------------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in a file."""
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new))


def line_of(path: Path, text: str, nth: int = 1) -> int:
    """The 1-based number of the nth line that contains `text`."""
    hits = [n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    assert len(hits) >= nth, f"{text!r} is not on {nth} line(s) of {path.name}"
    return hits[nth - 1]


def rename_csp(minutes: Path) -> None:
    """A visible change, so that a wrongly loaded bad build would show in queries."""
    edit(minutes, f"name: {CSP_NAME}\n", "name: Renamed Partnership\n")


def build(cspkg: Cli, data: Path, store: Path) -> Result:
    return cspkg("build", "--quiet", "--data", data, "--store", store)


def assert_fails(result: Result, where: str, *rule: str) -> str:
    """Exit code non-zero; stderr names the place (`file:line: field:`) and says the rule."""
    assert result.exit_code != 0
    err = result.stderr
    assert "build failed" in err
    assert where in err, err
    problem = next(line for line in err.splitlines() if where in line)
    for part in rule:
        assert part in problem, problem
    return problem


def assert_old_build_serves(store: Path, before: BuildInfo | None) -> None:
    """`current` still names the old build, which answers queries with the old data."""
    embedded = EmbeddedStore(store)
    assert embedded.build_info() == before
    current = embedded.current_path()
    assert before is not None and current is not None and current.name == before.build_id
    names = [sol["name"].value for sol in embedded.query(NAME_QUERY)]
    assert names == [CSP_NAME]
    leftovers = [p.name for p in (store / "builds").iterdir() if p.name.endswith(".partial")]
    assert leftovers == []


# -- the cases -------------------------------------------------------------------------------


def test_broken_yaml(cspkg, good_build, good_data, good_minutes, store_dir):
    rename_csp(good_minutes)
    edit(good_minutes, "alt_names: [Safer Testshire]", "alt_names: [Safer Testshire")  # unclosed '['
    opened = line_of(good_minutes, "alt_names: [Safer Testshire")
    result = build(cspkg, good_data, store_dir)
    # PyYAML finds the problem on the next key; the message also names the line of the '['
    assert_fails(
        result,
        f"{good_minutes.name}:{opened + 1}: broken YAML:",
        "expected ',' or ']'",
        f"flow sequence that starts on line {opened}",
    )
    assert_old_build_serves(store_dir, good_build)


def test_unclosed_quote_names_the_line_that_opens_it(cspkg, good_build, good_data, good_minutes, store_dir):
    rename_csp(good_minutes)
    edit(good_minutes, "  title: Testshire Community", '  title: "Testshire Community')
    opened = line_of(good_minutes, 'title: "Testshire')
    result = build(cspkg, good_data, store_dir)
    # PyYAML reads on to the next quote and stumbles far below; the hint points back at the cause
    assert_fails(
        result,
        f"{good_minutes.name}:",
        "broken YAML:",
        f"(the quote opened on line {opened} is not closed on that line)",
    )
    assert_old_build_serves(store_dir, good_build)


def test_tab_indentation_says_to_use_spaces(cspkg, good_build, good_data, good_minutes, store_dir):
    edit(good_minutes, "  - id: jo-bloggs\n", "\t- id: jo-bloggs\n")
    result = build(cspkg, good_data, store_dir)
    line = line_of(good_minutes, "\t- id: jo-bloggs")
    assert_fails(
        result,
        f"{good_minutes.name}:{line}: broken YAML: found character '\\t'",
        "(indent with spaces: YAML does not allow tabs)",
    )
    assert_old_build_serves(store_dir, good_build)


def test_a_problem_on_line_100_prints_as_line_100(cspkg, good_build, good_data, good_minutes, store_dir):
    # the terminal printer must not read ':100:' as an emoji code
    text = good_minutes.read_text()
    padding = "#\n" * (100 - line_of(good_minutes, "    held: testshire-asb-group"))
    good_minutes.write_text(padding + text.replace("    held: testshire-asb-group\n", "    held: nobody\n"))
    result = build(cspkg, good_data, store_dir)
    assert_fails(
        result, f"{good_minutes.name}:100: links[0].held: no body or initiative or person has the id 'nobody'"
    )
    assert_old_build_serves(store_dir, good_build)


def test_yaml_key_given_twice(cspkg, good_build, good_data, good_minutes, store_dir):
    edit(good_minutes, "    unit: count\n", "    unit: count\n    unit: percent\n")
    result = build(cspkg, good_data, store_dir)
    first = line_of(good_minutes, "unit: count")
    assert_fails(
        result,
        f"{good_minutes.name}:{first + 1}: broken YAML:",
        f"key 'unit' is given twice (first on line {first})",
    )
    assert_old_build_serves(store_dir, good_build)


def test_unknown_field_suggests_the_right_one(cspkg, good_build, good_data, good_minutes, store_dir):
    rename_csp(good_minutes)
    edit(good_minutes, "    area: testshire-csp\n", "    areas: testshire-csp\n")
    result = build(cspkg, good_data, store_dir)
    line = line_of(good_minutes, "areas: testshire-csp")
    assert_fails(
        result,
        f"{good_minutes.name}:{line}: observations[0].areas: unknown field 'areas'",
        "did you mean 'area'?",
    )
    assert_old_build_serves(store_dir, good_build)


def test_reference_to_unknown_id_suggests_near_matches(cspkg, good_build, good_data, good_minutes, store_dir):
    rename_csp(good_minutes)
    edit(good_minutes, "    held: testshire-asb-group\n", "    held: testshire-asb-grp\n")
    result = build(cspkg, good_data, store_dir)
    line = line_of(good_minutes, "held: testshire-asb-grp")
    assert_fails(
        result,
        f"{good_minutes.name}:{line}: links[0].held: no body or initiative or person has the id "
        "'testshire-asb-grp'",
        "did you mean 'testshire-asb-group'",
    )
    assert_old_build_serves(store_dir, good_build)


def test_reference_to_an_id_of_the_wrong_kind_says_what_it_is(
    cspkg, good_build, good_data, good_minutes, store_dir
):
    # a person where a body must be: caught when references are resolved, before SHACL
    edit(good_minutes, "    organisation: testshire-asb-group\n", "    organisation: jo-bloggs\n")
    result = build(cspkg, good_data, store_dir)
    line = line_of(good_minutes, "organisation: jo-bloggs")
    assert_fails(
        result,
        f"{good_minutes.name}:{line}: memberships[2].organisation: no body has the id 'jo-bloggs'",
        "'jo-bloggs' is the id of a person",
    )
    assert_old_build_serves(store_dir, good_build)


def test_duplicate_id_across_files(cspkg, good_build, good_data, good_minutes, store_dir):
    rename_csp(good_minutes)
    second = good_data / "minutes" / "testshire-panel-2020-04.yaml"
    second.write_text(
        "source:\n"
        "  id: testshire-panel-2020-04\n"
        "  title: Testshire panel, minutes of April 2020\n"
        "  kind: minutes\n"
        "people:\n"
        "  - id: jo-bloggs\n"
        "    name: Jo Bloggs\n"
        "    cite: item 1\n"
    )
    result = build(cspkg, good_data, store_dir)
    first = line_of(good_minutes, "- id: jo-bloggs")
    assert_fails(
        result,
        f"{second.name}:6: people[0].id: duplicate id 'jo-bloggs'",
        f"already declared at {good_minutes}:{first}",
    )
    assert_old_build_serves(store_dir, good_build)


def test_duplicate_id_of_another_kind(cspkg, good_build, good_data, good_minutes, store_dir):
    # a reference names an id, not a kind: an initiative and a person may not share one
    rename_csp(good_minutes)
    edit(good_minutes, "  - id: operation-testbed\n", "  - id: jo-bloggs\n")
    result = build(cspkg, good_data, store_dir)
    line, person = line_of(good_minutes, "- id: jo-bloggs", nth=2), line_of(good_minutes, "- id: jo-bloggs")
    assert_fails(
        result,
        f"{good_minutes.name}:{line}: initiatives[0].id: duplicate id 'jo-bloggs': "
        f"already the id of a person at {good_minutes}:{person}",
    )
    assert_old_build_serves(store_dir, good_build)


def test_duplicate_id_in_one_file(cspkg, good_build, good_data, good_minutes, store_dir):
    edit(
        good_minutes,
        "  - id: operation-testbed\n",
        "  - id: operation-testbed\n    type: Pilot\n    name: Pilot Testbed\n    cite: item 6\n"
        "  - id: operation-testbed\n",
    )
    result = build(cspkg, good_data, store_dir)
    second = line_of(good_minutes, "- id: operation-testbed", nth=2)
    assert_fails(result, f"{good_minutes.name}:{second}: initiatives[1].id: duplicate id 'operation-testbed'")
    assert_old_build_serves(store_dir, good_build)


@pytest.mark.parametrize(
    "bad, rule",
    [
        ("2019-5", "'2019-5' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"),
        ("2015-02-30", "'2015-02-30' is not a real date (day is out of range for month)"),
        ("{not_before: 2019-06, not_after: 2019-05}", "not_after 2019-05 is before not_before 2019-06"),
        ("{from: 2019}", "a date range takes only not_before and not_after, not ['from']"),
    ],
)
def test_bad_date(cspkg, good_build, good_data, good_minutes, store_dir, bad, rule):
    rename_csp(good_minutes)
    edit(good_minutes, "    start: 2019-05\n", f"    start: {bad}\n")
    result = build(cspkg, good_data, store_dir)
    line = line_of(good_minutes, f"start: {bad}")
    assert_fails(result, f"{good_minutes.name}:{line}: posts[0].start: {rule}")
    assert_old_build_serves(store_dir, good_build)


def test_end_before_a_start_known_only_as_a_range(cspkg, good_build, good_data, good_minutes, store_dir):
    rename_csp(good_minutes)
    edit(
        good_minutes,
        "    start: {not_before: 2012-11-22, not_after: 2013-04-01}\n",
        "    start: {not_before: 2012-11-22, not_after: 2013-04-01}\n    end: 2012-10\n",
    )
    result = build(cspkg, good_data, store_dir)
    line = line_of(good_minutes, "end: 2012-10")
    assert_fails(
        result,
        f"{good_minutes.name}:{line}: links[1].end: end 2012-10 is before start "
        "between 2012-11-22 and 2013-04-01",
    )
    assert_old_build_serves(store_dir, good_build)


def test_end_before_start(cspkg, good_build, good_data, good_minutes, store_dir):
    rename_csp(good_minutes)
    edit(good_minutes, "    start: 2019-05\n", "    start: 2019-05\n    end: 2018\n")
    result = build(cspkg, good_data, store_dir)
    line = line_of(good_minutes, "end: 2018")
    assert_fails(result, f"{good_minutes.name}:{line}: posts[0].end: end 2018 is before start 2019-05")
    assert_old_build_serves(store_dir, good_build)


def test_url_the_store_cannot_hold(cspkg, good_build, good_data, good_minutes, store_dir):
    # '{' passes a loose http(s) pattern but is not allowed in an IRI: caught at parse, not at load
    edit(good_minutes, "minutes-2020-03-12.pdf", "{minutes}.pdf")
    result = build(cspkg, good_data, store_dir)
    line = line_of(good_minutes, "{minutes}.pdf")
    assert_fails(
        result,
        f"{good_minutes.name}:{line}: source.url: 'https://example.org/testshire/{{minutes}}.pdf'"
        " is not a valid URL",
    )
    assert_old_build_serves(store_dir, good_build)


def test_two_agenda_items_with_one_number(cspkg, good_build, good_data, good_minutes, store_dir):
    # they would make one agenda item node with two titles: said in the curator's terms, before SHACL
    text = good_minutes.read_text()
    start = text.index('      - number: "3"\n')
    end = text.index("\nobservations:")
    item = text[start : end + 1]
    good_minutes.write_text(
        text[: end + 1] + item.replace("PCC funding", "PCC funding, again") + text[end + 1 :]
    )
    rename_csp(good_minutes)
    result = build(cspkg, good_data, store_dir)
    first, second = line_of(good_minutes, '- number: "3"'), line_of(good_minutes, '- number: "3"', nth=2)
    assert_fails(
        result,
        f"{good_minutes.name}:{second}: meetings[0].items[1].number: meeting "
        f"'testshire-csp-board-2020-03-12' has two agenda items numbered '3' (the first on line {first})",
        "give each item its number as printed",
    )
    assert_old_build_serves(store_dir, good_build)


def test_shacl_violation_of_a_stricter_shape(
    cspkg, good_build, good_data, good_minutes, store_dir, tmp_path, monkeypatch
):
    shapes = tmp_path / "shapes"
    shutil.copytree(ROOT / "shapes", shapes)
    shutil.copy(STRICT_SHAPES, shapes)
    monkeypatch.setenv("CSPKG_SHAPES_DIR", str(shapes))
    rename_csp(good_minutes)
    result = build(cspkg, good_data, store_dir)
    line = line_of(good_minutes, "- member: jo-bloggs")
    assert_fails(
        result,
        f"{good_minutes.name}:{line}: memberships[2]: SHACL: only bodies are members (test shape) "
        "[org:member, value jo-bloggs]",
        "(node <https://w3id.org/cspkg/id/membership/testshire-csp-board-2020-03/"
        "jo-bloggs--testshire-asb-group--chair>)",
    )
    assert_old_build_serves(store_dir, good_build)


def test_missing_data_folder(cspkg, good_build, tmp_path, store_dir):
    result = build(cspkg, tmp_path / "no-such-folder", store_dir)
    assert_fails(result, f"{tmp_path / 'no-such-folder'}: the data folder does not exist")
    assert_old_build_serves(store_dir, good_build)


def test_empty_data_folder(cspkg, good_build, tmp_path, store_dir):
    empty = tmp_path / "empty"
    (empty / "minutes").mkdir(parents=True)
    result = build(cspkg, empty, store_dir)
    assert_fails(
        result, f"{empty / 'minutes'}: no fact files (*.yaml) in the minutes folder: nothing to build"
    )
    assert_old_build_serves(store_dir, good_build)


def test_data_folder_without_a_minutes_folder(cspkg, good_build, tmp_path, store_dir):
    (tmp_path / "registers-only" / "registers").mkdir(parents=True)
    result = build(cspkg, tmp_path / "registers-only", store_dir)
    assert_fails(
        result,
        f"{tmp_path / 'registers-only' / 'minutes'}: the data folder has no minutes folder: nothing to build",
        "is --data the right folder?",
    )
    assert_old_build_serves(store_dir, good_build)


def test_data_folder_that_is_a_file(cspkg, good_build, tmp_path, store_dir):
    (tmp_path / "data.yaml").write_text("source: {}\n")
    result = build(cspkg, tmp_path / "data.yaml", store_dir)
    assert_fails(result, f"{tmp_path / 'data.yaml'}: the data folder is not a folder")
    assert_old_build_serves(store_dir, good_build)


def test_empty_fact_file(cspkg, good_build, good_data, store_dir):
    (good_data / "minutes" / "draft.yaml").write_text("# to do\n")
    result = build(cspkg, good_data, store_dir)
    assert_fails(result, "draft.yaml: the file is empty: a fact file is a mapping with a 'source' key")
    assert_old_build_serves(store_dir, good_build)


def test_every_problem_is_reported_at_once(cspkg, good_build, good_data, good_minutes, store_dir):
    edit(good_minutes, "    held: testshire-asb-group\n", "    held: testshire-asb-grp\n")
    edit(good_minutes, "    mechanism: funding\n", "    mechanism: fundng\n")
    edit(good_minutes, "    role: chair\n    holder: jo-bloggs\n", "    role: chiar\n    holder: jo-bloggs\n")
    result = build(cspkg, good_data, store_dir)
    assert "3 problem(s)" in result.stderr
    assert_fails(
        result,
        f"{good_minutes.name}:{line_of(good_minutes, 'mechanism: fundng')}: links[1].mechanism: "
        "unknown mechanism 'fundng'",
        "did you mean 'funding'",
    )
    assert_fails(
        result,
        f"{good_minutes.name}:{line_of(good_minutes, 'role: chiar')}: posts[0].role: unknown role 'chiar'",
        "did you mean 'chair'",
    )
    assert_old_build_serves(store_dir, good_build)


def test_subprocess_exit_code_and_message(good_build, good_data, good_minutes, store_dir):
    """The installed `cspkg` script: the same message on stderr, exit status 1."""
    import subprocess

    edit(good_minutes, "    start: 2019-05\n", "    start: 2015-02-30\n")
    proc = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "cspkg"),
            "build",
            "-q",
            "--data",
            str(good_data),
            "--store",
            str(store_dir),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    line = line_of(good_minutes, "start: 2015-02-30")
    assert f"{good_minutes.name}:{line}: posts[0].start: '2015-02-30' is not a real date" in proc.stderr
    assert_old_build_serves(store_dir, good_build)
