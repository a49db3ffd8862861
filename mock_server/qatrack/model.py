"""The one description of QATrack+'s resources: fields, relations, filters, methods.

Every resource is a :class:`Resource` made of :class:`Field` values; the SQL
tables (``tables.py``), the serializers (``serialize.py``), the filters
(``filters.py``), ordering and the write validation (``writes.py``) are all
derived from it, so the ~45 endpoints are data rather than hand-written views.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TEXT = ("exact", "icontains", "contains", "in")
NUMBER = ("exact", "in", "gte", "lte")
BOOL = ("exact",)
DATES = ("exact", "in", "min", "max")  # ``<field>_min`` / ``<field>_max``
RELATED = ("rel",)  # a relation that filters can traverse (DRFF's RelatedFilter)

READ_ONLY = ("GET", "HEAD", "OPTIONS")
CRUD_LIST = ("GET", "POST", "HEAD", "OPTIONS")
CRUD_DETAIL = ("GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

#: URL segment of each app; the qa app is served at /api/qa/ and /api/qc/, linked at qc
LINK_APP = {"qa": "qc"}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # str text int float bool date datetime link links computed
    target: str = ""  # link/links: "app/name" of the related resource
    nullable: bool = True
    read_only: bool = False
    max_length: int | None = None
    lookups: tuple[str, ...] = ()
    auto: str = ""  # "now" (set on create), "touch" (set on every write), "user", "user_touch"
    default: Any = None
    hidden: bool = False  # a column only, never serialized (e.g. denormalised filter keys)
    unique: bool = False  # a unique constraint in the database (atomic under concurrency)
    #: an index of its own and a descending one (``tables``), for the lists ordered by it.
    #: Only where QATrack+'s model also says ``db_index=True`` and its clients order by
    #: it (results by ``work_completed``): every index is paid for by every write.
    indexed: bool = False
    detail_only: bool = False  # serialized on the detail only (3.1.1's list serializers omit it)
    #: links: (table, source column, target column); default ``<table>_<name>``
    through: tuple[str, ...] = ()

    @property
    def column(self) -> str:
        return f"{self.name}_id" if self.kind == "link" else self.name

    @property
    def stored(self) -> bool:
        return self.kind not in ("links", "computed")

    @property
    def writable(self) -> bool:
        return not self.read_only and not self.auto and self.kind != "computed"


@dataclass(frozen=True)
class Resource:
    app: str
    name: str
    model: str  # Django model name, lower case: permissions are add_<model>, ...
    fields: tuple[Field, ...]
    ordering: tuple[str, ...] = ("id",)
    page_size: int = 100
    writable: bool = False
    list_methods: tuple[str, ...] | None = None
    detail_methods: tuple[str, ...] | None = None
    verbose: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.app}/{self.name}"

    @property
    def table(self) -> str:
        return self.name

    @property
    def link_app(self) -> str:
        return LINK_APP.get(self.app, self.app)

    @property
    def allowed_list(self) -> tuple[str, ...]:
        return self.list_methods or (CRUD_LIST if self.writable else READ_ONLY)

    @property
    def allowed_detail(self) -> tuple[str, ...]:
        return self.detail_methods or (CRUD_DETAIL if self.writable else READ_ONLY)

    @property
    def title(self) -> str:
        return self.verbose or self.model.title()

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def shown(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.hidden)


def s(name: str, size: int = 255, **kw: Any) -> Field:
    return Field(name, "str", max_length=size, lookups=kw.pop("lookups", TEXT), **kw)


def text(name: str, **kw: Any) -> Field:
    return Field(name, "text", lookups=kw.pop("lookups", TEXT), **kw)


def i(name: str, **kw: Any) -> Field:
    return Field(name, "int", lookups=kw.pop("lookups", NUMBER), **kw)


def f(name: str, **kw: Any) -> Field:
    return Field(name, "float", lookups=kw.pop("lookups", NUMBER), **kw)


def b(name: str, **kw: Any) -> Field:
    return Field(name, "bool", lookups=kw.pop("lookups", BOOL), nullable=False, **kw)


def d(name: str, **kw: Any) -> Field:
    return Field(name, "date", lookups=kw.pop("lookups", DATES), **kw)


def dt(name: str, **kw: Any) -> Field:
    return Field(name, "datetime", lookups=kw.pop("lookups", DATES), **kw)


def link(name: str, target: str, **kw: Any) -> Field:
    return Field(name, "link", target=target, lookups=kw.pop("lookups", RELATED), **kw)


def links(name: str, target: str, **kw: Any) -> Field:
    return Field(name, "links", target=target, lookups=kw.pop("lookups", RELATED), **kw)


def computed(name: str, **kw: Any) -> Field:
    return Field(name, "computed", read_only=True, **kw)


def stamps(user_target: str = "auth/users") -> tuple[Field, ...]:
    """``created``, ``created_by``, ``modified``, ``modified_by`` as QATrack models carry them."""
    return (
        dt("created", auto="now"), link("created_by", user_target, auto="user"),
        dt("modified", auto="touch"), link("modified_by", user_target, auto="user_touch"),
    )
