"""Search options (AL-14..AL-21): parsing ``$top``, ``$skip``, ``$orderby``, ``$count``,
``$inlinecount``, ``$select``, ``$partition``, ``$leftJoin``/``$innerJoin``.

Everything after a ``$`` keyword is case sensitive (AL-19): ``asc``/``desc``,
``true``/``false``, property and entity names. A bad option is a 400.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from .deviations import deviation_on
from .entities import BY_NAME
from .errors import bad_request
from .schema import Entity

INT32 = 2**31 - 1
DEFAULT_TOP = 100
OPTIONS = (
    "$top",
    "$skip",
    "$orderby",
    "$count",
    "$inlinecount",
    "$select",
    "$filter",
    "$partition",
    "$leftJoin",
    "$innerJoin",
    "$options",
    "$metadata",
)
_IGNORED = "\u200b\ufeff"
_JOIN = re.compile(r"^([A-Za-z_]\w*):([A-Za-z_]\w*)\((.*)\)$", re.DOTALL)
_CONDITION = re.compile(r"^([A-Za-z_]\w*)==?([A-Za-z_][\w.]*)$")


@dataclass(frozen=True)
class JoinSpec:
    alias: str
    entity: Entity
    conditions: list[tuple[str, tuple[str, ...]]]
    inner: bool


@dataclass
class SearchParams:
    top: int = DEFAULT_TOP
    skip: int = 0
    count: bool = False
    inline_count: bool = False
    partition: int | None = None
    select: list[str] = field(default_factory=list)
    filter: str | None = None
    orderby: list[tuple[tuple[str, ...], bool]] = field(default_factory=list)
    joins: list[JoinSpec] = field(default_factory=list)


def clean(text: str) -> str:
    return "".join(ch for ch in text if ch not in _IGNORED).strip()


def parse(args: MultiDict[str, str]) -> SearchParams:
    unknown = [key for key in args if key.startswith("$") and key not in OPTIONS]
    if unknown:
        raise bad_request(
            f"Unknown query option '{unknown[0]}' (options are case sensitive: "
            f"{', '.join(OPTIONS)}).",
            "NotSupported",
        )
    params = SearchParams()
    params.top = _integer(args, "$top", DEFAULT_TOP)
    params.skip = _integer(args, "$skip", 0)
    params.count = _boolean(args, "$count")
    params.inline_count = _boolean(args, "$inlinecount", ("allpages",))
    if args.get("$partition"):
        params.partition = _integer(args, "$partition", 0)
    params.select = [item for item in split_top(clean(args.get("$select", ""))) if item]
    text = args.get("$filter", "")
    params.filter = text if text.strip() else None
    params.orderby = [_order(item) for item in split_top(clean(args.get("$orderby", ""))) if item]
    for key, inner in (("$leftJoin", False), ("$innerJoin", True)):
        for value in args.getlist(key):
            params.joins.extend(_join(item, inner) for item in split_top(clean(value)) if item)
    return params


def split_top(text: str) -> list[str]:
    """Split at commas outside parentheses."""
    parts, depth, current = [], 0, []
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return [part for part in parts if part] if text else []


def _integer(args: MultiDict[str, str], name: str, default: int) -> int:
    raw = args.get(name)
    if raw is None or raw.strip() == "":
        return default
    raw = clean(raw)
    if not re.fullmatch(r"\+?[0-9]{1,10}", raw) or int(raw) > INT32:
        raise bad_request(f"{name} must be a positive 32-bit integer, not '{raw[:40]}'.")
    return int(raw)


def _boolean(args: MultiDict[str, str], name: str, also_true: tuple[str, ...] = ()) -> bool:
    raw = args.get(name)
    if raw is None:
        return False
    if raw in ("true", *also_true):
        return True
    if raw in ("false", "none", ""):
        return False
    raise bad_request(f"{name} must be true or false (case sensitive), not '{raw[:40]}'.")


def path_of(text: str, option: str) -> tuple[str, ...]:
    segments = tuple(text.split("."))
    if not all(re.fullmatch(r"[A-Za-z_]\w*", segment) for segment in segments):
        raise bad_request(f"{option}: '{text[:60]}' is not a property path.")
    return segments


def _order(item: str) -> tuple[tuple[str, ...], bool]:
    words = item.split()
    if len(words) == 2 and deviation_on("AL-19"):
        words[1] = words[1].lower()
    if len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
        raise bad_request(
            f"$orderby: '{item[:60]}' must be a property path, optionally "
            "followed by asc or desc (lower case)."
        )
    return path_of(words[0], "$orderby"), len(words) == 2 and words[1] == "desc"


def _join(item: str, inner: bool) -> JoinSpec:
    option = "$innerJoin" if inner else "$leftJoin"
    match = _JOIN.match(item)
    if match is None:
        raise bad_request(
            f"{option}: '{item[:60]}' must look like "
            "Alias:Entity(TargetProperty==SourceProperty && ...)."
        )
    alias, name, body = match.groups()
    entity = BY_NAME.get(name)
    if entity is None:
        raise bad_request(f"{option}: unknown entity '{name}'.", "ResourceNotFound")
    conditions = []
    for part in body.split("&&"):
        found = _CONDITION.match(re.sub(r"\s+", "", part))
        if found is None:
            raise bad_request(
                f"{option}: '{part.strip()[:60]}' must be TargetProperty==SourceProperty."
            )
        conditions.append((found.group(1), path_of(found.group(2), option)))
    return JoinSpec(alias, entity, conditions, inner)
