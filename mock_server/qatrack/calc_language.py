"""The language composite procedures may use: limits, builtins, operators, refusals."""

from __future__ import annotations

import ast
import math
import operator
import re
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

MAX_SOURCE = 20_000  # characters of procedure text
MAX_DEPTH = 100  # nesting of syntax
MAX_STEPS = 100_000  # statements and expressions evaluated
MAX_WORK = 2_000_000  # list items and characters created or touched (~1 s in all)
MAX_LEN = 10_000  # items in a list or tuple
MAX_STR = 100_000  # characters in a string
MAX_INT_BITS = 2_048  # about 616 decimal digits
MAX_WIDTH = 999  # width or precision in a format specification
CYCLE_ERROR = "Cyclic test dependency"


class ProcedureError(Exception):
    """A procedure is refused or exceeds a limit; the message is for the user."""


@dataclass(frozen=True, repr=False)
class _Module:
    name: str
    members: Mapping[str, Any]

    def __repr__(self) -> str:
        return f"<module '{self.name}'>"


def _module(module: Any, names: str) -> _Module:
    members = {name: getattr(module, name) for name in names.split()}
    return _Module(module.__name__, MappingProxyType(members))


def _sum(items: Iterable[Any], start: Any = 0) -> Any:
    items = list(items)
    if not all(isinstance(item, int | float) for item in [*items, start]):
        raise TypeError("sum() only adds numbers in a calculation procedure")
    return sum(items, start)


def _round(number: Any, ndigits: Any = None) -> Any:
    if isinstance(ndigits, int) and abs(ndigits) > MAX_WIDTH:
        raise ProcedureError(f"round() accepts at most {MAX_WIDTH} digits")
    return round(number) if ndigits is None else round(number, ndigits)


MATH = _module(
    math,
    "acos asin atan atan2 ceil copysign cos cosh degrees e exp fabs floor fmod hypot inf "
    "isclose isfinite isinf isnan log log10 log1p log2 pi pow radians sin sinh sqrt tan "
    "tanh tau trunc",
)
STATISTICS = _module(statistics, "fmean mean median pstdev pvariance stdev variance")
MODULES: Mapping[str, _Module] = MappingProxyType({"math": MATH, "statistics": STATISTICS})
BUILTINS: Mapping[str, Any] = MappingProxyType({
    "abs": abs, "min": min, "max": max, "sum": _sum, "len": len, "round": _round,
    "float": float, "int": int, "bool": bool, "str": str, "mean": statistics.mean,
    "median": statistics.median, "stdev": statistics.stdev, **MODULES,
})
_CALLABLE_IDS = frozenset(
    id(obj) for obj in [*BUILTINS.values(), *MATH.members.values(), *STATISTICS.members.values()]
    if callable(obj)
)
_WEIGHTS = {id(_sum): 3, **{id(obj): 20 for obj in STATISTICS.members.values()}}  # per item
KEYWORDS = frozenset({"ndigits", "start", "default", "rel_tol", "abs_tol"})
FORBIDDEN_CALLS = frozenset({
    "exec", "eval", "open", "compile", "__import__", "getattr", "setattr", "delattr",
    "globals", "locals", "vars", "input", "breakpoint", "exit", "quit", "help", "type",
})
_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type, Callable[[Any], Any]] = {
    ast.UAdd: operator.pos, ast.USub: operator.neg, ast.Not: operator.not_,
}
_CONVERSIONS: dict[int, Callable[[Any], str]] = {115: str, 114: repr, 97: ascii}  # !s !r !a
_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_,
    ast.IsNot: operator.is_not, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}
_ALL_OPERATORS = frozenset({*_BINOPS, *_UNARY, *_COMPARE})
_OPERATORS = (ast.operator, ast.unaryop, ast.cmpop, ast.boolop, ast.expr_context)
_NODES = frozenset({
    ast.Module, ast.Assign, ast.AugAssign, ast.If, ast.Expr, ast.Pass, ast.Import,
    ast.ImportFrom, ast.alias, ast.Constant, ast.Name, ast.List, ast.Tuple, ast.BinOp,
    ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Subscript, ast.Slice, ast.Call,
    ast.keyword, ast.Attribute, ast.ListComp, ast.GeneratorExp, ast.comprehension,
    ast.JoinedStr, ast.FormattedValue,
})
_DESCRIBE = {
    "While": "while loops", "For": "for loops", "Lambda": "lambda expressions",
    "FunctionDef": "function definitions", "ClassDef": "class definitions", "Dict": "dicts",
    "Set": "sets", "Try": "try blocks", "With": "with blocks", "Delete": "del statements",
    "Global": "global statements", "Raise": "raise statements", "Assert": "assert statements",
    "NamedExpr": "assignment expressions (:=)", "Starred": "starred expressions",
    "AnnAssign": "annotations",
}
# A width or precision of "*" or of four digits (over MAX_WIDTH); no two parts of the
# pattern can match the same text, so the search is linear even in a 100,000-character format.
_WIDE_PERCENT = re.compile(
    r"%[-#+ 0]*(?:\*|[1-9]\d{3})|%[-#+ 0]*(?:[1-9]\d*)?\.(?:\*|0*[1-9]\d{3})"
)
_WIDE_SPEC = re.compile(r"[1-9]\d{3}")

