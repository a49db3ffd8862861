"""QATrack+ 3.1 (Django REST Framework): the system's profile, composed from the core."""

from __future__ import annotations

from flask import Flask

from ..core import Core, SystemProfile
from ..core.wirejson import python
from . import computed, extras, respond, router, session  # noqa: F401  (computed: fields)
from .access import rate_limit_error
from .admin_tokens import register_admin
from .browsable import install as install_browsable
from .data_section import apply_data, data_schema, export_data
from .deviations import DEVIATIONS
from .errors import envelope
from .seed import credentials, seed
from .tables import define_tables


def register_routes(app: Flask) -> None:
    router.register(app)
    extras.register(app)
    respond.install(app)
    install_browsable(app)
    session.register(app)


def banner(core: Core) -> list[str]:
    return [f"  {c['username']} ({c['role']}): password {c['password']}, token {c['token']}"
            for c in credentials(core)]


def docs_authorization(core: Core) -> dict[str, str]:
    """The docs page sends DRF's ``Token <key>`` of the first user who may perform QA."""
    tokens = [c["token"] for c in credentials(core) if c.get("can_perform") and c.get("token")]
    return {"tokenAuth": f"Token {tokens[0]}"} if tokens else {}


profile = SystemProfile(
    name="qatrack",
    title="QATrack+",
    envelope=envelope,
    define_tables=define_tables,
    seed=seed,
    credentials=credentials,
    register_routes=register_routes,
    wire_json=python,
    register_admin=register_admin,
    banner=banner,
    docs_authorization=docs_authorization,
    rate_limit_error=rate_limit_error,
    deviations=DEVIATIONS,
    data_schema=data_schema,
    apply_data=apply_data,
    export_data=export_data,
)
