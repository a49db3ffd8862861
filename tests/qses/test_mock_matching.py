"""Contact matching: the documented weights, thresholds and atomic upserts."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config

from .conftest import API, person, token_for


def preview(api: Any, contact: dict[str, Any], query: str = "") -> dict[str, Any]:
    response = api.post(f"/processes/preprocessupsertcontacts{query}", json=[contact])
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(response.get_json()[0])


def test_scores_follow_the_documented_weights(api: Any) -> None:
    number = api.post("/processes/upsertcontact", json=person(
        EmailAddress="score.test@example.org", StudentInstitutionId="S7654321")).get_json()
    same_email = person(EmailAddress="SCORE.TEST@example.org", Mobile=None,
                        DateOfBirth=None, CountryOfCitizenship=None)
    assert preview(api, same_email) == {"Index": 0, "Action": "Create", "CrmNumber": None,
                                        "Score": 0, "NameSimilarity": None}  # 60 < 82
    lowered = preview(api, same_email, "?contactMatchingMinConfirmedScore=60")
    assert (lowered["Action"], lowered["CrmNumber"], lowered["Score"]) == (
        "Update", number, 60)
    email_and_birth = preview(api, {**same_email, "DateOfBirth": "2004-03-09T00:00:00"})
    assert (email_and_birth["CrmNumber"], email_and_birth["Score"]) == (number, 82)
    everything = preview(api, person(EmailAddress="score.test@example.org",
                                     StudentInstitutionId="S7654321",
                                     Mobile="0912345678"))
    assert everything["Score"] == 82 + 60 + 25 + 22 + 5 and everything["NameSimilarity"] == 1.0


def test_name_similarity_gates_a_match(api: Any) -> None:
    number = api.post("/processes/upsertcontact", json=person(
        EmailAddress="twin@example.org", Mobile="+84 900 000 001")).get_json()
    other_name = person(Name="Olga", Surname="Petrova", EmailAddress="twin@example.org",
                        Mobile="0900000001")
    assert preview(api, other_name)["Action"] == "Create"  # score 112, names unalike
    assert preview(api, other_name, "?contactMatchingMinNameSimilarity=0")["CrmNumber"] == \
        number
    swapped = person(Name="NGUYEN", Surname="linh", EmailAddress="twin@example.org",
                     Mobile="0900000001")
    assert preview(api, swapped)["NameSimilarity"] == 1.0  # token order and case ignored
    off = preview(api, swapped, "?contactMatchingEnabled=false")
    assert off["Action"] == "Create"
    assert preview(api, {**swapped, "CrmNumber": number},
                   "?contactMatchingEnabled=false")["CrmNumber"] == number


def test_upsert_merges_and_update_needs_a_match(api: Any) -> None:
    number = api.post("/processes/upsertcontact", json=person(
        EmailAddress="merge@example.org", Intake="2026 Semester 2")).get_json()
    again = api.post("/processes/upsertcontact", json=person(
        EmailAddress="merge@example.org", Intake=None, VisaType="Student (subclass 500)"))
    assert again.get_json() == number
    stored = api.get(f"/contacts/{number}").get_json()["Data"]
    assert stored["Intake"] == "2026 Semester 2" and stored["VisaType"].startswith("Student")
    missing = api.post("/processes/updatecontact", json={"EmailAddress": "no@one.org"})
    assert missing.status_code == 404 and "Message" in missing.get_json()
    assert api.post("/processes/updatecontact", json=person(
        EmailAddress="merge@example.org", HeatStatus="Hot")).get_json() == number
    bad = api.post("/processes/upsertcontact?contactMatchingMinNameSimilarity=2", json=person())
    assert bad.status_code == 400 and "ModelState" in bad.get_json()


def test_active_preference(api: Any) -> None:
    number = api.post("/processes/upsertcontact", json=person(
        EmailAddress="pref@example.org", Intake="2027 Semester 1",
        Courses=[{"CourseId": 2, "Preference": 2}, {"CourseId": 3, "Preference": 1,
                                                    "Active": True}])).get_json()
    preference = api.post("/processes/getcontactactivepreference",
                          json={"CrmNumber": number}).get_json()
    assert preference["CourseId"] == 3 and preference["Intake"] == "2027 Semester 1"
    assert preference["CourseCode"]


def test_concurrent_upserts_of_one_person_make_one_contact(tmp_path: Path) -> None:
    app = create_app("qses", Config(db_url=f"sqlite:///{tmp_path / 'qs.sqlite3'}",
                                    rate_limits=False))
    client = app.test_client()
    password = next(c["password"] for c in client.get("/__admin/credentials").get_json()[
        "credentials"] if c["username"] == "integration.full")
    headers = {"Authorization": f"Bearer {token_for(client, 'integration.full', password)}"}
    answers: list[int] = []

    def upsert() -> None:
        response = app.test_client().post(f"{API}/processes/upsertcontact", headers=headers,
                                          json=person(EmailAddress="race@example.org"))
        answers.append(response.get_json())

    threads = [threading.Thread(target=upsert) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 8 and len(set(answers)) == 1, answers
    found = client.get(f"{API}/contacts?emailAddress=race@example.org", headers=headers)
    assert len(found.get_json()["Data"]) == 1
