"""QATrack+'s section of a data file: a site's QA configuration, people and tokens.

Collections are named and shaped as the API serves them (``units``, ``tests``,
``testlists``, ``unittestcollections``, ... with DRF's field names), derived from
the resource descriptions (``registry.RESOURCES``). A relation is an id or the
target's natural key (a slug, a name, a username). As in QATrack+, assigning a test
list or cycle to a unit creates the unit's ``unittestinfos`` for its tests; declare
one yourself to give a test its reference and tolerance on that unit. Performed QA
(test list instances), the service log, parts and faults are not part of the
section: ``replace`` empties them. Tokens are a plain 40-hex key or its hash.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...fixtures import qatrack as fixture_data
from ..core import Core
from ..core.datafile import DataError, data_now
from ..core.datarecords import (
    NOW,
    Collection,
    Importer,
    Prop,
    convert_in,
    export,
    record_schema,
    section_schema,
)
from ..core.hashing import exported_secret, hash_secret, stored_secret
from ..core.timefmt import iso_ms
from . import evaluation as ev
from . import tokens as drf_tokens
from .model import Field, Resource
from .registry import RESOURCES
from .seed import _permissions
from .tables import through

#: section key -> (resource, natural key column, natural key unique, required fields)
SHAPES: dict[str, tuple[str, str, bool, tuple[str, ...]]] = {
    "groups": ("auth/groups", "name", True, ("name",)),
    "users": ("auth/users", "username", True, ("username",)),
    "sites": ("units/sites", "slug", True, ("name", "slug")),
    "vendors": ("units/vendors", "name", True, ("name",)),
    "unitclasses": ("units/unitclasses", "name", True, ("name",)),
    "unittypes": ("units/unittypes", "name", True, ("name",)),
    "modalities": ("units/modalities", "name", True, ("name",)),
    "units": ("units/units", "name", True, ("number", "name")),
    "categories": ("qa/categories", "slug", True, ("name", "slug")),
    "frequencies": ("qa/frequencies", "slug", True, ("name", "slug", "nominal_interval",
                                                  "due_interval", "overdue_interval")),
    "references": ("qa/references", "name", False, ("type", "value")),
    "tolerances": ("qa/tolerances", "name", True, ("name", "type")),
    "tests": ("qa/tests", "slug", True, ("name", "slug", "type")),
    "testlists": ("qa/testlists", "slug", True, ("name", "slug")),
    "sublists": ("qa/sublists", "", False, ("parent", "child")),
    "testlistcycles": ("qa/testlistcycles", "slug", True, ("name", "slug")),
    "unittestinfos": ("qa/unittestinfos", "", False, ("unit", "test")),
    "unittestcollections": ("qa/unittestcollections", "", False, ("unit",)),
}
KEY_OF = {shape[0]: key for key, shape in SHAPES.items()}
#: tables a real install gets from its migrations; ``replace`` restores them
BUILTIN = ("contenttypes", "testinstancestatus", "autoreviewrules", "autoreviewrulesets",
           "autoreviewrulesets_rules")
ORDERED = {"testlistmemberships": "order", "testlistcyclememberships": "order"}
SKIPPED = {"last_instance", "content_type", "object_id"}  # history / derived on import
ENUMS = {("tests", "type"): tuple(sorted(ev.TEST_TYPES)),
         ("references", "type"): ("numerical", "boolean"),
         ("tolerances", "type"): ("absolute", "percent", "multchoice", "boolean")}
KINDS = {"str": "string", "text": "string", "int": "integer", "float": "number",
         "bool": "boolean", "date": "date", "datetime": "datetime"}


def _prop(key: str, resource: Resource, field: Field, required: tuple[str, ...]) -> Prop | None:
    if field.kind == "computed" or field.name in SKIPPED or (
            field.hidden and field.name not in ("test_list", "test_list_cycle", "password")):
        return None
    default = NOW if field.auto in ("now", "touch") or field.name == "date_joined" \
        else field.default
    required_ = field.name in required
    if field.name == "password":
        return Prop("password", "password", default="!",
                    description="a plain password, or its stored hash ('!': none)")
    if field.kind in ("link", "links"):
        target = KEY_OF.get(field.target)
        if target is None:
            return None
        if field.kind == "link":
            return Prop(field.name, "ref", field.column, required_, default, target=target)
        table, source, column = through(resource, field)
        return Prop(field.name, "refs", target=target, through=(table, source, column),
                    order=ORDERED.get(table, ""))
    return Prop(field.name, KINDS[field.kind], field.column, required_, default,
                enum=ENUMS.get((key, field.name), ()),
                max_length=field.max_length if field.kind == "str" else None)


def _collection(key: str) -> Collection:
    name, natural, unique, required = SHAPES[key]
    resource = RESOURCES[name]
    props = [p for p in (_prop(key, resource, f, required) for f in resource.fields) if p]
    if key == "groups":
        props.append(Prop("permissions", "values", through=("group_permissions", "group_id",
                                                            "codename"),
                          description="permission codenames, e.g. add_testlistinstance"))
    hooks = {"tests": _check_test, "unittestcollections": _complete_utc,
             "unittestinfos": _check_uti}
    return Collection(key, resource.table, tuple(props), natural=natural, unique=unique,
                      description=f"as /api/.../{resource.name}/ serves them",
                      complete=hooks.get(key))


def _check_test(importer: Importer, record: dict[str, Any], row: dict[str, Any],
                path: list[str | int]) -> None:
    kind = row["type"]
    if kind in ev.CALCULATED_TYPES and not (row["calculation_procedure"] or "").strip():
        raise DataError([*path, "calculation_procedure"],
                        f"a {kind} test needs a calculation_procedure")
    if kind == "multchoice" and not (row["choices"] or "").strip():
        raise DataError([*path, "choices"], "a multchoice test needs choices")
    if kind == "constant" and row["constant_value"] is None:
        raise DataError([*path, "constant_value"], "a constant test needs a constant_value")


def _check_uti(importer: Importer, record: dict[str, Any], row: dict[str, Any],
               path: list[str | int]) -> None:
    pairs = _uti_pairs(importer)
    if (row["unit_id"], row["test_id"]) in pairs:
        raise DataError(path, "this unit already has a unittestinfo for this test")
    pairs.add((row["unit_id"], row["test_id"]))


def _uti_pairs(importer: Importer) -> set[tuple[int, int]]:
    if "uti_pairs" not in importer.extra:
        table = importer.storage["unittestinfos"]
        importer.extra["uti_pairs"] = {tuple(r) for r in importer.connection.execute(
            sa.select(table.c.unit_id, table.c.test_id))}
    return importer.extra["uti_pairs"]  # type: ignore[no-any-return]


def _complete_utc(importer: Importer, record: dict[str, Any], row: dict[str, Any],
                  path: list[str | int]) -> None:
    lists, cycles = row["test_list_id"], row["test_list_cycle_id"]
    if (lists is None) == (cycles is None):
        raise DataError(path, "give exactly one of test_list and test_list_cycle")
    model, table, object_id = (("testlist", "testlists", lists) if lists is not None
                               else ("testlistcycle", "testlistcycles", cycles))
    storage, connection = importer.storage, importer.connection
    types = storage["contenttypes"]
    row["content_type_id"] = connection.execute(sa.select(types.c.id).where(
        types.c.app_label == "qa", types.c.model == model)).scalar()
    row["object_id"] = object_id
    if row["name"] is None:
        target = storage[table]
        row["name"] = connection.execute(sa.select(target.c.name).where(
            target.c.id == object_id)).scalar()


COLLECTIONS = tuple(_collection(key) for key in SHAPES)
TOKENS = Collection("tokens", "", (
    Prop("user", "ref", target="users", required=True),
    Prop("key", "secret", required=True,
         description="the 40-hex key a client sends (Authorization: Token <key>), "
                     "or sha256:<hex> of it"),
    Prop("created", "datetime", default=NOW),
), description="DRF auth tokens: one per user; declaring one replaces the user's token")


def data_schema() -> dict[str, Any]:
    schema = section_schema("qatrack", COLLECTIONS)
    schema["properties"]["tokens"] = {"type": "array", "items": record_schema(TOKENS)}
    del schema["properties"]["tokens"]["items"]["properties"]["id"]
    return schema


def apply_data(core: Core, connection: Connection, section: dict[str, Any], mode: str) -> None:
    if mode == "replace":
        _restore_builtins(core, connection)
    _check_permissions(core, connection, section.get("groups", []))
    importer = Importer(core.storage, connection, COLLECTIONS, data_now(connection))
    for collection in COLLECTIONS:
        rows = importer.insert(collection, section.get(collection.key, []), [collection.key])
        if collection.key == "unittestcollections":
            _add_unit_test_infos(importer, rows)
    for index, record in enumerate(section.get("tokens", [])):
        _add_token(core, importer, record, ["tokens", index])


def _check_permissions(core: Core, connection: Connection, groups: list[dict[str, Any]]) -> None:
    table = core.storage["permissions"]
    known = set(connection.execute(sa.select(table.c.codename)).scalars())
    for index, group in enumerate(groups):
        for position, codename in enumerate(group.get("permissions") or []):
            if codename not in known:
                raise DataError(["groups", index, "permissions", position],
                                f"no permission {codename!r} (codenames look like "
                                "add_testlistinstance: <action>_<model>)")


def _restore_builtins(core: Core, connection: Connection) -> None:
    data = fixture_data.load(core.config.seed)
    rows = {name: data[name] for name in BUILTIN}
    rows["permissions"] = _permissions(data["contenttypes"])
    core.storage.load_rows(connection, rows)


def _add_unit_test_infos(importer: Importer, utcs: list[dict[str, Any]]) -> None:
    """QATrack+ gives a unit a UnitTestInfo for every test of a list assigned to it."""
    pairs = _uti_pairs(importer)
    table = importer.storage["unittestinfos"]
    next_id = (importer.connection.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1
    new = []
    for utc in utcs:
        for test_id in _tests_of(importer, utc):
            if (utc["unit_id"], test_id) not in pairs:
                pairs.add((utc["unit_id"], test_id))
                new.append({"id": next_id, "unit_id": utc["unit_id"], "test_id": test_id,
                            "reference_id": None, "tolerance_id": None, "active": True})
                next_id += 1
    if new:
        importer.connection.execute(table.insert(), new)


def _tests_of(importer: Importer, utc: dict[str, Any]) -> list[int]:
    storage, connection = importer.storage, importer.connection
    lists = [utc["test_list_id"]]
    if utc["test_list_cycle_id"] is not None:
        members = storage["testlistcyclememberships"]
        lists = list(connection.execute(sa.select(members.c.test_list_id).where(
            members.c.cycle_id == utc["test_list_cycle_id"])).scalars())
    sublists = storage["sublists"]
    lists += list(connection.execute(sa.select(sublists.c.child_id).where(
        sublists.c.parent_id.in_(lists))).scalars())
    members = storage["testlistmemberships"]
    return list(connection.execute(sa.select(members.c.test_id).where(
        members.c.test_list_id.in_(lists)).order_by(members.c.id)).scalars())


def _add_token(core: Core, importer: Importer, record: dict[str, Any],
               path: list[str | int]) -> None:
    user_id = importer.resolve("users", record["user"], None, [*path, "user"])
    username = importer.connection.execute(sa.select(core.storage["users"].c.username).where(
        core.storage["users"].c.id == user_id)).scalar()
    token_hash = stored_secret(record["key"])
    subject: dict[str, Any] = {"user_id": user_id}
    for generation in range(8):  # a token the mock derived itself stays derivable
        if hash_secret(drf_tokens.derive(core.config.seed, str(username), generation)) \
                == token_hash:
            subject["generation"] = generation
            break
    else:
        subject["declared"] = True
    table = core.tokens.table
    taken = importer.connection.execute(sa.select(table.c.family).where(
        table.c.token_hash == token_hash)).scalar()
    if taken is not None and taken != drf_tokens.family(user_id):
        raise DataError([*path, "key"], "this key is another user's token")
    importer.connection.execute(table.delete().where(
        table.c.family == drf_tokens.family(user_id), table.c.kind == drf_tokens.KIND))
    created = record.get("created")
    importer.connection.execute(table.insert().values(
        token_hash=token_hash, kind=drf_tokens.KIND, family=drf_tokens.family(user_id),
        subject=json.dumps(subject), expires_at=None,
        issued_at=importer.now if created is None else _datetime(created, [*path, "created"])))


def _datetime(value: str, path: list[str | int]) -> Any:
    return convert_in(TOKENS.prop("created"), value, path)


def export_data(core: Core, connection: Connection) -> dict[str, Any]:
    section = {c.key: export(core.storage, connection, c) for c in COLLECTIONS}
    table = core.tokens.table
    rows = connection.execute(sa.select(table).where(
        table.c.kind == drf_tokens.KIND, table.c.revoked_at.is_(None))).all()
    found = sorted(rows, key=lambda row: (row.issued_at, row.token_hash))
    section["tokens"] = [{"user": json.loads(row.subject)["user_id"],
                          "key": exported_secret(row.token_hash),
                          "created": iso_ms(row.issued_at)} for row in found]
    return section
