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
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from typing import Any

from .calc_interpreter import _Interpreter, _type_name
from .calc_language import (
    _ALL_OPERATORS,
    _DESCRIBE,
    _NODES,
    _OPERATORS,
    BUILTINS,
    CYCLE_ERROR,
    FORBIDDEN_CALLS,
    KEYWORDS,
    MAX_DEPTH,
    MAX_LEN,
    MAX_SOURCE,
    MODULES,
    ProcedureError,
)


@dataclass(frozen=True)
class CompositeResult:
    value: float | str | None
    error: str | None = None
    missing: tuple[str, ...] = ()


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
    return _checked_tree(procedure)


@functools.lru_cache(maxsize=256)
def _checked_tree(procedure: str) -> ast.Module:
    """The parsed and vetted procedure; a test's procedure is parsed and scanned twice per
    perform (dependencies, then the run) and is the same text every time, so it is kept
    (the interpreter only reads the tree). A refused procedure raises again each time."""
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
