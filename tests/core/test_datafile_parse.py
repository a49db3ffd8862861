"""Data files: parsing and the envelope; every error names the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from apidouble.mock_server.core.datafile import DataFileError, json_path, read_document, read_file
from apidouble.mock_server.core.hashing import (
    hash_secret,
    is_password_hash,
    stored_password,
    stored_secret,
)


def error_of(text: str, source: str = "world.yaml") -> str:
    with pytest.raises(DataFileError) as caught:
        read_document(text, source)
    return str(caught.value)


def test_a_good_envelope_gives_its_section_and_defaults_to_extend() -> None:
    document = read_document("system: aliquora\nversion: 1\naliquora: {}\n", "w.yaml")
    assert (document.system, document.mode, document.section) == ("aliquora", "extend", {})


def test_dates_stay_strings_as_in_json() -> None:
    document = read_document("system: s\nversion: 1\ns: {day: 2026-10-01}\n", "w.yaml")
    assert document.section == {"day": "2026-10-01"}


@pytest.mark.parametrize(("text", "expected"), [
    ("system: aliquora\naliquora: {}\n", "world.yaml:1: $: 'version' is a required property"),
    ("system: aliquora\nversion: 1\nmode: merge\naliquora: {}\n",
     "world.yaml:3: $.mode: must be one of \"extend\", \"replace\""),
    ("system: aliquora\nversion: 2\naliquora: {}\n", "world.yaml:2: $.version: 1 was expected"),
    ("system: aliquora\nversion: 1\n", "world.yaml:1: $: missing the 'aliquora' section"),
    ("system: aliquora\nversion: 1\naliquora: {}\nqatrack: {}\n",
     "world.yaml:4: $.qatrack: unexpected key 'qatrack'"),
    ("system: aliquora\nversion: 1\naliquora: [1]\n",
     "world.yaml:3: $.aliquora: must be of type object"),
    ("system: aliquora\nversion: 1\nversion: 1\n", "world.yaml:3: $: duplicate key 'version'"),
    ("system: aliquora\nversion: [1\n", "world.yaml:3: $: invalid YAML"),
    ("", "world.yaml:1: $: the document is empty"),
])
def test_envelope_errors_name_line_and_field(text: str, expected: str) -> None:
    assert error_of(text).startswith(expected)


def test_json_errors_have_json_lines() -> None:
    text = '{\n  "system": "aliquora",\n  "version": 1,,\n}'
    assert error_of(text, "w.json").startswith("w.json:3: $: invalid JSON")
    duplicate = '{"system": "a", "version": 1, "system": "b"}'
    assert "duplicate key 'system'" in error_of(duplicate, "w.json")
    late = '{\n "system": "aliquora",\n "version": 1,\n "mode": "later",\n "aliquora": {}\n}'
    assert error_of(late, "w.json").startswith("w.json:4: $.mode:")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataFileError) as caught:
        read_file(tmp_path / "nope.yaml")
    assert str(caught.value).startswith(f"{tmp_path / 'nope.yaml'}:0: $: cannot read the file")


def test_json_path_spelling() -> None:
    assert json_path(["qatrack", "tests", 3, "type"]) == "$.qatrack.tests[3].type"


def test_secrets_are_kept_as_hashes_or_hashed() -> None:
    digest = hash_secret("lk_abc")
    assert stored_secret("sha256:" + digest) == digest
    assert stored_secret("lk_abc") == digest
    assert stored_secret("sha256:not-hex") == hash_secret("sha256:not-hex")
    hashed = stored_password("s3cret")
    assert is_password_hash(hashed) and stored_password(hashed) == hashed
    assert stored_password("!") == "!" and not is_password_hash("plain$text")
