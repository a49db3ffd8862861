"""Composite tests: QATrack+ calculation procedures, interpreted safely (QT-11).

The real server runs a procedure as Python with the other tests' values bound
by slug; ``reference/qatrack.md``: "the mock evaluates a safe expression
language over the same names, never arbitrary code". We parse with ``ast``,
refuse anything outside a small subset before running, and interpret the rest.

- "the result is ``result`` or the variable named after the slug": ``result``
  when assigned, else the slug's variable, else an error. Numbers (booleans
  too) become floats, text stays text; other values or non-finite numbers are
  errors.
- "a missing dependency makes the value null": a name the procedure reads
  (``dependencies``) that is ``None`` in ``values`` (skipped, not submitted)
  gives ``CompositeResult(None, None, missing=(...))``. No error: an error
  stops a submission at stage 5 (``Error with <slug> test: ...``) while the
  server answers this case at stage 6: "If these are composite tests with
  missing dependencies, they should be marked as skipped". A name bound
  nowhere is ``NameError: name 'x' is not defined``, as in Python.
- "evaluation follows dependencies; a cycle is an error": ``evaluate_all``
  runs composites in dependency order; tests on a cycle get
  ``Cyclic test dependency``; a composite depending on a failed one sees a
  missing dependency.
- Language: assignment (tuple unpacking, augmented), ``if``/``elif``/``else``,
  expression statements, ``pass``, imports of ``math``/``statistics`` only;
  literals, names, flat lists and tuples, ``+ - * / // % **``, unary and
  boolean operators, chained comparisons (``in``, ``is``), conditional
  expressions, indexing, slicing, f-strings, list comprehensions, generator
  expressions, calls to ``BUILTINS`` and ``math``/``statistics`` members
  (bound without importing, as the real context binds ``math``). ``mean``,
  ``median``, ``stdev`` are bare names because real procedures use numpy's.
- Limits (constants below) bound source size, nesting, steps, data touched,
  lengths, integer bits, powers and format widths: nothing can hang or
  exhaust memory. Runtime errors read like Python's (``ZeroDivisionError:
  division by zero``); refusals name the line.
"""

from __future__ import annotations

import ast
import math
import operator
import re
import statistics
from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
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


@dataclass(frozen=True)
class CompositeResult:
    value: float | str | None
    error: str | None = None
    missing: tuple[str, ...] = ()


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


def evaluate_composite(procedure: str, slug: str, values: Mapping[str, object]) -> CompositeResult:
    """Run ``procedure`` with ``values`` bound by slug; never raises for user input."""
    try:
        tree = _parse(procedure)
        context = {key: _plain(value) for key, value in values.items() if isinstance(key, str)}
        missing = sorted(name for name in _scan(tree) if name in context and context[name] is None)
        if missing:
            return CompositeResult(None, None, tuple(missing))
        interpreter = _Interpreter(context)
        interpreter.run(tree.body)
        return CompositeResult(_result(interpreter.env, slug))
    except ProcedureError as exc:
        return CompositeResult(None, str(exc))
    except Exception as exc:  # whatever the procedure raised, worded as Python words it
        return CompositeResult(None, f"{type(exc).__name__}: {exc}")


def dependencies(procedure: str) -> set[str]:
    """Names read before (or without) being bound, minus builtins; none if refused."""
    try:
        return _scan(_parse(procedure))
    except ProcedureError:
        return set()


def evaluate_all(
    composites: Mapping[str, str], values: Mapping[str, object]
) -> dict[str, CompositeResult]:
    """Every composite, in dependency order, each seeing the results before it."""
    graph = {slug: dependencies(proc) & composites.keys() for slug, proc in composites.items()}
    cyclic: set[str] = set()
    while True:  # each round takes at least one more test off the graph
        acyclic = {slug: deps - cyclic for slug, deps in graph.items() if slug not in cyclic}
        try:
            order = list(TopologicalSorter(acyclic).static_order())
            break
        except CycleError as exc:
            cyclic |= set(exc.args[1])
    context = {**values, **dict.fromkeys(cyclic)}
    results = {slug: CompositeResult(None, CYCLE_ERROR) for slug in cyclic}
    for slug in order:
        results[slug] = evaluate_composite(composites[slug], slug, context)
        context[slug] = results[slug].value
    return {slug: results[slug] for slug in composites}


def _parse(procedure: str) -> ast.Module:
    if not isinstance(procedure, str):
        raise ProcedureError("the procedure must be text")
    if len(procedure) > MAX_SOURCE:
        raise ProcedureError(f"the procedure is longer than {MAX_SOURCE} characters")
    try:
        tree = ast.parse(procedure, mode="exec")
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        raise ProcedureError(f"SyntaxError: {exc.msg}{where}") from None
    except (ValueError, RecursionError, MemoryError):
        raise ProcedureError("the procedure is nested too deeply") from None
    stack: list[tuple[ast.AST, int, int]] = [(tree, 0, 1)]
    while stack:  # depth first, in source order, without recursion
        node, depth, line = stack.pop()
        line = getattr(node, "lineno", line)
        problem = "the procedure is nested too deeply" if depth > MAX_DEPTH else _problem(node)
        if problem:
            raise ProcedureError(f"line {line}: {problem}")
        children = [kid for kid in ast.iter_child_nodes(node) if not isinstance(kid, _OPERATORS)]
        stack.extend((child, depth + 1, line) for child in reversed(children))
    return tree


def _problem(node: ast.AST) -> str | None:
    """Why ``node`` is refused (operators are checked with their parent)."""
    kind = type(node).__name__
    if type(node) not in _NODES:
        return f"{_DESCRIBE[kind]} are not allowed" if kind in _DESCRIBE else f"{kind} is refused"
    if isinstance(node, ast.Name) and node.id.startswith("__"):
        return f"the name '{node.id}' is not allowed"
    if isinstance(node, ast.Attribute | ast.Subscript) and not isinstance(node.ctx, ast.Load):
        return "assigning to an attribute or an item is not allowed"
    if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
        return f"the attribute '{node.attr}' is not allowed"
    if isinstance(node, ast.Constant) and not isinstance(node.value, int | float | str | None):
        return f"{type(node.value).__name__} literals are not allowed"
    if isinstance(node, ast.Import | ast.ImportFrom):
        return _import_problem(node)
    if isinstance(node, ast.Call) and (name := getattr(node.func, "id", "")) in FORBIDDEN_CALLS:
        return f"calling '{name}' is not allowed"
    if isinstance(node, ast.keyword) and node.arg not in KEYWORDS:
        return f"the keyword argument '{node.arg or '**'}' is not allowed"
    if isinstance(node, ast.comprehension) and node.is_async:
        return "async comprehensions are not allowed"
    ops: list[ast.AST] = list(getattr(node, "ops", []))  # a comparison's
    if isinstance(node, ast.BinOp | ast.AugAssign | ast.UnaryOp):
        ops.append(node.op)
    bad = [op for op in ops if type(op) not in _ALL_OPERATORS]
    return f"the operator {type(bad[0]).__name__} is not allowed" if bad else None


def _import_problem(node: ast.Import | ast.ImportFrom) -> str | None:
    allowed = "only math and statistics may be imported"
    if isinstance(node, ast.Import):
        bad = [alias.name for alias in node.names if alias.name not in MODULES]
        return f"importing '{bad[0]}' is not allowed ({allowed})" if bad else None
    if node.level or node.module not in MODULES:
        return f"importing from '{node.module}' is not allowed ({allowed})"
    members = MODULES[node.module or ""].members
    bad = [alias.name for alias in node.names if alias.name not in members]
    return f"'{bad[0]}' cannot be imported from {node.module}" if bad else None


def _scan(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    _scan_block(tree.body, set(), found)
    return found


def _scan_block(body: list[ast.stmt], bound: set[str], found: set[str]) -> None:
    """Statements in order: a name counts when read before anything binds it."""
    for stmt in body:
        if isinstance(stmt, ast.Assign | ast.AugAssign):
            if isinstance(stmt, ast.AugAssign):
                _scan_expr(ast.Name(getattr(stmt.target, "id", ""), ast.Load()), bound, found)
            _scan_expr(stmt.value, bound, found)
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            bound |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(stmt, ast.If):
            _scan_expr(stmt.test, bound, found)
            _scan_block(stmt.body, bound, found)
            _scan_block(stmt.orelse, bound, found)
        elif isinstance(stmt, ast.Import | ast.ImportFrom):
            bound |= {alias.asname or alias.name for alias in stmt.names}
        else:
            _scan_expr(stmt, bound, found)


def _scan_expr(node: ast.AST, bound: set[str], found: set[str]) -> None:
    if isinstance(node, ast.Name):
        if node.id not in bound and node.id not in BUILTINS:
            found.add(node.id)
    elif isinstance(node, ast.ListComp | ast.GeneratorExp):
        local = set(bound)
        for generator in node.generators:
            _scan_expr(generator.iter, local, found)
            local |= {n.id for n in ast.walk(generator.target) if isinstance(n, ast.Name)}
            for condition in generator.ifs:
                _scan_expr(condition, local, found)
        _scan_expr(node.elt, local, found)
    else:
        for child in ast.iter_child_nodes(node):
            _scan_expr(child, bound, found)


def _plain(value: object) -> object:
    """Inputs the language can hold; anything else (a dict, say) counts as missing."""
    scalar = bool | int | float | str | None
    if isinstance(value, scalar):
        return value
    if isinstance(value, list | tuple) and len(value) <= MAX_LEN:
        return list(value) if all(isinstance(item, scalar) for item in value) else None
    return None


def _result(env: Mapping[str, Any], slug: str) -> float | str | None:
    key = "result" if "result" in env else slug
    if key not in env:
        raise ProcedureError(f"the procedure must set 'result' or '{slug}'")
    value = env[key]
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, int | float):
        raise ProcedureError(f"the result must be a number or text, not {_type_name(value)}")
    if not math.isfinite(number := float(value)):
        raise ProcedureError(f"the result is not a finite number ({number})")
    return number


def _type_name(value: object) -> str:
    if isinstance(value, _Module):
        return "module"
    return "function" if callable(value) else type(value).__name__


def _size(value: object) -> int:
    return len(value) if isinstance(value, list | tuple | str) else 1


def _check_operands(op: ast.operator, left: Any, right: Any) -> None:
    """Refuse, before computing, powers, repetitions and formats that would be huge."""
    if isinstance(op, ast.Pow) and type(left) is type(right) is int and right > 0:
        bits = abs(left).bit_length() - 1  # a lower bound on the result's bits per power
        if abs(left) > 1 and (right > MAX_INT_BITS or bits * right > MAX_INT_BITS):
            raise ProcedureError(f"a power is too large (numbers are at most {MAX_INT_BITS} bits)")
    for seq, count in ((left, right), (right, left)) if isinstance(op, ast.Mult) else ():
        if isinstance(seq, list | tuple | str) and isinstance(count, int):
            limit, unit = (MAX_STR, "characters") if isinstance(seq, str) else (MAX_LEN, "items")
            if len(seq) * count > limit:
                raise ProcedureError(f"a repeated sequence would exceed {limit} {unit}")
    if isinstance(op, ast.Mod) and isinstance(left, str):
        _check_width(_WIDE_PERCENT, left)


def _check_width(pattern: re.Pattern[str], text: str) -> None:
    if pattern.search(text):
        raise ProcedureError(f"format widths and precisions must be numbers up to {MAX_WIDTH}")


class _Interpreter:
    """Walks a validated tree, counting every step and every item it creates."""

    def __init__(self, values: Mapping[str, object]) -> None:
        self.values = values
        self.env: ChainMap[str, Any] = ChainMap()
        self.steps = self.work = 0

    def run(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self._tick()
            if isinstance(stmt, ast.Assign):
                value = self.eval(stmt.value)
                for target in stmt.targets:
                    self._bind(target, value)
            elif isinstance(stmt, ast.AugAssign):
                current = self.eval(ast.Name(getattr(stmt.target, "id", ""), ast.Load()))
                self._bind(stmt.target, self._binop(stmt.op, current, self.eval(stmt.value)))
            elif isinstance(stmt, ast.If):
                self.run(stmt.body if self.eval(stmt.test) else stmt.orelse)
            elif isinstance(stmt, ast.Expr):
                self.eval(stmt.value)
            elif isinstance(stmt, ast.Import):
                self.env.update({a.asname or a.name: MODULES[a.name] for a in stmt.names})
            elif isinstance(stmt, ast.ImportFrom):
                members = MODULES[stmt.module or ""].members
                self.env.update({a.asname or a.name: members[a.name] for a in stmt.names})

    def eval(self, node: ast.AST) -> Any:
        self._tick()
        return getattr(self, f"_e_{type(node).__name__}")(node)

    def _tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise ProcedureError(f"the procedure takes more than {MAX_STEPS} steps")

    def _charge(self, amount: int) -> None:
        self.work += amount
        if self.work > MAX_WORK:
            raise ProcedureError("the procedure works on too much data")

    def _checked(self, value: Any) -> Any:
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            raise ProcedureError(f"a number is larger than {MAX_INT_BITS} bits")
        if isinstance(value, complex):
            raise ProcedureError("complex numbers are not supported")
        if isinstance(value, str) and len(value) > MAX_STR:
            raise ProcedureError(f"a string is longer than {MAX_STR} characters")
        if isinstance(value, list | tuple) and len(value) > MAX_LEN:
            raise ProcedureError(f"a list is longer than {MAX_LEN} items")
        if isinstance(value, list | tuple) and any(isinstance(v, list | tuple) for v in value):
            raise ProcedureError("lists of lists are not supported")
        self._charge(_size(value))
        return value

    def _bind(self, target: ast.AST, value: Any) -> None:
        if isinstance(target, ast.Name):
            self.env[target.id] = value
            return
        elts = getattr(target, "elts", [])
        if not isinstance(value, list | tuple | str):
            raise TypeError(f"cannot unpack non-iterable {_type_name(value)} object")
        if len(value) < len(elts):
            expected = f"expected {len(elts)}, got {len(value)}"
            raise ValueError(f"not enough values to unpack ({expected})")
        if len(value) > len(elts):
            raise ValueError(f"too many values to unpack (expected {len(elts)})")
        for element, item in zip(elts, value, strict=True):
            self._bind(element, item)

    def _e_Constant(self, node: ast.Constant) -> Any:
        return node.value

    def _e_Name(self, node: ast.Name) -> Any:
        for scope in (self.env, self.values, BUILTINS):
            if node.id in scope:
                return scope[node.id]
        raise NameError(f"name '{node.id}' is not defined")

    def _e_List(self, node: ast.List) -> Any:
        return self._checked([self.eval(element) for element in node.elts])

    def _e_Tuple(self, node: ast.Tuple) -> Any:
        return self._checked(tuple(self.eval(element) for element in node.elts))

    def _e_BinOp(self, node: ast.BinOp) -> Any:
        return self._binop(node.op, self.eval(node.left), self.eval(node.right))

    def _binop(self, op: ast.operator, left: Any, right: Any) -> Any:
        self._charge(_size(left) + _size(right))
        _check_operands(op, left, right)
        return self._checked(_BINOPS[type(op)](left, right))

    def _e_UnaryOp(self, node: ast.UnaryOp) -> Any:
        return self._checked(_UNARY[type(node.op)](self.eval(node.operand)))

    def _e_BoolOp(self, node: ast.BoolOp) -> Any:
        for operand in node.values:
            value = self.eval(operand)
            if bool(value) == isinstance(node.op, ast.Or):  # decided: stop here
                return value
        return value

    def _e_Compare(self, node: ast.Compare) -> Any:
        left = self.eval(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.eval(comparator)
            self._charge(_size(left) + _size(right))
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True

    def _e_IfExp(self, node: ast.IfExp) -> Any:
        return self.eval(node.body if self.eval(node.test) else node.orelse)

    def _e_Subscript(self, node: ast.Subscript) -> Any:
        container, index = self.eval(node.value), self.eval(node.slice)
        if not isinstance(container, list | tuple | str):
            raise TypeError(f"'{_type_name(container)}' object is not subscriptable")
        self._charge(_size(container))
        return self._checked(container[index])

    def _e_Slice(self, node: ast.Slice) -> slice:
        parts = (node.lower, node.upper, node.step)
        return slice(*(None if part is None else self.eval(part) for part in parts))

    def _e_Attribute(self, node: ast.Attribute) -> Any:
        owner = self.eval(node.value)
        if not isinstance(owner, _Module):
            raise ProcedureError("attributes may only be read from the math and statistics modules")
        if node.attr not in owner.members:
            raise AttributeError(f"module '{owner.name}' has no attribute '{node.attr}'")
        return owner.members[node.attr]

    def _e_Call(self, node: ast.Call) -> Any:
        function = self.eval(node.func)
        if id(function) not in _CALLABLE_IDS:
            raise TypeError(f"'{_type_name(function)}' object is not callable")
        args = [self.eval(arg) for arg in node.args]
        kwargs = {keyword.arg or "": self.eval(keyword.value) for keyword in node.keywords}
        weight = _WEIGHTS.get(id(function), 1)
        self._charge(1 + weight * sum(_size(arg) for arg in [*args, *kwargs.values()]))
        return self._checked(function(*args, **kwargs))

    def _e_ListComp(self, node: ast.ListComp | ast.GeneratorExp) -> Any:
        out: list[Any] = []
        saved, self.env = self.env, self.env.new_child()  # the loop variables stay inside
        try:
            self._comprehend(node.generators, node.elt, out)
        finally:
            self.env = saved
        return self._checked(out)

    _e_GeneratorExp = _e_ListComp  # evaluated eagerly: the same list, bounded the same way

    def _comprehend(self, generators: list[ast.comprehension], elt: ast.AST, out: list) -> None:
        generator, rest = generators[0], generators[1:]
        items = self.eval(generator.iter)
        if not isinstance(items, list | tuple | str):
            raise TypeError(f"'{_type_name(items)}' object is not iterable")
        for item in items:
            self._bind(generator.target, item)
            if not all(self.eval(condition) for condition in generator.ifs):
                continue
            if rest:
                self._comprehend(rest, elt, out)
            elif len(out) >= MAX_LEN:
                raise ProcedureError(f"a list is longer than {MAX_LEN} items")
            else:
                out.append(self.eval(elt))

    def _e_JoinedStr(self, node: ast.JoinedStr) -> Any:
        return self._checked("".join(str(self.eval(value)) for value in node.values))

    def _e_FormattedValue(self, node: ast.FormattedValue) -> Any:
        value = self.eval(node.value)
        spec = self.eval(node.format_spec) if node.format_spec else ""
        _check_width(_WIDE_SPEC, spec)
        convert = _CONVERSIONS.get(node.conversion)
        return self._checked(format(convert(value) if convert else value, spec))
