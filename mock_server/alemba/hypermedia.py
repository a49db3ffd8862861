"""Links that some entities add to each search result and record (cookbook, "Choosing a
Call type"): a call template, an IPK mapping and a service action each carry a
``Create`` action naming the resource that creates a call of their kind; an IPK
mapping, whose natural key has three parts, links to itself as a search."""

from __future__ import annotations

from typing import Any

from .links import PREFIX
from .schema import Entity

TEMPLATE_HINT = (
    "The resource that should be used to create a call of this type. The Template property "
    "in the new call should be set to the Ref of this result."
)
MAPPING_HINT = (
    "The resource that should be used to create a call of this type. IpkStatus and IpkStream "
    "from this result should be set in the new call."
)
ACTION_HINT = (
    "The resource that should be used to create the call that fulfils this service action. "
    "Set ServiceOrderItem to the Ref of the service order item and Template to this result's "
    "Template."
)
MAPPINGS = ("IpkStatusStreamToType", "IpkStatusStreamTypeToType")
MAPPING_COLUMNS = ("ipk_status_ref", "ipk_stream_ref", "infra_entity_type")
INCIDENT_ENTITY_TYPE = 7


def extra_columns(entity: Entity) -> tuple[str, ...]:
    """The columns :func:`decorate` needs beyond the key."""
    return MAPPING_COLUMNS if entity.name in MAPPINGS else ()


def create_action(resource: str, hint: str) -> dict[str, Any]:
    return {
        "_self": f"{PREFIX}/{resource}/$Create",
        "href": f"{PREFIX}/{resource}",
        "description": hint,
    }


def decorate(entity: Entity, values: dict[str, Any]) -> dict[str, Any]:
    """What a result of ``entity`` adds to its ``_context``/``_self`` (may replace ``_self``)."""
    if entity.name == "CallTemplate":
        return {"_actions": {"Create": [create_action("call", TEMPLATE_HINT)]}}
    if entity.name == "ServiceAction":
        return {"_actions": {"Create": [create_action("call", ACTION_HINT)]}}
    if entity.name not in MAPPINGS:
        return {}
    status, stream, kind = (values[column] for column in MAPPING_COLUMNS)
    target = "incident" if kind == INCIDENT_ENTITY_TYPE else "call"
    condition = (
        f"IpkStatus%3d%3d{status}%26%26IpkStream%3d%3d{stream}"
        f"%26%26InfraEntityType%3d%3d{kind}"
    )
    return {
        "_self": f"{PREFIX}/{entity.resource}?$select=IpkStatus,IpkStream&$filter=({condition})",
        "_actions": {"Create": [create_action(target, MAPPING_HINT)]},
    }


def decorates(entity: Entity) -> bool:
    """Whether :func:`decorate` adds anything to results of ``entity``."""
    return entity.name in ("CallTemplate", "ServiceAction") or entity.name in MAPPINGS
