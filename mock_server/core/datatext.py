"""Reading a data file's text, YAML or JSON, so that any JSON path can be traced to its line.

JSON goes through the json module (fast, exact syntax errors) and is located only
when an error needs a line; YAML (without implicit timestamps, so dates stay strings
as in JSON) keeps its node tree for that. Both reject duplicate keys, which YAML
and JSON readers otherwise resolve silently.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import yaml

Locator = Callable[[Sequence[str | int]], int]


class DataFileError(Exception):
    """An error in a data file, already placed: ``FILE:LINE: <json path>: <message>``."""

    def __init__(self, source: str, line: int, path: str, message: str) -> None:
        super().__init__(f"{source}:{line}: {path}: {message}")
        self.source, self.line, self.path, self.message = source, line, path, message


def json_path(path: Iterable[str | int]) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


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
            _compose(text, source)  # raises with the duplicate's line
            raise DataFileError(source, 1, "$", f"duplicate key {error.args[0]!r}") from None
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
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
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
