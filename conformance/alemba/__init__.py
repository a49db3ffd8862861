"""Conformance suite for the Alemba ASM RESTful API (rules AL-01..AL-26)."""

from __future__ import annotations

from typing import Any

from ..target import Target

RULES = {
    "AL-01": "Grant types password, refresh_token, client_credentials (limited), "
             "authorization_code",
    "AL-02": "Login returns a 10-minute access token and a 24-hour refresh token",
    "AL-03": "A refresh returns a new pair; the used refresh token is invalid at once",
    "AL-04": "A refresh token holds a licensed core session; removal or expiry ends both",
    "AL-05": "scope is session-type:Analyst or session-type:User, case sensitive",
    "AL-06": "Unknown/disabled client: 401 invalid_client; bad credentials: 400 invalid_grant",
    "AL-07": "Access token as Bearer; an expired one is 401; 401 on refresh means log in again",
    "AL-08": "Logout answers 200, 400, 401, 403 or 404 as documented",
    "AL-09": "A request naming no resource returns root metadata linking entity metadata",
    "AL-10": "Metadata and property descriptions carry the documented fields",
    "AL-11": "Links are prefixed api: and may be templated with {id}",
    "AL-12": "Every link accepts $options; $create?$options lists the action's inputs",
    "AL-13": "An instance lists only the actions valid in its current state",
    "AL-14": "Search returns {results, _self}; each result has _context and _self; $top hint",
    "AL-15": "$top (default 100), $skip and $orderby combine in any order",
    "AL-16": "$count=true is text/plain; $inlinecount adds __count",
    "AL-17": "$select takes paths through relations, aliases, augmenters and *",
    "AL-18": "$filter: LINQ-style predicates as parameterised SQL; malformed is 400, never 500",
    "AL-19": "Everything after a $ keyword is case sensitive",
    "AL-20": "$leftJoin / $innerJoin aliases usable in $select and $filter",
    "AL-21": "Partitions: session-limited; $filter=Partition always, $partition if partitioned",
    "AL-22": "Data types Binary..RichText and entity lookups",
    "AL-23": "Legacy flags read as booleans and written back in the column's convention",
    "AL-24": "GET read, PUT update, DELETE where appropriate, actions as their metadata says",
    "AL-25": "Errors are {Type, SubStatus, Message}; 404 tells bad URL from missing record",
    "AL-26": "Text longer than the metadata's length is 400",
}

#: rules about the tool or the mock's admin side, checked by our own tests in tests/
TOOL_RULES: dict[str, str] = {}

IDENTITIES = {
    "client_id": "an enabled API client for password logins (session type Any, or Analyst)",
    "client_secret": "that client's secret, if it has one",
    "username": "an analyst who may log in (the main identity)",
    "password": "the analyst's password",
    "other_username": "ANOTHER analyst, for AL-08's 403 (a refresh token that is not yours)",
    "other_password": "the other analyst's password",
    "user_username": "a person who may log in with a User session (AL-05)",
    "user_password": "that person's password",
    "user_client_id": "an API client for the User session, when client_id is Analyst-only",
    "user_client_secret": "that client's secret, if it has one",
    "disabled_client_id": "a registered but disabled API client (AL-06)",
    "disabled_username": "a person who is not allowed to log in (AL-06)",
    "disabled_password": "that person's password",
    "anonymous_client_id": "an API client allowed the client_credentials grant (AL-01)",
    "anonymous_client_secret": "that client's secret, if it has one",
}


def identities_from_admin(admin: dict[str, Any]) -> dict[str, str]:
    """Our mock's demo credentials, mapped to the identities the tests ask for."""
    by_name = {entry.get("name"): entry for entry in admin["credentials"]
               if isinstance(entry, dict)}
    found: dict[str, str] = {}

    def take(role: str, **names: str) -> None:
        entry = by_name.get(role)
        if entry is None:
            return
        for identity, key in names.items():
            if entry.get(key):
                found[identity] = str(entry[key])

    # The main client accepts any session type, so scope tests (AL-05) use it too.
    take("analyst-any-client", client_id="client_id", client_secret="client_secret")
    take("analyst", username="username", password="password")
    take("analyst2", other_username="username", other_password="password")
    take("user", user_username="username", user_password="password")
    take("disabled-client", disabled_client_id="client_id")
    take("disabled-login", disabled_username="username", disabled_password="password")
    take("anonymous", anonymous_client_id="client_id", anonymous_client_secret="client_secret")
    return found


def make_target(**kwargs: Any) -> Target:
    # The guide documents no rate limit; a 429 (if any) waits a minute.
    return Target(system="alemba", default_rate_wait=60.0, **kwargs)
