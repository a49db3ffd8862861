"""No body, query or path gets a 500, an HTML page or a non-Web-API error body."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=5),
    max_leaves=12,
)
FIELDS = ["Name", "surname", "EmailAddress", "mobile", "DateOfBirth", "Gender", "Courses",
          "Tags", "Consents", "CrmNumber", "StudentInstitutionId", "CountryOfCitizenship",
          "Incoming", "CommunicationTypeId", "CommunicationCategoryId", "SubChannelId",
          "Headline", "Labels", "Content", "ContentType"]
BODIES = JSON | st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=7) | st.lists(
    st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=4), max_size=3)
WRITES = [("post", "/contacts"), ("put", "/contacts/100002"), ("post", "/othercommunications"),
          ("put", "/othercommunications/1/communicationcontent"),
          ("post", "/processes/upsertcontact"), ("post", "/processes/updatecontact"),
          ("post", "/processes/getcontactactivepreference"),
          ("post", "/processes/preprocessupsertcontacts")]
LISTS = ["/contacts", "/courses", "/othercommunications", "/contacts/100003/phonecommunications",
         "/contacts/100003/contactaddresses"]
PARAMS = ["limit", "offset", "returnTotal", "emailAddress", "name", "mobile", "crmNumber",
          "facultyId", "inactive", "nameContains", "codeContains", "communicationTypeId",
          "contactMatchingEnabled", "contactMatchingMinConfirmedScore",
          "contactMatchingMinNameSimilarity"]
FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_web_api(response: Any) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.get_json()
    if response.status_code >= 400:
        assert isinstance(body, dict) and isinstance(body.get("Message"), str), body


@FUZZ
@given(endpoint=st.sampled_from(WRITES), body=BODIES)
def test_any_json_body(api: Any, endpoint: Any, body: Any) -> None:
    method, path = endpoint
    assert_web_api(getattr(api, method)(path, json=body))


@FUZZ
@given(endpoint=st.sampled_from(WRITES), raw=st.binary(max_size=120),
       content_type=st.sampled_from(["application/json", "text/plain", "application/xml",
                                     "application/json; charset=latin-9", "text/json"]))
def test_any_bytes(api: Any, endpoint: Any, raw: bytes, content_type: str) -> None:
    method, path = endpoint
    assert_web_api(getattr(api, method)(path, data=raw, content_type=content_type))


@FUZZ
@given(path=st.sampled_from(LISTS), params=st.dictionaries(
    st.sampled_from(PARAMS), st.text(max_size=20) | st.integers(-(2**70), 2**70).map(str),
    max_size=4))
def test_any_query(api: Any, path: str, params: dict[str, str]) -> None:
    assert_web_api(api.get(path, query_string=params))


@FUZZ
@given(segment=st.text(min_size=1, max_size=25).filter(lambda s: "/" not in s and "?" not in s))
def test_any_path_segment(api: Any, segment: str) -> None:
    for template in ("/contacts/{}", "/courses/{}", "/othercommunications/{}/communicationcontent",
                     "/{}"):
        assert_web_api(api.get(template.format(segment)))
