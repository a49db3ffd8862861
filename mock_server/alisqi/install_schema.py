"""The JSON Schema (2020-12) of the ``alisqi`` section of a data file."""

from __future__ import annotations

from typing import Any

FIELD_TYPES = ["number", "text", "memo", "date", "datetime", "selection", "multiselection",
               "checkbox", "attachment"]
ID = {"type": "integer", "minimum": 1, "maximum": 2147483647}
NAME = {"type": "string", "minLength": 1, "maxLength": 200}
WHEN = {"type": "string", "minLength": 10, "maxLength": 40}


def _field() -> dict[str, Any]:
    return {
        "type": "object", "required": ["name", "type"], "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_]{0,99}$"},
            "label": NAME, "type": {"enum": FIELD_TYPES}, "required": {"type": "boolean"},
            "active": {"type": "boolean"},
            "decimals": {"type": "integer", "minimum": 0, "maximum": 10},
            "unit": {"type": "string", "maxLength": 50}, "listId": ID,
            "options": {"type": "array", "items": {
                "type": "object", "required": ["id", "label"], "additionalProperties": False,
                "properties": {"id": ID, "label": NAME}}},
        },
    }


def _set() -> dict[str, Any]:
    return {
        "type": "object", "required": ["id", "name", "type", "groupId", "fields"],
        "additionalProperties": False,
        "properties": {"id": ID, "name": NAME, "type": {"enum": ["analysis", "list"]},
                       "groupId": ID, "indexField": {"type": "string"},
                       "fields": {"type": "array", "items": _field()}},
    }


def _people() -> dict[str, Any]:
    level = {"enum": ["read", "write"]}
    return {
        "userGroups": {"type": "array", "items": {
            "type": "object", "required": ["id", "name"], "additionalProperties": False,
            "properties": {"id": ID, "name": NAME, "permissions": {
                "type": "object", "propertyNames": {"pattern": "^[1-9][0-9]{0,9}$"},
                "additionalProperties": level}}}},
        "users": {"type": "array", "items": {
            "type": "object", "required": ["id", "name", "groupId"],
            "additionalProperties": False,
            "properties": {"id": ID, "name": NAME, "groupId": ID, "active": {"type": "boolean"}}}},
        "tokens": {"type": "array", "items": {
            "type": "object", "required": ["userId", "name"], "additionalProperties": False,
            "properties": {
                "id": ID, "userId": ID, "name": NAME,
                "token": {"type": "string", "minLength": 16, "maxLength": 200},
                "tokenHash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                "tokenPrefix": {"type": "string", "maxLength": 20},
                "ipWhitelist": {"type": "array", "items": {"type": "string", "maxLength": 50}},
                "createdAt": WHEN, "revokedAt": WHEN}}},
    }


def _data() -> dict[str, Any]:
    limits = {"type": "object", "additionalProperties": False, "properties": {
        k: {"type": ["number", "null"]} for k in ("lsl", "target", "usl")}}
    return {
        "specifications": {"type": "array", "items": {
            "type": "object", "required": ["setId", "indexValue", "startDateTime", "specs"],
            "additionalProperties": False,
            "properties": {"setId": ID, "indexValue": NAME, "startDateTime": WHEN,
                           "reason": {"type": "string"},
                           "specs": {"type": "object", "additionalProperties": limits}}}},
        "results": {"type": "array", "items": {
            "type": "object", "required": ["setId", "values"], "additionalProperties": False,
            "properties": {"id": ID, "setId": ID, "values": {"type": "object"},
                           "modifiedAt": WHEN}}},
    }


def data_schema() -> dict[str, Any]:
    """Sets, lists, fields, users, groups, permissions, tokens, specifications, results."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "AlisQI installation", "type": "object", "additionalProperties": False,
        "properties": {
            "name": NAME, "rateLimit": {"type": "integer", "minimum": 1, "maximum": 100000},
            "menuGroups": {"type": "array", "items": {
                "type": "object", "required": ["id", "name"], "additionalProperties": False,
                "properties": {"id": ID, "name": NAME, "topLevelMenu": {"type": "string"}}}},
            "sets": {"type": "array", "items": _set()},
            **_people(), **_data(),
        },
    }
