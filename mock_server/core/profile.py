"""What a system tells the core: its name, error style, tables, seed data and routes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask
from sqlalchemy.engine import Connection

from .errors import Envelope

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
    register_admin: Callable[[Blueprint], None] | None = None
    #: called by ``serve`` to print what a user needs to start (base path relative)
    banner: Callable[[Core], list[str]] | None = None
    #: declarative data files (``core/datafile.py``): the JSON Schema (2020-12) of the
    #: system's section; apply an already schema-valid section in the caller's transaction
    #: (mode "extend" | "replace"; on "replace" the system's tables were emptied first),
    #: raising ``core.datafile.DataError(path, message)`` for semantic errors; and the
    #: current world as a section (secrets as their stored hashes), such that
    #: export -> import(replace) -> export is identical.
    data_schema: Callable[[], dict[str, Any]] | None = None
    apply_data: Callable[[Core, Connection, dict[str, Any], str], None] | None = None
    export_data: Callable[[Core, Connection], dict[str, Any]] | None = None
