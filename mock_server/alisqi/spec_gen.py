"""``apidouble spec alisqi --data FILE``: our spec with one installation's payload schemas.

For every set, ``components/schemas/Result_<id>`` is the result object as
getResults returns it and storeResults accepts it (field names, JSON types,
selection options as an enum of labels, required fields).
"""

from __future__ import annotations

import copy
from typing import Any

from ..core import Core
from ..core.validation import load_spec
from .install_export import set_doc
from .model import load_set, set_ids, setting

TYPES: dict[str, dict[str, Any]] = {
    "number": {"oneOf": [{"type": "number"},
                         {"type": "string", "pattern": r"^(<=|>=|<|>|=)-?\d+(\.\d+)?$"}]},
    "text": {"type": "string", "maxLength": 255},
    "memo": {"type": "string"},
    "date": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\d( \d\d:\d\d:\d\d)?$"},
    "datetime": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\d( \d\d:\d\d:\d\d)?$"},
    "checkbox": {"type": "boolean"},
    "attachment": {"oneOf": [{"type": "string"}, {"type": "object", "required": ["name"]}]},
}


def field_schema(field: dict[str, Any]) -> dict[str, Any]:
    labels = [o["label"] for o in field.get("options", [])]
    if field["type"] == "selection":
        schema: dict[str, Any] = {"type": "string", "enum": labels}
    elif field["type"] == "multiselection":
        schema = {"type": "array", "items": {"type": "string", "enum": labels}}
    else:
        schema = copy.deepcopy(TYPES[field["type"]])
    return {**schema, "description": field.get("label", field["name"])}


def result_schema(set_doc: dict[str, Any]) -> dict[str, Any]:
    properties = {"date": {**TYPES["datetime"], "description": "result date (UTC)"}}
    properties.update({f["name"]: {"anyOf": [field_schema(f), {"type": "null"}]}
                       for f in set_doc["fields"]})
    return {"type": "object", "title": set_doc["name"], "properties": properties,
            "x-alisqi-set": {"id": set_doc["id"], "type": set_doc["type"],
                             "required": [f["name"] for f in set_doc["fields"]
                                          if f.get("required")]}}


def current_spec(core: Core) -> dict[str, Any]:
    """The docs page's document: our spec with this mock's own sets (the installation now)."""
    with core.storage.connect() as connection:
        sets = [load_set(core, connection, i) for i in set_ids(core, connection)]
        name = setting(core, connection, "name", "")
    section = {"name": name, "sets": [set_doc(d) for d in sets if d is not None]}
    return installation_spec(load_spec("alisqi"), section)


def installation_spec(spec: dict[str, Any], section: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(spec)
    schemas = out.setdefault("components", {}).setdefault("schemas", {})
    for described in section.get("sets", []):
        schemas[f"Result_{described['id']}"] = result_schema(described)
    name = section.get("name")
    if name:
        out["info"]["title"] = f"{out['info']['title']} ({name})"
    return out
