"""The API at ``/alemba.api/api/v1``: one dispatcher over the entity descriptions.

``[entity]`` searches (GET) or creates (POST); ``[entity]/{Ref}`` gets, updates
(PUT) or deletes; ``[entity]/{Ref}/{action}`` runs an action (PUT or POST);
``[entity]/$metadata``, ``[entity]/$create`` and any link with ``?$options``
(or a trailing ``/$options``) describe themselves. Anything else is ``404
ResourceNotFound``; a verb the resource lacks is ``405``.
"""

from __future__ import annotations

from flask import Blueprint, request
from flask.wrappers import Response

from ..core import ApiError, current_core
from ..core.envelopes import json_response
from . import attachments, metadata, records
from .deviations import deviation_on
from .entities import BY_RESOURCE, CALL
from .errors import resource_not_found
from .extensions import extended
from .schema import Entity
from .search import search
from .sessions import Session, authenticate, current_session
from .visibility import require_reader

api = Blueprint("alemba_api", __name__, url_prefix="/alemba.api/api/v1")
#: what ``OPTIONS`` advertises per URL shape: the methods the spec documents there
ALLOW = {
    "root": "GET, HEAD, OPTIONS",
    "collection": "GET, HEAD, POST, OPTIONS",
    "describe": "GET, HEAD, OPTIONS",
    "record": "GET, HEAD, PUT, DELETE, OPTIONS",
    "attachments": "POST, OPTIONS",
    "action": "PUT, OPTIONS",
}
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]
META = ("$options", "$metadata")
ATTACHMENT_SEGMENTS = ("attachments", "attachment")


@api.before_request
def _authenticate() -> None:
    authenticate()


@api.route("", methods=[*METHODS, "OPTIONS"], provide_automatic_options=False)
@api.route("/<path:rest>", methods=[*METHODS, "OPTIONS"], provide_automatic_options=False)
def dispatch(rest: str = "") -> Response:
    segments = [segment for segment in rest.split("/") if segment]
    if request.method == "OPTIONS":
        return _options(segments)
    describe = any(name in request.args for name in META)
    if len(segments) == 1 and deviation_on("AL-12"):
        describe = False  # the search ignores the $options it does not know
    if segments and segments[-1] in META:
        describe, segments = True, segments[:-1]
    if not segments:
        _only("GET")
        return json_response(metadata.root_metadata(), 200)
    entity = BY_RESOURCE.get(segments[0])
    if entity is None or len(segments) > 3:
        raise resource_not_found(request.path)
    entity = extended(entity)
    session = current_session()
    require_reader(entity, session)
    if len(segments) == 1:
        return _collection(entity, session, describe)
    if segments[1].startswith("$"):
        if request.method == "POST" and not describe and segments[1].lower() == "$create":
            return _collection(entity, session, describe)  # POST service-order/$create
        return _action_metadata(entity, segments[1], "{id}")
    ref = records.parse_ref(segments[1])
    if ref is None:
        raise resource_not_found(request.path)
    if len(segments) == 2:
        return _record(entity, ref, session, describe)
    return _sub(entity, ref, segments[2], session, describe)


def _options(segments: list[str]) -> Response:
    """``OPTIONS``: an empty 200 whose ``Allow`` names what the URL documents."""
    if not segments or any(s in META for s in segments[-1:]) and len(segments) == 1:
        shape = "root" if not segments else "describe"
    elif len(segments) == 1:
        shape = "collection"
    elif segments[1].startswith("$") or segments[-1] in META:
        shape = "describe"
    elif len(segments) == 2:
        shape = "record"  # the template's methods; the entity's own are in its _actions
    else:
        shape = "attachments" if segments[2] in ATTACHMENT_SEGMENTS else "action"
    return Response(status=200, headers={"Allow": ALLOW[shape]})


def _only(*methods: str) -> None:
    if request.method not in methods and not (request.method == "HEAD" and "GET" in methods):
        raise ApiError(
            405,
            "NotSupported",
            f"{request.method} is not supported here.",
            headers={"Allow": ", ".join(methods)},
        )


def _verbs(entity: Entity, *names: str) -> list[str]:
    return [
        method for name in names if name in entity.verbs for method in metadata.VERB_METHODS[name]
    ]


def _collection(entity: Entity, session: Session, describe: bool) -> Response:
    if describe:
        _only("GET")
        return json_response(metadata.entity_metadata(entity), 200)
    _only(*_verbs(entity, "Search", "Create"))
    if not entity.enabled:
        raise ApiError(404, "ResourceNotFound", f"{entity.resource} is not enabled on this system.")
    if request.method == "POST":
        return records.create(entity, session)
    return search(entity, session)


def _action_metadata(entity: Entity, segment: str, ref: object) -> Response:
    _only("GET")
    if segment == "$metadata":
        return json_response(metadata.entity_metadata(entity), 200)
    name = metadata.find_action(entity, segment)
    if name is None:
        raise resource_not_found(request.path)
    return json_response(metadata.action_metadata(entity, name, ref), 200)


def _record(entity: Entity, ref: int, session: Session, describe: bool) -> Response:
    if describe:
        _only("GET")
        return _instance_metadata(entity, ref, session)
    _only(*_verbs(entity, "Get", "Update", "Delete"))
    if request.method == "PUT":
        return records.update(entity, ref, session)
    if request.method == "DELETE":
        return records.delete(entity, ref, session)
    return records.get(entity, ref, session)


def _instance_metadata(entity: Entity, ref: int, session: Session) -> Response:
    with current_core().storage.connect() as connection:
        row = records.load(connection, entity, ref, session)
        body = records.body_of(connection, entity, row, session)
    described = metadata.entity_metadata(entity)
    described.update(_context=body["_context"], _self=body["_self"], _actions=body["_actions"])
    return json_response(described, 200)


def _sub(entity: Entity, ref: int, segment: str, session: Session, describe: bool) -> Response:
    if entity.table == CALL.table and segment in ATTACHMENT_SEGMENTS:
        _only("GET", "POST")
        if request.method == "POST":
            return attachments.upload(ref, session)
        return attachments.search_of_call(ref, session, segment)
    if entity.name == "Attachment" and segment == "content":
        _only("GET")
        return attachments.content(ref, session)
    action = entity.action(segment)
    if action is None or segment != action.segment:
        raise resource_not_found(request.path)
    if describe:
        return _action_metadata(entity, f"${action.name}", ref)
    _only(*metadata.ACTION_METHODS)
    return records.act(entity, ref, action.name, session)
