"""Property paths to columns, from the entity descriptions: the ``PropertyResolver`` of
``$filter``, and the same lookups for ``$select``, ``$orderby`` and joins.

A path walks lookups (``Service.Location.Name``); each relation is outer-joined
once, the first time a path needs it, on an alias of its table. ``$leftJoin``
and ``$innerJoin`` aliases act as extra lookups of the root entity. Every
entity accepts ``Partition``: one that is not partitioned has none (NULL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from ..core.storage import Storage
from .deviations import deviation_on
from .entities import BY_NAME
from .extensions import column as extension_column
from .extensions import is_stored
from .query import AL23_TRUE_FLAGS, ResolvedProperty, UnknownProperty
from .schema import Entity, Prop
from .sessions import Session
from .sources import source

Path = tuple[str, ...]


@dataclass
class Join:
    table: Any  # an alias of the target's table
    onclause: ColumnElement[bool]
    entity: Entity
    inner: bool = False


@dataclass(frozen=True)
class Node:
    """What a path prefix reaches: the entity and the table alias holding its row."""

    entity: Entity
    table: Any


class Resolver:
    def __init__(self, entity: Entity, storage: Storage, session: Session, now: Any) -> None:
        self.entity = entity
        self.storage = storage
        self.session = session
        self.now = now
        self.root = source(storage, entity)
        self.joins: dict[Path, Join] = {}
        self.aliases: dict[str, Path] = {}

    # --- the PropertyResolver protocol -------------------------------------------
    def resolve(self, path: Path) -> ResolvedProperty:
        node, prop = self.walk(path)
        if prop is None:  # the path ends on a join alias: its key
            prop = node.entity.key
        return self.scalar(node, prop)

    def deleted_flag(self) -> ResolvedProperty | None:
        if self.entity.deleted is None:
            return None
        return self.scalar(Node(self.entity, self.root), self.entity.by_name[self.entity.deleted])

    def condition(self, name: str) -> ColumnElement[bool] | None:
        """Condition augmenters of calls: ``@IsAssignedToMe``, ``@SlmBreached``, ``@IsOpen``."""
        if self.entity.table != "calls":
            return None
        c = self.root.c
        if name == "IsAssignedToMe":
            return c.officer_ref == (self.session.person or -1)
        if name == "IsOpen":
            return c.status == "Open"
        if name == "SlmBreached":
            return self._breached()
        return None

    # --- for $select ------------------------------------------------------------------
    def extension(self, name: str) -> tuple[ColumnElement[Any], str] | None:
        """Extension augmenters: a computed column and its data type."""
        if self.entity.table == "calls" and name == "AssignmentState":
            c = self.root.c
            state = sa.case(
                (c.officer_ref.is_(None), "Unassigned"),
                (c.officer_ref == (self.session.person or -1), "Assigned to Me"),
                else_="Assigned",
            )
            return state, "Text"
        return None

    def walk(self, path: Path) -> tuple[Node, Prop | None]:
        """The node holding the last segment, and that segment's property (None: an alias)."""
        if not path:
            raise UnknownProperty(path)
        node = Node(self.entity, self.root)
        for index, name in enumerate(path):
            last = index == len(path) - 1
            if index == 0 and name in self.aliases:
                node = self.node(self.aliases[name])
                if last:
                    return node, None
                continue
            prop = self._prop(node.entity, name, path, index)
            if last:
                return node, prop
            if not prop.is_lookup:  # nothing to walk into
                raise UnknownProperty(path, f"{node.entity.name}.{name}", index + 1)
            node = self._follow(path[: index + 1], node, prop)
        raise UnknownProperty(path)  # pragma: no cover - the loop always returns

    def node(self, prefix: Path) -> Node:
        join = self.joins[prefix]
        return Node(join.entity, join.table)

    def scalar(self, node: Node, prop: Prop) -> ResolvedProperty:
        if is_stored(prop):
            column = extension_column(node.entity, node.table, node.entity.key.column, prop)
        elif prop.column in node.table.c:
            column = node.table.c[prop.column]
        else:  # Partition of an entity that is not partitioned
            column = sa.cast(sa.null(), sa.Integer)
        if prop.is_lookup:
            return ResolvedProperty(column, BY_NAME[prop.data_type].key.data_type)
        flags = AL23_TRUE_FLAGS if prop.flag else None
        return ResolvedProperty(column, prop.data_type, flags)

    def add_join(
        self, alias: str, entity: Entity, conditions: list[tuple[str, Path]], inner: bool
    ) -> None:
        """``Alias:Entity(TargetProperty==SourcePath && ...)`` from ``$leftJoin``/``$innerJoin``."""
        table = source(self.storage, entity).alias()
        target = Node(entity, table)
        clauses = [self._kind(entity, table)]
        for target_name, source_path in conditions:
            prop = self._prop(entity, target_name, (alias, target_name), 1)
            clauses.append(self.scalar(target, prop).column == self.resolve(source_path).column)
        prefix = ("$join", alias)
        self.joins[prefix] = Join(table, sa.and_(*clauses), entity, inner)
        self.aliases[alias] = prefix

    def from_clause(self) -> Any:
        clause: Any = self.root
        for join in self.joins.values():
            method = clause.join if join.inner else clause.outerjoin
            clause = method(join.table, join.onclause)
        return clause

    def _prop(self, entity: Entity, name: str, path: Path, index: int) -> Prop:
        prop = entity.prop(name)
        if prop is None and deviation_on("AL-19"):  # a case-insensitive collation
            prop = next((p for p in entity.props if p.name.lower() == name.lower()), None)
        if prop is None and name == "Partition":
            return Prop("Partition", "Integer", column_name="partition_ref")
        if prop is None and name.endswith("Id"):
            prop = _id_of(entity.prop(name[:-2]))
        if prop is None or prop.no_search:
            raise UnknownProperty(path, entity.name, index)
        return prop

    def _follow(self, prefix: Path, node: Node, prop: Prop) -> Node:
        if prefix not in self.joins:
            target = BY_NAME[prop.data_type]
            rows = source(self.storage, target)
            if target.subtypes:  # a union built for this request: nothing to share
                table = rows.alias()
                onclause = table.c[target.key.column] == node.table.c[prop.column]
            else:
                table, onclause = _lookup_join(node.table, prop.column, rows,
                                               target.key.column, prefix)
            self.joins[prefix] = Join(table, onclause, target)
        return self.node(prefix)

    def _kind(self, entity: Entity, table: Any) -> ColumnElement[bool]:
        if entity.kind is None:
            return sa.true()
        name, value = entity.kind
        return table.c[entity.by_name[name].column] == value

    def _breached(self) -> ColumnElement[bool]:
        """Open past its priority's resolve time (portable: one clause per priority)."""
        c = self.root.c
        priorities = self.storage["call_priorities"]
        with self.storage.connect() as connection:
            rows = connection.execute(sa.select(priorities.c.ref, priorities.c.resolve_hours)).all()
        late = [
            sa.and_(c.priority_ref == ref, c.logged_date < self.now - timedelta(hours=hours))
            for ref, hours in rows
            if hours is not None
        ]
        return sa.and_(c.status == "Open", sa.or_(sa.false(), *late))


@lru_cache(maxsize=1024)
def _lookup_join(
    parent: Any, column: str, target: Any, key: str, prefix: Path
) -> tuple[Any, ColumnElement[bool]]:
    """The alias of ``target`` that ``prefix`` joins on ``parent.column == alias.key``.

    Shared by every request that walks the same path: aliasing a table copies all
    its column objects, most of the cost of a ``$select`` through relations. The
    prefix is part of the key, so one query never joins the same alias twice.
    """
    table = target.alias()
    return table, table.c[key] == parent.c[column]


def _id_of(lookup: Prop | None) -> Prop | None:
    """``UserId`` for the lookup ``User``: its key as a plain Integer, as the guide's
    augmenter examples use it (``UserId == @UserId``, ``User.OrganizationId == ...``)."""
    if lookup is None or not lookup.is_lookup:
        return None
    return Prop(f"{lookup.name}Id", "Integer", column_name=lookup.column)
