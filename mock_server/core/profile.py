"""What a system tells the core: its name, error style, tables, seed data and routes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask
from sqlalchemy.engine import Connection

from .deviations import Deviation
from .errors import ApiError, Envelope
from .wirejson import Encoder

if TYPE_CHECKING:
    from .app import Core


@dataclass(frozen=True)
class SystemProfile:
    name: str
    title: str
    envelope: Envelope
    define_tables: Callable[[Core], None]
    seed: Callable[[Core, Connection], None]
    credentials: Callable[[Core], list[dict[str, Any]]]
    register_routes: Callable[[Flask], None]
    #: how the real server's stack writes JSON, byte for byte (``core.wirejson``)
    wire_json: Encoder
    register_admin: Callable[[Blueprint], None] | None = None
    #: called by ``serve`` to print what a user needs to start (base path relative)
    banner: Callable[[Core], list[str]] | None = None
    #: the vendor's guide forbids cross-origin browser calls: ``serve --cors`` leaves it alone
    cross_origin_forbidden: bool = False
    #: the OpenAPI document of this world, where it depends on the data (default:
    #: the packaged ``spec/<name>.yaml``)
    openapi_document: Callable[[Core], dict[str, Any]] | None = None
    #: security scheme name -> demo credential value, to pre-authorise the docs page
    docs_authorization: Callable[[Core], dict[str, str]] | None = None
    #: every documented rule the mock can be told to break (``/__admin/deviations``)
    deviations: tuple[Deviation, ...] = ()
    #: seconds until reset -> the ApiError (with headers) the system's own rate limit raises;
    #: a 429 fault or ``Prefer: code=429`` answers with it
    rate_limit_error: Callable[[int], ApiError] | None = None
    #: field names the request journal masks on top of the core's list (see .masking)
    secret_fields: tuple[str, ...] = ()
    #: declarative data files (``core/datafile.py``): the JSON Schema (2020-12) of the
    #: system's section; apply an already schema-valid section in the caller's transaction
    #: (mode "extend" | "replace"; on "replace" the system's tables were emptied first),
    #: raising ``core.datafile.DataError(path, message)`` for semantic errors; and the
    #: current world as a section (secrets as their stored hashes), such that
    #: export -> import(replace) -> export is identical.
    data_schema: Callable[[], dict[str, Any]] | None = None
    apply_data: Callable[[Core, Connection, dict[str, Any], str], None] | None = None
    export_data: Callable[[Core, Connection], dict[str, Any]] | None = None
