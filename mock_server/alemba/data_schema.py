"""JSON Schema (2020-12) of the Alemba section of a data file (see :mod:`.data_section`)."""

from __future__ import annotations

from typing import Any

from .extensions import EXTENSION_TYPES

NAME = {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,59}$"}
RECORD_NAMES = ["Partition", "Organization", "Location", "Person", "CallPriority", "IpkStatus",
                "IpkStream", "CallType", "Service", "ConfigurationItem", "CallTemplate",
                "ServiceAction"]


def schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Alemba ASM data section",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "extensionProperties": {"type": "array", "items": _extension()},
            "records": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    name: {"type": "array", "items": {"type": "object"}}
                    for name in RECORD_NAMES
                },
            },
            "apiClients": {"type": "array", "items": _client()},
            "users": {"type": "array", "items": _user()},
        },
    }


def _extension() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["entity", "name", "type"],
        "additionalProperties": False,
        "properties": {
            "entity": NAME,
            "name": NAME,
            "type": {"enum": list(EXTENSION_TYPES)},
            "length": {"type": "integer", "minimum": 1, "maximum": 4000},
            "required": {"type": "boolean"},
            "description": {"type": "string", "maxLength": 255},
        },
    }


def _client() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["clientId"],
        "additionalProperties": False,
        "properties": {
            "clientId": {"type": "string", "minLength": 1, "maxLength": 60},
            "name": {"type": "string", "maxLength": 100},
            "secret": {"type": ["string", "null"], "minLength": 1},
            "enabled": {"type": "boolean"},
            "sessionType": {"enum": ["Analyst", "User", "Any"]},
            "redirectUri": {"type": ["string", "null"], "maxLength": 200},
        },
    }


def _user() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["person", "loginId", "password"],
        "additionalProperties": False,
        "properties": {
            "person": {"type": "integer"},
            "loginId": {"type": "string", "minLength": 1, "maxLength": 30},
            "password": {"type": "string", "minLength": 1},
            "analyst": {"type": "boolean"},
            "user": {"type": "boolean"},
            "enabled": {"type": "boolean"},
            "partitions": {"type": "array", "items": {"type": "integer"}},
        },
    }
