"""The interpreter that runs a checked procedure within the limits (``calc_language``)."""

from __future__ import annotations

import ast
import re
from collections import ChainMap
from collections.abc import Mapping
from typing import Any

from .calc_language import (
    _BINOPS,
    _CALLABLE_IDS,
    _COMPARE,
    _CONVERSIONS,
    _UNARY,
    _WEIGHTS,
    _WIDE_PERCENT,
    _WIDE_SPEC,
    BUILTINS,
    MAX_INT_BITS,
    MAX_LEN,
    MAX_STEPS,
    MAX_STR,
    MAX_WIDTH,
    MAX_WORK,
    MODULES,
    ProcedureError,
    _Module,
)


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
