"""Searches built once for the options that shape their SQL, and paged on the driver.

Building a search (resolving ``$select`` paths, translating ``$filter``, the
visibility clause, the ordering) and running the freshly built statement through
SQLAlchemy (which must compute its cache key) cost more than the database's own
work: for a ``$filter`` + ``$select`` through two relations about 800 us against
some 90 us in SQLite. Requests that differ only in ``$top``, ``$skip``, ``$count``
and ``$inlinecount`` (a client paging through a search, a saved search run again)
build the same statement, so from the second time a shape is seen it is kept
(``core.listing``), keyed by everything that shapes it: its result layout, and
its page and count compiled for the driver. A search seen once (a filter typed
by hand) is only noted (``Storage.keep`` holds at most :data:`MAX_SEARCHES`
shapes, notes included).

The key holds every other option as sent, the entity's extension properties
(declared in the data), the session's kind and number of partitions
(visibility), and the server's zone (``@DateTime`` without one). The reader's
person and partitions are bound values of the visibility clause, given at each
run, so readers of one kind share a search; options that name the session's
person or organization (``@UserId``, ``@IsAssignedToMe``...) key it by them too.
Nothing is kept where the statement depends on more than that:

* a deviation is on (they change how options are read);
* the options refer to the clock (``@Now``, ``@NowOffset``) or to ``@SlmBreached``
  (the priorities' resolve times, read from the data);
* the caller adds a clause of its own (a call's attachments).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from werkzeug.datastructures import MultiDict

from ..core import current_core
from ..core.deviations import active_deviations
from ..core.listing import KeptListing, Listing, QueryListing, from_second_sight
from .entities import BY_NAME
from .params import clean
from .results import ResultShaper
from .schema import Entity
from .sessions import Session
from .visibility import reader_shape, reader_values

#: options that choose rows of the statement's result, not the statement
PER_REQUEST = frozenset(("$top", "$skip", "$count", "$inlinecount", "Login_Token"))
#: option words whose SQL carries values read at run time (lowered, as written)
RUN_TIME_WORDS = ("@now", "@slmbreached")
#: ``Storage.keep``'s group of searches, and how many shapes it holds: a client sending
#: a new filter each time (some 18 KB a kept shape, its parsed filter included) empties
#: it rather than growing it
SEARCHES = "alemba.searches"
MAX_SEARCHES = 256
#: option words whose SQL carries the reader's person or organization as a value
PER_PERSON_WORDS = ("@userid", "@organizationid", "@isassignedtome", "@assignmentstate")


class Search:
    """A search's rows and count (``listing``) and how its rows become results."""

    def __init__(self, listing: Listing, shaper: ResultShaper) -> None:
        self.listing = listing
        self.shaper = shaper

    def rows(self, connection: Connection, session: Session, top: int, skip: int
             ) -> Sequence[Sequence[Any]]:
        """Rows ``skip+1 .. skip+top`` (``top`` > 0) for ``session``'s reader."""
        return self.listing.rows(connection, top, skip, reader_values(session))

    def count(self, connection: Connection, session: Session) -> int:
        """How many rows the search has for ``session``'s reader."""
        return self.listing.count(connection, reader_values(session))


class PreparedSearch(Search):
    """A search's statement (ordered, every row), run through SQLAlchemy."""

    listing: QueryListing

    def __init__(self, query: sa.Select, shaper: ResultShaper) -> None:
        super().__init__(QueryListing(query), shaper)


class KeptSearch(Search):
    """A search compiled for the driver (its page and its count, not its statement)."""

    listing: KeptListing


def prepared(
    entity: Entity,
    session: Session,
    args: MultiDict[str, str],
    build: Callable[[], PreparedSearch],
) -> Search:
    """The kept search for these options, or ``build()``'s (kept when it may be)."""
    key = search_key(entity, session, args)
    if key is None:
        return build()
    kept: Search | None = from_second_sight(current_core().storage, key, lambda: _kept(build()),
                                            group=SEARCHES, limit=MAX_SEARCHES)
    if kept is not None:
        return kept
    built = build()  # seen once so far: run as it is, and not kept
    built.listing.once = True
    return built


def search_key(entity: Entity, session: Session, args: MultiDict[str, str]) -> Hashable | None:
    """What shapes the search's SQL, or None when something else does (see the module)."""
    if active_deviations():
        return None
    base = BY_NAME.get(entity.name)
    if base is None:
        return None
    size = len(base.props)
    if entity is not base and entity.props[:size] != base.props:
        return None  # not a declared entity with extensions: nothing to key it by
    options = tuple((name, value) for name, value in args.items(multi=True)
                    if name not in PER_REQUEST)
    said = clean(" ".join(value for _name, value in options)).lower()
    if any(word in said for word in RUN_TIME_WORDS):
        return None
    reader_key = reader_shape(session)
    if any(word in said for word in PER_PERSON_WORDS):
        reader_key = (reader_key, session.person, session.organization)
    extensions = tuple((prop.name, prop.data_type, prop.column, prop.flag, prop.no_search)
                       for prop in entity.props[size:])
    return ("alemba.search", entity.name, extensions, reader_key, options,
            current_core().config.time_zone)


def _kept(built: PreparedSearch) -> Search:
    """``built`` compiled for the driver, or as it is where it cannot be."""
    try:
        return KeptSearch(KeptListing(built.listing.query,
                                      current_core().storage.engine.dialect), built.shaper)
    except ValueError:  # an expanding IN: SQLAlchemy compiles it for each request
        return built
