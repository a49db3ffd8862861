"""QT-15: file-upload tests take {filename, value, encoding}."""

from __future__ import annotations

import pytest

from apidouble.conformance.qatrack._api import Api, Collection, messages
from apidouble.conformance.qatrack.fixtures import Performed, payload
from apidouble.conformance.target import Target

PERFORM = "/api/qa/testlistinstances/"


def _upload_slug(collection: Collection) -> str:
    uploads = collection.of_type("upload")
    if not uploads:
        pytest.skip("not checkable: the unit test collection has no file-upload test")
    return uploads[0].slug


@pytest.mark.rule("QT-15")
def test_text_upload_is_accepted(target: Target, collection: Collection,
                                 performed: Performed) -> None:
    target.need_writes()
    slug = _upload_slug(collection)
    assert performed.response.status_code == 201, (
        f"QT-15: performing with a text upload answered {performed.response.status_code}: "
        f"{performed.response.text[:300]}")
    result = performed.body["tests"][slug]
    if target.is_mock:
        assert result["attachments"], f"QT-15: upload {slug} has no attachment: {result}"


@pytest.mark.rule("QT-15")
def test_invalid_base64_is_refused(target: Target, api: Api, collection: Collection) -> None:
    target.need_writes()
    slug = _upload_slug(collection)
    body = payload(collection)
    body["tests"][slug] = {"filename": "bad.bin", "value": "not base64 at all!",
                           "encoding": "base64"}
    response = api.post(PERFORM, json=body)
    assert response.status_code == 400, f"QT-15: invalid base64 answered {response.status_code}"
    assert ("base64 encoding requested but content does not appear to be base64"
            in messages(response.json())), f"QT-15: body {response.text[:300]}"


@pytest.mark.rule("QT-15")
def test_upload_needs_a_filename(target: Target, api: Api, collection: Collection) -> None:
    target.need_writes()
    slug = _upload_slug(collection)
    body = payload(collection)
    body["tests"][slug] = {"value": "aGVsbG8=", "encoding": "base64"}
    response = api.post(PERFORM, json=body)
    assert response.status_code == 400, f"QT-15: no filename answered {response.status_code}"
    assert f"{slug} is missing the filename field" in messages(response.json()), (
        f"QT-15: body {response.text[:300]}")
