"""Parsing Alemba's ``$filter`` (AL-18, AL-19) into a small, typed syntax tree.

The grammar lives in ``filter_grammar.lark`` and is parsed LALR(1) with lark's
contextual lexer. The tree builder is handed to lark itself, so nodes are built
bottom-up while parsing: no recursion, however deep the input nests. The result
is a tree of frozen dataclasses that knows nothing of databases; literal values
are decoded here (strings unescaped, numbers as ``Decimal``, ``@DateTime`` split
into wall time and zone, ``@Guid`` as ``UUID``), and structural rules that need
no schema are checked here too (one side of a comparison is a property, methods
are Contains/StartsWith/EndsWith). Nesting deeper than ``MAX_NESTING`` is refused,
so the recursive translation in ``filter.py`` stays shallow.

Every problem, lark's included, surfaces as ``FilterError`` with a 0-based
character ``position`` into the text; the message repeats it in words.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from typing import Any, NoReturn, cast

from lark import Lark, LarkError, Token, Transformer, UnexpectedInput
from lark.exceptions import UnexpectedCharacters, UnexpectedToken

MAX_NESTING = 50
#: at most this many terms (comparisons, methods, augmenters): the database's own
#: expression-depth and parameter limits are reached long before a client needs more
MAX_TERMS = 500
METHODS = ("Contains", "StartsWith", "EndsWith")
SESSION_AUGMENTERS = ("UserId", "OrganizationId")
ORDERING_OPERATORS = (">", "<", ">=", "<=")
_FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "==": "==", "!=": "!="}


class FilterError(ValueError):
    """A filter that cannot be parsed or translated: the mock answers ``400``."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


def fail(what: str, position: int | None, hint: str = "") -> NoReturn:
    """Raise ``FilterError`` saying what is wrong, where, and (optionally) what would do."""
    where = "" if position is None else f" at position {position}"
    raise FilterError(f"{what}{where}{': ' if hint else ''}{hint}", position)


# --- the syntax tree ---------------------------------------------------------


@dataclass(frozen=True)
class Path:
    """``Priority.Name``: names as written, each with its position."""

    segments: tuple[str, ...]
    positions: tuple[int, ...]

    @property
    def pos(self) -> int:
        return self.positions[0]

    @property
    def source(self) -> str:
        return ".".join(self.segments)


@dataclass(frozen=True)
class StringLiteral:
    value: str
    pos: int
    source: str


@dataclass(frozen=True)
class NumberLiteral:
    value: Decimal
    pos: int
    source: str

    @property
    def is_integer(self) -> bool:
        return "." not in self.source


@dataclass(frozen=True)
class BooleanLiteral:
    value: bool
    pos: int
    source: str


@dataclass(frozen=True)
class NullLiteral:
    pos: int
    source: str = "null"


@dataclass(frozen=True)
class DateTimeValue:
    """``@DateTime(...)``: wall-clock time plus its UTC offset (None: server local time)."""

    wall: datetime
    offset: timedelta | None
    pos: int
    source: str


@dataclass(frozen=True)
class NowValue:
    """``@Now`` (offset zero) or ``@NowOffset(days, hours, minutes)``."""

    offset: timedelta
    pos: int
    source: str


@dataclass(frozen=True)
class GuidValue:
    value: uuid.UUID
    pos: int
    source: str


@dataclass(frozen=True)
class SessionValue:
    """``@UserId`` or ``@OrganizationId``: an id taken from the session."""

    name: str
    pos: int
    source: str


@dataclass(frozen=True)
class Augmenter:
    """A condition augmenter such as ``@IsDeleted``: true or false per row."""

    name: str
    pos: int
    source: str


Value = (
    StringLiteral
    | NumberLiteral
    | BooleanLiteral
    | NullLiteral
    | DateTimeValue
    | NowValue
    | GuidValue
    | SessionValue
)


@dataclass(frozen=True)
class Comparison:
    """``subject op value``, normalised so the property (or condition) is on the left."""

    subject: Path | Augmenter
    op: str
    value: Value
    pos: int


@dataclass(frozen=True)
class MethodCall:
    path: Path
    method: str
    argument: StringLiteral
    pos: int


@dataclass(frozen=True)
class Not:
    operand: Expr
    pos: int


@dataclass(frozen=True)
class And:
    operands: tuple[Expr, ...]

    @property
    def pos(self) -> int:
        return self.operands[0].pos


@dataclass(frozen=True)
class Or:
    operands: tuple[Expr, ...]

    @property
    def pos(self) -> int:
        return self.operands[0].pos


# A bare Path means "== true"; a bare Augmenter is a condition.
Expr = Or | And | Not | Comparison | MethodCall | Path | Augmenter
Operand = Path | Augmenter | Value


# --- decoding literal tokens ---------------------------------------------------

_BLANK = re.compile(r"[\s\u200b\ufeff]*")
_ESCAPE = re.compile(r'\\(["\\])')
_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-][\d:]+)?"
)


def decode_string(token: Token) -> StringLiteral:
    """``"a\\"b"`` → ``a"b``: ``\\"`` and ``\\\\`` are escapes, other backslashes stay."""
    return StringLiteral(_ESCAPE.sub(r"\1", token[1:-1]), token.start_pos or 0, str(token))


def _zone(text: str | None, pos: int) -> timedelta | None:
    if text is None:
        return None
    if text == "Z":
        return timedelta(0)
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        fail(f"Invalid time zone offset '{text}' in @DateTime", pos)
    offset = timedelta(hours=hours, minutes=minutes)
    return -offset if text[0] == "-" else offset


def decode_datetime(token: Token, start: int) -> DateTimeValue:
    """``2024-01-31T10:00+1`` → wall time and offset; the node sits at ``start`` (the ``@``)."""
    pos = token.start_pos or 0
    match = _DATETIME.fullmatch(str(token))
    if match is None:  # the grammar's terminal and this pattern agree; kept as a guard
        fail(f"Invalid date/time '{token}' in @DateTime", pos)
    *fields, fraction, zone = match.groups()
    year, month, day, hour, minute, second = (int(f or 0) for f in fields)
    micro = int((fraction or "0")[:6].ljust(6, "0"))  # .NET writes 7 digits; keep 6
    try:
        wall = datetime(year, month, day, hour, minute, second, micro)
    except ValueError:
        fail(f"Invalid date/time '{token}' in @DateTime", pos)
    return DateTimeValue(wall, _zone(zone, pos), start, f"@DateTime({token})")


def decode_guid(token: Token, start: int) -> GuidValue:
    text, pos = str(token), token.start_pos or 0
    if text.startswith("{") != text.endswith("}"):
        fail(f"Unbalanced braces in GUID '{text}'", pos)
    return GuidValue(uuid.UUID(text.strip("{}")), start, f"@Guid({text})")


def small_int(token: Token) -> int:
    if len(token.lstrip("-")) > 9:
        fail(f"Number '{token}' is out of range", token.start_pos)
    return int(token)


# --- building the tree while parsing -------------------------------------------


class _TreeBuilder(Transformer[Token, Any]):
    """lark callbacks, one per rule or alias of the grammar."""

    def or_expr(self, children: list[Any]) -> Or:
        return Or(tuple(children[::2]))

    def and_expr(self, children: list[Any]) -> And:
        return And(tuple(children[::2]))

    def negation(self, children: list[Any]) -> Not:
        bang, operand = children
        return Not(operand, bang.start_pos)

    def group(self, children: list[Any]) -> Expr:
        return children[1]

    def truth(self, children: list[Any]) -> Path:
        return children[0]

    def condition(self, children: list[Any]) -> Augmenter:
        (node,) = children
        if not isinstance(node, Augmenter):
            what = f"'{node.source}' is a value, not a condition"
            fail(what, node.pos, "compare it with a property")
        return node

    def path(self, children: list[Token]) -> Path:
        names = children[::2]
        return Path(tuple(str(n) for n in names), tuple(n.start_pos or 0 for n in names))

    def literal(self, children: list[Token]) -> Value:
        (token,) = children
        pos, text = token.start_pos or 0, str(token)
        match token.type:
            case "STRING":
                return decode_string(token)
            case "NUMBER":
                return NumberLiteral(Decimal(text), pos, text)
            case "NULL":
                return NullLiteral(pos)
        return BooleanLiteral(token.type == "TRUE", pos, text)

    def datetime_augmenter(self, children: list[Token]) -> DateTimeValue:
        return decode_datetime(children[2], children[0].start_pos or 0)

    def guid_augmenter(self, children: list[Token]) -> GuidValue:
        return decode_guid(children[2], children[0].start_pos or 0)

    def now_offset_augmenter(self, children: list[Token]) -> NowValue:
        days, hours, minutes = (small_int(t) for t in children[2:7:2])
        offset = timedelta(days=days, hours=hours, minutes=minutes)
        source = f"@NowOffset({days},{hours},{minutes})"
        return NowValue(offset, children[0].start_pos or 0, source)

    def named_augmenter(self, children: list[Token]) -> NowValue | SessionValue | Augmenter:
        (token,) = children
        name, pos, source = token[1:], token.start_pos or 0, str(token)
        if name == "Now":
            return NowValue(timedelta(0), pos, source)
        if name in SESSION_AUGMENTERS:
            return SessionValue(name, pos, source)
        return Augmenter(name, pos, source)

    def method_call(self, children: list[Any]) -> MethodCall:
        path, _, token, _ = children
        method, pos = path.segments[-1], path.positions[-1]
        if method not in METHODS:
            fail(f"Unknown method '{method}'", pos, "expected Contains, StartsWith or EndsWith")
        if len(path.segments) < 2:
            fail(f"Method '{method}' needs a property", pos, f'as in Name.{method}("x")')
        target = Path(path.segments[:-1], path.positions[:-1])
        return MethodCall(target, method, decode_string(token), pos)

    def comparison(self, children: list[Any]) -> Comparison:
        left, op_token, right = children
        op, pos = ("==" if op_token == "=" else str(op_token)), op_token.start_pos
        if isinstance(left, Path | Augmenter):
            return _comparison(left, op, right, pos)
        if isinstance(right, Path | Augmenter):
            return _comparison(right, _FLIP[op], left, pos)
        fail("A comparison needs a property on one side", pos)


def _comparison(subject: Path | Augmenter, op: str, value: Operand, pos: int) -> Comparison:
    if isinstance(value, Path):
        what = f"Cannot compare '{subject.source}' with property '{value.source}'"
        fail(what, value.pos, "one side must be a value")
    if isinstance(value, Augmenter):
        fail(f"'{value.source}' is a condition, not a value", value.pos)
    if isinstance(subject, Augmenter) and not isinstance(value, BooleanLiteral):
        fail(f"'{subject.source}' is a condition", value.pos, "compare it only with true or false")
    return Comparison(subject, op, value, pos)


# --- parsing and lark's errors -------------------------------------------------

# Plain words for the grammar's terminals, in the order they are listed.
_WORDS = {
    "NOT": "'!'",
    "LPAR": "'('",
    "RPAR": "')'",
    "DOT": "'.'",
    "COMMA": "','",
    "AND": "'&&'",
    "OR": "'||'",
    "COMPARE": "a comparison operator (==, !=, >, <, >=, <=)",
    "NAME": "a property",
    "VALUE": "a value",
    "AUGMENTER": "an augmenter",
    "INT": "a whole number",
    "DATETIME": "an ISO 8601 date/time such as 2024-01-31T10:00:00Z",
    "GUID": "a GUID such as 75f7a7d5-652f-4e30-bd92-dc6e9594b28b",
    "STRING": "a string in double quotes",
    "$END": "the end of the filter",
}
_ALIASES = {
    "TRUE": "VALUE",
    "FALSE": "VALUE",
    "NULL": "VALUE",
    "NUMBER": "VALUE",
    "DATETIME_FN": "AUGMENTER",
    "GUID_FN": "AUGMENTER",
    "NOWOFFSET_FN": "AUGMENTER",
}


def expected_words(names: set[str]) -> str:
    """``{'RPAR', 'AND', 'OR'}`` → ``"')', '&&' or '||'"``."""
    aliases = dict(_ALIASES, STRING="VALUE") if "NUMBER" in names else _ALIASES
    keys = {aliases.get(name, name) for name in names}
    words = [word for key, word in _WORDS.items() if key in keys]
    if len(words) < 2:
        return "".join(words) or "nothing more"
    return ", ".join(words[:-1]) + " or " + words[-1]


def _accepted_at(text: str, pos: int, fallback: set[str]) -> set[str]:
    """The terminals the parser would take at ``pos`` (the lexer's own list is coarser)."""
    try:
        interactive = _parser().parse_interactive(text[:pos])
        interactive.exhaust_lexer()
        return set(interactive.accepts())
    except (LarkError, FilterError):
        return fallback


def _syntax_error(error: UnexpectedInput, text: str) -> FilterError:
    if isinstance(error, UnexpectedCharacters):
        pos = error.pos_in_stream or 0
        if text[pos] == '"':
            return FilterError(f"Unterminated string starting at position {pos}", pos)
        expected = _accepted_at(text, pos, set(error.allowed))
        found = f"Unexpected character {text[pos]!r} at position {pos}"
        return FilterError(f"{found}: expected {expected_words(expected)}", pos)
    if isinstance(error, UnexpectedToken):
        expected = set(error.accepts)  # exact, unlike error.expected under LALR merging
    else:
        expected = set(getattr(error, "expected", None) or ())
    if isinstance(error, UnexpectedToken) and error.token.type != "$END":
        pos, token = error.token.start_pos or 0, error.token
        found = f"Unexpected '{token}' at position {pos}"
    else:
        pos = len(text)
        found = f"Unexpected end of filter at position {pos}"
    return FilterError(f"{found}: expected {expected_words(expected)}", pos)


@cache
def _parser() -> Lark:
    grammar = resources.files(__package__).joinpath("filter_grammar.lark").read_text("utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", transformer=_TreeBuilder())


def _children(node: Expr) -> tuple[Expr, ...]:
    if isinstance(node, Or | And):
        return node.operands
    return (node.operand,) if isinstance(node, Not) else ()


def check_nesting(tree: Expr, limit: int = MAX_NESTING, terms: int = MAX_TERMS) -> None:
    """Refuse absurd nesting, and more terms than the database can take, before
    anything recursive walks the tree or SQL is built."""
    stack = [(tree, 1)]
    leaves = 0
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            fail(f"The filter nests more than {limit} levels deep", node.pos)
        children = _children(node)
        leaves += not children
        if leaves > terms:
            fail(f"The filter has more than {terms} terms; split the search", node.pos)
        stack.extend((child, depth + 1) for child in children)


@lru_cache(maxsize=512)
def parse_filter(text: str) -> Expr:
    """Parse a ``$filter`` value into its syntax tree; raises ``FilterError``.

    Clients repeat the same filters, and the tree is immutable, so parses are
    remembered (a failed parse raises again each time: lru_cache keeps no errors).
    """
    if _BLANK.fullmatch(text):
        raise FilterError("The filter is empty", 0)
    try:
        tree = cast(Expr, _parser().parse(text))
    except UnexpectedInput as error:
        raise _syntax_error(error, text) from None
    except LarkError as error:  # not expected; never let lark's own type escape
        raise FilterError(f"Invalid filter: {error}") from None
    check_nesting(tree)
    return tree
