"""The rules' text, copied from the project's behaviours guide (behaviours.md).

Shown beside each verdict in report.html; kept in the package, so a check never
reads files outside it at run time. Refresh it when behaviours.md changes."""

from __future__ import annotations

RULE_TEXT: dict[str, str] = {
    'AL-01': (
        'Grant types `password`, `refresh_token`, `client_credentials` (anonymous access, '
        'not full access), `authorization_code` (single sign-on; the mock may simulate '
        'it).'
    ),
    'AL-02': (
        'A login returns a short-lived access token (10 minutes) and a refresh token (24 '
        'hours).'
    ),
    'AL-03': (
        'A refresh returns a new access token and a new refresh token; the refresh token '
        'used becomes invalid at once (single use); replaying it fails (`401`, meaning '
        '"log in again", or `400 invalid_grant`).'
    ),
    'AL-04': (
        'Each refresh token holds a core session that consumes a licence; when the '
        'session expires or is removed the refresh token is invalid; when the refresh '
        'token expires the session ends and its licence is freed.'
    ),
    'AL-05': (
        '`scope` is `session-type:Analyst` or `session-type:User`, case sensitive; '
        'another value fails.'
    ),
    'AL-06': (
        'Unknown or disabled `client_id`: `401 {"error": "invalid_client"}`. Wrong '
        'credentials or a user not allowed to log in: `400 {"error": "invalid_grant"}`. '
        '`error_description` may follow, deliberately vague.'
    ),
    'AL-07': (
        'The access token goes in `Authorization: Bearer`; an expired one answers `401`; '
        'a `401` on refresh means log in again.'
    ),
    'AL-08': (
        'Logout answers `200` done, `400` token invalid or missing, `401` ownership of '
        'the refresh token not proven, `403` the refresh token belongs to someone else, '
        '`404` the refresh token is valid but already removed.'
    ),
    'AL-09': (
        'A request naming no resource returns root metadata with links to the top-level '
        "entities' metadata."
    ),
    'AL-10': (
        'Metadata carries `children, description, name, properties, status '
        '(Alpha|Beta|GA), _actions, _context, _links, _self`; each property has `name, '
        'displayName, type {displayTypes, dataType, class}, description, usage '
        '(Internal|Public), isKey, noSearch, defaultValue, length, uppercase`.'
    ),
    'AL-11': (
        'Links are prefixed `api:`; `href` may be templated with `{id}` or other property '
        'names.'
    ),
    'AL-12': (
        'Every API link accepts the `$options` suffix and returns its metadata; '
        '`.../call/$create?$options` lists mandatory and optional properties and '
        'parameters of the action.'
    ),
    'AL-13': (
        "An instance's metadata lists only the actions valid in its current state "
        '(`Reopen` only for a closed call) **(choice: invoking an unlisted action is '
        "refused, or allowed where harmless; the vendor's cookbook says other actions "
        '"may work")**.'
    ),
    'AL-14': (
        '`GET .../call` returns `{results: [...], _self}`; every result has `_context` '
        'and `_self`; `_self` of the response carries the `$top` applied as a hint.'
    ),
    'AL-15': (
        "`$top` (default 100 **(choice: the guide's paging section says 100; one vendor "
        'example shows no limit)**), `$skip`, `$orderby` (comma list, each `asc` or '
        '`desc`, ascending by default) combine in any order.'
    ),
    'AL-16': (
        '`$count=true` returns only the total as `text/plain`; `$inlinecount` adds '
        '`__count` to the body.'
    ),
    'AL-17': (
        '`$select` takes property paths, including paths through relations '
        '(`Priority.Name`), aliases, extension augmenters, and `*`.'
    ),
    'AL-18': (
        '`$filter` takes a C#/LINQ-style predicate translated into parameterised SQL: `== '
        '= !=` for all types, `> < >= <=` for numbers and dates, `&& || !` and '
        'parentheses; a boolean alone means `== true`; binary only compares with `null`; '
        'text supports `Contains`, `StartsWith`, `EndsWith`; dates compare through '
        "`@DateTime(ISO-8601)` (no zone: the server's local time), `@Now`, "
        '`@NowOffset(d,h,m)`; also `@IsDeleted`, `@Guid(...)`, `@UserId`, '
        '`@OrganizationId`. A malformed predicate is `400`, never `500`, and no input can '
        "change the SQL's structure."
    ),
    'AL-19': (
        'What follows a `$` keyword (property names, values, `asc`/`desc`) is case '
        'sensitive.'
    ),
    'AL-20': (
        '`$leftJoin` / `$innerJoin` with an alias let `$select` and `$filter` use a '
        'joined entity.'
    ),
    'AL-21': (
        'Results are limited to the partitions the session may see; '
        '`$filter=Partition==1` filters always (every entity accepts `Partition`), '
        '`$partition=1` only where the entity is partitioned.'
    ),
    'AL-22': (
        'Data types `Binary, Boolean, DateTime, Integer, Long, Float, Double, Decimal, '
        'Short, Text, RichText`, and entity lookups.'
    ),
    'AL-23': (
        'Stored flags `Y, YES, T, TRUE, ON, 1, P, A` read as `true`; `true` on PUT/POST '
        "is written back in the column's own convention."
    ),
    'AL-24': (
        'Verbs: `GET` read, `PUT` update, `DELETE` delete (where appropriate, attachments '
        'and avatars included), actions such as `$create` or `forward` as described by '
        'their metadata.'
    ),
    'AL-25': (
        'Errors are `{Type, SubStatus, Message}`; `SubStatus` is one of `None, '
        'ResourceNotFound, RecordNotFound, LinkedRecordNotFound, NotSupported, '
        'NotImplemented, NotAllowed`; a `404` tells a bad URL (`ResourceNotFound`) from a '
        'missing record (`RecordNotFound`). The guide names `200, 304, 400, 401, 403, '
        "404, 405, 415, 500`, and the vendor's cookbook adds `201` for a create; nothing "
        'else is returned.'
    ),
    'AL-26': (
        'Text properties respect `length` from the metadata: too long is `400`. '
        '(`uppercase` is advisory: the guide says lower-case input may fail only "in a '
        'future release".)'
    ),
}
