"""The text catalogues, read once and kept beside them like bytecode (conversations.texts.kept)."""

from __future__ import annotations

import marshal
import os
import sys
import tomllib

import pytest

from conversations.texts import kept


@pytest.fixture
def writing(monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


def _catalogue(folder, text='[cli]\nhello = "Hallo"\n'):
    source = folder / "nl.toml"
    source.write_text(text, encoding="utf-8")
    return source


def _no_parsing(monkeypatch):
    def refuse(text):
        raise AssertionError("parsed again")

    monkeypatch.setattr(tomllib, "loads", refuse)


def test_a_catalogue_read_once_is_read_from_what_was_kept(tmp_path, monkeypatch, writing):
    source = _catalogue(tmp_path)
    assert kept.read(source) == {"cli": {"hello": "Hallo"}}
    assert list((tmp_path / "__pycache__").glob("nl.toml.*.marshal"))
    _no_parsing(monkeypatch)
    assert kept.read(source) == {"cli": {"hello": "Hallo"}}


def test_a_changed_catalogue_is_read_again(tmp_path, writing):
    source = _catalogue(tmp_path)
    kept.read(source)
    source.write_text('[cli]\nhello = "Hoi"\n', encoding="utf-8")
    later = os.stat(source).st_mtime_ns + 1_000_000_000  # a second later, whatever the clock
    os.utime(source, ns=(later, later))
    assert kept.read(source) == {"cli": {"hello": "Hoi"}}


def test_a_kept_file_that_is_damaged_costs_a_parse_not_an_error(tmp_path, writing):
    source = _catalogue(tmp_path)
    kept.read(source)
    wrong_shapes = [marshal.dumps(v) for v in ({"x": 1}, 7, (1, 2, 3), (kept._stamp(source), []))]
    for damaged in (b"", b"\x00garbage", b"\xe3\x00\x00", *wrong_shapes):
        for path in (tmp_path / "__pycache__").glob("*.marshal"):
            path.write_bytes(damaged)
        kept.keep_all(tmp_path)  # make, too, reads the catalogue again rather than failing
        path.write_bytes(damaged)
        assert kept.read(source) == {"cli": {"hello": "Hallo"}}


def test_a_folder_that_cannot_be_written_costs_a_parse_not_an_error(tmp_path, writing):
    source = _catalogue(tmp_path)
    (tmp_path / "__pycache__").write_text("a file where the folder would go")
    assert kept.read(source) == {"cli": {"hello": "Hallo"}}
    assert kept.read(source) == {"cli": {"hello": "Hallo"}}


def test_without_bytecode_reading_writes_nothing_and_make_keeps_them(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    source = _catalogue(tmp_path)
    kept.read(source)
    assert not (tmp_path / "__pycache__").exists()
    kept.keep_all(tmp_path)  # what `make` does beside compileall
    _no_parsing(monkeypatch)
    assert kept.read(source) == {"cli": {"hello": "Hallo"}}
    kept.keep_all(tmp_path)  # kept already: nothing to parse


def test_the_real_catalogues_read_from_what_was_kept_are_the_catalogues(tmp_path, writing):
    from pathlib import Path

    import conversations.texts as texts

    for language in texts.LANGUAGES:
        source = tmp_path / f"{language}.toml"
        source.write_bytes((Path(texts.__file__).parent / f"{language}.toml").read_bytes())
        parsed = tomllib.loads(source.read_text("utf-8"))
        assert kept.read(source) == parsed  # parsed and kept
        assert kept.read(source) == parsed  # from what was kept
