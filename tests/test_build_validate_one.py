"""`cspkg validate FILE`: one file checked against what the others declare, which is kept on disk
and read again only for files that changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_build import declared, pipeline
from graph_build.config import Settings
from graph_build.errors import BuildError
from graph_build.facts import reader
from graph_build.facts.reader import FactFile

DRAFT = (
    "source: {id: draft-doc, title: A draft, kind: report}\n"
    "links:\n"
    "  - {holder: home-office, held: testshire-csp, mechanism: funding, status: statutory, cite: p. 1}\n"
)


@pytest.fixture
def settings(good_data: Path, tmp_path: Path) -> Settings:
    return Settings(data_dir=good_data, cache_dir=tmp_path / "cache", workers=1)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The fact files the declaration cache parses (it parses a file only on a miss)."""
    seen: list[str] = []
    real = reader.read_fact_file

    def read(path: Path) -> FactFile:
        seen.append(path.name)
        return real(path)

    monkeypatch.setattr(declared, "read_fact_file", read)
    return seen


def draft(tmp_path: Path, text: str = DRAFT) -> Path:
    path = tmp_path / "draft.yaml"
    path.write_text(text)
    return path


def test_the_other_files_are_parsed_once_then_read_from_the_cache(settings, tmp_path, parses):
    compiled = pipeline.validate(settings, [draft(tmp_path)])
    assert [sg.source_id for sg in compiled.graphs] == ["draft-doc"]
    assert sorted(parses) == ["national.yaml", "testshire-csp-board-2020-03.yaml"]
    parses.clear()
    pipeline.validate(settings, [draft(tmp_path)])
    assert parses == []
    on_disk = declared.DeclarationCache(settings.cache_dir, settings.data_dir)  # what a new process reads
    assert {Path(k).name for k in on_disk.entries if k.endswith(".yaml")} == {
        "national.yaml",
        "testshire-csp-board-2020-03.yaml",
    }
    assert any(k.startswith("vocabulary:") for k in on_disk.entries)


def test_a_change_to_another_file_is_seen(settings, good_data, tmp_path, parses):
    pipeline.validate(settings, [draft(tmp_path)])
    register = good_data / "registers" / "national.yaml"
    register.write_text(register.read_text().replace("id: home-office", "id: the-home-office"))
    parses.clear()
    with pytest.raises(BuildError) as exc:
        pipeline.validate(settings, [draft(tmp_path)])
    assert parses == ["national.yaml"]
    assert (
        "draft.yaml:3: links[0].holder: no body or person has the id 'home-office' "
        "(did you mean 'the-home-office'?)" in str(exc.value)
    )


def test_the_file_is_checked_against_declarations_of_the_others(settings, tmp_path):
    # the same id as a person of the cached minutes: found without parsing those minutes again
    pipeline.validate(settings, [draft(tmp_path)])
    text = DRAFT + "initiatives:\n  - {id: jo-bloggs, type: Pilot, name: A pilot, cite: p. 2}\n"
    with pytest.raises(BuildError) as exc:
        pipeline.validate(settings, [draft(tmp_path, text)])
    assert "initiatives[0].id: duplicate id 'jo-bloggs': already the id of a person at " in str(exc.value)


def test_shacl_sees_the_types_of_what_the_file_refers_to(settings, tmp_path):
    # org:member must be a body or person: the register's type of home-office comes from the cache
    text = DRAFT + "memberships:\n  - {member: home-office, organisation: testshire-csp, cite: p. 2}\n"
    pipeline.validate(settings, [draft(tmp_path)])
    compiled = pipeline.validate(settings, [draft(tmp_path, text)])
    assert compiled.graphs[0].counts["Membership"] == 1


def test_a_removed_file_leaves_the_cache(settings, good_data, tmp_path):
    pipeline.validate(settings, [draft(tmp_path)])
    (good_data / "minutes" / "testshire-csp-board-2020-03.yaml").rename(tmp_path / "moved.yaml")
    (good_data / "minutes" / "other.yaml").write_text("source: {id: other, title: Other, kind: report}\n")
    with pytest.raises(BuildError) as exc:  # testshire-csp was declared only in the removed file
        pipeline.validate(settings, [draft(tmp_path)])
    assert "links[0].held: no body or initiative or person has the id 'testshire-csp'" in str(exc.value)
    cache = declared.DeclarationCache(settings.cache_dir, good_data)
    assert not any("testshire-csp-board" in key for key in cache.entries)


def test_a_broken_cache_file_is_ignored_and_written_again(settings, good_data, tmp_path, parses):
    pipeline.validate(settings, [draft(tmp_path)])
    [path] = (tmp_path / "cache").glob("declarations-*.pickle")
    path.write_bytes(b"not a pickle")
    cache = declared.DeclarationCache(settings.cache_dir, good_data)
    assert cache.entries == {}
    parses.clear()
    cache.file(good_data / "registers" / "national.yaml")
    cache.save()
    assert parses == ["national.yaml"]
    assert list(declared.DeclarationCache(settings.cache_dir, good_data).entries) == [
        str(good_data / "registers" / "national.yaml")
    ]


def test_problems_of_the_file_and_of_other_files_are_reported_together(settings, good_data, tmp_path):
    minutes = good_data / "minutes" / "testshire-csp-board-2020-03.yaml"
    minutes.write_text(minutes.read_text().replace("  - id: jo-bloggs\n", "  - id: jo-bloggs\n   oops\n"))
    with pytest.raises(BuildError) as exc:
        pipeline.validate(settings, [draft(tmp_path, DRAFT + "  - [\n")])
    assert {Path(e.file).name for e in exc.value.errors} == {"draft.yaml", "testshire-csp-board-2020-03.yaml"}
    assert all(e.rule.startswith("broken YAML") for e in exc.value.errors)
