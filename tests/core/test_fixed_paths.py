"""A wrong method on a fixed path answers 405 with Allow (not a bad-id 400 from a variable rule)."""

from __future__ import annotations

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config


def test_wrong_method_on_a_fixed_path_is_405_with_allow() -> None:
    app = create_app("aliquora", Config(db_url="sqlite:///:memory:"))
    client = app.test_client()
    key = next(e["apiKey"] for e in client.get("/__admin/credentials").get_json()["credentials"]
               if e["plan"] == "api")
    headers = {"Authorization": f"Bearer {key}"}
    for method, path in (("PATCH", "/api/v1/sample-tests/bulk-results"),
                         ("GET", "/api/v1/samples/receive")):
        response = client.open(path, method=method, headers=headers, json={})
        assert response.status_code == 405, response.get_json()
        assert "POST" in response.headers["Allow"]
        assert response.get_json()["error"] == "method_not_allowed"
    assert client.patch("/api/v1/samples/999999", headers=headers, json={}).status_code == 404
