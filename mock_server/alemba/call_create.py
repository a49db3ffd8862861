"""What creating or changing a call does beyond plain validation (cookbook, "Creating
Calls"): a ``Template`` supplies its values (IpkStatus and IpkStream become read-only,
ReadonlyIfNotNull), ``DescriptionHtml`` follows ``Description`` (CalculateHtmlTextIfNull)
and requires it (RequiredIfNotNull). Location and Organization are *not* filled from the
User: the cookbook ("Replicating behavior of Self Service") leaves that to the client.
"""

from __future__ import annotations

import html
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import current_core
from .errors import field_errors
from .sessions import Session

#: call property -> template column it takes its value from when the body leaves it out
TEMPLATE_VALUES = {
    "IpkStatus": "ipk_status_ref",
    "IpkStream": "ipk_stream_ref",
    "Type": "type_ref",
    "Priority": "priority_ref",
    "ShortDescription": "short_description",
    "Description": "description",
    "Partition": "partition_ref",
}
READONLY_WITH_TEMPLATE = ("IpkStatus", "IpkStream")
_TAG = re.compile(r"<[A-Za-z/!]")


def apply_template(connection: Connection, body: Any) -> Any:
    """The body with the template's values filled in (unknown templates are left to
    validation, which answers ``LinkedRecordNotFound``)."""
    ref = body.get("Template") if isinstance(body, dict) else None
    if isinstance(ref, bool) or not isinstance(ref, int):
        return body
    templates = current_core().storage["call_templates"]
    row = connection.execute(sa.select(templates).where(templates.c.ref == ref)).first()
    if row is None:
        return body
    values = row._mapping
    errors = {
        name: [f"Readonly: {name} is set by the Template"]
        for name in READONLY_WITH_TEMPLATE
        if body.get(name) is not None and body[name] != values[TEMPLATE_VALUES[name]]
    }
    if errors:
        raise field_errors(errors)
    out = dict(body)
    for name, column in TEMPLATE_VALUES.items():
        if out.get(name) is None and values[column] is not None:
            out[name] = values[column]
    return out


def as_html(text: str) -> str:
    """Description text as HTML: kept when it already is, else escaped in a paragraph."""
    if _TAG.search(text):
        return text
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


def description_rules(values: dict[str, Any], current: Any) -> None:
    """Keep Description and DescriptionHtml together (the Create action's relations)."""
    description = values.get("description", getattr(current, "description", None))
    if values.get("description_html") is not None and description is None:
        raise field_errors(
            {"Description": ["Required: Description must be set when DescriptionHtml is set"]}
        )
    if values.get("description") is not None and values.get("description_html") is None:
        values["description_html"] = as_html(values["description"])


def new_call(values: dict[str, Any], session: Session) -> dict[str, Any]:
    """What creating a call sets itself."""
    now = current_core().clock.naive_now()
    user = values.get("user_ref") or (None if session.analyst else session.person)
    return {
        "status": "New",
        "created_date": now,
        "actual_log_date": now.replace(microsecond=0),
        "last_action_date": now,
        "created_by_ref": session.person,
        "deleted": "F",
        "logged_date": None,
        "user_ref": user,
    }
