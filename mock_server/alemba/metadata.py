"""Hypermedia metadata (AL-09..AL-13), generated from the entity descriptions.

Root metadata links every entity's ``$metadata``; entity metadata lists its
properties (exactly the AL-10 fields), children, actions and links; action
metadata (``call/$create?$options``) lists inputs with ``required`` and
``readonly`` (each omitted unless true, as the cookbook shows).
"""

from __future__ import annotations

from typing import Any

from .deviations import deviation_on
from .entities import BY_NAME, ENTITIES, children
from .links import PREFIX, action_link, metadata_link
from .relations import relations
from .schema import DISPLAY_TYPES, Action, Entity, Prop

VERB_METHODS = {
    "Search": ("GET",),
    "Get": ("GET",),
    "Create": ("POST",),
    "Update": ("PUT",),
    "Delete": ("DELETE",),
}
ACTION_METHODS = ("PUT", "POST")


def root_metadata() -> dict[str, Any]:
    return {
        "name": "Alemba API",
        "description": "A description of the API, the links at this level and the "
        "ResourceDescriptor response type.",
        "status": "GA",
        "_links": {}
        if deviation_on("AL-09")
        else {entity.name: [{"_self": metadata_link(entity)}] for entity in ENTITIES},
        "_self": f"{PREFIX}/$metadata",
    }


def property_json(prop: Prop) -> dict[str, Any]:
    """One property, with exactly the fields AL-10 lists."""
    lookup = prop.is_lookup
    described = {
        "name": prop.name,
        "displayName": prop.label,
        "type": {
            "displayTypes": ["Lookup", "Select"] if lookup else DISPLAY_TYPES[prop.data_type],
            "dataType": prop.data_type,
            "class": "Lookup" if lookup else ("Extension" if prop.extension else "Property"),
        },
        "description": prop.description,
        "usage": prop.usage,
        "isKey": prop.key,
        "noSearch": prop.no_search,
        "defaultValue": prop.default,
        "length": prop.length if prop.data_type == "Text" else None,
        "uppercase": prop.uppercase,
    }
    if deviation_on("AL-10"):
        del described["usage"]
    return described


def entity_metadata(entity: Entity) -> dict[str, Any]:
    parent = BY_NAME.get(entity.parent or "")
    lookups = {
        prop.name: [{"_self": metadata_link(BY_NAME[prop.data_type])}]
        for prop in entity.props
        if prop.is_lookup
    }
    return {
        "name": entity.name,
        "description": entity.description,
        "status": entity.status,
        "children": [{"_self": metadata_link(child)} for child in kinds(entity)],
        "properties": [property_json(prop) for prop in entity.props],
        "_actions": {name: [action_summary(entity, name)] for name in action_names(entity)},
        "_context": metadata_link(parent) if parent else f"{PREFIX}/$metadata",
        "_links": {
            **({"Search": [{"_self": f"{PREFIX}/{entity.resource}"}]} if entity.enabled else {}),
            **lookups,
        },
        "_self": metadata_link(entity),
    }


def kinds(entity: Entity) -> list[Entity]:
    return [*children(entity), *(BY_NAME[name] for name in entity.subtypes)]


def action_names(entity: Entity) -> list[str]:
    """Every action of the entity; none for a resource switched off on this system."""
    if not entity.enabled:
        return []
    return [*entity.verbs, *(action.name for action in entity.actions)]


def action_href(entity: Entity, name: str, ref: Any = "{id}") -> str:
    base = f"{PREFIX}/{entity.resource}"
    if name in ("Search", "Create"):
        return base
    if name in ("Get", "Update", "Delete"):
        return f"{base}/{ref}"
    return f"{base}/{ref}/{name.lower()}"


def methods(entity: Entity, name: str) -> list[str]:
    return list(VERB_METHODS.get(name, ACTION_METHODS))


def action_summary(entity: Entity, name: str, ref: Any = "{id}") -> dict[str, Any]:
    return {
        "_self": action_link(entity, name),
        "href": action_href(entity, name, ref),
        "methods": methods(entity, name),
    }


def find_action(entity: Entity, segment: str) -> str | None:
    """``$create``, ``$Create``, ``submit``: the action's name, if the entity has it."""
    wanted = segment.lstrip("$").lower()
    return next((name for name in action_names(entity) if name.lower() == wanted), None)


def action_metadata(entity: Entity, name: str, ref: Any = "{id}") -> dict[str, Any]:
    custom = next((a for a in entity.actions if a.name == name), None)
    return {
        "name": name,
        "description": _description(name, custom),
        "status": entity.status,
        "methods": methods(entity, name),
        "inputs": _inputs(entity, name, custom),
        "_context": metadata_link(entity),
        "_self": action_link(entity, name),
        "href": action_href(entity, name, ref),
    }


def _description(name: str, custom: Action | None) -> str:
    if custom is not None:
        return custom.description
    return {
        "Create": "Create a new record of this type",
        "Update": "Update this record",
        "Get": "Get this record",
        "Delete": "Delete this record",
        "Search": "Search records of this type",
    }[name]


def _inputs(entity: Entity, name: str, custom: Action | None) -> list[dict[str, Any]]:
    if custom is not None:
        return [
            {
                "property": f"$action.{p.name}",
                **_flags(p.required, False),
                **{k: v for k, v in property_json(p).items() if k != "name"},
            }
            for p in custom.parameters
        ]
    if name not in ("Create", "Update"):
        return []
    inputs = []
    for prop in entity.props:
        if prop.key:
            continue
        entry: dict[str, Any] = {"property": prop.name}
        required = prop.required and not prop.required_rule and name == "Create"
        entry.update(_flags(required, prop.readonly))
        linked = relations(entity.table, name, prop.name)
        if linked:
            entry["relations"] = linked
        inputs.append(entry)
    return inputs


def _flags(required: bool, readonly: bool) -> dict[str, bool]:
    out = {}
    if required:
        out["required"] = True
    if readonly:
        out["readonly"] = True
    return out
