"""Relations between the inputs of the Call Create action (cookbook, "Call Create
Metadata"): each a source, a target and behaviours with a ``type`` (11
CalculateHtmlTextIfNull, 14 RequiredIfNotNull, 15 Dependency, 16 ReadonlyIfNotNull,
17 RequiredIfNull) and a ``scope`` (1 client may / server does, 2 client should /
server does). The server applies the ones of scope 1 and 2 (see :mod:`.call_create`)."""

from __future__ import annotations

from typing import Any


def _relation(source: str, target: str, *behaviours: tuple[int, int | None]) -> dict[str, Any]:
    return {
        "behaviors": [
            {"type": kind} if scope is None else {"type": kind, "scope": scope}
            for kind, scope in behaviours
        ],
        "source": source,
        "target": target,
    }


CALL_CREATE: dict[str, list[dict[str, Any]]] = {
    "Description": [_relation("Description", "DescriptionHtml", (11, 1))],
    "DescriptionHtml": [_relation("DescriptionHtml", "Description", (14, 1))],
    "Template": [
        _relation("Template", "IpkStatus", (16, 2), (17, 2)),
        _relation("Template", "IpkStream", (16, 2), (17, 2)),
    ],
    "IpkStatus": [_relation("IpkStatus", "IpkStream", (14, 2))],
    "IpkStream": [_relation("IpkStream", "IpkStatus", (14, 2))],
    "Partition": [
        _relation("Partition", target, (15, None))
        for target in ("ConfigurationItem", "User", "Priority", "Service", "Location")
    ],
}


def relations(entity_table: str, action: str, prop: str) -> list[dict[str, Any]]:
    if entity_table != "calls" or action != "Create":
        return []
    return CALL_CREATE.get(prop, [])
