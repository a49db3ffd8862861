"""Property tests for Alemba's ``$filter`` (AL-18): robustness, parameterisation, and a model.

1. Any text either translates or raises ``FilterError``; nothing else escapes.
2. A string literal's content changes only bound parameters, never the SQL text.
3. Generated well-formed filters always translate, and SQLite returns exactly
   the rows a small Python model of the language (three-valued logic) selects.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from apidouble.mock_server.alemba.query import (
    AL23_TRUE_FLAGS,
    FilterContext,
    FilterError,
    ResolvedProperty,
    UnknownProperty,
    translate_filter,
)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
KOLKATA, NEW_YORK = timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-4))
# The clock and the server zone are deliberately not UTC: the SQL must still compare in UTC.
CONTEXT = FilterContext(now=NOW.astimezone(KOLKATA), local_tz=NEW_YORK, user_id=7)

metadata = sa.MetaData()
item = sa.Table(
    "item",
    metadata,
    sa.Column("ref", sa.Integer, primary_key=True),
    sa.Column("n", sa.Integer),
    sa.Column("x", sa.Float),
    sa.Column("t", sa.Text),
    sa.Column("f", sa.String(5)),
    sa.Column("b", sa.Boolean),
    sa.Column("d", sa.DateTime),
    sa.Column("blob", sa.LargeBinary),
)
PROPERTIES = {
    "Ref": ("ref", "Integer", None),
    "N": ("n", "Integer", None),
    "X": ("x", "Double", None),
    "T": ("t", "Text", None),
    "F": ("f", "Boolean", AL23_TRUE_FLAGS),
    "B": ("b", "Boolean", None),
    "D": ("d", "DateTime", None),
    "Blob": ("blob", "Binary", None),
    "Partition": ("n", "Integer", None),
}
TEXT_ALPHABET = 'aAb%_\\"é✓ '
ROWS: list[dict[str, Any]] = [
    {
        "ref": 1,
        "n": 0,
        "x": 0.5,
        "t": "abc",
        "f": "Y",
        "b": True,
        "d": datetime(2024, 6, 15, 11, 0),
    },
    {"ref": 2, "n": 1, "x": -1.25, "t": "ABC", "f": "yes", "b": False, "d": datetime(2024, 6, 14)},
    {"ref": 3, "n": -3, "x": 2.0, "t": "a%b_", "f": "n", "b": None, "d": datetime(2024, 6, 15, 12)},
    {"ref": 4, "n": None, "x": None, "t": None, "f": None, "b": None, "d": None},
    {"ref": 5, "n": 5, "x": 3.75, "t": "", "f": "ON", "b": True, "d": datetime(2024, 6, 20)},
    {"ref": 6, "n": 2, "x": 0.0, "t": 'q"\\z', "f": "", "b": False, "d": datetime(2023, 1, 1)},
    {
        "ref": 7,
        "n": 1,
        "x": 1.0,
        "t": "é✓ b",
        "f": "a",
        "b": True,
        "d": datetime(2024, 6, 15, 11, 59),
    },
    {
        "ref": 8,
        "n": 9,
        "x": 9.5,
        "t": "aab",
        "f": "x",
        "b": None,
        "d": datetime(2024, 6, 15, 12, 30),
    },
    {"ref": 9, "n": -1, "x": -0.5, "t": "b a%", "f": "1", "b": False, "d": datetime(2024, 6, 1)},
    {"ref": 10, "n": 4, "x": 4.0, "t": "_", "f": "true", "b": True, "d": datetime(2024, 6, 15, 9)},
]


class ItemResolver:
    def resolve(self, path: tuple[str, ...]) -> ResolvedProperty:
        if len(path) != 1 or path[0] not in PROPERTIES:
            raise UnknownProperty(path, "Item", 0)
        column, data_type, flags = PROPERTIES[path[0]]
        return ResolvedProperty(item.c[column], data_type, flags)

    def deleted_flag(self) -> ResolvedProperty | None:
        return self.resolve(("F",))

    def condition(self, name: str) -> ColumnElement[bool] | None:
        return {"IsBig": item.c.n > 3}.get(name)


@pytest.fixture(scope="module")
def engine() -> Iterator[sa.Engine]:
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(item.insert(), [{"blob": None, **row} for row in ROWS])
    yield engine
    engine.dispose()


# --- 1. nothing but FilterError escapes -------------------------------------------------

TOKENS = [
    "N", "T", "F", "B", "D", "Blob", "X", "Partition", "Nope", ".", "Contains", "StartsWith",
    "EndsWith", "(", ")", "==", "=", "!=", ">", "<", ">=", "<=", "&&", "||", "!", " ", "\u200b",
    "1", "-2", "3.5", "99999999999", '"a"', '"', "\\", "true", "false", "null", "@Now",
    "@NowOffset", "@DateTime", "@Guid", "@UserId", "@OrganizationId", "@IsDeleted", "@IsBig",
    "@Bogus", ",", "2024-01-31T10:00:00Z", "75f7a7d5-652f-4e30-bd92-dc6e9594b28b", "+1", "'",
]  # fmt: skip


def translates_or_refuses(text: str) -> None:
    try:
        predicate = translate_filter(text, ItemResolver(), CONTEXT)
    except FilterError as error:
        assert error.message
        assert error.position is None or 0 <= error.position <= len(text)
    else:
        assert isinstance(predicate, ColumnElement)
        str(predicate.compile(dialect=sqlite.dialect()))


@SETTINGS
@given(st.text())
def test_any_text_translates_or_raises_filter_error(text: str) -> None:
    translates_or_refuses(text)


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=14).map("".join))
def test_any_token_soup_translates_or_raises_filter_error(text: str) -> None:
    translates_or_refuses(text)


# --- 2. values never change the SQL -------------------------------------------------------

TEMPLATES = [
    "T == {}",
    "T != {} && N > 1",
    "{} == T",
    "T.Contains({})",
    "!T.StartsWith({}) || F",
    "(T.EndsWith({}))",
    "T.Contains({}) && T.StartsWith({}) && T.EndsWith({})",
]


def quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@cache
def compile_both(text: str) -> tuple[str, str, dict[str, Any]]:
    predicate = translate_filter(text, ItemResolver(), CONTEXT)
    lite = predicate.compile(dialect=sqlite.dialect())
    return str(lite), str(predicate.compile(dialect=postgresql.dialect())), lite.params


@SETTINGS
@given(template=st.sampled_from(TEMPLATES), value=st.text())
def test_string_values_change_parameters_never_sql(template: str, value: str) -> None:
    benign_lite, benign_pg, _ = compile_both(template.replace("{}", quoted("benign")))
    lite, pg, params = compile_both(template.replace("{}", quoted(value)))
    assert (lite, pg) == (benign_lite, benign_pg)
    assert value in params.values()


# --- 3. generated filters: they translate, and SQL agrees with a model -------------------

Truth = bool | None
Row = dict[str, Any]


@dataclass(frozen=True)
class Gen:
    """A generated filter, what it means for a row, and what ``!`` of it means."""

    text: str
    holds: Callable[[Row], Truth]
    negated: Callable[[Row], Truth]
    atomic: bool = True


def not3(value: Truth) -> Truth:
    return None if value is None else not value


def and3(a: Truth, b: Truth) -> Truth:
    return False if False in (a, b) else None if None in (a, b) else True


def or3(a: Truth, b: Truth) -> Truth:
    return True if True in (a, b) else None if None in (a, b) else False


def plain(text: str, holds: Callable[[Row], Truth]) -> Gen:
    return Gen(text, holds, lambda row: not3(holds(row)))


OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "=": operator.eq, "!=": operator.ne,
    ">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le,
}  # fmt: skip
FLIPPED = {"==": "==", "=": "=", "!=": "!=", ">": "<", "<": ">", ">=": "<=", "<=": ">="}


def comparison(column: str, prop: str, op: str, literal: str, value: Any, flip: bool) -> Gen:
    text = f"{literal} {FLIPPED[op]} {prop}" if flip else f"{prop} {op} {literal}"

    def holds(row: Row) -> Truth:
        return None if row[column] is None else OPS[op](row[column], value)

    return plain(text, holds)


@st.composite
def numeric(draw: st.DrawFn) -> Gen:
    op, flip = draw(st.sampled_from(list(OPS))), draw(st.booleans())
    if draw(st.booleans()):
        whole = draw(st.integers(-4, 10))
        prop = draw(st.sampled_from(["N", "Partition"]))
        return comparison("n", prop, op, str(whole), whole, flip)
    quarter = draw(st.integers(-10, 40)) / 4
    return comparison("x", "X", op, repr(quarter), quarter, flip)


@st.composite
def dates(draw: st.DrawFn) -> Gen:
    op, flip = draw(st.sampled_from(list(OPS))), draw(st.booleans())
    days, hours, minutes = draw(
        st.tuples(st.integers(-9, 9), st.integers(-12, 12), st.integers(-90, 90))
    )
    moment = NOW + timedelta(days=days, hours=hours, minutes=minutes)
    written = draw(st.sampled_from(["now", "Z", "+05:30", "-0400", "local"]))
    if written == "now":
        literal = f"@NowOffset({days},{hours},{minutes})" if days or hours or minutes else "@Now"
    elif written == "local":
        literal = f"@DateTime({moment.astimezone(NEW_YORK):%Y-%m-%dT%H:%M})"
    else:
        zone = {"Z": UTC, "+05:30": KOLKATA, "-0400": NEW_YORK}[written]
        literal = f"@DateTime({moment.astimezone(zone):%Y-%m-%dT%H:%M:%S}{written})"
    return comparison("d", "D", op, literal, moment.replace(tzinfo=None), flip)


@st.composite
def texts(draw: st.DrawFn) -> Gen:
    value = draw(st.text(TEXT_ALPHABET, max_size=3))
    method = draw(st.sampled_from(["==", "!=", "Contains", "StartsWith", "EndsWith"]))
    if method in ("==", "!="):
        return comparison("t", "T", method, quoted(value), value, draw(st.booleans()))
    test = {"Contains": str.__contains__, "StartsWith": str.startswith, "EndsWith": str.endswith}[
        method
    ]
    return plain(
        f"T.{method}({quoted(value)})", lambda r: None if r["t"] is None else test(r["t"], value)
    )


def flag(row: Row) -> Truth:
    """AL-23 flags are two-valued: NULL or an unknown spelling is simply not true."""
    return row["f"] is not None and row["f"].upper() in AL23_TRUE_FLAGS


def not_flag(row: Row) -> Truth:
    return not flag(row)


def real(row: Row) -> Truth:
    value: Truth = row["b"]
    return value


def not_real(row: Row) -> Truth:
    return not3(row["b"])


def big(row: Row) -> Truth:
    return None if row["n"] is None else row["n"] > 3


def boolean_leaves() -> st.SearchStrategy[Gen]:
    return st.sampled_from([
        Gen("F", flag, not_flag),
        Gen("@IsDeleted", flag, not_flag),
        Gen("F == true", flag, not_flag),
        Gen("F != true", not_flag, flag),
        Gen("false == F", not_flag, flag),
        Gen("B", real, not_real),
        Gen("B == false", not_real, real),
        Gen("@IsBig", big, lambda r: not3(big(r))),
        plain("N == null", lambda r: r["n"] is None),
        plain("null != T", lambda r: r["t"] is not None),
        plain("Blob == null", lambda r: True),
    ])  # fmt: skip


def combine(children: st.SearchStrategy[Gen]) -> st.SearchStrategy[Gen]:
    def group(g: Gen) -> str:
        return g.text if g.atomic else f"({g.text})"

    def both(pair: tuple[Gen, Gen], op: str) -> Gen:
        a, b = pair
        fn = and3 if op == "&&" else or3
        return Gen(f"{group(a)} {op} {group(b)}", lambda r: fn(a.holds(r), b.holds(r)),
                   lambda r: not3(fn(a.holds(r), b.holds(r))), atomic=False)  # fmt: skip

    def negate(g: Gen) -> Gen:
        return Gen(f"!{group(g)}", g.negated, lambda r: not3(g.negated(r)))

    pairs = st.tuples(children, children)
    return st.one_of(
        pairs.map(lambda p: both(p, "&&")),
        pairs.map(lambda p: both(p, "||")),
        children.map(negate),
        children.map(lambda g: Gen(f"({g.text})", g.holds, g.negated)),
    )


FILTERS = st.recursive(
    st.one_of(numeric(), dates(), texts(), boolean_leaves()), combine, max_leaves=6
)


@SETTINGS
@given(FILTERS)
def test_generated_filters_translate_and_match_the_model(engine: sa.Engine, gen: Gen) -> None:
    predicate = translate_filter(gen.text, ItemResolver(), CONTEXT)
    with engine.connect() as connection:
        found = set(connection.execute(sa.select(item.c.ref).where(predicate)).scalars())
    assert found == {row["ref"] for row in ROWS if gen.holds(row) is True}, gen.text


def test_the_model_sees_every_row_kind() -> None:
    """Guard the data: each column has NULLs and non-NULLs, so 3VL is exercised."""
    for column in ("n", "x", "t", "f", "b", "d"):
        values = [row[column] for row in ROWS]
        assert None in values and any(v is not None for v in values), column
    assert set(TEXT_ALPHABET) >= set('%_\\"')
