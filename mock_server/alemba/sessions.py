"""Sessions: who a token speaks for, licences, and the API's authentication (AL-04, AL-07).

A password, SSO or refresh login holds a core session: a seat in the licence
pool of its session type (Analyst or User) that lives as long as its refresh
token (24 hours, extended by each refresh). Access tokens (10 minutes) carry
the session; an API request needs a live access token *and* a live session,
so a session that expires or is removed ends its tokens too. Anonymous
(client_credentials) sessions hold no licence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import g, request

from ..core import ApiError, Core, current_core
from ..core.auth import bearer_token
from ..core.hashing import random_secret
from ..core.licences import LicencePool
from .deviations import deviation_on
from .errors import oauth_error

ACCESS, REFRESH, CODE = "alemba_access", "alemba_refresh", "alemba_code"
ACCESS_TTL, REFRESH_TTL, CODE_TTL = 600, 24 * 3600, 300
ANONYMOUS = "Anonymous"


@dataclass(frozen=True)
class Session:
    session: str | None  # the core session (None: anonymous)
    session_type: str  # Analyst, User or Anonymous
    person: int | None
    organization: int | None
    client: str
    partitions: tuple[int, ...]

    @property
    def analyst(self) -> bool:
        return self.session_type == "Analyst"

    @property
    def anonymous(self) -> bool:
        return self.session_type == ANONYMOUS

    def subject(self) -> dict[str, Any]:
        return {
            "session": self.session,
            "type": self.session_type,
            "person": self.person,
            "organization": self.organization,
            "client": self.client,
            "partitions": list(self.partitions),
        }

    @classmethod
    def of(cls, subject: dict[str, Any]) -> Session:
        return cls(
            subject["session"],
            subject["type"],
            subject["person"],
            subject["organization"],
            subject["client"],
            tuple(subject["partitions"]),
        )


def licences(core: Core | None = None) -> LicencePool:
    core = core or current_core()
    return LicencePool(core.storage, core.clock)


def person_session(person: Any, session_type: str, client: str) -> Session:
    """A new core session for ``person``; its licence is taken by :func:`grant_tokens`."""
    core = current_core()
    access = core.storage["partition_access"]
    with core.storage.connect() as connection:
        partitions = tuple(
            connection.execute(
                sa.select(access.c.partition_ref)
                .where(access.c.person_ref == person.ref)
                .order_by(access.c.partition_ref)
            ).scalars()
        )
    return Session(
        random_secret(32), session_type, person.ref, person.organization_ref, client, partitions
    )


def grant_tokens(session: Session) -> dict[str, Any]:
    """Take a licence for a new session and issue its first pair of tokens."""
    core = current_core()
    pool = licences(core)
    if not pool.acquire(
        session.session_type, session.session or "", session.subject(), REFRESH_TTL
    ):
        size = pool.usage().get(session.session_type, {}).get("size", 0)
        raise oauth_error(
            400,
            "invalid_grant",
            f"No {session.session_type} licence is free: "
            f"all {size} are in use. Log out of another session or try later.",
        )
    _set_logged_in(session.person, True)
    return token_pair(session)


def token_pair(session: Session) -> dict[str, Any]:
    tokens = current_core().tokens
    body: dict[str, Any] = {
        "access_token": tokens.issue(ACCESS, session.subject(), ACCESS_TTL, family=session.session),
        "token_type": "bearer",
        "expires_in": ACCESS_TTL,
    }
    if session.session is not None:
        lifetime = ACCESS_TTL if deviation_on("AL-02") else REFRESH_TTL
        body["refresh_token"] = tokens.issue(
            REFRESH, session.subject(), lifetime, family=session.session
        )
    body["scope"] = f"session-type:{session.session_type}"
    return body


def end_session(session_id: str, *, revoke: bool) -> bool:
    """Free the licence (and, on logout, invalidate every token of the session)."""
    core = current_core()
    seat = licences(core).live(session_id)
    leak = revoke and deviation_on("AL-04")  # a logout that forgets the core session
    released = leak or licences(core).release(session_id)
    if revoke:
        core.tokens.revoke_family(session_id)
    locks = core.storage["locks"]
    with core.storage.begin() as connection:
        connection.execute(locks.delete().where(locks.c.session == session_id))
    if seat is not None:
        _set_logged_in(seat.subject.get("person"), False)
    return released


def _set_logged_in(person: int | None, logged_in: bool) -> None:
    if person is None:
        return
    storage = current_core().storage
    persons = storage["persons"]
    with storage.begin() as connection:
        connection.execute(
            persons.update()
            .where(persons.c.ref == person)
            .values(is_logged_in="1" if logged_in else "0")
        )


def access_token() -> str | None:
    return bearer_token() or request.args.get("Login_Token") or None


def authenticate() -> Session:
    """Before every API request: a live access token of a live session, else 401 (AL-07)."""
    core = current_core()
    raw = access_token()
    if raw is None:
        raise ApiError(
            401,
            "None",
            "Authorization has been denied for this request.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    record = core.tokens.lookup(raw, ACCESS)
    if record is None:
        expired = core.tokens.state(raw, ACCESS) == "expired"
        if expired and deviation_on("AL-07"):
            raise ApiError(403, "NotAllowed", "The access token has expired.")
        message = (
            "The access token has expired; refresh it."
            if expired
            else "Authorization has been denied for this request."
        )
        raise ApiError(401, "None", message, headers={"WWW-Authenticate": "Bearer"})
    session = Session.of(record.subject)
    if session.session is not None and licences(core).live(session.session) is None:
        raise ApiError(
            401,
            "None",
            "The session has ended; log in again.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    g.alemba_session = session
    return session


def current_session() -> Session:
    return g.alemba_session
