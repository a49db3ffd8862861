"""Attachments of a call: multipart upload, search under the call, raw content."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import sqlalchemy as sa
from flask import Response, request

from ..core import ApiError, current_core
from ..core.envelopes import json_response
from .entities import ATTACHMENT, CALL
from .errors import field_errors, not_allowed
from .links import PREFIX
from .records import body_of, load
from .search import search
from .sessions import Session

MAX_NAME = 255


def search_of_call(ref: int, session: Session, segment: str) -> Response:
    with current_core().storage.connect() as connection:
        load(connection, CALL, ref, session)
    table = current_core().storage[ATTACHMENT.table]
    return search(
        ATTACHMENT, session, extra=table.c.call_ref == ref, base=f"{PREFIX}/call/{ref}/{segment}"
    )


def upload(ref: int, session: Session) -> Response:
    """``POST call/{Ref}/attachments`` with one or more files (multipart/form-data)."""
    if session.anonymous:
        raise not_allowed("Anonymous sessions are read only.")
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "NotSupported", "Send the file as multipart/form-data.")
    files = [upload for upload in request.files.values() if upload.filename]
    if not files:
        raise field_errors({"File": ["Required: attach at least one file"]})
    core = current_core()
    table = core.storage[ATTACHMENT.table]
    with core.storage.begin() as connection:
        call = load(connection, CALL, ref, session)
        if str(call.deleted).upper() == "T" or call.status == "Closed":
            raise not_allowed(f"Call {ref} is {'deleted' if call.deleted == 'T' else 'closed'}.")
        created = []
        for upload in files:
            content = upload.read()
            new_ref = connection.execute(
                table.insert().values(
                    call_ref=ref,
                    id=str(uuid.uuid4()),
                    file_name=(upload.filename or "file")[:MAX_NAME],
                    content_type=(upload.mimetype or "application/octet-stream")[:100],
                    size=len(content),
                    binary_data=content,
                    created_date=core.clock.naive_now(),
                    created_by_ref=session.person,
                )
            ).inserted_primary_key[0]
            row = connection.execute(sa.select(table).where(table.c.ref == new_ref)).one()
            created.append(body_of(connection, ATTACHMENT, row, session))
    body = created[0] if len(created) == 1 else {"results": created}
    return json_response(body, 201)


def content(ref: int, session: Session) -> Response:
    with current_core().storage.connect() as connection:
        row = load(connection, ATTACHMENT, ref, session)
    return Response(
        bytes(row.binary_data or b""),
        200,
        content_type=row.content_type or "application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.file_name or 'file')}"
        },
    )
