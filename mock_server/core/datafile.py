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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

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


class DataFileError(Exception):
    """An error in a data file, already placed: ``FILE:LINE: <json path>: <message>``."""

    def __init__(self, source: str, line: int, path: str, message: str) -> None:
        super().__init__(f"{source}:{line}: {path}: {message}")
        self.source, self.line, self.path, self.message = source, line, path, message

    def as_json(self) -> dict[str, Any]:
        return {"file": self.source, "line": self.line, "path": self.path}


def json_path(path: Iterable[str | int]) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


Locator = Callable[[Sequence[str | int]], int]


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


# --- parsing ---------------------------------------------------------------------------
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10x faster


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """YAML without implicit timestamps: dates stay strings, as in JSON."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_text(text: str, source: str) -> tuple[Any, Locator]:
    """The data, and a function giving the line (1-based) of a JSON path in ``text``.

    JSON is read by the json module (fast, exact errors) and located lazily, only
    when an error needs a line; YAML's node tree is kept to locate paths.
    """
    if source.endswith(".json") or text.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(text, object_pairs_hook=_unique_pairs)
        except json.JSONDecodeError as error:
            raise DataFileError(source, error.lineno, "$", f"invalid JSON: {error.msg}") from None
        except _DuplicateKey as error:
            raise DataFileError(source, _compose(text, source).start_mark.line + 1, "$",
                                f"duplicate key {error.args[0]!r}") from None
        return data, _lazy_locator(text, source)
    node = _compose(text, source)
    loader = _Loader("")
    try:
        return loader.construct_document(node), lambda path: _line(node, path)
    finally:
        loader.dispose()


class _DuplicateKey(Exception):
    pass


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        raise _DuplicateKey(next(k for k, _ in pairs if k in seen or seen.add(k)))  # type: ignore[func-returns-value]
    return found


def _compose(text: str, source: str) -> yaml.Node:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise DataFileError(source, line, "$", f"invalid YAML: {error.problem}") from None
    finally:
        loader.dispose()
    if node is None:
        raise DataFileError(source, 1, "$", "the document is empty")
    _check_keys(node, source)
    return node


def _check_keys(node: yaml.Node, source: str) -> None:
    """Keys are plain strings and appear once per mapping (YAML would keep the last)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            keys = [k.value for k, _ in current.value]
            if len(set(keys)) != len(keys) or not all(isinstance(k, str) for k in keys):
                _key_problem(current, source)
            stack.extend(v for _, v in current.value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _key_problem(node: yaml.MappingNode, source: str) -> None:
    seen: set[str] = set()
    for key_node, _ in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise DataFileError(source, line, "$", "keys must be strings")
        if key_node.value in seen:
            raise DataFileError(source, line, "$", f"duplicate key {key_node.value!r}")
        seen.add(key_node.value)


def _lazy_locator(text: str, source: str) -> Locator:
    nodes: list[yaml.Node] = []

    def locate(path: Sequence[str | int]) -> int:
        if not nodes:
            try:
                nodes.append(_compose(text, source))
            except DataFileError:  # valid JSON that YAML 1.1 reads otherwise
                return 1
        return _line(nodes[0], path)

    return locate


def _line(node: yaml.Node, path: Sequence[str | int]) -> int:
    """The line of the deepest node of ``path`` (a mapping entry's line is its key's)."""
    line = node.start_mark.line + 1
    for part in path:
        found = None
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                and 0 <= part < len(node.value):
            found = (node.value[part], node.value[part])
        if found is None:
            break
        line, node = found[0].start_mark.line + 1, found[1]
    return line


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
    try:
        with core.storage.begin() as connection:
            apply_section(core, connection, document, now)
    except IntegrityError as error:
        raise document.error([document.system], "conflicts with existing data: "
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
