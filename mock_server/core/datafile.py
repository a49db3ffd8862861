"""Declarative data files: one envelope for every system, errors that name file, line and field.

A data file (YAML or JSON) is ``{"system", "version": 1, "mode": "extend"|"replace",
"<system>": {...}}``; the section is checked against the system's own JSON Schema
(``SystemProfile.data_schema``) and applied by ``SystemProfile.apply_data`` in one
transaction. Every error, whether the text does not parse, the schema rejects it or
the system finds a semantic problem (:class:`DataError`), becomes one line
``FILE:LINE: <json path>: <message>``: the parser's node tree maps each JSON path to
the line it came from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from .datatext import DataFileError, Locator, json_path, parse_text
from .storage import advance_sequences

VERSION = 1
MODES = ("extend", "replace")
JsonPath = Sequence[str | int]


class DataError(Exception):
    """A semantic error in a section (unknown reference, duplicate name), at ``path``."""

    def __init__(self, path: JsonPath, message: str) -> None:
        super().__init__(message)
        self.path = list(path)
        self.message = message


@dataclass(frozen=True)
class Document:
    """A parsed, envelope-checked data file."""

    source: str
    system: str
    mode: str
    section: dict[str, Any]
    locate: Locator = field(repr=False, compare=False)

    def line_of(self, path: JsonPath) -> int:
        """The line of the deepest part of ``path`` the file spells out."""
        return self.locate(path)

    def error(self, path: JsonPath, message: str) -> DataFileError:
        return DataFileError(self.source, self.line_of(path), json_path(path), message)

    def digest(self) -> str:
        text = json.dumps([self.system, self.mode, self.section], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


ENVELOPE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "apidouble data file",
    "type": "object",
    "required": ["system", "version"],
    "properties": {
        "system": {"type": "string", "description": "which system the file describes"},
        "version": {"const": VERSION, "description": "the envelope's version"},
        "mode": {"enum": list(MODES), "default": "extend",
                 "description": "extend the seeded world, or replace it"},
    },
    "additionalProperties": {"type": "object",
                             "description": "the section, named after the system"},
}


def document_schema(profile: Any) -> dict[str, Any]:
    """The JSON Schema of a whole data file for ``profile``'s system (envelope + section)."""
    section = {k: v for k, v in profile.data_schema().items() if k not in ("$schema", "$id")}
    name = profile.name
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://apidouble.example/data/{name}.schema.json",
        "title": f"apidouble data file: {profile.title}",
        "type": "object",
        "required": ["system", "version", name],
        "additionalProperties": False,
        "properties": {**ENVELOPE_SCHEMA["properties"], "system": {"const": name},
                       name: section},
    }


def read_document(text: str, source: str) -> Document:
    """Parse ``text`` and check its envelope (not yet the system's section)."""
    data, locate = parse_text(text, source)
    probe = Document(source, "", "extend", {}, locate)
    _validate(probe, ENVELOPE_SCHEMA, data, ())
    system = data["system"]
    for key in data:
        if key not in ("system", "version", "mode", system):
            raise probe.error([key], f"unexpected key {key!r}: the section must be named "
                                     f"after the system ({system!r})")
    if system not in data:
        raise probe.error([], f"missing the {system!r} section")
    return Document(source, system, data.get("mode", "extend"), data[system], locate)


def read_file(path: str | Path) -> Document:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise DataFileError(str(path), 0, "$", f"cannot read the file: {reason}") from None
    return read_document(text, str(path))


def check_section(document: Document, profile: Any) -> None:
    """The section against the system's schema; the system must support data files."""
    if profile.name != document.system:
        raise document.error(["system"], f"this is the {profile.name!r} mock, "
                                         f"not {document.system!r}")
    if profile.data_schema is None or profile.apply_data is None:
        raise document.error(["system"], f"{profile.name!r} does not take data files yet")
    _validate(document, profile.data_schema(), document.section, (document.system,))


def _validate(document: Document, schema: dict[str, Any], data: Any,
              prefix: tuple[str | int, ...]) -> None:
    errors = list(Draft202012Validator(schema).iter_errors(data))
    if not errors:
        return
    placed = [(_error_path(error, prefix), error) for error in errors]
    path, error = min(placed, key=lambda item: (document.line_of(item[0]), -len(item[0])))
    raise document.error(path, _message(error))


def _error_path(error: ValidationError, prefix: tuple[str | int, ...]) -> list[str | int]:
    path = [*prefix, *error.absolute_path]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        extra = [key for key in error.instance if key not in known]
        if extra:
            path.append(extra[0])
    return path


def _message(error: ValidationError) -> str:
    if error.validator == "additionalProperties":
        return "unknown field (not in the schema)"
    if error.validator == "type":
        expected = error.validator_value
        names = expected if isinstance(expected, list) else [expected]
        return f"must be of type {' or '.join(names)}"
    if error.validator == "maxLength":
        return f"longer than {error.validator_value} characters"
    if error.validator in ("minimum", "maximum"):
        sign = ">=" if error.validator == "minimum" else "<="
        return f"must be {sign} {error.validator_value}"
    if error.validator == "enum":
        return "must be one of " + ", ".join(json.dumps(v) for v in error.validator_value)
    message = error.message
    return message if len(message) <= 200 else message[:197] + "..."


# --- applying and exporting ------------------------------------------------------------
NOW_KEY = "apidouble.data_now"


def data_now(connection: Connection) -> datetime:
    """Now, for timestamps a section leaves out (naive UTC, as stored).

    Read once by whoever opened the transaction, before it opened: reading the
    clock inside it would open a second connection (which an in-memory database
    shares with this one).
    """
    return connection.info[NOW_KEY]  # type: ignore[no-any-return]


def real_now(core: Any) -> datetime:
    """Real time on the clock's terms, for a reset (which puts the clock back)."""
    return datetime.fromtimestamp(core.clock.real_time(), UTC).replace(tzinfo=None)


def apply_section(core: Any, connection: Connection, document: Document,
                  now: datetime) -> None:
    """Apply an already checked document inside the caller's transaction."""
    connection.info[NOW_KEY] = now
    try:
        _apply(core, connection, document)
    finally:
        connection.info.pop(NOW_KEY, None)


def _apply(core: Any, connection: Connection, document: Document) -> None:
    if document.mode == "replace":
        for table in reversed(core.data_tables()):
            connection.execute(table.delete())
    try:
        core.profile.apply_data(core, connection, document.section, document.mode)
    except DataError as error:
        raise document.error([document.system, *error.path], error.message) from None
    advance_sequences(connection, core.data_tables())


def apply_document(core: Any, document: Document) -> None:
    """Check and apply one document in its own transaction (``POST /__admin/data``)."""
    check_section(document, core.profile)
    now = core.clock.naive_now()
    # Read what a request reads lazily (deviations, faults) before the transaction opens:
    # on a single-connection in-memory database a read inside it would end it.
    core.standin.snapshot()
    try:
        with core.storage.begin() as connection:
            apply_section(core, connection, document, now)
            core.storage.analyze(connection, core.data_tables())
    except DBAPIError as error:  # a constraint the section's checks do not know about
        raise document.error([document.system], "the database refused it: "
                             f"{str(error.orig).splitlines()[0]}") from None
    core.pages.clear()


def export_document(core: Any) -> dict[str, Any]:
    """The current world as a data file that recreates it (mode ``replace``)."""
    profile = core.profile
    if profile.export_data is None:
        raise ValueError(f"{profile.name!r} does not export data files yet")
    with core.storage.connect() as connection:
        section = profile.export_data(core, connection)
    return {"system": profile.name, "version": VERSION, "mode": "replace",
            profile.name: section}


def dump(document: dict[str, Any], fmt: str = "json") -> str:
    if fmt == "yaml":
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def start_documents(paths: Iterable[str | Path], profile: Any) -> tuple[Document, ...]:
    """The start files meant for ``profile``'s system, read and checked, in order."""
    found = []
    for path in paths:
        document = read_file(path)
        if document.system == profile.name:
            check_section(document, profile)
            found.append(document)
    return tuple(found)


def seed_marker(seed: int, documents: Sequence[Document]) -> str:
    """What the database was seeded with: the seed, plus the start files' digest."""
    if not documents:
        return str(seed)
    return f"{seed}+" + hashlib.sha256(
        "".join(doc.digest() for doc in documents).encode()).hexdigest()[:16]
