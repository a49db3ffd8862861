"""Hypermedia links (``api:`` media links, AL-11) and value serialization (AL-22, AL-23)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from flask import has_request_context, request

from .deviations import deviation_on
from .entities import BY_NAME, children
from .schema import Entity, Prop, flag_is_true

PREFIX = "api:v1"


def metadata_link(entity: Entity) -> str:
    return f"{PREFIX}/{entity.resource}/$metadata"


def record_link(entity: Entity, ref: Any) -> str:
    return f"{PREFIX}/{entity.resource}/{ref}"


def action_link(entity: Entity, name: str) -> str:
    return f"{PREFIX}/{entity.resource}/${name}"


def kind_of(entity: Entity, row: Any) -> Entity:
    """The most specific entity a row is: a call whose IpkStatus is Incident is an Incident,
    an asset that is a service a Service."""
    if entity.subtypes:
        return BY_NAME.get(_get(row, "asset_type"), entity)
    for child in children(entity):
        name, value = child.kind  # type: ignore[misc]
        if _get(row, child.by_name[name].column) == value:
            return child
    return entity


def links(entity: Entity, ref: Any) -> dict[str, str]:
    found = {"_context": metadata_link(entity), "_self": record_link(entity, ref)}
    if deviation_on("AL-11") and has_request_context():  # absolute URLs, not media links
        base = request.host_url.rstrip("/") + "/alemba.api/api/"
        found = {name: base + link.removeprefix("api:") for name, link in found.items()}
    return found


def dotnet_time(value: datetime | None) -> str | None:
    """``2017-01-23T12:12:41.0000000Z``: UTC with seven fractional digits, as the vendor."""
    return None if value is None else converter("DateTime")(value)


def _utc_naive(value: datetime) -> datetime:
    return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


def _dotnet_utc(value: datetime) -> str:
    return _utc_naive(value).isoformat(timespec="microseconds") + "0Z"


def _dotnet_unspecified(value: datetime) -> str:  # AL-22: DateTimeKind.Unspecified, no zone
    return _utc_naive(value).isoformat(timespec="microseconds") + "0"


def _legacy_flag(value: Any) -> bool:  # AL-23
    return str(value).upper() in ("Y", "TRUE")


def _binary(value: Any) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def converter(data_type: str, flag: bool = False) -> Callable[[Any], Any]:
    """How a non-null value of ``data_type`` is written in JSON, with this request's
    deviations already decided: searches pick one per column, then call it per row."""
    if data_type == "Boolean":
        if flag:
            return _legacy_flag if deviation_on("AL-23") else flag_is_true
        return bool
    if data_type == "DateTime":
        return _dotnet_unspecified if deviation_on("AL-22") else _dotnet_utc
    if data_type == "Binary":
        return _binary
    return _plain


def to_json(data_type: str, value: Any, flag: bool = False) -> Any:
    return None if value is None else converter(data_type, flag)(value)


def prop_json(prop: Prop, value: Any) -> Any:
    if prop.is_lookup:
        return value
    return to_json(prop.data_type, value, prop.flag is not None)


def prop_json_all(entity: Entity, values: dict[str, Any]) -> dict[str, Any]:
    return {name: prop_json(entity.by_name[name], value) for name, value in values.items()}


def record_json(entity: Entity, row: Any) -> dict[str, Any]:
    """Every property of a row (lookups as their key), then its links."""
    kind = kind_of(entity, row)
    body = {
        prop.name: prop_json(prop, _get(row, prop.column))
        for prop in kind.props
        if not prop.column.startswith("x:")  # extension values live elsewhere (.extensions)
    }
    body.update(links(kind, _get(row, kind.key.column)))
    return body


def lookup_entity(prop: Prop) -> Entity:
    return BY_NAME[prop.data_type]


def _get(row: Any, column: str) -> Any:
    mapping = getattr(row, "_mapping", row)
    return mapping[column]
