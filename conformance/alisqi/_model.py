"""The target's installation as the suite understands it: sets, fields, valid payloads.

AlisQI's data model is user defined, so the suite reads the target's own
definitions. It understands a definition that lists ``fields`` as objects
with ``name`` and ``type`` (our documented shape, and any close variant);
for other shapes, the identities ``set``, ``key_field`` and ``number_field``
tell it what it may use, and what it cannot infer is "not checkable".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from ..target import Target
from ._client import AlisQI, json_of

TYPES = ("number", "text", "memo", "date", "datetime", "selection", "multiselection",
         "checkbox", "attachment")


@dataclass
class FieldInfo:
    name: str
    type: str
    required: bool = False
    options: list[str] = field(default_factory=list)


@dataclass
class SetInfo:
    id: str
    kind: str | None  # "analysis" | "list" | None when the target does not say
    fields: dict[str, FieldInfo]
    index_field: str | None = None

    def of_type(self, kind: str) -> list[FieldInfo]:
        return [f for f in self.fields.values() if f.type == kind]


def _options(raw: Any) -> list[str]:
    if not isinstance(raw, list):
        return []
    return [str(o.get("label")) if isinstance(o, dict) else str(o) for o in raw
            if isinstance(o, dict | str) and (not isinstance(o, dict) or "label" in o)]


def understand(set_id: str, body: Any) -> SetInfo | None:
    """A definition we can read (fields with name and type), else None."""
    if not isinstance(body, dict) or not isinstance(body.get("fields"), list):
        return None
    fields = {}
    for item in body["fields"]:
        if isinstance(item, dict) and isinstance(item.get("name"), str) \
                and item.get("type") in TYPES and item["name"] != "date":
            fields[item["name"]] = FieldInfo(item["name"], item["type"],
                                             bool(item.get("required")),
                                             _options(item.get("options")))
    kind = body.get("type") if body.get("type") in ("analysis", "list") else None
    index = body.get("indexField") if isinstance(body.get("indexField"), str) else None
    return SetInfo(set_id, kind, fields, index) if fields else None


def all_sets(api: AlisQI) -> list[dict[str, Any]]:
    """getAllSets for the default groups and the selection lists."""
    found: dict[str, dict[str, Any]] = {}
    for params in ({}, {"groups": "Selection lists"}):
        body = json_of(api.get("getAllSets", **params))
        for item in body if isinstance(body, list) else []:
            if isinstance(item, dict) and item.get("id") is not None:
                found.setdefault(str(item["id"]), item)
    return list(found.values())


def definition(api: AlisQI, set_id: str) -> SetInfo | None:
    return understand(set_id, json_of(api.get("getSetDefinition", setId=set_id)))


@dataclass
class Installation:
    """The sets this run may use, discovered once per worker."""

    target: Target
    analysis: SetInfo | None
    selection_list: str | None
    sets: list[dict[str, Any]]

    @classmethod
    def discover(cls, api: AlisQI, target: Target) -> Installation:
        sets = all_sets(api)
        chosen = target.credentials.get("set")
        analysis = definition(api, chosen) if chosen else None
        if chosen is None:
            for item in sets:
                info = definition(api, str(item["id"]))
                if info and info.kind == "analysis" and info.of_type("number") \
                        and info.of_type("text") and info.index_field:
                    analysis = info
                    break
        listed = target.credentials.get("list") or next(
            (str(s["id"]) for s in sets if s.get("type") == "list"), None)
        return cls(target, analysis, listed, sets)

    def need_set(self) -> SetInfo:
        if self.analysis is None:
            pytest.skip("not checkable: no analysis set whose definition this suite can read "
                        "(give --identity set=... with key_field and number_field)")
        return self.analysis

    def need_field(self, kind: str, identity: str) -> str:
        info = self.need_set()
        given = self.target.credentials.get(identity)
        if given:
            return given
        candidates = [f.name for f in info.of_type(kind)]
        if not candidates:
            pytest.skip(f"not checkable: set {info.id} has no {kind} field "
                        f"(give --identity {identity}=...)")
        return candidates[0]

    def need_list(self) -> str:
        if self.selection_list is None:
            pytest.skip("not checkable: no selection list found (give --identity list=...)")
        return self.selection_list


SAMPLES: dict[str, Any] = {"number": 1.5, "text": "apidouble", "memo": "apidouble memo",
                           "date": "2026-01-02", "datetime": "2026-01-02 03:04:05",
                           "checkbox": True, "attachment": "apidouble.pdf"}


def valid_result(info: SetInfo, **values: Any) -> dict[str, Any]:
    """A result that fits ``info``: every required field filled, then ``values``."""
    out: dict[str, Any] = {}
    for f in info.fields.values():
        if not f.required:
            continue
        if f.type in ("selection", "multiselection"):
            if not f.options:
                pytest.skip(f"not checkable: required selection field {f.name} lists no options")
            out[f.name] = f.options[0] if f.type == "selection" else [f.options[0]]
        else:
            out[f.name] = SAMPLES[f.type]
    out.update(values)
    return out
