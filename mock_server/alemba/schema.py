"""How an Alemba entity is described, once: storage, metadata, queries and validation read it.

An :class:`Entity` lists its :class:`Prop` values with their AL-22 data types;
a lookup (a property whose type is another entity) keeps the related key in
its own column. Booleans kept as legacy text flags name their column's
convention (AL-23): any of the vendor's true spellings reads as true, and a
write uses the column's own pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import sqlalchemy as sa

from .query import AL23_TRUE_FLAGS

NUMERIC = ("Integer", "Long", "Short", "Float", "Double", "Decimal")
SCALAR_TYPES = ("Binary", "Boolean", "DateTime", "Guid", "Text", "RichText", *NUMERIC)
DISPLAY_TYPES = {
    "Boolean": ["Checkbox"],
    "DateTime": ["DateTimePicker", "DatePicker"],
    "Text": ["Text"],
    "RichText": ["RichText", "TextArea"],
    "Binary": ["Text"],
    "Guid": ["Text"],
    **{name: ["Numeric"] for name in NUMERIC},
}
SQL_TYPES: dict[str, Any] = {
    "Integer": sa.Integer,
    "Long": sa.BigInteger,
    "Short": sa.SmallInteger,
    "Float": sa.Float,
    "Double": sa.Float,
    "Decimal": lambda: sa.Numeric(14, 2),
    "DateTime": sa.DateTime,
    "RichText": sa.Text,
    "Binary": sa.LargeBinary,
    "Guid": lambda: sa.String(36),
}
#: the legacy flag conventions of AL-23, as (true, false) spellings
FLAG_CONVENTIONS = {
    "Y": ("Y", "N"),
    "YES": ("YES", "NO"),
    "T": ("T", "F"),
    "TRUE": ("TRUE", "FALSE"),
    "ON": ("ON", "OFF"),
    "1": ("1", "0"),
    "P": ("P", "N"),
    "A": ("A", "I"),
}


@dataclass(frozen=True)
class Prop:
    name: str
    data_type: str  # an AL-22 type, or the name of the entity it looks up
    length: int | None = None
    uppercase: bool = False
    key: bool = False
    flag: str | None = None  # a key of FLAG_CONVENTIONS: a Boolean kept as text
    readonly: bool = False
    required: bool = False  # on create
    default: Any = None
    usage: str = "Public"
    no_search: bool = False
    extension: bool = False
    description: str = ""
    display_name: str | None = None
    column_name: str | None = None
    required_rule: str = ""  # why it is required ("IpkStatus must be set when Template is null")

    @property
    def column(self) -> str:
        return self.column_name or _snake(self.name) + ("_ref" if self.is_lookup else "")

    @property
    def is_lookup(self) -> bool:
        return self.data_type not in SCALAR_TYPES

    @property
    def label(self) -> str:
        return self.display_name or re.sub(r"(?<=[a-z])(?=[A-Z])", " ", self.name)

    @property
    def flag_values(self) -> tuple[str, str] | None:
        return FLAG_CONVENTIONS[self.flag] if self.flag else None

    def sql_column(self) -> sa.Column:
        if self.is_lookup:
            sql_type: Any = sa.Integer()
        elif self.data_type == "Boolean":
            sql_type = sa.String(5) if self.flag else sa.Boolean()
        elif self.data_type == "Text":
            sql_type = sa.String(self.length or 4000)
        else:
            sql_type = SQL_TYPES[self.data_type]()
        return sa.Column(
            self.column,
            sql_type,
            primary_key=self.key,
            autoincrement=self.key and self.data_type == "Integer",
            index=self.is_lookup,
        )


@dataclass(frozen=True)
class Action:
    """An action beyond the plain verbs, e.g. ``Submit`` at ``PUT {id}/submit``."""

    name: str
    methods: tuple[str, ...] = ("PUT",)
    description: str = ""
    parameters: tuple[Prop, ...] = ()

    @property
    def segment(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Entity:
    name: str
    resource: str
    table: str
    description: str
    props: tuple[Prop, ...]
    partitioned: bool = False
    deleted: str | None = None  # the Boolean behind @IsDeleted
    parent: str | None = None
    kind: tuple[str, Any] | None = None  # (property, value) that makes a row this child kind
    verbs: tuple[str, ...] = ("Search", "Get")
    actions: tuple[Action, ...] = ()
    anonymous: bool = False  # readable by client_credentials sessions
    status: str = "GA"
    #: an abstract grouping searched over its kinds' tables (Asset: Service, ConfigurationItem)
    subtypes: tuple[str, ...] = ()
    #: a resource that exists but is switched off on this system (search answers 404)
    enabled: bool = True
    by_name: dict[str, Prop] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_name.update({prop.name: prop for prop in self.props})

    @property
    def key(self) -> Prop:
        return next(prop for prop in self.props if prop.key)

    def prop(self, name: str) -> Prop | None:
        return self.by_name.get(name)

    def action(self, segment: str) -> Action | None:
        return next((a for a in self.actions if a.segment == segment.lower()), None)

    def child(
        self,
        name: str,
        resource: str,
        description: str,
        kind: tuple[str, Any],
        overrides: dict[str, dict[str, Any]],
    ) -> Entity:
        """A kind of this entity in the same table, with some properties changed."""
        props = tuple(replace(p, **overrides.get(p.name, {})) for p in self.props)
        return replace(
            self,
            name=name,
            resource=resource,
            description=description,
            props=props,
            parent=self.name,
            kind=kind,
            by_name={},
        )


def flag_is_true(value: Any) -> bool | None:
    """A stored flag as the API shows it (AL-23)."""
    if value is None:
        return None
    if isinstance(value, bool | int):
        return bool(value)
    return str(value).strip().upper() in AL23_TRUE_FLAGS


@cache
def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
