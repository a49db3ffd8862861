"""Alemba's search query language: ``$filter`` parsed by a lark grammar, translated to SQL."""

from .filter import (
    AL23_TRUE_FLAGS,
    DATA_TYPES,
    ConditionResolver,
    FilterContext,
    FilterError,
    PropertyResolver,
    ResolvedProperty,
    UnknownProperty,
    boolean_test,
    parse_filter,
    translate_filter,
)

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
