"""The rules' text, copied from the project's behaviours guide (behaviours.md).

Shown beside each verdict in report.html; kept in the package, so a check never
reads files outside it at run time. Refresh it when behaviours.md changes."""

from __future__ import annotations

RULE_TEXT: dict[str, str] = {
    'QT-01': (
        '`POST /api/get-token/` with form fields `username`, `password` returns '
        '`{"token": ...}`; wrong credentials `400`.'
    ),
    'QT-02': (
        'Every other request sends `Authorization: Token <token>`. None: `401 {"detail": '
        '"Authentication credentials were not provided."}`. Unknown token: `401 '
        '{"detail": "Invalid token."}`.'
    ),
    'QT-03': (
        'A user without the needed permission: `403 {"detail": "You do not have '
        'permission to perform this action."}`.'
    ),
    'QT-04': (
        '`/api/` in a web browser shows a browsable HTML API (links to every endpoint; '
        'forms for POST).'
    ),
    'QT-05': (
        '`/api/schema/`, asked with a valid token, returns a schema that lists every '
        'endpoint (anonymous callers see only `/api/get-token/`).'
    ),
    'QT-06': (
        '`GET /api/units/units/` and `/api/units/units/{id}/`; related objects are '
        'hyperlinks (`url`, `type`, `modalities`, `site`).'
    ),
    'QT-07': (
        '`GET /api/qa/testlists/` and `/{id}/`; also tests, unit test collections, test '
        'instances, test list instances, test list cycles.'
    ),
    'QT-08': (
        'Lists page by `limit`/`offset`, default 100 per page (10 for unit test '
        'collections and test list instances on the real server); the body is `{count, '
        'next, previous, results}`; `next`/`previous` are absolute URLs or `null`; '
        'following `next` visits every record once.'
    ),
    'QT-09': (
        'Filters use Django lookups on fields and across relations (`name__contains`, '
        '`name__icontains`, `unit__name__icontains`, '
        '`unit_test_info__test__name__icontains`, ...); `ordering=field` or `-field`.'
    ),
    'QT-10': (
        '`POST /api/qa/testlistinstances/` performs a test list: `unit_test_collection` '
        '(URL), `tests` (test slug to `{value, skipped?, comment?}`), optional `day`, '
        '`in_progress` (default false), `include_for_scheduling`, `work_started`, '
        '`work_completed`, `user_key`, `comment`, `attachments`. Dates like `"2018-07-6 '
        '10:00"` are accepted.'
    ),
    'QT-11': (
        'Composite tests are calculated by the server from the submitted values '
        '(`sum_of_two` = `number_1 + number_2`) and must not be required from the client.'
    ),
    'QT-12': (
        'The response echoes every test with `value`, `value_display`, `string_value`, '
        '`skipped`, `comment`, `reference`, `tolerance`, `pass_fail`, `diff_display`, '
        '`status`, `attachments`, `url`, plus the instance fields (`url`, `site_url`, '
        '`test_list`, `unit_test_collection`, `created_by`, `work_started`, '
        '`work_completed`, `in_progress`, `reviewed`, `all_reviewed`, `day`, `due_date`, '
        "...). `pass_fail` is computed against the test's reference and tolerance "
        '(`["no_tol", "No Tol Set"]` when none).'
    ),
    'QT-13': (
        'Test list cycles: `day` is 0-based and must satisfy `0 <= day < number of lists '
        'in the cycle`, else `400`.'
    ),
    'QT-14': (
        'A missing value for a non-composite, non-skipped test: `400` naming the test.'
    ),
    'QT-15': (
        'File-upload tests take `{filename, value, encoding: "text"|"base64"}`; binary '
        'content must be base64; invalid base64 `400`.'
    ),
    'QT-16': (
        '`attachments` is a list of `{filename, value, encoding}` and they appear on the '
        'created instance.'
    ),
    'QT-17': (
        '`user_key` (up to 255 characters) is unique: a second POST with the same key '
        'answers `400` with `{"user_key": ["test list instance with this user key already '
        'exists."]}` (the guide quotes the message without its period), and creates '
        'nothing.'
    ),
}
