"""Alemba ``$filter`` (AL-18..AL-23): translated filters run against a toy SQLite schema.

Four tables (call, priority, person, organization) and twenty calls, each
column filled only where a test needs it; a small resolver that joins
relations on demand. Each case runs the translated predicate and compares
the call refs it returns.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from apidouble.mock_server.alemba.query import (
    AL23_TRUE_FLAGS,
    FilterContext,
    FilterError,
    ResolvedProperty,
    UnknownProperty,
    parse_filter,
    translate_filter,
)

# --- schema and rows -----------------------------------------------------------

metadata = sa.MetaData()
organization = sa.Table(
    "organization",
    metadata,
    sa.Column("ref", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text),
)
person = sa.Table(
    "person",
    metadata,
    sa.Column("ref", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text),
    sa.Column("organization_ref", sa.Integer),
    sa.Column("logged_in", sa.String(3)),  # flags: Y / n / YES / NULL
)
priority = sa.Table(
    "priority",
    metadata,
    sa.Column("ref", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text),
    sa.Column("level", sa.SmallInteger),
)
call = sa.Table(
    "call",
    metadata,
    sa.Column("ref", sa.Integer, primary_key=True),
    sa.Column("description", sa.Text),
    sa.Column("notes", sa.Text),
    sa.Column("priority_ref", sa.Integer),
    sa.Column("user_ref", sa.Integer),
    sa.Column("partition", sa.Integer),
    sa.Column("created", sa.DateTime),
    sa.Column("number1", sa.Integer),
    sa.Column("big", sa.BigInteger),
    sa.Column("code", sa.SmallInteger),
    sa.Column("cost", sa.Numeric(10, 2)),
    sa.Column("score", sa.Float),
    sa.Column("ratio", sa.Float),
    sa.Column("closed", sa.Boolean),
    sa.Column("active", sa.Integer),  # a boolean kept as 0 / non-zero
    sa.Column("urgent", sa.String(5)),  # AL-23 flags in mixed conventions
    sa.Column("deleted", sa.String(1)),
    sa.Column("attachment", sa.LargeBinary),
    sa.Column("guid", sa.String(38)),
    sa.Column("uid", sa.Uuid),
)

GUID1 = "75f7a7d5-652f-4e30-bd92-dc6e9594b28b"
GUID2 = "A1B2C3D4-0000-4000-8000-000000000001"
UID3 = uuid.UUID("0f0e0d0c-0b0a-4909-8807-060504030201")
NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
ALL = set(range(1, 21))
URGENT = ["Y", "yes", "T", "true", "ON", "1", "p", "a", "N", "no", "F", "0", ""]
DESCRIPTIONS = {
    11: "Email not working",
    12: "email bounce",
    13: "100% CPU",
    14: "100 CPU",
    15: "file_name",
    16: "fileXname",
    17: 'Say "hi"',
    18: "C:\\temp",
    19: "",
    20: "Ünïcode ✓ email",
}
CREATED = {
    1: datetime(2024, 6, 15, 11, 45),
    2: datetime(2024, 6, 15, 10, 0),
    3: datetime(2024, 6, 14, 12, 0),
    4: datetime(2024, 6, 8, 9, 0),
    5: datetime(2024, 1, 1, 0, 30),
    6: datetime(2023, 12, 31, 23, 30),
    7: datetime(2024, 6, 15, 12, 0),
    8: datetime(2024, 6, 15, 13, 0),
}
SPECIAL: dict[int, dict[str, Any]] = {
    1: {"big": 5_000_000_000, "cost": Decimal("10.50"), "closed": True, "guid": GUID1},
    2: {"big": -5_000_000_000, "cost": Decimal("10.25"), "closed": True, "guid": GUID2},
    3: {"code": 7, "cost": Decimal("3"), "closed": False, "uid": UID3},
    4: {"score": 1.5, "closed": False},
    5: {"score": 2.5, "active": 1},
    6: {"ratio": 0.25, "active": 0},
    7: {"active": 2},
    18: {"deleted": "N"},
    19: {"deleted": "Y"},
    20: {"deleted": "y"},
}


def call_row(ref: int) -> dict[str, Any]:
    row = dict.fromkeys(c.name for c in call.columns)
    row.update(
        ref=ref,
        description=DESCRIPTIONS.get(ref),
        notes={1: "<b>Outlook</b> crashes", 2: GUID1.upper()}.get(ref),
        priority_ref=1 if ref <= 3 else 2 if ref <= 8 else 3 if ref <= 12 else None,
        user_ref=1
        if ref <= 5
        else 2
        if ref <= 10
        else 3
        if ref <= 15
        else 4
        if ref <= 18
        else None,
        partition=1 if ref <= 10 else 2,
        created=CREATED.get(ref),
        number1=ref if ref <= 10 else None,
        urgent=URGENT[ref - 1] if ref <= len(URGENT) else None,
        attachment={1: b"\x00\x01", 2: b""}.get(ref),
    )
    row.update(SPECIAL.get(ref, {}))
    return row


@pytest.fixture(scope="module")
def engine() -> Iterator[sa.Engine]:
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(organization.insert(), [
            {"ref": 1, "name": "Acme Ltd"},
            {"ref": 2, "name": "Globex"},
            {"ref": 3, "name": "acme labs"},
        ])  # fmt: skip
        connection.execute(person.insert(), [
            {"ref": 1, "name": "Alice", "organization_ref": 1, "logged_in": "Y"},
            {"ref": 2, "name": "Bob", "organization_ref": 2, "logged_in": "n"},
            {"ref": 3, "name": "Carol", "organization_ref": 3, "logged_in": None},
            {"ref": 4, "name": "Dave", "organization_ref": None, "logged_in": "YES"},
        ])  # fmt: skip
        connection.execute(priority.insert(), [
            {"ref": 1, "name": "High", "level": 1},
            {"ref": 2, "name": "Medium", "level": 2},
            {"ref": 3, "name": "Low", "level": 3},
        ])  # fmt: skip
        connection.execute(call.insert(), [call_row(ref) for ref in sorted(ALL)])
    yield engine
    engine.dispose()


# --- a tiny resolver -------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    name: str
    table: sa.Table
    fields: dict[str, tuple[str, str, tuple[str, ...] | None]]
    links: dict[str, tuple[str, str]] = field(default_factory=dict)  # prop: (fk column, entity)
    deleted: str | None = None


ENTITIES = {
    e.name: e
    for e in (
        Entity(
            "Organization",
            organization,
            {"Ref": ("ref", "Integer", None), "Name": ("name", "Text", None)},
        ),
        Entity(
            "Person",
            person,
            {
                "Ref": ("ref", "Integer", None),
                "Name": ("name", "Text", None),
                "IsLoggedIn": ("logged_in", "Boolean", AL23_TRUE_FLAGS),
            },
            {"Organization": ("organization_ref", "Organization")},
        ),
        Entity(
            "Priority",
            priority,
            {
                "Ref": ("ref", "Integer", None),
                "Name": ("name", "Text", None),
                "Level": ("level", "Short", None),
            },
        ),
        Entity(
            "Call",
            call,
            {
                "Ref": ("ref", "Integer", None),
                "Description": ("description", "Text", None),
                "Notes": ("notes", "RichText", None),
                "Partition": ("partition", "Integer", None),
                "Created": ("created", "DateTime", None),
                "Number1": ("number1", "Integer", None),
                "Big": ("big", "Long", None),
                "Code": ("code", "Short", None),
                "Cost": ("cost", "Decimal", None),
                "Score": ("score", "Float", None),
                "Ratio": ("ratio", "Double", None),
                "Closed": ("closed", "Boolean", None),
                "Active": ("active", "Boolean", None),
                "Urgent": ("urgent", "Boolean", AL23_TRUE_FLAGS),
                "Deleted": ("deleted", "Boolean", ("Y",)),
                "Attachment": ("attachment", "Binary", None),
                "Id": ("guid", "Guid", None),
                "Uid": ("uid", "Guid", None),
            },
            {"Priority": ("priority_ref", "Priority"), "User": ("user_ref", "Person")},
            deleted="Deleted",
        ),
    )
}


class ToyResolver:
    """Resolves paths on one entity, outer-joining each relation the first time it is used."""

    def __init__(
        self, root: str = "Call", aliases: dict[str, tuple[str, str]] | None = None
    ) -> None:
        self.root = ENTITIES[root]
        self.aliases = aliases or {}  # $leftJoin aliases look like links of the root entity
        self.joins: dict[tuple[str, ...], tuple[Any, ColumnElement[bool]]] = {}

    def resolve(self, path: tuple[str, ...]) -> ResolvedProperty:
        entity, table = self.root, self.root.table
        for index, name in enumerate(path):
            last = index == len(path) - 1
            links = {**entity.links, **self.aliases} if index == 0 else entity.links
            if last and name in entity.fields:
                column, data_type, flags = entity.fields[name]
                return ResolvedProperty(table.c[column], data_type, flags)
            if name not in links:
                raise UnknownProperty(path, entity.name, index)
            fk, target = links[name]
            if last:
                return ResolvedProperty(table.c[fk], "Integer")
            table = self.join(path[: index + 1], table.c[fk], ENTITIES[target])
            entity = ENTITIES[target]
        raise UnknownProperty(path, entity.name)  # only for an empty path

    def join(self, prefix: tuple[str, ...], fk: Any, target: Entity) -> Any:
        if prefix not in self.joins:
            alias = target.table.alias(f"j{len(self.joins)}")
            self.joins[prefix] = (alias, alias.c.ref == fk)
        return self.joins[prefix][0]

    def deleted_flag(self) -> ResolvedProperty | None:
        return self.resolve((self.root.deleted,)) if self.root.deleted else None

    def from_clause(self) -> Any:
        clause: Any = self.root.table
        for alias, onclause in self.joins.values():
            clause = clause.outerjoin(alias, onclause)
        return clause


class ConditionsResolver(ToyResolver):
    """Adds the entity's own condition augmenters."""

    def condition(self, name: str) -> ColumnElement[bool] | None:
        return {"IsAssignedToMe": call.c.user_ref == 1}.get(name)


CONTEXT = FilterContext(now=NOW, local_tz=ZoneInfo("Europe/Berlin"), user_id=1, organization_id=1)


def run(
    engine: sa.Engine, text: str, resolver: ToyResolver | None = None, **context: Any
) -> set[int]:
    resolver = resolver or ConditionsResolver()
    ctx = FilterContext(**{**CONTEXT.__dict__, **context})
    predicate = translate_filter(text, resolver, ctx)
    root = resolver.root.table
    query = sa.select(root.c.ref).select_from(resolver.from_clause()).where(predicate)
    with engine.connect() as connection:
        return set(connection.execute(query).scalars())


def error_of(
    text: str, resolver: ToyResolver | None = None, **context: Any
) -> tuple[str, int | None]:
    with pytest.raises(FilterError) as caught:
        ctx = FilterContext(**{**CONTEXT.__dict__, **context})
        translate_filter(text, resolver or ConditionsResolver(), ctx)
    return caught.value.message, caught.value.position


def check(engine: sa.Engine, text: str, expected: set[int] | range) -> None:
    assert run(engine, text) == set(expected), text


# --- behaviour -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Number1 == 3", {3}),
        ("Number1 = 3", {3}),
        ("Number1 != 3", {1, 2, *range(4, 11)}),
        ("Number1 > 8", {9, 10}),
        ("Number1 >= 9", {9, 10}),
        ("Number1 < 2", {1}),
        ("Number1 <= 2", {1, 2}),
        ("Number1 > -1", range(1, 11)),
        ("3 < Number1 && 6 > Number1", {4, 5}),
        ("Number1 == null", range(11, 21)),
        ("Number1 != null", range(1, 11)),
        ("null == Number1", range(11, 21)),
        ("Big > 4000000000", {1}),
        ("Big < -4000000000", {2}),
        ("Code == 7", {3}),
        ("Cost > 10.3", {1}),
        ("Cost >= 3", {1, 2, 3}),
        ("Cost == 10.25", {2}),
        ("Score < 2", {4}),
        ("Score == 2.5", {5}),
        ("Ratio <= 0.25", {6}),
        ("Partition==1", range(1, 11)),
        ("Ref == 20", {20}),
    ],
)
def test_numbers_compare_with_every_operator(
    engine: sa.Engine, text: str, expected: set[int]
) -> None:
    check(engine, text, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Description == "email bounce"', {12}),
        ('Description == "Email bounce"', set()),
        ('Description != "email bounce"', {11, *range(13, 21)}),
        ('Description.Contains("mail")', {11, 12, 20}),
        ('Description.Contains("Email")', {11}),
        ('Description.Contains("email")', {12, 20}),
        ('Description.StartsWith("email")', {12}),
        ('Description.StartsWith("Email")', {11}),
        ('Description.EndsWith("email")', {20}),
        ('Description.EndsWith("CPU")', {13, 14}),
        ('Description.EndsWith("xx100% CPU")', set()),
        ('Description.Contains("100%")', {13}),
        ('Description.Contains("%")', {13}),
        ('Description.StartsWith("100%")', {13}),
        ('Description.Contains("e_n")', {15}),
        ('Description.Contains("_")', {15}),
        ('Description.Contains("")', range(11, 21)),
        ('Description.StartsWith("")', range(11, 21)),
        ('Description.EndsWith("")', range(11, 21)),
        ('Description.Contains("\\"hi\\"")', {17}),
        ('Description == "Say \\"hi\\""', {17}),
        ('Description == "C:\\\\temp"', {18}),
        ('Description == "C:\\temp"', {18}),
        ('Description == ""', {19}),
        ('Description.StartsWith("Ünï")', {20}),
        ('Description.EndsWith("✓ email")', {20}),
        ('Notes.Contains("Outlook")', {1}),
        ("Notes == @Guid(75f7a7d5-652f-4e30-bd92-dc6e9594b28b)", {2}),
    ],
)
def test_text_equality_and_methods_are_literal_and_case_sensitive(
    engine: sa.Engine, text: str, expected: set[int]
) -> None:
    check(engine, text, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Closed", {1, 2}),
        ("Closed == true", {1, 2}),
        ("Closed != false", {1, 2}),
        ("!Closed", {3, 4}),
        ("Closed == false", {3, 4}),
        ("Closed == null", range(5, 21)),
        ("Active", {5, 7}),
        ("!Active", {6}),
        ("Urgent", range(1, 9)),
        ("Urgent == true", range(1, 9)),
        ("true == Urgent", range(1, 9)),
        ("!Urgent", range(9, 21)),
        ("Urgent == false", range(9, 21)),
        ("Urgent != true", range(9, 21)),
        ("!!Urgent", range(1, 9)),
        ("Urgent == null", range(14, 21)),
        ("User.IsLoggedIn", {*range(1, 6), 16, 17, 18}),
        ("!User.IsLoggedIn", {*range(6, 16), 19, 20}),
    ],
)
def test_booleans_real_integer_and_flags(engine: sa.Engine, text: str, expected: set[int]) -> None:
    check(engine, text, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@IsDeleted", {19, 20}),
        ("!@IsDeleted", range(1, 19)),
        ("@IsDeleted == false", range(1, 19)),
        ("@IsDeleted != false", {19, 20}),
        ("@IsAssignedToMe", range(1, 6)),
        ("!@IsAssignedToMe && Number1 != null", range(6, 11)),
    ],
)
def test_condition_augmenters(engine: sa.Engine, text: str, expected: set[int]) -> None:
    check(engine, text, expected)


def test_is_deleted_on_an_entity_without_a_deleted_flag(engine: sa.Engine) -> None:
    assert run(engine, "@IsDeleted", ToyResolver("Priority")) == set()
    assert run(engine, "!@IsDeleted", ToyResolver("Priority")) == {1, 2, 3}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Attachment != null", {1, 2}),
        ("Attachment == null", range(3, 21)),
        ("null != Attachment", {1, 2}),
    ],
)
def test_binary_compares_with_null(engine: sa.Engine, text: str, expected: set[int]) -> None:
    check(engine, text, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Created <= @Now", range(1, 8)),
        ("Created == @Now", {7}),
        ("Created > @Now", {8}),
        ("Created > @NowOffset(0,-1,-30)", {1, 7, 8}),
        ("Created > @NowOffset(-7,-2,-30)", {1, 2, 3, 7, 8}),
        ("Created >= @NowOffset(-7, -3, 0)", {1, 2, 3, 4, 7, 8}),
        ("Created < @NowOffset(0,0,61)", range(1, 9)),
        ("Created > @DateTime(2024-01-01T00:00:00.000Z)", {1, 2, 3, 4, 5, 7, 8}),
        ("Created > @DateTime(2024-01-01T00:00:00.000+1)", range(1, 9)),
        ("Created == @DateTime(2024-06-15T14:00:00+02:00)", {7}),
        ("Created == @DateTime(2024-06-15T14:00:00+0200)", {7}),
        ("Created == @DateTime(2024-06-15T14:00+02)", {7}),
        ("Created == @DateTime(2024-06-15T08:00:00-04:00)", {7}),
        ("Created == @DateTime(2024-06-15T12:00:00.0000000Z)", {7}),
        ("Created < @DateTime(2024-01-01T01:00)", {6}),
        ("Created > @DateTime(2024-06-15T13:00)", {1, 7, 8}),
        ("Created >= @DateTime(2024-06-15)", {1, 2, 7, 8}),
        ("Created == null", range(9, 21)),
        ("@NowOffset(0,0,-30) < Created", {1, 7, 8}),
    ],
)
def test_dates_through_augmenters(engine: sa.Engine, text: str, expected: set[int]) -> None:
    check(engine, text, expected)


def test_clock_and_server_zone_come_from_the_context(engine: sa.Engine) -> None:
    later = NOW + timedelta(hours=2)
    assert run(engine, "Created > @NowOffset(0,-1,-30)", now=later) == {8}
    assert run(engine, "Created < @DateTime(2024-01-01T01:00)", local_tz=UTC) == {5, 6}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Id = @Guid(75f7a7d5-652f-4e30-bd92-dc6e9594b28b)", {1}),
        ("Id == @Guid(a1b2c3d4-0000-4000-8000-000000000001)", {2}),
        ("Id == @Guid({75F7A7D5-652F-4E30-BD92-DC6E9594B28B})", {1}),
        ('Id == "75f7a7d5-652f-4e30-bd92-dc6e9594b28b"', {1}),
        ("Id != @Guid(75f7a7d5-652f-4e30-bd92-dc6e9594b28b)", {2}),
        ("Uid == @Guid(0f0e0d0c-0b0a-4909-8807-060504030201)", {3}),
        ("Uid != null", {3}),
    ],
)
def test_guids(engine: sa.Engine, text: str, expected: set[int]) -> None:
    check(engine, text, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("User == @UserId", range(1, 6)),
        ("@UserId == User", range(1, 6)),
        ("User.Ref == @UserId", range(1, 6)),
        ("User.Organization == @OrganizationId", range(1, 6)),
        ("User.Organization.Ref == @OrganizationId", range(1, 6)),
        ('User.Organization.Name.Contains("Acme")', range(1, 6)),
        ('User.Organization.Name.Contains("cme")', {*range(1, 6), *range(11, 16)}),
        ("Priority == 1", {1, 2, 3}),
        ('Priority.Name == "High"', {1, 2, 3}),
        ('Priority.Name == "high"', set()),
        ("Priority.Level >= 2", range(4, 13)),
        ('Priority.Name == "Low" && User.Name == "Bob"', {9, 10}),
    ],
)
def test_paths_through_relations_and_session_ids(
    engine: sa.Engine, text: str, expected: set[int]
) -> None:
    check(engine, text, expected)


def test_join_aliases_are_ordinary_first_segments(engine: sa.Engine) -> None:
    resolver = ConditionsResolver(aliases={"Owner": ("user_ref", "Person")})
    assert run(
        engine, 'Owner.Name == "Bob" || Owner.Organization.Name == "acme labs"', resolver
    ) == set(range(6, 16))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Number1 == 1 || Number1 == 2 && Number1 == 3", {1}),
        ("(Number1 == 1 || Number1 == 2) && Number1 == 3", set()),
        ("Number1 == 1 || Number1 == 2 || Number1 == 3", {1, 2, 3}),
        ("Number1 > 2 && Number1 < 5 && Closed == false", {3, 4}),
        ("!Number1 == 3", {1, 2, *range(4, 11)}),
        ("!(Number1 < 3 || Number1 > 8)", range(3, 9)),
        ("!(Number1 < 3) && !(Number1 > 8)", range(3, 9)),
        ("((((Number1 == 4))))", {4}),
        ("  Number1\t==\n3  ", {3}),
        (
            "((Number1>=3\u200b||Code==7)&&(Priority==3||Priority==1))"
            "||(Created>@NowOffset(0,0,-30)\u200b\u200b\u200b&&@IsAssignedToMe)",
            {1, 3, 9, 10},
        ),
    ],
)
def test_precedence_grouping_and_negation(engine: sa.Engine, text: str, expected: set[int]) -> None:
    check(engine, text, expected)


# --- errors: what and where --------------------------------------------------------


SYNTAX_ERRORS = [
    (
        "Number1 == 1 && && Number1 == 2",
        "Unexpected '&&' at position 16: expected '!', '(', a property, a value or an augmenter",
        16,
    ),
    (
        "Number1 == ",
        "Unexpected end of filter at position 11: expected a property, a value or an augmenter",
        11,
    ),
    (
        "Number1 == 1 == 2",
        "Unexpected '==' at position 13: expected '&&', '||' or the end of the filter",
        13,
    ),
    (
        'Description == "abc',
        "Unterminated string starting at position 15",
        15,
    ),
    (
        "Number1 == 1 # 2",
        "Unexpected character '#' at position 13: expected '&&', '||' or the end of the filter",
        13,
    ),
    (
        "Number1 ≠ 1",
        "Unexpected character '≠' at position 8: expected '(', '.', '&&', '||', a "
        "comparison operator (==, !=, >, <, >=, <=) or the end of the filter",
        8,
    ),
    (
        "Description.Contains(5)",
        "Unexpected '5' at position 21: expected a string in double quotes",
        21,
    ),
    (
        "Description.Contains('x')",
        'Unexpected character "\'" at position 21: expected a string in double quotes',
        21,
    ),
    (
        "Created > @DateTime(2024-1-5)",
        "Unexpected '2024' at position 20: expected an ISO 8601 date/time such as "
        "2024-01-31T10:00:00Z",
        20,
    ),
    (
        "Created > @NowOffset(1,2)",
        "Unexpected ')' at position 24: expected ','",
        24,
    ),
    (
        "Created > @NowOffset(1.5,0,0)",
        "Unexpected '.' at position 22: expected ','",
        22,
    ),
    (
        "Id == @Guid(xyz)",
        "Unexpected 'xyz' at position 12: expected a GUID such as "
        "75f7a7d5-652f-4e30-bd92-dc6e9594b28b",
        12,
    ),
    (
        "",
        "The filter is empty",
        0,
    ),
    (
        " \u200b ",
        "The filter is empty",
        0,
    ),
    (
        "Number1 == 1 &&",
        "Unexpected end of filter at position 15: expected '!', '(', a property, a value "
        "or an augmenter",
        15,
    ),
    (
        "(Number1 == 1",
        "Unexpected end of filter at position 13: expected ')'",
        13,
    ),
]


@pytest.mark.parametrize(("text", "message", "position"), SYNTAX_ERRORS)
def test_syntax_errors_say_what_and_where(text: str, message: str, position: int) -> None:
    assert error_of(text) == (message, position)


SEMANTIC_ERRORS = [
    (
        "Priorty == 1",
        "Unknown property 'Priorty' on Call at position 0",
        0,
    ),
    (
        'Priority.Nme == "x"',
        "Unknown property 'Nme' on Priority at position 9",
        9,
    ),
    (
        'User.Organization.Nam.Contains("x")',
        "Unknown property 'Nam' on Organization at position 18",
        18,
    ),
    (
        "number1 == 1",
        "Unknown property 'number1' on Call at position 0",
        0,
    ),
    (
        'Description > "a"',
        "Operator '>' is not supported for Text property 'Description' at position 12",
        12,
    ),
    (
        "Closed > true",
        "Operator '>' is not supported for Boolean property 'Closed' at position 7",
        7,
    ),
    (
        "Id < @Guid(75f7a7d5-652f-4e30-bd92-dc6e9594b28b)",
        "Operator '<' is not supported for Guid property 'Id' at position 3",
        3,
    ),
    (
        "Attachment > null",
        "Operator '>' is not supported for Binary property 'Attachment' at position 11",
        11,
    ),
    (
        'Number1 == "abc"',
        "Cannot compare Integer property 'Number1' with \"abc\" at position 11",
        11,
    ),
    (
        "Number1 == 1.5",
        "Cannot compare Integer property 'Number1' with 1.5 at position 11",
        11,
    ),
    (
        "Number1 == true",
        "Cannot compare Integer property 'Number1' with true at position 11",
        11,
    ),
    (
        'Cost == "1"',
        "Cannot compare Decimal property 'Cost' with \"1\" at position 8",
        8,
    ),
    (
        "Description == 5",
        "Cannot compare Text property 'Description' with 5 at position 15",
        15,
    ),
    (
        "Closed == 1",
        "Cannot compare Boolean property 'Closed' with 1 at position 10: expected true or false",
        10,
    ),
    (
        'Attachment == "abc"',
        "Binary property 'Attachment' can only be compared with null at position 14",
        14,
    ),
    (
        "Attachment",
        "Binary property 'Attachment' is not Boolean at position 0: compare it with a value",
        0,
    ),
    (
        "Number1",
        "Integer property 'Number1' is not Boolean at position 0: compare it with a value",
        0,
    ),
    (
        'Created > "2024-01-01"',
        "Cannot compare DateTime property 'Created' with \"2024-01-01\" at position 10: use"
        " @DateTime(...), @Now or @NowOffset(d,h,m)",
        10,
    ),
    (
        "Created > 5",
        "Cannot compare DateTime property 'Created' with 5 at position 10: use "
        "@DateTime(...), @Now or @NowOffset(d,h,m)",
        10,
    ),
    (
        'Id == "nope"',
        "Cannot compare Guid property 'Id' with \"nope\" at position 6: expected @Guid(...)",
        6,
    ),
    (
        "Number1 == @Now",
        "Cannot compare Integer property 'Number1' with @Now at position 11",
        11,
    ),
    (
        "Number1 > null",
        "Operator '>' cannot be used with null at position 8",
        8,
    ),
    (
        "Number1 == 5000000000",
        "Value 5000000000 is out of range for Integer property 'Number1' at position 11",
        11,
    ),
    (
        "Code == 40000",
        "Value 40000 is out of range for Short property 'Code' at position 8",
        8,
    ),
    (
        'Number1.Contains("1")',
        "Method 'Contains' is not supported for Integer property 'Number1' at position 8:"
        " it applies to Text and RichText properties",
        8,
    ),
    (
        'Description.Has("x")',
        "Unknown method 'Has' at position 12: expected Contains, StartsWith or EndsWith",
        12,
    ),
    (
        'Contains("x")',
        "Method 'Contains' needs a property at position 0: as in Name.Contains(\"x\")",
        0,
    ),
    (
        "@Bogus",
        "Unknown augmenter '@Bogus' at position 0",
        0,
    ),
    (
        "@Today",
        "Unknown augmenter '@Today' at position 0",
        0,
    ),
    (
        "@isdeleted",
        "Unknown augmenter '@isdeleted' at position 0",
        0,
    ),
    (
        "@Now",
        "'@Now' is a value, not a condition at position 0: compare it with a property",
        0,
    ),
    (
        "Number1 == Code",
        "Cannot compare 'Number1' with property 'Code' at position 11: one side must be a value",
        11,
    ),
    (
        "Closed == True",
        "Cannot compare 'Closed' with property 'True' at position 10: one side must be a value",
        10,
    ),
    (
        "1 == 1",
        "A comparison needs a property on one side at position 2",
        2,
    ),
    (
        "Closed == @IsDeleted",
        "'@IsDeleted' is a condition, not a value at position 10",
        10,
    ),
    (
        "@IsDeleted == 1",
        "'@IsDeleted' is a condition at position 14: compare it only with true or false",
        14,
    ),
    (
        "@IsDeleted > false",
        "Operator '>' is not supported for '@IsDeleted' at position 11",
        11,
    ),
    (
        "Created > @DateTime(2024-02-30)",
        "Invalid date/time '2024-02-30' in @DateTime at position 20",
        20,
    ),
    (
        "Created > @DateTime(2024-02-03T25:00)",
        "Invalid date/time '2024-02-03T25:00' in @DateTime at position 20",
        20,
    ),
    (
        "Created > @DateTime(2024-02-03T10:00+25)",
        "Invalid time zone offset '+25' in @DateTime at position 20",
        20,
    ),
    (
        "Created > @DateTime(0001-01-01T00:00+05:00)",
        "@DateTime(0001-01-01T00:00+05:00) is out of range at position 10",
        10,
    ),
    (
        "Created > @NowOffset(9999999,0,0)",
        "@NowOffset(9999999,0,0) is out of range at position 10",
        10,
    ),
    (
        "Created > @NowOffset(1234567890,0,0)",
        "Number '1234567890' is out of range at position 21",
        21,
    ),
    (
        "Id == @Guid({75f7a7d5-652f-4e30-bd92-dc6e9594b28b)",
        "Unbalanced braces in GUID '{75f7a7d5-652f-4e30-bd92-dc6e9594b28b' at position 12",
        12,
    ),
]


@pytest.mark.parametrize(("text", "message", "position"), SEMANTIC_ERRORS)
def test_semantic_errors_say_what_and_where(text: str, message: str, position: int) -> None:
    assert error_of(text) == (message, position)


def test_absurd_nesting_is_refused_before_recursion(engine: sa.Engine) -> None:
    assert error_of("!" * 60 + "Closed") == (
        "The filter nests more than 50 levels deep at position 50",
        50,
    )
    assert run(engine, "(" * 500 + "Closed" + ")" * 500) == {1, 2}
    assert run(engine, " || ".join(["Number1 == 1"] * 500)) == {1}


def test_session_values_need_a_session_that_has_them() -> None:
    assert error_of("User == @UserId", user_id=None) == (
        "@UserId is not available at position 8: the session has no user",
        8,
    )
    assert error_of("User.Organization == @OrganizationId", organization_id=None) == (
        "@OrganizationId is not available at position 21: the session has no organization",
        21,
    )


def test_condition_augmenters_need_a_resolver_that_offers_them() -> None:
    assert error_of("@IsAssignedToMe", ToyResolver()) == (
        "Unknown augmenter '@IsAssignedToMe' at position 0",
        0,
    )


class WholePathResolver(ToyResolver):
    def resolve(self, path: tuple[str, ...]) -> ResolvedProperty:
        raise UnknownProperty(path)


def test_unknown_property_without_entity_or_segment_names_the_whole_path() -> None:
    assert error_of("Priority.Name.Length == 1", WholePathResolver()) == (
        "Unknown property 'Priority.Name.Length' at position 0",
        0,
    )


def test_filter_error_is_a_value_error_with_position() -> None:
    with pytest.raises(ValueError, match="at position 0"):
        parse_filter("&&")


# --- the SQL: parameters only ---------------------------------------------------------


def compiled(text: str, dialect: Any = None) -> Any:
    return translate_filter(text, ConditionsResolver(), CONTEXT).compile(
        dialect=dialect or sqlite.dialect()
    )


def test_values_are_bound_never_inlined() -> None:
    sql = compiled(
        'Description.Contains("x\' OR 1=1 --") || Description == "Robert\'); DROP TABLE call;--"'
    )
    assert "OR 1=1" not in str(sql) and "DROP" not in str(sql)
    assert "x' OR 1=1 --" in sql.params.values()
    assert "Robert'); DROP TABLE call;--" in sql.params.values()


def test_text_methods_compile_for_sqlite_and_postgresql() -> None:
    assert "instr(call.description" in str(compiled('Description.Contains("a")'))
    assert "strpos(call.description" in str(
        compiled('Description.Contains("a")', postgresql.dialect())
    )
    assert (
        "LIKE"
        not in str(compiled('Description.StartsWith("a") && Description.EndsWith("b")')).upper()
    )


def test_dates_are_bound_as_naive_utc() -> None:
    sql = compiled("Created > @DateTime(2024-01-01T01:00:00+01:00)")
    assert list(sql.params.values()) == [datetime(2024, 1, 1, 0, 0)]


def test_constructor_guards() -> None:
    with pytest.raises(ValueError, match="Unknown data type"):
        ResolvedProperty(call.c.ref, "Lookup")
    with pytest.raises(ValueError, match="Boolean properties only"):
        ResolvedProperty(call.c.ref, "Integer", ("Y",))
    with pytest.raises(ValueError, match="timezone-aware"):
        FilterContext(now=datetime(2024, 1, 1), local_tz=UTC)
