"""The rules' text, copied from the project's behaviours guide (behaviours.md).

Shown beside each verdict in report.html; kept in the package, so a check never
reads files outside it at run time. Refresh it when behaviours.md changes."""

from __future__ import annotations

RULE_TEXT: dict[str, str] = {
    'AQ-01': (
        '`GET /api/v1` (discovery) returns the API name, version `v1`, and the complete '
        'list of routes; the list equals the routes the server really serves.'
    ),
    'AQ-02': (
        'Every `/api/v1/*` request needs `Authorization: Bearer <key>`. Missing, '
        'malformed, unknown or revoked key: `401` with header `WWW-Authenticate: Bearer`.'
    ),
    'AQ-03': (
        'A key of an organisation whose plan lacks the API feature: `401`.'
    ),
    'AQ-04': (
        'Keys are `lk_` followed by a long random string; the server stores only a '
        'one-way hash; the plaintext appears exactly once, as `rawKey` in the creation '
        'response; afterwards only a masked `keyPrefix` (`lk_` + 8 chars + `...`).'
    ),
    'AQ-05': (
        'Key objects carry `id, name, keyPrefix, createdBy, createdAt, lastUsedAt, '
        'revokedAt`; `lastUsedAt` is updated by use; revoking takes effect on the very '
        'next request.'
    ),
    'AQ-06': (
        'Keys are created, listed and revoked only by users with the role system '
        'administrator or administrator (in the mock: through its `/__admin/keys` '
        'interface).'
    ),
    'AQ-07': (
        '`GET /api/v1/whoami` returns `{ok: true, organizationId, keyId, userId, version: '
        '"v1"}` for the calling key.'
    ),
    'AQ-08': (
        "Tenant isolation: a key reads and changes only its own organisation's data. "
        "Another tenant's record by id: `404 not_found` (its existence is not revealed). "
        "Referencing another tenant's id in a body: `400 invalid_reference`."
    ),
    'AQ-09': (
        '`GET /samples` filters: `status, materialTypeId, projectId, trackingId, since, '
        'until` (`since`/`until` bound the received date), plus `limit` and `cursor`.'
    ),
    'AQ-10': (
        '`GET /samples/:id` returns the sample with its scheduled tests.'
    ),
    'AQ-11': (
        '`POST /samples` takes `clientName, materialTypeId, projectId, collectionDate, '
        'priority, testDefinitionIds, notes` and schedules one sample test per '
        '`testDefinitionIds` entry in the same call; it returns the created sample with a '
        'generated `trackingId` (`S-YYYY-NNNNNN`).'
    ),
    'AQ-12': (
        'A referenced material type, project or test definition that does not exist in '
        "the caller's organisation: `400 invalid_reference`."
    ),
    'AQ-13': (
        'A project that uses a composite sample identifier requires `plantLocation`; '
        'without it: `400`.'
    ),
    'AQ-14': (
        "Each created sample counts against the plan's monthly sample allowance; past it: "
        '`403` with `code: "SAMPLE_LIMIT_EXCEEDED"`, and no sample is created.'
    ),
    'AQ-15': (
        '`PATCH /samples/:id` updates mutable fields only; it never changes `status` '
        '**(choice: a body with `status` is rejected with `400 invalid_body`, or the '
        'field is ignored; either way status is unchanged)**.'
    ),
    'AQ-16': (
        '`PATCH /samples/:id/status` with `{status}` changes status; valid values are '
        'exactly `pending, received, processing, completed, verified`; anything else '
        '`400`.'
    ),
    'AQ-17': (
        '`POST /samples/receive` with `{sampleIds: [...]}` receives every listed sample '
        'in one call.'
    ),
    'AQ-18': (
        '`POST /samples/:id/report` marks the sample reported once its results are '
        'complete and verified (**choice**: a `reportedAt` timestamp; `reported` is not '
        'one of the AQ-16 statuses); when a QC gate is not satisfied it answers `409 '
        'qc_failed` and changes nothing.'
    ),
    'AQ-19': (
        '`GET /samples/:id/approvals` lists approval records; `PATCH '
        '/approval-records/:id` updates one.'
    ),
    'AQ-20': (
        '`GET /sample-tests` filters by `sampleId` and `status`.'
    ),
    'AQ-21': (
        '`PATCH /sample-tests/:id` enters or updates a result; once verified, any edit '
        'answers `409 test_verified_locked` and the stored result is unchanged.'
    ),
    'AQ-22': (
        '`POST /sample-tests/:id/verify` verifies and locks the result.'
    ),
    'AQ-23': (
        '`POST /sample-tests/bulk-results` with `{updates: [{sampleTestId, result, '
        'notes?}]}` enters many results in one call; a locked or foreign test in the '
        'batch is never changed **(choice: the whole batch is refused, or each row gets '
        'its own outcome; stated in the spec)**.'
    ),
    'AQ-24': (
        '`POST /instrument-uploads` takes multipart `file` plus optional `hint`, '
        '`dryRun`, `confidenceThreshold` (0 to 1, else `400`); it matches rows to sample '
        'tests by tracking id and test code, returns proposed matches each with a '
        'confidence score, writes nothing when `dryRun` is true, and writes only matches '
        "at or above the threshold otherwise. (The mock's extraction is deterministic "
        'parsing of CSV/TSV instrument exports, not a remote model.)'
    ),
    'AQ-25': (
        '`GET /test-definitions` (codes, units, spec limits), `GET /material-types`, `GET '
        '/storage-locations`; `GET/POST /projects`, `PATCH /projects/:id`; `GET/POST '
        '/clients`, `PATCH /clients/:id`.'
    ),
    'AQ-26': (
        'List endpoints page by cursor: `limit` default 50, maximum 500 **(choice: above '
        '500 is clamped or rejected with 400)**; `cursor` is the id to read after; the '
        "body is `{data, nextCursor, hasMore}`. Records come newest first (the guide's "
        'example: `cursor=1042` yields id 1041). Following `nextCursor` until `hasMore` '
        'is false yields every matching record exactly once, also while records are being '
        'added.'
    ),
    'AQ-27': (
        '120 requests per minute per key across all endpoints; past it `429` with '
        '`{"error": "rate_limited", "message": ...}`.'
    ),
    'AQ-28': (
        'Instrument uploads: 20 per minute per key, on top of AQ-27.'
    ),
    'AQ-29': (
        'Errors are JSON `{error, message}` with the slugs `invalid_body`, '
        '`invalid_reference`, `invalid_id`, `not_found`, `test_verified_locked`, '
        '`qc_failed`, `rate_limited`, `internal`; plan limits carry `code` instead. '
        'Malformed JSON or a wrong type is `400 invalid_body`, never `500`; a non-numeric '
        'id is `400 invalid_id`.'
    ),
    'AQ-30': (
        'Clients must tolerate added endpoints and optional fields (the version does not '
        'change for additive changes); the conformance suite never fails a target for '
        'extra fields.'
    ),
}
