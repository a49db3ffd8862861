"""QATrack+ 3.1 (Django REST Framework): the system's profile, composed from the core."""

from __future__ import annotations

from flask import Flask

from ..core import Core, SystemProfile
from . import computed, extras, respond, router  # noqa: F401  (computed registers fields)
from .admin_tokens import register_admin
from .browsable import install as install_browsable
from .data_section import apply_data, data_schema, export_data
from .errors import envelope
from .seed import credentials, seed
from .tables import define_tables


def register_routes(app: Flask) -> None:
    router.register(app)
    extras.register(app)
    respond.install(app)
    install_browsable(app)


def banner(core: Core) -> list[str]:
    return [f"  {c['username']} ({c['role']}): password {c['password']}, token {c['token']}"
            for c in credentials(core)]


profile = SystemProfile(
    name="qatrack",
    title="QATrack+",
    envelope=envelope,
    define_tables=define_tables,
    seed=seed,
    credentials=credentials,
    register_routes=register_routes,
    register_admin=register_admin,
    banner=banner,
    data_schema=data_schema,
    apply_data=apply_data,
    export_data=export_data,
)
