"""Translating Alemba's ``$filter`` into a parameterised SQLAlchemy Core predicate.

``translate_filter(text, resolver, context)`` parses the text (``filter_syntax``),
then walks the tree once, asking the entity's ``PropertyResolver`` for each
property path. The resolver owns the schema: it joins relations and
``$leftJoin``/``$innerJoin`` aliases, maps ``Partition`` like any property, and
reports each property's AL-22 data type. This module owns the language's rules:
which operator suits which type, which literal suits which property, and how
each comparison becomes SQL.

Every user-supplied value becomes a bound parameter; the SQL's shape depends
only on the filter's structure and the schema (AL-18: "translated to
parameterized SQL"). Text methods avoid ``LIKE`` so that ``%`` and ``_`` are
ordinary characters and matching stays case sensitive without touching global
settings: ``Contains`` is ``instr(col, :v) > 0`` (``strpos`` on PostgreSQL),
``StartsWith`` and ``EndsWith`` compare a ``substr`` of the column with the value.
Boolean flags stored as text (AL-23) are true when ``upper(col)`` is one of the
resolver's true values and false otherwise, NULL included, so ``!Flag``,
``Flag == false`` and ``!(Flag == true)`` agree; real booleans compare plainly
(NULL is unknown, as in SQL). DateTime columns hold naive UTC, so every date
value is converted to naive UTC before it is bound.
"""

from __future__ import annotations

import math
import operator
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timezone, tzinfo
from typing import Any, NoReturn, Protocol, runtime_checkable

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from .filter_syntax import (
    ORDERING_OPERATORS,
    And,
    Augmenter,
    BooleanLiteral,
    Comparison,
    DateTimeValue,
    Expr,
    FilterError,
    GuidValue,
    MethodCall,
    Not,
    NowValue,
    NullLiteral,
    NumberLiteral,
    Or,
    Path,
    SessionValue,
    StringLiteral,
    Value,
    fail,
    parse_filter,
)

INTEGER_TYPES = ("Integer", "Long", "Short")
REAL_TYPES = ("Float", "Double", "Decimal")
TEXT_TYPES = ("Text", "RichText")
DATA_TYPES = ("Binary", "Boolean", "DateTime", "Guid", *INTEGER_TYPES, *REAL_TYPES, *TEXT_TYPES)
ORDERED_TYPES = ("DateTime", *INTEGER_TYPES, *REAL_TYPES)
AL23_TRUE_FLAGS = ("Y", "YES", "T", "TRUE", "ON", "1", "P", "A")

_OPERATORS: dict[str, Callable[[Any, Any], ColumnElement[bool]]] = {
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
}


@dataclass(frozen=True)
class ResolvedProperty:
    """A property as the resolver found it: a column (already joined) and its AL-22 type.

    ``flag_true_values`` marks a Boolean stored as text flags (AL-23); None means
    a real boolean or an integer (0 false, anything else true).
    """

    column: ColumnElement[Any]
    data_type: str
    flag_true_values: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.data_type not in DATA_TYPES:
            raise ValueError(f"Unknown data type {self.data_type!r}; expected one of {DATA_TYPES}")
        if self.flag_true_values is not None and self.data_type != "Boolean":
            raise ValueError("flag_true_values applies to Boolean properties only")


class UnknownProperty(LookupError):
    """Raised by a resolver for a path it cannot resolve.

    ``entity`` names the entity the failing segment was looked up on, and
    ``segment`` is that segment's index in ``path`` (None: the path as a whole).
    """

    def __init__(
        self, path: tuple[str, ...], entity: str | None = None, segment: int | None = None
    ) -> None:
        super().__init__(".".join(path))
        self.path, self.entity, self.segment = path, entity, segment


class PropertyResolver(Protocol):
    """What the translator needs from an entity's schema."""

    def resolve(self, path: tuple[str, ...]) -> ResolvedProperty:
        """The column for a property path; raises ``UnknownProperty``."""
        ...

    def deleted_flag(self) -> ResolvedProperty | None:
        """The Boolean behind ``@IsDeleted``; None when the entity is never deleted."""
        ...


@runtime_checkable
class ConditionResolver(PropertyResolver, Protocol):
    """Optional: an entity's own condition augmenters (``@IsAssignedToMe``, ``@SlmBreached``)."""

    def condition(self, name: str) -> ColumnElement[bool] | None:
        """The predicate for ``@name`` (without the ``@``); None when the entity has none."""
        ...


@dataclass(frozen=True)
class FilterContext:
    """Per-request values the language refers to."""

    now: datetime  # aware; from the mock's movable clock
    local_tz: tzinfo  # the server's zone, for @DateTime values without one
    user_id: int | None = None
    organization_id: int | None = None

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("FilterContext.now must be timezone-aware")


class _Position(FunctionElement[int]):
    """1-based position of a substring: ``instr(s, sub)``, or ``strpos`` on PostgreSQL."""

    type = sa.Integer()
    inherit_cache = True


@compiles(_Position)
def _instr(element: _Position, compiler: SQLCompiler, **kw: Any) -> str:
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(_Position, "postgresql")
def _strpos(element: _Position, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


def _text_method(method: str, column: ColumnElement[Any], value: str) -> ColumnElement[bool]:
    needle = sa.bindparam(None, value, type_=sa.String())
    if method == "Contains":
        return _Position(column, needle) > 0
    size = sa.bindparam(None, len(value), type_=sa.Integer())
    if method == "StartsWith":
        return sa.func.substr(column, 1, size) == needle
    # A value longer than the column yields a shorter substr, which cannot be equal.
    return sa.func.substr(column, sa.func.length(column) - size + 1) == needle


def boolean_test(prop: ResolvedProperty, want: bool) -> ColumnElement[bool]:
    """``prop == want`` for a Boolean, whichever way it is stored."""
    column = prop.column
    if prop.flag_true_values is not None:  # two-valued: a NULL flag is simply not true
        flag = sa.func.coalesce(sa.func.upper(column), "")
        # one bound value each (not an expanding IN): the SQL stays one fixed string
        is_true = flag.in_([sa.literal(v.upper()) for v in prop.flag_true_values])
        return is_true if want else sa.not_(is_true)
    if isinstance(column.type, sa.Boolean):
        return column == sa.true() if want else column == sa.false()
    return column != 0 if want else column == 0


def describe(prop: ResolvedProperty, path: Path) -> str:
    return f"{prop.data_type} property '{path.source}'"


# --- values for each data type: (column expression, bound Python value) ------

_INTEGER_LIMITS = {"Short": 2**15, "Integer": 2**31, "Long": 2**63}
_Coerced = tuple[ColumnElement[Any], Any]


def _mismatch(prop: ResolvedProperty, path: Path, value: Value, hint: str = "") -> NoReturn:
    source = value.source if len(value.source) <= 40 else value.source[:39] + "\u2026"
    fail(f"Cannot compare {describe(prop, path)} with {source}", value.pos, hint)


def _guid(column: ColumnElement[Any], value: uuid.UUID) -> _Coerced:
    if isinstance(column.type, sa.Uuid) and column.type.as_uuid:
        return column, value
    if isinstance(column.type, sa.Uuid):
        return column, str(value)
    return sa.func.lower(column), str(value)  # GUID text compares case-insensitively


def _text_value(prop: ResolvedProperty, path: Path, value: Value, _: FilterContext) -> _Coerced:
    if isinstance(value, StringLiteral):
        return prop.column, value.value
    if isinstance(value, GuidValue):
        return _guid(prop.column, value.value)
    _mismatch(prop, path, value)


def _guid_value(prop: ResolvedProperty, path: Path, value: Value, _: FilterContext) -> _Coerced:
    if isinstance(value, GuidValue):
        return _guid(prop.column, value.value)
    if isinstance(value, StringLiteral):
        try:
            return _guid(prop.column, uuid.UUID(value.value))
        except ValueError:
            pass
    _mismatch(prop, path, value, "expected @Guid(...)")


def _session_id(value: SessionValue, context: FilterContext) -> int:
    found = context.user_id if value.name == "UserId" else context.organization_id
    if found is None:
        owner = "user" if value.name == "UserId" else "organization"
        fail(f"{value.source} is not available", value.pos, f"the session has no {owner}")
    return found


def _integer_value(
    prop: ResolvedProperty, path: Path, value: Value, ctx: FilterContext
) -> _Coerced:
    if isinstance(value, SessionValue):
        return prop.column, _session_id(value, ctx)
    if not isinstance(value, NumberLiteral) or not value.is_integer:
        _mismatch(prop, path, value)
    limit = _INTEGER_LIMITS[prop.data_type]
    if not -limit <= value.value < limit:
        fail(f"Value {value.source} is out of range for {describe(prop, path)}", value.pos)
    return prop.column, int(value.value)


def _real_value(prop: ResolvedProperty, path: Path, value: Value, _: FilterContext) -> _Coerced:
    if not isinstance(value, NumberLiteral):
        _mismatch(prop, path, value)
    if not math.isfinite(float(value.value)):
        fail(f"Value {value.source} is out of range for {describe(prop, path)}", value.pos)
    bound = value.value if prop.data_type == "Decimal" else float(value.value)
    return prop.column, bound


def _utc(value: DateTimeValue | NowValue, context: FilterContext) -> datetime:
    """The moment as the database stores it: naive UTC."""
    try:
        if isinstance(value, NowValue):
            moment = context.now + value.offset
        else:
            zone = context.local_tz if value.offset is None else timezone(value.offset)
            moment = value.wall.replace(tzinfo=zone)
        return moment.astimezone(UTC).replace(tzinfo=None)
    except (OverflowError, ValueError):
        fail(f"{value.source} is out of range", value.pos)


def _datetime_value(
    prop: ResolvedProperty, path: Path, value: Value, ctx: FilterContext
) -> _Coerced:
    if isinstance(value, DateTimeValue | NowValue):
        return prop.column, _utc(value, ctx)
    _mismatch(prop, path, value, "use @DateTime(...), @Now or @NowOffset(d,h,m)")


def _binary_value(prop: ResolvedProperty, path: Path, value: Value, _: FilterContext) -> _Coerced:
    fail(f"{describe(prop, path)} can only be compared with null", value.pos)


def _boolean_value(prop: ResolvedProperty, path: Path, value: Value, _: FilterContext) -> _Coerced:
    _mismatch(prop, path, value, "expected true or false")


_COERCERS: dict[str, Callable[[ResolvedProperty, Path, Value, FilterContext], _Coerced]] = {
    "Binary": _binary_value,
    "Boolean": _boolean_value,
    "DateTime": _datetime_value,
    "Guid": _guid_value,
    **dict.fromkeys(INTEGER_TYPES, _integer_value),
    **dict.fromkeys(REAL_TYPES, _real_value),
    **dict.fromkeys(TEXT_TYPES, _text_value),
}


def coerce_value(
    prop: ResolvedProperty, path: Path, value: Value, context: FilterContext
) -> _Coerced:
    """The column side and the bound value for comparing ``prop`` with ``value``."""
    return _COERCERS[prop.data_type](prop, path, value, context)


class _Translator:
    """One walk over the syntax tree, for one resolver and context."""

    def __init__(self, resolver: PropertyResolver, context: FilterContext) -> None:
        self.resolver, self.context = resolver, context

    def expression(self, node: Expr) -> ColumnElement[bool]:
        match node:
            case Or(operands):
                return sa.or_(*(self.expression(item) for item in operands))
            case And(operands):
                return sa.and_(*(self.expression(item) for item in operands))
            case Not(operand):
                return self.negation(operand)
            case Comparison():
                return self.comparison(node)
            case MethodCall():
                return self.method(node)
            case Path():
                return self.truth(node, want=True)
        return self.condition(node, want=True)

    def negation(self, node: Expr) -> ColumnElement[bool]:
        """``!Flag`` means ``Flag == false``; any other ``!e`` is SQL's NOT."""
        match node:
            case Path():
                return self.truth(node, want=False)
            case Augmenter():
                return self.condition(node, want=False)
        return sa.not_(self.expression(node))

    def resolve(self, path: Path) -> ResolvedProperty:
        try:
            return self.resolver.resolve(path.segments)
        except UnknownProperty as error:
            where = f" on {error.entity}" if error.entity else ""
            if error.segment is not None and 0 <= error.segment < len(path.segments):
                name, pos = path.segments[error.segment], path.positions[error.segment]
            else:
                name, pos = path.source, path.pos
            fail(f"Unknown property '{name}'{where}", pos)

    def truth(self, path: Path, want: bool) -> ColumnElement[bool]:
        prop = self.resolve(path)
        if prop.data_type != "Boolean":
            fail(f"{describe(prop, path)} is not Boolean", path.pos, "compare it with a value")
        return boolean_test(prop, want)

    def condition(self, node: Augmenter, want: bool) -> ColumnElement[bool]:
        if node.name == "IsDeleted":
            flag = self.resolver.deleted_flag()
            if flag is None:  # an entity without a deleted flag has nothing deleted
                return sa.false() if want else sa.true()
            return boolean_test(flag, want)
        predicate = None
        if isinstance(self.resolver, ConditionResolver):
            predicate = self.resolver.condition(node.name)
        if predicate is None:
            fail(f"Unknown augmenter '{node.source}'", node.pos)
        return predicate if want else sa.not_(predicate)

    def comparison(self, node: Comparison) -> ColumnElement[bool]:
        if isinstance(node.subject, Augmenter):
            if node.op not in ("==", "!="):
                fail(f"Operator '{node.op}' is not supported for '{node.subject.source}'", node.pos)
            value = node.value  # the syntax allows only true or false here
            want = (isinstance(value, BooleanLiteral) and value.value) != (node.op == "!=")
            return self.condition(node.subject, want)
        prop = self.resolve(node.subject)
        return self.compare(prop, node.subject, node.op, node.value, node.pos)

    def compare(
        self, prop: ResolvedProperty, path: Path, op: str, value: Value, pos: int
    ) -> ColumnElement[bool]:
        if op in ORDERING_OPERATORS and prop.data_type not in ORDERED_TYPES:
            fail(f"Operator '{op}' is not supported for {describe(prop, path)}", pos)
        if isinstance(value, NullLiteral):
            if op in ORDERING_OPERATORS:
                fail(f"Operator '{op}' cannot be used with null", pos)
            return prop.column.is_(None) if op == "==" else prop.column.is_not(None)
        if prop.data_type == "Boolean" and isinstance(value, BooleanLiteral):
            return boolean_test(prop, value.value != (op == "!="))
        column, bound = coerce_value(prop, path, value, self.context)
        return _OPERATORS[op](column, bound)

    def method(self, node: MethodCall) -> ColumnElement[bool]:
        prop = self.resolve(node.path)
        if prop.data_type not in TEXT_TYPES:
            what = f"Method '{node.method}' is not supported for {describe(prop, node.path)}"
            fail(what, node.pos, "it applies to Text and RichText properties")
        return _text_method(node.method, prop.column, node.argument.value)


def translate_filter(
    text: str, resolver: PropertyResolver, context: FilterContext
) -> ColumnElement[bool]:
    """The ``$filter`` text as a SQLAlchemy predicate with bound parameters only.

    Raises ``FilterError`` (message and 0-based position) for anything malformed.
    """
    tree = parse_filter(text)
    try:
        return _Translator(resolver, context).expression(tree)
    except sa.exc.SQLAlchemyError as error:  # a resolver column that will not compare
        raise FilterError(f"Cannot translate the filter: {error}") from error


__all__ = [
    "AL23_TRUE_FLAGS",
    "DATA_TYPES",
    "ConditionResolver",
    "FilterContext",
    "FilterError",
    "PropertyResolver",
    "ResolvedProperty",
    "UnknownProperty",
    "boolean_test",
    "parse_filter",
    "translate_filter",
]
